"""`briefpress check`: every problem a build finds, plus broken internal links; writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import brief_text, run_process

from briefpress.check import Link, links_in_markdown, site_path
from briefpress.config import SiteConfig
from briefpress.markdown import make_markdown

CONFIG = "title: T\nbase_url: https://example.org/briefs/\ntimezone: UTC\n"

LINKING = """\
Intro with a [good brief](/briefs/2025/08/target/) and a [tag](../../../tags/armenia/).

A [period](https://example.org/briefs/2025/) and [elsewhere](https://other.org/x/).
A [missing brief](/briefs/2025/08/targte/) on the second line of a paragraph.

<p>Raw <a href="/briefs/tags/nothing/">HTML link</a>.</p>

[Missing tag][ref] and [mail](mailto:a@b.org) and [top](#top) and [css](/briefs/css/style.css).

[ref]: /briefs/tags/no-such-tag/
"""


def _site(write_site) -> Path:
    return write_site(
        {
            "content/2025/08/target.md": brief_text("Target", "2025-08-01 10:00", ["Armenia"]),
            "content/2025/08/linking.md": brief_text(
                "Linking", "2025-08-02 10:00", ["Armenia"], body=LINKING
            ),
        },
        config=CONFIG,
    )


def test_check_reports_each_broken_link_with_its_line_and_writes_nothing(write_site) -> None:
    root = _site(write_site)
    result = run_process(["check"], root)
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if "broken link" in line]
    body_start = 6  # 4 lines of front matter, then the body
    assert problems == [
        f"content/2025/08/linking.md:{body_start + 3}: broken link /briefs/2025/08/targte/: "
        "no page or file is built there; did you mean /briefs/2025/08/target/?",
        f"content/2025/08/linking.md:{body_start + 5}: broken link /briefs/tags/nothing/: "
        "no page or file is built there",
        f"content/2025/08/linking.md:{body_start + 7}: broken link /briefs/tags/no-such-tag/: "
        "no page or file is built there",
    ]
    assert sorted(p.name for p in root.iterdir()) == ["content", "site.yaml"]


def test_check_passes_a_good_site(write_site) -> None:
    root = write_site(
        {"content/a.md": brief_text("A", "2025-08-01 10:00", ["X"], body="[B](/2025/08/b/)")}
    )
    (root / "content/b.md").write_text(brief_text("B", "2025-08-03 10:00", ["X"]), "utf-8")
    result = run_process(["check"], root)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"checked 2 briefs, \d+ pages: no problems", result.stdout.strip())
    assert sorted(p.name for p in root.iterdir()) == ["content", "site.yaml"]
    (root / "content/b.md").unlink()
    (root / "content/a.md").write_text(brief_text("A", "2025-08-01 10:00", ["X"]), "utf-8")
    one = run_process(["check"], root).stdout.strip()
    assert re.fullmatch(r"checked 1 brief, \d+ pages: no problems", one), one


def test_check_lists_content_config_and_template_problems_together(write_site) -> None:
    root = write_site(
        {
            "content/a.md": brief_text("A", "31.02.2025 10:00", ["X"]),
            "content/b.md": brief_text("B", "2025-08-01", ["X"], body="[x](/nowhere/)"),
            "themes/mine/theme.yaml": "extends: default\n",
            "themes/mine/templates/tags.html": "{{ no_such_variable }}\n",
        },
        config="theme: mine\n",
    )
    result = run_process(["check"], root)
    assert result.returncode == 1
    assert "content/a.md:3: date: '31.02.2025 10:00' is not a real day" in result.stderr
    assert "content/b.md:6: broken link /nowhere/" in result.stderr
    assert "themes/mine/templates/tags.html:1: template error" in result.stderr
    assert not (root / "site").exists() and not (root / ".briefpress-cache").exists()


def test_strict_turns_warnings_into_problems(write_site) -> None:
    root = write_site({"content/a.md": brief_text("A", "2025-08-01 10:00")})
    relaxed = run_process(["check"], root)
    assert relaxed.returncode == 0
    assert "warning: content/a.md:1: brief has no tags" in relaxed.stderr
    strict = run_process(["check", "--strict"], root)
    assert strict.returncode == 1
    assert "content/a.md:1: brief has no tags" in strict.stderr


def test_drafts_and_future_are_checked_only_when_asked(write_site) -> None:
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-08-01 10:00", ["X"], body="[d](/2025/08/d/)"),
            "content/d.md": brief_text("D", "2025-08-02 10:00", ["X"], draft="true"),
        }
    )
    assert run_process(["check"], root).returncode == 1
    assert run_process(["check", "--drafts"], root).returncode == 0


def test_check_outside_a_site(tmp_path: Path) -> None:
    result = run_process(["check"], tmp_path)
    assert result.returncode == 2
    assert "not a briefpress site" in result.stderr


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/briefs/tags/usa/", "/tags/usa/"),
        ("../../../", "/"),
        ("feed.xml", "/2025/08/x/feed.xml"),
        ("/briefs/tags/%D5%B0%D5%A1%D5%B5/", "/tags/հայ/"),
        ("https://EXAMPLE.org/briefs/archive/#y", "/archive/"),
        ("/elsewhere/", None),
        ("https://other.org/briefs/", None),
        ("mailto:x@example.org", None),
    ],
)
def test_site_path(href: str, expected: str | None) -> None:
    config = SiteConfig(base_url="https://example.org/briefs/")
    assert site_path(config, "https://example.org/briefs/2025/08/x/", href) == expected


def test_links_in_markdown_give_lines_within_the_body() -> None:
    body = (
        "Para\nline [a](/a/)\n\n<div>\n<a href='/b/'>b</a></div>\n\n- item <a href=\"/c/\">c</a>\n"
    )
    assert list(links_in_markdown(make_markdown(True), body)) == [
        Link("/a/", 1),
        Link("/b/", 4, markdown=False),
        Link("/c/", 6, markdown=False),
    ]


def test_images_in_markdown_and_html() -> None:
    body = (
        "![a](/a.png) and ![b\nc](/b.png) then [l](/l/)\n\n"
        '<img alt="x" src="/c.png" srcset="/c1.png 1x, /c2.png 2x">\n\n'
        '<video src="/v.mp4"></video> <img data-src="/lazy.png" src=/d.png>\n'
    )
    assert list(links_in_markdown(make_markdown(True), body)) == [
        Link("/a.png", 0, "image"),
        Link("/b.png", 0, "image"),
        Link("/l/", 1),
        Link("/c.png", 3, "image", markdown=False),
        Link("/c1.png", 3, "image", markdown=False),
        Link("/c2.png", 3, "image", markdown=False),
        Link("/v.mp4", 5, markdown=False),
        Link("/d.png", 5, "image", markdown=False),
    ]


IMAGES = """\
A ![found](/images/ok.png) and ![missing](/images/okay.png) and ![far](https://cdn.org/x.png).

<img src="/images/m3.png" alt="raw">

<p><img src="/images/ok.png" srcset="/images/ok.png 1x, /images/ok@2x.png 2x"></p>
"""


@pytest.mark.parametrize(
    ("html_setting", "base_url", "expected"),
    [
        (
            "true",
            "https://example.org/",
            [
                "content/a.md:6: broken image /images/okay.png: no page or file is built "
                "there; did you mean /images/ok.png?",
                "content/a.md:8: broken image /images/m3.png: no page or file is built there; "
                "did you mean /images/ok.png?",
                "content/a.md:10: broken image /images/ok@2x.png: no page or file is built "
                "there; did you mean /images/ok.png?",
            ],
        ),
        (
            "false",
            "https://example.org/",
            [
                "content/a.md:6: broken image /images/okay.png: no page or file is built "
                "there; did you mean /images/ok.png?",
            ],
        ),
        (
            "true",
            "https://example.org/repo/",
            [
                "content/a.md:6: broken image /images/okay.png (/repo/images/okay.png): "
                "no page or file is built there; did you mean /repo/images/ok.png?",
            ],
        ),
    ],
    ids=["html", "no-html", "base-path"],
)
def test_check_reports_images_the_build_does_not_produce(
    write_site, html_setting: str, base_url: str, expected: list[str]
) -> None:
    """With a base path, a Markdown image to /images/... gets it, as the build writes it;
    raw HTML is written as it is, so /images/m3.png is outside the site there."""
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-08-01 10:00", ["X"], body=IMAGES),
            "static/images/ok.png": b"png",
        },
        config=f"base_url: {base_url}\nhtml: {html_setting}\n",
    )
    result = run_process(["check"], root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:-1] == expected


def test_check_lists_static_files_that_clash_with_generated_ones(write_site) -> None:
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-08-01 10:00", ["X"], body="[x](/nowhere/)"),
            "static/sitemap.xml": "<urlset/>",
            "static/robots.txt": "User-agent: *\n",
            "static/CNAME": "old.example.org",
        },
        config="base_url: https://example.org/\ncname: new.example.org\n",
    )
    result = run_process(["check"], root)
    assert result.returncode == 1
    assert [line.split(": ")[0] for line in result.stderr.splitlines()] == [
        "content/a.md:6",
        "site.yaml:2",
        "static/sitemap.xml",
        "failed",
    ]

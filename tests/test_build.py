"""End-to-end builds of small sites into tmp_path, checked by parsing the output."""

from __future__ import annotations

import filecmp
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import MINIMAL_CONFIG, REPO, brief_text, page, run_process

SEED_URL = "/2025/08/washington-prepares-meeting-of-armenian-and-azerbaijani-leaders/"
SEED_FILE = REPO / "content" / f"{SEED_URL.strip('/')}.md"
ATOM = "{http://www.w3.org/2005/Atom}"


def build(run_cli, root: Path, *flags: str) -> Path:
    code, out, err = run_cli(["build", "--no-search", "-q", *flags], root)
    assert code == 0, err
    return root / "site"


def brief_urls(soup: BeautifulSoup) -> list[str]:
    """Brief links in the page's main part, in order, each once (any list markup)."""
    found: list[str] = []
    for link in soup.select("main a[href]"):
        href = link["href"]
        if re.fullmatch(r"(/repo)?/\d{4}/\d{2}/(\d{2}/)?[^/]+/", href) and href not in found:
            found.append(href)
    return found


def tag_links(soup: BeautifulSoup) -> list[str]:
    """Tag pages a brief page links to (not inline hashtags), in order, each once."""
    found: list[str] = []
    for link in soup.select("article a[href*='/tags/']"):
        if "hashtag" not in (link.get("class") or []) and link["href"] not in found:
            found.append(link["href"])
    return found


def summaries(soup: BeautifulSoup) -> dict[str, str]:
    """Brief URL -> its summary on a list page."""
    found = {}
    for item in soup.select("main article"):
        link = item.find("a", href=re.compile(r"^/\d{4}/"))
        summary = item.select_one(".summary")
        if link and summary:
            found[link["href"]] = summary.get_text()
    return found


def test_seed_brief(write_site, run_cli) -> None:
    root = write_site(
        {"content/2025/08/seed.md": SEED_FILE.read_text(encoding="utf-8")},
        config="base_url: https://example.org/\ntimezone: Asia/Yerevan\ntag_names: {usa: USA}\n",
    )
    out = build(run_cli, root)
    seed = page(out, SEED_URL)
    assert seed.h1.get_text().startswith(
        "Washington Prepares Meeting of Armenian and Azerbaijani Leaders: A Peace"
    )
    assert seed.find("time")["datetime"] == "2025-08-06T06:27:00+04:00"
    assert "06:27" in seed.find("time").get_text()
    assert tag_links(seed) == ["/tags/armenia/", "/tags/usa/", "/tags/azerbaijan/"]
    names = {a["href"]: a.get_text(strip=True) for a in seed.select("article a[href^='/tags/']")}
    assert names["/tags/usa/"].lstrip("#") == "USA"
    assert names["/tags/armenia/"].lstrip("#") == "ARMENIA"
    body = seed.select_one(".brief-body")
    assert "#ARMENIA" not in body.get_text()
    assert body.find("p").get_text().startswith("U.S. President Donald Trump")
    for slug in ("armenia", "usa", "azerbaijan"):
        assert (out / "tags" / slug / "index.html").is_file()


def test_title_from_heading_is_not_repeated(write_site, run_cli) -> None:
    root = write_site(
        {"content/h.md": "---\ndate: 2025-03-01 10:00\n---\n# Heading *Title*\n\nFirst para.\n"}
    )
    out = build(run_cli, root)
    brief = page(out, "/2025/03/heading-title/")
    assert brief.h1.get_text() == "Heading Title"
    assert brief.select(".brief-body h1") == []
    assert brief.select_one(".brief-body p").get_text() == "First para."
    assert brief.title.get_text().startswith("Heading Title")


@pytest.mark.parametrize(
    "tags_line",
    [
        "tags: [Armenia, USA]",
        'tags: "#ARMENIA #USA"',
        'tags: "Armenia, USA"',
        "tags:\n  - '#Armenia'\n  - USA",
    ],
    ids=["list", "hashtag-string", "comma-string", "block-list-with-hash"],
)
def test_tag_forms(write_site, run_cli, tags_line: str) -> None:
    root = write_site({"content/a.md": f"---\ntitle: A\ndate: 2025-01-01\n{tags_line}\n---\nT\n"})
    out = build(run_cli, root)
    assert tag_links(page(out, "/2025/01/a/")) == ["/tags/armenia/", "/tags/usa/"]


def test_hashtags_merge_and_link_under_base_path(write_site, run_cli) -> None:
    body = (
        "Talks on #Zangezur in `#code` and page#anchor.\n\n"
        "## About #Heading\n\n```\n#Fenced\n```\n\n#Armenia #Extra\n"
    )
    root = write_site(
        {"content/a.md": brief_text("A", "2025-01-01", ["Armenia"], body)},
        config="base_url: https://x.github.io/repo/\n",
    )
    out = build(run_cli, root)
    brief = page(out, "/2025/01/a/")
    inline = brief.select(".brief-body a.hashtag")
    assert [(a.get_text(), a["href"]) for a in inline] == [("#Zangezur", "/repo/tags/zangezur/")]
    assert tag_links(brief) == [
        "/repo/tags/armenia/",
        "/repo/tags/extra/",
        "/repo/tags/zangezur/",
    ]
    assert "#Extra" not in brief.select_one(".brief-body").get_text()
    for slug in ("armenia", "extra", "zangezur"):
        assert (out / "tags" / slug / "index.html").is_file()
    for slug in ("heading", "fenced", "code", "anchor"):
        assert not (out / "tags" / slug).exists()


def test_tag_case_folding_and_display_names(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/1.md": brief_text("One", "2025-01-01", ["Usa", "beta"]),
            "content/2.md": brief_text("Two", "2025-01-02", ["USA", "Beta"]),
            "content/3.md": brief_text("Three", "2025-01-03", ["usa", "Gamma"], "Text #USA."),
            "content/4.md": brief_text("Four", "2025-01-04", ["usa", "gamma"]),
        },
        config="base_url: https://example.org/\ntag_names: {gamma: GAMMA}\n",
    )
    out = build(run_cli, root)
    tags = page(out, "/tags/")
    names = {a["href"]: a.get_text(" ", strip=True) for a in tags.select("main a[href^='/tags/']")}
    assert set(names) == {"/tags/usa/", "/tags/beta/", "/tags/gamma/"}
    assert "usa" in names["/tags/usa/"] and "USA" not in names["/tags/usa/"]
    assert "Beta" in names["/tags/beta/"]  # tie 1:1, 'Beta' < 'beta' in code points
    assert "GAMMA" in names["/tags/gamma/"]
    assert len(brief_urls(page(out, "/tags/usa/"))) == 4


def test_unicode_tags_have_pages(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/hy.md": brief_text("Հայերեն", "2025-01-01", ["Հայաստան"], "Տեքստ #Գյումրի"),
            "content/ru.md": brief_text("Русский", "2025-01-02", ["Россия"]),
        }
    )
    out = build(run_cli, root)
    for slug, title in (("հայաստան", "Հայաստան"), ("գյումրի", "Գյումրի"), ("россия", "Россия")):
        tag_page = page(out, f"/tags/{slug}/")
        assert title in tag_page.h1.get_text()
    assert (out / "2025" / "01" / "հայերեն" / "index.html").is_file()
    link = page(out, "/2025/01/հայերեն/").select_one(".brief-body a.hashtag")
    assert link["href"] == "/tags/գյումրի/"


def test_summary_from_front_matter_or_first_paragraph(write_site, run_cli) -> None:
    long_para = " ".join(f"word{i:03d}" for i in range(80))
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-01-01", body="Short *first* para.\n\nSecond."),
            "content/b.md": brief_text("B", "2025-01-02", body=long_para),
            "content/c.md": brief_text("C", "2025-01-03", summary="Given summary."),
            "content/d.md": brief_text(
                "D", "2025-01-04", body="## Sub\n\n![A map](/map.png)\n\n[](/x/)\n\nReal *para*."
            ),
        }
    )
    out = build(run_cli, root)
    shown = summaries(page(out, "/"))
    assert shown["/2025/01/a/"] == "Short first para."
    assert shown["/2025/01/d/"] == "Real para."  # paragraphs of no text are passed over
    assert shown["/2025/01/c/"] == "Given summary."
    cut = shown["/2025/01/b/"]
    assert cut.endswith("…") and 250 <= len(cut) <= 281
    assert long_para.startswith(cut[:-1]) and long_para[len(cut) - 1] == " "
    meta = page(out, "/2025/01/c/").find("meta", attrs={"name": "description"})
    assert meta["content"] == "Given summary."


def test_drafts_and_future(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/now.md": brief_text("Now", "2025-01-01"),
            "content/draft.md": brief_text("Draft", "2025-01-02", draft="true"),
            "content/later.md": brief_text("Later", "2099-05-01 09:00"),
        }
    )
    code, out, err = run_cli(["build", "--no-search"], root)
    assert code == 0, err
    assert brief_urls(page(root / "site", "/")) == ["/2025/01/now/"]
    assert "scheduled: content/later.md (2099-05-01T09:00+00:00)" in out.splitlines()
    assert "1 scheduled" in out and "1 draft left out" in out
    site = build(run_cli, root, "--drafts", "--future")
    assert brief_urls(page(site, "/")) == ["/2099/05/later/", "/2025/01/draft/", "/2025/01/now/"]


def test_summary_counts_read_as_english(write_site, run_cli) -> None:
    one = write_site({"content/a.md": brief_text("A", "2025-01-01", ["Armenia"])})
    code, out, err = run_cli(["build", "--no-search"], one)
    assert code == 0, err
    assert re.match(r"built 1 brief, 1 tag, \d+ pages in ", out.splitlines()[-1]), out
    (one / "content" / "b.md").write_text(brief_text("B", "2025-01-02", ["USA"]), encoding="utf-8")
    (one / "content" / "c.md").write_text(
        brief_text("C", "2025-01-03", draft="true"), encoding="utf-8"
    )
    (one / "content" / "d.md").write_text(
        brief_text("D", "2025-01-04", draft="true"), encoding="utf-8"
    )
    code, out, err = run_cli(["build", "--no-search"], one)
    assert code == 0, err
    last = out.splitlines()[-1]
    assert re.match(r"built 2 briefs, 2 tags, \d+ pages in ", last), out
    assert "2 drafts left out" in last


def test_meta_reaches_templates_and_theme_extends_default(write_site, run_cli) -> None:
    brief_template = (
        '{% extends "base.html" %}{% block content %}<p id="author">{{ brief.meta.author }}'
        '</p><p id="image">{{ brief.meta.image }}</p>{% endblock %}'
    )
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-01-01", author="Ani Hakobyan", image="/a.jpg"),
            "themes/mine/theme.yaml": "extends: default\n",
            "themes/mine/templates/brief.html": brief_template,
            "themes/mine/static/css/extra.css": "p{}",
        },
        config="base_url: https://example.org/\ntheme: mine\n",
    )
    out = build(run_cli, root)
    brief = page(out, "/2025/01/a/")
    assert brief.find(id="author").get_text() == "Ani Hakobyan"
    assert brief.find(id="image").get_text() == "/a.jpg"
    assert (out / "css" / "style.css").is_file() and (out / "css" / "extra.css").is_file()
    assert brief_urls(page(out, "/")) == ["/2025/01/a/"]  # index.html from the parent theme


def test_home_pagination_and_neighbours(write_site, run_cli) -> None:
    files = {
        f"content/b{i}.md": brief_text(f"Brief {i}", f"2025-01-{i:02d} 12:00") for i in range(1, 6)
    }
    root = write_site(files, config="base_url: https://example.org/\nper_page: 2\n")
    out = build(run_cli, root)
    assert brief_urls(page(out, "/")) == ["/2025/01/brief-5/", "/2025/01/brief-4/"]
    second = page(out, "/page/2/")
    assert brief_urls(second) == ["/2025/01/brief-3/", "/2025/01/brief-2/"]
    assert second.select_one(".pager a[rel=prev]")["href"] == "/"
    assert second.select_one(".pager a[rel=next]")["href"] == "/page/3/"
    assert brief_urls(page(out, "/page/3/")) == ["/2025/01/brief-1/"]
    assert not (out / "page" / "4").exists()
    middle = page(out, "/2025/01/brief-3/")
    assert neighbours(middle) == {"next": "/2025/01/brief-4/", "prev": "/2025/01/brief-2/"}
    assert neighbours(page(out, "/2025/01/brief-5/")) == {"prev": "/2025/01/brief-4/"}
    assert neighbours(page(out, "/2025/01/brief-1/")) == {"next": "/2025/01/brief-2/"}


def neighbours(soup: BeautifulSoup) -> dict[str, str]:
    """rel=next (newer) and rel=prev (older) links of a brief page."""
    return {
        rel: link["href"]
        for link in soup.select("main a[rel]")
        for rel in link["rel"]
        if rel in ("next", "prev")
    }


def test_special_files_and_static(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-01-01"),
            "static/css/style.css": "/* site wins */",
            "static/images/logo.svg": "<svg/>",
            "static/CNAME": "Briefs.example.org\n",  # the same domain as cname: no clash
        },
        config="base_url: https://example.org/\ncname: briefs.example.org\n",
    )
    out = build(run_cli, root)
    assert (out / ".nojekyll").read_bytes() == b""
    assert (out / "CNAME").read_text() == "briefs.example.org\n"
    assert page(out, "/404.html").h1.get_text()
    assert (out / "css" / "style.css").read_text() == "/* site wins */"
    assert (out / "images" / "logo.svg").read_text() == "<svg/>"
    assert (out / "js" / "site.js").is_file()


ROBOTS = "User-agent: *\nDisallow: /private/\n"


def test_site_static_robots_and_404_replace_the_generated_ones(
    write_site, run_cli, tmp_path: Path
) -> None:
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-01-01", ["X"]),
            "themes/mine/theme.yaml": "extends: default\n",
            "themes/mine/static/sitemap.xml": "<urlset/>",  # a theme never replaces a page
        },
        config="base_url: https://example.org/\ntheme: mine\n",
    )
    out = build(run_cli, root)
    generated = (out / "robots.txt").read_text()
    assert generated.startswith("User-agent: *\nAllow: /\n")
    os.link(out / "robots.txt", tmp_path / "old-robots.txt")
    (root / "static").mkdir()
    (root / "static" / "robots.txt").write_text(ROBOTS)
    (root / "static" / "404.html").write_text("<!doctype html><title>L</title><h1>Lost</h1>\n")
    out = build(run_cli, root)
    assert (out / "robots.txt").read_text() == ROBOTS
    assert page(out, "/404.html").h1.get_text() == "Lost"
    assert "<loc>https://example.org/2025/01/a/</loc>" in (out / "sitemap.xml").read_text()
    # The previous output's robots.txt (hard-linked into the new one) was not written over.
    assert (tmp_path / "old-robots.txt").read_text() == generated
    (root / "content" / "b.md").write_text(brief_text("B", "2025-01-02", ["X"]))
    out = build(run_cli, root)
    assert (out / "robots.txt").read_text() == ROBOTS
    assert page(out, "/404.html").h1.get_text() == "Lost"
    (root / "static" / "robots.txt").unlink()
    (root / "static" / "404.html").unlink()
    out = build(run_cli, root)
    assert (out / "robots.txt").read_text() == generated
    assert page(out, "/404.html").h1.get_text() != "Lost"


def test_static_cname_naming_another_domain_than_cname_is_a_problem(write_site, run_cli) -> None:
    root = write_site(
        {"content/a.md": brief_text("A", "2025-01-01", ["X"]), "static/CNAME": "old.example.org\n"},
        config="base_url: https://example.org/\ntitle: T\ncname: briefs.example.org\n",
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 1
    assert err.splitlines()[0] == (
        "site.yaml:3: cname: 'briefs.example.org', but static/CNAME says 'old.example.org': "
        "keep one of them (remove static/CNAME or the cname setting)"
    )
    assert not (root / "site").exists()
    (root / "site.yaml").write_text("base_url: https://example.org/\n")
    assert (build(run_cli, root) / "CNAME").read_text() == "old.example.org\n"


def test_site_static_file_at_a_generated_page_is_a_problem(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-01-01", ["X"]),
            "static/feed.xml": "<feed/>",
            "static/tags/x/index.html": "<p>mine</p>",
        }
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 1
    tail = (
        "itself, so this file would not be published: rename or remove it (of the generated "
        "files, only .nojekyll, 404.html and robots.txt can be replaced from static/)"
    )
    assert err.splitlines()[:2] == [
        f"static/feed.xml: the build makes /feed.xml {tail}",
        f"static/tags/x/index.html: the build makes /tags/x/ {tail}",
    ]


def internal_links(out: Path) -> list[tuple[str, str]]:
    found = []
    for path in out.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["a", "link", "script", "img", "form"]):
            for attr in ("href", "src", "action"):
                value = tag.get(attr)
                if value and not value.startswith(("http:", "https:", "#", "mailto:")):
                    found.append((path.relative_to(out).as_posix(), value))
    return found


def test_base_url_flag_prefixes_every_internal_link(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/a.md": brief_text(
                "A", "2025-01-01", ["USA"], "See #Baku, [b](/2025/01/b/) and ![p](/img/p.png)."
            ),
            "static/img/p.png": "png",
            "content/b.md": brief_text("B", "2025-01-02", ["USA"]),
        }
    )
    out = build(run_cli, root, "--base-url", "https://x.github.io/repo/")
    links = internal_links(out)
    assert len(links) > 50
    assert [(where, href) for where, href in links if not href.startswith("/repo/")] == []
    body = page(out, "/2025/01/a/").select_one("main img[src$='p.png']")
    assert body["src"] == "/repo/img/p.png"
    canonical = page(out, "/2025/01/a/").find("link", rel="canonical")["href"]
    assert canonical == "https://x.github.io/repo/2025/01/a/"
    feed = ET.parse(out / "feed.xml").getroot()
    assert all(
        e.find(f"{ATOM}id").text.startswith("https://x.github.io/repo/")
        for e in feed.iter(f"{ATOM}entry")
    )


def test_html_false_escapes_raw_html(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/a.md": brief_text(
                "A", "2025-01-01", body='<div id="raw">x</div>\n\n<b>bold</b>'
            )
        },
        config="base_url: https://example.org/\nhtml: false\n",
    )
    body = page(build(run_cli, root), "/2025/01/a/").select_one(".brief-body")
    assert body.find("div", id="raw") is None and body.find("b") is None
    assert '<div id="raw">x</div>' in body.get_text()


EVIL = "<script>alert('x')</script> \"q\" & 'a'"


def test_titles_and_tags_are_escaped_everywhere(write_site, run_cli) -> None:
    text = (
        '---\ntitle: "' + EVIL.replace('"', '\\"') + '"\n'
        "date: 2025-01-01\n"
        "tags: ['<script>evil()</script>', 'say \"hi\"']\n"
        "---\nBody.\n"
    )
    root = write_site({"content/a.md": text})
    out = build(run_cli, root)
    for html_file in out.rglob("*.html"):
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        scripts = soup.find_all("script")
        assert all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts), (
            html_file
        )
    brief_url = next(p for p in out.rglob("index.html") if "script-alert" in str(p))
    brief = BeautifulSoup(brief_url.read_text(encoding="utf-8"), "html.parser")
    assert brief.h1.get_text() == EVIL
    assert brief.find("meta", property="og:title")["content"] == EVIL
    assert brief.title.get_text().startswith(EVIL)
    shown = [a.get_text(strip=True).lstrip("#") for a in brief.select("article a[href*='/tags/']")]
    assert "<script>evil()</script>" in shown and 'say "hi"' in shown
    ld = json.loads(brief.find("script", type="application/ld+json").string)
    assert (
        ld["headline"] == EVIL
        and "</script>" not in brief.find("script", type="application/ld+json").string
    )
    assert ld["keywords"] == ["<script>evil()</script>", 'say "hi"']
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == EVIL
    labels = [c.get("label") for c in feed.iter(f"{ATOM}category")]
    assert labels == ["<script>evil()</script>", 'say "hi"']
    items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert items[0]["title"] == EVIL


def test_same_input_builds_byte_identical(write_site, run_cli, tmp_path: Path) -> None:
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-01-01", ["X", "Y"], "Text #Z."),
            "content/b.md": brief_text("B", "2025-02-01", ["Y"]),
            "content/c.md": brief_text("C", "2024-12-31 23:59", ["X"]),
            "static/img/p.txt": "p",
        }
    )
    build(run_cli, root, "--out", str(tmp_path / "one"))
    build(run_cli, root, "--out", str(tmp_path / "two"), "--no-cache")
    compared = filecmp.dircmp(tmp_path / "one", tmp_path / "two")
    assert_same_tree(compared)


def assert_same_tree(compared: filecmp.dircmp) -> None:
    assert compared.left_only == [] and compared.right_only == []
    _, mismatch, errors = filecmp.cmpfiles(
        compared.left, compared.right, compared.common_files, shallow=False
    )
    assert mismatch == [] and errors == []
    for sub in compared.subdirs.values():
        assert_same_tree(sub)


@pytest.mark.parametrize(
    "argv",
    [[], ["-q"], ["--base-url", "https://x.github.io/repo/"]],
    ids=["bare", "quiet", "base-url"],
)
def test_build_py_builds(write_site, argv: list[str]) -> None:
    """Exactly the spec's three commands, search index included."""
    root = write_site({"content/a.md": brief_text("A", "2025-01-01")})
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), *argv],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    out = root / "site"
    assert (out / "2025" / "01" / "a" / "index.html").is_file()
    assert (out / "pagefind").is_dir()
    if "-q" in argv:
        assert done.stdout == ""
    else:
        assert done.stdout.splitlines()[-1].startswith("built 1 brief, 0 tags, ")
    home = "/repo/" if "--base-url" in argv else "/"
    assert page(out, "/").select_one(f"header a[href='{home}']") is not None


def test_version_and_unknown_flag(tmp_path: Path) -> None:
    version = run_process(["--version"], tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("briefpress ")
    unknown = run_process(["build", "--frobnicate"], tmp_path)
    assert unknown.returncode == 2
    assert "unrecognized arguments: --frobnicate" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_strict_turns_warnings_into_errors(write_site, run_cli) -> None:
    root = write_site({"content/a.md": brief_text("A", "2025-01-01")})
    code, _, err = run_cli(["build", "--no-search"], root)
    assert code == 0
    assert "warning: content/a.md:1: brief has no tags" in err.splitlines()
    code, _, err = run_cli(["build", "--no-search", "--strict"], root)
    assert code == 1
    assert err.splitlines() == ["content/a.md:1: brief has no tags", "failed: 1 problem"]


@pytest.mark.parametrize(
    ("tag_names", "lines"),
    [
        ("tag_names: {usa: USA, Armenia: Armenia, uk: UK}\n", {"usa": 4, "uk": 4}),
        (
            "tag_names:\n  usa: USA\n  # a comment\n  Armenia: Armenia\n  UK: U.K.\n",
            {"usa": 5, "uk": 8},
        ),
    ],
    ids=["flow", "block"],
)
def test_an_unused_tag_name_is_reported_on_its_line(write_site, run_cli, tag_names, lines) -> None:
    config = MINIMAL_CONFIG + tag_names
    root = write_site({"content/a.md": brief_text("A", "2025-01-01", ["Armenia"])}, config)
    expected = [
        f"site.yaml:{lines[slug]}: tag_names: no brief uses a tag with slug '{slug}'"
        for slug in ("usa", "uk")
    ]
    for _ in range(2):  # the second build finds nothing changed and says so from its manifest
        code, _, err = run_cli(["build", "--no-search"], root)
        assert code == 0
        assert [line for line in err.splitlines() if "tag_names" in line] == [
            f"warning: {line}" for line in expected
        ]
    code, _, err = run_cli(["build", "--no-search", "--strict"], root)
    assert code == 1
    assert err.splitlines() == [*sorted(expected), "failed: 2 problems"]
    code, _, err = run_cli(["check"], root)
    assert [line for line in err.splitlines() if "tag_names" in line] == [
        f"warning: {line}" for line in expected
    ]


def test_timings_and_cache_flags(write_site, run_cli) -> None:
    root = write_site({"content/a.md": brief_text("A", "2025-01-01", ["X"])})
    code, out, _ = run_cli(["build", "--no-search", "--no-cache", "--timings"], root)
    assert code == 0
    stages = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert {"load", "render+write"} <= set(stages)
    assert not (root / ".briefpress-cache").exists()
    code, _, _ = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0 and (root / ".briefpress-cache").is_dir()


def test_base_url_without_trailing_slash(write_site, run_cli) -> None:
    root = write_site({"content/a.md": brief_text("A", "2025-01-01")})
    out = build(run_cli, root, "--base-url", "https://user.github.io/repo")
    brief = page(out, "/2025/01/a/")
    assert brief.find("link", rel="canonical")["href"] == "https://user.github.io/repo/2025/01/a/"
    assert brief.find("link", rel="stylesheet")["href"] == "/repo/css/style.css"


def test_permalink_setting(write_site, run_cli) -> None:
    root = write_site(
        {"content/a.md": brief_text("A day", "2025-03-09 23:30")},
        config="base_url: https://example.org/\npermalink: /{year}/{month}/{day}/{slug}\n",
    )
    out = build(run_cli, root)
    assert page(out, "/2025/03/09/a-day/").h1.get_text() == "A day"
    assert brief_urls(page(out, "/")) == ["/2025/03/09/a-day/"]


def test_a_permalink_may_name_a_file(write_site, run_cli) -> None:
    """`/{slug}.html`, Pelican's default: a page of that name, not a folder of it."""
    root = write_site(
        {
            "content/a.md": brief_text("A day", "2025-03-09 23:30", ["USA"]),
            "content/b.md": brief_text("Next day", "2025-03-10 08:00", ["USA"]),
        },
        config="base_url: https://example.org/news/\npermalink: /{year}/{slug}.html\n",
    )
    out = build(run_cli, root)
    assert (out / "2025" / "a-day.html").is_file()
    assert not (out / "2025" / "a-day.html").is_dir()
    assert page(out, "/2025/a-day.html").h1.get_text() == "A day"
    home = [a["href"] for a in page(out, "/").select("main a[href$='.html']")]
    assert list(dict.fromkeys(home)) == ["/news/2025/next-day.html", "/news/2025/a-day.html"]
    newer = page(out, "/2025/a-day.html").find("a", rel="next")
    assert newer["href"] == "/news/2025/next-day.html"
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>https://example.org/news/2025/a-day.html</loc>" in sitemap

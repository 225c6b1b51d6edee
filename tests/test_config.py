"""site.yaml: defaults, every invalid setting reported with its line, all at once."""

from __future__ import annotations

import re

import pytest
from conftest import brief_text

from briefpress.config import SiteConfig, parse_config, read_config
from briefpress.errors import BriefpressError


def test_defaults_of_spec() -> None:
    config = parse_config("")
    assert config == SiteConfig()
    assert (config.title, config.base_url, config.timezone, config.per_page) == (
        "Briefing",
        "http://localhost:8000/",
        "UTC",
        20,
    )
    assert (config.permalink, config.feed_items, config.tag_names, config.cname, config.html) == (
        "/{year}/{month}/{slug}/",
        50,
        {},
        None,
        True,
    )


def test_settings_are_read_and_normalised() -> None:
    config = parse_config(
        "title: T\nbase_url: https://x.github.io/repo\npermalink: /{year}/{slug}\n"
        "tag_names: {usa: USA, South Caucasus: S. Caucasus}\ntimezone: Asia/Yerevan\nhtml: false\n"
    )
    assert config.base_url == "https://x.github.io/repo/"
    assert config.base_path == "/repo/"
    assert config.permalink == "/{year}/{slug}/"
    assert config.tag_names == {"usa": "USA", "south-caucasus": "S. Caucasus"}
    assert config.html is False


def test_a_base_url_in_other_letters_is_written_as_a_uri(write_site, run_cli) -> None:
    """One spelling in every link, the sitemap and serve: the percent-encoded one."""
    config = parse_config("base_url: https://пример.рф/новости\n")
    assert config.base_url == "https://xn--e1afmkfd.xn--p1ai/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/"
    assert config.base_path == "/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/"
    root = write_site({"content/a.md": brief_text("A", "2025-01-01", ["Ереван"])})
    code, _, err = run_cli(["build", "--no-search", "-q", "--base-url", "https://x.org/новости/"], root)
    assert code == 0, err
    sitemap = (root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall("<loc>([^<]*)</loc>", sitemap)
    assert locs and all(loc.isascii() and " " not in loc for loc in locs), locs
    assert "https://x.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/tags/%D0%B5" in sitemap
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/2025/01/a/"' in home


BAD = [
    ("titel: X\n", "site.yaml:1: unknown setting 'titel'; did you mean 'title'?"),
    ("title: T\nper_page: ten\n", "site.yaml:2: per_page: expected int, got str"),
    ("html: 'no'\n", "site.yaml:1: html: expected bool, got str"),
    ("per_page: true\n", "site.yaml:1: per_page: expected int, got bool"),
    ("per_page: 0\n", "site.yaml:1: per_page: must be at least 1"),
    (
        "timezone: Mars/Olympus\n",
        "site.yaml:1: timezone: 'Mars/Olympus' is not an IANA time zone (e.g. UTC, Asia/Yerevan)",
    ),
    (
        "base_url: /briefs/\n",
        "site.yaml:1: base_url: '/briefs/' is not an absolute http(s) URL "
        "(e.g. https://user.github.io/repo/)",
    ),
    (
        "base_url: https://user.github.io/my repo/\n",
        "site.yaml:1: base_url: 'https://user.github.io/my repo/' has a space or control "
        "character, which no URL has (a space is %20)",
    ),
    (
        "base_url: ftp://example.org/\n",
        "site.yaml:1: base_url: 'ftp://example.org/' is not an absolute http(s) URL "
        "(e.g. https://user.github.io/repo/)",
    ),
    (
        "permalink: /{year}/{title}/\n",
        "site.yaml:1: permalink: unknown placeholder {title} (use year, month, day, slug)",
    ),
    (
        "permalink: /{year}/{month}/\n",
        "site.yaml:1: permalink: must contain {slug}, so every brief gets its own URL",
    ),
    ("tag_names: [usa]\n", "site.yaml:1: tag_names: expected dict, got list"),
    ("- a\n- b\n", "site.yaml:1: site.yaml must be a mapping of settings"),
    ("title: [unclosed\n", "site.yaml:2: invalid YAML"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    BAD,
    ids=[
        "unknown-key",
        "wrong-type",
        "bool-as-text",
        "bool-as-int",
        "zero",
        "bad-timezone",
        "relative-base-url",
        "base-url-with-a-space",
        "ftp-base-url",
        "bad-placeholder",
        "permalink-without-slug",
        "tag-names-list",
        "not-mapping",
        "bad-yaml",
    ],
)
def test_invalid_setting(text: str, expected: str) -> None:
    with pytest.raises(BriefpressError) as caught:
        parse_config(text)
    assert str(caught.value.problems[0]).startswith(expected)


def test_every_problem_is_listed_together_in_line_order() -> None:
    text = "title: T\nlanguge: en\ntimezone: Nowhere/City\n\nper_page: -1\nbase_url: x\n"
    with pytest.raises(BriefpressError) as caught:
        parse_config(text)
    assert [(p.path, p.line) for p in caught.value.problems] == [
        ("site.yaml", 2),
        ("site.yaml", 3),
        ("site.yaml", 5),
        ("site.yaml", 6),
    ]
    assert "did you mean 'language'?" in caught.value.problems[0].message


def test_invalid_config_fails_the_build_with_exit_1(write_site, run_cli) -> None:
    root = write_site(
        {"content/a.md": "---\ntitle: A\ndate: 2025-01-01\n---\nText\n"},
        config="title: T\nper_page: many\nthemes: default\n",
    )
    code, out, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 1
    assert err.splitlines() == [
        "site.yaml:2: per_page: expected int, got str",
        "site.yaml:3: unknown setting 'themes'; did you mean 'theme'?",
        "failed: 2 problems",
    ]
    assert "Traceback" not in err
    assert not (root / "site").exists()


MORE_BAD = [
    (
        "tag_names: {usa: 5}\n",
        'site.yaml:1: tag_names: usa: expected text, got int (quote it: usa: "5")',
    ),
    (
        "title: T\ntag_names:\n  usa: USA\n  am: yes\n",
        'site.yaml:4: tag_names: am: expected text, got bool (quote it: am: "yes")',
    ),
    ("tag_names:\n  usa:\n", "site.yaml:2: tag_names: usa: expected text, got nothing"),
    ("tag_names:\n  usa: [U, S]\n", "site.yaml:2: tag_names: usa: expected text, got list"),
    (
        "tag_names:\n  usa: USA\n  usa: U.S.\n",
        "site.yaml:3: tag_names: 'usa' is given twice (first on line 2): keep one",
    ),
    (
        "tag_names:\n  usa: USA\n  USA: U.S.\n",
        "site.yaml:3: tag_names: 'USA' is the same tag as 'usa' (first on line 2): keep one",
    ),
    (
        "title: a\nper_page: 5\ntitle: b\n",
        "site.yaml:3: 'title' is given twice (first on line 1): keep one",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    MORE_BAD,
    ids=[
        "number-as-name",
        "bool-as-name",
        "empty-name",
        "list-as-name",
        "tag-twice",
        "same-slug",
        "key-twice",
    ],
)
def test_invalid_setting_at_its_line(text: str, expected: str) -> None:
    with pytest.raises(BriefpressError) as caught:
        parse_config(text)
    assert [str(p) for p in caught.value.problems] == [expected]


@pytest.mark.parametrize(
    "key", ["title", "description", "timezone", "per_page", "tag_names", "cname"]
)
def test_a_setting_left_empty_is_the_same_as_leaving_it_out(key: str) -> None:
    assert parse_config(f"{key}:\ntheme: default\n") == SiteConfig()


def test_tag_names_keys_are_read_as_written() -> None:
    config = parse_config("tag_names: {2025: Year 2025, yes: Yes!, '07': July}\n")
    assert config.tag_names == {"2025": "Year 2025", "yes": "Yes!", "07": "July"}


def test_wrong_settings_are_left_at_their_defaults_with_their_problems(tmp_path) -> None:
    """A build reads its content with the defaults, so it can list every problem at once."""
    (tmp_path / "site.yaml").write_text(
        "title: Mine\ntitel: X\nper_page: many\ntheme: gone\nfeed_items: 5\n", encoding="utf-8"
    )
    config, problems = read_config(tmp_path)
    assert (config.title, config.per_page, config.theme, config.feed_items) == (
        "Mine",
        20,
        "default",
        5,
    )
    assert [str(p) for p in problems] == [
        "site.yaml:2: unknown setting 'titel'; did you mean 'title'?",
        "site.yaml:3: per_page: expected int, got str",
        "site.yaml:4: theme 'gone' not found: no folder themes/gone/",
    ]


def test_unreadable_settings_still_stop_at_once(tmp_path) -> None:
    (tmp_path / "site.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(BriefpressError):
        read_config(tmp_path)

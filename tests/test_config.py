"""site.yaml: defaults, every invalid setting reported with its line, all at once."""

from __future__ import annotations

import pytest

from briefpress.config import SiteConfig, parse_config
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


def test_bad_base_url_flag_is_reported(write_site, run_cli) -> None:
    root = write_site({"content/a.md": "---\ntitle: A\ndate: 2025-01-01\n---\nText\n"})
    code, _, err = run_cli(["build", "--no-search", "-q", "--base-url", "example.org"], root)
    assert code == 1
    assert err.splitlines()[0].startswith("--base-url: 'example.org' is not an absolute")

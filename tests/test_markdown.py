"""Markdown rendering and the hashtag rules: trailing block -> tags, inline -> links,
never inside code, links, URLs or headings."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefpress.markdown import (
    count_words,
    make_markdown,
    render_body,
    split_heading_title,
    split_trailing_hashtags,
)
from briefpress.slugs import slugify


def tag_href(name: str) -> str:
    return f"/repo/tags/{slugify(name)}/"


def render(body: str, allow_html: bool = True) -> tuple[BeautifulSoup, tuple[str, ...]]:
    rendered = render_body(make_markdown(allow_html), body, tag_href)
    return BeautifulSoup(rendered.html, "html.parser"), rendered.hashtags


def hashtag_links(soup: BeautifulSoup) -> list[tuple[str, str]]:
    return [(a.get_text(), a["href"]) for a in soup.select("a.hashtag")]


@pytest.mark.parametrize(
    ("body", "links"),
    [
        ("Talks on #Zangezur resumed.", [("#Zangezur", "/repo/tags/zangezur/")]),
        ("#Armenia starts the line.", [("#Armenia", "/repo/tags/armenia/")]),
        ("Line one\n#Baku on line two", [("#Baku", "/repo/tags/baku/")]),
        ("About #Հայաստան today", [("#Հայաստան", "/repo/tags/հայաստան/")]),
        ("About #Россия, then", [("#Россия", "/repo/tags/россия/")]),
        ("Word #EU_2025.", [("#EU_2025", "/repo/tags/eu-2025/")]),
        ("Two #A1 and #B2!", [("#A1", "/repo/tags/a1/"), ("#B2", "/repo/tags/b2/")]),
        ("| a |\n|---|\n| #Cell |", [("#Cell", "/repo/tags/cell/")]),
    ],
    ids=[
        "inline",
        "line-start",
        "after-softbreak",
        "armenian",
        "cyrillic-trailing-comma",
        "underscore-digits",
        "two",
        "table-cell",
    ],
)
def test_inline_hashtags_become_links(body: str, links: list[tuple[str, str]]) -> None:
    soup, found = render(body)
    assert hashtag_links(soup) == links
    assert [name for name, _ in found] == [text[1:] for text, _ in links]


@pytest.mark.parametrize(
    "body",
    [
        "Code `#NotTag` here",
        "```\n#NotTag in fence\n```",
        "    #NotTag indented code",
        "See [the #NotTag link](https://example.org/)",
        "Go to page#NotTag now",
        "Visit https://example.org/page#NotTag today",
        "Visit <https://example.org/#NotTag>",
        "## Heading with #NotTag",
        "Number #1 and # alone and ##double",
        "Price is 5#NotTag",
        "![alt #NotTag](img.png)",
    ],
    ids=[
        "code-span",
        "fenced-code",
        "indented-code",
        "link-text",
        "anchor-in-word",
        "url",
        "autolink",
        "heading",
        "not-letter-first",
        "after-digit",
        "image-alt",
    ],
)
def test_hash_that_is_not_a_tag(body: str) -> None:
    soup, found = render(body)
    assert hashtag_links(soup) == []
    assert found == ()
    assert "#" in soup.get_text() or soup.find("img") is not None


def test_hashtags_know_their_line_in_the_body() -> None:
    _, found = render("First #One\nsecond line #Two\n\n> quoted\n> #Three\n\n- a\n- b #Four\n")
    assert found == (("One", 0), ("Two", 1), ("Three", 4), ("Four", 7))


def test_url_with_fragment_keeps_its_href() -> None:
    soup, _ = render("Visit https://example.org/page#Anchor today")
    assert [a["href"] for a in soup.find_all("a")] == ["https://example.org/page#Anchor"]


@pytest.mark.parametrize(
    ("body", "rest", "tags"),
    [
        ("Text.\n\n#ARMENIA\n#USA\n#AZERBAIJAN\n", "Text.\n", ["ARMENIA", "USA", "AZERBAIJAN"]),
        ("Text.\n\n#A #B\n\n#C\n", "Text.\n", ["A", "B", "C"]),
        ("Text.\n\n#A and more\n", "Text.\n\n#A and more\n", []),
        ("Text #A.\n", "Text #A.\n", []),
        ("Text.\n\n    #A\n", "Text.\n\n    #A\n", []),
        ("#Only\n", "\n", ["Only"]),
    ],
    ids=["seed", "two-paragraphs", "sentence", "inline-only", "indented-code", "body-all-tags"],
)
def test_trailing_hashtag_block(body: str, rest: str, tags: list[str]) -> None:
    assert split_trailing_hashtags(body) == (rest, tags)


@pytest.mark.parametrize(
    ("body", "title", "rest"),
    [
        ("# The title\n\nText\n", "The title", "\nText\n"),
        ("\n# Closed title ##\nText\n", "Closed title", "Text\n"),
        ("## Not a title\nText\n", None, "## Not a title\nText\n"),
        ("Text\n# Later\n", None, "Text\n# Later\n"),
    ],
    ids=["heading", "closing-hashes", "level-2", "not-first"],
)
def test_heading_title(body: str, title: str | None, rest: str) -> None:
    found, remaining, _ = split_heading_title(body)
    assert (found, remaining) == (title, rest)


def test_extensions_tables_strikethrough_footnotes_autolinks_heading_ids() -> None:
    body = (
        "| City | Count |\n|---|---:|\n| Yerevan | 3 |\n\n"
        "~~old~~ new.[^1]\n\n"
        "See https://example.org/x and www.example.com.\n\n"
        "## Second section\n\n"
        "[^1]: The note.\n"
    )
    soup, _ = render(body)
    assert [td.get_text() for td in soup.select("table tbody td")] == ["Yerevan", "3"]
    assert soup.find("s").get_text() == "old"
    assert soup.select_one("sup.footnote-ref a")["href"] == "#fn1"
    assert "The note." in soup.select_one("section.footnotes").get_text()
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert "https://example.org/x" in hrefs
    assert "http://www.example.com" in hrefs
    assert soup.find("h2")["id"] == "second-section"


def test_an_escaped_hash_is_no_hashtag() -> None:
    """As in Hugo and on GitHub: `\\#word` (or `&#35;word`) is the text #word."""
    soup, tags = render("Escaped \\#word, &#35;other, and #Real.")
    assert tags == (("Real", 0),)
    assert soup.get_text() == "Escaped #word, #other, and #Real.\n"
    assert [a.get_text() for a in soup.find_all("a")] == ["#Real"]


def test_a_heading_never_takes_an_id_of_the_themes_pages() -> None:
    """A `## Main` with id="main" would repeat <main id="main"> (invalid HTML, and the skip
    link would jump to the heading)."""
    soup, _ = render("## Main\n\nText.\n\n## Search results\n\n## Main\n\n## Mainly\n")
    assert [h["id"] for h in soup.find_all("h2")] == [
        "main-section",
        "search-results-section",
        "main-section-1",
        "mainly",
    ]


def test_every_id_of_the_default_theme_is_kept_from_headings() -> None:
    """THEME_IDS must follow the templates: a new id there needs its entry."""
    from pathlib import Path

    from briefpress.markdown_rules import THEME_IDS

    templates = Path(__file__).parent.parent / "themes" / "default" / "templates"
    found = {
        match
        for path in templates.glob("*.html")
        for match in re.findall(r'\bid="([^"{]+)"', path.read_text(encoding="utf-8"))
    }
    assert found and found <= THEME_IDS, found - THEME_IDS


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("/", ["/2025/01/b/", "/img/p.png", "//cdn.example/x", "https://example.org/", "#fn"]),
        (
            "/repo/",
            [
                "/repo/2025/01/b/",
                "/repo/img/p.png",
                "//cdn.example/x",
                "https://example.org/",
                "#fn",
            ],
        ),
    ],
    ids=["domain-root", "base-path"],
)
def test_site_paths_get_the_base_path(base: str, expected: list[str]) -> None:
    body = (
        "[b](/2025/01/b/) ![p](/img/p.png) [c](//cdn.example/x) "
        "[d](https://example.org/) [e](#fn) [f](/repo/already/)"
    )
    html = render_body(make_markdown(True), body, tag_href, base).html
    soup = BeautifulSoup(html, "html.parser")
    found = [tag.get("href") or tag.get("src") for tag in soup.find_all(["a", "img"])]
    assert found == [*expected, "/repo/already/"]


def test_raw_html_passes_through_or_is_escaped() -> None:
    body = 'Text <span class="x">inline</span>\n\n<div id="raw">block</div>\n'
    allowed, _ = render(body, allow_html=True)
    assert allowed.find("div", id="raw") is not None
    assert allowed.find("span", class_="x") is not None
    escaped, _ = render(body, allow_html=False)
    assert escaped.find("div") is None and escaped.find("span") is None
    assert '<div id="raw">block</div>' in escaped.get_text()


WHITESPACE = [chr(c) for c in range(0x3100) if chr(c).isspace()]


@settings(max_examples=1500, deadline=None)
@given(st.text(st.sampled_from([*"ab<>/ p=é“", *WHITESPACE]) | st.characters(), max_size=40))
@example("<p>one two</p>\n<p>three\u2003four\xa0five</p>")
@example("word<br />\nword")
def test_count_words_is_what_str_split_makes_of_the_text(html: str) -> None:
    assert count_words(html) == len(re.sub(r"<[^>]+>", " ", html).split())

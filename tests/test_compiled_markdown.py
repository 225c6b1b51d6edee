"""Bodies rendered by markdown-it's Rust port come out exactly as our own parser makes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefpress.compiled_markdown import needs_our_rules, render_simple
from briefpress.markdown import make_markdown, render_body
from briefpress.slugs import slugify

pytest.importorskip("pyromark")

SAMPLE = Path(__file__).parent.parent / "content"
PROSE = (
    "**ARMENIA.** The minister *endorsed* an agreement, officials said (see the\n"
    "[full report](https://www.gov.example/004370/news)). Prices rose 4.5% and $3 - fine.\n\n"
    'Second paragraph with __strong__ text, a [site link](/2025/08/x/ "Title") and "quotes".\n\n'
    "- a list\n- of two\n\n1. ordered\n2. list\n\n> a quote\n\n***\n"
)


def tag_href(name: str) -> str:
    return f"/tags/{slugify(name)}/"


def assert_same(body: str, base_path: str = "/") -> None:
    md = make_markdown(allow_html=False)
    compiled = render_body(md, body, tag_href, base_path, compiled=True)
    ours = render_body(md, body, tag_href, base_path, compiled=False)
    assert compiled == ours


def test_prose_takes_the_compiled_path() -> None:
    """Without this, the comparisons below could compare our parser with itself."""
    simple = render_simple(PROSE)
    assert simple is not None
    html, summary = simple
    assert html.startswith("<p><strong>ARMENIA.</strong> The minister <em>endorsed</em>")
    assert summary.startswith("ARMENIA. The minister endorsed an agreement, officials said (see")
    assert_same(PROSE)
    assert_same(PROSE, "/repo/")


@pytest.mark.parametrize(
    "body",
    [
        "Text with #Hashtag",
        "## A heading",
        "Setext heading\n===",
        "Setext heading\n---",
        "Raw <b>HTML</b>",
        "An autolink <https://example.org>",
        "A footnote[^1].\n\n[^1]: Note.",
        "A bare https://example.org address",
        "A bare www.example.org address",
        "Mail someone@example.org",
        "Escaped \\*star\\*",
        "A `code span`",
        "An ![image](/a.png)",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "Text\n\n~~~\nfence\n~~~",
        "Text\xa0with a no-break space",
        "Text\n+ \nempty item",
        "Windows\r\nline ends",
        "- a list first\n\nthen prose",
        "One ~tilde~ strikes through in the port",
        "Two ~~tildes~~ pair otherwise near punctuation",
        "[a][ref]\n\n[ref]: /x/",
        "Prose\n\n    indented code at the end",
        "[*emphasis* at the edge](/x/)",
        "An entity: AT&amp;T",
        "> a quote first",
        "",
    ],
)
def test_what_needs_our_rules_is_left_to_our_parser(body: str) -> None:
    assert render_simple(body) is None
    assert_same(body)


@pytest.mark.parametrize(
    "body",
    [
        'He said "yes" to [a "quoted" link](/x/ "its title")',
        "[an apostrophe](/it's/) in an address, and it's in text",
        "A [lone percent](/50%off/) and an [escape](/a%20b/), up 9%",
        "A [link](https://example.org/путь/) with letters of another script in its path",
        "Only [link](https://example.org/a) [targets](http://example.org/b) hold addresses",
    ],
)
def test_what_the_port_writes_otherwise_is_written_as_markdown_it_does(body: str) -> None:
    assert render_simple(body) is not None
    assert_same(body)
    assert_same(body, "/repo/")


@pytest.mark.parametrize(
    "body",
    [
        "An [unclosed link](https://example.org/a and a bare https://example.org/b",
        "A [link](https://example.org/a) and a bare https://example.org/b",
        "A [link](https://example.org/a?u=https://example.org/b) with two",
        "A [link](http://@example.org/) with an empty user part",
    ],
)
def test_addresses_outside_link_targets_are_left_to_our_parser(body: str) -> None:
    """Linkify, and markdown-it's way with a user part, are ours: only a body whose every
    `://` became a link's address skips looking at the HTML."""
    assert_same(body)
    assert_same(body, "/repo/")


def test_a_host_name_of_other_letters_is_left_to_our_parser() -> None:
    """markdown-it writes it in punycode, the port percent-encodes it."""
    assert render_simple("[a](https://пример.рф/x) text") is None
    assert_same("[a](https://пример.рф/x) text")


def test_site_paths_get_the_base_path_once() -> None:
    body = "[a](/2025/x/) [b](//cdn.example/x) [c](/repo/y/) ![d](/img.png) [e](https://x.example/)"
    html = render_body(make_markdown(False), body, tag_href, "/repo/").html
    assert 'href="/repo/2025/x/"' in html
    assert 'href="//cdn.example/x"' in html
    assert 'href="/repo/y/"' in html
    assert 'src="/repo/img.png"' in html
    assert 'href="https://x.example/"' in html
    assert_same(body, "/repo/")


def test_the_sample_site_renders_the_same() -> None:
    bodies = [path.read_text(encoding="utf-8") for path in sorted(SAMPLE.rglob("*.md"))]
    assert bodies
    for text in bodies:
        body = text.split("\n---\n", 1)[-1]
        assert_same(body)
        assert_same(body, "/repo/")


FRAGMENTS = [
    "word",
    "Prose",
    "Ünï",
    "x",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "  \n",
    "    ",
    "**",
    "*",
    "_",
    "__",
    "`",
    "``",
    "~~",
    "~",
    "[",
    "]",
    "(",
    ")",
    "](",
    "](/a/b)",
    "](https://ex.org/a_b)",
    "](www.ex.org)",
    "](<x>)",
    '](/a "t")',
    "![",
    "[ref]",
    "[ref]: /url",
    "[Ref]: https://ex.org 'title'",
    "&amp;",
    "&copy;",
    "&#35;",
    "&#x41;",
    "&",
    '"',
    "'",
    "|",
    "| a | b |\n|---|:-:|\n",
    "---",
    "***",
    "===",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "> ",
    "```",
    "~~~",
    "%",
    "$",
    ":",
    "!",
    ".",
    ",",
    "\u00a0",
    "\u2003",
    "\x0c",
    "-",
    "=",
    "@",
    "://",
    "www.",
    "“",
    "é",
    "\u0301",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=40).map("".join),
    st.sampled_from(["/", "/repo/"]),
)
@example("a\n\n| a | b |\n|---|:-:|\n| *x* | `y` |\n\nafter", "/")
@example("para [ref] and ![img][ref]\n\n[ref]: /url 'title'", "/repo/")
@example('line  \nbreak and &copy; &amp; &#35;x &quot;q"', "/")
@example("**Bold.** *em* _em_ __strong__ ~~s~~ `c` [l](/x) ![i](/y)", "/repo/")
def test_compiled_and_our_parser_agree(body: str, base_path: str) -> None:
    assert_same(body, base_path)


SCREENED = [
    *"<#\\\r\0`|[^~!=-*+.)>123 \t\n&;_:]\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2005\u2028\u202f\u3000“é"
]


def looked_for_one_by_one(body: str) -> bool:
    """What needs_our_rules stands for: each marker, odd space and bare line in turn."""
    odd_space = re.compile(
        "[\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )
    bare_line = re.compile(r"^[ \t>]*(?:=+|-+|[*+]|\d{1,9}[.)])[ \t]*$", re.MULTILINE)
    indented = re.compile(r"^ {4}", re.MULTILINE)
    entity = re.compile("&#?[0-9A-Za-z]+;")
    markers = ("<", "#", "\\", "[^", "\r", "\0", "`", "![", "|", "\t", "~")
    at_link_text_edge = ("[*", "[_", "*]", "_]", "]:")  # emphasis; a reference definition
    return (
        any(m in body for m in markers)
        or ("[" in body and any(m in body for m in at_link_text_edge))
        or bool(odd_space.search(body) or bare_line.search(body))
        or bool(indented.search(body) or entity.search(body))
    )


@settings(max_examples=1500, deadline=None)
@given(
    st.text(
        # no lone surrogates: none comes from a file, and they have their own test below
        st.sampled_from(SCREENED) | st.characters(exclude_categories=("Cs",)),
        max_size=60,
    )
)
@example("text\n***\nmore")
@example("1)")
@example("a ~~ b ~ c")
@example("a [ b ^ c ! [")
def test_the_screening_finds_what_looking_one_by_one_finds(body: str) -> None:
    assert needs_our_rules(body) == looked_for_one_by_one(body)


def test_a_lone_surrogate_is_left_to_our_parser() -> None:
    """Files are read as strict UTF-8, so none comes from a file; but it cannot be encoded."""
    assert needs_our_rules("text \ud800 text")

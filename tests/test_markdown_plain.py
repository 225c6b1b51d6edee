"""The plain-text fast path of inline parsing gives exactly what markdown-it's parser gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_core import inline as markdown_it_inline
from markdown_it.rules_core import normalize as markdown_it_normalize
from markdown_it.token import Token

from briefpress.markdown import make_markdown, render_body
from briefpress.slugs import slugify

SEED = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parent.parent / "content"


def tag_href(name: str) -> str:
    return f"/tags/{slugify(name)}/"


def reference_parser(allow_html: bool) -> MarkdownIt:
    """Our parser with markdown-it's own inline core rule put back."""
    md = make_markdown(allow_html)
    md.core.ruler.at("inline", markdown_it_inline)
    md.block.ruler.disable("plain_paragraph")
    md.core.ruler.at("normalize", markdown_it_normalize)
    md.inline.terminator_re = MarkdownIt().inline.terminator_re
    return md


def shape(tokens: list[Token]) -> list[object]:
    return [(t.type, t.tag, t.content, t.attrs, t.markup, shape(t.children or [])) for t in tokens]


def assert_same(body: str, allow_html: bool = True) -> None:
    fast, slow = make_markdown(allow_html), reference_parser(allow_html)
    assert render_body(fast, body, tag_href) == render_body(slow, body, tag_href)
    env = {"tag_href": tag_href, "hashtags": [], "base_path": "/"}
    assert shape(fast.parse(body, dict(env, hashtags=[]))) == shape(
        slow.parse(body, dict(env, hashtags=[]))
    )


def test_the_block_fast_path_is_taken_for_prose() -> None:
    md = make_markdown(True)
    calls = []
    original = md.block.ruler.getRules("")[1]
    assert original.__name__ == "table"
    md.block.ruler.at("table", lambda *args: calls.append(args[1]) or original(*args))
    render_body(md, "One **x**.\nTwo.\n\n#Three\n\n> quote\n\nFour.", tag_href)
    assert set(calls) == {5}  # only the quote (and the paragraph in it) went past the fast rule


def test_the_fast_path_is_taken_for_prose() -> None:
    """Without this, the equivalence tests below would compare the parser with itself."""
    md = make_markdown(True)
    calls = []
    original = md.inline.parse
    md.inline.parse = lambda *args: calls.append(args) or original(*args)  # type: ignore[method-assign]
    render_body(
        md, "Plain prose, with $5 and 3% - fine.\nSecond line #Tag.\n\nMore *here*.", tag_href
    )
    assert [args[0] for args in calls] == ["More *here*."]


@pytest.mark.parametrize(
    "body",
    [
        "Plain line\nsecond line",
        "Trailing two spaces  \nhard break",
        "Trailing one space \nsoft",
        "Indented\n   continuation",
        "Tab\n\tcontinuation",
        "Link https://example.org and www.example.org and a@b.org",
        "Symbols: $ % + - = > { } ^ ! ] : ; # #Tag #1 x#y",
        "Escaped \\* star and `code` and *em* and _em_ and ~~gone~~",
        "[link](/x) ![img](/y.png) <b>html</b> &amp; &copy; &#35;",
        "# Heading with #Tag\n\n- item #One\n- item two\n\n> quote\n> more",
        "| a | b |\n|---|---|\n| #C | d |",
        "Footnote[^1] and ^[inline].\n\n[^1]: The note.",
        "Unicode “quotes” — dashes … #Հայաստան, #Россия.",
        "",
        "\n\n",
        "Windows\r\nline ends\rand a NUL\0 here",
    ],
)
def test_same_as_the_parser(body: str) -> None:
    assert_same(body)
    assert_same(body, allow_html=False)


def test_same_as_the_parser_on_the_seed_and_the_sample_site() -> None:
    paths = sorted(SEED.glob("*.txt")) + sorted(SAMPLE.rglob("*.md"))
    assert len(paths) > 5
    for path in paths:
        assert_same(path.read_text(encoding="utf-8"))


LINE = st.text(
    alphabet=st.sampled_from(list("ab #Я1.:/@w*_~`[]()<>&!\\^\t \n-|$%+={}\"'\r\0")), max_size=40
)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINE, max_size=6).map("\n".join))
def test_same_as_the_parser_on_random_text(body: str) -> None:
    assert_same(body)


LINE_START = st.sampled_from(
    [
        "",
        " ",
        "  ",
        "    ",
        "\t",
        "> ",
        "- ",
        "-",
        "--",
        "---",
        "* ",
        "**",
        "***",
        "+ ",
        "+",
        "_",
        "__",
        "___",
        "=",
        "==",
        "#",
        "# ",
        "##",
        "###### ",
        "####### ",
        "1. ",
        "1.",
        "2) ",
        "12345678901. ",
        "```",
        "~~~",
        "<div>",
        "<b>",
        "[x]: /u",
        "[^1]: n",
        "[a]",
        ":",
        "|",
        "a | b",
        "---|---",
        "| - |",
        "Word",
        "#Tag",
        "<!-- c -->",
    ]
)
BLOCK_LINE = st.tuples(
    LINE_START, st.text(alphabet=st.sampled_from(list("ab -*|#.:")), max_size=12)
)


@settings(max_examples=600, deadline=None)
@given(st.lists(BLOCK_LINE.map("".join), max_size=8).map("\n".join))
def test_same_blocks_as_the_parser(body: str) -> None:
    """Lines opening (or not) every kind of block: the paragraph fast path never differs."""
    assert_same(body)

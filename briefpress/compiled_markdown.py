"""markdown-it's Rust port for the bodies where it gives our parser's exact output.

Parsing was over half of loading a brief. markdown-it-pyrs is markdown-it compiled
(by the maintainer of markdown-it-py) and renders a typical brief seven times faster,
but it takes no Python plugins: no hashtags, heading ids, footnotes in our format,
GitHub-style linkify or raw HTML rules of ours. So it only gets bodies that need none of
them, decided on the source text and the port's HTML (conservatively: a false "no" costs
speed, never output). It also steers clear of the few places where it differs from
markdown-it-py. tests/test_compiled_markdown.py checks on random documents that both
paths give the same HTML and summary.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

markdown_it_pyrs: Any
try:
    import markdown_it_pyrs
except ImportError:  # no wheel for this platform: the Python parser does everything
    markdown_it_pyrs = None

_OUR_MARKERS = ("<", "#", "\\", "[^", "\r", "\0", "`", "~~~", "![", "|")
"""Raw HTML and autolinks, hashtags and ATX headings, escapes, footnotes, normalize; and
where the port differs: code (it panics on a backtick in a link's text: "[`"), a fence
left open, long runs of tildes, images (breaks and entities in alt text), where a table
ends."""
_ODD_SPACE = "\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""Whitespace to Python's str.strip (which markdown-it-py uses) that the Rust port keeps
(a character class)."""
_UNREMARKABLE = bytes(c for c in range(0x20, 0x7F) if chr(c) not in "".join(_OUR_MARKERS))
_UNREMARKABLE += b"\n\t"
"""Bytes that are neither a marker nor part of one, nor odd whitespace: most of a body,
dropped in one pass before the remaining characters are looked at."""
_SINGLE_MARKERS = re.escape("".join(marker for marker in _OUR_MARKERS if len(marker) == 1))
_MARKER_OR_ODD_SPACE = re.compile(f"[{_SINGLE_MARKERS}{_ODD_SPACE}]")
_BARE_LINE = r"[ \t>]*(?:=+|-+|[*+]|\d{1,9}[.)])[ \t]*(?=\n|\Z)"
"""A setext heading's underline (headings get ids) or thematic break, or an empty list
item (which the port does not let interrupt a paragraph)."""
_FIRST_LINE_BARE = re.compile(_BARE_LINE)
_LATER_LINE_BARE = re.compile("\n" + _BARE_LINE)
"""Apart from the first line, as a pattern that starts with a newline is searched for
ten times faster than one that starts with ^."""
_NOT_LINKIFIED = re.compile(r"<a [^>]*>.*?</a>|<code[^>]*>.*?</code>|<[^>]*>", re.DOTALL)
"""Links, code and tags in HTML: what linkify does not look into."""
_BASE_PATH_ATTR = re.compile(r'(<a href="|<img src=")/(?!/)')
_TAG = re.compile(r"<[^>]*>")

_parser: Any = None


def render_simple(body: str, base_path: str = "/") -> tuple[str, str] | None:
    """(html, first paragraph as text) of a body that needs none of our own rules, else None."""
    if markdown_it_pyrs is None or needs_our_rules(body):
        return None
    global _parser
    if _parser is None:
        _parser = markdown_it_pyrs.MarkdownIt("commonmark").enable("strikethrough")
    try:
        html: str = _parser.render(body)
    except BaseException as exc:  # a panic in the port is a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        return None
    html = html.replace("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
    if not html.startswith("<p>"):
        return None  # the summary would be in a list or a quote: left to the tokens
    if _may_linkify(body) and _may_linkify(_NOT_LINKIFIED.sub("", html)):
        return None  # an address in text, for linkify (most are link targets)
    if base_path != "/":
        html = _with_base_path(html, base_path)
    return html, _first_paragraph(html)


def _may_linkify(text: str) -> bool:
    """Whether the text has what linkify looks at (markdown._autolink_like_github). Three
    substring tests take a tenth of the time of one regex `://|www\\.|@`, which has no
    literal to scan for."""
    return "://" in text or "www." in text or "@" in text


def needs_our_rules(body: str) -> bool:
    """Whether the body has one of _OUR_MARKERS, odd whitespace or a bare line.

    The same as looking for each in turn, in a tenth of the time: the screening was
    costing twice what the port takes to render.
    """
    try:
        rest = body.encode().translate(None, _UNREMARKABLE).decode()
    except UnicodeError:  # a lone surrogate: not for the port either
        return True
    if _MARKER_OR_ODD_SPACE.search(rest):
        return True
    if "[" in rest and ("^" in rest and "[^" in body or "!" in rest and "![" in body):
        return True
    if "~" in rest and "~~~" in body:
        return True
    return bool(_FIRST_LINE_BARE.match(body) or _LATER_LINE_BARE.search(body))


def _with_base_path(html: str, base_path: str) -> str:
    """Site paths of links and images get the base path (markdown._prefix_site_paths)."""

    def prefix(match: re.Match[str]) -> str:
        if html.startswith(base_path, match.end() - 1):
            return match.group(0)
        return match.group(1) + base_path

    return _BASE_PATH_ATTR.sub(prefix, html)


def _first_paragraph(html: str) -> str:
    """The text of the first paragraph, as markdown.first_paragraph_text reads it from
    tokens: markup and images left out, line breaks as spaces."""
    inner = html[3 : html.index("</p>")]
    text = _TAG.sub("", inner.replace("<br />\n", " ").replace("\n", " "))
    return unescape(text).strip()

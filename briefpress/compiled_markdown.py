"""pulldown-cmark, compiled, for the bodies where it gives our parser's exact output.

Parsing was over half of loading a brief. pyromark is pulldown-cmark (a CommonMark parser
in Rust) for Python; it renders a typical brief fifteen times faster than markdown-it-py
(and four times faster than markdown-it's own Rust port, which this module used first),
but it takes no Python plugins: no hashtags, heading ids, footnotes in our format,
GitHub-style linkify or raw HTML rules of ours. So it only gets bodies that need none of
them, decided on the source text and its HTML (conservatively: a false "no" costs speed,
never output). It also steers clear of the places where it reads Markdown otherwise than
markdown-it does, and writes the few things it spells otherwise as markdown-it does.
tests/test_compiled_markdown.py checks on random documents that both paths give the same
HTML and summary.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

pyromark: Any
try:
    import pyromark
except ImportError:  # no wheel for this platform: the Python parser does everything
    pyromark = None

_OUR_MARKERS = ("<", "#", "\\", "[^", "\r", "\0", "`", "![", "|", "\t", "~")
"""Raw HTML and autolinks, hashtags and ATX headings, escapes, footnotes, normalize; and
where the port reads Markdown otherwise: code, images (breaks and entities in alt text),
where a table ends, tabs (a tab before a line break), strikethrough (one tilde strikes
through in the port, and it pairs tildes otherwise)."""
_ODD_SPACE = "\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""Whitespace to Python's str.strip (which markdown-it-py uses) that the Rust port keeps
(a character class)."""
_KEPT = "".join(_OUR_MARKERS) + "&*_]:"
_UNREMARKABLE = bytes(c for c in range(0x20, 0x7F) if chr(c) not in _KEPT) + b"\n"
"""Bytes that are neither a marker nor part of one, nor odd whitespace: most of a body,
dropped in one pass before the remaining characters are looked at. (`&*_]:` are kept for
the pairs looked for below: a pair in the body is a pair in what is left, so the body is
searched only when what is left has it.)"""
_SINGLE_MARKERS = re.escape("".join(marker for marker in _OUR_MARKERS if len(marker) == 1))
_MARKER_OR_ODD_SPACE = re.compile(f"[{_SINGLE_MARKERS}{_ODD_SPACE}]")
_BARE_LINE = r"[ \t>]*(?:=+|-+|[*+]|\d{1,9}[.)])[ \t]*(?=\n|\Z)"
"""A setext heading's underline (headings get ids) or thematic break, or an empty list
item (which the port does not let interrupt a paragraph)."""
_EMPHASIS_AT_LINK_TEXT_EDGE = ("[*", "[_", "*]", "_]")
"""Emphasis that starts or ends a link's text: markdown-it reads the text on its own,
the port sees the brackets around it (and so may pair the markers otherwise)."""
_INDENTED = re.compile("(?:^|\n) {4}")
"""An indented line: code, or text the port and markdown-it continue differently."""
_ENTITY = re.compile("&#?[0-9A-Za-z]+;")
"""A character reference: in a link's address the port encodes what it stands for."""
_FIRST_LINE_BARE = re.compile(_BARE_LINE)
_LATER_LINE_BARE = re.compile("\n" + _BARE_LINE)
"""Apart from the first line, as a pattern that starts with a newline is searched for
ten times faster than one that starts with ^."""
_NOT_LINKIFIED = re.compile(r"<a [^>]*>.*?</a>|<code[^>]*>.*?</code>|<[^>]*>", re.DOTALL)
"""Links, code and tags in HTML: what linkify does not look into."""
_BASE_PATH_ATTR = re.compile(r'(<a href="|<img src=")/(?!/)')
_TAG = re.compile(r"<[^>]*>")
_ADDRESS = re.compile(r'(?<= href=")[^"]*|(?<= src=")[^"]*')
_ENCODED_HOST = re.compile(r'(?: href| src)="[A-Za-z][A-Za-z0-9+.-]*://[^/"?#]*%')
_ADDRESS_WITH_AT = re.compile(r' (?:href|src)="[^"]*@')
_LONE_PERCENT = re.compile("%(?![0-9A-Fa-f]{2})")
"""A % in an address that starts no escape: markdown-it writes it as %25, the port as is."""
_TEXT_QUOTE = re.compile('"(?=[^<>]*<)')
"""A double quote in text, not in a tag (text has no raw < or >): escaped, as markdown-it
does and pulldown-cmark does not."""


def render_simple(body: str, base_path: str = "/") -> tuple[str, str] | None:
    """(html, first paragraph as text) of a body that needs none of our own rules, else None."""
    if pyromark is None or needs_our_rules(body):
        return None
    try:
        # (a code block that ends the body ends with a line break in markdown-it only)
        text = body if body.endswith("\n") else body + "\n"
        html: str = pyromark.html(text)
    except BaseException as exc:  # a panic in the port is a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        return None
    html = html.replace("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
    if '"' in body:
        html = _TEXT_QUOTE.sub("&quot;", html)
    if "'" in body:
        html = html.replace("&#x27;", "'")  # in an address or title: markdown-it keeps it
    if "%" in html and "://" in html and _ENCODED_HOST.search(html):
        return None  # a host name of other letters: markdown-it writes it in punycode
    if "%" in body and "href=" in html:
        html = _ADDRESS.sub(_escape_lone_percents, html)
    if not html.startswith("<p>"):
        return None  # the summary would be in a list or a quote: left to the tokens
    if "@" in body and _ADDRESS_WITH_AT.search(html):
        return None  # markdown-it writes an address's user part otherwise (http://@x)
    if (
        _may_linkify(body)
        and not _addresses_only_in_links(body, html)
        and _may_linkify(_NOT_LINKIFIED.sub("", html))
    ):
        return None  # an address in text, for linkify (most are link targets)
    summary = _first_paragraph(html)
    if not summary:
        return None  # the summary is in a later paragraph: left to the tokens
    if base_path != "/":
        html = _with_base_path(html, base_path)
    return html, summary


def _may_linkify(text: str) -> bool:
    """Whether the text has what linkify looks at (markdown._autolink_like_github). Three
    substring tests take a tenth of the time of one regex `://|www\\.|@`, which has no
    literal to scan for."""
    return "://" in text or "www." in text or "@" in text


def _addresses_only_in_links(body: str, html: str) -> bool:
    """Whether every `://` of the body became a link's address (`[a](https://...)`), and
    there is no `www.` or `@`: then linkify has nothing to look at, and the HTML need not
    be searched (the body's one link, usually)."""
    if "www." in body or "@" in body:
        return False
    links = html.count(' href="https://') + html.count(' href="http://')
    return body.count("://") == links


def needs_our_rules(body: str) -> bool:
    """Whether the body has one of _OUR_MARKERS, odd whitespace, a bare or indented line,
    a character reference, a link reference definition or emphasis at a link text's edge.

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
    if "&" in rest and _ENTITY.search(body):
        return True
    if "[" in rest and any(p in rest and p in body for p in _EMPHASIS_AT_LINK_TEXT_EDGE):
        return True
    if "[" in rest and "]:" in rest and "]:" in body:
        return True  # a link reference definition: the port ends some elsewhere
    if "    " in body and _INDENTED.search(body):
        return True
    return bool(_FIRST_LINE_BARE.match(body) or _LATER_LINE_BARE.search(body))


def _escape_lone_percents(match: re.Match[str]) -> str:
    return _LONE_PERCENT.sub("%25", match[0])


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

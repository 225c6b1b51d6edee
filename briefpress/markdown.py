"""What a build needs of Markdown: bodies rendered to HTML (by compiled_markdown's Rust
port when it can, else by the markdown-it-py parser that markdown_rules configures, which
is imported only then), hashtags, titles taken from headings, words counted.

A brief's body is CommonMark with tables, strikethrough, footnotes, linkified
URLs and heading ids. Hashtags are handled on tokens, never on HTML: a trailing
block of hashtag-only paragraphs becomes tags, and an inline `#Tag` becomes a
link to its tag page (but not in code, links, URLs or headings).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .compiled_markdown import render_simple

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

TagHref = Callable[[str], str]
"""Maps a hashtag as written to the URL of its tag page."""

_HEADING_LINE = re.compile(r"# +(?P<title>.+?)(?: +#+)? *")


def hashtag_at(text: str, start: int) -> str | None:
    """The hashtag name at text[start] == '#', or None: a letter first, then letters,
    digits, marks or '_' (any script); trailing punctuation is not part of it."""
    end = start + 1
    if end >= len(text) or unicodedata.category(text[end])[0] != "L":
        return None
    while end < len(text) and (text[end] == "_" or unicodedata.category(text[end])[0] in "LNM"):
        end += 1
    return text[start + 1 : end]


def split_trailing_hashtags(body: str) -> tuple[str, list[str]]:
    """Take the trailing paragraphs made only of hashtags out of the body (seed style)."""
    kept = body.rstrip()
    if "#" not in kept[kept.rfind("\n") + 1 :]:
        return body, []  # the usual case, seen without splitting the body into lines
    lines = kept.split("\n")
    tags: list[str] = []
    end = len(lines)
    while end > 0:
        start = end
        while start > 0 and lines[start - 1].strip():
            start -= 1
        block = lines[start:end]
        found = _hashtag_only(block)
        if found is None:
            break
        tags = found + tags
        end = start
        while end > 0 and not lines[end - 1].strip():
            end -= 1
    if not tags:
        return body, []
    return "\n".join(lines[:end]) + "\n", tags


def _hashtag_only(block: list[str]) -> list[str] | None:
    if not block or any(line.startswith(("    ", "\t")) for line in block):
        return None
    found: list[str] = []
    for word in " ".join(block).split():
        name = hashtag_at(word, 0) if word.startswith("#") else None
        if name is None or len(name) != len(word) - 1:
            return None
        found.append(name)
    return found


def split_heading_title(body: str) -> tuple[str | None, str, int]:
    """A body that begins with `# Heading` gives the title: (title, rest, lines removed)."""
    if not body.lstrip().startswith("#"):
        return None, body, 0
    lines = body.split("\n")
    skipped = 0
    while skipped < len(lines) and not lines[skipped].strip():
        skipped += 1
    if skipped == len(lines):
        return None, body, 0
    match = _HEADING_LINE.fullmatch(lines[skipped].rstrip())
    if not match:
        return None, body, 0
    rest = "\n".join(lines[skipped + 1 :])
    return match.group("title").strip(), rest, skipped + 1


@dataclass(frozen=True)
class RenderedBody:
    html: str
    summary: str
    hashtags: tuple[tuple[str, int], ...]
    """Inline hashtags as written, in order of appearance, each with its line in the body
    (0-based), so a problem with a tag can name where it is used."""


def render_body(
    md: MarkdownIt, body: str, tag_href: TagHref, base_path: str = "/", compiled: bool = True
) -> RenderedBody:
    """HTML of a body, its first paragraph as plain text, and the hashtags it links.

    `compiled`: bodies that need none of our own rules go to markdown-it's Rust port
    (compiled_markdown), several times faster for the same output; tests turn it off.
    """
    simple = render_simple(body, base_path) if compiled else None
    if simple is not None:
        return RenderedBody(simple[0], simple[1], ())
    env: dict[str, object] = {"tag_href": tag_href, "hashtags": [], "base_path": base_path}
    tokens = md.parse(body, env)
    html = md.renderer.render(tokens, md.options, env)
    hashtags = env["hashtags"]
    assert isinstance(hashtags, list)
    return RenderedBody(html, first_paragraph_text(tokens), tuple(hashtags))


def plain_text(md: MarkdownIt, source: str) -> str:
    """Inline Markdown as plain text (a heading used as a title)."""
    tokens = md.parseInline(source, {"tag_href": None, "hashtags": []})
    return _inline_text(tokens[0]) if tokens else source


def count_words(html: str) -> int:
    """Words of rendered HTML, markup left out: what str.split() would make of its text."""
    return count_words_utf8(html.encode("utf-8", "surrogatepass"))


def count_words_utf8(html: bytes) -> int:
    """count_words of HTML as UTF-8 (a brief's body is kept so), without making the
    strings (half of the time). Words start where a space does not follow a space; in
    UTF-8, only ASCII whitespace needs to be looked for, unless the few other characters
    str.split() breaks at are there. Tags are ASCII, never inside a character's bytes."""
    data = _HTML_TAG.sub(b" ", html)
    others = data.translate(None, _ASCII)
    if others and _OTHER_SPACE.search(others.decode("utf-8", "surrogatepass")):
        return len(data.decode("utf-8", "surrogatepass").split())
    marks = data.translate(_SPACE_MARKS)
    return marks.count(b" w") + marks.startswith(b"w")


_HTML_TAG = re.compile(rb"<[^>]+>")
_ASCII = bytes(range(128))
_ASCII_SPACE = b" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
_SPACE_MARKS = bytes(b" "[0] if byte in _ASCII_SPACE else b"w"[0] for byte in range(256))
"""Each byte as ' ' (whitespace to str.split) or 'w' (part of a word)."""
_OTHER_SPACE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def first_paragraph_text(tokens: list[Token]) -> str:
    """The text of the first paragraph that has any: one of only an image says nothing."""
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            text = _inline_text(tokens[index + 1]).strip()
            if text:
                return text
    return ""


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def __getattr__(name: str) -> Any:
    """make_markdown, which lives with the rules it installs (markdown_rules), for
    `from briefpress.markdown import make_markdown`: markdown-it is imported then."""
    if name == "make_markdown":
        from .markdown_rules import make_markdown

        return make_markdown
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

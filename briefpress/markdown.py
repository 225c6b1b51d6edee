"""Markdown to HTML with markdown-it-py, plus the hashtag rules of briefs.

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

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_core import normalize as markdown_it_normalize
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .compiled_markdown import render_simple
from .slugs import slugify

TagHref = Callable[[str], str]
"""Maps a hashtag as written to the URL of its tag page."""

_HASH_CANDIDATE = re.compile(r"#([^\s#]+)")
_HEADING_LINE = re.compile(r"# +(?P<title>.+?)(?: +#+)? *")


def make_markdown(allow_html: bool) -> MarkdownIt:
    """One configured parser per build; `allow_html` is the `html` setting."""
    md = MarkdownIt("commonmark", {"html": allow_html, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    _autolink_like_github(md)
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=_heading_id)
    md.block.ruler.before("table", "plain_paragraph", _plain_paragraph)
    md.core.ruler.at("inline", _parse_inline)
    md.core.ruler.at("normalize", _normalize)
    md.inline.terminator_re = _RULE_STARTS
    md.core.ruler.push("site_paths", _prefix_site_paths)
    md.core.ruler.push("hashtags", _link_hashtags)
    return md


def _autolink_like_github(md: MarkdownIt) -> None:
    """Link bare URLs as GitHub does: http(s)://, www. and e-mail addresses only.

    linkify-it also looks for bare domains (example.com) with costly regexes, in the
    pretest of a paragraph and again in the test of each of its texts; GitHub does not
    link those, and skipping them makes parsing a brief about a third faster.
    """
    linkify = md.linkify
    assert linkify is not None, "linkify-it-py is a dependency"
    full_test = linkify.test

    def may_link(text: str) -> bool:
        return "://" in text or "www." in text or "@" in text

    linkify.pretest = may_link  # a gate only: each text is tested on its own
    linkify.test = lambda text: may_link(text) and full_test(text)


_NOT_PLAIN_LINE = re.compile(
    r"[ \t>=`~<:\[]"  # indented, quote, setext line, fence, HTML, table, definitions
    r"|[*+\-_](?:[ \t]|$)"  # list item
    r"|[*\-_][*\-_ \t]*$"  # thematic break or setext line
    r"|#{1,6}(?:[ \t]|$)"  # heading
    r"|\d{1,9}[.)](?:[ \t]|$)"  # ordered list item
)
"""How a line may start anything but a paragraph, or end one (a little more, not less)."""


def _plain_paragraph(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Block rule tried first: a top-level paragraph whose lines start with none of the
    markers of other blocks. markdown-it would try every block rule at its first line and
    every terminator rule at each next one; the tokens it ends up with are made directly."""
    if silent or state.parentType != "root" or state.blkIndent:
        return False
    src, begins, ends = state.src, state.bMarks, state.eMarks
    line = start
    while line < end and begins[line] + state.tShift[line] < ends[line]:  # up to a blank line
        text = src[begins[line] : ends[line]]
        if "|" in text or _NOT_PLAIN_LINE.match(text):
            return False
        line += 1
    content = state.getLines(start, line, 0, False).strip(MD_TRIM_CHARS)
    state.line = line
    state.push("paragraph_open", "p", 1).map = [start, line]
    token = state.push("inline", "", 0)
    token.content, token.map, token.children = content, [start, line], []
    state.push("paragraph_close", "p", -1)
    return True


_RULE_STARTS = re.compile(r"[\n!\\`~*_\[\]^<&:]")
"""Where the enabled inline rules can start (link labels also end at ']'). markdown-it's
text rule otherwise stops at every '-', '$', '%', '#' or '@' of prose and tries each rule
there in vain."""

_NOT_PLAIN = re.compile(r"[\\`*_~\[<&]| \n|\n[ \t]|://|www\.|@")
"""Anything an inline rule could act on: escapes, code, emphasis, strikethrough, links,
images, footnotes, autolinks and HTML, entities, hard breaks, indented lines, URLs."""


def _normalize(state: StateCore) -> None:
    """markdown-it's normalize (CR LF to LF, NUL to U+FFFD) on the rare text that needs it:
    two regex passes over every brief otherwise."""
    if "\r" in state.src or "\0" in state.src:
        markdown_it_normalize(state)


def _parse_inline(state: StateCore) -> None:
    """Core rule replacing markdown-it's "inline": text without markup skips the inline parser.

    Most paragraphs of a brief are plain prose; for them the parser's result is known (one
    text token per line, soft breaks between), and building it directly makes parsing a
    brief about twice as fast. Anything else goes through the parser as before.
    """
    md = state.md
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        content = token.content
        if _NOT_PLAIN.search(content):
            md.inline.parse(content, md, state.env, token.children)
        elif content:
            token.children.extend(_plain_lines(content))


def _plain_lines(content: str) -> list[Token]:
    """What the inline parser makes of markup-free text: lines with soft breaks between."""
    tokens: list[Token] = []
    for number, line in enumerate(content.split("\n")):
        if number:
            tokens.append(Token("softbreak", "br", 0))
        if line:
            tokens.append(_text(line))
    return tokens


def _heading_id(text: str) -> str:
    return slugify(text) or "section"


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
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            return _inline_text(tokens[index + 1]).strip()
    return ""


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _prefix_site_paths(state: StateCore) -> None:
    """Core rule: a link or image to a site path (/2025/08/x/) gets the base path, so the
    author's own links work at https://user.github.io/repo/ as they do at a domain root."""
    base = state.env.get("base_path", "/")
    if not isinstance(base, str) or base == "/":
        return
    for block in state.tokens:
        for token in block.children or ():
            attr = {"link_open": "href", "image": "src"}.get(token.type)
            value = token.attrGet(attr) if attr else None
            if (
                attr
                and isinstance(value, str)
                and value.startswith("/")
                and not value.startswith(("//", base))
            ):
                token.attrSet(attr, base + value[1:])


def _link_hashtags(state: StateCore) -> None:
    """Core rule: inline `#Tag` in text becomes a link to the tag page (and a tag)."""
    tag_href = state.env.get("tag_href")
    found = state.env.get("hashtags")
    if tag_href is None or not isinstance(found, list):
        return
    tokens = state.tokens
    for index, block in enumerate(tokens):
        if block.type != "inline" or not block.children or "#" not in block.content:
            continue
        if index > 0 and tokens[index - 1].type == "heading_open":
            continue
        first_line = block.map[0] if block.map else 0
        block.children = _split_children(block.children, tag_href, found, first_line)


def _split_children(
    children: list[Token], tag_href: TagHref, found: list[tuple[str, int]], line: int
) -> list[Token]:
    out: list[Token] = []
    link_depth = 0
    for position, child in enumerate(children):
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            link_depth += 1
        elif child.type == "link_close":
            link_depth -= 1
        if child.type != "text" or link_depth or "#" not in child.content:
            out.append(child)
            continue
        previous = children[position - 1].type if position else None
        line_start = previous in (None, "softbreak", "hardbreak")
        out.extend(_hashtag_tokens(child.content, line_start, tag_href, found, line))
    return out


def _hashtag_tokens(
    text: str, line_start: bool, tag_href: TagHref, found: list[tuple[str, int]], line: int
) -> list[Token]:
    tokens: list[Token] = []
    cursor = 0
    for match in _HASH_CANDIDATE.finditer(text):
        start = match.start()
        before_ok = text[start - 1].isspace() if start else line_start
        name = hashtag_at(text, start) if before_ok else None
        if name is None:
            continue
        if start > cursor:
            tokens.append(_text(text[cursor:start]))
        link = Token("link_open", "a", 1)
        link.attrs = {"href": tag_href(name), "class": "hashtag"}
        tokens += [link, _text("#" + name), Token("link_close", "a", -1)]
        found.append((name, line))
        cursor = start + 1 + len(name)
    if cursor == 0:
        return [_text(text)]
    if cursor < len(text):
        tokens.append(_text(text[cursor:]))
    return tokens


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token

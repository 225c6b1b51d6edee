"""markdown-it-py configured for briefs: linkify as GitHub does, footnotes, heading ids,
the hashtag rules and faster paths for plain prose. Imported only when a body needs our
parser (see compiled_markdown), or a command asks for it."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_core import normalize as markdown_it_normalize
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .markdown import TagHref, hashtag_at
from .slugs import slugify

_HASH_CANDIDATE = re.compile(r"#([^\s#]+)")


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
    # Before text_join, which would merge an escaped `\#` or `&#35;` into the text around it:
    # written so, it is a plain # (as in Hugo and GitHub), not a hashtag.
    md.core.ruler.before("text_join", "hashtags", _link_hashtags)
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


THEME_IDS = frozenset(
    {
        "main", "site-search-q", "related-title", "chart-title", "not-found-label",
        "not-found-q", "search-form", "search-more", "search-q", "search-results",
        "search-sort", "search-tag", "search-status",
    }
)  # fmt: skip
"""Element ids of the default theme's pages: a heading of a brief never takes one (a
`## Main` with id="main" would make the page's HTML invalid and its skip link jump)."""


def _heading_id(text: str) -> str:
    slug = slugify(text) or "section"
    return f"{slug}-section" if slug in THEME_IDS else slug


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

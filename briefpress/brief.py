"""A brief: one Markdown file turned into a frozen record that templates receive as it is."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import SiteConfig
from .dates import date_from_filename, instant, parse_date
from .errors import Problem, ProblemError
from .frontmatter import split_front_matter
from .markdown import (
    count_words_utf8,
    plain_text,
    render_body,
    split_heading_title,
    split_trailing_hashtags,
)
from .slugs import slugify, tag_key, title_slug

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

SUMMARY_LENGTH = 280
WORDS_PER_MINUTE = 220
MAX_BRIEF_BYTES = 4 * 1024 * 1024
MAX_TAGS = 100
"""Each tag page lists the brief with all its tags: beyond this, pages grow as tags squared."""
KNOWN_KEYS = {"title", "date", "tags", "slug", "summary", "draft", "updated"}
_OPTIONAL_WHEN_EMPTY = KNOWN_KEYS - {"slug"}
"""Known keys that, written with no value, count as not given."""

Report = Callable[[str, int | None], None]
"""problem(message, line): records a problem found in the brief being parsed."""
ADDRESS_KEYS = ("image", "source")
"""Other keys themes turn into links or image sources: they must be text."""


@dataclass(frozen=True)
class Brief:
    source: str
    """Path of the file relative to the site root (content/2025/08/x.md)."""
    title: str
    date: dt.datetime
    """Publication time, aware, in the site timezone."""
    slug: str
    url: str
    """Path below the base path, e.g. /2025/08/slug/ (use url() in templates)."""
    tags: tuple[str, ...]
    """Tags as written, one per tag (case-insensitive), front matter first."""
    body_utf8: bytes
    """The body as HTML, kept as UTF-8: half the memory of a str when a body has a single
    curly quote (a str then takes two bytes a character), and no work to pickle."""
    summary: str
    draft: bool = False
    updated: dt.datetime | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    """Every other front-matter key (image, author, source, ...)."""
    tag_lines: tuple[int, ...] = ()
    """Line in the file where each tag is written (for error messages)."""
    digest: str = ""
    """Hash of the file's text: what caches and incremental renders key on."""
    words: int = 0
    """Words in the body (for reading time), counted once at parse time."""

    @property
    def body_html(self) -> str:
        """The body as HTML (for templates: `{{ brief.body_html | safe }}`)."""
        return self.body_utf8.decode()

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the body at ~220 words a minute, at least 1."""
        return max(1, round(self.words / WORDS_PER_MINUTE))

    def listing(self) -> tuple[object, ...]:
        """Everything of the brief that other pages show (lists, neighbours, related,
        sitemap), that is all but the body: a body-only edit leaves it equal, so serve
        re-renders just the brief's own page and the feeds."""
        meta = repr(sorted(self.meta.items()))
        return (self.title, self.date, self.slug, self.url, self.tags, self.summary,
                self.draft, self.updated, meta, self.reading_minutes)  # fmt: skip

    @cached_property
    def listing_key(self) -> str:
        """Hash of listing() and the file: the part of a route key for pages that show the
        brief in a list (made once, in a load worker, for the hundreds of thousands of
        list entries that routes key on)."""
        digest = hashlib.blake2b(repr(self.listing()).encode(), digest_size=12).hexdigest()
        return digest + self.source

    @cached_property
    def modified(self) -> dt.datetime:
        """When the brief last changed: `updated` when it is a later instant than `date`
        (feeds, sitemap, JSON-LD and the dateline all say the same)."""
        updated = self.updated
        return updated if updated and instant(updated) > instant(self.date) else self.date

    @cached_property
    def modified_instant(self) -> dt.timedelta:
        """instant() of `modified`: what pages listing thousands of briefs take the latest of."""
        return instant(self.modified)

    @cached_property
    def tag_keys(self) -> tuple[str, ...]:
        return tuple(tag_key(t) for t in self.tags)


def read_brief_bytes(path: Path | str) -> bytes:
    """The bytes of a brief file, refusing before reading what no brief can be: a FIFO
    would block the build, a device (/dev/zero) never ends, a huge file fills memory.
    (Opened without blocking, then checked: one system call less than stat + open.)"""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ProblemError(
                "not a regular file (a pipe, device or socket); briefs are text files"
            )
        _check_size(info.st_size)
        chunks: list[bytes] = []
        left = MAX_BRIEF_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, info.st_size + 1 if not chunks else 65536))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def _check_size(size: int) -> None:
    if size > MAX_BRIEF_BYTES:
        raise ProblemError(
            f"file is {size / 1048576:.1f} MB; a brief may be at most "
            f"{MAX_BRIEF_BYTES // 1048576} MB",
            1,  # (of the whole file, told as an empty or binary file is)
        )


def decode_brief(source: str, raw: bytes) -> str:
    """UTF-8 text with \\n line ends, or a ProblemError saying why the file is not a brief."""
    _check_size(len(raw))
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        raise ProblemError("looks like a binary file (NUL byte); briefs are UTF-8 text", line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProblemError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", line
        ) from None
    if raw.translate(None, _ORDINARY_BYTES) and (
        raw.translate(None, _NOT_C0) or _UNSHOWABLE_UTF8.search(raw)
    ):
        found = _UNSHOWABLE.search(text)
        if found is not None:
            line = text.count("\n", 0, found.start()) + 1
            raise ProblemError(_unshowable(found[0]) + ": delete it", line)
    if b"\r" not in raw:  # the usual case, found at memchr speed
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


_UNSHOWABLE = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
    + "]"
)
"""Characters that no HTML page may hold (control characters but whitespace, and
noncharacters): a browser would show a box, and the page would not be valid HTML."""
_UNSHOWABLE_UTF8 = re.compile(
    rb"\xc2[\x80-\x9f]|\xef\xb7[\x90-\xaf]|\xef\xbf[\xbe\xbf]"
    rb"|[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]"
)
"""The same beyond ASCII, in UTF-8: searched for a hundred times faster than the text
(a class of characters beyond U+FFFF makes Python's regex engine test each one)."""
_NOT_C0 = bytes(byte for byte in range(256) if byte >= 0x80 or not _UNSHOWABLE.match(chr(byte)))
"""Bytes to drop to find, in one quick pass, whether a file has an ASCII control character."""
_ORDINARY_BYTES = bytes(byte for byte in _NOT_C0 if byte not in b"\xc2\xef\xf0\xf1\xf2\xf3\xf4")
"""...and whether it has one, or a byte that starts any other character of _UNSHOWABLE in
UTF-8 (most texts have neither, and skip the searches)."""


def _unshowable(char: str) -> str:
    what = "control character" if unicodedata.category(char) == "Cc" else "noncharacter"
    return f"{what} U+{ord(char):04X}, which a web page cannot show"


def unshowable_in(value: object) -> str | None:
    """The first such character in a front-matter value (YAML writes them as escapes,
    "\\u0000"), looked for in its text, lists and mappings."""
    if isinstance(value, str):
        if value.isprintable():  # the usual case, in C: no control, format or odd character
            return None
        found = _UNSHOWABLE.search(value)
        return found[0] if found else None
    if isinstance(value, list | tuple):
        values: Iterable[object] = value
    elif isinstance(value, dict):
        values = [*value.keys(), *value.values()]
    else:
        return None
    for item in values:
        char = unshowable_in(item)
        if char is not None:
            return char
    return None


def parse_brief(
    source: str, text: str, config: SiteConfig, md: MarkdownIt
) -> tuple[Brief | None, list[Problem]]:
    """A Brief from a file's text, or None and every problem found in it."""
    problems: list[Problem] = []

    def problem(message: str, line: int | None) -> None:
        problems.append(Problem(source, line, message))

    if not text.strip():
        return None, [Problem(source, 1, "file is empty: a brief needs a title and a date")]
    try:
        front = split_front_matter(text)
    except ProblemError as exc:
        return None, [Problem(source, exc.line, exc.message)]
    data, lines = front.data, front.key_lines
    # A key written with no value (`date:`) is not given, as in site.yaml: the file name
    # can still date the brief, and no message speaks of Python's None. `slug:` left
    # empty stays an error (SPEC §4), and other keys reach brief.meta as written.
    data = {k: v for k, v in data.items() if v is not None or k not in _OPTIONAL_WHEN_EMPTY}
    body = front.body
    for key, value in data.items():
        char = unshowable_in(value)
        if char is not None:
            problem(f"{key}: {_unshowable(char)}: write it without", lines.get(key))

    title_value = data.get("title")
    body_line = front.body_line
    heading, rest, removed = split_heading_title(body)
    if title_value is None and heading is not None:
        title = plain_text(md, heading)
        body, body_line = rest, body_line + removed
    elif isinstance(title_value, str | int | float) and str(title_value).strip():
        title = str(title_value).strip()
    else:
        title = ""
        problem(_title_problem(title_value), lines.get("title", 1))

    date = _read_date(source, data, lines, config, problem)
    updated = None
    if "updated" in data:
        try:
            updated = parse_date(data["updated"], config.tz)
        except ProblemError as exc:
            problem(exc.message.replace("date:", "updated:", 1), lines.get("updated"))

    slug = _read_slug(data, lines, title, problem)

    kept, trailing = split_trailing_hashtags(body)
    trailing_line = _trailing_line(body, kept, body_line) if trailing else body_line
    body = kept
    written_tags = _read_tags(data.get("tags"), lines.get("tags"), problem)
    tag_line = lines.get("tags", 1)

    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        problem("draft: expected true or false", lines.get("draft"))
        draft = False

    url = ""
    if date is not None and slug:
        url = config.permalink.format(
            year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}", slug=slug
        )

    def tag_href(name: str) -> str:
        return f"{config.base_path}tags/{slugify(name)}/"

    rendered = render_body(md, body, tag_href, config.base_path)

    summary_value = data.get("summary")
    if summary_value is not None and not isinstance(summary_value, str):
        problem("summary: expected text", lines.get("summary"))
        summary_value = None
    # A summary written in the front matter is used as written (spaces folded); only the
    # one taken from the first paragraph is cut near SUMMARY_LENGTH (SPEC §4).
    given_summary = " ".join(summary_value.split()) if summary_value else ""
    summary = given_summary or shorten(rendered.summary)
    for key in ADDRESS_KEYS:
        if data.get(key) is not None and not isinstance(data[key], str):
            problem(f"{key}: expected a URL or a site path as text", lines.get(key))

    tags: list[str] = []
    tag_lines: list[int] = []
    seen: set[str] = set()
    for name, line in (
        [(t, tag_line) for t in written_tags]
        + [(t, trailing_line) for t in trailing]
        + [(t, body_line + line) for t, line in rendered.hashtags]
    ):
        key = tag_key(name)
        if key and key not in seen:
            seen.add(key)
            tags.append(name)
            tag_lines.append(line)
    if len(tags) > MAX_TAGS:
        problem(f"{len(tags)} tags; a brief may have at most {MAX_TAGS}", tag_lines[MAX_TAGS])

    if problems or date is None:
        return None, problems
    meta = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
    body_utf8 = rendered.html.encode()
    brief = Brief(
        source=source,
        title=title,
        date=date,
        slug=slug,
        url=url,
        tags=tuple(tags),
        body_utf8=body_utf8,
        summary=summary,
        draft=draft,
        updated=updated,
        meta=meta,
        tag_lines=tuple(tag_lines),
        digest=hashlib.sha256(text.encode()).hexdigest()[:24],
        words=count_words_utf8(body_utf8),
    )
    return brief, []


def _title_problem(value: object) -> str:
    if value is None:
        what = "is missing"
    elif isinstance(value, str):
        what = "is empty"
    else:
        what = f"must be text, not {type(value).__name__}"
    return f"title {what}: add `title:` to the front matter or begin the body with `# Heading`"


def _read_date(
    source: str, data: dict[str, Any], lines: dict[str, int], config: SiteConfig, problem: Report
) -> dt.datetime | None:
    if "date" in data:
        try:
            return parse_date(data["date"], config.tz)
        except ProblemError as exc:
            problem(exc.message, lines.get("date"))
            return None
    name = source.rsplit("/", 1)[-1]
    try:
        from_name = date_from_filename(name, config.tz)
    except ProblemError as exc:
        problem(exc.message, 1)  # where a `date:` would go, as for a missing one
        return None
    if from_name is None:
        problem(
            "date is missing: add `date: YYYY-MM-DD HH:MM` or name the file YYYY-MM-DD-slug.md",
            lines.get("date", 1),
        )
    return from_name


def _read_slug(data: dict[str, Any], lines: dict[str, int], title: str, problem: Report) -> str:
    if "slug" not in data:
        slug = title_slug(title) if title else ""
        if title and not slug:
            problem(
                f"title '{title}' gives an empty slug: add `slug:` to the front matter",
                lines.get("title", 1),
            )
        return slug
    value = data["slug"]
    if value is None:  # `slug:` with nothing after it
        problem(
            "slug: is empty: write one, or remove the line to make it from the title",
            lines.get("slug"),
        )
        return ""
    text = str(value).strip() if isinstance(value, str | int) else ""
    bad = [ch for ch in text if ch in "\\?#%" or ch.isspace() or not ch.isprintable()]
    if not text or "/" in text or ".." in text or bad:
        problem(
            f"slug: {value!r} is not usable in a URL (no '/', '..', spaces or empty)",
            lines.get("slug"),
        )
        return ""
    return text


def _trailing_line(body: str, kept: str, body_line: int) -> int:
    """File line where the trailing hashtag block starts: after the kept body and blank lines."""
    lines = body.split("\n")
    index = kept.count("\n") if kept.strip() else 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    return body_line + index


def _read_tags(value: object, line: int | None, problem: Report) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        names = split_tags(value)
    elif isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        names = _clean_tags(str(v) for v in value)
    else:
        problem('tags: expected a list of names or a string like "#Armenia #USA"', line)
        return []
    if "" in names:  # '#', '' or '  ': a tag lost without a word would be merged silently
        problem(f"tags: {EMPTY_TAG}", line)
    return [name for name in names if name]


EMPTY_TAG = "an empty tag (remove it or write a name)"


def split_tags(text: str) -> list[str]:
    """Tag names written as one string: "Armenia, USA" or "#Armenia #USA".

    An entry with nothing but '#' and spaces is kept as "" for the caller to refuse;
    a string of only spaces is no tags at all."""
    if not text.strip():
        return []
    if "," in text:
        return _clean_tags(text.split(","))
    if "#" in text:
        return _clean_tags(text.split())
    return _clean_tags([text])


def _clean_tags(items: Iterable[str]) -> list[str]:
    return [item.strip().lstrip("#").strip() for item in items]


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """Cut plain text at a word boundary near `limit` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-–— ")
    return cut + "…"

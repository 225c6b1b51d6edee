"""`briefpress import`: plain-text briefs (the seed's layout) into Markdown briefs.

The plain layout: the first non-empty line is the title; paragraphs are separated
by blank lines; the lines made only of hashtags after them are tags; the last non-empty
line is the date, `DD.MM.YYYY HH:MM` in the site's timezone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from .brief import decode_brief, read_brief_bytes
from .config import SiteConfig, load_config
from .dates import parse_date
from .errors import Problem, ProblemError
from .load import CONTENT_DIR, markdown_for, require_site
from .markdown import hashtag_at
from .new import brief_file_text, brief_path, create_file, permalink_url, site_urls
from .slugs import tag_key, title_slug

_DATE_LINE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}(?:\s+\d{1,2}:\d{2})?")
DATE_FORM = "DD.MM.YYYY HH:MM"


@dataclass(frozen=True)
class PlainBrief:
    """A plain-text brief as read: what its Markdown file will say."""

    title: str
    date: dt.datetime
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    """Plain text, one line each: to be escaped before it becomes Markdown."""
    title_line: int = 1


def parse_plain_brief(text: str, tz: ZoneInfo) -> PlainBrief:
    """Read a plain-text brief; a ProblemError (with its line) says why it is not one."""
    lines = text.split("\n")
    filled = [number for number, line in enumerate(lines) if line.strip()]
    if not filled:
        raise ProblemError("empty file: a plain-text brief starts with its title", 1)
    first, last = filled[0], filled[-1]
    date_text = lines[last].strip()
    if not _DATE_LINE.fullmatch(date_text):
        raise ProblemError(
            f"last line '{_cut(date_text)}' is not a date: a plain-text brief ends with "
            f"its date, {DATE_FORM}",
            last + 1,
        )
    if first == last:
        raise ProblemError("no title: the first line of a plain-text brief is its title", 1)
    try:
        date = parse_date(date_text, tz)
    except ProblemError as exc:
        raise ProblemError(exc.message, last + 1) from None
    # The lines made only of hashtags just before the date are the tags; one earlier, in
    # the body, stays text there (its hashtags still link, and tag the brief, when built).
    end = last
    while end > first + 1 and (not lines[end - 1].strip() or _hashtags(lines[end - 1].split())):
        end -= 1
    tags: dict[str, str] = {}  # tag key -> first spelling
    for line in lines[end:last]:
        for tag in _hashtags(line.split()):
            tags.setdefault(tag_key(tag), tag)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines[first + 1 : end] + [""]:
        text = line.strip()
        if text:
            current.append(text)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    title = lines[first].strip()
    return PlainBrief(title, date, tuple(tags.values()), tuple(paragraphs), first + 1)


def _hashtags(words: list[str]) -> list[str]:
    """The tags of a line made only of hashtags (#ARMENIA #USA), else []."""
    names = []
    for word in words:
        name = hashtag_at(word, 0) if word.startswith("#") else None
        if name is None or len(name) != len(word) - 1:
            return []
        names.append(name)
    return names


def _cut(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_markdown(brief: PlainBrief) -> str:
    """The Markdown brief file: front matter, then the paragraphs escaped to read the same."""
    body = "\n\n".join(escape_markdown(p) for p in brief.paragraphs)
    return brief_file_text(brief.title, brief.date, brief.tags, body=body + "\n" if body else "")


_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<|]|~(?=~)|(?<=~)~|&(?=#?\w+;)")
_LINE_START = re.compile(
    r"(?P<mark>#{1,6}(?=\s|$)|[-+](?=\s|$)|>)"  # heading, bullet, quote
    r"|\d{1,9}(?P<number>[.)])(?=\s|$)"  # ordered list item
    r"|(?P<rule>-)(?=(?:\s*-){2,}\s*$)"  # thematic break
)


def escape_markdown(text: str) -> str:
    """One line of plain text as Markdown that renders as the same text.

    Only what Markdown would read as syntax is escaped: emphasis, code, links,
    HTML, entities and, at the start, block markers. Quotes, dashes, colons and
    hashtags stay as written (a hashtag is meant to link to its tag).
    """
    escaped = "".join(
        f"<{part}>" if is_url else _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(), part)
        for part, is_url in _split_urls(text)
    )
    match = _LINE_START.match(escaped)
    if match is None:
        return escaped
    group = next(name for name in ("mark", "number", "rule") if match.group(name))
    at = match.start(group)
    return escaped[:at] + "\\" + escaped[at:]


_SCHEME_BEFORE = re.compile(r"(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$", re.IGNORECASE)
"""The scheme markdown-it looks for before `://` (its inline linkify rule)."""


def _split_urls(text: str) -> list[tuple[str, bool]]:
    """Text cut into (part, is_url). Markdown links `scheme://` addresses from the raw
    text, where a backslash escape next to one would join it: such an address is
    written as an autolink, `<https://...>`, whose end is explicit."""
    linkify = markdown_for(True).linkify
    assert linkify is not None, "linkify-it-py is a dependency"
    parts: list[tuple[str, bool]] = []
    cursor = 0
    for colon in (m.start() for m in re.finditer("://", text)):
        scheme = _SCHEME_BEFORE.search(text[cursor:colon]) if colon >= cursor else None
        if scheme is None:
            continue
        start = cursor + scheme.start(1)
        found = linkify.match_at_start(text[start:])
        url = text[start : start + found.last_index] if found else ""
        url = url[: min((url.index(ch) for ch in "<> " if ch in url), default=len(url))]
        if url:  # an autolink cannot hold '<', '>' or a space: it ends before them
            parts += [(text[cursor:start], False), (url, True)]
            cursor = start + len(url)
    parts.append((text[cursor:], False))
    return parts


def run_import(args: argparse.Namespace) -> int:
    root = Path.cwd()
    require_site(root)
    config = load_config(root)
    job = _Import(args.into, config.tz, args.force, config, site_urls(root, config))
    for source in _plain_files(args.paths, job.problems):
        target = job.import_file(source)
        if target is not None:
            print(f"{_shown(source)} -> {_shown(target)}")
    for problem in sorted(job.problems):
        print(problem, file=sys.stderr)
    print(f"imported {len(job.written)}, skipped {len(job.problems)}")
    return 1 if job.problems else 0


@dataclass
class _Import:
    """One run of `import`: where briefs go, and what it wrote or could not import."""

    into: Path
    tz: ZoneInfo
    force: bool
    config: SiteConfig
    urls: dict[str, Path]
    """URL -> the brief file (resolved) that has it: the site's, then those just written."""
    written: set[Path] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def import_file(self, source: Path) -> Path | None:
        """Write one brief and return its path; on failure record the problem, return None."""
        shown = _shown(source)
        try:
            target = self._convert(source, shown)
        except ProblemError as exc:
            self.problems.append(Problem(shown, exc.line, exc.message))
            return None
        self.written.add(target)
        return target

    def _convert(self, source: Path, shown: str) -> Path:
        try:
            raw = read_brief_bytes(source)  # never blocks on a FIFO or reads a device
        except OSError as exc:
            raise ProblemError(f"cannot read: {exc.strerror}") from None
        brief = parse_plain_brief(decode_brief(shown, raw), self.tz)
        slug = title_slug(brief.title)
        if not slug:
            raise ProblemError(f"title '{brief.title}' gives an empty slug", 1)
        target = brief_path(self.into, brief.date, slug).resolve()
        line = brief.title_line
        if target in self.written:
            raise ProblemError(f"same title and month as {_shown(target)}, just written", line)
        url = permalink_url(self.config, brief.date, slug)
        owner = self.urls.get(url)
        in_site = target.is_relative_to(Path.cwd().resolve() / CONTENT_DIR)
        if in_site and owner is not None and owner != target:
            raise ProblemError(
                f"its URL {url} is already the URL of {_shown(owner)}: change that brief's "
                "title or `slug:`, or this title",
                line,
            )
        try:
            self._write(target, to_markdown(brief))
        except FileExistsError:
            raise ProblemError(f"{_shown(target)} exists (--force overwrites it)") from None
        except OSError as exc:
            raise ProblemError(f"cannot write {_shown(target)}: {exc.strerror}") from None
        if in_site:
            self.urls[url] = target
        return target

    def _write(self, target: Path, text: str) -> None:
        if not self.force:
            create_file(target, text)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")


def _plain_files(paths: list[Path], problems: list[Problem]) -> list[Path]:
    """The given files, and every *.txt under the given folders (hidden ones skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            texts = _walk_txt(path)
            if not texts:
                message = "no .txt files in this folder or under it: nothing to import"
                problems.append(Problem(_shown(path), None, message))
            found.extend(texts)
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem(_shown(path), None, "no such file or folder"))
    return found


def _walk_txt(folder: Path) -> list[Path]:
    found: list[Path] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(
            Path(current) / name
            for name in sorted(files)
            if name.lower().endswith(".txt") and not name.startswith(".")
        )
    return found


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)

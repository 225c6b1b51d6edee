"""`briefpress new`: a brief file with its front matter filled in, never over another file."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from .brief import EMPTY_TAG, split_tags
from .cache import open_cache
from .config import SiteConfig, load_config
from .dates import front_matter_date, parse_date
from .errors import BriefpressError, Problem, ProblemError, UsageError
from .frontmatter import SafeLoader
from .load import CONTENT_DIR, load_briefs, require_site
from .slugs import slugify, title_slug

_YAML_UNSAFE = re.compile(
    "[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""Characters YAML cannot hold as they are (controls) or reads as line breaks (NEL, LS, PS)."""


def run_new(args: argparse.Namespace) -> int:
    root = Path.cwd()
    require_site(root)
    title = " ".join(args.title.split())
    if not title:
        raise UsageError("new: the title is empty")
    slug = title_slug(title)
    if not slug:
        raise UsageError(f"new: the title '{title}' gives an empty slug: use letters or digits")
    tags = split_tags(args.tags)
    _check_tags(tags)
    config = load_config(root)
    moment = _date_from_flag(args.date, config.tz) if args.date else now_in(config.tz)
    path = brief_path(root / CONTENT_DIR, moment, slug)
    text = brief_file_text(title, moment, tags, draft=args.draft)
    shown = path.relative_to(root).as_posix()
    url = permalink_url(config, moment, slug)
    owner = site_urls(root, config).get(url)
    if owner is not None and owner != path.resolve():
        message = (
            f"its URL {url} is already the URL of {owner.relative_to(root.resolve()).as_posix()}"
            ": give this brief another title, or that one a `slug:`"
        )
        raise BriefpressError([Problem(shown, None, message)])
    try:
        create_file(path, text)
    except FileExistsError:
        message = "already exists (new never overwrites a file): edit it, or use another title"
        raise BriefpressError([Problem(shown, None, message)]) from None
    print(shown)
    return 0


def now_in(tz: dt.tzinfo) -> dt.datetime:
    """This minute in the site's timezone: a new brief is dated to the minute."""
    return dt.datetime.now(tz).replace(second=0, microsecond=0)


def _date_from_flag(value: str, tz: ZoneInfo) -> dt.datetime:
    """The --date flag in the site's timezone; a wrong one is wrong usage (exit 2)."""
    try:
        return parse_date(value, tz)
    except ProblemError as exc:
        raise UsageError(f"new: --date: {exc.message.removeprefix('date: ')}") from None


def _check_tags(tags: Sequence[str]) -> None:
    """Refuse --tags that name no page: a tag needs a letter or digit for its slug."""
    if "" in tags:  # ",,," or "Armenia, #": an entry with nothing in it
        raise UsageError(f"new: --tags: {EMPTY_TAG}")
    bad = [tag for tag in tags if not slugify(tag)]
    if bad:
        names = ", ".join(f"'{tag}'" for tag in bad)
        raise UsageError(f"new: --tags: {names}: a tag needs letters or digits for its page")


def permalink_url(config: SiteConfig, moment: dt.datetime, slug: str) -> str:
    """The URL a brief of this date and slug gets (as brief.parse_brief makes it)."""
    return config.permalink.format(
        year=f"{moment.year:04d}", month=f"{moment.month:02d}", day=f"{moment.day:02d}", slug=slug
    )


def site_urls(root: Path, config: SiteConfig) -> dict[str, Path]:
    """The URL of every brief of the site (drafts and scheduled ones too) -> its file.

    Read as the build reads them, through its cache when there is one; a brief the
    build could not read has no URL and is not in the way. `new` and `import` refuse to
    write a brief at a URL the site already has: the next build would fail on the clash."""
    cache = open_cache(root, config.fingerprint())  # read, never written back
    briefs, _ = load_briefs(root, config, cache)
    return {brief.url: (root / brief.source).resolve() for brief in briefs}


def brief_path(content: Path, moment: dt.datetime, slug: str) -> Path:
    """content/YYYY/MM/SLUG.md: where `new` and `import` put a brief."""
    return content / f"{moment.year:04d}" / f"{moment.month:02d}" / f"{slug}.md"


def brief_file_text(
    title: str,
    moment: dt.datetime,
    tags: Sequence[str],
    *,
    draft: bool = False,
    body: str = "",
    schema: str | None = None,
) -> str:
    """The text of a brief file; `schema` adds an editor hint naming the JSON Schema."""
    lines = ["---"]
    if schema:
        lines.append(f"# yaml-language-server: $schema={schema}")
    lines.append(f"title: {yaml_text(title)}")
    lines.append(f"date: {front_matter_date(moment)}")
    lines.append("tags: [" + ", ".join(yaml_text(tag, in_list=True) for tag in tags) + "]")
    if draft:
        lines.append("draft: true")
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def yaml_text(value: str, in_list: bool = False) -> str:
    """`value` as a YAML scalar that reads back as the same text: plain when that is
    safe (ARMENIA), double-quoted otherwise ("Title: with a colon", "yes", "#1")."""
    line = f"k: [{value}]" if in_list else f"k: {value}"
    try:
        plain_ok = yaml.load(line, SafeLoader) == {"k": [value] if in_list else value}
    except yaml.YAMLError:
        plain_ok = False
    if plain_ok and _YAML_UNSAFE.search(value) is None:
        return value
    quoted = json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def create_file(path: Path, text: str) -> None:
    """Create `path` with `text`; raise FileExistsError rather than touch an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as file:
        file.write(text)

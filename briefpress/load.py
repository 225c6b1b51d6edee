"""Stage 1, load: Markdown files under content/ -> Briefs (in parallel for big sites)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .brief import Brief, decode_brief, parse_brief, read_brief_bytes
from .cache import BriefCache
from .config import CONFIG_FILE, SiteConfig
from .errors import Problem, ProblemError, UsageError
from .parallel import available_cpus, count_done, fork_map

CONTENT_DIR = "content"
PARALLEL_FROM = 400
"""Below this many files to parse, a process pool costs more than it saves."""

Parsed = tuple[Brief | None, list[Problem]]

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


def require_site(root: Path) -> None:
    """Authoring commands work inside a site: refuse a folder that is clearly not one."""
    if not (root / CONFIG_FILE).is_file() and not (root / CONTENT_DIR).is_dir():
        raise UsageError(
            f"{root} is not a briefpress site (no {CONFIG_FILE}, no {CONTENT_DIR}/): run this "
            "in the folder of your site, or create one with `briefpress init DIR`"
        )


def find_brief_files(root: Path) -> list[str]:
    """Every *.md under content/ (any depth, hidden folders skipped), as sorted relative paths."""
    content = root / CONTENT_DIR
    found: list[str] = []
    for folder, dirs, files in os.walk(content):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(folder).relative_to(root).as_posix()
        found.extend(
            f"{rel}/{name}" for name in files if name.endswith(".md") and not name.startswith(".")
        )
    return sorted(found)


def load_briefs(
    root: Path,
    config: SiteConfig,
    cache: BriefCache | None = None,
    workers: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[list[Brief], list[Problem]]:
    """Read and parse every brief; unchanged files come from the cache when there is one.
    `meanwhile()`: other work for this process while workers parse (not run when there
    are too few files to parse to fork workers)."""
    sources = find_brief_files(root)
    briefs: list[Brief] = []
    problems: list[Problem] = []
    todo: list[str] = []
    for source in sources:
        cached = cache.get(root, source) if cache else None
        if cached is not None:
            briefs.append(cached)
        else:
            todo.append(source)
    parsed = parse_files(root, todo, config, workers, progress, meanwhile)
    for source, (brief, found) in zip(todo, parsed, strict=True):
        problems.extend(found)
        if brief is not None:
            briefs.append(brief)
            if cache:
                cache.put(root, source, brief)
    if cache:
        cache.forget_missing(sources)
    return briefs, problems


def parse_files(
    root: Path,
    sources: Sequence[str],
    config: SiteConfig,
    workers: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Iterable[Parsed]:
    """Parsed briefs in the order of `sources`, in forked workers when there are many."""
    workers = workers if workers is not None else available_cpus()
    if len(sources) < PARALLEL_FROM or workers < 2:
        return [parse_file(root, source, config) for source in sources]
    size = min(100, max(25, len(sources) // (workers * 8)))  # the last ones end together
    chunks = [sources[i : i + size] for i in range(0, len(sources), size)]

    def parse_chunk(chunk: Sequence[str]) -> list[Parsed]:
        return [parse_file(root, source, config) for source in chunk]

    done = count_done(chunks, partial(progress, "parse") if progress else None)
    results = fork_map(
        parse_chunk, chunks, workers, done, (lambda poll: meanwhile()) if meanwhile else None
    )
    return [parsed for chunk in results for parsed in chunk]


def parse_file(root: Path, source: str, config: SiteConfig) -> Parsed:
    """One brief from disk; every way it can fail becomes a Problem."""
    try:
        text = decode_brief(source, read_brief_bytes(f"{root}/{source}"))
    except OSError as exc:
        return None, [Problem(source, None, f"cannot read: {exc.strerror}")]
    except ProblemError as exc:
        return None, [Problem(source, exc.line, exc.message)]
    try:
        brief, problems = parse_brief(source, text, config, _parser_when_needed(config.html))
    except RecursionError:
        return None, [Problem(source, None, "nested too deeply to read (lists or quotes)")]
    if brief is not None:  # worked out here, in a worker, for the routes and the sitemap
        brief.listing_key  # noqa: B018
        brief.modified_instant  # noqa: B018
    return brief, problems


@lru_cache(maxsize=2)
def markdown_for(allow_html: bool) -> MarkdownIt:
    """One parser per process and setting: building it costs more than parsing a brief."""
    from .markdown_rules import make_markdown

    return make_markdown(allow_html)


@lru_cache(maxsize=2)
def _parser_when_needed(allow_html: bool) -> MarkdownIt:
    """markdown_for(allow_html), made when a brief first needs it: most never do (their
    bodies go to compiled_markdown), and importing markdown-it and its plugins was a
    tenth of a build that finds nothing changed. Each worker makes its own if it needs one."""
    return cast("MarkdownIt", _LazyParser(allow_html))


class _LazyParser:
    def __init__(self, allow_html: bool) -> None:
        self.allow_html = allow_html

    def __getattr__(self, name: str) -> Any:
        return getattr(markdown_for(self.allow_html), name)

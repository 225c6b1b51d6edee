"""Stage 1, load: Markdown files under content/ -> Briefs (in parallel for big sites)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt

from .brief import Brief, decode_brief, parse_brief
from .cache import BriefCache
from .config import SiteConfig
from .errors import Problem, ProblemError
from .markdown import make_markdown

CONTENT_DIR = "content"
PARALLEL_FROM = 400
"""Below this many files to parse, a process pool costs more than it saves."""

Parsed = tuple[Brief | None, list[Problem]]


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
) -> tuple[list[Brief], list[Problem]]:
    """Read and parse every brief; unchanged files come from the cache when there is one."""
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
    for source, (brief, found) in zip(todo, parse_files(root, todo, config, workers), strict=True):
        problems.extend(found)
        if brief is not None:
            briefs.append(brief)
            if cache:
                cache.put(root, source, brief)
    if cache:
        cache.forget_missing(sources)
    return briefs, problems


def parse_files(
    root: Path, sources: Sequence[str], config: SiteConfig, workers: int | None = None
) -> Iterable[Parsed]:
    """Parsed briefs in the order of `sources`, in worker processes when there are many."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if len(sources) < PARALLEL_FROM or workers < 2:
        return [parse_file(root, source, config) for source in sources]
    size = max(50, len(sources) // (workers * 4))
    chunks = [list(sources[i : i + size]) for i in range(0, len(sources), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_parse_chunk, [root] * len(chunks), chunks, [config] * len(chunks))
        return [parsed for chunk in results for parsed in chunk]


def _parse_chunk(root: Path, sources: list[str], config: SiteConfig) -> list[Parsed]:
    return [parse_file(root, source, config) for source in sources]


def parse_file(root: Path, source: str, config: SiteConfig) -> Parsed:
    """One brief from disk; every way it can fail becomes a Problem."""
    try:
        raw = (root / source).read_bytes()
    except OSError as exc:
        return None, [Problem(source, None, f"cannot read: {exc.strerror}")]
    try:
        text = decode_brief(source, raw)
    except ProblemError as exc:
        return None, [Problem(source, exc.line, exc.message)]
    try:
        return parse_brief(source, text, config, markdown_for(config.html))
    except RecursionError:
        return None, [Problem(source, None, "nested too deeply to read (lists or quotes)")]


@lru_cache(maxsize=2)
def markdown_for(allow_html: bool) -> MarkdownIt:
    """One parser per process and setting: building it costs more than parsing a brief."""
    return make_markdown(allow_html)

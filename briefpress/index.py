"""Stage 6, index: Pagefind search bundles of the brief pages, from the bundled binary.

Only brief pages are indexed: each bundle is built from a scratch folder of hard
links to its brief pages, so list, tag and period pages can never slip in. A large
site gets one bundle per year (the newest year in pagefind/, older ones in
pagefind-YYYY/), indexed in parallel and merged by search.js in the browser.
pagefind/bundles.json lists the bundles with a key each, so a rebuild re-indexes
only the years whose pages changed and copies the others from the last output.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .config import SiteConfig
from .errors import BriefpressError, Problem
from .routes import Route
from .urls import PAGEFIND_DIR

MANIFEST = "pagefind/bundles.json"
"""Lists the bundles for search.js (newest year first) and their keys for reuse."""
SHARD_MIN_BRIEFS = 2000
"""From this many briefs on, one bundle per year: parallel and incremental indexing is
worth what it costs readers (a first search loads each bundle's script and WebAssembly)."""

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Bundle:
    """One Pagefind index: a folder of the output and the brief pages it covers."""

    folder: str
    """pagefind, or pagefind-YYYY for an older year of a sharded site."""
    pages: tuple[str, ...]
    """Output paths of the brief pages (2025/08/slug/index.html)."""
    key: str
    """Changes whenever the bundle's content would."""


def plan_bundles(
    routes: Sequence[Route], fingerprint: str, shard_min: int = SHARD_MIN_BRIEFS
) -> list[Bundle]:
    """One bundle for every brief page, or one per year (newest first) on a large site."""
    pages = [route for route in routes if route.template == "brief.html"]
    if not pages:
        return []
    if len(pages) < shard_min:
        return [_bundle(PAGEFIND_DIR, pages, fingerprint)]
    by_year: dict[int, list[Route]] = defaultdict(list)
    for route in pages:
        by_year[route.context["brief"].date.year].append(route)
    years = sorted(by_year, reverse=True)
    return [
        _bundle(
            PAGEFIND_DIR if year == years[0] else f"{PAGEFIND_DIR}-{year}",
            by_year[year],
            fingerprint,
        )
        for year in years
    ]


def _bundle(folder: str, pages: Sequence[Route], fingerprint: str) -> Bundle:
    parts = [pagefind_version(), fingerprint, *map(_indexed_key, pages)]
    key = hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()
    return Bundle(folder, tuple(route.output for route in pages), key)


def _indexed_key(route: Route) -> str:
    """What the index holds of a brief page: its brief and tag names, not the neighbours
    and tag counts that change its Route.key whenever another brief is added."""
    brief = route.context["brief"]
    names = (tag.name for tag in route.context["tags"])
    return "\1".join([route.url, brief.source, brief.digest, *names])


def index_site(
    folder: Path,
    routes: Sequence[Route],
    config: SiteConfig,
    *,
    fingerprint: str = "",
    previous: Path | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    shard_min: int = SHARD_MIN_BRIEFS,
) -> None:
    """Write the search bundles of the brief pages under folder (the rendered site).

    `fingerprint` stands for the settings, theme and flags the pages were rendered with
    (pipeline.render_fingerprint). A bundle whose key matches one in `previous` (the
    last output) is copied, not rebuilt.
    """
    bundles = plan_bundles(routes, f"{config.fingerprint()}|{fingerprint}", shard_min)
    reusable = _previous_bundles(previous) if previous else {}
    todo = []
    for bundle in bundles:
        source, target = reusable.get(bundle.key), folder / bundle.folder
        if source is None:
            todo.append(bundle)
        elif source != target:  # serve indexes its folder in place: nothing to copy
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, copy_function=os.link)
    language = config.language.split("-")[0].lower()
    problems: list[Problem] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        jobs = [pool.submit(_run_pagefind, folder, bundle, language) for bundle in todo]
        for done, job in enumerate(jobs, 1):
            problems += job.result()
            if progress:
                progress("index", done, len(jobs))
    if problems:
        raise BriefpressError(problems)
    _write_manifest(folder, bundles)


def _run_pagefind(folder: Path, bundle: Bundle, language: str) -> list[Problem]:
    """Index one bundle's pages with the Pagefind binary; its failure becomes a Problem.

    The bundle is written beside the site and then swapped in whole, so re-indexing in
    place (serve) leaves no stale files and a reader never sees half a bundle.
    """
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=folder.parent) as scratch:
        pages, written = Path(scratch, "pages"), Path(scratch, "bundle")
        for relpath in bundle.pages:
            (pages / relpath).parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(folder / relpath, pages / relpath)
        command = [
            pagefind_binary(),
            "--site",
            str(pages),
            "--output-path",
            str(written),
            "--force-language",
            language,
            "--quiet",
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as exc:
            return [Problem(bundle.folder, None, f"search indexing failed: {exc}")]
        if result.returncode == 0:
            _swap_in(written, folder / bundle.folder, Path(scratch, "old"))
            return []
    lines = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
    return [Problem(bundle.folder, None, f"search indexing failed: {lines[0]}")]


def _swap_in(new: Path, target: Path, old: Path) -> None:
    """Replace the folder target with new; what it held goes to old (deleted with it)."""
    if target.exists():
        target.rename(old)
    new.rename(target)


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link costs no copying; a file system without them gets a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _write_manifest(folder: Path, bundles: Sequence[Bundle]) -> None:
    entries = [{"path": f"{bundle.folder}/", "key": bundle.key} for bundle in bundles]
    path = folder / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # a reused bundle links it to the last output's copy
    path.write_text(json.dumps({"bundles": entries}, indent=1) + "\n", encoding="utf-8")


def _previous_bundles(out: Path) -> dict[str, Path]:
    """key -> bundle folder of the last output, for bundles that are still complete there."""
    try:
        entries = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["bundles"]
        found = {entry["key"]: out / entry["path"] for entry in entries}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {key: path for key, path in found.items() if (path / "pagefind-entry.json").is_file()}


def pagefind_binary() -> str:
    """The Pagefind executable shipped in the pagefind[bin] wheel (never downloaded)."""
    try:
        from pagefind.service import _must_get_executable

        return str(_must_get_executable().resolve())
    except (ImportError, FileNotFoundError) as exc:
        raise BriefpressError(
            [
                Problem(
                    "pagefind",
                    None,
                    f"pagefind is not installed ({exc}); pip install 'pagefind[bin]'",
                )
            ]
        ) from None


def pagefind_version() -> str:
    """Part of every bundle key: a new Pagefind rebuilds every bundle."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "unknown"

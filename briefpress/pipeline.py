"""The only module that knows the stage order.

load -> model -> routes -> render -> write -> index; each stage is timed.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .brief import Brief
from .cache import BriefCache, open_cache, save_cache
from .config import SiteConfig, load_config
from .errors import BriefpressError, Problem
from .load import load_briefs
from .model import Site, build_site
from .render import Renderer
from .routes import Route, plan_routes
from .statics import collect_static
from .themes import Theme, load_theme
from .write import SiteWriter, WriteReport, check_output_dir

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called while long stages run."""


@dataclass(frozen=True)
class BuildOptions:
    out: Path | None = None
    """Output folder; default site/ under the site root."""
    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    search: bool = True
    cache: bool = True
    strict: bool = False
    workers: int | None = None
    now: dt.datetime | None = None
    """The clock that decides what is in the future (tests pass a fixed one)."""


@dataclass
class BuildReport:
    site: Site
    routes: list[Route]
    write: WriteReport | None
    out: Path
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


class Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


def read_site(root: Path, options: BuildOptions) -> tuple[SiteConfig, Theme]:
    config = load_config(root)
    if options.base_url:
        config = config.with_base_url(options.base_url)
    return config, load_theme(root, config.theme)


def model_site(
    root: Path,
    config: SiteConfig,
    options: BuildOptions,
    timer: Timer,
    cache: BriefCache | None = None,
) -> tuple[Site, list[Brief], list[Problem]]:
    """Load and model: every problem of the content is gathered, none is raised."""
    with timer.stage("load"):
        briefs, problems = load_briefs(root, config, cache, options.workers)
    with timer.stage("model"):
        site, model_problems = build_site(
            briefs, config, drafts=options.drafts, future=options.future, now=options.now
        )
    return site, briefs, problems + model_problems


def build(root: Path, options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the site under root into its output folder; raise with every problem found."""
    root = root.resolve()
    timer = Timer()
    with timer.stage("config"):
        config, theme = read_site(root, options)
        out = (options.out or root / "site").resolve()
        check_output_dir(root, out, theme.folders)
        cache = open_cache(root, config.fingerprint()) if options.cache else None

    site, _, problems = model_site(root, config, options, timer, cache)
    with timer.stage("routes"):
        routes, route_problems = plan_routes(site, options.search)
    problems += route_problems
    warnings = content_warnings(site)
    if options.strict:
        problems += warnings
    if problems:
        raise BriefpressError(problems)

    writer = SiteWriter(out)
    try:
        render_problems: list[Problem] = []
        renderer = Renderer(site, theme, root, options.search)
        with timer.stage("render+write"):
            total = len(routes)
            for done, (route, data) in enumerate(renderer.render_all(routes, render_problems), 1):
                writer.add(route.output, data)
                if progress and done % 250 == 0:
                    progress("render", done, total)
            if render_problems:
                raise BriefpressError(render_problems)
            for relpath, source in collect_static(root, theme, routes):
                writer.add_file(relpath, source)
        if options.search:
            from .index import index_site

            with timer.stage("index"):
                index_site(writer.temp, config, progress)
        with timer.stage("swap"):
            report = writer.commit()
    except BaseException:
        writer.abort()
        raise
    if cache is not None:
        with timer.stage("cache"):
            save_cache(root, cache)
    return BuildReport(site, routes, report, out, timer.timings, warnings)


def content_warnings(site: Site) -> list[Problem]:
    """Things that build but are probably mistakes; `--strict` makes them errors."""
    warnings = []
    for slug in site.config.tag_names:
        if slug not in site.tags:
            warnings.append(
                Problem("site.yaml", None, f"tag_names: no brief uses a tag with slug '{slug}'")
            )
    for brief in site.briefs:
        if not brief.tags:
            warnings.append(Problem(brief.source, 1, "brief has no tags"))
    return warnings


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

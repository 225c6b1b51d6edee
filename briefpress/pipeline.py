"""The only module that knows the stage order.

load -> model -> routes -> render -> write -> index; each stage is timed.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .brief import Brief
from .cache import BriefCache, open_cache, save_cache
from .config import CONFIG_FILE, SiteConfig, read_config, tag_name_lines
from .errors import BriefpressError, Problem
from .load import load_briefs, require_site
from .model import Site, build_site, related_lookup, related_positions
from .parallel import Forked, available_cpus, count_done, fork_map
from .routes import OPTIONAL, Route, plan_routes
from .statics import collect_static, drop_replaced
from .themes import Theme, load_theme
from .write import (
    Manifest,
    SiteWriter,
    WriteReport,
    check_output_dir,
    file_digest,
    read_manifest,
)

if TYPE_CHECKING:
    from .render import Renderer  # Jinja is imported only by builds that render

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
    """Empty when nothing changed since the last build (nothing was planned or written)."""
    write: WriteReport | None
    out: Path
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    pages: int = 0
    """HTML pages of the site."""

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
    """Settings and theme; raise with every problem of the settings (serve shows them)."""
    config, theme, problems = read_settings(root, options)
    if problems:
        raise BriefpressError(problems)
    return config, theme


def read_settings(root: Path, options: BuildOptions) -> tuple[SiteConfig, Theme, list[Problem]]:
    """Settings, theme and the problems of site.yaml that do not stop the content from being
    read (a wrong setting is left at its default): a build lists them with the content's."""
    config, problems = read_config(root)
    if options.base_url:
        config = config.with_base_url(options.base_url)
    try:
        return config, load_theme(root, config.theme), problems
    except BriefpressError as exc:
        raise BriefpressError([*problems, *exc.problems]) from None


def model_site(
    root: Path,
    config: SiteConfig,
    options: BuildOptions,
    timer: Timer,
    cache: BriefCache | None = None,
    progress: Progress | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[Site, list[Brief], list[Problem]]:
    """Load and model: every problem of the content is gathered, none is raised.
    `meanwhile()`: work for this process while forked workers parse, if they do."""
    with timer.stage("load"):
        briefs, problems = load_briefs(
            root, config, cache, options.workers, progress, meanwhile
        )
        # What is loaded lives as long as the command: out of the collector's sight, so
        # the many objects that model, routes and render make do not set off collections
        # that go over every brief again and again (a tenth of those stages).
        gc.freeze()
    site, model_problems = model_briefs(briefs, config, options, timer)
    return site, briefs, problems + model_problems


def model_briefs(
    briefs: Iterable[Brief], config: SiteConfig, options: BuildOptions, timer: Timer
) -> tuple[Site, list[Problem]]:
    """The published site from parsed briefs, as the options (drafts, future, now) want it."""
    with timer.stage("model"):
        return build_site(
            briefs, config, drafts=options.drafts, future=options.future, now=options.now
        )


def plan_site(
    root: Path,
    config: SiteConfig,
    theme: Theme,
    options: BuildOptions,
    timer: Timer,
    cache: BriefCache | None = None,
) -> tuple[Site, list[Route], list[Problem], list[Problem]]:
    """Load, model and route: (site, routes, problems, warnings); `strict` counts warnings."""
    site, _, problems = model_site(root, config, options, timer, cache)
    routes, route_problems, warnings = route_site(site, theme, options, timer, root)
    return site, routes, problems + route_problems, warnings


def route_site(
    site: Site,
    theme: Theme,
    options: BuildOptions,
    timer: Timer,
    root: Path | None = None,
    fork: bool = False,
) -> tuple[list[Route], list[Problem], list[Problem]]:
    """Every page of a modelled site: (routes, problems, warnings); `strict` counts warnings.

    With `fork` (a build's one planning; serve plans again and again in its threads), a
    big site's related briefs are worked out in a forked process while this one plans the
    list pages: a third of the routes stage, which otherwise keeps the other core idle.
    """
    with timer.stage("routes"):
        shown = frozenset(name for name in OPTIONAL if theme.mentions(name))
        workers = options.workers or available_cpus()
        forked, related = None, None
        if fork and "related" in shown and len(site.briefs) >= FORK_RELATED_FROM and workers > 1:
            site.tag_masks, site.instants  # noqa: B018 (made once, here, for both processes)
            count = len(site.briefs)
            split = count // RELATED_HERE
            forked = Forked(partial(related_positions, site, split, count))
            related = related_lookup(
                site, lambda: related_positions(site, 0, split) + forked.result()
            )
        try:
            routes, problems = plan_routes(
                site, options.search, theme.lists_show_bodies, shown, related
            )
        finally:
            if forked:
                forked.discard()
    warnings = content_warnings(site, root)
    return routes, problems + (warnings if options.strict else []), warnings


@dataclass(frozen=True)
class Validation:
    """What `check` learns from a build that writes nothing."""

    site: Site
    theme: Theme
    routes: list[Route]
    problems: list[Problem]
    warnings: list[Problem]


def validate(root: Path, options: BuildOptions) -> Validation:
    """Every stage of a build but writing: pages are rendered in memory, no cache is used."""
    root = root.resolve()
    timer = Timer()
    config, theme, problems = read_settings(root, options)
    site, routes, found, warnings = plan_site(root, config, theme, options, timer)
    problems += found
    from .render import Renderer

    renderer = Renderer(site, theme, root, options.search)
    for _ in renderer.render_all(routes, problems):
        pass  # rendering is the check; the bytes are not needed
    return Validation(site, theme, routes, problems, warnings)


def build(root: Path, options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the site under root into its output folder; raise with every problem found."""
    root = root.resolve()
    require_site(root)
    timer = Timer()
    with timer.stage("config"):
        config, theme, config_problems = read_settings(root, options)
        out = (options.out or root / "site").resolve()
        check_output_dir(root, out, theme.folders)
        cache = open_cache(root, config.fingerprint()) if options.cache else None

    # While workers parse (a big first build), this process compiles the theme, which
    # rendering would otherwise do with the other core idle (Jinja's import included).
    early: list[Renderer] = []
    compile_theme = partial(_compile_theme, early, config, theme, root, options.search)
    site, _, problems = model_site(root, config, options, timer, cache, progress, compile_theme)
    problems = config_problems + problems
    inputs = inputs_key(root, site, theme, options) if not problems else ""
    previous = read_manifest(out)
    if inputs and previous.inputs == inputs and previous.is_intact(out):
        # Nothing the build reads has changed, so neither would anything it writes.
        if cache is not None:
            save_cache(root, cache)
        pages = sum(1 for path in previous.keys if path.endswith(".html"))
        return BuildReport(site, [], None, out, timer.timings, content_warnings(site, root), pages)
    routes, route_problems, warnings = route_site(site, theme, options, timer, root, fork=True)
    with timer.stage("routes"):
        routes, static_problems = drop_replaced(root, theme, routes)
    problems += route_problems + static_problems
    if problems:
        raise BriefpressError(problems)
    report = write_site(
        root,
        site,
        theme,
        routes,
        out,
        options,
        timer,
        progress,
        previous=previous,
        inputs=inputs,
        renderer=early[0] if early else None,
    )
    if cache is not None:
        with timer.stage("cache"):
            save_cache(root, cache)
    pages = sum(1 for route in routes if route.is_html)
    return BuildReport(site, routes, report, out, timer.timings, warnings, pages)


def _compile_theme(
    into: list[Renderer], config: SiteConfig, theme: Theme, root: Path, search: bool
) -> None:
    """A Renderer with every template compiled, for a site still being loaded (it gets the
    site with use_site); the site-wide constants folded into templates are the config's."""
    from .render import Renderer

    renderer = Renderer(build_site((), config)[0], theme, root, search)
    renderer.prepare()
    into.append(renderer)


def inputs_key(root: Path, site: Site, theme: Theme, options: BuildOptions) -> str:
    """Hash of everything a build reads: settings, theme, flags, the published briefs
    (which already reflect drafts and the clock) and the static files."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(render_fingerprint(site.config, theme, options).encode())
    digest.update(f"{options.drafts}|{options.future}|{options.strict}".encode())
    for brief in site.briefs:
        digest.update(f"\0{brief.source}\0{brief.digest}".encode())
    for relpath, source in collect_static(root, theme, []):
        digest.update(f"\0{relpath}\0{file_digest(source)}".encode())
    return digest.hexdigest()


def write_site(
    root: Path,
    site: Site,
    theme: Theme,
    routes: list[Route],
    out: Path,
    options: BuildOptions,
    timer: Timer,
    progress: Progress | None = None,
    *,
    index: bool = True,
    previous: Manifest | None = None,
    inputs: str = "",
    renderer: Renderer | None = None,
) -> WriteReport:
    """Render, copy static files, index and swap in: every stage after planning.

    serve passes `index=False` (it indexes in the background) and `previous`, what it
    knows of its folder, which it updates in place between full builds.
    """
    workers = options.workers or available_cpus()
    writer = SiteWriter(out, render_fingerprint(site.config, theme, options), previous, inputs)
    try:
        statics = [(rel, src, file_digest(src)) for rel, src in collect_static(root, theme, routes)]
        pages = {route.output: route.key for route in routes}
        if writer.is_current(pages, {rel: digest for rel, _, digest in statics}):
            writer.abort()  # the output already is this build: leave it as it is
            writer.record_inputs()
            return WriteReport(files=dict(writer.previous.files), keys=pages)
        if renderer is None:
            from .render import Renderer  # here: a build that finds nothing changed needs no Jinja

            renderer = Renderer(site, theme, root, options.search)
        else:
            renderer.use_site(site)
        with timer.stage("render+write"):
            render_problems = render_and_write(routes, renderer, writer, workers, progress)
            if render_problems:
                raise BriefpressError(render_problems)
            for relpath, source, digest in statics:
                writer.add_file(relpath, source, digest)
        if options.search and index:
            from .index import index_site

            with timer.stage("index"):
                index_site(
                    writer.temp,
                    routes,
                    site.config,
                    fingerprint=writer.fingerprint,
                    previous=out,
                    workers=workers,
                    progress=progress,
                )
        with timer.stage("swap"):
            return writer.commit()
    except BaseException:
        writer.abort()
        raise


def render_and_write(
    routes: list[Route],
    renderer: Renderer,
    writer: SiteWriter,
    workers: int,
    progress: Progress | None = None,
) -> list[Problem]:
    """Render every route whose page may have changed and add it to the writer.

    Pages whose route key is the same as in the current output are linked, not rendered.
    Large builds render the list pages in this process while forked workers that share the
    loaded site render the briefs' own pages, which this process then helps with: a list
    page touches every brief it shows, and a worker that touches a brief (even to read
    it) copies the memory it lives in. The Atom feeds (a few dozen briefs each) come last
    in the workers' queue: a theme whose brief pages are quick leaves a worker free for
    them while this process still renders lists.
    """
    todo = [route for route in routes if not writer.reuse(route.output, route.key)]
    renderer.prepare()
    lists = [route for route in todo if route.template != "brief.html"]
    pages = [route for route in todo if route.template == "brief.html"]
    if len(todo) < PARALLEL_RENDER_FROM:
        workers = 1
    size = max(1, min(RENDER_CHUNK, -(-len(pages) // (workers * 4))))  # to end together
    chunks = [pages[i : i + size] for i in range(0, len(pages), size)]  # runs of neighbours
    feeds = [route for route in lists if route.template == "atom"]
    if feeds and workers > 1:  # first in the workers' queue, as one (they share entries)
        lists = [route for route in lists if route.template != "atom"]
        chunks.insert(0, feeds)
    problems: list[Problem] = []
    done = count_done([*chunks, lists], partial(progress, "render") if progress else None)

    def render(
        chunk: list[Route], into: SiteWriter, poll: Callable[[], None] = lambda: None
    ) -> list[Problem]:
        found: list[Problem] = []
        for route, data in renderer.render_all(chunk, found):
            into.add(route.output, data, route.key)
            poll()
        return found

    def render_chunk(chunk: list[Route]) -> tuple[WriteReport, list[Problem]]:
        part = writer.fork()
        return part.report, render(chunk, part)

    def render_lists(poll: Callable[[], None]) -> None:
        problems.extend(render(lists, writer, poll))
        if done:
            done(len(chunks))  # the lists count as the last chunk

    results = fork_map(render_chunk, chunks, workers, done, render_lists)
    for part, found in results:
        writer.report.merge(part)
        problems += found
    return sorted(set(problems))


FORK_RELATED_FROM = 2000
"""From this many briefs, related briefs are worked out in a forked process (route_site)."""
RELATED_HERE = 5
"""...but for a fifth of them, done here after the list pages, so both processes end
together (the list pages take this process about half as long as related briefs)."""

RENDER_CHUNK = 250
"""Brief pages a worker takes at a time: small enough for the workers to end together."""

PARALLEL_RENDER_FROM = 300
"""Below this many pages to render, forking workers costs more than it saves."""


def render_fingerprint(config: SiteConfig, theme: Theme, options: BuildOptions) -> str:
    """Everything besides a route's own key that shapes its page: settings, theme, flags."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}|{config.fingerprint()}|{options.search}".encode())
    for folder in theme.template_dirs:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def content_warnings(site: Site, root: Path | None = None) -> list[Problem]:
    """Things that build but are probably mistakes; `--strict` makes them errors. With the
    site's root, a warning about site.yaml names the line of the entry."""
    warnings = []
    unused = [slug for slug in site.config.tag_names if slug not in site.tags]
    lines = tag_name_lines(root) if unused and root is not None else {}
    for slug in unused:
        message = f"tag_names: no brief uses a tag with slug '{slug}'"
        warnings.append(Problem(CONFIG_FILE, lines.get(slug), message))
    for brief in site.briefs:
        if not brief.tags:
            warnings.append(Problem(brief.source, 1, "brief has no tags"))
    return warnings

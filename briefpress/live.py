"""serve's incremental rebuilder: the last good build kept in memory, brought up to date.

A content change re-reads only the briefs that changed, models and routes the whole
site again (pure functions over what is in memory) and re-renders only the routes whose
key is new or changed: a key changes whenever anything its page shows does (see
routes.Route.key). Pages are written in place into serve's private folder, each
atomically. Settings, theme and templates change what every page looks like, so a
change to them rebuilds everything through the same write_site() a build uses
(unchanged files are linked, not rewritten).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

from .brief import Brief
from .cache import open_cache, save_cache
from .config import SiteConfig
from .errors import BriefpressError, Problem
from .load import find_brief_files, load_briefs, parse_file
from .model import Site
from .pipeline import (
    BuildOptions,
    Timer,
    model_briefs,
    read_site,
    render_fingerprint,
    route_site,
    write_site,
)
from .render import Renderer
from .routes import Route
from .statics import REPLACEABLE, collect_static, drop_replaced
from .themes import Theme
from .urls import PAGEFIND_DIR
from .watch import Changes
from .write import Manifest, content_digest, file_digest


@dataclass(frozen=True)
class Update:
    """What one rebuild did: the pages browsers should reload, or the problems to show."""

    urls: frozenset[str] = frozenset()
    """Site paths (/2025/08/slug/, /feed.xml) of outputs added, changed or removed."""
    css: bool = False
    """Stylesheets changed: open pages swap them without reloading."""
    problems: tuple[Problem, ...] = ()
    """Every problem the site has now; the output is the last good build while any remain."""
    rendered: frozenset[str] = frozenset()
    """Site paths of the routes rendered (empty after a full rebuild: all were considered)."""
    full: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


class LiveSite:
    """The site in serve: parsed briefs by file, the routes and files of the output folder."""

    def __init__(self, root: Path, out: Path, options: BuildOptions) -> None:
        self.root = root.resolve()
        self.out = out
        self.options = options
        self.config: SiteConfig | None = None
        """None until settings and theme have been read without a problem."""
        self._theme: Theme | None = None
        self._fingerprint = ""
        self._renderer: Renderer | None = None
        """Kept between rebuilds: compiling the templates costs more than most edits."""
        self._briefs: dict[str, Brief] = {}
        self._unreadable: dict[str, list[Problem]] = {}
        """Problems of the brief files that did not parse, by file."""
        self._routes: list[Route] = []
        self._site: Site | None = None
        """The last site modelled: body-only edits render against it (see _publish_bodies)."""
        self._output = Manifest()
        """Fingerprint, file digests and route keys of what the output folder holds."""
        self._statics: set[str] = set()
        self._problems: tuple[Problem, ...] = ()
        """What the last rebuild found wrong: shown until a rebuild finds nothing."""
        self._clashed = False
        """A site static file clashed with a generated one: a static change may end it."""
        self._base_path = "/"
        """Where the output's pages are served: the base path of the last settings read
        well, kept once pages are written for it until pages for another are written."""

    @property
    def theme_folders(self) -> tuple[Path, ...]:
        return self._theme.folders if self._theme else ()

    @property
    def routes(self) -> list[Route]:
        """The routes of the output folder (the search indexer reads them)."""
        return self._routes

    @property
    def fingerprint(self) -> str:
        """Settings, theme and flags of the output's pages (part of search bundle keys)."""
        return self._fingerprint

    @property
    def base_path(self) -> str:
        """The mount point of the output folder: a broken site.yaml keeps the last good build
        where its links point, and so does a new base_url until a build for it is written."""
        return self._base_path

    def rebuild(self, changes: Changes | None = None) -> Update:
        """Bring the output up to date with `changes`; None (or a settings change): all."""
        if changes is None or changes.full or self.config is None:
            return self._rebuild_all()
        timer = Timer()
        update = Update(problems=self._problems)
        if changes.content or changes.rescan:
            update = self._reread(changes, timer)
        elif self._clashed or changes.static & REPLACEABLE:
            # The site's robots.txt (404.html, .nojekyll) came or went, so the generated one
            # goes or comes back; or the change may end a clash, and the edits it held back
            # are published: the whole site is planned again.
            update = self._publish(timer, full=False)
        if not changes.static:
            return update
        try:
            with timer.stage("static"):
                copied = self._sync_static()
        except BriefpressError as exc:  # a new clash with a generated file: nothing copied
            self._clashed = True
            self._problems = tuple(BriefpressError([*update.problems, *exc.problems]).problems)
            return Update(problems=self._problems, timings=timer.timings)
        css = changes.css_only and bool(copied)
        # Any page may show a static file (an image, a script): all reload ("*"); the
        # files themselves are listed too, so the terminal counts them.
        urls = update.urls if css or not copied else update.urls | _urls_of(copied) | {"*"}
        return replace(update, urls=urls, css=css, timings=timer.timings)

    def _rebuild_all(self) -> Update:
        timer = Timer()
        try:
            with timer.stage("config"):
                config, theme = read_site(self.root, self.options)
                fingerprint = render_fingerprint(config, theme, self.options)
        except BriefpressError as exc:
            self.config = None
            self._problems = tuple(exc.problems)
            return Update(problems=self._problems, full=True, timings=timer.timings)
        if not self._output.files:  # nothing written yet: serve where these settings say
            self._base_path = config.base_path
        with timer.stage("load"):
            cache = open_cache(self.root, config.fingerprint())
            briefs, problems = load_briefs(self.root, config, cache, self.options.workers)
            save_cache(self.root, cache)
        self.config, self._theme, self._fingerprint = config, theme, fingerprint
        self._renderer = None
        self._briefs = {brief.source: brief for brief in briefs}
        self._unreadable = defaultdict(list)
        for problem in problems:
            self._unreadable[problem.path].append(problem)
        return self._publish(timer, full=True)

    def _reread(self, changes: Changes, timer: Timer) -> Update:
        """Parse the brief files that changed, forget deleted ones, then publish."""
        assert self.config is not None
        sources = set(changes.content)
        if changes.rescan:
            on_disk = set(find_brief_files(self.root))
            sources |= on_disk.symmetric_difference(self._briefs.keys() | self._unreadable.keys())
        before = {source: self._briefs.get(source) for source in sources}
        calm = not self._problems and not changes.static & REPLACEABLE
        with timer.stage("load"):
            for source in sources:
                self._briefs.pop(source, None)
                self._unreadable.pop(source, None)
                if not (self.root / source).is_file():
                    continue
                brief, problems = parse_file(self.root, source, self.config)
                if brief is not None:
                    self._briefs[source] = brief
                if problems:
                    self._unreadable[source] = problems
        after = {source: self._briefs.get(source) for source in sources}
        if calm and self._bodies_only(before, after):
            edited = {source: brief for source, brief in after.items() if brief is not None}
            return self._publish_bodies(edited, timer)
        return self._publish(timer, full=False)

    def _bodies_only(self, before: dict[str, Brief | None], after: dict[str, Brief | None]) -> bool:
        """True when only bodies changed: every brief is still there, and still shows the
        same everywhere but on its own page and in the feeds (Brief.listing)."""
        if not self._routes or self._output.fingerprint != self._fingerprint:
            return False
        assert self._theme is not None
        if self._theme.lists_show_bodies:
            return False
        return all(
            old is not None and new is not None and old.listing() == new.listing()
            for old, new in ((before[s], after[s]) for s in before)
        )

    def _publish_bodies(self, edited: dict[str, Brief], timer: Timer) -> Update:
        """Body-only edits: re-render the briefs' own pages and the feeds that hold them,
        without modelling and routing the whole site again (milliseconds at 10,000 briefs)."""
        assert self._site is not None and self._theme is not None
        if self._renderer is None:
            self._renderer = Renderer(self._site, self._theme, self.root, self.options.search)
        routes: list[Route] = []
        todo: list[Route] = []
        for route in self._routes:
            if route.template in _BODY_TEMPLATES and edited.keys() & set(route.sources):
                route = _with_briefs(route, edited)
                if route.template != "brief.html" or route.context["brief"].source in edited:
                    todo.append(route)
            routes.append(route)
        problems: list[Problem] = []
        with timer.stage("render"):
            pages = list(self._renderer.render_all(todo, problems))
        if problems:
            self._problems = tuple(problems)
            return Update(problems=self._problems, timings=timer.timings)
        with timer.stage("write"):
            changed = self._write_pages(pages)
        self._routes = routes
        rendered = frozenset(route.url for route, _ in pages)
        return Update(frozenset(changed), rendered=rendered, timings=timer.timings)

    def _publish(self, timer: Timer, full: bool) -> Update:
        """Model and route the site; write what changed unless anything is wrong."""
        assert self.config is not None and self._theme is not None
        site, problems = model_briefs(self._briefs.values(), self.config, self.options, timer)
        self._site = site
        problems += [p for found in self._unreadable.values() for p in found]
        routes, route_problems, _ = route_site(site, self._theme, self.options, timer)
        with timer.stage("routes"):
            routes, clashes = drop_replaced(self.root, self._theme, routes)
        self._clashed = bool(clashes)
        problems += route_problems + clashes
        try:
            if problems:
                raise BriefpressError(problems)
            if self._output.fingerprint == self._fingerprint:
                update = self._write_changed(site, routes, timer, full)
            else:
                update = self._write_all(site, routes, timer)
        except BriefpressError as exc:  # bad content, or a template that fails on it
            update = Update(problems=tuple(exc.problems), full=full, timings=timer.timings)
        self._problems = update.problems
        return update

    def _write_all(self, site: Site, routes: list[Route], timer: Timer) -> Update:
        """Settings or theme changed: every page through the build's own write stage."""
        assert self._theme is not None and self.config is not None
        before = self._output.files
        with _search_index_kept(self.out):
            report = write_site(
                self.root,
                site,
                self._theme,
                routes,
                self.out,
                self.options,
                timer,
                index=False,
                previous=self._output,
            )
        self._routes = routes
        self._output = Manifest(self._fingerprint, report.files, report.keys)
        self._base_path = self.config.base_path
        self._statics = set(report.files) - set(report.keys)
        changed = {
            path
            for path in before.keys() | report.files.keys()
            if before.get(path) != report.files.get(path)
        }
        urls = frozenset(_url_of(path) for path in changed)
        return Update(urls, full=True, timings=timer.timings)

    def _write_changed(self, site: Site, routes: list[Route], timer: Timer, full: bool) -> Update:
        """Render the routes whose key changed, then write the pages whose bytes did."""
        assert self._theme is not None
        keys, files = self._output.keys, self._output.files
        todo = [route for route in routes if keys.get(route.output) != route.key]
        problems: list[Problem] = []
        with timer.stage("render"):
            if self._renderer is None:
                self._renderer = Renderer(site, self._theme, self.root, self.options.search)
            self._renderer.use_site(site)
            pages = list(self._renderer.render_all(todo, problems))
        if problems:
            raise BriefpressError(problems)
        with timer.stage("write"):
            changed = self._write_pages(pages)
            outputs = {route.output for route in routes}
            for output in keys.keys() - outputs:
                _remove(self.out, output)
                del keys[output], files[output]
                changed.add(_url_of(output))
            moved = outputs != {route.output for route in self._routes}
            self._routes = routes
            # A page may now hide a static file, or uncover one; and a full rebuild (a new
            # static/ folder, say, whose files came with no events of their own) looks at all.
            if moved or full:
                changed |= _urls_of(self._sync_static())
        rendered = frozenset(route.url for route, _ in pages)
        return Update(frozenset(changed), rendered=rendered, full=full, timings=timer.timings)

    def _write_pages(self, pages: list[tuple[Route, bytes]]) -> set[str]:
        """Write the rendered pages whose bytes changed, each atomically: their URLs."""
        keys, files = self._output.keys, self._output.files
        changed: set[str] = set()
        for route, data in pages:
            digest = content_digest(data)
            keys[route.output] = route.key
            if files.get(route.output) != digest:
                _replace(self.out / route.output, data)
                files[route.output] = digest
                changed.add(route.url)
        return changed

    def _sync_static(self) -> set[str]:
        """Copy the static files that are new or changed, delete those gone: their paths."""
        assert self._theme is not None
        files = self._output.files
        wanted = dict(collect_static(self.root, self._theme, self._routes))
        changed: set[str] = set()
        for relpath, source in wanted.items():
            digest = file_digest(source)
            if files.get(relpath) != digest:
                _replace(self.out / relpath, source.read_bytes())
                files[relpath] = digest
                changed.add(relpath)
        for relpath in self._statics - wanted.keys() - self._output.keys.keys():
            _remove(self.out, relpath)
            files.pop(relpath, None)
            changed.add(relpath)
        self._statics = set(wanted)
        return changed


@contextmanager
def _search_index_kept(out: Path) -> Iterator[None]:
    """Carry the search bundles over a full rebuild, which swaps in a new folder: the
    indexer then re-indexes only the bundles whose pages changed, not the whole site."""
    held = out.parent / "search-held"
    bundles = sorted(out.glob(f"{PAGEFIND_DIR}*")) if out.is_dir() else []
    for bundle in bundles:
        held.mkdir(exist_ok=True)
        bundle.rename(held / bundle.name)
    try:
        yield
    finally:
        for bundle in bundles:
            with suppress(OSError):  # the indexer may have replaced it meanwhile
                (held / bundle.name).rename(out / bundle.name)
        shutil.rmtree(held, ignore_errors=True)


_BODY_TEMPLATES = frozenset({"brief.html", "atom", "jsonfeed"})
"""The pages that show a brief's body: its own page and the feeds."""


def _with_briefs(route: Route, edited: dict[str, Brief]) -> Route:
    """The route with the edited briefs in its context, and a key that says so."""

    def swap(value: object) -> object:
        if isinstance(value, Brief):
            return edited.get(value.source, value)
        if isinstance(value, tuple | list) and value and isinstance(value[0], Brief):
            return type(value)(edited.get(b.source, b) for b in value)
        return value

    context = {name: swap(value) for name, value in route.context.items()}
    digests = "".join(edited[s].digest for s in route.sources if s in edited)
    key = hashlib.blake2b(f"{route.key}{digests}".encode(), digest_size=12).hexdigest()
    return replace(route, context=context, key=key)


def _url_of(output: str) -> str:
    """The site path of an output file: a/index.html -> /a/ (Route.output in reverse)."""
    if output == "index.html" or output.endswith("/index.html"):
        output = output[: -len("index.html")]
    return "/" + output


def _urls_of(outputs: set[str]) -> frozenset[str]:
    return frozenset(_url_of(output) for output in outputs)


def _replace(target: Path, data: bytes) -> None:
    """Write one file atomically: a reader (a request, the search indexer) sees old or new."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    os.replace(temp, target)


def _remove(out: Path, relpath: str) -> None:
    """Delete an output file and the folders it leaves empty (never `out` itself)."""
    target = out / relpath
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != out and folder.is_relative_to(out) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent

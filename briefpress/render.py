"""Stage 4, render: Route -> bytes, with one Jinja environment for the whole build
(templating makes it)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import jinja2

from .errors import Problem
from .feeds import render_atom, render_json_feed, render_robots, render_sitemap
from .model import Site
from .routes import Route
from .templating import MacroCache, make_environment
from .themes import Theme

Rendered = tuple[Route, bytes]


class Renderer:
    """Renders routes of one site with one theme; remembers which templates failed."""

    def __init__(self, site: Site, theme: Theme, root: Path, search: bool = True) -> None:
        self.site = site
        self.root = root
        self.search = search
        self.env = make_environment(site, theme, search)
        self.env.globals["cached"] = self.cached = MacroCache()
        self.env.plain_helpers.add(self.cached)
        self.atom_entries: dict[str, bytes] = {}
        """Each brief's Atom <entry>, made once for all the feeds it is in."""
        self._builtin: dict[str, Callable[[Route], str | bytes]] = {
            "atom": lambda r: render_atom(self.site, r.url, r.context, self.atom_entries),
            "jsonfeed": lambda r: render_json_feed(self.site, r.url, r.context),
            "sitemap": lambda r: render_sitemap(self.site, r.url, r.context),
            "robots": lambda r: render_robots(self.site.config),
            "text": lambda r: str(r.context["text"]),
        }

    def use_site(self, site: Site) -> None:
        """Render a new Site of the same settings with the templates already compiled (serve)."""
        self.site = site
        self.env.set_global("site", site)
        self.cached.clear()  # cached pieces show the old site
        self.atom_entries.clear()

    def prepare(self) -> None:
        """Compile every template now, so forked workers share them instead of compiling each."""
        for name in self.env.list_templates(extensions=["html"]):
            with contextlib.suppress(jinja2.TemplateError):  # reported when a page uses it
                self.env.get_template(name)

    def render(self, route: Route) -> bytes:
        """The bytes of one page; raises jinja2 errors for the caller to report."""
        builtin = self._builtin.get(route.template)
        if builtin is not None:
            made = builtin(route)
            return made if isinstance(made, bytes) else made.encode()
        template = self.env.get_template(route.template)
        html = template.render(route.context, page_url=route.url)
        return html.encode()

    def render_all(self, routes: Iterable[Route], problems: list[Problem]) -> Iterator[Rendered]:
        """Render each route; template errors become problems (once per template)."""
        failed: set[str] = set()
        for route in routes:
            if route.template in failed:
                continue
            try:
                yield route, self.render(route)
            except Exception as exc:  # a template bug of any kind is a problem in that template
                failed.add(route.template)
                problems.append(template_problem(exc, self.root, route))


def template_problem(exc: Exception, root: Path, route: Route) -> Problem:
    """path:line of a template error, from Jinja's syntax error or its rewritten traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(_shown(exc.filename, root), exc.lineno, f"template error: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Problem("themes", None, f"template '{exc.name}' not found (needed for {route.url})")
    filename, line = None, None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt", ".j2")):
            filename, line = name, tb.tb_lineno
        tb = tb.tb_next
    return Problem(
        _shown(filename, root) if filename else route.template,
        line,
        f"template error while rendering {route.url}: {exc}",
    )


def _shown(filename: str | None, root: Path) -> str:
    if not filename:
        return "themes"
    path = Path(filename).resolve()
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        parts = path.parts
        if "themes" in parts:
            return "/".join(parts[parts.index("themes") :])
        return str(path)

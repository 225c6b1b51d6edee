"""Static files: the theme's and the site's static/ folders, copied to the output root."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .config import CONFIG_FILE
from .errors import BriefpressError, Problem
from .routes import Route
from .themes import Theme
from .urls import is_search_path

SITE_STATIC = "static"

REPLACEABLE = frozenset({"robots.txt", "404.html", ".nojekyll"})
"""Generated files that a file of the site's own static/ replaces: a hand-written
robots.txt or 404 page is what users of Hugo, Pelican and Eleventy keep in static/."""


def collect_static(root: Path, theme: Theme, routes: list[Route]) -> list[tuple[str, Path]]:
    """(output path, source file) for every static file to copy; raises with every site
    static file that clashes with a generated one (see plan_static)."""
    files, problems = plan_static(root, theme, routes)
    if problems:
        raise BriefpressError(problems)
    return files


def drop_replaced(
    root: Path, theme: Theme, routes: list[Route]
) -> tuple[list[Route], list[Problem]]:
    """The routes left to render once the site's own static files have replaced theirs
    (REPLACEABLE), and the problems of site static files that clash with generated ones:
    found while planning, so a build lists them with the content's and writes nothing,
    and serve never renders a page over the file that replaces it."""
    files, problems = plan_static(root, theme, routes)
    site = root / SITE_STATIC
    replaced = {f"/{rel}" for rel, path in files if rel in REPLACEABLE and path.parent == site}
    if replaced:  # top-level files: their URL is their path
        routes = [route for route in routes if route.url not in replaced]
    return routes, problems


def plan_static(
    root: Path, theme: Theme, routes: list[Route]
) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """The static files to copy, sorted, and the site's that clash with generated files.

    The site's files win over the theme's and a child theme's over its parent's. A
    rendered page wins over a theme file (a theme cannot know a site's pages), and over
    a site file too, except for REPLACEABLE ones; such a clash is a problem, never a
    silent choice: the site's file would not be published. A static/CNAME is fine when
    it names the domain of `cname`, and a problem (on the line of `cname`) when not.
    """
    by_url = {route.url: route for route in routes}
    chosen: dict[str, Path] = {}
    problems: list[Problem] = []
    site_folder = root / SITE_STATIC
    for folder in [site_folder, *theme.static_dirs]:
        if not folder.is_dir():
            continue
        for relpath, path in _walk(folder):
            if is_search_path(relpath):
                if routes:  # (alone, for a hash of the inputs: reported by the build's plan)
                    problems.append(_in_search_folder(root, relpath, path))
                continue
            route = _route_at(by_url, relpath)
            if route is None:
                chosen.setdefault(relpath, path)
            elif folder == site_folder:
                if relpath in REPLACEABLE:
                    chosen[relpath] = path
                else:
                    problems += _clash(root, relpath, path, route)
    problems += _folder_clashes(routes, chosen, site_folder)
    return sorted(chosen.items()), problems


def _folder_clashes(
    routes: list[Route], chosen: dict[str, Path], site_folder: Path
) -> list[Problem]:
    """Pages and files that need a folder where the build writes a file: a brief with
    `slug: feed.xml` under `permalink: /{slug}/` (feed.xml/index.html beside feed.xml),
    `slug: index.html` (2025/01/index.html/ beside the month page), a site file `static/css`
    beside the theme's css/style.css. Writing them would fail half-way; found here, they
    are problems the build lists with the others before it writes anything.

    Without routes (the static files listed alone, for a hash of the inputs) nothing is
    looked for: every build plans its static files with its routes too, and reports then."""
    if not routes:
        return []
    files: dict[str, Route | Path] = {route.output: route for route in routes}
    for relpath, path in chosen.items():
        files.setdefault(relpath, path)
    problems: dict[tuple[str, str], Problem] = {}
    clear: set[str] = set()  # folders known to be no file, with all their ancestors
    for output, owner in files.items():
        folder = output.rpartition("/")[0]
        while folder and folder not in clear:
            other = files.get(folder)
            if other is not None:
                problem = _folder_clash(output, owner, folder, other, site_folder)
                problems.setdefault((problem.path, folder), problem)  # once per file, folder
                break
            clear.add(folder)
            folder = folder.rpartition("/")[0]
    return list(problems.values())


def _folder_clash(
    output: str, owner: Route | Path, folder: str, other: Route | Path, site_folder: Path
) -> Problem:
    """The problem of `owner` (writing `output`) that needs `folder`, which `other` writes
    as a file: told in the terms of a brief or a site static file when one of them is."""
    for mine, theirs in ((owner, other), (other, owner)):
        if isinstance(mine, Route) and mine.template == "brief.html":
            what = "file" if isinstance(theirs, Route) else "static file"
            return Problem(
                mine.sources[0],
                1,
                f"URL {mine.url} needs the folder /{folder}/, but the build writes the {what}"
                f" /{folder}: give this brief another `slug:` or change `permalink`",
            )
    for mine in (owner, other):
        if isinstance(mine, Path) and mine.is_relative_to(site_folder):
            shown = f"{SITE_STATIC}/{mine.relative_to(site_folder).as_posix()}"
            return Problem(
                shown,
                None,
                f"/{output} needs the folder /{folder}/, but the build writes the file"
                f" /{folder}: rename or remove one of them",
            )
    return Problem(
        "themes", None, f"/{output} needs the folder /{folder}/, but the build writes a file there"
    )


def _in_search_folder(root: Path, relpath: str, path: Path) -> Problem:
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    folder = relpath.split("/")[0]
    return Problem(
        shown,
        None,
        f"/{relpath} is in /{folder}/, where the search index goes: move the file elsewhere",
    )


def _route_at(by_url: dict[str, Route], relpath: str) -> Route | None:
    """The route whose output is at relpath (Route.output in reverse, a/index.html is /a/):
    looked up by URL, as computing every route's output costs more than the walk."""
    route = by_url.get(f"/{relpath}")
    if route is None and (relpath == "index.html" or relpath.endswith("/index.html")):
        route = by_url.get(f"/{relpath[: -len('index.html')]}")
    return route


def _walk(folder: Path) -> list[tuple[str, Path]]:
    """(path relative to folder, file) for every file under folder, in a stable order."""
    found = []
    for current, dirs, files in os.walk(folder):
        dirs.sort()
        base = Path(current)
        for name in sorted(files):
            found.append(((base / name).relative_to(folder).as_posix(), base / name))
    return found


def _clash(root: Path, relpath: str, path: Path, route: Route) -> list[Problem]:
    """The problem of a site static file at the path of a generated one (none for a
    static/CNAME that says what `cname` says)."""
    shown = f"{SITE_STATIC}/{relpath}"
    if relpath == "CNAME" and route.template == "text":
        cname = str(route.context.get("text", "")).strip()
        written = _text(path).strip()
        if written.lower() == cname.lower():
            return []
        message = (
            f"cname: '{cname}', but {shown} says '{written[:80]}': keep one of them "
            f"(remove {shown} or the cname setting)"
        )
        return [Problem(CONFIG_FILE, _setting_line(root, "cname"), message)]
    *others, last = sorted(REPLACEABLE)
    message = (
        f"the build makes {route.url} itself, so this file would not be published: rename "
        f"or remove it (of the generated files, only {', '.join(others)} and {last} can be "
        f"replaced from {SITE_STATIC}/)"
    )
    return [Problem(shown, None, message)]


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        return f"unreadable: {exc.strerror}"


def _setting_line(root: Path, key: str) -> int | None:
    """The line of a top-level setting in site.yaml, for a message about it."""
    try:
        lines = (root / CONFIG_FILE).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    pattern = re.compile(rf"""(['"]?){re.escape(key)}\1\s*:""")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)

"""Static files: the theme's and the site's static/ folders, copied to the output root."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .routes import Route
from .themes import Theme

SITE_STATIC = "static"


def collect_static(root: Path, theme: Theme, routes: list[Route]) -> Iterator[tuple[str, Path]]:
    """(output path, source file) for every static file; the site's win over the theme's,
    a child theme's over its parent's, and a rendered page over any static file."""
    taken = {r.output for r in routes}
    folders = [root / SITE_STATIC, *theme.static_dirs]
    chosen: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for current, dirs, files in os.walk(folder):
            dirs.sort()
            base = Path(current)
            for name in sorted(files):
                relpath = (base / name).relative_to(folder).as_posix()
                if relpath not in taken:
                    chosen.setdefault(relpath, base / name)
    for relpath in sorted(chosen):
        yield relpath, chosen[relpath]

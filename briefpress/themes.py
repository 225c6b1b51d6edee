"""Find a theme and its parents: template folders and static folders, child first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from .errors import BriefpressError, Problem

THEMES_DIR = "themes"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Theme:
    name: str
    folders: tuple[Path, ...]
    """The theme and its parents, child first: the first folder with a file wins."""

    @property
    def template_dirs(self) -> list[Path]:
        return [f / "templates" for f in self.folders if (f / "templates").is_dir()]

    @cached_property
    def lists_show_bodies(self) -> bool:
        """True when a template other than brief.html prints a body (say, a full-text home
        page): then a body edit changes list pages too, and no shortcut may assume not."""
        return any(
            "body_html" in text
            for path, text in self._templates.items()
            if path.suffix == ".html" and path.name != "brief.html"
        )

    def mentions(self, name: str) -> bool:
        """Whether a template of the theme could read the variable `name`. Templates read
        variables by name only, so a theme that never writes the word cannot: routes
        leave out what no template shows (a minimal theme shows no related briefs)."""
        return name in self._words

    @cached_property
    def _words(self) -> frozenset[str]:
        """Every identifier written in the theme's templates."""
        return frozenset(word for text in self._templates.values() for word in _WORD.findall(text))

    @cached_property
    def _templates(self) -> dict[Path, str]:
        """The text of every file under the theme's templates/ folders, read once."""
        return {
            path: path.read_text(encoding="utf-8", errors="replace")
            for folder in self.template_dirs
            for path in folder.rglob("*")
            if path.is_file()
        }

    @property
    def static_dirs(self) -> list[Path]:
        return [f / "static" for f in self.folders if (f / "static").is_dir()]


def packaged_default_theme() -> Path:
    """The default theme: inside the installed package, or at the repository root in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "themes" / "default"
    if installed.is_dir():
        return installed
    return here.parent / "themes" / "default"


def find_theme_folder(root: Path, name: str) -> Path | None:
    local = root / THEMES_DIR / name
    if local.is_dir():
        return local
    if name == "default":
        return packaged_default_theme()
    return None


def load_theme(root: Path, name: str, line: int | None = None) -> Theme:
    """The theme chain for `name` (`line`: where site.yaml names it); a missing theme or a
    cycle of `extends` is a problem at the line that names the theme."""
    folders: list[Path] = []
    current: str | None = name
    seen: list[str] = []
    named_at: tuple[str, int | None] = ("site.yaml", line)
    while current is not None:
        if current in seen:
            chain = " -> ".join([*seen, current])
            message = f"themes extend each other in a circle: {chain}"
            raise BriefpressError([Problem(*named_at, message)])
        seen.append(current)
        folder = find_theme_folder(root, current)
        if folder is None:
            message = f"theme '{current}' not found: no folder {THEMES_DIR}/{current}/"
            raise BriefpressError([Problem(*named_at, message)])
        folders.append(folder)
        current, line = _parent_of(folder, root)
        named_at = (_shown(folder / "theme.yaml", root), line)
    return Theme(name, tuple(folders))


def _parent_of(folder: Path, root: Path) -> tuple[str | None, int | None]:
    """The theme `folder` extends, if any, and the line of theme.yaml that says so."""
    manifest = folder / "theme.yaml"
    if not manifest.is_file():
        return None, None
    shown = _shown(manifest, root)
    try:
        loader = yaml.SafeLoader(manifest.read_text(encoding="utf-8"))
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BriefpressError(
            [Problem(shown, mark.line + 1 if mark else None, f"invalid theme.yaml: {exc}")]
        ) from None
    if data is None:
        return None, None
    if not isinstance(data, dict) or not isinstance(data.get("extends", ""), str):
        raise BriefpressError([Problem(shown, 1, "theme.yaml: expected `extends: THEME`")])
    assert isinstance(node, yaml.MappingNode)  # the data is a dict
    lines = {key.value: key.start_mark.line + 1 for key, _ in node.value}
    return data.get("extends") or None, lines.get("extends")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)

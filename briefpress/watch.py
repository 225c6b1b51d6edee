"""File events for serve: watchdog marks paths dirty, a batch is taken once writes settle.

Editors save in several steps (a temp file, a rename, a metadata touch), so one save is
several events: they are collected until none has come for `quiet` seconds, then
classified (Zola's way) into what a rebuild has to do: re-read some briefs, copy some
static files, or rebuild everything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from .config import CONFIG_FILE
from .load import CONTENT_DIR
from .statics import SITE_STATIC
from .themes import THEMES_DIR

QUIET_SECONDS = 0.05
"""How long no event may arrive before a batch counts as one save."""

_IGNORED_EVENTS = {"opened", "closed_no_write"}
"""Reading a file is no change (and the build itself reads every brief)."""


@dataclass(frozen=True)
class Event:
    path: Path
    is_directory: bool


@dataclass(frozen=True)
class Changes:
    """What a batch of file events asks the rebuild to do."""

    content: frozenset[str] = frozenset()
    """Brief files, relative to the site root, that were created, changed or deleted."""
    rescan: bool = False
    """A folder under content/ was moved or deleted: compare the brief files on disk."""
    static: frozenset[str] = frozenset()
    """Static files, relative to their static folder, that were created, changed or deleted."""
    full: bool = False
    """site.yaml, a template, a theme.yaml or a watched folder itself changed."""

    @property
    def css_only(self) -> bool:
        """Only stylesheets changed: browsers can swap them without reloading."""
        return (
            bool(self.static)
            and all(name.endswith(".css") for name in self.static)
            and not (self.content or self.rescan or self.full)
        )

    def __bool__(self) -> bool:
        return bool(self.content or self.rescan or self.static or self.full)


def classify(root: Path, theme_folders: Iterable[Path], events: Iterable[Event]) -> Changes:
    """Sort events by what they touch; anything outside the watched places is ignored."""
    root = root.resolve()
    themes = [folder.resolve() for folder in theme_folders]
    content: set[str] = set()
    static: set[str] = set()
    rescan = full = False
    for event in events:
        path = event.path
        if path == root / CONFIG_FILE or path in _top_folders(root):
            full = True
        elif path.is_relative_to(root / CONTENT_DIR):
            relpath = path.relative_to(root).as_posix()
            if event.is_directory:
                rescan = True
            elif path.suffix == ".md" and not any(p.startswith(".") for p in path.parts):
                content.add(relpath)
        elif path.is_relative_to(root / SITE_STATIC):
            static.add(path.relative_to(root / SITE_STATIC).as_posix())
        else:
            folder = next((f for f in themes if path.is_relative_to(f)), None)
            if folder is None:
                continue
            inside = path.relative_to(folder)
            if inside.parts[:1] == ("static",) and len(inside.parts) > 1:
                static.add(inside.relative_to("static").as_posix())
            elif inside.parts[:1] == ("templates",) or inside.name == "theme.yaml":
                full = True
    return Changes(frozenset(content), rescan, frozenset(static), full)


def _top_folders(root: Path) -> list[Path]:
    return [root / CONTENT_DIR, root / SITE_STATIC, root / THEMES_DIR]


class Watcher(FileSystemEventHandler):
    """Watches content/, static/, themes/ and site.yaml; hands out batches of events."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._events: list[Event] = []
        self._last = 0.0
        self._changed = threading.Condition()
        self._observer = Observer()
        self._observer.daemon = True
        self._observer.schedule(self, str(self.root), recursive=False)
        self._watches: dict[Path, ObservedWatch] = {}
        """The watched folders among content/, static/, themes/ (the root's watch sees them
        come and go, not what happens inside them)."""
        for folder in _top_folders(self.root):
            if folder.is_dir():
                self._watch(folder)

    def start(self) -> None:
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=2)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _IGNORED_EVENTS:
            return
        paths = [Path(_text(p)) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if event.is_directory:
            kind, tops = event.event_type, _top_folders(self.root)
            if kind in ("deleted", "moved") and paths[0] in tops:
                self._unwatch(paths[0])  # a moved folder's watch would report it by the old name
            if kind in ("created", "moved") and paths[-1] in tops:
                # Files that land before the watch does come with no event: the full rebuild
                # this event asks for finds them, and the watch reports every later one.
                self._watch(paths[-1])
            elif kind == "created":
                return  # files moved or written into a new folder have events of their own
            elif kind == "modified":
                return  # a folder "changes" whenever a file in it does
        with self._changed:
            for path in paths:
                self._events.append(Event(path, event.is_directory))
            self._last = time.monotonic()
            self._changed.notify_all()

    def _watch(self, folder: Path) -> None:
        """Watch a top folder afresh: one deleted and made again needs a new watch (the old
        one stopped with its folder, and watchdog would reuse it for the same path)."""
        self._unwatch(folder)
        self._watches[folder] = self._observer.schedule(self, str(folder), recursive=True)

    def _unwatch(self, folder: Path) -> None:
        watch = self._watches.pop(folder, None)
        if watch is not None:
            with suppress(KeyError):  # already gone with the observer
                self._observer.unschedule(watch)

    def take(self, quiet: float = QUIET_SECONDS, timeout: float = 0.5) -> list[Event]:
        """The events of one save, once none came for `quiet` seconds; [] after `timeout`.

        The timeout keeps the caller's loop responsive to Ctrl-C.
        """
        with self._changed:
            if not self._events:
                self._changed.wait(timeout)
                if not self._events:
                    return []
            while (remaining := self._last + quiet - time.monotonic()) > 0:
                self._changed.wait(remaining)
            events, self._events = self._events, []
            return events


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path

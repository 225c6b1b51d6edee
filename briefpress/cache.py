"""The build cache in .briefpress-cache/: parsed briefs keyed by file stat and settings."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from . import __version__
from .brief import Brief

CACHE_DIR = ".briefpress-cache"
_BRIEFS_FILE = "briefs.pickle"


@dataclass
class BriefCache:
    """Parsed briefs from the last build; an entry counts only while the file's
    size and mtime are the same and the settings that shape parsing are too."""

    key: str
    entries: dict[str, tuple[int, int, Any]] = field(default_factory=dict)
    changed: bool = False

    def get(self, root: Path, source: str) -> Any | None:
        entry = self.entries.get(source)
        if entry is None:
            return None
        try:
            stat = os.stat(f"{root}/{source}")  # not pathlib nor join: 10,000 calls a build
        except OSError:
            return None
        if (stat.st_size, stat.st_mtime_ns) != entry[:2]:
            return None
        return entry[2]

    def put(self, root: Path, source: str, brief: Any) -> None:
        try:
            stat = os.stat(f"{root}/{source}")  # as in get(): once a brief on a first build
        except OSError:
            return
        self.entries[source] = (stat.st_size, stat.st_mtime_ns, brief)
        self.changed = True

    def forget_missing(self, sources: list[str]) -> None:
        present = set(sources)
        for source in [s for s in self.entries if s not in present]:
            del self.entries[source]
            self.changed = True


def cache_key(config_fingerprint: str) -> str:
    """Everything besides the file itself that changes a parsed brief, and the fields a
    Brief has (a cache pickled by a briefpress whose Brief had other fields is not read)."""
    layout = ",".join(f.name for f in fields(Brief))
    text = f"{__version__}\n{layout}\n{config_fingerprint}\n{parser_fingerprint()}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


PARSING_MODULES = (
    "brief",
    "compiled_markdown",
    "dates",
    "frontmatter",
    "markdown",
    "markdown_rules",
    "slugs",
)
"""Our modules that turn a file into a Brief."""
_PARSING_LIBRARIES = ("markdown_it", "mdit_py_plugins", "pyromark", "linkify_it", "yaml")


def parser_fingerprint() -> str:
    """The code that parses briefs: our modules' source and the libraries' files. A
    change to how a brief is read (a fix in date parsing, say) must not leave briefs parsed
    the old way in the cache until their files happen to change. A library is known by
    the size and time of its main file, found without importing it: importing them was a
    tenth of a build that finds nothing changed."""
    digest = hashlib.blake2b(digest_size=16)
    here = Path(__file__).parent
    for name in PARSING_MODULES:
        with contextlib.suppress(OSError):
            digest.update((here / f"{name}.py").read_bytes())
    for library in _PARSING_LIBRARIES:
        digest.update(f"{library}={_installed(library)}".encode())
    return digest.hexdigest()


def _installed(library: str) -> str:
    """Where a library's main file is, its size and time; "absent" when not installed."""
    try:
        spec = importlib.util.find_spec(library)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return "absent"
    try:
        stat = os.stat(spec.origin)
    except OSError:
        return spec.origin
    return f"{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}"


def open_cache(root: Path, config_fingerprint: str) -> BriefCache:
    """The cache for these settings; empty when absent, stale or unreadable."""
    key = cache_key(config_fingerprint)
    path = root / CACHE_DIR / _BRIEFS_FILE
    try:
        with path.open("rb") as handle:
            stored_key, entries = pickle.load(handle)
    except (
        OSError,
        EOFError,
        pickle.UnpicklingError,
        ValueError,
        TypeError,
        AttributeError,
        ImportError,
        IndexError,
    ):
        return BriefCache(key)
    if stored_key != key or not isinstance(entries, dict):
        return BriefCache(key)
    return BriefCache(key, entries)


def save_cache(root: Path, cache: BriefCache) -> None:
    """Write the cache atomically (a killed build leaves the old one or none)."""
    if not cache.changed:
        return
    folder = root / CACHE_DIR
    folder.mkdir(exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump((cache.key, cache.entries), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, folder / _BRIEFS_FILE)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise

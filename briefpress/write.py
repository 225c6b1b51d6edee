"""Stage 5, write: rendered bytes -> the output folder, swapped in only when all is written.

The new site is written into a temporary folder beside the output; files whose bytes
did not change are hard-linked from the current output instead of written again.
Only when everything is in place is the folder swapped in (renameat2 RENAME_EXCHANGE on
Linux: one atomic step), so a failed or killed build leaves the last good site as it was.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError

MARKER = ".briefpress-build"
"""Written in every output folder: proves briefpress made it, lists each file's hash."""


@dataclass
class WriteReport:
    written: int = 0
    linked: int = 0
    files: dict[str, str] = field(default_factory=dict)
    """Relative path -> content hash of every file in the new output."""


def check_output_dir(root: Path, out: Path, protected: Iterable[Path]) -> None:
    """Refuse an output folder that would overwrite the project, content or a theme."""
    root = root.resolve()
    target = out.resolve()
    guarded = [root, root / "content", root / "themes", root / "static", *protected]
    for place in guarded:
        place = place.resolve()
        if target == place or place.is_relative_to(target):
            raise UsageError(
                f"refusing to build into {out}: it is or contains {_shown(place, root)}; "
                "choose an output folder of its own (default: site/)"
            )
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise UsageError(
            f"refusing to build into {out}: the folder is not empty and was not made by "
            "briefpress (no .briefpress-build file); empty it or choose another folder"
        )


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() or "." if path.is_relative_to(root) else str(path)


class SiteWriter:
    """Collects a new output folder beside `out`, then swaps it in with `commit()`."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(self.out)
        self.temp = self.out.parent / f".{self.out.name}.tmp-{os.getpid()}"
        if self.temp.exists():
            shutil.rmtree(self.temp)
        self.temp.mkdir()
        self.old_hashes = read_manifest(self.out)
        self.report = WriteReport()
        self._made: set[str] = {""}

    def add(self, relpath: str, data: bytes) -> None:
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        self.report.files[relpath] = digest
        target = self._prepare(relpath)
        if self.old_hashes.get(relpath) == digest and self._link(relpath, target):
            return
        with open(target, "wb") as handle:
            handle.write(data)
        self.report.written += 1

    def add_file(self, relpath: str, source: Path) -> None:
        """A static file copied as-is (linked when unchanged since the last build)."""
        stat = source.stat()
        digest = f"{stat.st_size}-{stat.st_mtime_ns}"
        self.report.files[relpath] = digest
        target = self._prepare(relpath)
        if self.old_hashes.get(relpath) == digest and self._link(relpath, target):
            return
        shutil.copy2(source, target)
        self.report.written += 1

    def _prepare(self, relpath: str) -> str:
        folder = relpath.rpartition("/")[0]
        if folder not in self._made:
            os.makedirs(self.temp / folder, exist_ok=True)
            self._made.add(folder)
        return str(self.temp / relpath)

    def _link(self, relpath: str, target: str) -> bool:
        try:
            os.link(self.out / relpath, target)
        except OSError:
            return False
        self.report.linked += 1
        return True

    def commit(self) -> WriteReport:
        """Swap the new folder in; the previous output is removed afterwards."""
        manifest = json.dumps(self.report.files, sort_keys=True, separators=(",", ":"))
        (self.temp / MARKER).write_text(manifest + "\n", encoding="utf-8")
        swap_in(self.temp, self.out)
        return self.report

    def abort(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)


def read_manifest(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def swap_in(new: Path, out: Path) -> None:
    """Make `new` the output folder in one step where the OS allows it."""
    if out.exists() and _exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result != 0:
        err = ctypes.get_errno()
        if err in (errno.ENOSYS, errno.EINVAL, errno.EXDEV, errno.ENOTSUP):
            return False
        raise OSError(err, os.strerror(err), str(b))
    return True


def clean_leftovers(out: Path) -> None:
    """Remove temporary folders of builds that were killed; restore an output lost mid-swap."""
    prefix_tmp, prefix_old = f".{out.name}.tmp-", f".{out.name}.old-"
    if not out.parent.is_dir():
        return
    for entry in out.parent.iterdir():
        name = entry.name
        if not name.startswith((prefix_tmp, prefix_old)):
            continue
        pid = name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        if name.startswith(prefix_old) and not out.exists():
            os.rename(entry, out)
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

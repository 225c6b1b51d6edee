"""Stage 5, write: rendered bytes -> the output folder, swapped in only when all is written.

The new site is written into a temporary folder beside the output; files whose bytes
did not change are hard-linked from the current output instead of written again.
Only when everything is in place is the folder swapped in (renameat2 RENAME_EXCHANGE on
Linux: one atomic step), so a failed or killed build leaves the last good site as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
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
    keys: dict[str, str] = field(default_factory=dict)
    """Relative path -> the key of the route that rendered it (see routes.Route.key)."""

    def merge(self, other: WriteReport) -> None:
        self.written += other.written
        self.linked += other.linked
        self.files.update(other.files)
        self.keys.update(other.keys)


@dataclass(frozen=True)
class Manifest:
    """What the marker file of an output folder records about the build that made it."""

    fingerprint: str = ""
    """Settings + theme + options of that build: route keys count only while it is the same."""
    files: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    inputs: str = ""
    """Hash of everything the build read (see pipeline.inputs_key): equal means same output."""

    def is_intact(self, out: Path) -> bool:
        """Every file the manifest lists is still there (nobody deleted part of the site)."""
        prefix = f"{out}/"  # not os.path.join: 10,000 calls on a build that changes nothing
        return bool(self.files) and all(os.path.lexists(prefix + path) for path in self.files)


def check_output_dir(root: Path, out: Path, protected: Iterable[Path]) -> None:
    """Refuse an output folder that would overwrite the project, content, static or a theme."""
    root = root.resolve()
    target = out.resolve()
    shown = _shown(target, root)
    sources = [root / "content", root / "themes", root / "static", *protected]
    for place in [root, *sources]:
        place = place.resolve()
        inside = place != root and target.is_relative_to(place)
        if inside or place.is_relative_to(target):
            what = "the site folder" if place == root else _shown(place, root)
            relation = "is inside" if inside and target != place else "is or contains"
            raise UsageError(
                f"refusing to build into {shown}: it {relation} {what}; "
                "choose an output folder of its own (default: site/)"
            )
    if target.exists() and not target.is_dir():
        raise UsageError(f"refusing to build into {shown}: it is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise UsageError(
            f"refusing to build into {shown}: the folder is not empty and was not made by "
            "briefpress (no .briefpress-build file); empty it or choose another folder"
        )


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() or "." if path.is_relative_to(root) else str(path)


class SiteWriter:
    """Collects a new output folder beside `out`, then swaps it in with `commit()`.

    Files whose bytes (or, for rendered pages, whose route key) did not change since the
    last build are hard-linked from the current output instead of written again.
    """

    def __init__(
        self,
        out: Path,
        fingerprint: str = "",
        previous: Manifest | None = None,
        inputs: str = "",
    ) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(self.out)
        self.temp = self.out.parent / f".{self.out.name}.tmp-{os.getpid()}"
        if self.temp.exists():
            shutil.rmtree(self.temp)
        self.temp.mkdir()
        self.fingerprint = fingerprint
        self.inputs = inputs
        self.previous = read_manifest(self.out) if previous is None else previous
        self.report = WriteReport()
        self._made: set[str] = {""}
        self._temp_prefix = f"{self.temp}{os.sep}"

    def reuse(self, relpath: str, key: str) -> bool:
        """Link the current output's file when its route key is unchanged; False if not."""
        previous = self.previous
        if not key or previous.fingerprint != self.fingerprint or previous.keys.get(relpath) != key:
            return False
        if not self._link(relpath, self._prepare(relpath)):
            return False
        self.report.files[relpath] = previous.files.get(relpath, "")
        self.report.keys[relpath] = key
        return True

    def add(self, relpath: str, data: bytes, key: str = "") -> None:
        digest = content_digest(data)
        self.report.files[relpath] = digest
        if key:
            self.report.keys[relpath] = key
        target = self._prepare(relpath)
        if self.previous.files.get(relpath) == digest and self._link(relpath, target):
            return
        _write_bytes(target, data)
        self.report.written += 1

    def is_current(self, pages: dict[str, str], statics: dict[str, str]) -> bool:
        """True when the current output already is exactly this build: every page has the
        same route key, every static file the same hash, and nothing else is there."""
        previous = self.previous
        pages = {path: key for path, key in pages.items() if path not in statics}
        if previous.fingerprint != self.fingerprint or previous.keys != pages:
            return False
        if not previous.is_intact(self.out):
            return False
        expected = set(pages) | set(statics)
        return all(previous.files.get(p) == d for p, d in statics.items()) and expected == {
            p for p in previous.files if not p.startswith(SEARCH_PREFIX)
        }

    def add_file(self, relpath: str, source: Path, digest: str | None = None) -> None:
        """A static file copied as-is (linked when unchanged since the last build).

        It may replace a page rendered at its path (the site's own robots.txt): that
        page is unlinked, not overwritten, as it can be a hard link into the current
        output, and its route key is dropped, so the next build renders it again
        instead of reusing what is now the static file's copy."""
        digest = digest or file_digest(source)
        target = self._prepare(relpath)
        if relpath in self.report.files:
            self.report.keys.pop(relpath, None)
            os.unlink(target)
        self.report.files[relpath] = digest
        if self.previous.files.get(relpath) == digest and self._link(relpath, target):
            return
        shutil.copy2(source, target)
        self.report.written += 1

    def fork(self) -> SiteWriter:
        """A writer for a worker process: same folders, its own report."""
        clone = object.__new__(SiteWriter)
        clone.__dict__.update(self.__dict__)
        clone.report = WriteReport()
        clone._made = set(self._made)
        return clone

    def _prepare(self, relpath: str) -> str:
        if relpath.startswith("/") or ".." in relpath.split("/"):
            raise ValueError(f"refusing to write {relpath!r}: outside the output folder")
        folder = relpath.rpartition("/")[0]
        if folder not in self._made:
            self._make_folder(folder)
        return f"{self._temp_prefix}{relpath}"

    def _make_folder(self, folder: str) -> None:
        """mkdir once per folder, parents first; no existence checks (the folder is new)."""
        parent = folder.rpartition("/")[0]
        if parent not in self._made:
            self._make_folder(parent)
        with contextlib.suppress(FileExistsError):  # another worker made it
            os.mkdir(f"{self._temp_prefix}{folder}")
        self._made.add(folder)

    def _link(self, relpath: str, target: str) -> bool:
        try:
            os.link(self.out / relpath, target)
        except OSError:
            return False
        self.report.linked += 1
        return True

    def commit(self) -> WriteReport:
        """Swap the new folder in; the previous output is removed afterwards."""
        report = self.report
        _write_manifest(self.temp, self.fingerprint, report.files, report.keys, self.inputs)
        swap_in(self.temp, self.out, len(self.previous.files))
        return self.report

    def record_inputs(self) -> None:
        """The output is current but was made from other inputs (say, another flag that
        changed nothing): note the new ones, so the next build can skip all work."""
        if not self.inputs or self.previous.inputs == self.inputs:
            return
        previous = self.previous
        _write_manifest(self.out, previous.fingerprint, previous.files, previous.keys, self.inputs)

    def abort(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)


def _write_bytes(path: str, data: bytes) -> None:
    """Create a file with `data`: three system calls, where open() makes several more
    (at 10,000 pages the kernel's time is as large as the rendering's)."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
    finally:
        os.close(handle)


def content_digest(data: bytes) -> str:
    """What the manifest records for a rendered file: a hash of its bytes. SHA-256, which
    processors compute in hardware: twice as fast as BLAKE2 here (240 MB at 10k briefs)."""
    return hashlib.sha256(data).hexdigest()[:32]


SEARCH_PREFIX = "pagefind"
"""Files of the search index: recorded in the manifest, but made by the index stage."""


def file_digest(path: Path) -> str:
    """Content hash of a file (static files): reproducible, unlike a modification time."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:32]


def _write_manifest(
    folder: Path, fingerprint: str, files: dict[str, str], keys: dict[str, str], inputs: str
) -> None:
    """The marker file, replaced atomically."""
    manifest = {"fingerprint": fingerprint, "files": files, "keys": keys, "inputs": inputs}
    text = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    temp = folder / f"{MARKER}.tmp-{os.getpid()}"
    temp.write_text(text + "\n", encoding="utf-8")
    os.replace(temp, folder / MARKER)


def read_manifest(out: Path) -> Manifest:
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return Manifest()
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return Manifest()
    keys = data.get("keys")
    return Manifest(
        str(data.get("fingerprint", "")),
        data["files"],
        keys if isinstance(keys, dict) else {},
        str(data.get("inputs", "")),
    )


BACKGROUND_REMOVAL_FROM = 2000
"""Files in a replaced output above which it is deleted in the background."""


def swap_in(new: Path, out: Path, old_files: int = 0) -> None:
    """Make `new` the output folder in one step where the OS allows it."""
    if out.exists() and _exchange(new, out):
        replaced = new
    else:
        replaced = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            os.rename(out, replaced)
        os.rename(new, out)
    if old_files >= BACKGROUND_REMOVAL_FROM:
        remove_later(replaced, out)
    else:
        shutil.rmtree(replaced, ignore_errors=True)


def remove_later(folder: Path, out: Path) -> None:
    """Delete a replaced output folder in the background: for a large site, removing
    10,000 files takes longer than the rest of an incremental build. It is outside the
    output already; if the deletion is cut short, the next build removes what is left.
    It is moved into a folder of its own first: the next build of the same process
    (serve) makes a temporary folder of the same name, which must not go with it."""
    holder = Path(tempfile.mkdtemp(prefix=_trash_prefix(out), dir=folder.parent))
    try:
        folder.rename(holder / folder.name)
        _remove_in_background(holder)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(holder, ignore_errors=True)


def _trash_prefix(out: Path) -> str:
    return f".{out.name}.trash-"


def _remove_in_background(folder: Path) -> None:
    subprocess.Popen(
        ["rm", "-rf", "--", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


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
        if name.startswith(_trash_prefix(out)):
            _remove_in_background(entry)  # an earlier removal may have been cut short
            continue
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

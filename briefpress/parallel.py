"""Run work in forked children that share the parent's memory (the loaded site).

A process pool would pickle the whole site to every worker; a fork gets it for free,
copy-on-write. Only the results travel back, each pickled into a file as soon as it is
made, and read by this process between its own items (not all at the end, when the
other cores would wait for it).

Children are forked once and take items from a shared queue until it is empty, and this
process takes items too once its own work is done. Forking a child per item made every
child copy again the pages of memory it wrote to (reference counts of the templates, of
the site), and made this process copy its own pages again after every fork.
"""

from __future__ import annotations

import gc
import os
import pickle
import selectors
import struct
import tempfile
import traceback
from collections.abc import Callable, Sequence, Sized
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_ITEMS = 16_384
"""The queue is a pipe filled before any child starts: 4 bytes an item in its 64 KiB."""
_RECORD = struct.Struct("<IIQQ")
"""A child's report of an item done: item, child, where its pickled result is in the
child's file (offset, length). Written whole to a pipe (under PIPE_BUF, so never split)."""
_FAILED = 0xFFFFFFFF
"""The item number of a record whose result is the child's traceback."""


class WorkerError(RuntimeError):
    """A forked worker failed; carries the worker's traceback text."""


def available_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def count_done(
    chunks: Sequence[Sized], report: Callable[[int, int], None] | None
) -> Callable[[int], None] | None:
    """A `done` callback for fork_map over chunks: report(units done, units in all chunks)."""
    if report is None:
        return None
    total = sum(len(chunk) for chunk in chunks)
    finished = 0

    def done(index: int) -> None:
        nonlocal finished
        finished += len(chunks[index])
        report(finished, total)

    return done


def fork_map(
    func: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    done: Callable[[int], None] | None = None,
    meanwhile: Callable[[Callable[[], None]], None] | None = None,
) -> list[R]:
    """[func(item) for item in items], run by `workers - 1` forked children and this process.

    `meanwhile(poll)` is work for this process, done before it takes items of its own:
    work that would make a child copy much of this process's memory (a child that touches
    an object, even to read it, copies the page it lives in). It should call poll() every
    little while, which reports the items children have finished.
    `done(index)` is called here as each item is finished (progress).
    Without fork (or with one worker) everything runs in this process.
    """
    if len(items) > MAX_ITEMS:
        raise ValueError(f"fork_map takes at most {MAX_ITEMS} items: group them in chunks")
    if workers < 2 or len(items) < 2 or not hasattr(os, "fork"):
        if meanwhile:
            meanwhile(lambda: None)
        results = []
        for index, item in enumerate(items):
            results.append(func(item))
            if done:
                done(index)
        return results
    gc.freeze()  # keep the collector from touching (and so copying) shared pages; no
    # collection first: 50 ms at 10k briefs, and unfreeze() hands any garbage back to it
    try:
        with _Workers(func, items, min(workers, len(items)) - 1, done) as team:
            if meanwhile:
                meanwhile(team.poll)
            team.work_here()
            return team.results()
    finally:
        gc.unfreeze()


class _Workers:
    """Forked children and this process, taking item numbers from one pipe until it is
    empty; each child reports an item done on a second pipe, and its results at its end."""

    def __init__(
        self,
        func: Callable[[Any], Any],
        items: Sequence[Any],
        children: int,
        done: Callable[[int], None] | None,
    ) -> None:
        self.func, self.items, self.done = func, items, done
        self.made: dict[int, Any] = {}
        self.queue, queue_writer = os.pipe()
        os.write(queue_writer, b"".join(i.to_bytes(4, "little") for i in range(len(items))))
        os.close(queue_writer)  # an empty queue now reads as its end
        self.progress, progress_writer = os.pipe()
        os.set_blocking(self.progress, False)
        self.children: dict[int, int] = {}
        """pid -> the file its pickled results go to."""
        self.files: list[int] = []
        """Each child's result file, by child number."""
        self._partial = b""
        try:
            for number in range(children):
                result = _result_file()
                self.files.append(result)
                pid = os.fork()
                if pid == 0:  # never returns into the caller's stack
                    os.close(self.progress)
                    self._child(number, result, progress_writer)
                self.children[pid] = result
        finally:
            os.close(progress_writer)

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        for pid, result in self.children.items():  # only after a failure
            _kill(pid)
            os.close(result)
        self.children.clear()
        os.close(self.queue)
        os.close(self.progress)

    def _child(self, number: int, result: int, progress: int) -> None:
        gc.freeze()  # what the parent made since fork_map froze its objects: not ours to scan
        code = 0
        offset = 0

        def send(index: int, data: bytes) -> None:
            nonlocal offset
            _write_all(result, data)
            os.write(progress, _RECORD.pack(index, number, offset, len(data)))
            offset += len(data)

        try:
            while (index := _take(self.queue)) is not None:
                value = self.func(self.items[index])
                send(index, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except BaseException:
            send(_FAILED, traceback.format_exc().encode())
            code = 1
        os._exit(code)

    def poll(self) -> None:
        """Report the items children have finished since the last poll."""
        self._progress_ended()

    def work_here(self) -> None:
        """Take items in this process too, until the queue is empty."""
        while (index := _take(self.queue)) is not None:
            self.made[index] = self.func(self.items[index])
            if self.done:
                self.done(index)
            self.poll()

    def results(self) -> list[Any]:
        """Every child's results, once each has ended; in the order of the items."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.progress, selectors.EVENT_READ)
            while not self._progress_ended():
                selector.select()  # progress, or the end of every child (the pipe closes)
        for pid, result in list(self.children.items()):
            _, status = os.waitpid(pid, 0)
            del self.children[pid]
            os.close(result)
            if status != 0 and len(self.made) < len(self.items):
                raise WorkerError(f"worker {pid} died (status {status}) without a result")
        missing = len(self.items) - len(self.made)
        if missing:
            raise WorkerError(f"workers ended with {missing} items not done")
        return [self.made[i] for i in range(len(self.items))]

    def _progress_ended(self) -> bool:
        """Take in the results children have reported; True once every child has ended."""
        try:
            data = os.read(self.progress, _RECORD.size * 2048)
        except BlockingIOError:
            return False
        data, self._partial = self._partial + data, b""
        whole = len(data) - len(data) % _RECORD.size
        data, self._partial = data[:whole], data[whole:]
        for index, child, offset, length in _RECORD.iter_unpack(data):
            payload = os.pread(self.files[child], length, offset)
            if index == _FAILED:
                raise WorkerError(f"worker failed:\n{payload.decode(errors='replace')}")
            self.made[index] = pickle.loads(payload)
            if self.done:
                self.done(index)
        return not whole and not self._partial


class Forked(Generic[R]):
    """func() run in a forked child while this process goes on with other work; result()
    waits for it. Without fork, result() runs func() here."""

    def __init__(self, func: Callable[[], R]) -> None:
        self.func = func
        self.pid = 0
        self._value: tuple[R] | None = None
        if not hasattr(os, "fork"):
            return
        self.file = _result_file()
        self.pid = os.fork()
        if self.pid == 0:  # never returns into the caller's stack
            gc.disable()  # a collection would touch (and so copy) every shared page
            code = 0
            try:
                data = pickle.dumps(("ok", func()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                data, code = pickle.dumps(("error", traceback.format_exc())), 1
            try:
                _write_all(self.file, data)
            finally:
                os._exit(code)

    def result(self) -> R:
        if self._value is None:
            self._value = (self._collect() if self.pid else self.func(),)
        return self._value[0]

    def _collect(self) -> R:
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            data = os.pread(self.file, os.fstat(self.file).st_size, 0)
        finally:
            os.close(self.file)
        if not data:
            raise WorkerError(f"worker died (status {status}) without a result")
        kind, value = pickle.loads(data)
        if kind == "error":
            raise WorkerError(f"worker failed:\n{value}")
        return value  # type: ignore[no-any-return]

    def discard(self) -> None:
        """Stop the child if its result was never asked for (the caller failed first)."""
        if self.pid:
            _kill(self.pid)
            self.pid = 0
            os.close(self.file)


def _take(queue: int) -> int | None:
    """The next item number, or None when the queue is empty (reads of 4 bytes from a pipe
    are whole: it was filled before anyone read it)."""
    data = os.read(queue, 4)
    return int.from_bytes(data, "little") if data else None


def _result_file() -> int:
    if hasattr(os, "memfd_create"):
        return os.memfd_create("briefpress-result", os.MFD_CLOEXEC)
    fd, path = tempfile.mkstemp(prefix="briefpress-result-")
    os.unlink(path)
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _kill(pid: int) -> None:
    try:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    except OSError:
        pass

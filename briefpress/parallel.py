"""Run work in forked children that share the parent's memory (the loaded site).

A process pool would pickle the whole site to every worker; a fork gets it for free,
copy-on-write. Only the (small) results travel back, pickled through a pipe.
"""

from __future__ import annotations

import gc
import os
import pickle
import selectors
import tempfile
import traceback
from collections import deque
from collections.abc import Callable, Sequence, Sized
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


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
    """[func(item) for item in items], run in forked children, `workers` at a time.

    `meanwhile(poll)` is work for this process, done while `workers - 1` children run:
    work that would make a child copy much of this process's memory (a child that touches
    an object, even to read it, copies the page it lives in). It should call poll() every
    little while, which hands finished children's items to new ones.
    `done(index)` is called here as each item's result comes in (progress).
    Without fork (or with one worker) everything runs in this process.
    """
    if workers < 2 or len(items) < 2 or not hasattr(os, "fork"):
        if meanwhile:
            meanwhile(lambda: None)
        results = []
        for index, item in enumerate(items):
            results.append(func(item))
            if done:
                done(index)
        return results
    gc.collect()
    gc.freeze()  # keep the collector from touching (and so copying) shared pages
    try:
        with _Children(func, items, done) as children:
            if meanwhile:
                children.start(workers - 1)
                meanwhile(lambda: children.poll(workers - 1))
            while not children.finished:
                children.start(workers)
                children.collect(wait=True)
            return children.results()
    finally:
        gc.unfreeze()


class _Children(Generic[T, R]):
    """Forked children working through items, at most a given number at once."""

    def __init__(
        self, func: Callable[[T], R], items: Sequence[T], done: Callable[[int], None] | None
    ) -> None:
        self.func, self.items, self.done = func, items, done
        self.pending = deque(enumerate(items))
        self.running: dict[int, tuple[int, int, int]] = {}
        """pipe reader -> (item index, pid, file of its result); the pipe closes at its end."""
        self.made: dict[int, R] = {}
        self.selector = selectors.DefaultSelector()

    def __enter__(self) -> _Children[T, R]:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        for reader, (_, pid, result) in self.running.items():  # only after a failure
            _kill(pid)
            os.close(reader)
            os.close(result)
        self.selector.close()

    @property
    def finished(self) -> bool:
        return not self.pending and not self.running

    def start(self, limit: int) -> None:
        while self.pending and len(self.running) < limit:
            index, item = self.pending.popleft()
            pid, reader, result = _spawn(self.func, item)
            self.running[reader] = (index, pid, result)
            self.selector.register(reader, selectors.EVENT_READ)

    def collect(self, wait: bool) -> None:
        for key, _ in self.selector.select(None if wait else 0):
            self.selector.unregister(key.fd)
            os.close(key.fd)
            index, pid, result = self.running.pop(key.fd)
            self.made[index] = _finish(pid, result)
            if self.done:
                self.done(index)

    def poll(self, limit: int) -> None:
        self.collect(wait=False)
        self.start(limit)

    def results(self) -> list[R]:
        return [self.made[i] for i in range(len(self.items))]


def _spawn(func: Callable[[Any], Any], item: Any) -> tuple[int, int, int]:
    """Fork a child for func(item): its pid, a pipe that closes when it ends, and the file
    its pickled result goes to (a file, not the pipe: a child must never wait for us)."""
    result = _result_file()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into the caller's stack
        gc.freeze()  # what the parent made since fork_map froze its objects: not ours to scan
        code = 0
        try:
            os.close(reader)
            payload = pickle.dumps(("ok", func(item)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            payload = pickle.dumps(("error", traceback.format_exc()))
            code = 1
        try:
            with os.fdopen(result, "wb") as out:
                out.write(payload)
        finally:
            os._exit(code)
    os.close(writer)
    return pid, reader, result


def _result_file() -> int:
    if hasattr(os, "memfd_create"):
        return os.memfd_create("briefpress-result", os.MFD_CLOEXEC)
    fd, path = tempfile.mkstemp(prefix="briefpress-result-")
    os.unlink(path)
    return fd


def _finish(pid: int, result: int) -> Any:
    _, status = os.waitpid(pid, 0)
    with os.fdopen(result, "rb") as file:
        file.seek(0)
        data = file.read()
    if not data:
        raise WorkerError(f"worker {pid} died (status {status}) without a result")
    kind, value = pickle.loads(data)
    if kind == "error":
        raise WorkerError(f"worker failed:\n{value}")
    return value


def _kill(pid: int) -> None:
    try:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    except OSError:
        pass

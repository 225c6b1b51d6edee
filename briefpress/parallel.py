"""Run work in forked children that share the parent's memory (the loaded site).

A process pool would pickle the whole site to every worker; a fork gets it for free,
copy-on-write. Only the (small) results travel back, pickled through a pipe.
"""

from __future__ import annotations

import gc
import os
import pickle
import selectors
import traceback
from collections.abc import Callable, Sequence, Sized
from typing import Any, TypeVar

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
) -> list[R]:
    """[func(item) for item in items], run in forked children, `workers` at a time.

    `done(index)` is called in the parent as each item's result comes in (progress).
    Without fork (or with one worker) it runs in this process.
    """
    if workers < 2 or len(items) < 2 or not hasattr(os, "fork"):
        results = []
        for index, item in enumerate(items):
            results.append(func(item))
            if done:
                done(index)
        return results
    gc.collect()
    gc.freeze()  # keep the collector from touching (and so copying) shared pages
    try:
        return _run(func, items, workers, done)
    finally:
        gc.unfreeze()


def _run(
    func: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    done: Callable[[int], None] | None,
) -> list[R]:
    results: dict[int, R] = {}
    buffers: dict[int, list[bytes]] = {}
    pids: dict[int, int] = {}
    pending = list(enumerate(items))
    pending.reverse()
    with selectors.DefaultSelector() as selector:
        try:
            while pending or pids:
                while pending and len(pids) < workers:
                    index, item = pending.pop()
                    pid, reader = _spawn(func, item)
                    pids[reader] = pid
                    buffers[reader] = []
                    selector.register(reader, selectors.EVENT_READ, index)
                for key, _ in selector.select():
                    reader = key.fd
                    chunk = os.read(reader, 1 << 20)
                    if chunk:
                        buffers[reader].append(chunk)
                        continue
                    selector.unregister(reader)
                    os.close(reader)
                    results[key.data] = _finish(pids.pop(reader), b"".join(buffers.pop(reader)))
                    if done:
                        done(key.data)
        except BaseException:
            for reader, pid in pids.items():
                _kill(pid)
                os.close(reader)
            raise
    return [results[i] for i in range(len(items))]


def _spawn(func: Callable[[Any], Any], item: Any) -> tuple[int, int]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into the caller's stack
        code = 0
        try:
            os.close(reader)
            payload = pickle.dumps(("ok", func(item)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            payload = pickle.dumps(("error", traceback.format_exc()))
            code = 1
        try:
            with os.fdopen(writer, "wb") as out:
                out.write(payload)
        finally:
            os._exit(code)
    os.close(writer)
    return pid, reader


def _finish(pid: int, data: bytes) -> Any:
    _, status = os.waitpid(pid, 0)
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

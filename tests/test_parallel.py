"""fork_map: results in order from forked children and the parent, work of the parent
meanwhile, failures that stop everything."""

from __future__ import annotations

import os
import time

import pytest

from briefpress.parallel import MAX_ITEMS, Forked, WorkerError, fork_map


def test_results_in_order_from_children_while_the_parent_works() -> None:
    parent = os.getpid()
    seen: list[tuple[str, int, float]] = []
    finished: list[int] = []

    def meanwhile(poll) -> None:
        deadline = time.time() + 60
        while len(finished) < 4 and time.time() < deadline:  # the children, running by now
            time.sleep(0.05)
            poll()
        seen.append(("meanwhile", os.getpid(), time.time()))

    results = fork_map(
        lambda n: (n * n, os.getpid(), time.time(), time.sleep(0.5)),
        [1, 2, 3, 4],
        5,
        done=finished.append,
        meanwhile=meanwhile,
    )
    assert [square for square, *_ in results] == [1, 4, 9, 16]
    assert parent not in {pid for _, pid, *_ in results}
    assert sorted(finished) == [0, 1, 2, 3]
    assert [(what, pid) for what, pid, _ in seen] == [("meanwhile", parent)]
    meanwhile_ended = seen[0][2]
    # Children and parent overlapped: every child started, and ended, before the parent's
    # work ended (a clock comparison, not a time limit, so a busy machine cannot fail it).
    assert all(started < meanwhile_ended for _, _, started, _ in results)


def test_a_child_takes_item_after_item_while_the_parent_works() -> None:
    """Two workers: while this process works, one child takes the items one after another
    (forked once, not once an item); big results (more than a pipe holds) come back whole;
    poll() reports each item the child has finished."""
    big = "x" * 300_000
    ended: list[float] = []
    reported: list[int] = []

    def meanwhile(poll) -> None:
        for _ in range(140):
            time.sleep(0.01)
            poll()
        ended.append(time.time())

    results = fork_map(
        lambda n: (n, os.getpid(), time.time(), time.sleep(0.2), big),
        list(range(6)),
        2,
        done=reported.append,
        meanwhile=meanwhile,
    )
    assert [n for n, *_ in results] == list(range(6))
    assert all(text == big for *_, text in results)
    assert sorted(reported) == list(range(6))
    children = {pid for _, pid, *_ in results} - {os.getpid()}
    assert len(children) == 1
    started_meanwhile = [n for n, _, started, *_ in results if started < ended[0]]
    assert len(started_meanwhile) >= 3, started_meanwhile


def test_the_parent_takes_items_too_once_its_own_work_is_done() -> None:
    results = fork_map(lambda n: (n, os.getpid(), time.sleep(0.3)), list(range(6)), 2)
    assert [n for n, *_ in results] == list(range(6))
    pids = [pid for _, pid, _ in results]
    assert os.getpid() in pids and len(set(pids)) == 2


def test_too_many_items_for_the_queue_are_refused() -> None:
    with pytest.raises(ValueError, match="chunks"):
        fork_map(lambda n: n, range(MAX_ITEMS + 1), 2)


def test_without_workers_everything_runs_here() -> None:
    seen: list[int] = []
    results = fork_map(lambda n: (n, os.getpid()), [1, 2], 1, meanwhile=lambda poll: seen.append(1))
    assert results == [(1, os.getpid()), (2, os.getpid())] and seen == [1]


def test_a_failing_child_or_parent_stops_the_rest() -> None:
    def work(n: int) -> int:
        if n == 2 and os.getpid() != parent:
            raise ValueError("child broke")
        if n == 2:
            raise ValueError("parent broke")
        time.sleep(0.2)  # the item the child takes first is not known: each may be 2
        return n

    parent = os.getpid()
    with pytest.raises((WorkerError, ValueError), match="broke") as raised:
        fork_map(work, [1, 2, 3], 3)
    # A child's failure comes with its traceback; the parent's own is raised as it is.
    assert isinstance(raised.value, WorkerError) == ("child broke" in str(raised.value))

    def broken(poll) -> None:
        raise RuntimeError("parent broke")

    with pytest.raises(RuntimeError, match="parent broke"):
        fork_map(lambda n: time.sleep(5), [1, 2], 2, meanwhile=broken)


def test_forked_works_in_a_child_while_this_process_goes_on() -> None:
    parent = os.getpid()
    started = time.time()
    forked = Forked(lambda: (os.getpid(), time.sleep(0.3), "x" * 200_000))
    assert time.time() - started < 0.3  # not waited for yet
    pid, _, big = forked.result()
    assert pid != parent and big == "x" * 200_000
    assert forked.result()[0] == pid  # asked again: the same, not run again


def test_forked_failure_and_discard() -> None:
    def broken() -> None:
        raise ValueError("boom in the child")

    with pytest.raises(WorkerError, match="boom in the child"):
        Forked(broken).result()
    forked = Forked(lambda: time.sleep(30))
    pid = forked.pid
    forked.discard()  # the caller failed first: the child is stopped and reaped
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)

"""Kill safety: a build killed with SIGKILL at any moment leaves site/ as the last good build.

Real `python -m briefpress build` processes are started on a changed site of a few hundred
briefs and killed (with their whole process group, workers included) after delays spread
over the length of a build, so some land while pages render, some while the new folder
is swapped in. After each kill site/ must be byte-identical to the last good build (or,
when the build got to finish first, to a complete build of the new content), and the
next normal build leaves no temporary folder of a killed build behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import MINIMAL_CONFIG, REPO, run_process

BRIEFS = 300
BUILD = ["build", "--no-search", "--no-cache", "-q"]


def write_briefs(root: Path, version: str, count: int = BRIEFS) -> None:
    """A few hundred briefs; `version` changes every page so a new build rewrites them all."""
    content = root / "content"
    shutil.rmtree(content, ignore_errors=True)
    for number in range(count):
        month = number % 12 + 1
        path = content / f"2025/{month:02d}/brief-{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: Brief {number} {version}\ndate: 2025-{month:02d}-{number % 28 + 1:02d}"
            f" {number % 24:02d}:00\ntags: [Topic{number % 17}, Region{number % 5}]\n---\n"
            f"Paragraph of brief {number}, version {version}. " * 20 + "\n",
            encoding="utf-8",
        )


def snapshot(out: Path) -> dict[str, str]:
    """Every file under out with the hash of its bytes (empty folders count too)."""
    files = {}
    for path in sorted(out.rglob("*")):
        relpath = path.relative_to(out).as_posix()
        if path.is_dir():
            files[relpath + "/"] = "dir"
        else:
            files[relpath] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".site.tmp-", ".site.old-")))


def start_build(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "briefpress", *BUILD],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def kill_after(process: subprocess.Popen[bytes], delay: float) -> int:
    """SIGKILL the build and its workers after `delay` s; its exit code (-9 when killed)."""
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):  # it finished first
        os.killpg(process.pid, signal.SIGKILL)
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err, err.decode()
    return process.returncode


def kill_while_writing(process: subprocess.Popen[bytes], root: Path) -> int:
    """SIGKILL the build as soon as its new output folder exists: a kill mid-write
    whatever the machine's speed (the delays above can all miss it on a busy machine)."""
    deadline = time.monotonic() + 60
    while not leftovers(root) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    return kill_after(process, 0)


def reference_build(version: str, tmp_path: Path) -> tuple[dict[str, str], float]:
    """Snapshot of a complete build of `version` made in a folder of its own, and its seconds."""
    other = tmp_path / f"reference-{version}"
    other.mkdir()
    (other / "site.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    write_briefs(other, version)
    started = time.monotonic()
    result = run_process(BUILD, other)
    assert result.returncode == 0, result.stderr
    return snapshot(other / "site"), time.monotonic() - started


def test_sigkill_at_any_moment_leaves_the_last_good_site(tmp_path: Path) -> None:
    root = tmp_path / "site-src"
    root.mkdir()
    (root / "site.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    good, _ = reference_build("one", tmp_path)
    changed, seconds = reference_build("two", tmp_path)
    write_briefs(root, "one")
    assert run_process(BUILD, root).returncode == 0
    assert snapshot(root / "site") == good, "builds of the same content are identical"

    rng = random.Random(9)
    fractions = [0.5, 0.8, 0.9, 0.97, 1.03]
    delays = [0.05, 0.2, 0.5, 1.0] + [seconds * f * rng.uniform(0.97, 1.03) for f in fractions]
    outcomes = {"old site": 0, "new site": 0, "leftovers seen": 0}
    write_briefs(root, "two")
    for delay in [None, *delays]:
        build = start_build(root)
        code = kill_while_writing(build, root) if delay is None else kill_after(build, delay)
        assert code in (0, -signal.SIGKILL), code
        now = snapshot(root / "site")
        outcomes["leftovers seen"] += bool(leftovers(root))
        if now == changed:  # killed after the swap (or finished): the new site is complete
            outcomes["new site"] += 1
            write_briefs(root, "one")  # back to the last good site for the next kill
            assert run_process(BUILD, root).returncode == 0
            write_briefs(root, "two")
        else:
            when = "while writing" if delay is None else f"after {delay:.2f} s"
            assert code != 0, f"a build that finished {when} left an incomplete site"
            assert now == good, f"site/ changed by a build killed {when}"
            outcomes["old site"] += 1
    assert outcomes["old site"] >= 4 and outcomes["leftovers seen"] >= 1, outcomes

    result = run_process(BUILD, root)
    assert result.returncode == 0, result.stderr
    assert leftovers(root) == [], "the next build cleans up what killed builds left"
    assert snapshot(root / "site") == changed


def test_leftovers_of_a_killed_build_are_removed_and_a_lost_output_restored(
    tmp_path: Path,
) -> None:
    """What a kill can leave (temp and old folders of a dead process) is cleaned up."""
    root = tmp_path / "site-src"
    root.mkdir()
    (root / "site.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    write_briefs(root, "one", count=20)
    assert run_process(BUILD, root).returncode == 0
    dead = dead_pid()
    shutil.copytree(root / "site", root / f".site.tmp-{dead}")
    (root / "site").rename(root / f".site.old-{dead}")  # killed between the two renames
    result = run_process(BUILD, root)
    assert result.returncode == 0, result.stderr
    assert leftovers(root) == []
    assert (root / "site" / "index.html").is_file()


def dead_pid() -> int:
    """The id of a process that has exited (so no live build owns folders named after it)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid

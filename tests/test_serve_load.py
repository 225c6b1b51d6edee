"""serve under load: 50 concurrent clients while briefs are edited, then no leaks.

A real `briefpress serve` process is hit by page, asset, 404, Server-Sent-Events and
misbehaving raw-socket clients for 20 s (5 s when CI=true) while a writer keeps saving
briefs. Every response must be the expected 200/404 (400 for garbage), and once the
clients are gone the server holds no more threads or file descriptors than before.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, ctrl_c_works

DURATION = 5.0 if os.environ.get("CI") == "true" else 20.0
PAGE_CLIENTS, SSE_CLIENTS, RAW_CLIENTS = 30, 10, 10
EDITED = [f"content/2025/08/brief-{n}.md" for n in range(3)]
SETTLE_SECONDS = 30.0


def brief(number: int, revision: int = 0) -> str:
    return (
        f"---\ntitle: Brief {number}\ndate: 2025-08-{number % 28 + 1:02d} 10:00\n"
        f"tags: [Topic{number % 4}, Armenia]\n---\nRevision {revision} of brief {number}.\n"
    )


def write_site(root: Path) -> None:
    (root / "site.yaml").write_text(
        "title: Load\nbase_url: https://example.org/news/\ntimezone: UTC\n", encoding="utf-8"
    )
    for number in range(30):
        path = root / f"content/2025/08/brief-{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(brief(number), encoding="utf-8")


class Server:
    """`briefpress serve --port 0` in a process of its own, and what it holds."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefpress", "serve", "--port", "0", "--no-search"],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            preexec_fn=ctrl_c_works,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()  # type: ignore[union-attr]
            if not line:
                break
            self.output.append(line)
            if line.startswith("serving "):
                url = urlsplit(line.split()[1])
                self.port, self.base = url.port or 80, url.path
                threading.Thread(target=self._drain, daemon=True).start()
                return
        self.stop()
        raise AssertionError("serve did not start:\n" + "".join(self.output))

    def _drain(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.output.append(line)

    def threads(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/task"))

    def fds(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def page_client(
    server: Server, stop: threading.Event, errors: list[str], seen: Counter[int]
) -> None:
    base = server.base
    wanted = {
        base: 200,
        f"{base}2025/08/brief-1/": 200,
        f"{base}2025/08/brief-2/": 200,
        f"{base}tags/armenia/": 200,
        f"{base}archive/": 200,
        f"{base}css/style.css": 200,
        f"{base}js/site.js": 200,
        f"{base}feed.xml": 200,
        f"{base}no/such/page/": 404,
        f"{base}..%2f..%2fetc/passwd": 404,
    }
    rng = random.Random(threading.get_ident())
    while not stop.is_set():
        path = rng.choice(list(wanted))
        try:
            status, body = get(server.port, path)
        except OSError as exc:
            errors.append(f"GET {path}: {exc!r}")
            continue
        seen[status] += 1
        if status != wanted[path] or not body:
            errors.append(f"GET {path}: {status} (expected {wanted[path]})")


def sse_client(
    server: Server, stop: threading.Event, errors: list[str], seen: Counter[int]
) -> None:
    """Listen to the event stream for a second or two, hang up, come back."""
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
                sock.sendall(b"GET /__briefpress/events HTTP/1.1\r\nHost: x\r\n\r\n")
                head = sock.recv(4096)
                if not head.startswith(b"HTTP/1.") or b"text/event-stream" not in head:
                    errors.append(f"events: {head[:80]!r}")
                seen[200] += 1
                sock.settimeout(0.5)
                until = time.monotonic() + random.uniform(0.5, 2.0)
                while time.monotonic() < until and not stop.is_set():
                    with contextlib.suppress(TimeoutError):
                        sock.recv(4096)
        except OSError as exc:
            errors.append(f"events: {exc!r}")


def raw_client(
    server: Server, stop: threading.Event, errors: list[str], seen: Counter[int]
) -> None:
    """Clients that misbehave: hang up at once, send garbage, stop reading mid-page."""
    rng = random.Random(threading.get_ident())
    while not stop.is_set():
        kind = rng.randrange(3)
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
                if kind == 0:
                    continue  # connect and hang up
                if kind == 1:
                    sock.sendall(b"\x00\xffNOT HTTP AT ALL\r\n\r\n")
                    reply = sock.recv(4096)  # an HTTP/0.9-style error page: no status line
                    if b"400" not in reply:
                        errors.append(f"garbage got {reply[:80]!r}")
                    seen[400] += 1
                else:
                    sock.sendall(f"GET {server.base} HTTP/1.0\r\n\r\n".encode())
                    sock.recv(100)  # read a little, then hang up mid-response
        except OSError as exc:
            errors.append(f"raw: {exc!r}")


def editor(root: Path, stop: threading.Event) -> None:
    revision = 0
    while not stop.is_set():
        revision += 1
        for number, relpath in enumerate(EDITED):
            (root / relpath).write_text(brief(number, revision), encoding="utf-8")
        stop.wait(0.4)


@pytest.mark.slow
def test_serve_stays_correct_under_load_and_leaks_nothing(tmp_path: Path) -> None:
    write_site(tmp_path)
    server = Server(tmp_path)
    try:
        assert get(server.port, server.base)[0] == 200
        time.sleep(1.0)  # let the watcher and first events settle
        threads_before, fds_before = server.threads(), server.fds()

        stop = threading.Event()
        errors: list[str] = []
        seen: Counter[int] = Counter()
        workers = [
            threading.Thread(target=client, args=(server, stop, errors, seen))
            for client, count in (
                (page_client, PAGE_CLIENTS),
                (sse_client, SSE_CLIENTS),
                (raw_client, RAW_CLIENTS),
            )
            for _ in range(count)
        ]
        workers.append(threading.Thread(target=editor, args=(tmp_path, stop)))
        for worker in workers:
            worker.start()
        time.sleep(DURATION)
        busiest = server.threads()
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
        assert not any(w.is_alive() for w in workers)
        assert errors == [], f"{len(errors)} errors, first: {errors[:5]}"
        assert seen[200] > 100, seen

        (tmp_path / EDITED[0]).write_text(brief(0, 999), encoding="utf-8")  # wakes idle streams
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            if server.threads() <= threads_before and server.fds() <= fds_before:
                break
            time.sleep(0.5)
        leaked = os.listdir(f"/proc/{server.process.pid}/fd")
        assert server.threads() <= threads_before, (threads_before, busiest, server.threads())
        assert server.fds() <= fds_before, (fds_before, sorted(leaked))
        assert "Revision 999" in get(server.port, f"{server.base}2025/08/brief-0/")[1].decode()
    finally:
        code = server.stop()
    output = "".join(server.output)
    assert code == 0, output
    assert "Traceback" not in output and "unexpected error" not in output, output[-2000:]

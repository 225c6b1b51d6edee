"""`briefpress serve` as a real process, spoken to over raw sockets (no client that would
normalise `..` or percent-escapes away): it serves nothing outside its output folder,
answers unknown paths with the site's 404 page, and adds the reload script to HTML
responses only, never to the files it built."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, brief_text, ctrl_c_works, run_process

SECRET = "top-secret-do-not-serve"
SEED_URL = "/briefs/2025/08/first-brief/"


class ServeProcess:
    """`briefpress serve --port 0` in `root`; its temp folder lands under `tmp`."""

    def __init__(self, root: Path, tmp: Path, *args: str, search: bool = False) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp)}
        self.root = root
        self.tmp = tmp
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "briefpress", "serve", "--port", "0", *args]
            + ([] if search else ["--no-search"]),
            cwd=root,
            env=env,
            preexec_fn=ctrl_c_works,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        found = self.wait_for(r"serving (http://\S+)", timeout=60)
        self.url = found.group(1).rstrip("/")
        self.host, port = re.match(r"http://([^:/]+):(\d+)", self.url).groups()
        self.port = int(port)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()

    def wait_for(self, pattern: str, timeout: float = 10, start: int = 0) -> re.Match[str]:
        """The first output line from `start` on that matches; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for line in self.lines[start:]:
                    if found := re.search(pattern, line):
                        return found
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    pytest.fail(f"no output matching {pattern!r}; got:\n" + "\n".join(self.lines))
                self._seen.wait(left)

    @property
    def output_folder(self) -> Path:
        (folder,) = self.tmp.glob("briefpress-serve-*/site")
        return folder

    def stop(self) -> int:
        """Ctrl-C, as a user would; the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


def raw_get(server: ServeProcess, target: str) -> tuple[int, dict[str, str], bytes]:
    """Send `GET target` exactly as written; (status, headers, body)."""
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode("latin-1"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    root = tmp_path_factory.mktemp("site")
    files = {
        "site.yaml": "title: Served\nbase_url: https://example.org/briefs/\n",
        "content/first.md": brief_text("First Brief", "2025-08-06 06:27", ["Armenia"]),
        "static/notes.txt": "plain text\n",
    }
    for relpath, text in files.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, encoding="utf-8")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    server = ServeProcess(root, tmp_path_factory.mktemp("tmp"))
    (server.output_folder / "leak.txt").symlink_to(outside / "secret.txt")
    (server.output_folder / "leakdir").symlink_to(outside, target_is_directory=True)
    yield server
    server.stop()


@pytest.mark.parametrize(
    "target",
    [
        "/briefs/../../../../../../etc/passwd",
        "/briefs/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/briefs/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/briefs/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/briefs/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/briefs/..%5c..%5c..%5c..%5cetc%5cpasswd",
        "/briefs/..\\..\\..\\..\\etc\\passwd",
        "/briefs/%2fetc%2fpasswd",
        "//etc/passwd",
        "/../../../../etc/passwd",
        "/briefs/leak.txt",
        "/briefs/leakdir/secret.txt",
        "/briefs/leakdir/",
        "/briefs/%00/../etc/passwd",
    ],
)
def test_nothing_outside_the_output_folder_is_served(served: ServeProcess, target: str) -> None:
    status, _, body = raw_get(served, target)
    assert b"root:" not in body and SECRET.encode() not in body
    assert status in (302, 404)


def test_unknown_path_gets_the_site_404_page(served: ServeProcess) -> None:
    status, headers, body = raw_get(served, "/briefs/no/such/page/")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    on_disk = BeautifulSoup((served.output_folder / "404.html").read_bytes(), "html.parser")
    served_page = BeautifulSoup(body, "html.parser")
    assert served_page.title.get_text() == on_disk.title.get_text()
    assert served_page.h1.get_text() == on_disk.h1.get_text()


def test_every_response_says_no_store(served: ServeProcess) -> None:
    for target in (
        "/briefs/",
        "/briefs/notes.txt",
        "/briefs/nope",
        "/",
        "/__briefpress/livereload.js",
    ):
        status, headers, _ = raw_get(served, target)
        assert headers.get("cache-control") == "no-store", (target, status)


def test_root_and_folders_redirect_under_the_base_path(served: ServeProcess) -> None:
    assert raw_get(served, "/")[:2][0] == 302
    assert raw_get(served, "/")[1]["location"] == "/briefs/"
    status, headers, _ = raw_get(served, SEED_URL.rstrip("/"))
    assert (status, headers["location"]) == (302, SEED_URL)


def test_reload_script_is_in_html_responses_only(served: ServeProcess) -> None:
    _, headers, body = raw_get(served, SEED_URL)
    scripts = [s.get("src") for s in BeautifulSoup(body, "html.parser").find_all("script")]
    assert "/__briefpress/livereload.js" in scripts
    assert headers["content-type"] == "text/html; charset=utf-8"
    built = served.output_folder / SEED_URL.removeprefix("/briefs/") / "index.html"
    assert "__briefpress" not in built.read_text(encoding="utf-8")
    for target in ("/briefs/notes.txt", "/briefs/feed.xml", "/briefs/sitemap.xml"):
        assert b"__briefpress" not in raw_get(served, target)[2], target


def test_events_are_a_no_store_event_stream(served: ServeProcess) -> None:
    with socket.create_connection((served.host, served.port), timeout=10) as sock:
        sock.sendall(b"GET /__briefpress/events HTTP/1.0\r\n\r\n")
        head = sock.recv(4096).decode()
    assert "text/event-stream" in head and "Cache-Control: no-store" in head


def test_port_in_use_is_a_clear_usage_error(served: ServeProcess, tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    result = run_process(["serve", "--port", str(served.port), "--no-search"], tmp_path)
    assert result.returncode == 2
    assert f"port {served.port}" in result.stderr and "already in use" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_search_index_is_served_then_ctrl_c_exits_cleanly(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "content/a.md").write_text(brief_text("Zangezur Talks", "2025-01-01"), encoding="utf-8")
    server = ServeProcess(root, tmp_path, search=True)
    server.wait_for(r"^search index updated", timeout=60)
    status, headers, body = raw_get(server, "/pagefind/pagefind-entry.json")
    assert status == 200 and json.loads(body)["languages"]
    assert server.output_folder.is_dir()
    assert server.stop() == 0
    deadline = time.monotonic() + 10  # removed by a process of its own, so exit is instant
    while list(tmp_path.glob("briefpress-serve-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not list(tmp_path.glob("briefpress-serve-*"))
    assert not any("Traceback" in line for line in server.lines)

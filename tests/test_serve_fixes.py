"""`briefpress serve` as a real process, in the cases it once got wrong: a broken site.yaml
must leave the last good build at its base path, a folder that is no site is refused like
`build` refuses it, and static files that come with a new folder are served."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, brief_text
from test_serve_http import ServeProcess, raw_get

BASE = "/repo/"
SITE = {
    "site.yaml": f"title: Served\nbase_url: https://user.github.io{BASE}\ntimezone: UTC\n",
    "content/first.md": brief_text("First Brief", "2025-08-06 06:27", ["Armenia"]),
}
TIMEOUT = 15.0
"""Seconds a change may take to show; the poll ends as soon as it does."""


def write(root: Path, files: dict[str, str]) -> Path:
    for relpath, text in files.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[ServeProcess]:
    """serve of SITE (no static/, no themes/), stopped after the test."""
    server = ServeProcess(write(tmp_path / "site", SITE), tmp_path)
    yield server
    assert server.stop() == 0
    assert not any("Traceback" in line for line in server.lines), "\n".join(server.lines)


def status_of(server: ServeProcess, target: str) -> int:
    return raw_get(server, target)[0]


def wait_for_status(server: ServeProcess, target: str, wanted: int) -> None:
    """Poll until `target` answers `wanted`; fail with the server's output after TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while (status := status_of(server, target)) != wanted:
        if time.monotonic() > deadline:
            pytest.fail(f"{target}: {status}, not {wanted}; output:\n" + "\n".join(server.lines))
        time.sleep(0.05)


class Events:
    """The Server-Sent Events a page of the server receives (raw socket, no client library)."""

    def __init__(self, server: ServeProcess) -> None:
        self.sock = socket.create_connection((server.host, server.port), timeout=TIMEOUT)
        self.sock.sendall(b"GET /__briefpress/events HTTP/1.0\r\n\r\n")
        self.buffer = b""
        self._read_until(b"\r\n\r\n")  # the response head

    def _read_until(self, end: bytes) -> bytes:
        while end not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise AssertionError("the event stream ended")
            self.buffer += chunk
        block, self.buffer = self.buffer.split(end, 1)
        return block

    def problems(self) -> list[str]:
        """The next problems event's list: what the overlay of open pages shows."""
        while True:
            fields = dict(
                line.split(": ", 1)
                for line in self._read_until(b"\n\n").decode().splitlines()
                if ": " in line and not line.startswith(":")
            )
            if fields.get("event") == "problems":
                return list(json.loads(fields["data"]))

    def close(self) -> None:
        self.sock.close()


@pytest.mark.parametrize(
    "bad_line", ["bogus_key: 1\n", "title: [\n"], ids=["unknown-setting", "yaml-syntax"]
)
def test_broken_settings_keep_the_last_good_build_at_its_base_path(
    serve: ServeProcess, bad_line: str
) -> None:
    pages = [BASE, f"{BASE}tags/", f"{BASE}tags/armenia/", f"{BASE}css/style.css"]
    assert [status_of(serve, page) for page in pages] == [200] * 4
    good = (serve.root / "site.yaml").read_text(encoding="utf-8")
    events = Events(serve)
    try:
        start = len(serve.lines)
        (serve.root / "site.yaml").write_text(good + bad_line, encoding="utf-8")
        serve.wait_for(r"^failed: 1 problem", timeout=TIMEOUT, start=start)
        shown = events.problems()
        assert len(shown) == 1 and shown[0].startswith("site.yaml:"), shown
        assert [status_of(serve, page) for page in pages] == [200] * 4
        status, headers, _ = raw_get(serve, "/")
        assert (status, headers["location"]) == (302, BASE)

        start = len(serve.lines)
        (serve.root / "site.yaml").write_text(good, encoding="utf-8")
        serve.wait_for(r"^built in", timeout=TIMEOUT, start=start)
        assert events.problems() == [], "the overlay goes once site.yaml is fixed"
        assert [status_of(serve, page) for page in pages] == [200] * 4
    finally:
        events.close()


def test_a_new_base_url_moves_the_site_once_it_builds(serve: ServeProcess) -> None:
    """While a brief is broken the new settings cannot build: the last good build stays at
    the base path its links use, and moves when the brief is fixed."""
    good = (serve.root / "site.yaml").read_text(encoding="utf-8")
    brief = (serve.root / "content/first.md").read_text(encoding="utf-8")
    start = len(serve.lines)
    (serve.root / "content/first.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    serve.wait_for(r"^failed: 1 problem", timeout=TIMEOUT, start=start)
    start = len(serve.lines)
    (serve.root / "site.yaml").write_text(good.replace(BASE, "/moved/"), encoding="utf-8")
    serve.wait_for(r"^failed: 1 problem", timeout=TIMEOUT, start=start)
    assert (status_of(serve, BASE), status_of(serve, "/moved/")) == (200, 404)
    (serve.root / "content/first.md").write_text(brief, encoding="utf-8")
    wait_for_status(serve, "/moved/", 200)
    assert status_of(serve, BASE) == 404


def test_serve_refuses_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    """Like build, before it makes a temp folder or takes the port (which is taken here, so
    only the site check can explain the refusal)."""
    folder = tmp_path / "not-a-site"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a site\n", encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "briefpress", "serve", "--port", str(port), "--no-search"],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "is not a briefpress site" in result.stderr
    assert "already in use" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == "" and list(temp.iterdir()) == []
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_files_written_into_a_new_static_folder_are_served(serve: ServeProcess) -> None:
    static = serve.root / "static"
    static.mkdir()
    (static / "a.txt").write_text("a\n", encoding="utf-8")
    wait_for_status(serve, f"{BASE}a.txt", 200)
    (static / "b.txt").write_text("b\n", encoding="utf-8")
    wait_for_status(serve, f"{BASE}b.txt", 200)


def test_static_folder_renamed_is_served_and_watched(serve: ServeProcess) -> None:
    """`mv assets static` in the site: its files come with no events, only the folder's move."""
    assets = write(serve.root / "assets", {"css/extra.css": "p {}\n", "a.txt": "a\n"})
    assets.rename(serve.root / "static")
    wait_for_status(serve, f"{BASE}a.txt", 200)
    assert status_of(serve, f"{BASE}css/extra.css") == 200
    (serve.root / "static/css/later.css").write_text("p {}\n", encoding="utf-8")
    wait_for_status(serve, f"{BASE}css/later.css", 200)


def test_static_folder_copied_in_again_is_watched_again(
    serve: ServeProcess, tmp_path: Path
) -> None:
    """`rm -r static; cp -r assets static`: the new folder needs a watch of its own."""
    write(serve.root, {"static/old.txt": "old\n"})
    wait_for_status(serve, f"{BASE}old.txt", 200)
    shutil.rmtree(serve.root / "static")
    wait_for_status(serve, f"{BASE}old.txt", 404)
    assets = write(tmp_path / "assets", {"css/extra.css": "p {}\n", "a.txt": "a\n"})
    shutil.copytree(assets, serve.root / "static")
    wait_for_status(serve, f"{BASE}a.txt", 200)
    assert status_of(serve, f"{BASE}css/extra.css") == 200
    (serve.root / "static/later.txt").write_text("later\n", encoding="utf-8")
    wait_for_status(serve, f"{BASE}later.txt", 200)


def test_content_folder_moved_in_with_briefs_is_built(serve: ServeProcess, tmp_path: Path) -> None:
    folder = write(tmp_path / "2025", {"second.md": brief_text("Second Brief", "2025-09-01")})
    folder.rename(serve.root / "content/2025")
    wait_for_status(serve, f"{BASE}2025/09/second-brief/", 200)


def test_themes_folder_moved_in_is_used_and_watched(serve: ServeProcess, tmp_path: Path) -> None:
    """A site that names a theme not there yet: the theme arrives as one folder."""
    site_yaml = serve.root / "site.yaml"
    start = len(serve.lines)
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "theme: mine\n", encoding="utf-8")
    serve.wait_for(r"^failed: 1 problem", timeout=TIMEOUT, start=start)
    themes = write(
        tmp_path / "themes",
        {"mine/theme.yaml": "extends: default\n", "mine/static/css/mine.css": "p {}\n"},
    )
    themes.rename(serve.root / "themes")
    wait_for_status(serve, f"{BASE}css/mine.css", 200)
    (serve.root / "themes/mine/static/css/later.css").write_text("p {}\n", encoding="utf-8")
    wait_for_status(serve, f"{BASE}css/later.css", 200)

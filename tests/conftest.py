"""Shared fixtures: a site written into tmp_path, the CLI run in-process or as a real process."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from briefpress.cli import main

REPO = Path(__file__).resolve().parent.parent
SHARED_SEED = REPO.parent / "shared" / "seed-brief.txt"
SEED = SHARED_SEED if SHARED_SEED.is_file() else REPO / "tests" / "data" / "seed-brief.txt"
"""The seed brief: ../shared's when the checkout sits beside it, else the copy in tests/data."""

MINIMAL_CONFIG = "title: Test Briefing\nbase_url: https://example.org/\ntimezone: UTC\n"


def _write(root: Path, files: dict[str, str | bytes]) -> Path:
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def write_site(tmp_path: Path) -> Callable[..., Path]:
    """write_site({path: text}) -> site root; site.yaml defaults to MINIMAL_CONFIG."""

    def write(files: dict[str, str | bytes], config: str | None = MINIMAL_CONFIG) -> Path:
        root = tmp_path / "site-src"
        root.mkdir(exist_ok=True)
        if config is not None and "site.yaml" not in files:
            files = {"site.yaml": config, **files}
        return _write(root, files)

    return write


@pytest.fixture
def build_site(write_site, run_cli) -> Callable[..., Path]:
    """build_site({path: text}, config) -> the output folder of a build that must succeed
    (no search index: most tests do not need one and it costs a second)."""

    def build(files: dict[str, str | bytes], config: str | None = MINIMAL_CONFIG) -> Path:
        root = write_site(files, config)
        code, _, err = run_cli(["build", "--no-search", "-q"], root)
        assert code == 0, err
        return root / "site"

    return build


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """run_cli(argv, cwd) -> (exit code, stdout, stderr), calling briefpress in-process."""

    def run(argv: list[str], cwd: Path) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(argv)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def run_process(argv: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    """briefpress as a real process (the console script's module), text output captured."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "briefpress", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=kwargs.pop("timeout", 120),
        **kwargs,
    )


def page(out: Path, url: str) -> BeautifulSoup:
    """Parse the built page at a site URL (/tags/usa/ -> out/tags/usa/index.html)."""
    relpath = url.lstrip("/")
    if relpath == "" or relpath.endswith("/"):
        relpath += "index.html"
    return BeautifulSoup((out / relpath).read_text(encoding="utf-8"), "html.parser")


class _MountedHandler(SimpleHTTPRequestHandler):
    """A folder served at a mount path the way a static host serves it (GitHub Pages for
    a project site): 404 outside the mount and for a folder without index.html, no logs."""

    def __init__(self, *args, mount: str, **kwargs) -> None:
        self.mount = mount  # set first: the base class handles the request in __init__
        super().__init__(*args, **kwargs)

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        if not urlsplit(self.path).path.startswith(self.mount):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        """Drop the mount; self.path keeps it, so directory redirects stay under it."""
        return super().translate_path("/" + path[len(self.mount) :])

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        """Keep the test output clean."""


@contextmanager
def serve_folder(folder: Path, mount: str = "/") -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) at `mount` ("/" or "/name/"); yields the
    origin http://127.0.0.1:PORT. The folder is read per request, so a test can learn the
    port first and build into the folder afterwards."""
    handler = partial(_MountedHandler, directory=str(folder), mount=mount)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def ctrl_c_works() -> None:
    """preexec_fn for a serve under test: a test runner started in the background (by a
    shell without job control) ignores SIGINT, and so would serve, which tests stop with
    Ctrl-C as a user does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def brief_text(
    title: str, date: str, tags: list[str] | None = None, body: str = "Body.", **extra
) -> str:
    """A brief's file text with YAML front matter."""
    lines = [
        "---",
        f"title: {title!r}" if "'" not in title else f'title: "{title}"',
        f"date: {date}",
    ]
    if tags is not None:
        lines.append("tags: [" + ", ".join(tags) + "]")
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n---\n" + body + "\n"


@pytest.fixture
def chromium_path() -> str:
    """Debian's Chromium; a missing browser skips, or fails when BRIEFPRESS_REQUIRE_BROWSER=1 (CI)."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        if os.environ.get("BRIEFPRESS_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (BRIEFPRESS_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("no Chromium at /usr/bin/chromium")
    try:
        import playwright  # noqa: F401
    except ImportError:
        if os.environ.get("BRIEFPRESS_REQUIRE_BROWSER") == "1":
            pytest.fail("playwright is required (BRIEFPRESS_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("playwright is not installed")
    return path


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser(chromium_path: str):
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()

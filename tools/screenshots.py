"""Screenshots of the sample site for the README gallery (docs/gallery/*.png).

Builds this repository's site into a temporary folder, serves it on 127.0.0.1 and photographs
the main pages at phone and desktop widths with Playwright and Debian's Chromium (never a
downloaded browser). Run from the repository root: `python tools/screenshots.py`.
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from conftest import CHROMIUM_ARGS  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from briefpress.pipeline import BuildOptions, build  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SEED = "/2025/08/washington-prepares-meeting-of-armenian-and-azerbaijani-leaders/"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 860)}


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    schemes: tuple[str, ...] = ("light",)
    wait_for: str | None = None
    """A selector that shows the page is ready (search results render after load)."""


SHOTS = (
    Shot("home", "/", ("light", "dark")),
    Shot("brief", SEED, ("light", "dark")),
    Shot("tag", "/tags/armenia/"),
    Shot("archive", "/archive/"),
    Shot("search", "/search/?q=armenia", wait_for="#search-results a[href]"),
)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        """No request log on the terminal."""


@contextmanager
def serve(folder: Path, server: ThreadingHTTPServer) -> Iterator[None]:
    """Serve a built folder from an already bound server while the block runs."""
    server.RequestHandlerClass = functools.partial(QuietHandler, directory=str(folder))  # type: ignore[assignment]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def wait_until_ready(page: Page, shot: Shot) -> None:
    """Wait for the shot's selector; a page that never gets there is photographed anyway."""
    try:
        page.wait_for_selector(shot.wait_for, timeout=10_000)
    except PlaywrightTimeout:
        print(f"warning: {shot.path}: {shot.wait_for} did not appear", file=sys.stderr)


def take_screenshots(base: str, out: Path, full_page: bool) -> list[Path]:
    """Every shot of SHOTS at every width and scheme, as out/NAME-WIDTH[-dark].png."""
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width_name, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for shot in SHOTS:
                for scheme in shot.schemes:
                    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
                    page.goto(base + shot.path.lstrip("/"), wait_until="networkidle")
                    if shot.wait_for:
                        wait_until_ready(page, shot)
                    suffix = "" if scheme == "light" else f"-{scheme}"
                    target = out / f"{shot.name}-{width_name}{suffix}.png"
                    page.screenshot(path=str(target), full_page=full_page)
                    written.append(target)
            context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "gallery")
    parser.add_argument("--full-page", action="store_true", help="whole pages, not the viewport")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), QuietHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with tempfile.TemporaryDirectory(prefix="briefpress-gallery-") as temp:
        site = Path(temp) / "site"
        build(REPO, BuildOptions(out=site, base_url=base, cache=False))
        with serve(site, server):
            for path in take_screenshots(base, args.out, args.full_page):
                print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`briefpress serve`: build into a private folder, serve it, rebuild on every save.

One loop (the main thread) takes debounced file events, rebuilds what they touch and
publishes a numbered change; browsers hear of it over Server-Sent Events from a small
script added to HTML responses (never to the files). Requests wait while a build runs,
so nobody sees half a site; a failed build keeps the last good one and shows the
problems in the terminal and as an overlay in every open page.
"""

from __future__ import annotations

import argparse
import errno
import json
import mimetypes
import secrets
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import suppress
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import parse_qs, unquote

from .errors import BriefpressError, Problem, UsageError
from .live import LiveSite, Update
from .load import require_site
from .pipeline import BuildOptions
from .watch import Changes, Watcher, classify
from .write import remove_later

EVENTS_URL = "/__briefpress/events"
SCRIPT_URL = "/__briefpress/livereload.js"
_SCRIPT = (Path(__file__).with_name("livereload.js")).read_bytes()
_KEEPALIVE_SECONDS = 15.0
_HISTORY = 500
"""Changes remembered for pages that reconnect; older pages simply reload."""
_TYPES = {".xml": "application/xml", ".json": "application/json", ".js": "text/javascript"}


class Broadcast:
    """Numbered changes told to browsers, and the problems they should show now."""

    def __init__(self) -> None:
        self.server = secrets.token_hex(4)
        """Differs after a restart, so a page from an earlier server reloads once."""
        self.number = 0
        self._history: dict[int, tuple[frozenset[str], bool]] = {}
        self._problems: list[str] = []
        self._closed = False
        self._cond = threading.Condition()

    @property
    def tag(self) -> str:
        """What a page has seen: sent with it and returned by its script when it connects."""
        return f"{self.server}:{self.number}"

    def publish(self, urls: frozenset[str], css: bool, problems: list[str]) -> None:
        with self._cond:
            if urls or css:
                self.number += 1
                self._history[self.number] = (urls, css)
                self._history.pop(self.number - _HISTORY, None)
            self._problems = problems
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def stream(self, since: str) -> Iterator[bytes]:
        """SSE messages for a page that has seen `since`, as they happen; pings when idle."""
        seen = self._parse(since)
        shown: list[str] = []
        yield b"retry: 1000\n\n"
        while True:
            with self._cond:
                self._cond.wait_for(partial(self._news, seen, shown), _KEEPALIVE_SECONDS)
                if self._closed:
                    return
                number, problems = self.number, self._problems
                urls, css = self._since(seen)
            if number > seen:
                data = json.dumps({"urls": sorted(urls), "css": css})
                yield f"id: {self.server}:{number}\nevent: change\ndata: {data}\n\n".encode()
                seen = number
            if problems != shown:
                yield f"event: problems\ndata: {json.dumps(problems)}\n\n".encode()
                shown = problems
            yield b": ping\n\n"

    def _news(self, seen: int, shown: list[str]) -> bool:
        return self._closed or self.number > seen or self._problems != shown

    def _parse(self, since: str) -> int:
        server, _, number = since.partition(":")
        if server != self.server:
            return -1  # another server's page: everything may have changed
        return int(number) if number.isdigit() else self.number

    def _since(self, seen: int) -> tuple[frozenset[str], bool]:
        if seen < 0 or seen + 1 < min(self._history, default=seen + 1):
            return frozenset({"*"}), False
        urls: set[str] = set()
        css = False
        for number in range(seen + 1, self.number + 1):
            changed, restyled = self._history[number]
            urls |= changed
            css = css or restyled
        return frozenset(urls), css


class PreviewServer(ThreadingHTTPServer):
    """The HTTP side: files of `out` under the base path, the events, the reload script."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    """Pending connections the kernel keeps; the default 5 drops them when many pages
    (and their assets and event streams) connect at once."""

    def __init__(self, host: str, port: int, out: Path) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), PreviewHandler)
        self.out = out
        self.base_path = "/"
        """The path of base_url: the site is mounted there, `/` redirects to it."""
        self.changes = Broadcast()
        self.building = threading.Lock()
        """Held while a build writes: requests wait for it, so no page is half new."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "briefpress"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal is for build problems."""

    def _respond(self, send_body: bool) -> None:
        path, _, query = self.path.partition("?")
        if path == EVENTS_URL:
            return self._stream(query)
        if path == SCRIPT_URL:
            return self._send(200, "text/javascript", _SCRIPT, send_body)
        server = self.server
        with server.building:
            found = locate(server.out, server.base_path, path)
            if isinstance(found, str):
                return self._send(302, "text/plain", b"", send_body, location=found)
            status, data, served = 200, _read(found), found
            if data is None or served is None:  # unknown, or a search file just replaced
                status, served = 404, server.out / "404.html"
                data = _read(served) or b"<!DOCTYPE html><title>Not found</title>\n"
            tag = server.changes.tag
        kind = content_type(served)
        if kind.startswith("text/html"):
            data = inject_script(data, tag)
        self._send(status, kind, data, send_body)

    def _send(
        self, status: int, kind: str, data: bytes, send_body: bool, location: str = ""
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _stream(self, query: str) -> None:
        since = self.headers.get("Last-Event-ID") or parse_qs(query).get("since", [""])[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        with suppress(ConnectionError):
            for message in self.server.changes.stream(since):
                self.wfile.write(message)
                self.wfile.flush()


def locate(out: Path, base_path: str, raw_path: str) -> Path | str | None:
    """The file a request path names inside `out`, a path to redirect to, or None.

    Each segment is decoded on its own, so an encoded `/` or `..` never climbs out, and
    the file found must still resolve inside `out` (a symlink pointing out is refused).
    """
    if not raw_path.startswith(base_path):
        return base_path if raw_path in ("/", base_path.rstrip("/")) else None
    names = [unquote(part) for part in raw_path[len(base_path) :].split("/")]
    if any(name in (".", "..") or any(c in name for c in "/\\\0") for name in names):
        return None
    root = out.resolve()
    try:
        found = root.joinpath(*names).resolve(strict=True)
        if found.is_dir():
            if not raw_path.endswith("/"):
                return raw_path + "/"
            found = (found / "index.html").resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return found if found.is_relative_to(root) and found.is_file() else None


def _read(path: Path | None) -> bytes | None:
    try:
        return path.read_bytes() if path else None
    except OSError:
        return None


def content_type(path: Path) -> str:
    kind = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    kind = kind or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind in _TYPES.values() else kind


def inject_script(html: bytes, tag: str) -> bytes:
    """The live-reload script, before </body>: added to the response, never to the file."""
    script = (
        f'<script src="{SCRIPT_URL}" data-events="{EVENTS_URL}" data-since="{tag}"></script>\n'
    ).encode()
    end = html.lower().rfind(b"</body>")
    return html + script if end < 0 else html[:end] + script + html[end:]


def bind(host: str, port: int, out: Path) -> PreviewServer:
    """The server, bound before the first build so a taken port fails at once, clearly."""
    try:
        return PreviewServer(host, port, out)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} on {host} is already in use: stop the other server "
                f"or choose another port with --port"
            ) from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


class Indexer:
    """Re-indexes search in the background once builds settle; never blocks a rebuild."""

    def __init__(self, live: LiveSite, delay: float = 1.0) -> None:
        self.live = live
        self.delay = delay
        self._wanted = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="briefpress-index", daemon=True)
        self._thread.start()

    def schedule(self) -> None:
        self._wanted.set()

    def stop(self) -> None:
        self._stopped.set()
        self._wanted.set()

    def _run(self) -> None:
        from .index import index_site

        while self._wanted.wait() and not self._stopped.is_set():
            while self._wanted.is_set():  # debounce: wait until builds stop for `delay`
                self._wanted.clear()
                if self._stopped.wait(self.delay):
                    return
            config = self.live.config
            if config is None:
                continue
            started = time.perf_counter()
            try:
                index_site(
                    self.live.out,
                    self.live.routes,
                    config,
                    fingerprint=self.live.fingerprint,
                    previous=self.live.out,
                )
                print(f"search index updated in {time.perf_counter() - started:.1f} s", flush=True)
            except BriefpressError as exc:
                print_problems(exc.problems)
            except OSError as exc:  # a full rebuild swapped the folder away: index again
                print(f"search index: {exc}; retrying", file=sys.stderr)
                self._wanted.set()


def print_problems(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    sys.stderr.flush()


def report(update: Update, debug: bool) -> None:
    """One line per rebuild; problems as `path:line: message`."""
    if update.problems:
        print_problems(update.problems)
        count = len(update.problems)
        print(
            f"failed: {count} problem{'s' if count != 1 else ''}; "
            "serving the last good build until you fix and save",
            file=sys.stderr,
            flush=True,
        )
        return
    files = sum(1 for url in update.urls if url != "*")
    what = f"{files} file{'s' if files != 1 else ''} changed"
    if update.css:
        what = "stylesheet swapped"
    kind = "built" if update.full else "rebuilt"
    print(f"{kind} in {update.seconds * 1000:.0f} ms: {what}", flush=True)
    if debug:
        print("  " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in update.timings.items()))


def run_serve(args: argparse.Namespace) -> int:
    root = Path.cwd().resolve()
    require_site(root)  # like build: no temp folder, no port, for a folder that is no site
    options = BuildOptions(drafts=args.drafts, future=args.future, search=not args.no_search)
    folder = Path(tempfile.mkdtemp(prefix="briefpress-serve-"))
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _serve(root, options, folder, args)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        remove_later(folder, folder)  # 10,000 pages take seconds to delete: exit at once


def _interrupt(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt


def _serve(root: Path, options: BuildOptions, folder: Path, args: argparse.Namespace) -> int:
    live = LiveSite(root, folder / "site", options)
    server = bind(args.host, args.port, live.out)
    watcher = Watcher(root)
    watcher.start()
    indexer = Indexer(live) if options.search else None
    http = threading.Thread(target=server.serve_forever, name="briefpress-http", daemon=True)
    try:
        first = _rebuild(live, None, args.debug)
        report(first, args.debug)
        server.base_path = live.base_path
        server.changes.publish(frozenset(), False, [str(p) for p in first.problems])
        http.start()
        host = f"[{args.host}]" if ":" in args.host else args.host
        url = f"http://{host}:{server.server_address[1]}{server.base_path}"
        print(f"serving {url} (Ctrl-C to stop)", flush=True)
        if args.open:
            import webbrowser

            webbrowser.open(url)
        if indexer:
            indexer.schedule()
        while True:
            changes = classify(root, live.theme_folders, watcher.take())
            if not changes:
                continue
            with server.building:
                update = _rebuild(live, changes, args.debug)
                server.base_path = live.base_path
            report(update, args.debug)
            urls = frozenset(_mounted(server.base_path, url) for url in update.urls)
            server.changes.publish(urls, update.css, [str(p) for p in update.problems])
            if indexer and update.urls and not update.css:
                indexer.schedule()
    finally:
        watcher.stop()
        if indexer:
            indexer.stop()
        server.changes.close()
        if http.is_alive():
            server.shutdown()
        server.server_close()


def _mounted(base_path: str, url: str) -> str:
    """A site path as browsers see it, under the base path ("*", every page, stays)."""
    return url if url == "*" else base_path + url.lstrip("/")


def _rebuild(live: LiveSite, changes: Changes | None, debug: bool) -> Update:
    """A rebuild that cannot kill the server: an unexpected error is reported like a problem."""
    try:
        return live.rebuild(changes)
    except Exception as exc:  # a bug must not end the preview; the next save tries again
        if debug:
            traceback.print_exc()
        message = f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for more)"
        return Update(problems=(Problem("briefpress", None, message),))

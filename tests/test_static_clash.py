"""The site's own static files over generated ones, in serve as in build: its robots.txt
and 404.html stay through every edit and the generated ones come back when they go; any
other site static file at a generated path is a problem like any other (build lists it
with the content's, serve shows it as usual and keeps the last good site)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import brief_text
from test_serve_fixes import BASE, SITE, TIMEOUT, Events, status_of, write
from test_serve_http import ServeProcess, raw_get
from test_serve_live import BRIEFS, OPTIONS, assert_same_as_full_build, edit

from briefpress.live import LiveSite

ROBOTS = "User-agent: *\nDisallow: /private/\n"
LOST = "<!DOCTYPE html><title>Lost</title><h1>Lost</h1>\n"
TAIL = (
    "itself, so this file would not be published: rename or remove it (of the generated "
    "files, only .nojekyll, 404.html and robots.txt can be replaced from static/)"
)
FEED_CLASH = f"static/feed.xml: the build makes /feed.xml {TAIL}"


@pytest.fixture
def live(write_site, tmp_path: Path) -> LiveSite:
    """A site with its own robots.txt and 404 page, built once by serve's rebuilder."""
    root = write_site({**BRIEFS, "static/robots.txt": ROBOTS, "static/404.html": LOST})
    site = LiveSite(root, tmp_path / "live", OPTIONS)
    first = site.rebuild()
    assert first.problems == () and first.full
    return site


def summary_edit(live: LiveSite, text: str) -> None:
    """An edit that re-renders lists but adds or removes no page."""
    brief = BRIEFS["content/b2.md"].replace("Two.", text)
    update = live.rebuild(edit(live, "content/b2.md", brief))
    assert update.problems == () and not update.full
    assert "/" in update.rendered


def test_serve_keeps_the_sites_robots_and_404_through_edits(live, tmp_path) -> None:
    assert (live.out / "robots.txt").read_text() == ROBOTS
    summary_edit(live, "Two, edited.")
    assert (live.out / "robots.txt").read_text() == ROBOTS
    assert (live.out / "404.html").read_text() == LOST
    summary_edit(live, "Two, edited again.")
    assert (live.out / "robots.txt").read_text() == ROBOTS
    assert_same_as_full_build(live, tmp_path)


def test_serve_brings_the_generated_robots_back_when_the_sites_goes(live, tmp_path) -> None:
    gone = live.rebuild(edit(live, "static/robots.txt", None))
    assert gone.problems == () and "/robots.txt" in gone.urls
    assert (live.out / "robots.txt").read_text().startswith("User-agent: *\nAllow: /\n")
    assert_same_as_full_build(live, tmp_path)
    summary_edit(live, "Two, edited.")  # the generated one is a page like the others again
    back = live.rebuild(edit(live, "static/robots.txt", ROBOTS))
    assert back.problems == () and "/robots.txt" in back.urls
    assert (live.out / "robots.txt").read_text() == ROBOTS
    summary_edit(live, "Two, edited again.")
    assert (live.out / "robots.txt").read_text() == ROBOTS
    live.rebuild(edit(live, "static/404.html", None))
    assert (live.out / "404.html").read_text() != LOST
    assert_same_as_full_build(live, tmp_path)


def test_serve_reports_a_static_clash_and_keeps_the_last_good_site(live, tmp_path) -> None:
    feed = (live.out / "feed.xml").read_bytes()
    clash = live.rebuild(edit(live, "static/feed.xml", "<feed/>"))
    assert [str(p) for p in clash.problems] == [FEED_CLASH]
    assert clash.urls == frozenset() and (live.out / "feed.xml").read_bytes() == feed
    # While it lasts, edits are not published (as a build would write nothing) ...
    home = (live.out / "index.html").read_bytes()
    brief = BRIEFS["content/b2.md"].replace("Two.", "Two, edited.")
    still = live.rebuild(edit(live, "content/b2.md", brief))
    assert still.problems == clash.problems
    assert (live.out / "index.html").read_bytes() == home
    # ... nor is a static change hiding it.
    other = live.rebuild(edit(live, "static/notes.txt", "notes\n"))
    assert other.problems == clash.problems
    fixed = live.rebuild(edit(live, "static/feed.xml", None))
    assert fixed.problems == ()
    assert (live.out / "index.html").read_bytes() != home
    assert_same_as_full_build(live, tmp_path)


def test_serve_reports_a_static_cname_for_another_domain(live, tmp_path) -> None:
    config = (live.root / "site.yaml").read_text()
    live.rebuild(edit(live, "site.yaml", config + "cname: briefs.example.org\n"))
    clash = live.rebuild(edit(live, "static/CNAME", "old.example.org\n"))
    assert [(p.path, p.line) for p in clash.problems] == [("site.yaml", 4)]
    assert (live.out / "CNAME").read_text() == "briefs.example.org\n"
    assert live.rebuild(edit(live, "static/CNAME", "briefs.example.org\n")).problems == ()
    assert_same_as_full_build(live, tmp_path)


def test_build_lists_static_clashes_with_content_problems(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-01-01", ["X"]),
            "content/b.md": "---\ntitle: [unclosed\n---\nText\n",
            "static/feed.xml": "<feed/>",
            "static/robots.txt": ROBOTS,
        }
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith("content/b.md:2: "), err
    assert lines[1:] == [FEED_CLASH, "failed: 2 problems"], err
    assert not (root / "site").exists()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[ServeProcess]:
    """serve of SITE with its own robots.txt, stopped after the test."""
    root = write(tmp_path / "site", {**SITE, "static/robots.txt": ROBOTS})
    server = ServeProcess(root, tmp_path)
    yield server
    assert server.stop() == 0
    assert not any("Traceback" in line for line in server.lines), "\n".join(server.lines)


def body_of(server: ServeProcess, target: str) -> str:
    status, _, body = raw_get(server, target)
    assert status == 200, target
    return body.decode()


def wait_for_body(server: ServeProcess, target: str, start: str) -> str:
    """Poll until `target` answers 200 with a body that starts with `start`; fail with the
    server's output after TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        status, _, body = raw_get(server, target)
        if status == 200 and body.decode().startswith(start):
            return body.decode()
        if time.monotonic() > deadline:
            pytest.fail(f"{target}: {status} {body[:80]!r}; output:\n" + "\n".join(server.lines))
        time.sleep(0.05)


def test_served_robots_is_the_sites_through_edits_and_generated_once_it_goes(
    serve: ServeProcess,
) -> None:
    brief = serve.root / "content/first.md"
    start = len(serve.lines)
    brief.write_text(SITE["content/first.md"].replace("Body.", "Body, edited."))
    serve.wait_for(r"^rebuilt in", timeout=TIMEOUT, start=start)
    assert body_of(serve, f"{BASE}robots.txt") == ROBOTS
    (serve.root / "static/robots.txt").unlink()
    wait_for_body(serve, f"{BASE}robots.txt", "User-agent: *\nAllow: /\n")
    (serve.root / "static/robots.txt").write_text(ROBOTS, encoding="utf-8")
    wait_for_body(serve, f"{BASE}robots.txt", ROBOTS)


def test_served_static_clash_shows_as_a_problem_until_removed(serve: ServeProcess) -> None:
    feed = body_of(serve, f"{BASE}feed.xml")
    events = Events(serve)
    try:
        start = len(serve.lines)
        (serve.root / "static/feed.xml").write_text("<feed/>", encoding="utf-8")
        serve.wait_for(r"^failed: 1 problem", timeout=TIMEOUT, start=start)
        lines = serve.lines[start:]
        failed = next(n for n, line in enumerate(lines) if line.startswith("failed: "))
        assert lines[failed - 1] == FEED_CLASH, lines  # the terminal, as path: message
        assert events.problems() == [FEED_CLASH]  # the overlay of open pages
        assert body_of(serve, f"{BASE}feed.xml") == feed
        start = len(serve.lines)
        (serve.root / "static/feed.xml").unlink()
        serve.wait_for(r"^rebuilt in", timeout=TIMEOUT, start=start)
        assert events.problems() == []
        assert body_of(serve, f"{BASE}feed.xml") == feed
        assert status_of(serve, BASE) == 200
    finally:
        events.close()
    assert not any("unexpected error" in line for line in serve.lines), serve.lines


@pytest.mark.parametrize("search", [True, False])
def test_nothing_of_the_site_may_go_where_the_search_index_goes(
    write_site, run_cli, search: bool
) -> None:
    """The index replaces pagefind/ (and a sharded site's pagefind-YYYY/): a brief or static
    file there would be lost without a word, so each is a problem, with search or without."""
    root = write_site(
        {
            "site.yaml": "permalink: /{slug}/\n",
            "content/a.md": brief_text("A", "2025-01-01", ["X"], slug="pagefind"),
            "content/b.md": brief_text("B", "2025-01-02", ["X"], slug="pagefind-2024"),
            "static/pagefind/custom.txt": "mine\n",
        },
        config=None,
    )
    code, _, err = run_cli(["build", "-q", *([] if search else ["--no-search"])], root)
    assert code == 1
    where = "where the search index goes"
    assert err.splitlines() == [
        f"content/a.md:1: URL /pagefind/ is in /pagefind/, {where}: give this brief another"
        " `slug:` or change `permalink`",
        f"content/b.md:1: URL /pagefind-2024/ is in /pagefind-2024/, {where}: give this brief"
        " another `slug:` or change `permalink`",
        f"static/pagefind/custom.txt: /pagefind/custom.txt is in /pagefind/, {where}: move the"
        " file elsewhere",
        "failed: 3 problems",
    ], err
    assert not (root / "site").exists()

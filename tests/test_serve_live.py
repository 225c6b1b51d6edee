"""serve's incremental rebuilder: it re-renders exactly the pages an edit touches, and the
folder it keeps up to date is always the folder a full build would write."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from conftest import brief_text

from briefpress.live import LiveSite
from briefpress.pipeline import BuildOptions, build
from briefpress.watch import Changes, Event, classify
from briefpress.write import MARKER

OPTIONS = BuildOptions(search=False, cache=False)

BRIEFS = {
    "content/b1.md": brief_text("First Brief", "2025-01-01 10:00", ["Alpha"], "One."),
    "content/b2.md": brief_text("Second Brief", "2025-02-01 10:00", ["Alpha", "Beta"], "Two."),
    "content/b3.md": brief_text("Third Brief", "2025-03-01 10:00", ["Beta"], "Three."),
    "content/b4.md": brief_text("Fourth Brief", "2026-01-01 10:00", ["Gamma"], "Four."),
}


@pytest.fixture
def live(write_site, tmp_path: Path) -> LiveSite:
    root = write_site({**BRIEFS, "static/css/extra.css": "body { color: black; }\n"})
    site = LiveSite(root, tmp_path / "live", OPTIONS)
    first = site.rebuild()
    assert first.problems == () and first.full
    return site


def edit(live: LiveSite, relpath: str, text: str | None) -> Changes:
    """Write (or with None delete) a file of the site; the Changes a watcher would report."""
    path = live.root / relpath
    if text is None:
        path.unlink()
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return classify(live.root, live.theme_folders, [Event(path, False)])


def assert_same_as_full_build(live: LiveSite, tmp_path: Path) -> None:
    full = tmp_path / "full"
    build(live.root, BuildOptions(out=full, search=False, cache=False))
    assert tree(live.out) == tree(full)
    _, mismatch, errors = filecmp.cmpfiles(live.out, full, sorted(tree(full)), shallow=False)
    assert mismatch == [] and errors == []


def tree(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MARKER
    }


def test_body_only_edit_renders_just_the_brief_and_its_feeds(live, tmp_path) -> None:
    """A change past the first paragraph shows nowhere else: no model, no routes, no lists."""
    text = BRIEFS["content/b2.md"].replace("Two.", "Two.\n\nA second paragraph, added.")
    update = live.rebuild(edit(live, "content/b2.md", text))
    assert update.problems == () and not update.full
    assert update.rendered == {
        "/2025/02/second-brief/",
        "/tags/alpha/feed.xml",
        "/tags/beta/feed.xml",
        "/feed.xml",
        "/feed.json",
    }
    assert "load" in update.timings and "routes" not in update.timings
    assert_same_as_full_build(live, tmp_path)
    # and the next, ordinary rebuild starts from the edited brief
    update = live.rebuild(edit(live, "content/b3.md", BRIEFS["content/b3.md"].replace("Third", "3rd")))
    assert update.problems == ()
    assert_same_as_full_build(live, tmp_path)


def test_summary_edit_renders_exactly_the_pages_that_show_the_brief(live, tmp_path) -> None:
    changes = edit(live, "content/b2.md", BRIEFS["content/b2.md"].replace("Two.", "Two, edited."))
    update = live.rebuild(changes)
    assert update.problems == () and not update.full
    assert update.rendered == {
        "/2025/02/second-brief/",  # the brief
        "/2025/01/first-brief/",  # older neighbour, relates to it by #Alpha
        "/2025/03/third-brief/",  # newer neighbour, relates to it by #Beta
        "/",
        "/archive/",
        "/2025/",
        "/2025/02/",
        "/tags/alpha/",
        "/tags/alpha/feed.xml",
        "/tags/beta/",
        "/tags/beta/feed.xml",
        "/feed.xml",
        "/feed.json",
    }
    assert "/2025/02/second-brief/" in update.urls
    assert_same_as_full_build(live, tmp_path)


def test_added_and_deleted_briefs_match_a_full_build(live, tmp_path) -> None:
    added = live.rebuild(
        edit(live, "content/new/b5.md", brief_text("Fifth", "2025-03-02", ["Gamma"]))
    )
    assert {"/2025/03/fifth/", "/", "/tags/gamma/"} <= added.urls
    deleted = live.rebuild(edit(live, "content/b4.md", None))
    assert {"/2026/01/fourth-brief/", "/2026/", "/2026/01/"} <= deleted.urls
    assert not (live.out / "2026").exists()
    assert_same_as_full_build(live, tmp_path)


def test_folder_moved_away_is_found_by_a_rescan(live, tmp_path) -> None:
    edit(live, "content/2025/b5.md", brief_text("Fifth", "2025-03-02", ["Gamma"]))
    live.rebuild(classify(live.root, (), [Event(live.root / "content/2025", True)]))
    assert (live.out / "2025/03/fifth/index.html").is_file()
    (live.root / "content/2025").rename(tmp_path / "moved")  # one event: the folder
    update = live.rebuild(classify(live.root, (), [Event(live.root / "content/2025", True)]))
    assert "/2025/03/fifth/" in update.urls
    assert_same_as_full_build(live, tmp_path)


def test_broken_brief_keeps_the_last_good_output_until_fixed(live, tmp_path) -> None:
    before = (live.out / "index.html").read_bytes()
    broken = live.rebuild(edit(live, "content/b3.md", "---\ntitle: [unclosed\n---\nText\n"))
    assert [p.path for p in broken.problems] == ["content/b3.md"]
    assert broken.problems[0].line in (2, 3)
    assert broken.urls == frozenset()
    assert (live.out / "index.html").read_bytes() == before
    still = live.rebuild(edit(live, "static/css/extra.css", "body { color: red; }\n"))
    assert still.problems == broken.problems, "a static change must not hide content problems"
    fixed = live.rebuild(edit(live, "content/b3.md", BRIEFS["content/b3.md"]))
    assert fixed.problems == ()
    assert_same_as_full_build(live, tmp_path)


def test_stylesheet_change_is_copied_and_swapped_without_reload(live, tmp_path) -> None:
    update = live.rebuild(edit(live, "static/css/extra.css", "body { color: red; }\n"))
    assert update.css and update.rendered == frozenset()
    assert (live.out / "css/extra.css").read_text() == "body { color: red; }\n"
    image = live.rebuild(edit(live, "static/logo.svg", "<svg/>"))
    assert not image.css and "*" in image.urls
    assert_same_as_full_build(live, tmp_path)


def test_template_change_rebuilds_everything(live, tmp_path) -> None:
    edit(live, "themes/mine/theme.yaml", "extends: default\n")
    live.rebuild(edit(live, "site.yaml", (live.root / "site.yaml").read_text() + "theme: mine\n"))
    update = live.rebuild(
        edit(live, "themes/mine/templates/404.html", "<!DOCTYPE html><title>gone</title>\n")
    )
    assert update.full and update.problems == ()
    assert (live.out / "404.html").read_text() == "<!DOCTYPE html><title>gone</title>\n"
    assert "/404.html" in update.urls and "/" not in update.urls
    assert live.theme_folders[0] == live.root / "themes/mine"
    assert_same_as_full_build(live, tmp_path)


def test_broken_template_is_reported_with_its_line_until_fixed(live, tmp_path) -> None:
    edit(live, "themes/mine/theme.yaml", "extends: default\n")
    live.rebuild(edit(live, "site.yaml", (live.root / "site.yaml").read_text() + "theme: mine\n"))
    before = (live.out / "404.html").read_bytes()
    broken = live.rebuild(edit(live, "themes/mine/templates/404.html", "<p>\n{% if %}\n"))
    assert [(p.path, p.line) for p in broken.problems] == [("themes/mine/templates/404.html", 2)]
    assert (live.out / "404.html").read_bytes() == before
    fixed = live.rebuild(edit(live, "themes/mine/templates/404.html", "<p>fixed</p>\n"))
    assert fixed.problems == () and "/404.html" in fixed.urls
    assert_same_as_full_build(live, tmp_path)


def test_bad_settings_are_reported_then_recovered(live, tmp_path) -> None:
    good = (live.root / "site.yaml").read_text()
    bad = live.rebuild(edit(live, "site.yaml", good + "per_pgae: 3\n"))
    assert bad.problems and bad.problems[0].path == "site.yaml"
    assert live.rebuild(edit(live, "site.yaml", good + "per_page: 3\n")).problems == ()
    assert_same_as_full_build(live, tmp_path)


@pytest.mark.parametrize(
    ("relpath", "is_dir", "expected"),
    [
        ("content/2025/x.md", False, Changes(content=frozenset({"content/2025/x.md"}))),
        ("content/2025/.x.md.swp", False, Changes()),
        ("content/2025/x.md~", False, Changes()),
        ("content/2025", True, Changes(rescan=True)),
        ("static/css/a.css", False, Changes(static=frozenset({"css/a.css"}))),
        ("themes/default/static/js/s.js", False, Changes(static=frozenset({"js/s.js"}))),
        ("themes/default/templates/base.html", False, Changes(full=True)),
        ("site.yaml", False, Changes(full=True)),
        ("site/index.html", False, Changes()),
        (".briefpress-cache/briefs.pickle", False, Changes()),
    ],
    ids=[
        "brief",
        "swap-file",
        "backup",
        "folder",
        "css",
        "theme-static",
        "template",
        "settings",
        "output",
        "cache",
    ],
)
def test_classify(tmp_path: Path, relpath: str, is_dir: bool, expected: Changes) -> None:
    theme = tmp_path / "themes" / "default"
    assert classify(tmp_path, [theme], [Event(tmp_path / relpath, is_dir)]) == expected

"""The build cache and skip-unchanged writes never serve a stale page."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import brief_text, page

from briefpress.pipeline import BuildOptions, build

CONFIG = "title: Cache Test\nbase_url: https://example.org/\ntimezone: UTC\nper_page: 3\n"


def _site(write_site) -> Path:
    files = {
        f"content/2025/0{1 + i % 3}/b{i}.md": brief_text(
            f"Brief number {i}", f"2025-0{1 + i % 3}-{10 + i:02d} 09:00", ["Armenia", f"T{i % 2}"], f"Body {i}."
        )
        for i in range(8)
    }
    return write_site(files, config=CONFIG)


def _build(root: Path, out: str = "site", **options) -> Path:
    target = root / out
    build(root, BuildOptions(out=target, search=False, now=None, **options))
    return target


def _same_tree(a: Path, b: Path) -> list[str]:
    """Relative paths whose bytes differ, or that exist on one side only."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    differ = sorted(files_a ^ files_b)
    differ += [f for f in sorted(files_a & files_b) if not filecmp.cmp(a / f, b / f, shallow=False)]
    return differ


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    stat = path.stat()  # make sure the mtime moves even on coarse file systems
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _cold_copy(root: Path, tmp_path: Path) -> Path:
    """The same sources built with no cache and no previous output."""
    clean = tmp_path / "cold"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".briefpress-cache", "cold"))
    return _build(clean, cache=False)


def test_cached_build_is_byte_identical_to_cold(write_site, tmp_path: Path) -> None:
    root = _site(write_site)
    _build(root)
    assert (root / ".briefpress-cache").is_dir()
    warm = _build(root)  # everything from the cache, nothing rendered
    assert _same_tree(warm, _cold_copy(root, tmp_path)) == []


@pytest.mark.parametrize(
    "change",
    ["brief-title", "brief-body", "template", "site-yaml", "deleted-brief", "new-brief", "static"],
)
def test_every_change_shows_up(write_site, tmp_path: Path, change: str) -> None:
    root = _site(write_site)
    out = _build(root)
    target = root / "content/2025/01/b0.md"
    if change == "brief-title":
        _edit(target, "Brief number 0", "Renamed brief")
    elif change == "brief-body":
        _edit(target, "Body 0.", "A changed body with #NewTag.")
    elif change == "template":
        theme = root / "themes" / "default"
        shutil.copytree(Path(__file__).resolve().parent.parent / "themes" / "default", theme)
        _edit(theme / "templates" / "brief.html", "{% block content %}", "{% block content %}<p id=marker>M</p>")
    elif change == "site-yaml":
        _edit(root / "site.yaml", "title: Cache Test", "title: Renamed Site")
    elif change == "deleted-brief":
        target.unlink()
    elif change == "new-brief":
        (root / "content/2025/03/new.md").write_text(
            brief_text("Brand new", "2025-03-30 10:00", ["Fresh"]), encoding="utf-8"
        )
    elif change == "static":
        (root / "static").mkdir()
        (root / "static" / "extra.txt").write_text("hello", encoding="utf-8")
    _build(root)
    assert _same_tree(out, _cold_copy(root, tmp_path)) == []
    if change == "brief-title":
        assert page(out, "/2025/01/renamed-brief/").h1.get_text(strip=True) == "Renamed brief"
        assert not (out / "2025/01/brief-number-0").exists()
    if change == "deleted-brief":
        assert not (out / "2025/01/brief-number-0").exists()
    if change == "brief-body":
        assert (out / "tags/newtag/index.html").is_file()


def test_no_cache_neither_reads_nor_writes(write_site) -> None:
    root = _site(write_site)
    _build(root, cache=False)
    assert not (root / ".briefpress-cache").exists()


def test_corrupt_cache_is_ignored(write_site, tmp_path: Path) -> None:
    root = _site(write_site)
    _build(root)
    for path in (root / ".briefpress-cache").iterdir():
        path.write_bytes(b"not a pickle")
    out = _build(root)
    assert _same_tree(out, _cold_copy(root, tmp_path)) == []


def test_unchanged_pages_are_linked_not_rewritten(write_site) -> None:
    root = _site(write_site)
    out = _build(root)
    before = (out / "2025/02/brief-number-1/index.html").stat().st_ino
    _edit(root / "content/2025/01/b0.md", "Body 0.", "Another body.")
    _build(root)
    # b1 is not next to b0 in time, shares no list page with b0's change: same inode
    assert (out / "2025/02/brief-number-1/index.html").stat().st_ino == before


def test_nothing_changed_skips_all_work(write_site, run_cli) -> None:
    root = _site(write_site)
    assert run_cli(["build", "--no-search"], root)[0] == 0
    marker = root / "site" / ".briefpress-build"
    before = marker.stat().st_mtime_ns
    code, out, _ = run_cli(["build", "--no-search"], root)
    assert code == 0 and "(nothing changed)" in out
    assert marker.stat().st_mtime_ns == before  # not even the manifest was rewritten


@pytest.mark.parametrize("change", ["flag", "base-url", "deleted-output-file", "static-file"])
def test_any_input_change_defeats_the_shortcut(write_site, run_cli, change: str) -> None:
    root = _site(write_site)
    assert run_cli(["build", "--no-search"], root)[0] == 0
    argv = ["build", "--no-search"]
    if change == "flag":
        argv.append("--drafts")
    elif change == "base-url":
        argv += ["--base-url", "https://example.net/sub/"]
    elif change == "deleted-output-file":
        (root / "site" / "tags" / "index.html").unlink()
    elif change == "static-file":
        (root / "static").mkdir()
        (root / "static" / "robots-extra.txt").write_text("x", encoding="utf-8")
    code, out, _ = run_cli(argv, root)
    assert code == 0 and "nothing changed" not in out
    assert (root / "site" / "tags" / "index.html").is_file()
    if change == "base-url":
        assert 'href="/sub/' in (root / "site" / "index.html").read_text(encoding="utf-8")


def test_body_edit_rerenders_only_the_brief_and_feeds(write_site, tmp_path: Path) -> None:
    """Past the first paragraph, a body shows only on its page and in the feeds."""
    root = _site(write_site)
    out = _build(root)
    inode = {url: (out / url / "index.html").stat().st_ino for url in ("", "2025/01/brief-number-3")}
    feed = (out / "feed.xml").read_bytes()
    _edit(root / "content/2025/01/b0.md", "Body 0.", "Body 0.\n\nA second paragraph.")
    _build(root)
    assert "A second paragraph." in page(out, "/2025/01/brief-number-0/").get_text()
    assert (out / "feed.xml").read_bytes() != feed
    assert {url: (out / url / "index.html").stat().st_ino for url in inode} == inode
    assert _same_tree(out, _cold_copy(root, tmp_path)) == []


def test_theme_printing_bodies_in_lists_gets_them_updated(write_site, tmp_path: Path) -> None:
    root = _site(write_site)
    theme = root / "themes" / "full"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n", encoding="utf-8")
    (theme / "templates" / "index.html").write_text(
        '{% extends "base.html" %}{% block content %}'
        "{% for b in briefs %}{{ b.body_html | safe }}{% endfor %}{% endblock %}",
        encoding="utf-8",
    )
    _edit(root / "site.yaml", "title: Cache Test", "title: Cache Test\ntheme: full")
    out = _build(root)
    _edit(root / "content/2025/01/b0.md", "Body 0.", "Body 0.\n\nA second paragraph.")
    _build(root)
    home_pages = [out / "index.html", *sorted((out / "page").glob("*/index.html"))]
    assert any("A second paragraph." in p.read_text(encoding="utf-8") for p in home_pages)
    assert _same_tree(out, _cold_copy(root, tmp_path)) == []


def test_cache_of_a_brief_with_other_fields_is_not_read(monkeypatch, tmp_path: Path) -> None:
    """A cache pickled when Brief had other fields (say body_html, before bodies were kept
    as UTF-8) would give briefs without the fields the code reads: it must be ignored."""
    import dataclasses

    from briefpress import cache
    from briefpress.brief import Brief

    stored = cache.BriefCache(cache.cache_key("settings"), {"content/a.md": (1, 2, "brief")})
    stored.changed = True
    cache.save_cache(tmp_path, stored)
    assert cache.open_cache(tmp_path, "settings").entries  # same fields: read

    @dataclasses.dataclass(frozen=True)
    class OlderBrief:
        source: str
        body_html: str

    monkeypatch.setattr(cache, "Brief", OlderBrief)
    assert Brief is not OlderBrief
    assert cache.open_cache(tmp_path, "settings").entries == {}


def test_cache_of_briefs_parsed_by_other_code_is_not_read(monkeypatch, tmp_path: Path) -> None:
    """A fix in how briefs are read (a date rule, say) must reach briefs already cached:
    the key covers the source of the parsing modules and the parsers' versions."""
    from briefpress import cache

    stored = cache.BriefCache(cache.cache_key("settings"), {"content/a.md": (1, 2, "brief")})
    stored.changed = True
    cache.save_cache(tmp_path, stored)
    assert cache.open_cache(tmp_path, "settings").entries

    parsing = tmp_path / "pkg"
    parsing.mkdir()
    for name in cache.PARSING_MODULES:
        source = Path(cache.__file__).parent / f"{name}.py"
        (parsing / f"{name}.py").write_bytes(source.read_bytes())
    monkeypatch.setattr(cache, "__file__", str(parsing / "cache.py"))
    assert cache.open_cache(tmp_path, "settings").entries  # the same code: still read
    dates = parsing / "dates.py"
    dates.write_text(dates.read_text() + "\n# a fix\n")
    assert cache.open_cache(tmp_path, "settings").entries == {}


def test_a_build_of_plain_briefs_never_imports_markdown_it(write_site) -> None:
    """Bodies that compiled_markdown renders need no markdown-it-py, and importing it took
    longer than a whole build that finds nothing changed: it is imported when needed."""
    root = write_site(
        {f"content/b{n}.md": brief_text(f"Brief {n}", "2025-01-02T10:00:00Z") for n in range(3)}
    )
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from briefpress.pipeline import BuildOptions, build\n"
        "for _ in range(2):\n"
        "    build(Path(sys.argv[1]), BuildOptions(search=False))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('markdown_it', 'mdit_py_plugins')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(root)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
    assert (root / "site" / "index.html").is_file()

"""Reproducible output: the same input builds byte-identical files wherever and however it runs.

Two copies of one site, in different folders, built by real processes from different
working directories into different output folders, with different PYTHONHASHSEED,
timezone and locale: every file outside pagefind/ (the search index, whose
fragment names are Pagefind's business) is byte-identical, the build manifest included.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

TAGS = ["Armenia", "USA", "Azerbaijan", "Georgia", "Հայաստան", "Straße", "C++", "Ελλάδα"]


def write_site(root: Path) -> None:
    """The sample site plus briefs that exercise ordering: equal dates, tag-count ties, Unicode."""
    shutil.copytree(REPO / "content", root / "content")
    (root / "site.yaml").write_text(
        "title: Reproducible\nbase_url: https://example.org/repo/\ntimezone: Asia/Yerevan\n"
        "per_page: 5\ntag_names: {usa: USA}\n",
        encoding="utf-8",
    )
    (root / "static").mkdir()
    (root / "static" / "CNAME.txt").write_text("example.org\n", encoding="utf-8")
    for number in range(40):
        tags = ", ".join(TAGS[(number + k) % len(TAGS)] for k in range(number % 4 + 1))
        day = number % 9 + 1  # several briefs share a day and a minute
        (root / "content" / f"b{number:02d}.md").write_text(
            f"---\ntitle: Brief {number} about {TAGS[number % len(TAGS)]}\n"
            f"date: 2025-0{number % 3 + 6}-0{day} 10:00\ntags: [{tags}]\n---\n"
            f"Text of brief {number} with #Zangezur and a [link](/archive/).\n\n#Extra{number % 3}\n",
            encoding="utf-8",
        )


def build(root: Path, cwd: Path, out: Path, seed: str, tz: str, locale: str) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PYTHONHASHSEED": seed,
        "TZ": tz,
        "LC_ALL": locale,
    }
    argv = [sys.executable, "-m", "briefpress", "build", "-q", "--no-cache", "--out", str(out)]
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def hashes(out: Path) -> dict[str, str]:
    return {
        path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.relative_to(out).parts[0] != "pagefind"
    }


def test_two_builds_in_different_places_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "one" / "site-a", tmp_path / "two" / "deeper" / "site-b"
    for root in (first, second):
        write_site(root)
    build(first, first, first / "site", seed="1", tz="UTC", locale="C.UTF-8")
    out_b = tmp_path / "elsewhere" / "public"
    build(second, second, out_b, seed="4242", tz="Pacific/Kiritimati", locale="C")

    a, b = hashes(first / "site"), hashes(out_b)
    assert len(a) > 50 and ".briefpress-build" in a
    assert sorted(a) == sorted(b), "the same files are written"
    differing = [path for path in a if a[path] != b[path]]
    assert differing == [], f"files differ between the two builds: {differing[:10]}"
    assert (first / "site" / "pagefind").is_dir() and (out_b / "pagefind").is_dir()


def test_a_rebuild_in_place_changes_nothing(tmp_path: Path) -> None:
    """The second build of an unchanged site writes the same bytes (with the cache on)."""
    root = tmp_path / "site-src"
    write_site(root)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    argv = [sys.executable, "-m", "briefpress", "build", "-q", "--no-search"]
    subprocess.run(argv, cwd=root, env={**env, "PYTHONHASHSEED": "7"}, check=True, timeout=120)
    before = hashes(root / "site")
    subprocess.run(argv, cwd=root, env={**env, "PYTHONHASHSEED": "8"}, check=True, timeout=120)
    assert hashes(root / "site") == before

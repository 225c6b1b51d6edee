"""The repository's own sample site builds, and the seed brief lands where the contract says."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, page


def test_sample_site_builds_with_seed_at_its_permalink(tmp_path: Path, run_cli) -> None:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    code, out, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    seed = page(root / "site", "/2025/08/washington-prepares-meeting-of-armenian-and-azerbaijani-leaders/")
    assert seed.h1.get_text().startswith("Washington Prepares Meeting")
    assert seed.find("time")["datetime"] == "2025-08-06T06:27:00+04:00"
    tags = [a.get_text() for a in seed.select("article .tags a")]
    assert tags == ["#Armenia", "#USA", "#Azerbaijan"]

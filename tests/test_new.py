"""`briefpress new`: a brief with its front matter filled in, never over another file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import page, run_process
from hypothesis import given
from hypothesis import strategies as st

from briefpress.frontmatter import split_front_matter
from briefpress.new import yaml_text

CONFIG = "title: T\nbase_url: https://example.org/\ntimezone: Asia/Yerevan\n"


def test_new_twice_fails_the_second_time_and_keeps_the_first(write_site) -> None:
    root = write_site({}, config=CONFIG)
    first = run_process(["new", "Zangezur: talks resume", "--tags", "Armenia, #USA"], root)
    assert first.returncode == 0, first.stderr
    relpath = first.stdout.strip()
    now = dt.datetime.now(ZoneInfo("Asia/Yerevan"))
    assert relpath.startswith("content/") and relpath.endswith("/zangezur-talks-resume.md")
    written = root / relpath
    data = split_front_matter(written.read_text(encoding="utf-8")).data
    assert data["title"] == "Zangezur: talks resume"
    assert data["tags"] == ["Armenia", "USA"]
    date = dt.datetime.strptime(data["date"], "%Y-%m-%d %H:%M %z")
    assert date.utcoffset() == dt.timedelta(hours=4)
    assert abs(date - now) < dt.timedelta(minutes=2)
    assert relpath.split("/")[1:3] == [f"{date.year:04d}", f"{date.month:02d}"]

    written.write_text(written.read_text(encoding="utf-8") + "My text.\n", encoding="utf-8")
    before = written.read_bytes()
    second = run_process(["new", "Zangezur: talks resume"], root)
    assert second.returncode == 1
    assert f"{relpath}: already exists" in second.stderr
    assert written.read_bytes() == before


def test_new_with_date_and_draft_builds_only_with_drafts(write_site) -> None:
    root = write_site({}, config=CONFIG)
    made = run_process(["new", "Yes", "--date", "2025-08-06T02:27:00Z", "--draft"], root)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "content/2025/08/yes.md"
    text = (root / "content/2025/08/yes.md").read_text(encoding="utf-8")
    assert 'title: "Yes"' in text and "date: 2025-08-06 06:27 +0400" in text
    assert "draft: true" in text

    built = run_process(["build", "--no-search", "-q", "--drafts"], root)
    assert built.returncode == 0, built.stderr
    soup = page(root / "site", "/2025/08/yes/")
    assert soup.find("time")["datetime"] == "2025-08-06T06:27:00+04:00"
    assert soup.h1.get_text(strip=True) == "Yes"


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (
            ["new", "X", "--date", "31.02.2025"],
            2,
            "error: new: --date: '31.02.2025' is not a real day",
        ),
        (["new", "X", "--date", "soon"], 2, "error: new: --date: 'soon' is not a date"),
        (
            ["new", "!!!"],
            2,
            "error: new: the title '!!!' gives an empty slug: use letters or digits",
        ),
        (
            ["new", "X", "--tags", "!!!"],
            2,
            "error: new: --tags: '!!!': a tag needs letters or digits",
        ),
        (
            ["new", "X", "--tags", "Armenia, ++, .."],
            2,
            "error: new: --tags: '++', '..': a tag needs",
        ),
        (["new", "   "], 2, "error: new: the title is empty"),
        (["new", "X", "--tags", ",,,"], 2, "error: new: --tags: an empty tag"),
        (["new", "X", "--tags", "Armenia, #"], 2, "error: new: --tags: an empty tag"),
    ],
    ids=[
        "impossible-date",
        "bad-date",
        "empty-slug",
        "bad-tag",
        "bad-tags",
        "empty-title",
        "only-commas",
        "hash-only-tag",
    ],
)
def test_new_rejects_bad_input(write_site, argv: list[str], code: int, message: str) -> None:
    root = write_site({}, config=CONFIG)
    result = run_process(argv, root)
    assert result.returncode == code
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert not (root / "content").exists()


def test_new_outside_a_site_says_so(tmp_path: Path) -> None:
    result = run_process(["new", "Title"], tmp_path)
    assert result.returncode == 2
    assert "not a briefpress site" in result.stderr
    assert "briefpress init" in result.stderr
    assert list(tmp_path.iterdir()) == []


@given(st.text(min_size=1, max_size=40))
def test_yaml_text_reads_back_as_the_same_text(value: str) -> None:
    from briefpress.frontmatter import SafeLoader

    assert yaml.load(f"k: {yaml_text(value)}", SafeLoader) == {"k": value}
    assert yaml.load(f"k: [{yaml_text(value, in_list=True)}]", SafeLoader) == {"k": [value]}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("ARMENIA", "ARMENIA"),
        ("Title: dek", '"Title: dek"'),
        ("yes", '"yes"'),
        ("2025", '"2025"'),
        ("a, b", '"a, b"'),
    ],
)
def test_yaml_text_quotes_only_when_needed(value: str, written: str) -> None:
    assert yaml_text(value, in_list=True) == written

"""Newest first by the instant, also in the hour repeated when clocks go back.

Every brief's date is an aware datetime in the site's ZoneInfo, and Python compares and
subtracts two datetimes that share a tzinfo by wall-clock time (fold and offset ignored):
on 2 November 2025 in New York, 01:30-04:00 (05:30Z) is earlier than 01:10-05:00 (06:10Z)
although its wall clock reads later.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from conftest import brief_text, page

from briefpress.brief import Brief
from briefpress.config import SiteConfig
from briefpress.model import build_site, instant

NEW_YORK = ZoneInfo("America/New_York")
CONFIG = "title: Fold Test\nbase_url: https://example.org/\ntimezone: America/New_York\n"
FILES = {
    "content/a.md": brief_text("Earlier EDT", "2025-11-02T05:30:00Z", ["A"]),
    "content/b.md": brief_text("Later EST", "2025-11-02T06:10:00Z", ["A"]),
}
NEWEST_FIRST = ["Later EST", "Earlier EDT"]


@pytest.fixture
def out(build_site) -> Path:
    return build_site(FILES, CONFIG)


def brief_links(out: Path, url: str) -> list[str]:
    soup = page(out, url)
    return [
        a.get_text(strip=True)
        for a in soup.select("main a")
        if a.find_parent("svg") is None
        and a["href"].count("/") == 4
        and a.find_parent(class_="related") is None
    ]


@pytest.mark.parametrize("url", ["/", "/archive/", "/tags/a/", "/2025/", "/2025/11/"])
def test_lists_are_newest_first_across_the_fold(out: Path, url: str) -> None:
    assert brief_links(out, url) == NEWEST_FIRST


def test_feeds_are_newest_first_and_updated_by_the_instant(out: Path) -> None:
    for path in ("feed.xml", "tags/a/feed.xml"):
        feed = feedparser.parse((out / path).read_bytes())
        assert [e.title for e in feed.entries] == NEWEST_FIRST, path
        assert "<updated>2025-11-02T01:10:00-05:00</updated>" in (out / path).read_text(), path
    items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert [i["title"] for i in items] == NEWEST_FIRST
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    home = sitemap.split("<loc>https://example.org/</loc>")[1].split("</url>")[0]
    assert home == "<lastmod>2025-11-02T01:10:00-05:00</lastmod>"


def test_newer_and_older_links_across_the_fold(out: Path) -> None:
    earlier = page(out, "/2025/11/earlier-edt/")
    assert earlier.select_one("a.newer") is not None
    assert "Later EST" in earlier.select_one("a.newer").get_text()
    assert earlier.select_one("a.older") is None
    later = page(out, "/2025/11/later-est/")
    assert "Earlier EDT" in later.select_one("a.older").get_text()
    assert later.select_one("a.newer") is None


def test_pagefind_sort_is_the_utc_instant(out: Path) -> None:
    times = {
        slug: page(out, f"/2025/11/{slug}/").select_one("time[data-pagefind-sort]")
        for slug in ("earlier-edt", "later-est")
    }
    assert times["earlier-edt"]["data-pagefind-sort"] == "date:2025-11-02T05:30:00+00:00"
    assert times["later-est"]["data-pagefind-sort"] == "date:2025-11-02T06:10:00+00:00"
    # what is shown stays in the site's timezone
    assert times["earlier-edt"]["data-pagefind-meta"] == "date:2025-11-02T01:30:00-04:00"
    assert times["later-est"]["datetime"] == "2025-11-02T01:10:00-05:00"


def test_updated_in_the_repeated_hour_counts_when_later(build_site) -> None:
    files = {
        "content/a.md": brief_text(
            "Edited", "2025-11-02T05:30:00Z", ["A"], updated="2025-11-02T06:10:00Z"
        )
    }
    out = build_site(files, CONFIG)
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.entries[0].updated == "2025-11-02T01:10:00-05:00"
    meta = page(out, "/2025/11/edited/").find("meta", property="article:modified_time")
    assert meta["content"] == "2025-11-02T01:10:00-05:00"


def make_brief(name: str, utc: str, tags: tuple[str, ...] = ("A",)) -> Brief:
    moment = dt.datetime.fromisoformat(utc).astimezone(NEW_YORK)
    return Brief(
        source=f"content/{name}.md",
        title=name,
        date=moment,
        slug=name,
        url=f"/{name}/",
        tags=tags,
        body_utf8=b"<p>Body.</p>",
        summary="Body.",
    )


def test_related_nearest_in_time_by_the_instant() -> None:
    # x at 01:30 EDT (05:30Z); y at 01:10 EST (06:10Z), 40 minutes later but 20 by the
    # wall clock; z at 01:00 EDT (05:00Z), 30 minutes earlier
    x = make_brief("x", "2025-11-02T05:30:00+00:00")
    y = make_brief("y", "2025-11-02T06:10:00+00:00")
    z = make_brief("z", "2025-11-02T05:00:00+00:00")
    site, problems = build_site([x, y, z], SiteConfig(timezone="America/New_York"))
    assert problems == []
    assert [b.title for b in site.briefs] == ["y", "x", "z"]
    assert [b.title for b in site.related(x)] == ["z", "y"]
    assert [b.title for b in site.related(y)] == ["x", "z"]


def test_scheduled_by_the_instant() -> None:
    x = make_brief("x", "2025-11-02T05:30:00+00:00")
    y = make_brief("y", "2025-11-02T06:10:00+00:00")
    now = dt.datetime(2025, 11, 2, 6, 0, tzinfo=dt.UTC).astimezone(NEW_YORK)  # 01:00 EST
    site, _ = build_site([x, y], SiteConfig(timezone="America/New_York"), now=now)
    assert [b.title for b in site.briefs] == ["x"]


def test_instant_orders_across_the_fold() -> None:
    first = dt.datetime(2025, 11, 2, 1, 30, tzinfo=NEW_YORK)
    second = dt.datetime(2025, 11, 2, 1, 10, fold=1, tzinfo=NEW_YORK)
    assert first > second  # the wall clock
    assert instant(first) < instant(second)
    assert instant(second) - instant(first) == dt.timedelta(minutes=40)

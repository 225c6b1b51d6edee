"""sitemap.xml lists every page, robots.txt points to it, CNAME follows the setting,
and every page carries the header navigation."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import brief_text, page

BASE = "https://example.org/briefs/"
CONFIG = f"title: Map Test\nbase_url: {BASE}\ntimezone: Asia/Yerevan\nper_page: 2\n"
FILES = {
    "content/a.md": brief_text("Armenian Talks", "2025-07-01 10:00", ["Հայաստան", "USA"]),
    "content/b.md": brief_text("Russian Reply", "2025-08-02 11:00", ["Россия", "USA"]),
    "content/c.md": brief_text(
        "Budget", "2025-08-03 12:00", ["Economy"], updated="2025-10-01 09:00"
    ),
    "content/d.md": brief_text("Later", "2026-01-04 13:00", ["USA"]),
    "content/e.md": brief_text("Ուղերձ", "2026-02-05 14:00", ["Հայաստան"], slug="ուղերձ"),
}
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def out(build_site) -> Path:
    return build_site(FILES, CONFIG)


def sitemap_entries(out: Path) -> dict[str, str | None]:
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    entries = {}
    for url in root.findall("s:url", SITEMAP_NS):
        loc = url.findtext("s:loc", namespaces=SITEMAP_NS)
        assert loc not in entries, f"{loc} listed twice"
        entries[loc] = url.findtext("s:lastmod", namespaces=SITEMAP_NS)
    return entries


def test_sitemap_lists_every_html_page_but_404(out: Path) -> None:
    written = {
        BASE + quote(path.parent.relative_to(out).as_posix() + "/").removeprefix("./")
        for path in out.rglob("index.html")
    }
    entries = sitemap_entries(out)
    assert set(entries) == written
    assert not any("404" in loc for loc in entries)
    # percent-encoded: Armenian and Cyrillic tags and slugs appear as %XX only
    assert all(loc.isascii() for loc in entries)
    assert BASE + "tags/" + quote("հայաստան") + "/" in entries
    assert BASE + "tags/" + quote("россия") + "/" in entries
    assert BASE + "2026/02/" + quote("ուղերձ") + "/" in entries
    assert BASE + "tags/usa/page/2/" in entries


def test_every_sitemap_entry_has_an_rfc3339_lastmod(out: Path) -> None:
    entries = sitemap_entries(out)
    for loc, lastmod in entries.items():
        assert lastmod, f"{loc} has no lastmod"
        assert dt.datetime.fromisoformat(lastmod).utcoffset() == dt.timedelta(hours=4)
    assert entries[BASE + "2025/07/armenian-talks/"] == "2025-07-01T10:00:00+04:00"
    # a brief's lastmod is its `updated` date, and pages listing it follow
    assert entries[BASE + "2025/08/budget/"] == "2025-10-01T09:00:00+04:00"
    assert entries[BASE + "tags/economy/"] == "2025-10-01T09:00:00+04:00"
    # pages summing up the whole site take the newest date of all
    for summary in ("tags/", "archive/", "search/"):
        assert entries[BASE + summary] == "2026-02-05T14:00:00+04:00"


def test_robots_points_to_sitemap(out: Path) -> None:
    lines = (out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines


def test_cname_written_only_when_set(out: Path, build_site) -> None:
    assert not (out / "CNAME").exists()
    with_cname = build_site(FILES, CONFIG + "cname: news.example.org\n")
    assert (with_cname / "CNAME").read_text(encoding="utf-8") == "news.example.org\n"
    assert (with_cname / ".nojekyll").exists()


NAVIGATION = {
    "Latest": "/briefs/",
    "Archive": "/briefs/archive/",
    "Tags": "/briefs/tags/",
    "Search": "/briefs/search/",
}


def test_every_page_has_the_header_navigation(out: Path) -> None:
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 15
    for path in pages:
        soup = page(out, "/" + path.relative_to(out).as_posix())
        header = soup.find("header")
        assert header is not None, path
        links = {a.get_text(strip=True): a["href"] for a in header.select("nav a")}
        assert NAVIGATION.items() <= links.items(), path
        assert header.select_one('form[role="search"] input[name="q"]'), path

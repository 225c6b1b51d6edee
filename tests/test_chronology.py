"""The chronology: /archive/ (year > month > day, with a month chart) and /YYYY/, /YYYY/MM/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import brief_text, page

from briefpress.brief import Brief
from briefpress.chart import MonthCount, month_counts

CONFIG = "title: Time Test\nbase_url: https://example.org/\ntimezone: UTC\n"
FILES = {
    "content/a.md": brief_text("Winter", "2024-12-30 18:00", ["Armenia"]),
    "content/b.md": brief_text("January Early", "2025-01-03 09:00", ["Armenia"]),
    "content/c.md": brief_text("January Late", "2025-01-03 17:00", ["USA"]),
    "content/d.md": brief_text("January Next", "2025-01-20 08:00", ["USA"]),
    "content/e.md": brief_text("March", "2025-03-15 12:00", ["Armenia"]),
}


@pytest.fixture
def out(build_site) -> Path:
    return build_site(FILES, CONFIG)


def listed(soup: BeautifulSoup) -> list[str]:
    """Links to briefs in the main content, in order (period links and the chart left out)."""
    return [
        a.get_text(strip=True)
        for a in soup.select("main a")
        if a.find_parent("svg") is None and a["href"].count("/") == 4
    ]


def test_archive_groups_year_month_day_newest_first_with_counts(out: Path) -> None:
    soup = page(out, "/archive/")
    years = [
        (s.h2.a["href"], s.h2.select_one(".count").get_text())
        for s in soup.select("section.archive-year")
    ]
    assert years == [("/2025/", "4"), ("/2024/", "1")]
    months = [
        (s.h3.a["href"], s.h3.select_one(".count").get_text())
        for s in soup.select("section.archive-month")
    ]
    assert months == [("/2025/03/", "1"), ("/2025/01/", "3"), ("/2024/12/", "1")]
    january = soup.select("section.archive-month")[1]
    days = [h.get_text(strip=True) for h in january.select("h4")]
    assert days == ["January 20, 2025", "January 3, 2025"]
    assert listed(january) == ["January Next", "January Late", "January Early"]
    assert listed(soup) == ["March", "January Next", "January Late", "January Early", "Winter"]


def test_archive_chart_is_inline_svg_with_labels(out: Path) -> None:
    soup = page(out, "/archive/")
    assert not soup.select("main script")
    svg = soup.select_one("main figure svg")
    assert svg["aria-labelledby"] == svg.title["id"]
    assert svg.title.get_text(strip=True)
    bars = svg.find_all("a")
    assert [(a["href"], a.title.get_text()) for a in bars] == [
        ("/2024/12/", "December 2024: 1 brief"),
        ("/2025/01/", "January 2025: 3 briefs"),
        ("/2025/03/", "March 2025: 1 brief"),
    ]
    heights = [float(a.rect["height"]) for a in bars]
    assert heights[1] == max(heights)
    assert heights[0] == heights[2] == pytest.approx(heights[1] / 3, abs=0.1)
    # four month slots (December to March); February is empty, so it has no bar and no link
    assert svg["viewbox"].split()[2] == str(4 * 8)


def test_period_pages_list_their_briefs_and_neighbours(out: Path) -> None:
    year = page(out, "/2025/")
    assert listed(year) == ["March", "January Next", "January Late", "January Early"]
    assert year.select_one('a[rel="prev"]')["href"] == "/2024/"
    assert year.select_one('a[rel="next"]') is None
    assert {a["href"] for a in year.select(".period-months a")} == {"/2025/01/", "/2025/03/"}

    march = page(out, "/2025/03/")
    assert listed(march) == ["March"]
    assert march.select_one('a[rel="prev"]')["href"] == "/2025/01/"  # February is empty
    assert march.select_one('a[rel="next"]') is None
    assert not (out / "2025" / "02").exists()

    january = page(out, "/2025/01/")
    assert listed(january) == ["January Next", "January Late", "January Early"]
    assert january.select_one('a[rel="next"]')["href"] == "/2025/03/"
    assert january.select_one('a[rel="prev"]')["href"] == "/2024/12/"

    december = page(out, "/2024/12/")
    assert december.select_one('a[rel="next"]')["href"] == "/2025/01/"
    assert december.select_one('a[rel="prev"]') is None


@pytest.mark.parametrize(
    ("timezone", "month", "shown"),
    [
        ("Asia/Yerevan", "/2025/08/", "2025-08-01T01:00:00+04:00"),
        ("UTC", "/2025/07/", "2025-07-31T21:00:00+00:00"),
    ],
)
def test_periods_follow_the_site_timezone(
    build_site, timezone: str, month: str, shown: str
) -> None:
    files = {
        "content/edge.md": brief_text("Edge", "2025-08-01 01:00 +04:00", ["Armenia"]),
        "content/july.md": brief_text("July", "2025-07-10 12:00", ["Armenia"]),
        "content/august.md": brief_text("August", "2025-08-20 12:00", ["Armenia"]),
    }
    out = build_site(files, CONFIG.replace("UTC", timezone))
    other = "/2025/07/" if month == "/2025/08/" else "/2025/08/"
    assert "Edge" in listed(page(out, month))
    assert "Edge" not in listed(page(out, other))
    edge = page(out, month + "edge/")
    assert edge.select_one("article time")["datetime"] == shown
    archive = page(out, "/archive/")
    section = next(s for s in archive.select("section.archive-month") if s.h3.a["href"] == month)
    assert section.h3.select_one(".count").get_text() == "2"


def brief_at(year: int, month: int, day: int = 1) -> Brief:
    moment = dt.datetime(year, month, day, tzinfo=dt.UTC)
    return Brief(f"content/{moment:%Y%m%d}.md", "T", moment, "t", "/t/", (), b"", "")


def test_month_counts_fill_empty_months_across_years() -> None:
    briefs = [brief_at(2025, 2, 3), brief_at(2024, 11), brief_at(2025, 2, 9)]
    assert month_counts(briefs) == (
        MonthCount(2024, 11, 1),
        MonthCount(2024, 12, 0),
        MonthCount(2025, 1, 0),
        MonthCount(2025, 2, 2),
    )
    assert month_counts([]) == ()
    assert month_counts(briefs)[-1].url == "/2025/02/"

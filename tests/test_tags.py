"""Tag pages: the /tags/ index, one page (and feed) per tag, case folding, any script."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from conftest import brief_text, page, serve_folder

CONFIG = "title: Tag Test\nbase_url: https://example.org/\ntimezone: UTC\nper_page: 2\n"
FILES = {
    # #USA is spelled three ways; "usa" is used by the most briefs.
    "content/u1.md": brief_text("One", "2025-01-05 10:00", ["USA", "Armenia"]),
    "content/u2.md": brief_text("Two", "2025-02-06 10:00", ["usa"]),
    "content/u3.md": brief_text("Three", "2025-03-07 10:00", ["Usa", "Armenia"]),
    "content/u4.md": brief_text("Four", "2025-05-08 10:00", ["usa", "Armenia"]),
    "content/u5.md": brief_text("Five", "2025-05-09 10:00", ["usa"], body="Talks. #USA"),
    "content/hy.md": brief_text("Six", "2025-06-10 10:00", ["Հայաստան", "Armenia"]),
    "content/ru.md": brief_text("Seven", "2025-06-11 10:00", ["Россия"], body="Москва. #Россия"),
    "content/ge.md": brief_text("Eight", "2025-06-12 10:00", ["Georgia"]),
}


@pytest.fixture
def out(build_site) -> Path:
    return build_site(FILES, CONFIG)


def titles(soup: BeautifulSoup) -> list[str]:
    """Brief titles in the order a list page shows them."""
    return [a.get_text(strip=True) for a in soup.select("main article h2 a, main article h3 a")]


def test_tags_index_sorted_by_count_then_name_and_sized(out: Path) -> None:
    items = page(out, "/tags/").select("main li")
    shown = [(li.a.get_text(strip=True), int(li.select_one(".count").get_text())) for li in items]
    assert shown == [
        ("#usa", 5),
        ("#Armenia", 4),
        ("#Georgia", 1),
        ("#Россия", 1),
        ("#Հայաստան", 1),
    ]
    assert [li.a["href"] for li in items][:2] == ["/tags/usa/", "/tags/armenia/"]
    weights = [int(next(c for c in li["class"] if c.startswith("w"))[1:]) for li in items]
    assert weights == sorted(weights, reverse=True)
    assert weights[0] > weights[-1]  # the big story stands out


def test_spellings_of_one_tag_share_one_page(out: Path) -> None:
    assert sorted(p.name for p in (out / "tags").iterdir()) == [
        "armenia",
        "georgia",
        "index.html",
        "usa",
        "россия",
        "հայաստան",
    ]
    usa = page(out, "/tags/usa/")
    assert usa.h1.get_text(strip=True) == "#usa"
    assert usa.title.get_text().startswith("#usa")


def test_tag_display_name_ties_and_tag_names(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-01-01", ["Usa", "eu"]),
            "content/b.md": brief_text("B", "2025-01-02", ["usa", "Eu"]),
        },
        CONFIG + "tag_names: {eu: EU}\n",
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    assert page(root / "site", "/tags/usa/").h1.get_text(strip=True) == "#Usa"  # U+0055 < U+0075
    assert page(root / "site", "/tags/eu/").h1.get_text(strip=True) == "#EU"


def test_tag_page_newest_first_with_count_range_and_feed(out: Path) -> None:
    first = page(out, "/tags/usa/")
    meta = first.select_one("main header")
    assert "5 briefs" in meta.get_text(" ", strip=True)
    oldest, newest = (t["datetime"] for t in meta.select("time"))
    assert (oldest, newest) == ("2025-01-05T10:00:00+00:00", "2025-05-09T10:00:00+00:00")
    assert meta.select_one('a[href="/tags/usa/feed.xml"]')
    alternate = first.select('head link[rel="alternate"][type="application/atom+xml"]')
    assert "/tags/usa/feed.xml" in [link["href"] for link in alternate]

    shown = []
    for url in ("/tags/usa/", "/tags/usa/page/2/", "/tags/usa/page/3/"):
        soup = page(out, url)
        assert soup.h1.get_text(strip=True) == "#usa"
        shown += titles(soup)
    assert shown == ["Five", "Four", "Three", "Two", "One"]
    assert not (out / "tags/usa/page/4").exists()
    assert first.select_one('nav a[rel="next"]')["href"] == "/tags/usa/page/2/"


def test_tag_page_charts_its_own_months(out: Path) -> None:
    svg = page(out, "/tags/usa/").select_one("main svg")
    assert "#usa" in svg.title.get_text()
    bars = {a["href"]: a.title.get_text() for a in svg.find_all("a")}
    assert bars == {
        "/2025/01/": "January 2025: 1 brief",
        "/2025/02/": "February 2025: 1 brief",
        "/2025/03/": "March 2025: 1 brief",
        "/2025/05/": "May 2025: 2 briefs",
    }
    assert not page(out, "/tags/usa/page/2/").select("main svg")


def test_brief_page_links_its_tags_with_counts(out: Path) -> None:
    soup = page(out, "/2025/06/six/")
    chips = {
        a["href"]: a.find_next_sibling(class_="count").get_text()
        for a in soup.select("article a.tag")
    }
    assert chips == {"/tags/հայաստան/": "1", "/tags/armenia/": "4"}


def test_unicode_tags_have_pages(out: Path) -> None:
    for slug, name in (("հայաստան", "#Հայաստան"), ("россия", "#Россия")):
        soup = page(out, f"/tags/{slug}/")
        assert soup.h1.get_text(strip=True) == name
        assert (out / "tags" / slug / "feed.xml").exists()
    inline = page(out, "/2025/06/seven/").select_one("article a.hashtag")
    assert inline["href"] == "/tags/россия/"


@pytest.fixture
def server(out: Path) -> Iterator[str]:
    """The built site served by Python's own http.server, as a user would preview it."""
    with serve_folder(out) as origin:
        yield origin


@pytest.mark.parametrize("slug", ["հայաստան", "россия"])
def test_percent_encoded_tag_urls_are_served(server: str, slug: str) -> None:
    with urllib.request.urlopen(f"{server}/tags/{quote(slug)}/", timeout=10) as response:
        assert response.status == 200
        soup = BeautifulSoup(response.read().decode("utf-8"), "html.parser")
    assert soup.h1.get_text(strip=True).casefold() == "#" + slug
    with urllib.request.urlopen(f"{server}/tags/{quote(slug)}/feed.xml", timeout=10) as response:
        assert response.status == 200


@pytest.mark.parametrize(
    "tags_line",
    ["tags: ['#']", "tags: ['']", "tags: ['  ']", "tags: '#, ,'", "tags: [Armenia, '#']"],
    ids=["hash-only", "empty", "blank", "string-of-empties", "one-of-two"],
)
def test_an_empty_tag_is_an_error_not_dropped(write_site, run_cli, tags_line: str) -> None:
    text = f"---\ntitle: X\ndate: 2025-01-01\n{tags_line}\n---\nBody.\n"
    root = write_site({"content/x.md": text})
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 1
    assert err.splitlines()[0] == "content/x.md:4: tags: an empty tag (remove it or write a name)"
    assert "failed: 1 problem" in err
    assert not (root / "site").exists()


@pytest.mark.parametrize("tags_line", ["tags: []", "tags: ''", "tags:"])
def test_no_tags_written_empty_is_no_tags(write_site, run_cli, tags_line: str) -> None:
    text = f"---\ntitle: X\ndate: 2025-01-01\n{tags_line}\n---\nBody.\n"
    root = write_site({"content/x.md": text})
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err

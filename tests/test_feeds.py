"""Atom and JSON feeds: parsed by feedparser and checked against the JSON Feed 1.1 rules."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import brief_text, page
from hypothesis import given, settings
from hypothesis import strategies as st

from briefpress import feeds
from briefpress.feeds import xml_escape

BASE = "https://example.org/briefs/"
CONFIG = (
    "title: Feed Test\n"
    "description: Briefs for feed readers\n"
    f"base_url: {BASE}\n"
    "timezone: Asia/Yerevan\n"
    "feed_items: 3\n"
)
HOSTILE = """<script>alert("x")</script> & 'quotes' "double\""""


def brief(title: str, date: str, tags: list[str], body: str) -> str:
    """A brief whose title may hold any character (JSON strings are YAML)."""
    return f"---\ntitle: {json.dumps(title)}\ndate: {date}\ntags: {json.dumps(tags)}\n---\n{body}\n"


FILES = {
    "content/a.md": brief("Oldest", "2025-01-10 09:00", ["Armenia"], "First."),
    "content/b.md": brief("Second", "2025-03-01 12:00 +0000", ["Armenia", "USA"], "Second."),
    "content/c.md": brief(
        "Third",
        "2025-06-15 18:30",
        ["usa"],
        "A talk on #Zangezur[^1] with a [map](/maps/south/).\n\n[^1]: The southern route.",
    ),
    "content/d.md": brief(HOSTILE, "2025-08-06 06:27", ["Armenia"], "Escaping *matters*."),
    "content/e.md": brief("Newest", "2025-09-02 12:30", ["Georgia"], "Last one."),
}
NEWEST_THREE = ["Newest", HOSTILE, "Third"]


@pytest.fixture
def out(build_site) -> Path:
    return build_site(FILES, CONFIG)


def parse_feed(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_site_atom_feed(out: Path) -> None:
    feed = parse_feed(out / "feed.xml")
    assert feed.feed.title == "Feed Test"
    assert feed.feed.id == BASE + "feed.xml"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": BASE + "feed.xml", "alternate": BASE}
    assert feed.feed.updated == "2025-09-02T12:30:00+04:00"

    assert [e.title for e in feed.entries] == NEWEST_THREE
    assert [e.published for e in feed.entries] == [
        "2025-09-02T12:30:00+04:00",
        "2025-08-06T06:27:00+04:00",
        "2025-06-15T18:30:00+04:00",
    ]
    for entry in feed.entries:
        assert entry.id == entry.link
        assert entry.link.startswith(BASE)
        assert entry.summary
        assert entry.content[0].type == "text/html"


def test_atom_entry_content_is_full_with_absolute_links(out: Path) -> None:
    third = parse_feed(out / "feed.xml").entries[2]
    assert third.link == BASE + "2025/06/third/"
    content = third.content[0].value
    assert "The southern route." in content  # the footnote: the whole body, not the summary
    hrefs = re.findall(r'href="([^"]+)"', content)
    assert BASE + "tags/zangezur/" in hrefs
    assert BASE + "maps/south/" in hrefs  # a site path in Markdown gets the base path
    assert all(h.startswith(("https://", "mailto:")) for h in hrefs), hrefs
    assert third.summary.startswith("A talk on #Zangezur")
    assert {t.term for t in third.tags} == {"usa", "zangezur"}


def test_srcset_urls_in_feeds_are_absolute_with_their_descriptors(build_site) -> None:
    body = (
        '<img srcset="/a.png 1x, /b.png 2x" src="/a.png" alt="A">\n\n'
        "<picture><source srcset='small.png 480w,https://cdn.example.net/big.png 1080w'>"
        '<img src="/c.png" alt="C"></picture>\n'
    )
    out = build_site({"content/x.md": brief("Pictures", "2025-05-01 10:00", ["A"], body)}, CONFIG)
    page_url = BASE + "2025/05/pictures/"
    want = {
        "/a.png 1x, /b.png 2x": "https://example.org/a.png 1x, https://example.org/b.png 2x",
        "small.png 480w,https://cdn.example.net/big.png 1080w": page_url
        + "small.png 480w,https://cdn.example.net/big.png 1080w",
    }
    ns = {"a": "http://www.w3.org/2005/Atom"}
    atom = ET.parse(out / "feed.xml").find("a:entry/a:content", ns).text
    json_html = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"][0]
    for html in (atom, json_html["content_html"]):
        soup = BeautifulSoup(html, "html.parser")
        assert [tag["srcset"] for tag in soup.select("[srcset]")] == list(want.values())
        assert [img["src"] for img in soup.select("img")] == [
            "https://example.org/a.png",
            "https://example.org/c.png",
        ]


@pytest.mark.parametrize(
    ("srcset", "expected"),
    [
        ("/a.png", "https://example.org/a.png"),
        ("/a.png 1x,/b.png 2x", "https://example.org/a.png 1x,https://example.org/b.png 2x"),
        (" /a.png  1.5x , b.png 2x ", " https://example.org/a.png  1.5x , P/b.png 2x "),
        (
            "/a.png?w=1,2 1x, /b.png 2x",
            "https://example.org/a.png?w=1,2 1x, https://example.org/b.png 2x",
        ),
        ("/a.png 1x,", "https://example.org/a.png 1x,"),
        ("//cdn.example.net/a.png 1x", "https://cdn.example.net/a.png 1x"),
        (
            "http://x.org/a.png 1x, ../up.png 2x",
            "http://x.org/a.png 1x, https://example.org/2025/05/up.png 2x",
        ),
    ],
    ids=[
        "one",
        "no-spaces",
        "spaces",
        "comma-in-url",
        "trailing-comma",
        "scheme-relative",
        "relative",
    ],
)
def test_absolute_links_of_a_srcset(srcset: str, expected: str) -> None:
    page_url = "https://example.org/2025/05/pictures/"
    expected = expected.replace("P/", page_url)
    html = f'<img alt="" srcset="{srcset}">'
    assert feeds.absolute_links(html, page_url) == f'<img alt="" srcset="{expected}">'


def test_titles_are_escaped_and_round_trip(out: Path) -> None:
    raw = (out / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [t.text for t in ET.fromstring(raw).findall("a:entry/a:title", ns)]
    assert titles == NEWEST_THREE
    assert parse_feed(out / "feed.xml").entries[1].title == HOSTILE
    items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert items[1]["title"] == HOSTILE


def test_tag_feed_holds_only_that_tag(out: Path) -> None:
    feed = parse_feed(out / "tags" / "armenia" / "feed.xml")
    assert [e.title for e in feed.entries] == [HOSTILE, "Second", "Oldest"]
    assert feed.feed.id == BASE + "tags/armenia/feed.xml"
    assert {link.rel: link.href for link in feed.feed.links}["alternate"] == BASE + "tags/armenia/"
    usa = parse_feed(out / "tags" / "usa" / "feed.xml")
    assert [e.title for e in usa.entries] == ["Third", "Second"]
    # A brief written with an explicit UTC offset is shown in the site zone.
    assert usa.entries[1].published == "2025-03-01T16:00:00+04:00"


RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def test_json_feed_follows_version_1_1(out: Path) -> None:
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Feed Test"
    assert feed["home_page_url"] == BASE
    assert feed["feed_url"] == BASE + "feed.json"
    assert feed["description"] == "Briefs for feed readers"
    assert feed["language"] == "en"
    assert all(isinstance(a["name"], str) and a["name"] for a in feed["authors"])
    assert "author" not in feed  # deprecated in 1.1

    items = feed["items"]
    assert [i["title"] for i in items] == NEWEST_THREE
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        assert isinstance(item["id"], str) and item["id"] == item["url"]
        assert item["url"].startswith(BASE)
        assert isinstance(item["content_html"], str) and item["content_html"]
        assert isinstance(item["summary"], str) and item["summary"]
        for key in ("date_published", "date_modified"):
            assert RFC3339.fullmatch(item[key]), item[key]
            assert item[key].endswith("+04:00")
        assert isinstance(item["tags"], list) and all(isinstance(t, str) for t in item["tags"])
    assert items[2]["tags"] == ["USA", "Zangezur"]  # one brief each: first in code-point order
    assert 'href="https://example.org/briefs/tags/zangezur/"' in items[2]["content_html"]


def test_feeds_are_stable_across_builds(out: Path, run_cli) -> None:
    first = {name: (out / name).read_bytes() for name in ("feed.xml", "feed.json")}
    code, _, err = run_cli(["build", "--no-search", "-q"], out.parent)
    assert code == 0, err
    assert {name: (out / name).read_bytes() for name in first} == first


def test_offsets_follow_daylight_saving(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/winter.md": brief("Winter", "2025-01-15 10:00", ["Berlin"], "Cold."),
            "content/summer.md": brief("Summer", "2025-07-15 10:00", ["Berlin"], "Warm."),
        },
        f"title: DST\nbase_url: {BASE}\ntimezone: Europe/Berlin\n",
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    items = json.loads((root / "site" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert [i["date_published"] for i in items] == [
        "2025-07-15T10:00:00+02:00",
        "2025-01-15T10:00:00+01:00",
    ]
    entries = parse_feed(root / "site" / "feed.xml").entries
    assert [dt.datetime.fromisoformat(e.published) for e in entries] == [
        dt.datetime(2025, 7, 15, 8, tzinfo=dt.UTC),
        dt.datetime(2025, 1, 15, 9, tzinfo=dt.UTC),
    ]


def test_every_page_links_its_feeds(out: Path) -> None:
    from conftest import page

    home = page(out, "/")
    alternates = {(ln["type"], ln["href"]) for ln in home.select('link[rel="alternate"]')}
    assert ("application/atom+xml", "/briefs/feed.xml") in alternates
    assert ("application/feed+json", "/briefs/feed.json") in alternates
    tag = page(out, "/tags/usa/")
    tag_alternates = {ln["href"] for ln in tag.select('link[rel="alternate"]')}
    assert "/briefs/tags/usa/feed.xml" in tag_alternates


def test_an_update_before_the_date_is_not_a_modification_anywhere(build_site) -> None:
    """Atom, JSON Feed and the page's JSON-LD agree: `updated` counts only when later."""
    import json as jsonlib

    out = build_site(
        {
            "content/a.md": brief_text(
                "Early update", "2025-05-01 10:00", ["A"], updated="2025-04-01 10:00"
            )
        }
    )
    html = (out / "2025/05/early-update/index.html").read_text(encoding="utf-8")
    ld = jsonlib.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert ld["dateModified"] == ld["datePublished"] == "2025-05-01T10:00:00+00:00"
    feed = jsonlib.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["date_modified"] == "2025-05-01T10:00:00+00:00"
    assert "<updated>2025-05-01T10:00:00+00:00</updated>" in (out / "feed.xml").read_text()


def test_open_graph_modified_time_agrees_with_the_modified_filter(build_site) -> None:
    """article:modified_time, and 'Updated' in the dateline, appear only for an `updated`
    later than `date`, as dateModified."""
    out = build_site(
        {
            "content/a.md": brief_text(
                "Early update", "2025-05-01 10:00", ["A"], updated="2025-04-01 10:00"
            ),
            "content/b.md": brief_text(
                "Same time", "2025-05-02 10:00", ["A"], updated="2025-05-02 10:00"
            ),
            "content/c.md": brief_text(
                "Late update", "2025-05-03 10:00", ["A"], updated="2025-06-01 08:30"
            ),
        }
    )

    def modified_time(url: str) -> str | None:
        meta = page(out, url).find("meta", property="article:modified_time")
        return None if meta is None else meta["content"]

    assert modified_time("/2025/05/early-update/") is None
    assert modified_time("/2025/05/same-time/") is None
    assert modified_time("/2025/05/late-update/") == "2025-06-01T08:30:00+00:00"
    early = (out / "2025/05/early-update/index.html").read_text(encoding="utf-8")
    late = (out / "2025/05/late-update/index.html").read_text(encoding="utf-8")
    assert 'class="updated"' not in early
    assert '<time datetime="2025-06-01T08:30:00+00:00">' in late.split('class="updated"')[1]


@settings(max_examples=1000, deadline=None)
@given(
    st.text(
        st.sampled_from([*"a \n\t\r\x00\x08\x0b\x1f\x7f\ufffe\uffffé“", "\U0001f600"])
        | st.characters()
    )
)
def test_characters_xml_cannot_hold_are_found_in_long_text(text: str) -> None:
    assert feeds._may_hold_not_xml(text) == bool(feeds._NOT_XML.search(text))
    long = text * (201 // max(1, len(text)) + 1)
    assert xml_escape(long) == xml_escape_by_hand(long)


def xml_escape_by_hand(text: str) -> str:
    text = feeds._NOT_XML.sub("", text)
    for char, entity in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ('"', "&quot;"),
        ("'", "&apos;"),
    ):
        text = text.replace(char, entity)
    return text

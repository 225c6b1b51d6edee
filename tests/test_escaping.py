"""Hostile text in every front-matter field and setting reaches no output unescaped.

`<script>`, quotes, `&`, `]]>`, `</script>` and `javascript:` URLs go through titles, tags,
summary, slug, author/image/source, tag_names and the site title and description, plus raw
HTML in a body with `html: false`. Every output is parsed (HTML with BeautifulSoup, XML
with ElementTree, JSON with json) and, in a real browser, no page opens a dialog.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import serve_folder

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

TITLE = """<script>alert(1)</script> "Quoted" 'single' & ]]> </script><script>alert(2)</script>"""
SECOND = """Second <img src=x onerror=alert(3)> & "more" ]]>"""
SUMMARY = """<b onmouseover=alert(4)>Summary</b> & "q" 'a' ]]> </script>"""
SITE_TITLE = """Site <script>alert(5)</script> "T" & ]]>"""
SITE_DESCRIPTION = """</title><script>alert(6)</script> & 'd' ]]>"""
TAGS = ["<script>alert(7)</script>", '"Quoted"', "a&b", "]]>cdata", "javascript:alert(8)"]
TAG_DISPLAY = """<i onclick=alert(9)>Named</i> "&" ]]>"""
SLUG = """x<y>"'&z"""
BODY = """Raw <script>alert(10)</script> and <img src=x onerror=alert(11)>.

A [link](javascript:alert(12)) and <javascript:alert(13)> and #Zangezur.

<iframe src="javascript:alert(14)"></iframe>
"""


def front(**fields: object) -> str:
    """YAML front matter with every value as a JSON string (JSON is valid YAML)."""
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def site_files(base_url: str) -> dict[str, str]:
    config = {
        "title": SITE_TITLE,
        "description": SITE_DESCRIPTION,
        "base_url": base_url,
        "timezone": "UTC",
        "html": False,
        "tag_names": {"a-b": TAG_DISPLAY},
    }
    return {
        "site.yaml": json.dumps(config, ensure_ascii=False),
        "content/hostile.md": front(
            title=TITLE,
            date="2025-08-06 06:27",
            tags=TAGS,
            summary=SUMMARY,
            slug=SLUG,
            author="</script><script>alert(15)</script>",
            image="javascript:alert(16)",
            image_alt='" onerror="alert(17)',
            image_caption="<script>alert(18)</script>",
            source="javascript://%0aalert(19)",
        )
        + BODY,
        "content/second.md": front(
            title=SECOND,
            date="2025-08-07 08:00",
            tags=TAGS[:2],
            image="JAVASCRIPT://%0aalert(20)",
            source="https://example.org/a?b=1&c=<2>",
        )
        + "Plain body.\n",
    }


def build(write_site, run_cli, base_url: str = "https://example.org/news/") -> Path:
    root = write_site(site_files(base_url), config=None)
    code, out, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, out + err
    return root / "site"


@pytest.fixture
def out(write_site, run_cli) -> Path:
    return build(write_site, run_cli)


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def brief_page(out: Path, slug: str = SLUG) -> BeautifulSoup:
    return parse(out / "2025" / "08" / slug / "index.html")


def dangerous_url(value: str) -> bool:
    """What a browser would run: javascript:/vbscript:/data: after dropping blanks and controls."""
    cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
    return cleaned.startswith(("javascript:", "vbscript:", "data:text/html"))


def test_no_page_gains_a_script_handler_or_javascript_url(out: Path) -> None:
    pages = html_pages(out)
    assert len(pages) > 10
    for path in pages:
        soup = parse(path)
        for script in soup.find_all("script"):
            assert "alert" not in script.get("src", ""), path
            if script.get("type") != "application/ld+json":
                assert "alert" not in script.get_text(), f"{path}: injected script"
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                assert not name.lower().startswith("on"), f"{path}: <{tag.name} {name}>"
                if name in ("href", "src", "action", "formaction", "poster"):
                    assert not dangerous_url(str(value)), f"{path}: {tag.name} {name}={value!r}"
        for meta in soup.find_all("meta", property=re.compile("image|url")):
            assert not dangerous_url(meta["content"]), f"{path}: {meta}"
        for frame in soup.find_all(["iframe", "object", "embed"]):
            raise AssertionError(f"{path}: raw <{frame.name}> passed through with html: false")


def test_brief_page_shows_every_value_as_text(out: Path) -> None:
    soup = brief_page(out)
    assert soup.find("h1").get_text() == TITLE
    assert soup.title.get_text().startswith(TITLE)
    assert SITE_TITLE in soup.title.get_text()
    assert soup.find("meta", attrs={"name": "description"})["content"] == SUMMARY
    assert soup.find("meta", property="og:title")["content"] == TITLE
    tag_texts = [a.get_text() for a in soup.select("article .tags a")]
    assert "#<script>alert(7)</script>" in tag_texts
    assert f"#{TAG_DISPLAY}" in tag_texts, "tag_names display name is shown as text"
    body = soup.select_one(".brief-body")
    assert "<script>alert(10)</script>" in body.get_text(), "raw HTML shown as text"
    assert body.find("script") is None and body.find("img") is None
    assert "</script><script>alert(15)</script>" in soup.get_text(), "author shown as text"
    for image in soup.find_all("img"):
        assert image["alt"] == '" onerror="alert(17)'
        assert image["src"].startswith("/news/"), "a non-http image stays a site path"


def test_json_ld_parses_and_round_trips_the_title(out: Path) -> None:
    blocks = brief_page(out).find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    data = json.loads(blocks[0].string)
    assert data["headline"] == TITLE
    assert data["description"] == SUMMARY
    assert set(data["keywords"]) >= {"<script>alert(7)</script>", TAG_DISPLAY}
    assert data["publisher"]["name"] == SITE_TITLE
    raw = blocks[0].string
    assert "</script" not in raw.lower() and "<" not in raw


def test_source_link_is_only_made_for_web_urls(out: Path) -> None:
    hostile, second = brief_page(out), brief_page(out, "second-img-src-x-onerror-alert-3-more")
    assert not [a for a in hostile.find_all("a") if "alert(19)" in a.get("href", "")]
    assert "javascript://%0aalert(19)" in hostile.get_text(), "shown as text, not a link"
    links = [a["href"] for a in second.find_all("a") if a.get_text().startswith("https://example")]
    assert links == ["https://example.org/a?b=1&c=<2>"]


def test_atom_feeds_are_well_formed_and_round_trip_titles(out: Path) -> None:
    feeds = [out / "feed.xml", *sorted(out.glob("tags/*/feed.xml"))]
    assert len(feeds) >= 6
    for path in feeds:
        root = ET.parse(path).getroot()
        titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
        assert set(titles) <= {TITLE, SECOND} and titles, path
        for link in root.iter(f"{ATOM}link"):
            assert not dangerous_url(link.get("href", "")), path
    main = ET.parse(out / "feed.xml").getroot()
    assert main.findtext(f"{ATOM}title") == SITE_TITLE
    assert main.findtext(f"{ATOM}subtitle") == SITE_DESCRIPTION
    entry = next(e for e in main.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == TITLE)
    assert entry.findtext(f"{ATOM}summary") == SUMMARY
    labels = {c.get("label") for c in entry.iter(f"{ATOM}category")}
    assert {"<script>alert(7)</script>", TAG_DISPLAY, "]]>cdata"} <= labels


def test_json_feed_parses_and_keeps_values(out: Path) -> None:
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert feed["title"] == SITE_TITLE
    items = {item["title"]: item for item in feed["items"]}
    assert set(items) == {TITLE, SECOND}
    assert items[TITLE]["summary"] == SUMMARY
    assert "<script>" not in items[TITLE]["content_html"]
    for item in items.values():
        assert not dangerous_url(item.get("image", "")), item.get("image")
        assert item["url"].startswith("https://example.org/news/")


def test_sitemap_is_well_formed_with_escaped_urls(out: Path) -> None:
    root = ET.parse(out / "sitemap.xml").getroot()
    locations = [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]
    assert locations and all(loc.startswith("https://example.org/news/") for loc in locations)
    assert not [loc for loc in locations if re.search(r"[<>\"\s]", loc)]
    assert any("x%3Cy%3E%22'&z" in loc for loc in locations), "the odd slug is percent-encoded"


@pytest.fixture
def served(tmp_path: Path, write_site, run_cli) -> Iterator[tuple[str, Path]]:
    """The hostile site built for and served at http://127.0.0.1:PORT/news/."""
    web_root = tmp_path / "web"  # linked to the output once the build knows the port
    with serve_folder(web_root, "/news/") as origin:
        base = origin + "/news/"
        out = build(write_site, run_cli, base)
        web_root.symlink_to(out)
        yield base, out


def test_no_dialog_opens_in_a_browser(browser, served: tuple[str, Path]) -> None:
    base, out = served
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tag = next(p.parent.name for p in out.glob("tags/*/index.html") if "script" in p.parent.name)
    for url in (f"2025/08/{SLUG}/", "", f"tags/{tag}/", "tags/a-b/", "archive/"):
        response = page.goto(base + url.replace('"', "%22"), wait_until="load")
        assert response is not None and response.ok, url
        page.mouse.move(200, 200)
        page.wait_for_timeout(100)
        protocols = page.eval_on_selector_all(
            "a[href], [src], form[action]",
            "els => els.map(e => new URL(e.href || e.src || e.action, location.href).protocol)",
        )
        assert set(protocols) <= {"http:", "https:", "mailto:"}, (url, protocols)
    assert page.evaluate("typeof window.alert") == "function"
    assert dialogs == [], dialogs

"""Every internal link works where the site is published: under /briefs/ and at a domain root.

The built site is served by a local server mounted at the base path (as GitHub Pages
serves https://user.github.io/repo/); a crawler follows every page and requests every
internal href/src, the feeds, the sitemap and the Pagefind bundle.
"""

from __future__ import annotations

import http.client
import json
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, brief_text, serve_folder

TAGS = ["Armenia", "USA", "Azerbaijan", "Georgia", "Հայաստան", "Trade"]


def generated_briefs() -> dict[str, str]:
    """Enough briefs for several list pages, with non-ASCII tags and an inline hashtag."""
    briefs = {}
    for n in range(14):
        month = 1 + n % 6
        tags = [TAGS[n % len(TAGS)], TAGS[(n + 2) % len(TAGS)]]
        body = f"Brief number {n} mentions #Zangezur in passing.\n\nA second paragraph."
        briefs[f"content/gen/brief-{n}.md"] = brief_text(
            f"Generated Brief {n}", f"2024-{month:02d}-{n + 1:02d} 10:00", tags, body
        )
    briefs["content/gen/armenian.md"] = brief_text(
        "Երևանը վերանայում է բյուջեն", "2024-07-15 09:30", ["Հայաստան", "Economy"]
    )
    return briefs


@dataclass
class Crawl:
    """Walks the served site from its home page, following every internal reference."""

    origin: str
    """The local server, http://127.0.0.1:PORT."""
    base_url: str
    statuses: dict[str, int] = field(default_factory=dict)
    """Every internal path requested (decoded) -> HTTP status."""
    broken: list[tuple[str, str, int]] = field(default_factory=list)
    """(page, reference, status) of each reference that did not answer 200."""
    escapes: list[tuple[str, str]] = field(default_factory=list)
    """(page, reference) of each internal reference outside the base path."""
    pages: set[str] = field(default_factory=set)

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path

    def run(self, seeds: list[str]) -> None:
        queue = [(self.base_url, self.base_url + seed) for seed in seeds]
        while queue:
            referrer, url = queue.pop()
            path = self.internal_path(referrer, url)
            if path is None or path in self.statuses:
                continue
            status, kind, body = self.fetch(path)
            self.statuses[path] = status
            if status != 200:
                self.broken.append((referrer, url, status))
                continue
            page_url = self.base_url + quote(path[len(self.base_path) :])
            queue += [(page_url, ref) for ref in self.references(page_url, kind, body)]

    def internal_path(self, referrer: str, ref: str) -> str | None:
        """The decoded path an internal reference points to; None for external ones."""
        target = urlsplit(urljoin(referrer, ref))
        if (
            target.scheme not in ("http", "https")
            or target.netloc != urlsplit(self.base_url).netloc
        ):
            return None
        path = unquote(target.path)
        if not path.startswith(self.base_path):
            self.escapes.append((referrer, ref))
            return None
        return path

    def fetch(self, path: str) -> tuple[int, str, bytes]:
        connection = http.client.HTTPConnection(urlsplit(self.origin).netloc, timeout=10)
        try:
            connection.request("GET", quote(path))  # non-ASCII paths go out percent-encoded
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type", ""), response.read()
        finally:
            connection.close()

    def references(self, page_url: str, kind: str, body: bytes) -> list[str]:
        if kind.startswith("text/html"):
            self.pages.add(page_url)
            return self.html_references(page_url, body)
        if kind.endswith("xml"):  # feeds and the sitemap
            root = ET.fromstring(body)
            hrefs = [el.get("href", "") for el in root.iter() if el.get("href")]
            return hrefs + [el.text or "" for el in root.iter() if el.tag.endswith("}loc")]
        if kind.endswith("json") and page_url.endswith("feed.json"):
            feed = json.loads(body)
            return [feed["home_page_url"], feed["feed_url"]] + [i["url"] for i in feed["items"]]
        return []

    def html_references(self, page_url: str, body: bytes) -> list[str]:
        soup = BeautifulSoup(body, "html.parser")
        refs = []
        for tag in soup.find_all(True):
            for name in ("href", "src", "action"):
                value = tag.get(name)
                if value and value.startswith("#"):
                    if value != "#" and not soup.find(id=unquote(value[1:])):
                        self.broken.append((page_url, value, 0))
                elif value and not value.startswith(("mailto:", "javascript:", "data:")):
                    refs.append(value)
            refs += [part.split()[0] for part in tag.get("srcset", "").split(",") if part.strip()]
            # data-* paths (e.g. the Pagefind bundle folder) are read by scripts: they must
            # stay under the base path too.
            self.escapes += [
                (page_url, value)
                for name, value in tag.attrs.items()
                if name.startswith("data-")
                and isinstance(value, str)
                and value.startswith("/")
                and not value.startswith(self.base_path)
            ]
        for meta in soup.find_all("meta", property=("og:url", "og:image")):
            refs.append(meta["content"])
        return refs

    def check_pagefind(self) -> None:
        """The bundle the search scripts load at run time, beside the referenced scripts."""
        bundle = self.base_path + "pagefind/"
        status, _, body = self.fetch(bundle + "pagefind-entry.json")
        assert status == 200, "no Pagefind bundle under the base path"
        files = ["pagefind.js"]
        for language in json.loads(body)["languages"].values():
            files += [f"pagefind.{language['hash']}.pf_meta", f"wasm.{language['wasm']}.pagefind"]
        for name in files:
            status = self.fetch(bundle + name)[0]
            self.statuses[bundle + name] = status
            if status != 200:
                self.broken.append(("pagefind-entry.json", name, status))


def build_and_crawl(tmp_path: Path, run_cli, base_url: str) -> tuple[Crawl, Path]:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    for relpath, text in generated_briefs().items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, encoding="utf-8")
    code, _, err = run_cli(["build", "--base-url", base_url, "-q"], root)
    assert code == 0, err
    out = root / "site"
    with serve_folder(out, urlsplit(base_url).path) as origin:
        crawl = Crawl(origin, base_url)
        crawl.run(["404.html", "sitemap.xml", ""])
        crawl.check_pagefind()
    return crawl, out


@pytest.mark.parametrize(
    "base_url",
    # Not example.org: the sample content links to it as an external site.
    ["https://example.github.io/briefs/", "https://briefs.example.net/"],
    ids=["project-path", "domain-root"],
)
def test_every_internal_link_resolves(tmp_path: Path, run_cli, base_url: str) -> None:
    crawl, out = build_and_crawl(tmp_path, run_cli, base_url)

    assert crawl.broken == []
    assert crawl.escapes == []
    built_pages = {
        crawl.base_path + page.relative_to(out).as_posix().removesuffix("index.html")
        for page in out.rglob("*.html")
    }
    crawled = {unquote(urlsplit(url).path) for url in crawl.pages}
    assert crawled == built_pages  # every page was reached, so every link on it was checked
    requested = set(crawl.statuses)
    for asset in ("css/style.css", "js/site.js", "feed.xml", "feed.json", "pagefind/pagefind.js"):
        assert crawl.base_path + asset in requested
    assert crawl.base_path + "tags/հայաստան/" in requested
    # GitHub Pages serves 404.html at any missing path, at any depth: no relative links.
    not_found = BeautifulSoup((out / "404.html").read_bytes(), "html.parser")
    refs = [tag.get(name) for tag in not_found.find_all(True) for name in ("href", "src")]
    assert [ref for ref in refs if ref and not ref.startswith(("/", "#", "https:"))] == []


def test_crawler_reports_a_broken_link_and_an_escape(tmp_path: Path) -> None:
    """The checker itself: a missing page and a link that leaves the base path are caught."""
    out = tmp_path / "out"
    (out / "ok").mkdir(parents=True)
    (out / "ok" / "index.html").write_text("<p>fine</p>", encoding="utf-8")
    (out / "index.html").write_text(
        '<a href="/briefs/ok/">ok</a> <a href="/briefs/missing/">gone</a> '
        '<a href="/tags/">outside</a> <a href="#nowhere">anchor</a>',
        encoding="utf-8",
    )
    with serve_folder(out, "/briefs/") as origin:
        crawl = Crawl(origin, "https://example.github.io/briefs/")
        crawl.run([""])

    assert {(ref, status) for _, ref, status in crawl.broken} == {
        ("/briefs/missing/", 404),
        ("#nowhere", 0),
    }
    assert [ref for _, ref in crawl.escapes] == ["/tags/"]

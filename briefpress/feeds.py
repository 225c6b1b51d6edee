"""Atom 1.0, JSON Feed 1.1, sitemap and robots.txt, written directly (no template needed)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from operator import attrgetter
from typing import Any
from urllib.parse import urljoin

from . import __version__
from .brief import Brief
from .config import SiteConfig
from .dates import rfc3339
from .model import Site
from .urls import abs_url_for

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINK_ATTRIBUTE = re.compile(r""" (href|src(?:set)?)=(["'])(.*?)\2""")
"""A link attribute as HTML is written (after a space): the leading space makes the scan
fast, and `src(?:set)?` costs nothing where `src|srcset` would try `src` twice."""
_SRCSET_URL = re.compile(r"(^|,)(\s*)([^\s,](?:\S*[^\s,])?)")
"""Each URL of a srcset, as HTML reads it: the text up to a space, less trailing commas;
its descriptor (`2x`, `480w`) runs to the next comma and is kept as written."""


def xml_escape(text: str) -> str:
    """Escape for XML text and attributes; drop characters XML 1.0 cannot hold."""
    return _escape_short(text) if len(text) <= 200 else _escape(text)


@lru_cache(maxsize=16384)
def _escape_short(text: str) -> str:
    """Titles, tags, addresses: the same few thousand come up in every feed."""
    return _escape(text)


def _escape(text: str) -> str:
    if _may_hold_not_xml(text):
        text = _NOT_XML.sub("", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def _may_hold_not_xml(text: str) -> bool:
    """Whether _NOT_XML is in the text: looked for among the characters left once its
    UTF-8 has lost the printable ASCII bytes (a body's search: 12 -> 3 us)."""
    rest = text.encode("utf-8", "surrogatepass").translate(None, _PLAIN_XML)
    return bool(rest) and _NOT_XML.search(rest.decode("utf-8", "surrogatepass")) is not None


_PLAIN_XML = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def render_atom(
    site: Site, url: str, context: dict[str, Any], entries: dict[str, bytes] | None = None
) -> bytes:
    """An Atom feed of context["briefs"], in UTF-8. `entries` remembers each brief's <entry>
    across the feeds of one build: a brief is in the main feed and in each of its tags'.
    (As UTF-8: a str with one curly quote would take twice the memory.)"""
    config = site.config
    briefs: Sequence[Brief] = context["briefs"]
    self_url = abs_url_for(config, url)
    updated = _latest(briefs)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{xml_escape(config.language)}"'
        f' xml:base="{xml_escape(config.base_url)}">',
        f"<title>{xml_escape(context['title'])}</title>",
    ]
    if config.description:
        out.append(f"<subtitle>{xml_escape(config.description)}</subtitle>")
    home = abs_url_for(config, context["page"])
    out += [
        f'<link rel="alternate" type="text/html" href="{xml_escape(home)}"/>',
        f'<link rel="self" type="application/atom+xml" href="{xml_escape(self_url)}"/>',
        f"<id>{xml_escape(self_url)}</id>",
        f"<updated>{rfc3339(updated) if updated else '1970-01-01T00:00:00+00:00'}</updated>",
        f"<author><name>{xml_escape(config.title)}</name></author>",
        f'<generator version="{__version__}">briefpress</generator>',
    ]
    head = "\n".join(out).encode()
    parts = [head]
    for brief in briefs:
        entry = entries.get(brief.url) if entries is not None else None
        if entry is None:
            entry = _atom_entry(site, brief).encode()
            if entries is not None:
                entries[brief.url] = entry
        parts.append(entry)
    parts.append(b"</feed>\n")
    return b"\n".join(parts)


def _atom_entry(site: Site, brief: Brief) -> str:
    link = abs_url_for(site.config, brief.url)
    out = [
        "<entry>",
        f"<title>{xml_escape(brief.title)}</title>",
        f'<link rel="alternate" type="text/html" href="{xml_escape(link)}"/>',
        f"<id>{xml_escape(link)}</id>",
        f"<published>{rfc3339(brief.date)}</published>",
        f"<updated>{rfc3339(modified(brief))}</updated>",
    ]
    author = brief.meta.get("author")
    if isinstance(author, str) and author.strip():
        out.append(f"<author><name>{xml_escape(author)}</name></author>")
    for tag in site.tags_of(brief):
        out.append(f'<category term="{xml_escape(tag.slug)}" label="{xml_escape(tag.name)}"/>')
    out += [
        f"<summary>{xml_escape(brief.summary)}</summary>",
        f'<content type="html">{xml_escape(absolute_links(brief.body_html, link))}</content>',
        "</entry>",
    ]
    return "\n".join(out)


def render_json_feed(site: Site, url: str, context: dict[str, Any]) -> str:
    config = site.config
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": context["title"],
        "home_page_url": abs_url_for(config, context["page"]),
        "feed_url": abs_url_for(config, url),
        "language": config.language,
        "authors": [{"name": config.title}],
    }
    if config.description:
        feed["description"] = config.description
    items = []
    for brief in context["briefs"]:
        link = abs_url_for(config, brief.url)
        item: dict[str, Any] = {
            "id": link,
            "url": link,
            "title": brief.title,
            "content_html": absolute_links(brief.body_html, link),
            "summary": brief.summary,
            "date_published": rfc3339(brief.date),
            "date_modified": rfc3339(modified(brief)),
            "tags": [t.name for t in site.tags_of(brief)],
        }
        image = brief.meta.get("image")
        if isinstance(image, str) and image:
            item["image"] = abs_url_for(config, image)
        items.append(item)
    feed["items"] = items
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"


def render_sitemap(site: Site, url: str, context: dict[str, Any]) -> str:
    """Every page but 404 with a lastmod; pages about the whole site take the newest of all."""
    config = site.config
    site_modified = _latest(site.briefs)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for route in context["pages"]:
        entry = f"<url><loc>{xml_escape(abs_url_for(config, route.url))}</loc>"
        lastmod = page_modified(route.context) or site_modified
        if lastmod:
            entry += f"<lastmod>{rfc3339(lastmod)}</lastmod>"
        out.append(entry + "</url>")
    out.append("</urlset>")
    return "\n".join(out) + "\n"


def page_modified(context: dict[str, Any]) -> dt.datetime | None:
    """Newest date among what a page shows: its brief, or the briefs it lists."""
    brief = context.get("brief")
    if isinstance(brief, Brief):
        return modified(brief)
    briefs = context.get("briefs") or ()
    return _latest(briefs)


def _latest(briefs: Sequence[Brief]) -> dt.datetime | None:
    """The latest `modified` of the briefs (by instant), or None when there are none."""
    latest = max(briefs, key=_MODIFIED_INSTANT, default=None)
    return latest.modified if latest is not None else None


_MODIFIED_INSTANT = attrgetter("modified_instant")


def absolute_links(html: str, page: str) -> str:
    """Links of a brief's HTML resolved against its absolute URL: feed readers show it elsewhere."""
    origin = page[: page.find("/", page.find("://") + 3)]

    def absolute(match: re.Match[str]) -> str:
        value = match[3]
        if match[1] == "srcset":
            value = _SRCSET_URL.sub(
                lambda url: url[1] + url[2] + _absolute_url(url[3], origin, page), value
            )
        elif value.startswith("/") and not value.startswith("//"):
            value = origin + value  # most links (hashtags): no call, as _absolute_url would
        else:
            value = _absolute_url(value, origin, page)
        return f" {match[1]}={match[2]}{value}{match[2]}"

    return _LINK_ATTRIBUTE.sub(absolute, html)


def _absolute_url(value: str, origin: str, page: str) -> str:
    if value.startswith("/") and not value.startswith("//"):
        return origin + value  # the usual case (hashtags): cheaper than urljoin
    if value.startswith(("https://", "http://")):
        return value
    return urljoin(page, value)


def render_robots(config: SiteConfig) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {abs_url_for(config, '/sitemap.xml')}\n"


def modified(brief: Brief) -> dt.datetime:
    """When the brief last changed: `updated` when it is later than `date` (feeds, sitemap,
    JSON-LD all say the same)."""
    return brief.modified

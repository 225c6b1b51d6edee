"""Stage 3, routes: Site -> every output file as url + template + context.

Pure: nothing here reads or writes files. Each Route carries a `key` that changes
whenever anything its page shows changes, so serve and the build cache can skip
pages whose key is the same as last time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

from .brief import Brief
from .chart import month_counts
from .errors import Problem
from .feeds import page_modified
from .model import Period, Site, Tag
from .urls import is_search_path


@dataclass(frozen=True)
class Pager:
    """One page of a paginated list; urls are below the base path."""

    number: int
    count: int
    items: tuple[Brief, ...]
    base: str
    """URL of page 1 (e.g. / or /tags/usa/)."""

    def url_of(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def url(self) -> str:
        return self.url_of(self.number)

    @property
    def prev_url(self) -> str | None:
        return self.url_of(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url_of(self.number + 1) if self.number < self.count else None

    @property
    def pages(self) -> list[tuple[int, str]]:
        return [(n, self.url_of(n)) for n in range(1, self.count + 1)]


@dataclass(frozen=True)
class Route:
    url: str
    """Path below the base path: /, /2025/08/slug/, /feed.xml."""
    template: str
    """A theme template (brief.html), or a built-in format: atom, jsonfeed, sitemap, text."""
    context: dict[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    """Brief files the page shows: what serve uses to find pages a change touches."""
    key: str = ""
    """Changes whenever the page's content would: equal keys render equal bytes."""

    @property
    def output(self) -> str:
        """Relative output path: /a/ -> a/index.html, /feed.xml -> feed.xml."""
        path = self.url.lstrip("/")
        return path + "index.html" if path == "" or path.endswith("/") else path

    @property
    def is_html(self) -> bool:
        return self.template.endswith(".html")


OPTIONAL = frozenset({"related", "chart"})
"""Context values that take time to work out and that a theme need not show: related briefs
(a third of the routes of a big site) and month charts. Left out (empty) of the pages of
a theme whose templates never name them (see themes.Theme.mentions)."""


def plan_routes(
    site: Site,
    search: bool = True,
    lists_show_bodies: bool = False,
    shown: frozenset[str] = OPTIONAL,
    related: Callable[[Brief], list[Brief]] | None = None,
) -> tuple[list[Route], list[Problem]]:
    """Every page of the site, in a stable order; URL clashes between pages are problems.

    A page that lists a brief keys on what lists show of it (Brief.listing), so editing a
    brief's body re-renders only its page and the feeds, unless the theme prints bodies in
    lists too (`lists_show_bodies`, see themes.Theme). `shown`: the OPTIONAL values the
    theme shows; the others are empty, and page keys do not cover them. `related`: where
    related briefs come from (site.related by default); the briefs' own pages are planned
    last, so a build can have them worked out meanwhile in another process.
    """
    lists = [
        *_tags(site, "chart" in shown),
        *_chronology(site, "chart" in shown),
        *_feeds(site),
        _route("/search/", "search.html", {"search_enabled": search}, site.briefs[:0], str(search)),
        _route("/404.html", "404.html", {}, (), ""),
    ]
    home = list(_home(site))
    pages = list(_briefs(site, (related or site.related) if "related" in shown else None))
    routes = [*home, *pages, *lists]
    if lists_show_bodies:
        routes = [_keyed_on_bodies(route, site) for route in routes]
    routes += _extras(site, routes)
    return routes, _clashes(routes) + _scheduled_clashes(site, routes)


def _route(
    url: str,
    template: str,
    context: dict[str, Any],
    briefs: Sequence[Brief],
    *extra: object,
    bodies: Sequence[Brief] = (),
) -> Route:
    """A route whose key covers the listing of `briefs` and the whole text of `bodies`."""
    parts = [
        template,
        url,
        *map(_LISTING_KEY, briefs),
        *(b.digest for b in bodies),
        *map(str, extra),
    ]
    key = hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()
    return Route(url, template, context, tuple(b.source for b in briefs), key)


_LISTING_KEY = attrgetter("listing_key")


def _keyed_on_bodies(route: Route, site: Site) -> Route:
    """The route with a key that also covers the whole text of every brief it shows."""
    digests = "".join(site.brief_of(source).digest for source in route.sources)
    key = hashlib.blake2b(f"{route.key}{digests}".encode(), digest_size=12).hexdigest()
    return replace(route, key=key)


def paginate(briefs: Sequence[Brief], per_page: int, base: str) -> Iterator[Pager]:
    count = max(1, -(-len(briefs) // per_page))
    for number in range(1, count + 1):
        items = tuple(briefs[(number - 1) * per_page : number * per_page])
        yield Pager(number, count, items, base)


def _list_pages(
    site: Site, briefs: Sequence[Brief], base: str, template: str, **context: Any
) -> Iterator[Route]:
    for pager in paginate(briefs, site.config.per_page, base):
        extra = [f"{k}={_describe(v)}" for k, v in sorted(context.items())]
        yield _route(
            pager.url,
            template,
            {**context, "pager": pager, "briefs": pager.items},
            pager.items,
            pager.number,
            pager.count,
            *extra,
        )


def _describe(value: Any) -> str:
    """What in a context value can change the page (for route keys)."""
    if isinstance(value, Tag):
        return f"{value.name}|{value.count}|{value.briefs[0].date}|{value.briefs[-1].date}"
    if isinstance(value, Period):
        return f"{value.key}|{value.count}"
    return repr(value)


def _home(site: Site) -> Iterator[Route]:
    yield from _list_pages(site, site.briefs, "/", "index.html")


def _briefs(site: Site, related_of: Callable[[Brief], list[Brief]] | None) -> Iterator[Route]:
    for brief in site.briefs:
        newer, older = site.newer(brief), site.older(brief)
        related = related_of(brief) if related_of else []
        tags = site.tags_of(brief)
        neighbours = [b for b in (newer, older) if b is not None]
        yield _route(
            brief.url,
            "brief.html",
            {"brief": brief, "tags": tags, "newer": newer, "older": older, "related": related},
            [brief, *neighbours, *related],
            *(f"{t.slug}:{t.name}:{t.count}" for t in tags),
            newer is None,
            older is None,
            bodies=[brief],
        )


def _tags(site: Site, with_chart: bool) -> Iterator[Route]:
    tags = list(site.tags.values())
    yield _route(
        "/tags/", "tags.html", {"tags": tags}, (), *(f"{t.slug}:{t.name}:{t.count}" for t in tags)
    )
    for tag in tags:
        chart = month_counts(tag.briefs) if with_chart else ()
        yield from _list_pages(site, tag.briefs, tag.url, "tag.html", tag=tag, chart=chart)
        newest = tag.briefs[: site.config.feed_items]
        yield _route(
            tag.feed_url,
            "atom",
            {"briefs": newest, "title": f"{tag.name} — {site.config.title}", "page": tag.url},
            newest,
            tag.name,
            bodies=newest,
        )


def _chronology(site: Site, with_chart: bool) -> Iterator[Route]:
    chart = month_counts(site.briefs) if with_chart else ()
    yield _route(
        "/archive/",
        "archive.html",
        {"years": site.years, "months": site.months, "chart": chart},
        site.briefs,
    )
    for periods in (site.years, site.months):
        for index, period in enumerate(periods):
            newer = periods[index - 1] if index > 0 else None
            older = periods[index + 1] if index + 1 < len(periods) else None
            months = (
                [m for m in site.months if m.year == period.year] if period.month is None else []
            )
            yield _route(
                period.url,
                "period.html",
                {
                    "period": period,
                    "briefs": period.briefs,
                    "newer_period": newer,
                    "older_period": older,
                    "months": months,
                },
                period.briefs,
                *(p.key if p else "-" for p in (newer, older)),
                *(f"{m.key}:{m.count}" for m in months),
            )


def _feeds(site: Site) -> Iterator[Route]:
    newest = site.briefs[: site.config.feed_items]
    for url, template in (("/feed.xml", "atom"), ("/feed.json", "jsonfeed")):
        context = {"briefs": newest, "title": site.config.title, "page": "/"}
        yield _route(url, template, context, newest, bodies=newest)


def _extras(site: Site, routes: list[Route]) -> list[Route]:
    """Files about the other pages: sitemap, robots.txt, .nojekyll, CNAME."""
    pages = [r for r in routes if r.is_html and r.url != "/404.html"]
    extras = [
        _route(
            "/sitemap.xml",
            "sitemap",
            {"pages": pages},
            (),
            page_modified({"briefs": site.briefs}),
            *(f"{r.url} {page_modified(r.context)}" for r in pages),
        ),
        _route("/robots.txt", "robots", {}, ()),
        _route("/.nojekyll", "text", {"text": ""}, ()),
    ]
    if site.config.cname:
        extras.append(
            _route("/CNAME", "text", {"text": site.config.cname + "\n"}, (), site.config.cname)
        )
    return extras


_BUILTIN_OWNERS = {
    "index.html": "the home page",
    "tags.html": "the tags index",
    "tag.html": "a tag page",
    "archive.html": "the archive",
    "period.html": "a period page",
    "search.html": "the search page",
}


def _scheduled_clashes(site: Site, routes: list[Route]) -> list[Problem]:
    """A scheduled brief at a generated page's URL: the build that publishes it would fail
    (on the day, in CI), so it fails now."""
    generated = {route.output: route for route in routes if route.template != "brief.html"}
    problems = []
    for brief in site.scheduled:
        other = generated.get(Route(brief.url, "brief.html").output)
        if other is not None:
            problems.append(_clash_problem(brief.source, brief.url, other))
    return problems


def _clash_problem(source: str, url: str, other: Route) -> Problem:
    what = _BUILTIN_OWNERS.get(other.template, other.url)
    return Problem(
        source,
        1,
        f"URL {url} is also {what}: give this brief another `slug:` or change `permalink`",
    )


def _clashes(routes: list[Route]) -> list[Problem]:
    """A brief whose permalink lands on another page (e.g. /tags/), or in the folder of the
    search index (which would replace it), is an error."""
    owner: dict[str, Route] = {}
    problems = []
    for route in routes:
        if route.url.startswith("/pagefind") and is_search_path(route.output):
            message = (
                f"URL {route.url} is in /{route.output.split('/')[0]}/, where the search index"
                " goes: give this brief another `slug:` or change `permalink`"
            )
            problems.append(Problem(route.sources[0], 1, message))
        other = owner.setdefault(route.output, route)
        if other is route:
            continue
        if route.template == other.template == "brief.html":
            continue  # two briefs with one URL: model.build_site names both files
        for mine, theirs in ((route, other), (other, route)):
            if mine.template == "brief.html":
                problems.append(_clash_problem(mine.sources[0], mine.url, theirs))
    return problems

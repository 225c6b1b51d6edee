"""Related briefs (most shared tags, then nearest in time) and the brief page around them."""

from __future__ import annotations

import datetime as dt
import json
import time

from conftest import brief_text, page
from hypothesis import given, settings
from hypothesis import strategies as st

from briefpress import pipeline
from briefpress.brief import Brief
from briefpress.config import SiteConfig
from briefpress.model import Site, build_site, instant

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
POOL = ["Armenia", "USA", "Iran", "EU", "Georgia", "Россия"]


def make_brief(number: int, hours: int, tags: list[str]) -> Brief:
    return Brief(
        source=f"content/b{number:03d}.md",
        title=f"Brief {number}",
        date=START + dt.timedelta(hours=hours),
        slug=f"b{number:03d}",
        url=f"/b{number:03d}/",
        tags=tuple(tags),
        body_utf8=b"<p>Body.</p>",
        summary="Body.",
    )


def make_site(briefs: list[Brief]) -> Site:
    site, problems = build_site(briefs, SiteConfig(), now=NOW)
    assert problems == []
    return site


def reference_related(site: Site, brief: Brief) -> list[Brief]:
    """The definition, by brute force: most shared tags, nearest in time, nearest in the
    newest-first list, newer first (times as instants, see tests/test_fold_order.py)."""
    order = {
        b.source: i
        for i, b in enumerate(
            sorted(site.briefs, key=lambda b: (instant(b.date), b.source), reverse=True)
        )
    }
    mine = {t.casefold() for t in brief.tags}
    scored = []
    for other in site.briefs:
        shared = len(mine & {t.casefold() for t in other.tags})
        if other is brief or not shared:
            continue
        gap = abs(order[other.source] - order[brief.source])
        scored.append(
            (
                (-shared, abs(instant(other.date) - instant(brief.date)), gap, order[other.source]),
                other,
            )
        )
    return [other for _, other in sorted(scored, key=lambda pair: pair[0])[:5]]


def spellings(name: str) -> st.SearchStrategy[str]:
    """#USA, #usa and #Usa are one tag."""
    return st.sampled_from([name, name.lower(), name.upper(), name.capitalize()])


tag_lists = st.lists(st.sampled_from(POOL), unique=True, max_size=4).flatmap(
    lambda names: st.tuples(*(spellings(n) for n in names)).map(list)
)
sites = st.lists(
    # hours drawn from a narrow range, so equal dates and equal distances occur
    st.tuples(st.integers(min_value=0, max_value=30), tag_lists),
    min_size=1,
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(sites)
def test_related_matches_brute_force(spec: list[tuple[int, list[str]]]) -> None:
    site = make_site([make_brief(i, hours, tags) for i, (hours, tags) in enumerate(spec)])
    for brief in site.briefs:
        assert site.related(brief) == reference_related(site, brief), brief.source


def test_related_order_on_a_known_site() -> None:
    briefs = [
        make_brief(0, 0, ["Armenia", "USA", "Iran"]),  # the brief we look from
        make_brief(1, -100, ["armenia", "usa"]),  # 2 shared, far
        make_brief(2, 5, ["Armenia"]),  # 1 shared, near
        make_brief(3, -3, ["USA"]),  # 1 shared, nearer
        make_brief(4, 50, ["Armenia", "Iran", "EU"]),  # 2 shared, nearer than 1
        make_brief(5, 1, ["Georgia"]),  # nothing shared
        make_brief(6, 7, ["Iran"]),  # 1 shared
        make_brief(7, 9, ["Iran"]),  # 1 shared, the sixth: left out
    ]
    site = make_site(briefs)
    related = [b.title for b in site.related(briefs[0])]
    assert related == ["Brief 4", "Brief 1", "Brief 3", "Brief 2", "Brief 6"]
    assert site.related(briefs[5]) == []


def test_related_stays_fast_with_many_tags() -> None:
    """A brief with 40 hashtags must not try every combination of them (2**40)."""
    names = [f"Tag{n}" for n in range(40)]
    briefs = [make_brief(0, 0, names)]
    briefs += [make_brief(i, i, names[i % 40 : i % 40 + 1 + i % 7]) for i in range(1, 400)]
    site = make_site(briefs)
    started = time.perf_counter()
    related = site.related(briefs[0])
    assert time.perf_counter() - started < 1.0
    assert related == reference_related(site, briefs[0])
    assert len(related) == 5


def test_brief_page_shows_related_tags_and_json_ld(write_site, run_cli) -> None:
    title = 'Talks "in" <Washington> & beyond'
    root = write_site(
        {
            "content/main.md": brief_text(title, "2025-08-06 06:27", ["Armenia", "USA"]),
            "content/near.md": brief_text("Near", "2025-08-07 10:00", ["Armenia"]),
            "content/both.md": brief_text("Both", "2025-01-01 10:00", ["armenia", "usa"]),
            "content/none.md": brief_text("Unrelated", "2025-08-06 07:00", ["Georgia"]),
        },
        "title: Related Test\nbase_url: https://example.org/news/\ntimezone: Asia/Yerevan\n",
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    soup = page(root / "site", "/2025/08/talks-in-washington-beyond/")

    related = soup.select_one("section.related")
    assert [a.get_text(strip=True) for a in related.select("li a")] == ["Both", "Near"]
    assert [a["href"] for a in related.select("li a")] == [
        "/news/2025/01/both/",
        "/news/2025/08/near/",
    ]

    chips = {
        a["href"]: (a.get_text(strip=True), a.find_next_sibling(class_="count").get_text())
        for a in soup.select("article a.tag")
    }
    assert chips == {"/news/tags/armenia/": ("#Armenia", "3"), "/news/tags/usa/": ("#USA", "2")}

    scripts = soup.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == title
    assert data["datePublished"] == "2025-08-06T06:27:00+04:00"
    assert data["keywords"] == ["Armenia", "USA"]
    assert data["url"] == "https://example.org/news/2025/08/talks-in-washington-beyond/"
    assert "</" not in scripts[0].string


def test_routes_leave_out_related_briefs_and_charts_no_template_names(write_site) -> None:
    """A theme that never names `related` or `chart` gets none worked out (related briefs
    are a third of a big site's routes); the default theme gets both."""
    templates = {
        name: "{{ page_url }}\n"
        for name in ("index", "tag", "tags", "archive", "period", "search", "404")
    }
    files = {
        "content/a.md": brief_text("Alpha", "2025-01-01T10:00:00Z", ["Armenia", "USA"]),
        "content/b.md": brief_text("Beta", "2025-01-02T10:00:00Z", ["Armenia", "USA"]),
        "themes/plain/templates/brief.html": "{{ brief.title }} {{ newer }}\n",
        **{f"themes/plain/templates/{name}.html": text for name, text in templates.items()},
    }
    options = pipeline.BuildOptions(search=False, cache=False)
    shown: dict[str, dict[str, object]] = {}
    for theme in ("plain", "default"):
        root = write_site(files, f"title: T\ntheme: {theme}\n")
        config, loaded = pipeline.read_site(root, options)
        site, _, problems = pipeline.model_site(root, config, options, pipeline.Timer())
        routes, problems, _ = pipeline.route_site(site, loaded, options, pipeline.Timer())
        assert problems == []
        brief = next(r for r in routes if r.template == "brief.html")
        tag = next(r for r in routes if r.template == "tag.html")
        shown[theme] = {"related": brief.context["related"], "chart": tag.context["chart"]}
        assert loaded.mentions("brief") and not loaded.mentions("bri")
    assert shown["plain"] == {"related": [], "chart": ()}
    assert [b.title for b in shown["default"]["related"]] in (["Alpha"], ["Beta"])
    assert shown["default"]["chart"]


def test_related_worked_out_in_a_forked_process_are_the_same(write_site, monkeypatch) -> None:
    """A build works out a big site's related briefs in a forked process (and a fifth of
    them here) while this one plans the list pages: the routes must not change."""
    files = {
        f"content/b{n:02d}.md": brief_text(
            f"Brief {n}",
            f"2025-01-{1 + n % 28:02d}T{n % 24:02d}:00:00Z",
            POOL[n % 6 : n % 6 + 1 + n % 3],
        )
        for n in range(40)
    }
    root = write_site(files)
    options = pipeline.BuildOptions(search=False, cache=False)
    config, theme = pipeline.read_site(root, options)
    site, _, problems = pipeline.model_site(root, config, options, pipeline.Timer())
    assert problems == []
    here, _, _ = pipeline.route_site(site, theme, options, pipeline.Timer())
    forks: list[int] = []
    made = pipeline.Forked.__init__

    def counted(self, func) -> None:
        made(self, func)
        forks.append(self.pid)

    monkeypatch.setattr(pipeline.Forked, "__init__", counted)
    monkeypatch.setattr(pipeline, "FORK_RELATED_FROM", 10)
    forked, _, _ = pipeline.route_site(site, theme, options, pipeline.Timer(), fork=True)
    assert len(forks) == 1 and forks[0] > 0  # a child did work it out
    assert [(r.url, r.key) for r in forked] == [(r.url, r.key) for r in here]
    related = [r.context["related"] for r in forked if r.template == "brief.html"]
    assert related == [r.context["related"] for r in here if r.template == "brief.html"]
    assert sum(map(len, related)) > 40  # not all empty

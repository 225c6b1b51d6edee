"""The Pagefind index: brief pages only, with filters and meta; year bundles; --no-search."""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
from pathlib import Path

import pytest
from conftest import brief_text, page

from briefpress.index import MANIFEST, index_site
from briefpress.pipeline import BuildOptions, BuildReport, build

BRIEFS = {
    "content/2023/05/dam.md": brief_text(
        "Dam Repairs Begin", "2023-05-02 09:00", ["Energy", "Armenia"], "The dam at Lake Sevan."
    ),
    "content/2024/02/corridor.md": brief_text(
        "Corridor Talks", "2024-02-10 10:00", ["Armenia", "Iran"], "Talks on the #Zangezur route."
    ),
    "content/2025/08/summit.md": brief_text(
        "Summit in Washington",
        "2025-08-06 06:27",
        ["USA", "Armenia"],
        "Leaders meet in Washington.",
        image="/img/summit.jpg",
    ),
}


def fragments(bundle: Path) -> list[dict]:
    """The indexed pages of a Pagefind bundle: gzip'd JSON after a 'pagefind_dcd' header."""
    found = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        found.append(json.loads(data[len(b"pagefind_dcd") :]))
    return found


def built(write_site, files: dict[str, str] = BRIEFS, **options) -> BuildReport:
    root = write_site(files)
    return build(root, BuildOptions(cache=False, **options))


def brief_urls(report: BuildReport) -> set[str]:
    return {brief.url for brief in report.site.briefs}


def test_index_holds_every_brief_page_and_no_list_page(write_site) -> None:
    report = built(write_site)
    pages = fragments(report.out / "pagefind")
    assert {fragment["url"] for fragment in pages} == brief_urls(report)
    assert json.loads((report.out / "pagefind/pagefind-entry.json").read_text())["languages"]["en"][
        "page_count"
    ] == len(report.site.briefs)
    by_url = {fragment["url"]: fragment for fragment in pages}
    summit = by_url["/2025/08/summit-in-washington/"]
    assert summit["meta"]["title"] == "Summit in Washington"
    assert summit["meta"]["date"] == "2025-08-06T06:27:00+00:00"
    assert summit["meta"]["summary"] == "Leaders meet in Washington."
    assert summit["meta"]["image"] == "/img/summit.jpg"
    assert summit["filters"] == {"tag": ["USA", "Armenia"], "year": ["2025"]}
    assert "Leaders meet in Washington" in summit["content"]


def test_every_indexed_page_has_an_iso_date_sort_key(write_site) -> None:
    report = built(write_site)
    for brief in report.site.briefs:
        time = page(report.out, brief.url).select_one("article [data-pagefind-sort]")
        assert time is not None and time["data-pagefind-sort"] == f"date:{time['datetime']}"


def test_large_site_gets_one_bundle_per_year_newest_in_pagefind(write_site) -> None:
    report = built(write_site, search=False)
    index_site(report.out, report.routes, report.site.config, shard_min=1)
    manifest = json.loads((report.out / MANIFEST).read_text())
    assert [b["path"] for b in manifest["bundles"]] == [
        "pagefind/",
        "pagefind-2024/",
        "pagefind-2023/",
    ]
    years = {
        b["path"]: {f["url"] for f in fragments(report.out / b["path"])}
        for b in manifest["bundles"]
    }
    assert years == {
        "pagefind/": {"/2025/08/summit-in-washington/"},
        "pagefind-2024/": {"/2024/02/corridor-talks/"},
        "pagefind-2023/": {"/2023/05/dam-repairs-begin/"},
    }


def reindexed(report: BuildReport, routes, folder: Path) -> set[str]:
    """Index `routes` into folder next to the year bundles of report.out; the rebuilt ones."""
    shutil.copytree(report.out, folder, ignore=shutil.ignore_patterns("pagefind*"))
    index_site(folder, routes, report.site.config, previous=report.out, shard_min=1)
    return {
        bundle.name
        for bundle in folder.glob("pagefind*")
        if (bundle / "pagefind-entry.json").stat().st_ino
        != (report.out / bundle.name / "pagefind-entry.json").stat().st_ino
    }


def test_rebuild_reindexes_only_the_year_whose_brief_changed(write_site, tmp_path: Path) -> None:
    report = built(write_site, search=False)
    index_site(report.out, report.routes, report.site.config, shard_min=1)

    def edited(route):
        if route.url != "/2024/02/corridor-talks/":
            return route
        brief = dataclasses.replace(route.context["brief"], digest="edited")
        return dataclasses.replace(route, context={**route.context, "brief": brief})

    assert reindexed(report, list(map(edited, report.routes)), tmp_path / "edited") == {
        "pagefind-2024"
    }
    assert {f["url"] for f in fragments(tmp_path / "edited/pagefind-2024")} == {
        "/2024/02/corridor-talks/"
    }
    # A new neighbour or tag count changes every Route.key of a tag, not what is indexed.
    recounted = [dataclasses.replace(route, key="recounted") for route in report.routes]
    assert reindexed(report, recounted, tmp_path / "recounted") == set()


def test_no_search_builds_no_index_and_says_search_is_unavailable(write_site, run_cli) -> None:
    root = write_site(BRIEFS)
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    out = root / "site"
    assert not any(out.glob("pagefind*"))
    notice = page(out, "/search/").select_one(".search-unavailable")
    assert notice is not None and "not available" in notice.get_text()
    header_box = page(out, "/2025/08/summit-in-washington/").select_one("#site-search-q")
    assert header_box is not None and header_box["placeholder"] == "Search unavailable"


def test_a_failing_pagefind_is_a_problem_not_a_traceback(
    write_site, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", shutil.which("false") or "/bin/false")
    root = write_site(BRIEFS)
    code, out, err = run_cli(["build", "-q"], root)
    assert code == 1
    assert "pagefind: search indexing failed" in err
    assert "Traceback" not in out + err
    assert not (root / "site").exists()


def test_site_without_briefs_has_an_empty_bundle_list(write_site) -> None:
    report = built(write_site, {})
    assert json.loads((report.out / MANIFEST).read_text()) == {"bundles": []}

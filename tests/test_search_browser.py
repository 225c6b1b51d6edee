"""Search in a real browser: the sample content plus filler briefs, served under /repo/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from conftest import REPO, brief_text, serve_folder

from briefpress.index import index_site
from briefpress.pipeline import BuildOptions, build

MOUNT = "/repo/"
TIMEOUT_MS = 10_000
SEED_TITLE = (
    "Washington Prepares Meeting of Armenian and Azerbaijani Leaders: "
    "A Peace Breakthrough Amidst New U.S. Strategy"
)
ZANGEZUR_TITLE = "Transit Talks Resume Over the Southern Route"


def filler_briefs(count: int = 30) -> dict[str, str]:
    """Briefs over three years; every fifth one mentions Zangezur, none is tagged Iran."""
    files = {}
    for n in range(count):
        year, month, day = 2023 + n % 3, 1 + n % 12, 1 + n % 28
        text = f"Filler report number {n} on regional trade."
        if n % 5 == 0:
            text += " The Zangezur route came up again."
        files[f"content/filler/f{n}.md"] = brief_text(
            f"Filler Report {n}", f"{year}-{month:02d}-{day:02d} 10:00", ["Filler", "Trade"], text
        )
    return files


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The site with one bundle and the same site with one bundle per year, each served."""
    root = tmp_path_factory.mktemp("search-site")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    for relpath, text in filler_briefs().items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, encoding="utf-8")
    with (
        serve_folder(root / "site", MOUNT) as single_origin,
        serve_folder(root / "sharded", MOUNT) as sharded_origin,
    ):
        single_url, sharded_url = single_origin + MOUNT, sharded_origin + MOUNT
        build(root, BuildOptions(base_url=single_url, cache=False))
        report = build(
            root,
            BuildOptions(base_url=sharded_url, out=root / "sharded", cache=False, search=False),
        )
        index_site(report.out, report.routes, report.site.config, shard_min=1)
        # search=False rendered the search page as unavailable; the sharded site shows the real one.
        shutil.copy(root / "site/search/index.html", root / "sharded/search/index.html")
        yield {"single": single_url, "sharded": sharded_url}


def result_titles(page) -> list[str]:
    return page.locator(".search-result h2 a").all_text_contents()


def wait_for_results(page, at_least: int = 1) -> list[str]:
    page.wait_for_function(
        "n => document.querySelectorAll('.search-result').length >= n",
        arg=at_least,
        timeout=TIMEOUT_MS,
    )
    return result_titles(page)


def test_typing_finds_the_seed_and_a_result_opens(browser, sites) -> None:
    page = browser.new_page()
    page.goto(sites["single"] + "search/")
    page.fill("#search-q", "Zangezur")
    titles = wait_for_results(page, 2)
    assert SEED_TITLE in titles and ZANGEZUR_TITLE in titles
    assert page.url.endswith("/repo/search/?q=Zangezur")
    assert page.locator(".search-result mark").first.inner_text().lower() == "zangezur"
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name=SEED_TITLE).click()
    assert navigation.value.status == 200
    assert page.url.startswith(sites["single"] + "2025/08/")
    assert page.title().startswith(SEED_TITLE)
    page.go_back()
    assert SEED_TITLE in wait_for_results(page, 2)


def test_tag_filter_narrows_and_the_url_restores_it(browser, sites) -> None:
    page = browser.new_page()
    page.goto(sites["single"] + "search/?q=zangezur")
    assert page.input_value("#search-q") == "zangezur"
    everything = wait_for_results(page, 2)
    page.select_option("#search-tag", "Iran")
    page.wait_for_function("() => location.search.includes('tag=Iran')", timeout=TIMEOUT_MS)
    page.wait_for_function(
        "n => document.querySelectorAll('.search-result').length < n",
        arg=len(everything),
        timeout=TIMEOUT_MS,
    )
    assert result_titles(page) == [ZANGEZUR_TITLE]
    page.reload()
    assert wait_for_results(page) == [ZANGEZUR_TITLE]
    page.wait_for_function(
        "() => document.getElementById('search-tag').value === 'Iran'", timeout=TIMEOUT_MS
    )


def test_header_box_on_a_brief_page_leads_to_results(browser, sites) -> None:
    page = browser.new_page()
    page.goto(
        sites["single"] + "2025/08/washington-prepares-meeting-of-armenian-and-azerbaijani-leaders/"
    )
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("Zangezur")
    page.keyboard.press("Enter")
    assert SEED_TITLE in wait_for_results(page, 2)
    assert page.url.startswith(sites["single"] + "search/?q=Zangezur")


def test_year_bundles_give_the_same_results_newest_first(browser, sites) -> None:
    found = {}
    for name, url in sites.items():
        page = browser.new_page()
        page.goto(url + "search/?q=zangezur&sort=date")
        assert page.input_value("#search-sort") == "date"
        wait_for_results(page, 8)
        dates = page.locator(".search-result time").evaluate_all("els => els.map(e => e.dateTime)")
        assert dates == sorted(dates, reverse=True)
        found[name] = result_titles(page)
    assert found["sharded"] == found["single"]

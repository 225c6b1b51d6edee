"""axe-core in Chromium on every kind of page, light and dark: no serious or critical violation.

axe.min.js comes from the npm package axe-core (`npm install` at the repository root).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from conftest import REPO, brief_text, serve_folder

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SEED = "/2025/08/washington-prepares-meeting-of-armenian-and-azerbaijani-leaders/"
PAGES = {
    "home": "/",
    "brief": SEED,
    "brief with image": "/2025/09/border-map-published/",
    "tags": "/tags/",
    "tag": "/tags/armenia/",
    "archive": "/archive/",
    "year": "/2025/",
    "month": "/2025/08/",
    "search": "/search/",
    "search results": "/search/?q=armenia",
    "404": "/404.html",
}
MAP_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450" viewBox="0 0 800 450">'
    '<rect width="800" height="450" fill="#c9d6df"/></svg>'
)


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("BRIEFPRESS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE} is missing: run `npm install` at the repository root")
        pytest.skip("axe-core is not installed (npm install)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site plus a brief with an image, built with search and served on 127.0.0.1."""
    from briefpress.pipeline import BuildOptions, build

    root = tmp_path_factory.mktemp("a11y")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    (root / "static" / "images").mkdir(parents=True)
    (root / "static" / "images" / "map.svg").write_text(MAP_SVG, encoding="utf-8")
    extra = {
        "image": "/images/map.svg",
        "image_alt": "Map of the border",
        "image_caption": "The line.",
    }
    (root / "content" / "map.md").write_text(
        brief_text("Border Map Published", "2025-09-03 09:00", ["Armenia"], "Text.", **extra),
        encoding="utf-8",
    )
    out = root / "site"
    with serve_folder(out) as origin:
        build(root, BuildOptions(out=out, base_url=origin + "/", cache=False))
        yield origin + "/"


@pytest.mark.parametrize(("scheme", "width"), [("light", 360), ("dark", 1280)])
def test_no_serious_axe_violations(
    browser, axe_source: str, served_site: str, scheme: str, width: int
) -> None:
    """Each scheme at one width, so phones and desktops are both covered at no extra cost."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    found = []
    for name, url in PAGES.items():
        response = page.goto(served_site + url.lstrip("/"), wait_until="load")
        assert response is not None and response.ok, url
        if "?q=" in url:  # results render after the index loads
            page.wait_for_selector("#search-results a[href]", timeout=10_000)
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        if overflow > 0:
            found.append(f"{name} ({url}): {overflow}px wider than a {width}px screen")
        page.add_script_tag(content=axe_source)
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        for violation in violations:
            if violation["impact"] in ("serious", "critical"):
                targets = [str(node["target"]) for node in violation["nodes"][:3]]
                found.append(f"{name} ({url}): {violation['id']}: {violation['help']} {targets}")
    page.close()
    assert not found, "\n".join(found)


def test_keyboard_reaches_skip_link_content_and_search(browser, served_site: str) -> None:
    page = browser.new_page()
    page.goto(served_site + SEED.lstrip("/"), wait_until="load")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # moved into view on focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.close()


def test_print_stylesheet_keeps_the_article_and_drops_navigation(browser, served_site: str) -> None:
    page = browser.new_page()
    page.goto(served_site + SEED.lstrip("/"), wait_until="load")
    page.emulate_media(media="print")
    for hidden in (".site-nav", ".site-search", ".site-footer", ".brief-nav", ".related"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator("article .brief-body").is_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.close()

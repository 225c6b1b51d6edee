"""Live preview in a real browser: `briefpress serve` runs as a process, Chromium keeps
pages open while the test edits files, and each save shows up without a manual reload."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import brief_text
from test_serve_http import ServeProcess

RED, GREEN = "rgb(200, 0, 0)", "rgb(0, 128, 0)"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    root = tmp_path_factory.mktemp("site")
    files = {
        "site.yaml": "title: Live\nbase_url: http://localhost:8000/\n",
        "content/edit.md": brief_text(
            "Before The Edit", "2025-05-01 09:00", ["Armenia"], slug="edit"
        ),
        "content/broken.md": brief_text(
            "Soon Broken", "2025-05-02 09:00", ["Armenia"], slug="broken"
        ),
        "content/doomed.md": brief_text("Doomed Brief", "2025-05-03 09:00", ["USA"], slug="doomed"),
        "static/css/style.css": f"body {{ background-color: {RED}; }}\n",
    }
    for relpath, text in files.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, encoding="utf-8")
    server = ServeProcess(root, tmp_path_factory.mktemp("tmp"))
    yield server
    server.stop()


@pytest.fixture
def page(browser, served: ServeProcess):
    page = browser.new_page()
    yield page
    page.close()


def write(served: ServeProcess, relpath: str, text: str) -> None:
    path = served.root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def open_live(page, served: ServeProcess, url: str) -> None:
    """Open a page. No need to wait for its event stream: the page carries the number of
    the build it shows, and the server replays whatever changed since when it connects."""
    page.goto(served.url + url)


def test_title_edit_updates_the_open_page_within_two_seconds(page, served) -> None:
    open_live(page, served, "/2025/05/edit/")
    assert page.inner_text("h1") == "Before The Edit"
    write(
        served,
        "content/edit.md",
        brief_text("After The Edit", "2025-05-01 09:00", ["Armenia"], slug="edit"),
    )
    page.wait_for_function(
        "document.querySelector('h1').innerText === 'After The Edit'", timeout=2000
    )


def test_invalid_yaml_shows_an_overlay_naming_the_file_until_fixed(page, served) -> None:
    open_live(page, served, "/2025/05/broken/")
    good = brief_text("Soon Broken", "2025-05-02 09:00", ["Armenia"], slug="broken")
    write(served, "content/broken.md", good.replace("title: ", "title: [", 1))
    overlay = page.wait_for_selector("#briefpress-problems", timeout=5000)
    assert "content/broken.md:" in overlay.inner_text()
    served.wait_for(r"^content/broken\.md:\d+: ")  # and in the terminal
    assert page.inner_text("h1") == "Soon Broken", "the last good build stays on screen"
    write(served, "content/broken.md", good)
    page.wait_for_selector("#briefpress-problems", state="detached", timeout=5000)


def test_css_edit_applies_without_a_reload(page, served) -> None:
    open_live(page, served, "/")
    background = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(background) == RED
    page.evaluate("window.__marker = 1")
    write(served, "static/css/style.css", f"body {{ background-color: {GREEN}; }}\n")
    page.wait_for_function(f"{background} === '{GREEN}'", timeout=5000)
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def test_new_brief_appears_on_the_open_home_page(page, served) -> None:
    open_live(page, served, "/")
    write(served, "content/fresh.md", brief_text("Freshly Written", "2025-06-01 09:00", ["USA"]))
    page.wait_for_selector("text=Freshly Written", timeout=5000)


def test_deleted_brief_disappears(page, browser, served) -> None:
    open_live(page, served, "/2025/05/doomed/")
    home = browser.new_page()
    open_live(home, served, "/")
    assert home.locator("text=Doomed Brief").count() >= 1
    (served.root / "content/doomed.md").unlink()
    home.wait_for_function("!document.body.innerText.includes('Doomed Brief')", timeout=5000)
    page.wait_for_function("!document.body.innerText.includes('Doomed Brief')", timeout=5000)
    response = page.reload()
    assert response is not None and response.status == 404
    home.close()

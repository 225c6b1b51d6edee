"""The default theme's structure on built pages: landmarks, languages, brief details, budgets."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, brief_text, page

THEME = REPO / "themes" / "default"
CSS = THEME / "static" / "css" / "style.css"
BASE = "https://example.org/briefs/"
CONFIG = f"title: Test Briefing\nbase_url: {BASE}\ntimezone: UTC\nper_page: 3\n"
WORDS = " ".join(["word"] * 660)  # 3 minutes at 220 words a minute
BRIEFS = {
    "content/a.md": brief_text(
        "Talks Resume in Geneva: A Second Round", "2025-08-06 06:27", ["Armenia", "USA"], WORDS
    ),
    "content/b.md": brief_text(
        "Budget Revised",
        "2025-08-05 10:00",
        ["Armenia"],
        "Body.",
        updated="2025-08-07 09:15",
        image="/images/map.png",
        image_alt="Map of the border",
        image_width=800,
        image_height=450,
        image_caption="The border, 2025.",
    ),
    "content/c.md": brief_text("Older Brief", "2025-08-05 08:00", ["Economy"]),
    "content/d.md": brief_text("Oldest Brief", "2025-07-01 12:00", ["Economy"]),
}
SEED_URL = "/2025/08/talks-resume-in-geneva/"


@pytest.fixture
def out(build_site) -> Path:
    return build_site(BRIEFS, CONFIG)


def html_pages(out: Path) -> list[tuple[str, BeautifulSoup]]:
    return [
        (p.relative_to(out).as_posix(), BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser"))
        for p in sorted(out.rglob("*.html"))
    ]


def test_every_page_has_landmarks_skip_link_and_head_tags(out: Path) -> None:
    pages = html_pages(out)
    assert len(pages) > 10
    for name, soup in pages:
        assert soup.html["lang"] == "en", name
        for landmark in ("header", "nav", "main", "footer"):
            assert soup.find(landmark), f"{name}: no <{landmark}>"
        skip = soup.find("a", class_="skip-link")
        assert skip is not None and soup.find(id=skip["href"].lstrip("#")).name == "main", name
        assert soup.title.get_text().strip(), name
        assert soup.find("meta", attrs={"name": "description"})["content"].strip(), name
        assert soup.find("link", rel="canonical")["href"].startswith(BASE), name
        assert soup.find("meta", property="og:title")["content"].strip(), name
        nav = [a.get_text() for a in soup.select("nav.site-nav a")]
        assert nav == ["Latest", "Archive", "Tags", "Search"], name
        box = soup.select_one("form.site-search input[type=search]")
        assert soup.find("label", attrs={"for": box["id"]}), name


def test_every_page_links_the_theme_favicon(out: Path) -> None:
    """SPEC §1: the theme's static/ holds its icon; every page names it under the base path."""
    icon = (out / "favicon.svg").read_bytes()
    assert icon == (THEME / "static" / "favicon.svg").read_bytes()
    assert len(icon) < 1000 and ET.fromstring(icon).tag == "{http://www.w3.org/2000/svg}svg"
    for name, soup in html_pages(out):
        links = soup.select('head link[rel="icon"]')
        assert [(ln["href"], ln["type"]) for ln in links] == [
            ("/briefs/favicon.svg", "image/svg+xml")
        ], name


def test_a_site_favicon_replaces_the_themes(build_site) -> None:
    own = '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    out = build_site({**BRIEFS, "static/favicon.svg": own}, CONFIG)
    assert (out / "favicon.svg").read_text(encoding="utf-8") == own
    assert page(out, "/").find("link", rel="icon")["href"] == "/briefs/favicon.svg"


def test_home_leads_with_the_newest_brief_then_groups_by_day(out: Path) -> None:
    home = page(out, "/")
    lead = home.select_one("main article.lead")
    assert lead.find("h2").get_text() == "Talks Resume in Geneva: A Second Round"
    assert lead.select_one(".summary").get_text().startswith("word word")
    days = [h.find("time")["datetime"] for h in home.select("main .day .day-heading")]
    assert days == ["2025-08-05"]
    titles = [h.get_text() for h in home.select(".day .brief-item-title")]
    assert titles == ["Budget Revised", "Older Brief"]
    second = page(out, "/page/2/")
    assert second.select_one("article.lead") is None
    assert [h.find("time")["datetime"] for h in second.select(".day-heading")] == ["2025-07-01"]
    assert second.select_one("nav.pager a[rel=prev]")["href"] == "/briefs/"


def test_brief_page_shows_dek_dateline_reading_time_and_chips(out: Path) -> None:
    brief = page(out, SEED_URL)
    h1 = brief.find("h1")
    assert h1.get_text() == "Talks Resume in Geneva: A Second Round"
    assert h1.select_one(".dek").get_text() == "A Second Round"
    dateline = brief.select_one("article .dateline")
    assert dateline.find("time")["datetime"] == "2025-08-06T06:27:00+00:00"
    assert dateline.find("time").get_text() == "August 6, 2025, 06:27"
    assert dateline.select_one(".reading-time").get_text() == "3 min read"
    assert [a["href"] for a in brief.select("article .tags a.tag")] == [
        "/briefs/tags/armenia/",
        "/briefs/tags/usa/",
    ]
    assert brief.select_one(".kicker a").get_text() == "Armenia"


def test_updated_line_and_image_with_alt_and_size(out: Path) -> None:
    brief = page(out, "/2025/08/budget-revised/")
    updated = brief.select_one(".dateline .updated")
    assert updated.get_text(" ", strip=True) == "Updated August 7, 2025, 09:15"
    assert updated.find("time")["datetime"] == "2025-08-07T09:15:00+00:00"
    img = brief.select_one("article figure img")
    assert img["src"] == "/briefs/images/map.png"
    assert img["alt"] == "Map of the border"
    assert (img["width"], img["height"]) == ("800", "450")
    assert brief.select_one("article figure figcaption").get_text() == "The border, 2025."
    assert brief.find("meta", property="og:image")["content"] == BASE + "images/map.png"
    assert brief.find("meta", property="article:modified_time")["content"].startswith("2025-08-07")
    assert page(out, SEED_URL).select_one(".updated, figure") is None


def test_only_brief_pages_are_indexed(out: Path) -> None:
    for name, soup in html_pages(out):
        bodies = soup.select("[data-pagefind-body]")
        is_brief = bool(soup.select_one("script[type='application/ld+json']"))
        assert len(bodies) == (1 if is_brief else 0), name


LANGUAGES = [
    ("hy", ["Արխիվ", "Պիտակներ", "Որոնում"], "6 օգոստոսի 2025 թ., 06:27", "3 րոպե ընթերցում"),
    ("ru", ["Архив", "Теги", "Поиск"], "6 августа 2025, 06:27", "3 мин чтения"),
]


@pytest.mark.parametrize(("language", "nav", "date", "minutes"), LANGUAGES, ids=["hy", "ru"])
def test_language_setting_translates_ui_and_dates(
    build_site, language: str, nav: list[str], date: str, minutes: str
) -> None:
    out = build_site(BRIEFS, CONFIG + f"language: {language}\n")
    brief = page(out, SEED_URL)
    assert brief.html["lang"] == language
    assert [a.get_text() for a in brief.select("nav.site-nav a")][1:] == nav
    assert brief.select_one("article .dateline time").get_text() == date
    assert brief.select_one(".reading-time").get_text() == minutes
    from briefpress.i18n import TABLES

    skip = TABLES[language]["skip"]
    assert brief.select_one(".skip-link").get_text() == skip
    month = page(out, "/2025/08/")
    assert month.find("h1").get_text() == f"{TABLES[language]['months'][7]} 2025"


def test_i18n_tables_are_complete_and_cover_every_template_string() -> None:
    from briefpress.i18n import TABLES

    english = set(TABLES["en"])
    for language, table in TABLES.items():
        assert set(table) == english, language
    used = set()
    for template in (THEME / "templates").glob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_]+)'", template.read_text(encoding="utf-8")))
    assert used and used <= english, sorted(used - english)


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        ("en", {1: "1 brief", 2: "2 briefs", 0: "0 briefs"}),
        (
            "ru",
            {
                1: "1 материал",
                3: "3 материала",
                5: "5 материалов",
                11: "11 материалов",
                21: "21 материал",
            },
        ),
        ("hy", {1: "1 նյութ", 7: "7 նյութ"}),
    ],
    ids=["en", "ru", "hy"],
)
def test_plural_forms(language: str, counts: dict[int, str]) -> None:
    from briefpress.i18n import strings_for

    strings = strings_for(language)
    assert {n: strings.text("n_briefs", n) for n in counts} == counts


def test_css_budget_and_required_media_queries() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert CSS.stat().st_size < 20 * 1024
    for query in ("prefers-color-scheme: dark", "prefers-reduced-motion: reduce", "@media print"):
        assert query in css
    assert "@import" not in css and "@font-face" not in css


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _palettes(css: str) -> dict[str, dict[str, str]]:
    light = re.search(r":root \{(.*?)\}", css, re.S).group(1)
    dark = re.search(r"prefers-color-scheme: dark\) \{\s*:root \{(.*?)\}", css, re.S).group(1)
    palettes = {}
    for name, block in (("light", light), ("dark", dark)):
        palettes[name] = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", block))
    return palettes


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_colours_meet_wcag_aa_contrast(scheme: str) -> None:
    colours = _palettes(CSS.read_text(encoding="utf-8"))[scheme]
    pairs = [(fg, bg) for fg in ("fg", "muted", "accent", "kicker") for bg in ("bg", "bg-alt")] + [
        ("chip-fg", "chip"),
        ("muted", "chip"),
        ("bg", "accent"),
    ]
    for fg, bg in pairs:
        ratio = _contrast(colours[fg], colours[bg])
        assert ratio >= 4.5, f"{scheme}: --{fg} on --{bg} is {ratio:.2f}:1"


def test_sample_site_makes_no_external_requests_and_runs_only_theme_scripts(
    tmp_path: Path, run_cli
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    code, _, err = run_cli(["build", "--no-search", "-q", "--base-url", BASE], root)
    assert code == 0, err
    out = root / "site"
    own_scripts = {f"/briefs/js/{p.name}" for p in (THEME / "static" / "js").glob("*.js")}
    for name, soup in html_pages(out):
        for element in soup.find_all(src=True) + soup.find_all("link", href=True):
            url = element.get("src") or element["href"]
            assert _is_own(url), f"{name}: <{element.name}> loads {url}"
        for link in soup.find_all("a", href=True):  # the theme's links; a body may cite the web
            if not link.find_parent(class_="brief-body"):
                assert _is_own(link["href"]), f"{name}: link to {link['href']}"
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":
                continue
            assert script.get("src") in own_scripts, f"{name}: unexpected script {script}"
    for css in out.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            assert _is_own(url) or url.startswith("data:"), f"{css.name}: url({url})"


def _is_own(url: str) -> bool:
    """A link that stays on the site: below the base path, or an absolute URL of the site."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return url.startswith(BASE)
    return url.startswith(("/briefs/", "#")) or not url.startswith("/")


def test_the_bench_peer_theme_builds_pages_like_hugos(write_site, run_cli) -> None:
    """bench/run.py compares engines on the Hugo peer's layouts too: keep them working."""
    root = write_site(
        {
            "content/a.md": brief_text("Alpha talks", "2025-08-06 06:27", ["USA", "Armenia"]),
            "content/b.md": brief_text("Beta deal", "2025-07-01 10:00", ["USA"]),
        },
        "title: Bench\nper_page: 1000000\ntheme: peer\n",
    )
    shutil.copytree(REPO / "bench" / "peer-theme", root / "themes" / "peer")
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    brief = (root / "site" / "2025" / "08" / "alpha-talks" / "index.html").read_text()
    assert "<h1>Alpha talks</h1>" in brief
    assert '<time datetime="2025-08-06T06:27:00' in brief and "6 August 2025, 06:27</time>" in brief
    tag = (root / "site" / "tags" / "usa" / "index.html").read_text()
    assert tag.count("<li><time") == 2
    assert '(2)</li>' in (root / "site" / "tags" / "index.html").read_text()

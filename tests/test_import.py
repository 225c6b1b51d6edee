"""`briefpress import`: plain-text briefs in the seed's layout become Markdown briefs."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, SEED, page, run_process
from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefpress.errors import ProblemError
from briefpress.importer import escape_markdown, parse_plain_brief
from briefpress.markdown import make_markdown

SEED_FILE = SEED
SAMPLE = "content/2025/08/washington-prepares-meeting-of-armenian-and-azerbaijani-leaders.md"
SEED_URL = "/2025/08/washington-prepares-meeting-of-armenian-and-azerbaijani-leaders/"
YEREVAN = ZoneInfo("Asia/Yerevan")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site-src"
    (root / "content").mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    return root


def test_seed_import_is_the_sample_brief_and_builds_its_page(site: Path) -> None:
    result = run_process(["import", str(SEED_FILE)], site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "imported 1, skipped 0"
    assert (site / SAMPLE).read_bytes() == (REPO / SAMPLE).read_bytes()

    built = run_process(["build", "--no-search", "-q"], site)
    assert built.returncode == 0, built.stderr
    soup = page(site / "site", SEED_URL)
    assert soup.h1.get_text(" ", strip=True).startswith(
        "Washington Prepares Meeting of Armenian and Azerbaijani Leaders"
    )
    assert soup.find("time")["datetime"] == "2025-08-06T06:27:00+04:00"
    tag_links = [a["href"] for a in soup.select("article .tags a")]
    assert tag_links == ["/tags/armenia/", "/tags/usa/", "/tags/azerbaijan/"]
    text = soup.find("article").get_text()
    assert '"extraterritorial infrastructure"' in text
    assert '"harsh response"' in text
    assert "Abraham Accords – an international" in text
    assert "\\" not in text


def test_folder_with_a_bad_file_imports_the_rest_and_names_it(site: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "more").mkdir(parents=True)
    shutil.copy(SEED_FILE, inbox / "seed.txt")
    (inbox / "more" / "second.txt").write_text(
        "Second brief\n\n  Body *stars* and [brackets].\n\n#Iran\n\n07.08.2025 10:00\n",
        encoding="utf-8",
    )
    (inbox / "bad.txt").write_text("Title only\n\nA body.\n\n31.02.2025 10:00\n", encoding="utf-8")
    (inbox / "notes.md").write_text("not a .txt file: not imported\n", encoding="utf-8")

    result = run_process(["import", str(inbox)], site)
    assert result.returncode == 1
    assert f"{inbox / 'bad.txt'}:5: date: '31.02.2025 10:00' is not a real day" in result.stderr
    assert result.stdout.splitlines()[-1] == "imported 2, skipped 1"
    assert (site / SAMPLE).is_file()
    second = (site / "content/2025/08/second-brief.md").read_text(encoding="utf-8")
    assert "tags: [Iran]" in second
    assert "Body \\*stars\\* and \\[brackets\\]." in second


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"a.txt": b""}, "a.txt:1: empty file"),
        ({"a.txt": b"Title\n\nBody.\n"}, "a.txt:3: last line 'Body.' is not a date"),
        ({"a.txt": b"06.08.2025 06:27\n"}, "a.txt:1: no title"),
        ({"a.txt": b"Title\n\xff\xfe\n06.08.2025 06:27\n"}, "a.txt:2: not valid UTF-8"),
        ({"a.txt": b"Title\n\x00\x01\n"}, "a.txt:2: looks like a binary file"),
        (
            {"a.txt": b"!!!\n\nBody.\n\n06.08.2025 06:27\n"},
            "a.txt:1: title '!!!' gives an empty slug",
        ),
        (
            {"a.txt": b"T\n\n06.08.2025 06:27\n", "b.txt": b"T\n\nx\n\n07.08.2025 06:27\n"},
            "b.txt:1: same title and month as content/2025/08/t.md",
        ),
        ({"missing.txt": None}, "missing.txt: no such file or folder"),
    ],
    ids=[
        "empty",
        "no-date",
        "no-title",
        "not-utf8",
        "binary",
        "empty-slug",
        "same-target",
        "missing",
    ],
)
def test_unreadable_briefs_are_reported_with_path_and_line(
    site: Path, files: dict[str, bytes | None], expected: str
) -> None:
    for name, data in files.items():
        if data is not None:
            (site / name).write_bytes(data)
    result = run_process(["import", *files], site)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_existing_brief_is_kept_unless_force(site: Path) -> None:
    target = site / SAMPLE
    target.parent.mkdir(parents=True)
    target.write_text("mine\n", encoding="utf-8")
    kept = run_process(["import", str(SEED_FILE)], site)
    assert kept.returncode == 1
    assert f"{SAMPLE} exists (--force overwrites it)" in kept.stderr
    assert target.read_text(encoding="utf-8") == "mine\n"

    forced = run_process(["import", "--force", str(SEED_FILE)], site)
    assert forced.returncode == 0, forced.stderr
    assert target.read_bytes() == (REPO / SAMPLE).read_bytes()


def test_into_writes_elsewhere(site: Path) -> None:
    result = run_process(["import", "--into", "content/imported", str(SEED_FILE)], site)
    assert result.returncode == 0, result.stderr
    assert (site / "content/imported/2025/08" / Path(SAMPLE).name).is_file()


def test_outside_a_site_is_refused(tmp_path: Path) -> None:
    result = run_process(["import", str(SEED_FILE)], tmp_path)
    assert result.returncode == 2
    assert "not a briefpress site" in result.stderr


def test_parse_plain_brief_reads_the_seed_layout() -> None:
    text = (
        "\n  Title: with a dek  \n\n    First line\n    joined.\n\n\tSecond #Zangezur.\n\n"
        "#ARMENIA #usa\n#Armenia\n\n   06.08.2025 06:27  \n\n"
    )
    brief = parse_plain_brief(text, YEREVAN)
    assert brief.title == "Title: with a dek"
    assert brief.date == dt.datetime(2025, 8, 6, 6, 27, tzinfo=YEREVAN)
    assert brief.tags == ("ARMENIA", "usa")
    assert brief.paragraphs == ("First line joined.", "Second #Zangezur.")


def test_only_the_hashtag_lines_before_the_date_are_tags() -> None:
    """SPEC §9: paragraphs, then lines made only of hashtags, then the date. A line of
    hashtags inside the body is body text (its hashtags still link when built)."""
    text = "Title\n\nFirst.\n\n#Inline #Only\n\nLast part\n#Mid\nof it.\n\n#USA\n\n06.08.2025 06:27\n"
    brief = parse_plain_brief(text, YEREVAN)
    assert brief.tags == ("USA",)
    assert brief.paragraphs == ("First.", "#Inline #Only", "Last part #Mid of it.")


def test_parse_plain_brief_bad_date_names_its_line() -> None:
    with pytest.raises(ProblemError) as caught:
        parse_plain_brief("Title\n\nBody\n\n32.01.2025 10:00\n", YEREVAN)
    assert caught.value.line == 5


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        (
            'any "extraterritorial infrastructure" – here',
            'any "extraterritorial infrastructure" – here',
        ),
        ("Azerbaijan’s role: key; (maybe)!", "Azerbaijan’s role: key; (maybe)!"),
        (
            "*bold* _it_ `code` [link](x) <b> a|b \\ ~~s~~",
            "\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](x) \\<b> a\\|b \\\\ \\~\\~s\\~\\~",
        ),
        ("# not a heading", "\\# not a heading"),
        ("#Hashtag stays", "#Hashtag stays"),
        ("> not a quote", "\\> not a quote"),
        ("- not a list", "\\- not a list"),
        ("+ not a list", "\\+ not a list"),
        ("2020. A year", "2020\\. A year"),
        ("---", "\\---"),
        ("AT&T &amp; co", "AT&T \\&amp; co"),
        ("see https://example.org/a_b*", "see <https://example.org/a_b*>"),
    ],
    ids=[
        "quotes",
        "punctuation",
        "inline",
        "heading",
        "hashtag",
        "quote",
        "dash",
        "plus",
        "ordered",
        "rule",
        "entity",
        "url",
    ],
)
def test_escape_markdown(text: str, markdown: str) -> None:
    assert escape_markdown(text) == markdown


_PIECES = [
    *"ab1 #*_`[]()<>!&;:|~\\-+=.)\"'–^${}@/",
    "&amp;",
    "&#65;",
    "http://a.b/",
    "www.x.org",
    "1.",
    "---",
    "\xa0",
]

_MARKDOWN = make_markdown(True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=16))
@example(["http://a.b/", "[", "<", "]"])  # an address running into '<': it ends there
def test_escaped_text_renders_as_the_same_text(pieces: list[str]) -> None:
    text = "".join(pieces).strip()
    if not text:
        return
    html = _MARKDOWN.render(escape_markdown(text))
    soup = BeautifulSoup(html, "html.parser")
    assert [tag.name for tag in soup.find_all(recursive=False)] == ["p"], html
    assert {tag.name for tag in soup.p.find_all()} <= {"a"}, html
    assert " ".join(soup.p.get_text().split()) == " ".join(text.split()), html


SEED_TITLE = SEED_FILE.read_text(encoding="utf-8").splitlines()[0].strip()


@pytest.mark.parametrize(
    "title",
    [SEED_TITLE, "Washington prepares meeting of Armenian and Azerbaijani leaders"],
    ids=["same-title", "same-slug"],
)
def test_a_brief_whose_url_the_site_already_has_is_skipped(site: Path, title: str) -> None:
    hand = site / "content" / "hand.md"
    hand.write_text(
        f'---\ntitle: "{title}"\ndate: 2025-08-01 10:00\ntags: [USA]\n---\nMine.\n',
        encoding="utf-8",
    )
    result = run_process(["import", str(SEED_FILE)], site)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{SEED_FILE}:1: its URL {SEED_URL} is already the URL of content/hand.md: change "
        "that brief's title or `slug:`, or this title"
    ]
    assert result.stdout.splitlines()[-1] == "imported 0, skipped 1"
    assert not (site / SAMPLE).exists()
    built = run_process(["build", "--no-search", "-q"], site)
    assert built.returncode == 0, built.stderr


def test_a_brief_with_another_url_beside_a_hand_written_one_is_imported(site: Path) -> None:
    (site / "content" / "hand.md").write_text(
        f'---\ntitle: "{SEED_TITLE}"\ndate: 2025-07-31 10:00\n---\nMine.\n', encoding="utf-8"
    )
    result = run_process(["import", str(SEED_FILE)], site)
    assert result.returncode == 0, result.stderr
    assert (site / SAMPLE).is_file()


def test_same_url_in_one_run_is_skipped_when_the_permalink_has_no_month(site: Path) -> None:
    with (site / "site.yaml").open("a", encoding="utf-8") as config:
        config.write("permalink: /{slug}/\n")
    (site / "a.txt").write_bytes(b"T\n\nx\n\n06.08.2025 06:27\n")
    (site / "b.txt").write_bytes(b"T\n\ny\n\n06.09.2025 06:27\n")
    result = run_process(["import", "a.txt", "b.txt"], site)
    assert result.returncode == 1
    assert "b.txt:1: its URL /t/ is already the URL of content/2025/08/t.md" in result.stderr
    assert result.stdout.splitlines()[-1] == "imported 1, skipped 1"
    assert run_process(["build", "--no-search", "-q"], site).returncode == 0


def test_upper_case_txt_files_are_found_in_folders(site: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "UP.TXT").write_bytes(b"Upper\n\nx\n\n06.08.2025 06:27\n")
    (inbox / "mixed.Txt").write_bytes(b"Mixed\n\ny\n\n06.08.2025 06:27\n")
    result = run_process(["import", str(inbox)], site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "imported 2, skipped 0"
    assert (site / "content/2025/08/upper.md").is_file()
    assert (site / "content/2025/08/mixed.md").is_file()


def test_a_folder_without_txt_files_says_so(site: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / ".hidden").mkdir(parents=True)
    (inbox / "notes.md").write_text("not a .txt file\n", encoding="utf-8")
    (inbox / ".hidden" / "x.txt").write_bytes(b"T\n\nx\n\n06.08.2025 06:27\n")
    result = run_process(["import", str(inbox)], site)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{inbox}: no .txt files in this folder or under it: nothing to import"
    ]
    assert not any((site / "content").iterdir())

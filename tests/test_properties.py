"""Property-based tests: for any input, the pure readers give a valid result or our own error.

Hypothesis runs derandomized (the same examples every run, no example database), with a
bounded number of examples per property, so the file is stable in CI and takes seconds.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import SEED
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from briefpress.brief import decode_brief, parse_brief
from briefpress.config import SiteConfig
from briefpress.dates import parse_date
from briefpress.errors import ProblemError
from briefpress.frontmatter import FrontMatter, split_front_matter
from briefpress.importer import parse_plain_brief, to_markdown
from briefpress.load import markdown_for
from briefpress.markdown import hashtag_at, render_body, split_trailing_hashtags
from briefpress.slugs import MAX_SLUG, slugify, tag_key, title_slug

FAST = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
SLOW = settings(FAST, max_examples=60)

CONFIG = SiteConfig(base_url="https://example.org/news/", timezone="Asia/Yerevan")
TZ = ZoneInfo("Asia/Yerevan")

# Text that looks like briefs: fences, YAML/TOML syntax, Markdown, hashtags, odd Unicode.
FRAGMENTS = [
    "---\n", "+++\n", "...\n", "\n", "\n\n", "title: ", "date: ", "tags: ", "slug: ",
    "summary: ", "draft: ", "updated: ", "[", "]", "{", "}", ":", ": ", "- ", "&a ", "*a",
    "!!python/object/apply:os.system ['true']", "!!binary ", "'", '"', "#", "#USA", " #Տավուշ",
    "# Heading\n", "2025-08-06 06:27", "31.02.2025", "06.08.2025 06:27", "0000-01-01",
    "99999-01-01", "title = 'x'\n", "date = 2025-01-01\n", "=", "`", "```\n", "> ", "    ",
    "\t", "\u200d", "\u200f", "\u202e", "\ufeff", "\u0301", "ß", "ﬁ", "İ", "ı", "😀", "🇦🇲",
    "<script>", "&amp;", "\x00", "\x0b", "\u2028", "\ud7ff", "\U0010ffff",
]  # fmt: skip
briefish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map(
    "".join
)
any_text = st.one_of(briefish, st.text(max_size=300)).map(
    lambda text: text.replace("\r\n", "\n").replace("\r", "\n")  # as decode_brief leaves it
)


# Titles of printable text (no line breaks), tags that are valid hashtags.
titles = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60
).map(str.strip)
tag_names = st.builds(
    lambda first, rest: first + rest,
    st.characters(whitelist_categories=("Lu", "Ll", "Lo")),
    st.text(st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd")), max_size=10),
)
paragraphs = st.lists(
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1).filter(
        lambda p: "#" not in p and p.strip()
    ),
    max_size=4,
)


def brief_line_count(text: str) -> int:
    return text.count("\n") + 1


# -- front matter -------------------------------------------------------------------------


@FAST
@given(any_text)
def test_split_front_matter_returns_mapping_or_problem(text: str) -> None:
    try:
        front = split_front_matter(text)
    except ProblemError as exc:
        assert exc.message
        assert exc.line is not None and 1 <= exc.line <= brief_line_count(text)
        return
    assert isinstance(front, FrontMatter)
    assert isinstance(front.data, dict)
    assert all(isinstance(key, str) for key in front.data)
    assert 1 <= front.body_line <= brief_line_count(text) + 1
    assert text.endswith(front.body)
    for line in front.key_lines.values():
        assert 2 <= line <= brief_line_count(text)


@FAST
@given(st.binary(max_size=200), st.sampled_from([b"", b"\xef\xbb\xbf", b"---\r\n", b"\r"]))
def test_decode_brief_gives_text_with_plain_newlines_or_problem(raw: bytes, prefix: bytes) -> None:
    try:
        text = decode_brief("content/x.md", prefix + raw)
    except ProblemError as exc:
        assert exc.message and exc.line is not None and exc.line >= 1
        return
    assert "\r" not in text and "\0" not in text
    assert not text.startswith("\ufeff")


# -- dates --------------------------------------------------------------------------------

date_like = st.builds(
    "{}{}{}{}{}{}".format,
    st.integers(-5, 100_000).map(str),
    st.sampled_from(["-", ".", "/", ""]),
    st.integers(0, 40).map(str),
    st.sampled_from(["-", ".", ""]),
    st.integers(0, 40).map(str),
    st.sampled_from(["", " 06:27", "T25:61", " 23:59:60", "Z", " +0400", "+99:99", " -23:59"]),
)
date_values = st.one_of(
    date_like,
    st.text(max_size=30),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.timezones()),
)


@FAST
@given(date_values)
def test_parse_date_gives_aware_datetime_in_site_zone_or_problem(value: object) -> None:
    try:
        moment = parse_date(value, TZ)
    except ProblemError as exc:
        assert exc.message.startswith("date:")
        return
    assert isinstance(moment, dt.datetime)
    assert moment.tzinfo is TZ


@FAST
@given(st.dates(min_value=dt.date(1, 1, 1)), st.integers(0, 23), st.integers(0, 59))
def test_day_first_and_iso_forms_read_the_same_moment(day: dt.date, hour: int, minute: int) -> None:
    day_first = f"{day.day:02d}.{day.month:02d}.{day.year:04d} {hour:02d}:{minute:02d}"
    iso = f"{day.year:04d}-{day.month:02d}-{day.day:02d} {hour:02d}:{minute:02d}"
    try:
        expected = parse_date(iso, TZ)
    except ProblemError:
        return  # year 1 in a zone east of UTC falls before datetime.min: a clear problem
    assert parse_date(day_first, TZ) == expected
    assert (expected.year, expected.month, expected.day) == (day.year, day.month, day.day)


# -- slugs --------------------------------------------------------------------------------


def assert_no_path_or_control(slug: str) -> None:
    """What every slug guarantees, written (`slug:`) or made from a title or tag."""
    assert "/" not in slug and ".." not in slug and "\\" not in slug
    assert not any(ch.isspace() or unicodedata.category(ch)[0] in "CZ" for ch in slug)


def assert_usable_slug(slug: str) -> None:
    """A made slug is also trimmed of '-' and has no runs of '-'."""
    assert_no_path_or_control(slug)
    assert slug == slug.strip("-")
    assert "--" not in slug
    assert not any(
        unicodedata.category(ch)[0] == "M" and (i == 0 or slug[i - 1] == "-")
        for i, ch in enumerate(slug)
    ), "a combining mark only follows a letter or digit"


@FAST
@given(any_text, st.one_of(st.none(), st.integers(1, 100)))
def test_slugify_never_makes_a_path_or_control_character(text: str, limit: int | None) -> None:
    slug = slugify(text, limit)
    assert_usable_slug(slug)
    if limit:
        assert len(slug) <= limit
    assert slugify(slug) == slug, "a slug is its own slug"


@FAST
@given(any_text)
def test_title_slug_is_short_and_usable(title: str) -> None:
    slug = title_slug(title)
    assert_usable_slug(slug)
    assert len(slug) <= MAX_SLUG


# The exact case property. Tags compare by tag_key (NFKC + casefold), and a tag's URL is
# slugify(tag_key(name)). For every string without U+0131 LATIN SMALL LETTER DOTLESS I,
# writing it in upper or lower case gives the same slug. 'ı' is the one code point where
# it fails: its upper case is 'I', whose case fold is 'i', while 'ı' folds to itself
# (Turkish needs locale-aware folding, which Unicode's casefold deliberately is not).
# ß -> SS -> ss and ﬁ -> FI -> fi hold, because casefold('ß') == 'ss' and NFKC('ﬁ') == 'fi'.
case_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(["ß", "ﬁ", "ǅ", "ς", "İ", "ΐ", "Ǆ", "Ⅻ", "Ｕｓａ", "Հայաստան"])).map(
        "".join
    ),
).filter(lambda s: "\u0131" not in s)


@FAST
@given(case_text)
def test_tag_slug_is_stable_under_case_changes(name: str) -> None:
    slug = slugify(tag_key(name))
    assert slugify(tag_key(name.upper())) == slug
    assert slugify(tag_key(name.lower())) == slug
    assert slugify(tag_key(name.casefold())) == slug


def test_dotless_i_is_the_documented_exception() -> None:
    assert slugify(tag_key("ı")) == "ı"
    assert slugify(tag_key("ı".upper())) == "i"


@FAST
@given(st.text(min_size=1, max_size=20))
def test_tag_key_is_idempotent(name: str) -> None:
    assert tag_key(tag_key(name)) == tag_key(name)


# -- hashtags -----------------------------------------------------------------------------


def tag_href(name: str) -> str:
    return f"/news/tags/{slugify(name)}/"


hashtag_text = st.lists(
    st.one_of(st.sampled_from(["#", " #", "\n#", "\n\n", "`", "[", "](", ")", "> "]), tag_names),
    max_size=30,
).map("".join)


@SLOW
@given(st.one_of(any_text, hashtag_text))
def test_render_body_hashtags_are_valid_tags_with_pages(body: str) -> None:
    md = markdown_for(False)
    rendered = render_body(md, body, tag_href)
    assert isinstance(rendered.html, str) and isinstance(rendered.summary, str)
    for name, line in rendered.hashtags:
        assert hashtag_at("#" + name, 0) == name
        assert slugify(tag_key(name)), "every hashtag found has a tag page"
        assert f'href="{tag_href(name)}"' in rendered.html
        assert 0 <= line <= body.count("\n")
    assert "<script" not in rendered.html.lower(), "html: false escapes raw HTML"


@FAST
@given(any_text)
def test_trailing_hashtags_come_out_of_the_body(body: str) -> None:
    rest, tags = split_trailing_hashtags(body)
    for name in tags:
        assert hashtag_at("#" + name, 0) == name
    if tags:
        assert len(rest) < len(body)


# -- whole briefs -------------------------------------------------------------------------


@SLOW
@given(any_text)
def test_parse_brief_returns_brief_or_problems_with_lines_in_the_file(text: str) -> None:
    brief, problems = parse_brief("content/2025/x.md", text, CONFIG, markdown_for(True))
    assert (brief is None) == bool(problems)
    for problem in problems:
        assert problem.path == "content/2025/x.md" and problem.message
        assert problem.line is None or 1 <= problem.line <= brief_line_count(text) + 1
    if brief is not None:
        assert brief.title and brief.url.startswith("/") and brief.date.tzinfo is not None
        assert brief.slug, "a brief's slug is never empty"
        assert_no_path_or_control(brief.slug)


def dedupe(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(tag_key(name), name)
    return list(seen.values())


@SLOW
@given(titles, st.lists(tag_names, max_size=6), st.lists(tag_names, max_size=3), paragraphs)
def test_written_brief_parses_back_to_its_title_and_tags(
    title: str, tags: list[str], trailing: list[str], body: list[str]
) -> None:
    front = yaml.safe_dump(
        {"title": title, "date": "2025-08-06 06:27", "tags": tags}, allow_unicode=True
    )
    text = f"---\n{front}---\n" + "\n\n".join(body)
    if trailing:
        text += "\n\n" + " ".join("#" + t for t in trailing) + "\n"
    brief, problems = parse_brief("content/x.md", text, CONFIG, markdown_for(True))
    if not title or not title_slug(title):
        assert brief is None and problems
        return
    assert not problems, problems
    assert brief is not None
    assert brief.title == title
    assert list(brief.tags) == dedupe(tags + trailing)
    assert brief.date == dt.datetime(2025, 8, 6, 6, 27, tzinfo=TZ)


@pytest.mark.parametrize("letter", ["ß", "ﬁ", "Σ", "İ"])
def test_case_spellings_of_one_tag_are_one_tag(letter: str) -> None:
    text = f"---\ntitle: T\ndate: 2025-01-01\ntags: [{letter}x, {letter.upper()}X]\n---\nBody\n"
    brief, problems = parse_brief("content/x.md", text, CONFIG, markdown_for(True))
    assert brief is not None and not problems
    assert len(brief.tags) == 1


# -- the plain-text importer ----------------------------------------------------------------

plain_lines = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=80
)


@FAST
@given(st.lists(st.one_of(plain_lines, st.sampled_from(FRAGMENTS + ["", "06.08.2025 06:27"]))))
def test_plain_import_reads_a_brief_or_says_which_line_is_wrong(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        plain = parse_plain_brief(text, TZ)
    except ProblemError as exc:
        assert exc.message and exc.line is not None
        assert 1 <= exc.line <= brief_line_count(text)
        return
    assert plain.title and plain.title == plain.title.strip()
    assert plain.date.tzinfo is TZ


words = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs")), min_size=1, max_size=12
).filter(lambda w: not w.startswith("#"))
plain_paragraphs = st.lists(
    st.lists(words, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=4
)


@SLOW
@given(titles, st.lists(tag_names, min_size=1, max_size=4), plain_paragraphs)
def test_import_then_build_round_trips_the_text(
    title: str, tags: list[str], paragraphs: list[str]
) -> None:
    assume(title and title_slug(title) and not title.startswith("#"))
    assume(not any(p.strip("0123456789.: ") == "" for p in paragraphs))  # not a date line
    plain_text = "\n\n".join(
        [
            title,
            *("    " + p for p in paragraphs),
            "\n".join("#" + t for t in tags),
            "06.08.2025 06:27",
        ]
    )
    plain = parse_plain_brief(plain_text, TZ)
    assert (plain.title, list(plain.paragraphs)) == (title, paragraphs)

    brief, problems = parse_brief("content/x.md", to_markdown(plain), CONFIG, markdown_for(True))
    assert not problems, problems
    assert brief is not None and brief.title == title
    inline = [name for p in paragraphs for name, _ in hashtags_in(p)]
    assert list(brief.tags) == dedupe(tags + inline)
    shown = [p.get_text() for p in BeautifulSoup(brief.body_html, "html.parser").find_all("p")]
    assert shown == paragraphs, "the paragraphs read the same after import and build"


def hashtags_in(text: str) -> list[tuple[str, int]]:
    return list(render_body(markdown_for(True), text, tag_href).hashtags)


HOSTILE_PLAIN = """Odd *Markdown* [chars] & <tags>: a test

    1. Not a list, *not emphasis*, `not code`, <b>not bold</b>, &amp; stays.

    # Not a heading; > not a quote; - not a bullet; \\ a backslash; https://example.org/a_b_c

#ARMENIA #Հայաստան

06.08.2025 06:27
"""


def test_import_then_build_keeps_the_text_of_each_brief(
    tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    root = tmp_path / "site-src"
    (root / "plain").mkdir(parents=True)
    (root / "site.yaml").write_text("title: T\ntimezone: Asia/Yerevan\n", encoding="utf-8")
    (root / "plain" / "seed.txt").write_bytes(SEED.read_bytes())
    (root / "plain" / "odd.txt").write_text(HOSTILE_PLAIN, encoding="utf-8")
    os.mkfifo(root / "plain" / "pipe.txt")  # reported, never waited on
    code, out, err = run_cli(["import", "plain"], root)
    assert code == 1 and "plain/pipe.txt: not a regular file" in err, err
    assert run_cli(["build", "--no-search", "-q"], root)[0] == 0

    for source in ("seed.txt", "odd.txt"):
        plain = parse_plain_brief((root / "plain" / source).read_text(encoding="utf-8"), TZ)
        page = next(p for p in (root / "site").rglob("index.html") if plain_title(p) == plain.title)
        body = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        shown = [p.get_text() for p in body.select(".brief-body p")]
        assert shown == list(plain.paragraphs), source


def plain_title(page: Path) -> str:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").h1.get_text()


@FAST
@given(
    st.text(
        st.sampled_from([*"a\n\t\x0c\x07\x1b\x7f\x85\x9f\xa0é€\ufdd0\ufdef\ufffe\uffff"])
        | st.sampled_from(["\U0001f600", "\U0001fffe", "\U0010ffff", "\u2028"]),
        max_size=30,
    )
)
def test_unshowable_characters_are_found_by_the_quick_byte_checks(text: str) -> None:
    """decode_brief looks at bytes first; it must find what the text pattern finds."""
    from briefpress.brief import _UNSHOWABLE

    expected = _UNSHOWABLE.search(text)
    try:
        decode_brief("content/x.md", text.encode())
    except ProblemError as exc:
        assert expected is not None and f"U+{ord(expected[0]):04X}" in exc.message
    else:
        assert expected is None

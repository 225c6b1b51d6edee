"""Front matter: YAML and TOML fences, key lines in the file, safe loading, clear errors."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefpress import frontmatter
from briefpress.errors import ProblemError
from briefpress.frontmatter import parse_full_yaml, parse_simple_yaml, split_front_matter


def test_yaml_front_matter_lines_are_lines_of_the_file() -> None:
    front = split_front_matter("---\ntitle: T\n\ndate: 2025-08-06\ntags: [A]\n---\nBody\n")
    assert front.data == {"title": "T", "date": "2025-08-06", "tags": ["A"]}
    assert front.key_lines == {"title": 2, "date": 4, "tags": 5}
    assert front.body == "Body\n"
    assert front.body_line == 7


def test_yaml_dates_stay_text_for_briefpress_to_read() -> None:
    front = split_front_matter("---\ndate: 2025-08-06 06:27\nwhen: 2025-08-06\n---\n")
    assert front.data == {"date": "2025-08-06 06:27", "when": "2025-08-06"}


def test_toml_front_matter() -> None:
    text = '+++\ntitle = "T"\n\ntags = ["A", "B"]\ndate = 2025-08-06T06:27:00\n+++\nBody\n'
    front = split_front_matter(text)
    assert front.data["title"] == "T"
    assert front.data["tags"] == ["A", "B"]
    assert front.key_lines == {"title": 2, "tags": 4, "date": 5}
    assert front.body == "Body\n"


def test_no_front_matter_is_all_body() -> None:
    front = split_front_matter("# Title\n\nText\n")
    assert front.data == {}
    assert front.body == "# Title\n\nText\n"
    assert front.body_line == 1


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\ntitle: T\n", 1, "front matter opened with '---' on line 1 is never closed"),
        ("---\ntitle: T\ndate: [1, 2\n---\n", 3, "invalid YAML front matter"),
        ("---\ntitle: T\n  bad: indent\n---\n", 3, "invalid YAML front matter"),
        ("---\n- a\n- b\n---\n", 2, "front matter must be a mapping"),
        ('+++\ntitle = "T"\ndate = \n+++\n', 3, "invalid TOML front matter"),
        ("---\ntitle: !!python/object:os.system ls\n---\n", 2, "invalid YAML front matter"),
    ],
    ids=["never-closed", "yaml-flow", "yaml-indent", "not-mapping", "toml", "unsafe-tag"],
)
def test_bad_front_matter(text: str, line: int, message: str) -> None:
    with pytest.raises(ProblemError) as caught:
        split_front_matter(text)
    assert caught.value.line == line
    assert caught.value.message.startswith(message)


def test_alias_bomb_is_refused() -> None:
    lines = ["---", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    with pytest.raises(ProblemError, match="too large"):
        split_front_matter("\n".join([*lines, "---", ""]))


YAML_FRAGMENTS = [
    "title",
    "date",
    "tags",
    "slug",
    "draft",
    "yes",
    "null",
    "on",
    "x_y",
    "é",
    "Key-2",
    "1",
    ":",
    ": ",
    " ",
    "  ",
    "\n",
    "\t",
    "#",
    " #",
    "-",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    ", ",
    '"',
    "'",
    "''",
    "\\",
    "!",
    "&",
    "*",
    "|",
    ">",
    "%",
    "@",
    "`",
    "?",
    "~",
    ".",
    ".5",
    "2025-08-06",
    "06:27",
    "1:20",
    "0x1F",
    "1_000",
    "1e3",
    ".inf",
    "True",
    "NO",
    "Null",
    "Armenia",
    "talks: a",
    "U.S.",
    "A B",
    "\u00a0",
    "\u2003",
    "“q”",
    "\x0b",
    "\ufeff",
    "<<",
]


_text = st.lists(st.sampled_from(YAML_FRAGMENTS), max_size=8).map("".join)
_line = st.tuples(
    st.sampled_from(["title", "tags", "x", "yes", "1", "é", " k", "k k", ""]),
    st.sampled_from([": ", ":", ":  ", " : "]),
    st.one_of(
        _text,
        _text.map(lambda t: f'"{t}"'),
        _text.map(lambda t: f"'{t}'"),
        st.lists(_text, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
    ),
).map("".join)


@settings(max_examples=800, deadline=None)
@given(
    st.one_of(
        st.lists(st.sampled_from(YAML_FRAGMENTS), max_size=30).map("".join),
        st.lists(_line, max_size=5).map("\n".join),
    )
)
@example('title: "Headline: the dek"\ndate: 2025-08-06 06:27\ntags: [A, "B c", \'d\']')
@example("tags: [a:b, c]")
@example("tags: []\nslug: x\n\ndraft: no")
@example("key: value # comment")
@example("a: 1:20\nb: 0o17\nc: .5\nd: 1e3")
def test_simple_front_matter_reads_as_yaml_reads_it(source: str) -> None:
    simple = parse_simple_yaml(source)
    try:
        full = parse_full_yaml(source)
    except ProblemError:
        assert simple is None
        return
    if simple is not None:
        assert simple == full
        assert [type(v) for v in simple[0].values()] == [type(v) for v in full[0].values()]


def test_usual_front_matter_is_read_without_the_yaml_parser() -> None:
    """Without this the comparison above could compare YAML with itself."""
    source = 'title: "Headline: dek"\ndate: 2023-03-16T15:55:00+04:00\nslug: s-9\ntags: [A, B C]'
    assert parse_simple_yaml(source) == (
        {
            "title": "Headline: dek",
            "date": "2023-03-16T15:55:00+04:00",
            "slug": "s-9",
            "tags": ["A", "B C"],
        },
        {"title": 2, "date": 3, "slug": 4, "tags": 5},
    )
    assert parse_simple_yaml("draft: true") is None  # typed values go to YAML


def split_by_lines(text: str) -> tuple[str, str, int] | None:
    """What split_front_matter finds, by splitting every line (it scans to the fence)."""
    first, _, rest = text.partition("\n")
    if first.rstrip() not in ("---", "+++"):
        return None
    lines = rest.split("\n")
    for index, line in enumerate(lines):
        if line.rstrip() in (first.rstrip(), "..." if first.rstrip() == "---" else first):
            return "\n".join(lines[:index]), "\n".join(lines[index + 1 :]), index + 3
    return None


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.sampled_from(["---", "+++", "...", "\n", "a: b", "x = 1", " ", "--- "])).map(
        "".join
    )
)
def test_the_fence_is_found_as_by_splitting_lines(text: str) -> None:
    expected = split_by_lines(text)
    sources: list[str] = []

    def keep(source: str) -> tuple[dict[str, object], dict[str, int]]:
        sources.append(source)
        return {}, {}

    with (
        mock.patch.object(frontmatter, "_parse_yaml", keep),
        mock.patch.object(frontmatter, "_parse_toml", keep),
    ):
        try:
            found = split_front_matter(text)
        except ProblemError:
            assert expected is None and text.partition("\n")[0].rstrip() in ("---", "+++")
            return
    if expected is None:
        assert (found.body, found.body_line, sources) == (text, 1, [])
    else:
        assert (sources[0], found.body, found.body_line) == expected

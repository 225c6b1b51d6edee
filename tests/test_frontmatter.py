"""Front matter: YAML and TOML fences, key lines in the file, safe loading, clear errors."""

from __future__ import annotations

import pytest

from briefpress.errors import ProblemError
from briefpress.frontmatter import split_front_matter


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

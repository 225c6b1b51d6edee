"""One tiny broken site per error case: the exact `path:line: message`, exit 1, no
traceback, and the previous site/ left byte-for-byte as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import brief_text

GOOD = {"content/good.md": brief_text("Good", "2025-01-01", ["Armenia"])}
EXPECTED_DATE = "(expected YYYY-MM-DD HH:MM, DD.MM.YYYY HH:MM or ISO 8601)"

CASES: list[tuple[str, dict[str, str | bytes], list[str]]] = [
    (
        "bad-yaml",
        {"content/x.md": "---\ntitle: X\ndate: 2025-01-01\ntags: [a, b\n---\nBody\n"},
        ["content/x.md:4: invalid YAML front matter: "],
    ),
    (
        "unquoted-dek",
        {"content/x.md": "---\ndate: 2025-01-01\ntitle: Big news: the dek\n---\nBody\n"},
        [
            "content/x.md:3: invalid YAML front matter: mapping values are not allowed in this "
            "context (a value containing ': ' must be in quotes: title: \"Headline: the dek\")"
        ],
    ),
    (
        "bad-utf8",
        {"content/x.md": b"---\ntitle: X\ndate: 2025-01-01\n---\nCaf\xe9\n"},
        ["content/x.md:5: not valid UTF-8 (byte 0xe9); save the file as UTF-8"],
    ),
    (
        "binary",
        {"content/x.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
        ["content/x.md:3: looks like a binary file (NUL byte); briefs are UTF-8 text"],
    ),
    (
        "control-characters",
        {
            "content/x.md": '---\ntitle: "A \\u0000 B"\ndate: 2025-01-01\ntags: [a, "b\\a"]\n---\nOK\n',
            "content/y.md": b"---\ntitle: Y\ndate: 2025-01-01\n---\nOne\n\nBell \x07 here\n",
            "content/z.md": "---\ntitle: Z\ndate: 2025-01-01\n---\nNext line \x85 and \uffff\n",
        },
        [
            "content/x.md:2: title: control character U+0000, which a web page cannot show: "
            "write it without",
            "content/x.md:4: tags: control character U+0007, which a web page cannot show: "
            "write it without",
            "content/y.md:7: control character U+0007, which a web page cannot show: delete it",
            "content/z.md:5: control character U+0085, which a web page cannot show: delete it",
        ],
    ),
    (
        "noncharacter",
        {"content/x.md": "---\ntitle: X\ndate: 2025-01-01\n---\nText \U0010fffe\n"},
        ["content/x.md:5: noncharacter U+10FFFE, which a web page cannot show: delete it"],
    ),
    (
        "empty",
        {"content/x.md": ""},
        ["content/x.md:1: file is empty: a brief needs a title and a date"],
    ),
    (
        "never-closed",
        {"content/x.md": "---\ntitle: X\ndate: 2025-01-01\nBody\n"},
        [
            "content/x.md:1: front matter opened with '---' on line 1 is never closed: "
            "add a '---' line after it"
        ],
    ),
    (
        "missing-title",
        {"content/x.md": "---\ndate: 2025-01-01\n---\nBody\n"},
        [
            "content/x.md:1: title is missing: add `title:` to the front matter or begin "
            "the body with `# Heading`"
        ],
    ),
    (
        "title-not-text",
        {"content/x.md": "---\ndate: 2025-01-01\ntitle: [a, b]\n---\nBody\n"},
        [
            "content/x.md:3: title must be text, not list: add `title:` to the front matter "
            "or begin the body with `# Heading`"
        ],
    ),
    (
        "missing-date",
        {"content/x.md": "---\ntitle: X\n---\nBody\n"},
        [
            "content/x.md:1: date is missing: add `date: YYYY-MM-DD HH:MM` or name the "
            "file YYYY-MM-DD-slug.md"
        ],
    ),
    (
        "impossible-date",
        {"content/x.md": "---\ntitle: X\ntags: [A]\ndate: 31.02.2025 10:00\n---\nBody\n"},
        [f"content/x.md:4: date: '31.02.2025 10:00' is not a real day or time {EXPECTED_DATE}"],
    ),
    (
        "slug-slash",
        {"content/x.md": "---\ntitle: X\ndate: 2025-01-01\nslug: a/b\n---\nBody\n"},
        ["content/x.md:4: slug: 'a/b' is not usable in a URL (no '/', '..', spaces or empty)"],
    ),
    (
        "slug-dotdot",
        {"content/x.md": "---\ntitle: X\ndate: 2025-01-01\nslug: ..\n---\nBody\n"},
        ["content/x.md:4: slug: '..' is not usable in a URL (no '/', '..', spaces or empty)"],
    ),
    (
        "slug-empty",
        {"content/x.md": "---\ntitle: X\ndate: 2025-01-01\nslug: ''\n---\nBody\n"},
        ["content/x.md:4: slug: '' is not usable in a URL (no '/', '..', spaces or empty)"],
    ),
    (
        "tag-empty-slug",
        {"content/x.md": "---\ntitle: X\ndate: 2025-01-01\n\ntags: ['+++']\n---\nBody\n"},
        ["content/x.md:5: tag '#+++' has no letters or digits to make a URL from: rename it"],
    ),
    (
        "tag-slug-collision",
        {
            "content/a.md": "---\ntitle: A\ndate: 2025-01-01\ntags: [C++]\n---\nBody\n",
            "content/b.md": "---\ntitle: B\ndate: 2025-01-02\n\ntags: ['C#']\n---\nBody\n",
        },
        [
            "content/a.md:4: tag '#C++' and tag '#C#' (used in content/b.md:5) both make "
            "the URL /tags/c/: rename one of them",
            "content/b.md:5: tag '#C#' and tag '#C++' (used in content/a.md:4) both make "
            "the URL /tags/c/: rename one of them",
        ],
    ),
    (
        "tag-slug-collision-of-three",
        {
            "content/a.md": "---\ntitle: A\ndate: 2025-01-01\ntags: [C++]\n---\nBody\n",
            "content/b.md": "---\ntitle: B\ndate: 2025-01-02\n\ntags: [C]\n---\nBody\n",
            "content/c.md": "---\ntitle: C\ndate: 2025-01-03\ntags: [X, 'C#']\n---\nBody\n",
        },
        [
            "content/a.md:4: tag '#C++', tag '#C' (used in content/b.md:5) and tag '#C#' "
            "(used in content/c.md:4) all make the URL /tags/c/: rename all but one of them",
            "content/b.md:5: tag '#C', tag '#C#' (used in content/c.md:4) and tag '#C++' "
            "(used in content/a.md:4) all make the URL /tags/c/: rename all but one of them",
            "content/c.md:4: tag '#C#', tag '#C' (used in content/b.md:5) and tag '#C++' "
            "(used in content/a.md:4) all make the URL /tags/c/: rename all but one of them",
        ],
    ),
    (
        "inline-hashtag-collision",
        {
            "content/a.md": "---\ndate: 2025-01-01\n---\n# Heading title\n\n"
            "Text on\ntwo lines #Café_1 here.\n",
            "content/b.md": "---\ntitle: B\ndate: 2025-01-02\ntags: ['café 1']\n---\nBody\n",
        },
        [
            "content/a.md:7: tag '#Café_1' and tag '#café 1' (used in content/b.md:4) both "
            "make the URL /tags/café-1/: rename one of them",
            "content/b.md:4: tag '#café 1' and tag '#Café_1' (used in content/a.md:7) both "
            "make the URL /tags/café-1/: rename one of them",
        ],
    ),
    (
        "url-collision-with-a-scheduled-brief",
        {
            "site.yaml": "base_url: https://example.org/\npermalink: /{slug}/\n",
            "content/a.md": brief_text("Budget", "2025-01-01"),
            "content/b.md": brief_text("Budget", "2999-01-01 10:00"),
        },
        [
            "content/a.md:1: URL /budget/ is also the URL of content/b.md (scheduled for "
            "2999-01-01T10:00+00:00): give one of them another `slug:` or title",
            "content/b.md:1: URL /budget/ is also the URL of content/a.md: give one of them "
            "another `slug:` or title",
        ],
    ),
    (
        "url-collision-with-a-draft",
        {
            "content/a.md": brief_text("Same Title", "2025-01-01"),
            "content/b.md": brief_text("Same title!", "2025-01-20", draft="true"),
            "content/c.md": brief_text("Same title?", "2025-01-21", draft="true"),
        },
        [
            "content/a.md:1: URL /2025/01/same-title/ is also the URL of content/b.md (a draft), "
            "content/c.md (a draft): give one of them another `slug:` or title",
            "content/b.md:1: URL /2025/01/same-title/ is also the URL of content/a.md, "
            "content/c.md (a draft): give one of them another `slug:` or title",
            "content/c.md:1: URL /2025/01/same-title/ is also the URL of content/a.md, "
            "content/b.md (a draft): give one of them another `slug:` or title",
        ],
    ),
    (
        "url-collision",
        {
            "content/a.md": brief_text("Same Title", "2025-01-01"),
            "content/b.md": brief_text("Same title!", "2025-01-20"),
        },
        [
            "content/a.md:1: URL /2025/01/same-title/ is also the URL of content/b.md: "
            "give one of them another `slug:` or title",
            "content/b.md:1: URL /2025/01/same-title/ is also the URL of content/a.md: "
            "give one of them another `slug:` or title",
        ],
    ),
    (
        "title-without-slug",
        {"content/x.md": "---\ndate: 2025-01-01\ntitle: '🎉 !!!'\n---\nBody\n"},
        ["content/x.md:3: title '🎉 !!!' gives an empty slug: add `slug:` to the front matter"],
    ),
    (
        "draft-not-bool",
        {"content/x.md": "---\ntitle: X\ndate: 2025-01-01\ndraft: maybe\n---\nBody\n"},
        ["content/x.md:4: draft: expected true or false"],
    ),
    (
        "tags-mapping",
        {"content/x.md": "---\ntitle: X\ndate: 2025-01-01\ntags: {a: 1}\n---\nBody\n"},
        ['content/x.md:4: tags: expected a list of names or a string like "#Armenia #USA"'],
    ),
    (
        "huge",
        {"content/x.md": "---\ntitle: X\ndate: 2025-01-01\n---\n" + "word " * 1_000_000},
        ["content/x.md:1: file is 4.8 MB; a brief may be at most 4 MB"],
    ),
    (
        "config-not-utf8",
        {"site.yaml": b"# settings\ntitle: Caf\xe9\n"},
        ["site.yaml:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8"],
    ),
    (
        "permalink-clash",
        {
            "site.yaml": "base_url: https://example.org/\npermalink: /{slug}/\n",
            "content/x.md": "---\ntitle: X\ndate: 2025-01-01\nslug: archive\n---\nBody\n",
        },
        [
            "content/x.md:1: URL /archive/ is also the archive: give this brief another "
            "`slug:` or change `permalink`"
        ],
    ),
    (
        "permalink-clash-scheduled",
        {
            "site.yaml": "base_url: https://example.org/\npermalink: /{slug}/\n",
            "content/a.md": "---\ntitle: A\ndate: 2025-01-01\ntags: [x]\n---\nBody\n",
            "content/x.md": "---\ntitle: X\ndate: 2999-01-01\nslug: archive\n---\nBody\n",
        },
        [
            "content/x.md:1: URL /archive/ is also the archive: give this brief another "
            "`slug:` or change `permalink`"
        ],
    ),
    (
        "template-syntax",
        {
            "site.yaml": "base_url: https://example.org/\ntheme: mine\n",
            "themes/mine/theme.yaml": "extends: default\n",
            "themes/mine/templates/brief.html": "{% extends 'base.html' %}\n{% block content %}\n"
            "{{ brief.title }\n{% endblock %}\n",
        },
        ["themes/mine/templates/brief.html:3: template error: "],
    ),
    (
        "template-undefined",
        {
            "site.yaml": "base_url: https://example.org/\ntheme: mine\n",
            "themes/mine/theme.yaml": "extends: default\n",
            "themes/mine/templates/brief.html": "{% extends 'base.html' %}\n{% block content %}\n"
            "{{ brief.title }}\n{{ brief.meta.autor }}\n{% endblock %}\n",
        },
        ["themes/mine/templates/brief.html:4: template error while rendering /2025/01/good/: "],
    ),
    (
        "missing-theme",
        {"site.yaml": "base_url: https://example.org/\ntheme: nope\n"},
        ["site.yaml:2: theme 'nope' not found: no folder themes/nope/"],
    ),
    (
        "missing-parent-theme",
        {
            "site.yaml": "base_url: https://example.org/\ntheme: mine\n",
            "themes/mine/theme.yaml": "# my theme\nextends: nope\n",
        },
        ["themes/mine/theme.yaml:2: theme 'nope' not found: no folder themes/nope/"],
    ),
    (
        "themes-in-a-circle",
        {
            "site.yaml": "base_url: https://example.org/\ntheme: a\n",
            "themes/a/theme.yaml": "extends: b\n",
            "themes/b/theme.yaml": "# b\nextends: a\n",
        },
        ["themes/b/theme.yaml:2: themes extend each other in a circle: a -> b -> a"],
    ),
    (
        "tag-name-not-text",
        {"site.yaml": "base_url: https://example.org/\ntag_names:\n  usa: 5\n"},
        ['site.yaml:3: tag_names: usa: expected text, got int (quote it: usa: "5")'],
    ),
    (
        "setting-twice",
        {"site.yaml": "title: a\nbase_url: https://example.org/\ntitle: b\n"},
        ["site.yaml:3: 'title' is given twice (first on line 1): keep one"],
    ),
    (
        "bad-config",
        {"site.yaml": "title: T\nbase_url: example.org\n"},
        [
            "site.yaml:2: base_url: 'example.org' is not an absolute http(s) URL "
            "(e.g. https://user.github.io/repo/)"
        ],
    ),
]


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def built_site(write_site, run_cli) -> Path:
    """A good site built once, so each broken build can be checked to leave it alone."""
    root = write_site(dict(GOOD))
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    return root


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_site(built_site: Path, write_site, run_cli, files, expected) -> None:
    before = tree_digest(built_site / "site")
    write_site(files)
    code, out, err = run_cli(["build", "--no-search", "-q"], built_site)
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == len(expected) + 1, err
    for line, want in zip(lines, expected, strict=False):
        shown = line[: len(want)] if want.endswith(": ") else line  # YAML's own reason varies
        assert shown == want
    assert lines[-1] == f"failed: {len(expected)} problem{'s' if len(expected) > 1 else ''}"
    assert "Traceback" not in err and out == ""
    assert tree_digest(built_site / "site") == before
    assert [p.name for p in built_site.iterdir() if p.name.startswith(".site.")] == []


def test_all_problems_of_a_build_are_listed_together(built_site: Path, write_site, run_cli) -> None:
    before = tree_digest(built_site / "site")
    write_site(
        {
            "content/a.md": "---\ntitle: A\n---\n",
            "content/b.md": b"\xff\xfe",
            "content/c.md": "---\ntitle: C\ndate: 2025-02-30\n---\n",
            "content/d/e.md": "---\ndate: 2025-01-01\n---\nNo title\n",
        }
    )
    code, _, err = run_cli(["build", "--no-search"], built_site)
    assert code == 1
    where = [line.split(": ", 1)[0] for line in err.splitlines()[:-1]]
    assert where == ["content/a.md:1", "content/b.md:1", "content/c.md:3", "content/d/e.md:1"]
    assert err.splitlines()[-1] == "failed: 4 problems"
    assert tree_digest(built_site / "site") == before


SETTINGS_AND_CONTENT = {
    "site.yaml": "titel: X\nbase_url: https://example.org/\ntheme: nonexist\nper_page: 0\n",
    "content/b.md": "---\ntitle: B\ndate: 31.02.2025\n---\nBody\n",
}
SETTINGS_AND_CONTENT_PROBLEMS = [
    "content/b.md:3: date: '31.02.2025' is not a real day or time "
    "(expected YYYY-MM-DD HH:MM, DD.MM.YYYY HH:MM or ISO 8601)",
    "site.yaml:1: unknown setting 'titel'; did you mean 'title'?",
    "site.yaml:3: theme 'nonexist' not found: no folder themes/nonexist/",
    "site.yaml:4: per_page: must be at least 1",
    "failed: 4 problems",
]


@pytest.mark.parametrize("command", ["build", "check"])
def test_wrong_settings_do_not_hide_content_problems(
    built_site: Path, write_site, run_cli, command: str
) -> None:
    """A wrong setting is left at its default while the content is read, so one run lists
    the problems of both (SPEC 2: all of them listed, not just the first)."""
    before = tree_digest(built_site / "site")
    write_site(SETTINGS_AND_CONTENT)
    code, out, err = run_cli(
        [command, "--no-search", "-q"] if command == "build" else [command], built_site
    )
    assert code == 1
    assert [line for line in err.splitlines() if not line.startswith("warning:")] == (
        SETTINGS_AND_CONTENT_PROBLEMS
    )
    assert out == ""
    assert tree_digest(built_site / "site") == before


def test_debug_shows_no_traceback_for_content_problems(built_site, write_site, run_cli) -> None:
    write_site({"content/x.md": "---\ntitle: X\n---\n"})
    code, _, err = run_cli(["build", "--no-search", "-q", "--debug"], built_site)
    assert code == 1
    assert "Traceback" not in err


def test_debug_shows_traceback_for_unexpected_error(write_site, run_cli) -> None:
    root = write_site({**GOOD, "blocker": "a file where the output's parent should be"})
    argv = ["build", "--no-search", "-q", "--out", "blocker/site"]
    code, _, err = run_cli(argv, root)
    assert code == 1
    assert "unexpected error" in err and "--debug" in err and "Traceback" not in err
    code, _, err = run_cli([*argv, "--debug"], root)
    assert code == 1
    assert "Traceback (most recent call last)" in err
    code, _, err = run_cli(["--debug", *argv], root)  # before the command, as with git
    assert code == 1
    assert "Traceback (most recent call last)" in err


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        (".", "it is or contains the site folder"),
        ("content", "it is or contains content"),
        ("content/public", "it is inside content"),
        ("themes/mine", "it is inside themes"),
        ("themes/default", "it is inside themes"),
        ("static", "it is or contains static"),
        ("existing", "the folder is not empty and was not made by briefpress"),
        ("notes.txt", "it is a file, not a folder"),
    ],
    ids=["root", "content", "in-content", "theme", "default-theme", "static", "foreign", "file"],
)
def test_unsafe_output_folder_is_refused(write_site, run_cli, out: str, reason: str) -> None:
    root = write_site(
        {
            **GOOD,
            "themes/mine/theme.yaml": "extends: default\n",
            "static/robots.txt": "x",
            "existing/keep.txt": "mine",
            "notes.txt": "mine",
        },
        config="base_url: https://example.org/\ntheme: mine\n",
    )
    before = tree_digest(root.parent)
    code, _, err = run_cli(["build", "--no-search", "-q", "--out", out], root)
    assert code == 2, err
    assert err.startswith(f"error: refusing to build into {out}: {reason}")
    assert "Traceback" not in err
    assert tree_digest(root.parent) == before


def test_ancestor_of_the_site_is_refused(write_site, run_cli) -> None:
    root = write_site(dict(GOOD))
    code, _, err = run_cli(["build", "--no-search", "-q", "--out", ".."], root)
    assert code == 2
    assert err == (
        f"error: refusing to build into {root.parent}: it is or contains the site folder; "
        "choose an output folder of its own (default: site/)\n"
    )
    assert not (root / "site").exists()


def test_output_folder_made_by_briefpress_is_reused(write_site, run_cli, tmp_path: Path) -> None:
    root = write_site(dict(GOOD))
    target = tmp_path / "public"
    for _ in range(2):
        code, _, err = run_cli(["build", "--no-search", "-q", "--out", str(target)], root)
        assert code == 0, err
    assert (target / "2025" / "01" / "good" / "index.html").is_file()


def test_build_outside_a_site_is_refused_and_writes_nothing(tmp_path: Path, run_cli) -> None:
    code, _, err = run_cli(["build", "--no-search"], tmp_path)
    assert code == 2 and "is not a briefpress site" in err
    assert list(tmp_path.iterdir()) == []

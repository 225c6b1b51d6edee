"""Acceptance checks written against SPEC.md's literal wording (third audit): each test is a
place where the tool once did something other than what the contract says."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import REPO, brief_text, page


def test_summary_written_in_front_matter_is_not_cut(write_site, run_cli) -> None:
    """SPEC §4: only the summary made from the first paragraph is cut near 280 characters;
    one the author wrote is used as written (lists, feeds, meta description)."""
    given = " ".join(f"word{i:03d}" for i in range(70))  # 559 characters
    root = write_site({"content/a.md": brief_text("A", "2025-01-01", ["x"], summary=given)})
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    meta = page(root / "site", "/2025/01/a/").find("meta", attrs={"name": "description"})
    assert meta["content"] == given


def test_empty_date_is_not_given_so_the_file_name_dates_the_brief(write_site, run_cli) -> None:
    """`date:` with no value is no date (as an empty setting in site.yaml is no setting):
    a YYYY-MM-DD- file name then gives the day (SPEC §4), and `updated:` / `draft:` left
    empty are simply absent."""
    root = write_site(
        {
            "content/2025-03-04-named.md": "---\ntitle: Named\ndate:\nupdated:\ndraft:\n"
            "tags: [x]\n---\nBody.\n",
        }
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    time = page(root / "site", "/2025/03/named/").find("time")
    assert time["datetime"] == "2025-03-04T00:00:00+00:00"


def test_empty_date_without_a_dated_file_name_is_reported_as_missing(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/a.md": "---\ntitle: A\ndate:\ntags: [x]\n---\nBody.\n",
            "content/b.md": "---\ntitle: B\ndate: 2025-01-01\nslug:\ntags: [x]\n---\nBody.\n",
        }
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 1
    assert err.splitlines()[:2] == [
        "content/a.md:3: date is missing: add `date: YYYY-MM-DD HH:MM` or name the file "
        "YYYY-MM-DD-slug.md",
        "content/b.md:4: slug: is empty: write one, or remove the line to make it from the title",
    ]
    assert "NoneType" not in err and "None" not in err


@pytest.mark.parametrize(
    "front_matter",
    [
        {"title": "A", "date": "20250806T062700Z"},
        {"title": "A", "date": 20250806},
        {"title": "A", "date": None, "updated": None, "draft": None, "summary": None},
    ],
    ids=["basic-iso", "unquoted-yyyymmdd", "empty-keys"],
)
def test_schema_accepts_what_the_build_accepts(front_matter: dict) -> None:
    """The shipped JSON Schema (README: validate briefs as you type) does not flag front
    matter that builds: ISO 8601's basic format and an unquoted YYYYMMDD (README, Dates)."""
    schema = json.loads((REPO / "briefpress" / "schema" / "brief.schema.json").read_text())
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(front_matter)]
    assert errors == []


def test_new_refuses_a_url_the_site_already_has(write_site, run_cli) -> None:
    """`new` writes a brief the build can use: a title whose URL another brief of the site
    already has (a hand-written file elsewhere) is refused, as `import` refuses it, instead
    of a file that makes the next build fail with a URL clash (SPEC §4)."""
    root = write_site({"content/hand.md": brief_text("Talks resume", "2025-03-02", ["x"])})
    code, out, err = run_cli(["new", "Talks resume", "--date", "2025-03-20 10:00"], root)
    assert code == 1 and out == ""
    assert err.splitlines()[0] == (
        "content/2025/03/talks-resume.md: its URL /2025/03/talks-resume/ is already the URL "
        "of content/hand.md: give this brief another title, or that one a `slug:`"
    )
    assert not (root / "content" / "2025" / "03").exists()
    code, out, err = run_cli(["new", "Talks resume", "--date", "2025-04-01 10:00"], root)
    assert code == 0, err
    assert out.strip() == "content/2025/04/talks-resume.md"


@pytest.mark.parametrize(
    ("config", "slug", "url", "file"),
    [
        ("", "index.html", "/2025/01/index.html/", "file /2025/01/index.html"),
        ("permalink: /{slug}/\n", "feed.xml", "/feed.xml/", "file /feed.xml"),
        ("permalink: /{slug}/\n", "about.html", "/about.html/", "static file /about.html"),
    ],
    ids=["month-page", "feed", "site-static-file"],
)
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_brief_whose_folder_is_a_file_of_the_build_is_a_problem(
    write_site, run_cli, command: str, config: str, slug: str, url: str, file: str
) -> None:
    """SPEC §10: no input makes briefpress crash. A slug that makes the brief's folder
    the path of a file the build writes was a NotADirectoryError half-way through writing
    (and `check` said "no problems"); it is a problem like any other URL clash."""
    root = write_site(
        {
            "content/a.md": brief_text("A", "2025-01-01", ["x"], slug=slug),
            "static/about.html": "<p>about</p>\n",
        },
        config="base_url: https://example.org/\n" + config,
    )
    flags = ["--no-search", "-q"] if command == "build" else []
    code, _, err = run_cli([command, *flags], root)
    assert code == 1
    assert err.splitlines() == [
        f"content/a.md:1: URL {url} needs the folder {url}, but the build writes the {file}: "
        "give this brief another `slug:` or change `permalink`",
        "failed: 1 problem",
    ]
    assert "unexpected error" not in err and not (root / "site").exists()

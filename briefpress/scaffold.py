"""`briefpress init DIR`: a new site that builds at once with the packaged default theme."""

from __future__ import annotations

import argparse
from pathlib import Path
from zoneinfo import ZoneInfo

from .errors import UsageError
from .load import CONTENT_DIR
from .new import brief_file_text, brief_path, create_file, now_in
from .slugs import title_slug

PACKAGE = Path(__file__).resolve().parent
SCHEMA_FILE = "brief.schema.json"
WORKFLOW = ".github/workflows/pages.yml"

SITE_YAML = """\
# briefpress site settings. Every key is optional; a commented line shows the default.
title: Briefing                     # site name: header, page titles, feeds
description: ""                     # one sentence for the home page and the feeds
base_url: http://localhost:8000/    # absolute URL of the site; its path is the base path
                                    # of every link (the Pages workflow passes its own)
language: en                        # <html lang>, feeds, search, interface strings
timezone: UTC                       # IANA zone, e.g. Asia/Yerevan: dates written without
                                    # an offset are in it, and every date is shown in it
# theme: default                    # a folder under themes/, or the packaged default
# per_page: 20                      # briefs per list page (home, tag pages)
# permalink: /{year}/{month}/{slug}/  # URL of a brief: year month day slug
# feed_items: 50                    # entries in each feed
# tag_names: {}                     # tag slug -> display name, e.g. {usa: USA}
# cname: null                       # custom domain for GitHub Pages: writes CNAME
# html: true                        # false: raw HTML in Markdown is shown as text
"""

GITIGNORE = """\
# briefpress output, its temporary folders, and the build cache
site/
.site.tmp-*/
.site.old-*/
.briefpress-cache/
"""

VSCODE_SETTINGS = f"""\
{{
  "yaml.schemas": {{
    "./{SCHEMA_FILE}": ["{CONTENT_DIR}/**/*.md"]
  }}
}}
"""

EXAMPLE_TITLE = "Welcome to your briefing site"
EXAMPLE_BODY = """\
This is an example brief. Every brief is a Markdown file under `content/`, with its
title, date and tags in the front matter above; edit this one or delete it.

Write the next one with `briefpress new "Headline" --tags "Armenia,USA"`, preview the
site with `briefpress serve`, and run `briefpress check` before you publish. A hashtag
in the text, such as #briefpress, links to its tag page.

#Example
"""


def run_init(args: argparse.Namespace) -> int:
    folder: Path = args.dir
    _check_target(folder)
    written = create_site(folder)
    print(f"created a briefpress site in {folder}/:")
    for relpath in written:
        print(f"  {relpath}")
    print(
        "next:\n"
        f"  cd {folder}\n"
        "  briefpress serve                 # preview with live reload\n"
        '  briefpress new "Headline" --tags "Armenia,USA"\n'
        "  briefpress check                 # before publishing\n"
        "  briefpress build                 # the site in site/\n"
        "publish: push to GitHub, then Settings > Pages > Source: GitHub Actions"
    )
    return 0


def _check_target(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"init: {folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"init: {folder} is not empty; give a new or empty folder")


def create_site(folder: Path) -> list[str]:
    """Write the files of a new site into `folder`; return their paths, relative to it."""
    folder.mkdir(parents=True, exist_ok=True)
    now = now_in(ZoneInfo("UTC"))  # the timezone site.yaml starts with
    example = brief_path(folder / CONTENT_DIR, now, title_slug(EXAMPLE_TITLE))
    depth = len(example.relative_to(folder).parts) - 1
    schema_link = "../" * depth + SCHEMA_FILE
    files = {
        "site.yaml": SITE_YAML,
        example.relative_to(folder).as_posix(): brief_file_text(
            EXAMPLE_TITLE, now, ["Briefpress"], body=EXAMPLE_BODY, schema=schema_link
        ),
        SCHEMA_FILE: (PACKAGE / "schema" / SCHEMA_FILE).read_text(encoding="utf-8"),
        ".gitignore": GITIGNORE,
        WORKFLOW: packaged_workflow().read_text(encoding="utf-8"),
        ".vscode/settings.json": VSCODE_SETTINGS,
    }
    for relpath, text in files.items():
        create_file(folder / relpath, text)
    return list(files)


def packaged_workflow() -> Path:
    """The Pages workflow: in the installed package, or at the repository root in a checkout."""
    installed = PACKAGE / "scaffold" / "pages.yml"
    return installed if installed.is_file() else PACKAGE.parent / WORKFLOW

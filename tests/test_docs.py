"""The README documents every command, flag and template variable (sqlite-utils style)."""

from __future__ import annotations

import argparse
import re

import jinja2
import pytest
from conftest import REPO

from briefpress.cli import COMMANDS, make_parser

README = (REPO / "README.md").read_text(encoding="utf-8")

SPEC_FLAGS = [
    "--out", "--base-url", "--drafts", "--future", "--no-search", "--no-cache", "--strict",
    "--timings", "-q", "--host", "--port", "--open", "--tags", "--date", "--draft", "--into",
    "--force", "--remote", "--branch", "--no-push", "--debug", "--help", "--version",
]  # fmt: skip

TEMPLATE_NAMES = [
    "site", "config", "page_url", "brief", "briefs", "tag", "tags", "pager", "period",
    "url", "abs_url", "t",
]  # fmt: skip

TEMPLATES = ["base", "index", "brief", "tags", "tag", "archive", "period", "search", "404"]


def section(title: str) -> str:
    """The text of one `## title` section of the README."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def parser_flags() -> dict[str, list[str]]:
    """Sub-command -> every long flag argparse knows for it."""
    subparsers = next(
        a for a in make_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    return {
        name: [o for action in sub._actions for o in action.option_strings if o.startswith("--")]
        for name, sub in subparsers.choices.items()
    }


def test_quick_start_keeps_its_two_commands() -> None:
    quick = section("Quick start")
    commands = re.findall(r"```sh\n(.*?)\n```", quick, re.S)
    assert commands == [
        "pip install -e . && python build.py",
        "pip install -e '.[test]' && python -m pytest",
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented(command: str) -> None:
    assert f"`briefpress {command}" in section("Commands")


@pytest.mark.parametrize("flag", SPEC_FLAGS)
def test_every_spec_flag_is_documented(flag: str) -> None:
    assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", section("Commands")), flag


def test_every_parser_flag_is_documented() -> None:
    commands = section("Commands")
    flags = parser_flags()
    assert set(flags) == set(COMMANDS)
    missing = [
        (name, flag) for name, found in flags.items() for flag in found if flag not in commands
    ]
    assert missing == []


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_template_variable_is_documented(name: str) -> None:
    assert re.search(rf"`{re.escape(name)}[`(.]", section("Templates")), name


def test_every_filter_and_global_is_documented() -> None:
    from briefpress.config import SiteConfig
    from briefpress.model import build_site
    from briefpress.templating import make_environment
    from briefpress.themes import load_theme

    site, _ = build_site([], SiteConfig())
    env = make_environment(site, load_theme(REPO, "default"))
    templates = section("Templates")
    plain = jinja2.Environment()
    filters = sorted(set(env.filters) - set(plain.filters)) + ["date"]
    assert [f for f in filters if f"`{f}`" not in templates] == []
    ours = set(env.globals) - set(plain.globals)
    assert [g for g in sorted(ours) if not re.search(rf"`{g}[`(]", templates)] == []
    tests = set(env.tests) - set(plain.tests)
    assert [name for name in sorted(tests) if f"`{name}`" not in templates] == []


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_has_its_context_documented(template: str) -> None:
    assert f"| `{template}.html` |" in section("Templates")
    assert (REPO / "themes" / "default" / "templates" / f"{template}.html").is_file()

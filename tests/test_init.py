"""`briefpress init DIR`: a new site that builds at once, from a checkout and from a wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from dataclasses import fields
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import REPO, page, run_process

from briefpress.config import SiteConfig, parse_config
from briefpress.frontmatter import split_front_matter

EXAMPLE_URL_END = "/welcome-to-your-briefing-site/"


def _check_new_site(site: Path) -> None:
    assert (site / ".gitignore").read_text(encoding="utf-8").splitlines()[1:] == [
        "site/",
        ".site.tmp-*/",
        ".site.old-*/",
        ".briefpress-cache/",
    ]
    workflow = yaml.safe_load((site / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    assert "deploy" in workflow["jobs"]
    assert not (site / "themes").exists()
    briefs = list((site / "content").rglob("*.md"))
    assert len(briefs) == 1


def test_init_then_build_outside_the_repo(tmp_path: Path) -> None:
    result = run_process(["init", "mysite"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "cd mysite" in result.stdout
    site = tmp_path / "mysite"
    _check_new_site(site)
    assert (site / ".github/workflows/pages.yml").read_bytes() == (
        REPO / ".github/workflows/pages.yml"
    ).read_bytes()

    built = run_process(["build", "--no-search", "-q"], site)
    assert built.returncode == 0, built.stderr
    example = next((site / "content").rglob("*.md"))
    year, month = example.parent.parent.name, example.parent.name
    soup = page(site / "site", f"/{year}/{month}{EXAMPLE_URL_END}")
    assert soup.h1.get_text(strip=True) == "Welcome to your briefing site"
    assert (site / "site/css/style.css").is_file()
    checked = run_process(["check"], site)
    assert checked.returncode == 0, checked.stderr


def test_site_yaml_documents_every_setting_and_reads_as_the_defaults(tmp_path: Path) -> None:
    assert run_process(["init", "s"], tmp_path).returncode == 0
    text = (tmp_path / "s/site.yaml").read_text(encoding="utf-8")
    for setting in fields(SiteConfig):
        assert f"{setting.name}:" in text, setting.name
    assert parse_config(text) == SiteConfig()


def test_example_brief_front_matter_matches_the_schema_it_names(tmp_path: Path) -> None:
    assert run_process(["init", "s"], tmp_path).returncode == 0
    site = tmp_path / "s"
    example = next((site / "content").rglob("*.md"))
    text = example.read_text(encoding="utf-8")
    modeline = text.splitlines()[1]
    assert modeline.startswith("# yaml-language-server: $schema=")
    schema_path = (example.parent / modeline.split("=", 1)[1]).resolve()
    assert schema_path == (site / "brief.schema.json").resolve()
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.validate(split_front_matter(text).data, schema)
    settings = json.loads((site / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {"./brief.schema.json": ["content/**/*.md"]}


@pytest.mark.parametrize("content", ["file", "folder-with-a-file"])
def test_init_refuses_a_non_empty_target(tmp_path: Path, content: str) -> None:
    target = tmp_path / "site"
    if content == "file":
        target.write_text("x", encoding="utf-8")
    else:
        target.mkdir()
        (target / "keep.txt").write_text("mine", encoding="utf-8")
    result = run_process(["init", "site"], tmp_path)
    assert result.returncode == 2
    assert "init:" in result.stderr
    if content != "file":
        assert [p.name for p in target.iterdir()] == ["keep.txt"]


def test_init_accepts_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert run_process(["init", "empty"], tmp_path).returncode == 0
    assert (tmp_path / "empty/site.yaml").is_file()


@pytest.mark.slow
def test_init_from_an_installed_wheel_builds_outside_the_repo(tmp_path: Path) -> None:
    """The wheel carries the theme, the workflow and the schema: nothing comes from the repo."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    wheel = next(wheels.glob("briefpress-*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         "--no-index", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*argv: str, cwd: Path = work) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(env_dir / "bin" / "briefpress"), *argv],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    located = subprocess.run(
        [str(python), "-c", "import briefpress; print(briefpress.__file__)"],
        cwd=work, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(located.stdout.strip()).is_relative_to(env_dir)
    assert run("init", "mysite").returncode == 0
    site = work / "mysite"
    _check_new_site(site)
    built = run("build", "--no-search", "-q", cwd=site)
    assert built.returncode == 0, built.stderr
    assert len(list((site / "site").rglob("welcome-to-your-briefing-site/index.html"))) == 1


def _schema() -> dict:
    path = REPO / "briefpress" / "schema" / "brief.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_schema_accepts_the_front_matter_of_every_sample_brief() -> None:
    validator = jsonschema.Draft202012Validator(_schema())
    samples = sorted((REPO / "content").rglob("*.md"))
    assert len(samples) >= 5
    for sample in samples:
        data = split_front_matter(sample.read_text(encoding="utf-8")).data
        as_json = json.loads(json.dumps(data, default=str))  # TOML dates become text, as in JSON
        errors = [e.message for e in validator.iter_errors(as_json)]
        assert errors == [], sample


@pytest.mark.parametrize(
    "front_matter",
    [
        {"title": ""},
        {"date": "yesterday"},
        {"date": 2025},  # a number that is not YYYYMMDD
        {"tags": {"a": 1}},
        {"slug": "a/b"},
        {"slug": "../x"},
        {"draft": "yes"},
        {"summary": ["x"]},
    ],
    ids=["empty-title", "bad-date", "number-date", "tags-map", "slug-slash", "slug-dots",
         "draft-text", "summary-list"],
)  # fmt: skip
def test_schema_rejects_what_the_build_rejects(front_matter: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(_schema())
    assert not jsonschema.Draft202012Validator(_schema()).is_valid(front_matter)

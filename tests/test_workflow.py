"""The GitHub Pages workflow: valid for GitHub, the publishing steps in order, least privilege."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps_of(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job["steps"]


def action(step: dict[str, Any]) -> str:
    """`actions/checkout@v5` -> `actions/checkout`; '' for a run step."""
    return step.get("uses", "").split("@")[0]


def test_workflow_matches_githubs_schema() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(WORKFLOW),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_triggers_push_to_main_manual_and_schedule(workflow) -> None:
    # PyYAML reads the bare key `on` as True (YAML 1.1); GitHub reads it as "on".
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    assert len(triggers["schedule"][0]["cron"].split()) == 5  # a daily rebuild


def test_build_job_steps_in_order(workflow) -> None:
    steps = steps_of(workflow["jobs"]["build"])
    order = [
        next(i for i, s in enumerate(steps) if predicate(s))
        for predicate in (
            lambda s: action(s) == "actions/checkout",
            lambda s: action(s) == "actions/setup-python",
            lambda s: "pip install" in s.get("run", ""),
            lambda s: action(s) == "actions/configure-pages",
            lambda s: "briefpress build" in s.get("run", ""),
            lambda s: action(s) == "actions/upload-pages-artifact",
        )
    ]
    assert order == sorted(order) and len(set(order)) == len(order)
    checkout, python, install, pages, build, upload = (steps[i] for i in order)
    assert python["with"]["cache"] == "pip"
    # The pip cache key must exist in a site made by `init` too (no pyproject.toml there).
    assert ".github/workflows/pages.yml" in python["with"]["cache-dependency-path"].split()
    assert "pip install briefpress" in install["run"] and "pip install ." in install["run"]
    assert pages["id"] == "pages"
    assert '--base-url "${{ steps.pages.outputs.base_url }}/"' in build["run"]
    assert upload["with"]["path"].rstrip("/") == "site"


def test_deploy_job_deploys_after_build(workflow) -> None:
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] in ("build", ["build"])
    assert deploy["environment"]["name"] == "github-pages"
    (step,) = [s for s in steps_of(deploy) if action(s) == "actions/deploy-pages"]
    assert deploy["environment"]["url"] == f"${{{{ steps.{step['id']}.outputs.page_url }}}}"


def test_permissions_are_least_privilege(workflow) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert set(build.get("permissions", {}).values()) <= {"read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert set(workflow["jobs"]) == {"build", "deploy"}


def test_one_deployment_at_a_time(workflow) -> None:
    assert workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_install_step_picks_source_or_release(workflow, tmp_path: Path) -> None:
    """Run the install script with a fake pip: the repository installs itself, a site PyPI."""
    install = next(
        s for s in steps_of(workflow["jobs"]["build"]) if "pip install" in s.get("run", "")
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pip").write_text('#!/bin/sh\necho "pip $*"\n', encoding="utf-8")
    (bin_dir / "pip").chmod(0o755)
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.yaml").write_text("title: A site\n", encoding="utf-8")

    def pip_call(cwd: Path) -> str:
        result = subprocess.run(
            ["bash", "-e", "-c", install["run"]],
            cwd=cwd,
            capture_output=True,
            text=True,
            env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
            check=True,
        )
        return result.stdout.strip()

    assert pip_call(REPO) == "pip install ."
    assert pip_call(site) == "pip install briefpress"

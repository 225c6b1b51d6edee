"""bench/: the corpus it builds when the shared generator is missing, and how it reads
Hugo's time from the harness."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO


def bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_own_corpus_is_deterministic_and_builds_without_problems(tmp_path: Path, run_cli) -> None:
    gen = bench_module("gen_corpus")
    gen.write_corpus(120, tmp_path / "a")
    gen.write_corpus(120, tmp_path / "b")
    files = sorted((tmp_path / "a" / "content").rglob("*.md"))
    assert len(files) == 120
    for file in files:
        assert file.read_bytes() == (tmp_path / "b" / file.relative_to(tmp_path / "a")).read_bytes()
        tags = re.search(r"^tags: \[(.*)\]$", file.read_text(encoding="utf-8"), re.MULTILINE)
        assert tags is not None and 2 <= len(tags.group(1).split(", ")) <= 5
    (tmp_path / "a" / "site.yaml").write_text("title: Bench\nper_page: 1000000\n")
    code, out, err = run_cli(["build", "--no-search"], tmp_path / "a")
    assert code == 0, err
    assert "built 120 briefs" in out


def test_run_falls_back_to_its_own_generator(tmp_path: Path, monkeypatch, capsys) -> None:
    run = bench_module("run")
    monkeypatch.setattr(run, "SHARED_BENCH", tmp_path / "no-shared-bench")
    run.make_corpus(tmp_path / "corpus", 30)
    assert len(list((tmp_path / "corpus" / "content").rglob("*.md"))) == 30
    assert "using bench/gen_corpus.py" in capsys.readouterr().err


def test_hugo_time_is_the_one_the_harness_prints_for_hugo_alone() -> None:
    run = bench_module("run")
    assert run.hugo_seconds("Running Hugo 0.168\nhugo 3.368 s, 10376 html files\n") == 3.368
    with pytest.raises(SystemExit):
        run.hugo_seconds("no time here")

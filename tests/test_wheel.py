"""The wheel works outside the repository: the default theme ships inside the package."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import REPO, brief_text, page


def run(argv: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{argv}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.mark.slow
def test_installed_wheel_builds_a_site_with_the_packaged_theme(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # hatchling comes with the test extras: no build environment to download
    pip_wheel = ["wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist)]
    run([sys.executable, "-m", "pip", *pip_wheel, str(REPO)], tmp_path)
    wheel = next(dist.glob("briefpress-*.whl"))

    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True)  # pip below installs into it
    python = env_dir / "bin" / "python"
    pip_install = ["--python", str(python), "install", "--no-deps", "-q", str(wheel)]
    run([sys.executable, "-m", "pip", *pip_install], tmp_path)
    where = run([str(python), "-c", "import briefpress; print(briefpress.__file__)"], tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(env_dir)

    site = tmp_path / "elsewhere"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text("title: Outside\nbase_url: https://example.org/\n")
    (site / "content" / "a.md").write_text(
        brief_text("Outside brief", "2025-03-04 10:00", ["Test"])
    )
    assert not (site / "themes").exists()
    run([str(env_dir / "bin" / "briefpress"), "build", "--no-search", "-q"], site)

    out = site / "site"
    assert (out / "css" / "style.css").is_file()
    assert (out / "js" / "site.js").is_file()
    brief = page(out, "/2025/03/outside-brief/")
    assert brief.h1.get_text() == "Outside brief"
    assert brief.find("link", rel="stylesheet")["href"] == "/css/style.css"
    assert "/2025/03/outside-brief/" in [a["href"] for a in page(out, "/").select("main a")]

"""`briefpress deploy` against a local bare repository: the branch holds exactly the site,
and the source repository's working tree and index are never touched."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG, brief_text, run_process

from briefpress.write import MARKER

BRIEFS = {
    "content/2025/08/talks.md": brief_text("Talks Resume", "2025-08-06 06:27", ["Armenia", "USA"]),
    "content/2025/09/mission.md": brief_text("Mission Extended", "2025-09-02 12:30", ["EU"]),
}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's global git settings (signing, hooks, default branch) must not leak in."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def repo(write_site) -> Path:
    """A committed site with a bare repository as its remote `origin`."""
    root = write_site({".gitignore": "site/\n.briefpress-cache/\n", **BRIEFS})
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Writer")
    git(root, "config", "user.email", "writer@example.org")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Sources")
    remote = root.parent / "remote.git"
    git(root.parent, "init", "-q", "--bare", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    return root


def remote_dir(root: Path) -> Path:
    return root.parent / "remote.git"


def tip(cwd: Path, ref: str) -> str | None:
    return git(cwd, "rev-parse", "--verify", "-q", ref, check=False) or None


def snapshot(root: Path) -> tuple[bytes, str, str, str]:
    """What deploy must leave alone: the index file, working tree status, staged changes, HEAD."""
    return (
        (root / ".git" / "index").read_bytes(),
        # --no-optional-locks: status must not refresh (rewrite) the index it is checking.
        git(root, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all"),
        git(root, "diff", "--cached", "--name-status"),
        git(root, "rev-parse", "HEAD"),
    )


def published(repository: Path, branch: str = "gh-pages") -> dict[str, str]:
    """Path -> blob id of every file on the branch."""
    listing = git(repository, "ls-tree", "-r", "-z", branch).strip("\0").split("\0")
    return {path: meta.split()[2] for meta, path in (entry.split("\t", 1) for entry in listing)}


def built_files(out: Path) -> set[str]:
    files = {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()}
    return files - {MARKER}


def test_deploy_publishes_exactly_the_site_and_touches_nothing_else(repo: Path, run_cli) -> None:
    (repo / "notes.txt").write_text("an untracked file\n", encoding="utf-8")
    (repo / "staged.txt").write_text("a staged file\n", encoding="utf-8")
    git(repo, "add", "staged.txt")
    (repo / "content/2025/09/mission.md").write_text(
        BRIEFS["content/2025/09/mission.md"] + "Edited, not staged.\n", encoding="utf-8"
    )
    before = snapshot(repo)
    assert before[2] == "A\tstaged.txt"

    code, out, err = run_cli(["deploy"], repo)

    assert code == 0, err
    assert "committed" in out and "pushed gh-pages to origin" in out
    assert snapshot(repo) == before
    remote = remote_dir(repo)
    blobs = published(remote)
    assert set(blobs) == built_files(repo / "site")
    assert ".nojekyll" in blobs and MARKER not in blobs
    assert "2025/08/talks-resume/index.html" in blobs
    assert any(path.startswith("pagefind/") for path in blobs)
    # Byte for byte: each blob id is the hash of the built file.
    paths = sorted(blobs)
    hashes = git(repo, "hash-object", "--no-filters", *(str(repo / "site" / p) for p in paths))
    assert hashes.split() == [blobs[p] for p in paths]
    assert tip(repo, "gh-pages") == tip(remote, "gh-pages")
    message = git(remote, "log", "-1", "--format=%s", "gh-pages")
    assert message.startswith(f"Deploy {git(repo, 'rev-parse', 'HEAD')[:12]} with briefpress")


def test_second_deploy_without_change_makes_no_commit(repo: Path, run_cli) -> None:
    assert run_cli(["deploy", "-q"], repo)[0] == 0
    first = tip(remote_dir(repo), "gh-pages")

    code, out, err = run_cli(["deploy"], repo)

    assert code == 0, err
    assert "gh-pages is up to date" in out
    assert tip(remote_dir(repo), "gh-pages") == tip(repo, "gh-pages") == first


def add_brief(root: Path) -> None:
    (root / "content/2025/10/new.md").parent.mkdir(parents=True)
    (root / "content/2025/10/new.md").write_text(
        brief_text("A New Brief", "2025-10-01 09:00", ["Armenia"]), encoding="utf-8"
    )


def test_a_changed_site_is_committed_on_top_of_the_last_deploy(repo: Path, run_cli) -> None:
    assert run_cli(["deploy", "-q"], repo)[0] == 0
    first = tip(repo, "gh-pages")
    add_brief(repo)

    assert run_cli(["deploy", "-q"], repo)[0] == 0

    second = tip(remote_dir(repo), "gh-pages")
    assert second != first
    assert git(repo, "rev-parse", f"{second}^") == first
    assert "2025/10/a-new-brief/index.html" in published(remote_dir(repo))


def test_failed_build_commits_nothing(repo: Path, run_cli) -> None:
    assert run_cli(["deploy", "-q"], repo)[0] == 0
    published = tip(remote_dir(repo), "gh-pages")
    (repo / "content/broken.md").write_text(
        "---\ntitle: Broken\ndate: 31.02.2025\n---\nBody.\n", encoding="utf-8"
    )

    code, out, err = run_cli(["deploy"], repo)

    assert code == 1
    assert "content/broken.md:3:" in err and "Traceback" not in err
    assert "committed" not in out
    assert tip(repo, "gh-pages") == tip(remote_dir(repo), "gh-pages") == published


def test_no_push_commits_locally_and_leaves_the_remote_alone(repo: Path, run_cli) -> None:
    assert run_cli(["deploy", "-q"], repo)[0] == 0
    published = tip(remote_dir(repo), "gh-pages")
    add_brief(repo)

    code, out, err = run_cli(["deploy", "--no-push"], repo)

    assert code == 0, err
    assert "committed" in out and "pushed" not in out
    assert tip(repo, "gh-pages") != published
    assert tip(remote_dir(repo), "gh-pages") == published


def test_no_push_needs_no_remote(repo: Path, run_cli) -> None:
    git(repo, "remote", "remove", "origin")

    code, _, err = run_cli(["deploy", "-q", "--no-push", "--branch", "site-pages"], repo)

    assert code == 0, err
    assert "2025/08/talks-resume/index.html" in published(repo, "site-pages")


def test_fresh_clone_builds_on_the_published_branch(repo: Path, run_cli) -> None:
    assert run_cli(["deploy", "-q"], repo)[0] == 0
    published = tip(remote_dir(repo), "gh-pages")
    clone = repo.parent / "clone"
    git(repo.parent, "clone", "-q", str(remote_dir(repo)), str(clone))
    git(clone, "config", "user.name", "Other Writer")
    git(clone, "config", "user.email", "other@example.org")
    (clone / "site.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    for relpath, text in BRIEFS.items():
        (clone / relpath).parent.mkdir(parents=True, exist_ok=True)
        (clone / relpath).write_text(text, encoding="utf-8")

    code, out, err = run_cli(["deploy"], clone)

    assert code == 0, err
    assert "gh-pages is up to date" in out
    assert tip(remote_dir(repo), "gh-pages") == published


@pytest.mark.parametrize(
    ("argv", "setup", "expected"),
    [
        (["deploy", "--remote", "upstream"], None, "no git remote named 'upstream'"),
        (["deploy"], "reject", "git push to origin gh-pages was refused"),
        (["deploy", "--branch", "main"], None, "'main' is the branch checked out here"),
        (["deploy", "--branch", "bad..name"], None, "not a valid branch name"),
    ],
    ids=["missing-remote", "push-rejected", "checked-out-branch", "bad-branch-name"],
)
def test_deploy_errors_are_messages(repo: Path, run_cli, argv, setup, expected) -> None:
    if setup == "reject":
        hook = remote_dir(repo) / "hooks" / "pre-receive"
        hook.write_text("#!/bin/sh\necho 'no pushes today' >&2\nexit 1\n", encoding="utf-8")
        hook.chmod(0o755)
    head = git(repo, "rev-parse", "main")

    code, _, err = run_cli(argv, repo)

    assert code in (1, 2)
    assert expected in err and "Traceback" not in err
    assert git(repo, "rev-parse", "main") == head
    assert git(remote_dir(repo), "for-each-ref") == ""


def test_deploy_outside_a_git_repository(write_site, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_site(BRIEFS)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(root.parent))

    result = run_process(["deploy"], root)

    assert result.returncode == 1
    assert "not in a git repository" in result.stderr and "Traceback" not in result.stderr
    assert not (root / "site").exists()


def test_a_base_url_left_at_localhost_is_warned_about(repo: Path, run_cli) -> None:
    """The default base_url serves previews; a published site's feeds would point there."""
    (repo / "site.yaml").write_text("title: Test Briefing\n", encoding="utf-8")
    code, _, err = run_cli(["deploy", "-q", "--no-push"], repo)
    assert code == 0, err
    assert "warning: base_url is http://localhost:8000/" in err and "--base-url" in err
    url = "https://writer.github.io/briefs/"
    code, _, err = run_cli(["deploy", "-q", "--no-push", "--base-url", url], repo)
    assert code == 0, err
    assert "warning" not in err

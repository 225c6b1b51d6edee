"""`briefpress deploy`: build, then publish the output folder as the tree of a branch.

For sites that GitHub Pages serves from a branch (as `mkdocs gh-deploy` does). Only git
plumbing is used: the files are hashed into the object store, listed in a temporary
index, written as one tree and committed on top of the branch. Nothing is checked out,
so the working tree and the real index stay exactly as they were.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__
from .errors import BriefpressError, Problem, UsageError
from .urls import PAGEFIND_DIR
from .write import MARKER

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
"""Hosts of a base_url left for previewing (the default is http://localhost:8000/)."""
FILE_MODE = "100644"
EXECUTABLE_MODE = "100755"


def run_deploy(args: argparse.Namespace) -> int:
    from .cli import build_and_report
    from .pipeline import BuildOptions

    git = Git(Path.cwd())
    git.check_repository()
    git.check_branch(args.branch)
    if not args.no_push:
        git.check_remote(args.remote)
    report = build_and_report(BuildOptions(base_url=args.base_url), args.quiet)
    base_url = report.site.config.base_url
    if urlsplit(base_url).hostname in _LOCAL_HOSTS:
        print(
            f"warning: base_url is {base_url}: the published site's feeds, sitemap and "
            "canonical links point there; set base_url in site.yaml or pass --base-url "
            "(e.g. https://USER.github.io/REPO/)",
            file=sys.stderr,
        )
    tree = write_tree(git, report.out)
    commit, changed = commit_branch(git, tree, args.branch, args.remote)
    if not args.quiet:
        print(
            f"committed {commit[:7]} to {args.branch}"
            if changed
            else f"{args.branch} is up to date: the built site did not change"
        )
    if not args.no_push:
        git.push(args.remote, args.branch)
        if not args.quiet:
            print(f"pushed {args.branch} to {args.remote}")
    return 0


def deploy_error(message: str) -> BriefpressError:
    return BriefpressError([Problem("deploy", None, message)])


@dataclass(frozen=True)
class Git:
    """git run in one repository; a failure becomes a message, never a traceback."""

    cwd: Path

    def run(
        self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(
                ["git", *args], cwd=self.cwd, input=stdin, env=env, capture_output=True
            )
        except FileNotFoundError:
            raise deploy_error("git is not installed (or not on PATH)") from None

    def output(
        self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
    ) -> str:
        """stdout of a git command that must succeed."""
        result = self.run(*args, stdin=stdin, env=env)
        if result.returncode != 0:
            raise deploy_error(f"git {args[0]} failed: {git_reason(result.stderr)}")
        return result.stdout.decode("utf-8", "surrogateescape").strip()

    def resolve(self, revision: str) -> str | None:
        """The object id a revision names, or None when it does not exist."""
        result = self.run("rev-parse", "--verify", "--quiet", revision)
        return result.stdout.decode().strip() if result.returncode == 0 else None

    def check_repository(self) -> None:
        if self.run("rev-parse", "--git-dir").returncode != 0:
            raise deploy_error(
                f"{self.cwd} is not in a git repository; run `git init` first "
                "(deploy commits the site to a branch of the repository)"
            )

    def check_branch(self, branch: str) -> None:
        """Refuse a bad name, and the checked-out branch (moving it would strand the work)."""
        ref = f"refs/heads/{branch}"
        if self.run("check-ref-format", ref).returncode != 0:
            raise UsageError(f"--branch: '{branch}' is not a valid branch name")
        if self.run("symbolic-ref", "--quiet", "HEAD").stdout.decode().strip() == ref:
            raise UsageError(
                f"--branch: '{branch}' is the branch checked out here; deploy publishes "
                "the site to a branch of its own (default gh-pages)"
            )

    def check_remote(self, remote: str) -> None:
        if self.run("remote", "get-url", remote).returncode != 0:
            raise deploy_error(
                f"no git remote named '{remote}'; add it with `git remote add {remote} URL`, "
                "name another with --remote, or commit without pushing with --no-push"
            )

    def push(self, remote: str, branch: str) -> None:
        ref = f"refs/heads/{branch}"
        result = self.run("push", "--quiet", remote, f"{ref}:{ref}")
        if result.returncode != 0:
            raise deploy_error(
                f"git push to {remote} {branch} was refused: {git_reason(result.stderr)} "
                f"(if the remote branch has commits yours lacks, fetch it with "
                f"`git fetch {remote} {branch}:{branch}` and deploy again)"
            )


def git_reason(stderr: bytes) -> str:
    """The line of git's error output that says why (a rejected ref, else the last line)."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line and not line.startswith("hint:")]
    rejected = [line for line in lines if line.startswith("!")]
    return (rejected or lines or ["no message"])[-1]


def site_files(out: Path) -> list[tuple[str, str]]:
    """(path relative to out, git file mode) of every file to publish, in a stable order."""
    files = []
    for folder, subfolders, names in os.walk(out):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder, name)
            relpath = path.relative_to(out).as_posix()
            if relpath == MARKER:  # briefpress's own bookkeeping, not part of the site
                continue
            if "\n" in relpath:
                raise deploy_error(
                    f"{relpath!r}: a file name with a line break cannot be published"
                )
            files.append((relpath, EXECUTABLE_MODE if os.access(path, os.X_OK) else FILE_MODE))
    return files


def write_tree(git: Git, out: Path) -> str:
    """Store the files of `out` in git and return the id of the tree that holds exactly them."""
    files = site_files(out)
    paths = b"".join(os.fsencode(out / relpath) + b"\n" for relpath, _ in files)
    blobs = git.output("hash-object", "-w", "--no-filters", "--stdin-paths", stdin=paths).split()
    entries = b"".join(
        f"{mode} {blob}\t".encode() + os.fsencode(relpath) + b"\0"
        for (relpath, mode), blob in zip(files, blobs, strict=True)
    )
    with tempfile.TemporaryDirectory(prefix="briefpress-deploy-") as scratch:
        # A private index: the repository's own index is never read or written.
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch, "index"))}
        git.output("update-index", "--add", "-z", "--index-info", stdin=entries, env=env)
        return git.output("write-tree", env=env)


def commit_branch(git: Git, tree: str, branch: str, remote: str) -> tuple[str, bool]:
    """Point the branch at a commit of `tree`; (commit id, whether a new commit was made).

    The commit goes on top of the local branch, else on top of the remote's copy (a fresh
    clone), so pushing is a fast-forward. The same site as before makes no new commit.
    """
    ref = f"refs/heads/{branch}"
    old = git.resolve(ref)
    parent = old or git.resolve(f"refs/remotes/{remote}/{branch}")
    if parent and same_site(git, parent, tree):
        commit, changed = parent, False
    else:
        parents = ["-p", parent] if parent else []
        commit = git.output("commit-tree", tree, *parents, "-m", commit_message(git))
        changed = True
    if commit != old:
        git.output("update-ref", "-m", "briefpress deploy", ref, commit, old or "")
    return commit, changed


def same_site(git: Git, commit: str, tree: str) -> bool:
    """Whether `tree` publishes the same site as `commit` does.

    Pagefind writes parts of its index in hash-map order, so identical pages give index
    files with other bytes on every build. When every file outside the index is the same,
    the index was built from the same pages: the published one is kept.
    """
    outside_index = f":(exclude){PAGEFIND_DIR}*"  # pagefind/ and, when sharded, pagefind-YYYY/
    return (
        git.run("diff-tree", "--quiet", "-r", commit, tree, "--", ".", outside_index).returncode
        == 0
    )


def commit_message(git: Git) -> str:
    source = git.resolve("HEAD")
    what = f"Deploy {source[:12]}" if source else "Deploy"
    return f"{what} with briefpress {__version__}"

"""Command line: argparse sub-commands -> library calls; prints problems; exit codes. No logic."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from . import __version__
from .errors import BriefpressError, UsageError

if TYPE_CHECKING:
    from .pipeline import BuildOptions, BuildReport

COMMANDS = ("build", "serve", "new", "import", "check", "init", "deploy")


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of exiting, so main() owns exit codes."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="briefpress",
        description="Static site generator for news briefs. Run inside a site folder "
        "(the one holding site.yaml and content/).",
    )
    parser.add_argument("--version", action="version", version=f"briefpress {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument(
            "--debug", action="store_true", help="show a traceback for an unexpected error"
        )
        return sub

    build = command("build", "build the site into site/ (or --out DIR)")
    build.add_argument("--out", type=Path, help="output folder (default: site/)")
    build.add_argument(
        "--base-url",
        type=_base_url,
        help="absolute URL the site is published at (overrides site.yaml)",
    )
    _content_flags(build)
    build.add_argument("--no-search", action="store_true", help="skip the search index")
    build.add_argument(
        "--no-cache", action="store_true", help="neither read nor write .briefpress-cache/"
    )
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--timings", action="store_true", help="print the time of each stage")
    build.add_argument("-q", "--quiet", action="store_true", help="print only problems")

    serve = command("serve", "build, serve on localhost, rebuild and reload on every change")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=_port, default=8000, help="port (default 8000; 0 picks a free one)"
    )
    _content_flags(serve)
    serve.add_argument("--no-search", action="store_true", help="skip the search index")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")

    new = command("new", "write a new brief with its front matter filled in")
    new.add_argument("title", help="the headline")
    new.add_argument("--tags", default="", help='comma-separated, e.g. "Armenia,USA"')
    new.add_argument("--date", help="ISO date and time (default: now, in the site timezone)")
    new.add_argument("--draft", action="store_true", help="mark the brief as a draft")

    imp = command(
        "import", "convert plain-text briefs (title, paragraphs, hashtags, date) to Markdown"
    )
    imp.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="files or folders of *.txt"
    )
    imp.add_argument(
        "--into", type=Path, default=Path("content"), help="target folder (default content/)"
    )
    imp.add_argument("--force", action="store_true", help="overwrite existing briefs")

    check = command("check", "validate settings, content and internal links; write nothing")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    _content_flags(check)

    init = command("init", "create a new site in DIR")
    init.add_argument("dir", type=Path, metavar="DIR")

    deploy = command("deploy", "build, commit the output as a branch and push it")
    deploy.add_argument("--remote", default="origin", help="git remote (default origin)")
    deploy.add_argument("--branch", default="gh-pages", help="branch to publish (default gh-pages)")
    deploy.add_argument("--no-push", action="store_true", help="commit the branch but do not push")
    deploy.add_argument("--base-url", type=_base_url, help="absolute URL the site is published at")
    deploy.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    return parser


def _content_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--drafts", action="store_true", help="include drafts")
    parser.add_argument("--future", action="store_true", help="include briefs dated in the future")


def _base_url(value: str) -> str:
    """--base-url checked as it is parsed: a wrong one is wrong usage (exit 2)."""
    from .config import check_base_url

    problem = check_base_url(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def _port(value: str) -> int:
    """--port checked as it is parsed, rather than by bind() failing with a traceback."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port number") from None
    if not 0 <= port <= 65535:
        message = f"{port} is not a port number: use 1 to 65535 (or 0 for any free port)"
        raise argparse.ArgumentTypeError(message)
    return port


def normalise_argv(argv: Sequence[str]) -> list[str]:
    """No sub-command means build: `briefpress -q` == `briefpress build -q`; and --debug
    may come before the command (`briefpress --debug serve`), as with git and pip."""
    args = list(argv)
    if len(args) > 1 and args[0] == "--debug" and args[1] in COMMANDS:
        args = [args[1], "--debug", *args[2:]]
    if not args or (args[0] not in COMMANDS and args[0] not in ("-h", "--help", "--version")):
        args.insert(0, "build")
    return args


def entry() -> NoReturn:
    """The `briefpress` command: main(), then exit without freeing the heap object by
    object, which takes a tenth of a second per 10,000 briefs and helps no one. briefpress
    registers no exit handlers; open files are closed by the system."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (briefpress ... | head)
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = normalise_argv(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    try:
        args = make_parser().parse_args(args_list)
        handler = _HANDLERS[args.command]
        return handler(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BriefpressError as exc:
        _print_problems(exc, sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the promise: no traceback unless --debug
        if debug:
            traceback.print_exc()
        else:
            print(
                f"briefpress: unexpected error: {type(exc).__name__}: {exc}\n"
                "(run again with --debug to see the traceback)",
                file=sys.stderr,
            )
        return 1


def _print_problems(exc: BriefpressError, stream: TextIO) -> None:
    for problem in exc.problems:
        print(problem, file=stream)
    count = len(exc.problems)
    print(f"failed: {count} problem{'s' if count != 1 else ''}", file=stream)


def _progress(quiet: bool) -> Callable[[str, int, int], None] | None:
    if quiet or not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{stage}: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def run_build(args: argparse.Namespace) -> int:
    from .pipeline import BuildOptions

    options = BuildOptions(
        out=args.out,
        base_url=args.base_url,
        drafts=args.drafts,
        future=args.future,
        search=not args.no_search,
        cache=not args.no_cache,
        strict=args.strict,
    )
    build_and_report(options, args.quiet, args.timings)
    return 0


def build_and_report(options: BuildOptions, quiet: bool, timings: bool = False) -> BuildReport:
    """Build the site in the current folder and tell the user how it went (build, deploy)."""
    from .pipeline import build

    started = time.perf_counter()
    report = build(Path.cwd(), options, _progress(quiet))
    seconds = time.perf_counter() - started
    if not quiet:
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        for brief in report.site.scheduled:
            print(f"scheduled: {brief.source} ({brief.date.isoformat(timespec='minutes')})")
        if timings:
            for stage, spent in report.timings.items():
                print(f"  {stage:<14} {spent:7.3f} s")
        print(build_summary(report, seconds))
    return report


def build_summary(report: object, seconds: float) -> str:
    from .pipeline import BuildReport

    assert isinstance(report, BuildReport)
    site = report.site
    pages = report.pages
    extra = []
    if site.scheduled:
        extra.append(f"{len(site.scheduled)} scheduled")
    if site.drafts:
        extra.append(f"{count(site.drafts, 'draft')} left out")
    if report.write is None:
        extra.append("nothing changed")
    if "index" in report.timings:
        extra.append(f"search indexed in {report.timings['index']:.2f} s")
    tail = f" ({', '.join(extra)})" if extra else ""
    return (
        f"built {count(len(site.briefs), 'brief')}, {count(len(site.tags), 'tag')}, "
        f"{count(pages, 'page')} in {seconds:.2f} s{tail} -> {_shown_out(report.out)}"
    )


def count(number: int, noun: str) -> str:
    """`1 brief`, `2 briefs`, `0 briefs`: the summary line's counts read as English."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _shown_out(out: Path) -> str:
    try:
        return out.relative_to(Path.cwd().resolve()).as_posix() + "/"
    except ValueError:
        return str(out)


def _lazy(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    """Commands live in their own modules; import them only when called."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        handler: Callable[[argparse.Namespace], int] = getattr(
            importlib.import_module(f"briefpress.{module}"), function
        )
        return handler(args)

    return run


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": run_build,
    "serve": _lazy("serve", "run_serve"),
    "new": _lazy("new", "run_new"),
    "import": _lazy("importer", "run_import"),
    "check": _lazy("check", "run_check"),
    "init": _lazy("scaffold", "run_init"),
    "deploy": _lazy("deploy", "run_deploy"),
}


if __name__ == "__main__":
    entry()

"""`briefpress check`: everything a build validates, plus links between pages; writes nothing."""

from __future__ import annotations

import argparse
import difflib
import html
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .brief import Brief, decode_brief
from .config import SiteConfig
from .errors import BriefpressError, Problem, ProblemError
from .frontmatter import split_front_matter
from .index import is_search_path
from .load import markdown_for, require_site
from .pipeline import BuildOptions, Validation, validate
from .statics import plan_static
from .urls import abs_url_for, url_for

_HTML_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


def run_check(args: argparse.Namespace) -> int:
    root = Path.cwd()
    require_site(root)
    options = BuildOptions(drafts=args.drafts, future=args.future, strict=args.strict, cache=False)
    result = validate(root, options)
    statics, static_problems = plan_static(root.resolve(), result.theme, result.routes)
    problems = result.problems + static_problems + broken_links(root.resolve(), result, statics)
    if not args.strict:
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    if problems:
        raise BriefpressError(problems)
    site = result.site
    pages = sum(1 for route in result.routes if route.is_html)
    print(f"checked {len(site.briefs)} briefs, {pages} pages: no problems")
    return 0


def broken_links(root: Path, result: Validation, statics: list[tuple[str, Path]]) -> list[Problem]:
    """Links in brief bodies to addresses of this site that the build does not produce
    (`statics`: the static files it copies)."""
    config = result.site.config
    outputs = {route.output for route in result.routes}
    outputs.update(relpath for relpath, _ in statics)
    urls = [route.url for route in result.routes if route.is_html]
    md = markdown_for(config.html)
    problems = []
    for brief in result.site.briefs:
        for href, line in links_in_file(root, brief, md):
            path = site_path(config, abs_url_for(config, brief.url), href)
            if path is not None and not _is_built(path, outputs):
                problems.append(Problem(brief.source, line, _broken(config, href, path, urls)))
    return problems


def links_in_file(root: Path, brief: Brief, md: MarkdownIt) -> Iterator[tuple[str, int]]:
    """(href, line in the file) of every link in a brief's body."""
    try:
        front = split_front_matter(decode_brief(brief.source, (root / brief.source).read_bytes()))
    except (OSError, ProblemError):
        return  # changed since it was loaded; the next check reads it again
    for href, offset in links_in_markdown(md, front.body):
        yield href, front.body_line + offset


def links_in_markdown(md: MarkdownIt, body: str) -> Iterator[tuple[str, int]]:
    """(href, line within the body, 0-based) of Markdown links, autolinks and HTML anchors."""
    for token in md.parse(body, {}):
        if token.map is None:
            continue
        if token.type == "html_block":
            yield from _html_hrefs(token.content, token.map[0])
        elif token.type == "inline":
            yield from _inline_hrefs(token.children or [], token.map[0])


def _inline_hrefs(children: list[Token], line: int) -> Iterator[tuple[str, int]]:
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            yield str(child.attrs.get("href", "")), line
        elif child.type == "html_inline":
            yield from _html_hrefs(child.content, line)


def _html_hrefs(source: str, line: int) -> Iterator[tuple[str, int]]:
    for match in _HTML_HREF.finditer(source):
        value = next(group for group in match.groups() if group is not None)
        yield html.unescape(value), line + source.count("\n", 0, match.start())


def site_path(config: SiteConfig, page_url: str, href: str) -> str | None:
    """The site path (/tags/usa/) an href on page_url leads to, or None when it leaves
    the site (another host, a scheme like mailto:, or outside the base path)."""
    target = urlsplit(urljoin(page_url, href))
    base = urlsplit(config.base_url)
    if target.scheme not in ("http", "https") or target.netloc.lower() != base.netloc.lower():
        return None
    path = unquote(target.path)
    if not path.startswith(base.path):
        return None
    return "/" + path[len(base.path) :]


def _is_built(path: str, outputs: set[str]) -> bool:
    relpath = path.lstrip("/")
    if is_search_path(relpath):
        return True
    if relpath == "" or relpath.endswith("/"):
        return relpath + "index.html" in outputs
    return relpath in outputs or relpath + "/index.html" in outputs


def _broken(config: SiteConfig, href: str, path: str, urls: list[str]) -> str:
    """The message for a broken link, in the link's own terms (with the base path)."""
    address = url_for(config, path)
    where = "" if href == address else f" ({address})"
    hint = difflib.get_close_matches(path, urls, n=1, cutoff=0.8)
    tail = f"; did you mean {url_for(config, hint[0])}?" if hint else ""
    return f"broken link {href}{where}: no page or file is built there{tail}"

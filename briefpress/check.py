"""`briefpress check`: what a build validates, plus links and images in briefs; writes nothing."""

from __future__ import annotations

import argparse
import difflib
import html
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .brief import Brief, decode_brief
from .cli import count
from .config import SiteConfig
from .errors import BriefpressError, Problem, ProblemError
from .frontmatter import split_front_matter
from .load import markdown_for, require_site
from .pipeline import BuildOptions, Validation, validate
from .statics import plan_static
from .urls import abs_url_for, is_search_path, url_for

_HTML_ADDRESS = re.compile(
    r"""(?<![\w-])(href|src|srcset)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE
)
"""An address in raw HTML: href (<a>), src (<img>, <video>, <source>), srcset (<img>)."""
_HTML_TAG = re.compile(r"<\s*([A-Za-z][\w-]*)")


class Link(NamedTuple):
    """An address in a brief's body: where it is and whether a page or a file shows it."""

    href: str
    line: int
    kind: str = "link"
    """"image" (a Markdown image, src and srcset of <img>, any srcset) or "link"."""
    markdown: bool = True
    """Written in Markdown, whose site paths get the base path; False: raw HTML."""


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
    print(f"checked {count(len(site.briefs), 'brief')}, {count(pages, 'page')}: no problems")
    return 0


def broken_links(root: Path, result: Validation, statics: list[tuple[str, Path]]) -> list[Problem]:
    """Links and images in brief bodies to addresses of this site that the build does
    not produce (`statics`: the static files it copies)."""
    config = result.site.config
    outputs = {route.output for route in result.routes}
    outputs.update(relpath for relpath, _ in statics)
    pages = [route.url for route in result.routes if route.is_html]
    addresses = pages + sorted("/" + path for path in outputs if not path.endswith(".html"))
    md = markdown_for(config.html)
    problems = []
    for brief in result.site.briefs:
        for link in links_in_file(root, brief, md):
            href = _as_built(config, link)
            path = site_path(config, abs_url_for(config, brief.url), href)
            if path is not None and not _is_built(path, outputs):
                message = _broken(config, link, path, addresses)
                problems.append(Problem(brief.source, link.line, message))
    return problems


def links_in_file(root: Path, brief: Brief, md: MarkdownIt) -> Iterator[Link]:
    """Every link and image of a brief's body, with its line in the file."""
    try:
        front = split_front_matter(decode_brief(brief.source, (root / brief.source).read_bytes()))
    except (OSError, ProblemError):
        return  # changed since it was loaded; the next check reads it again
    for link in links_in_markdown(md, front.body):
        yield link._replace(line=front.body_line + link.line)


def links_in_markdown(md: MarkdownIt, body: str) -> Iterator[Link]:
    """Markdown links, autolinks and images, and addresses in raw HTML (href, src, srcset),
    each with its line within the body (0-based)."""
    for token in md.parse(body, {}):
        if token.map is None:
            continue
        if token.type == "html_block":
            yield from _html_links(token.content, token.map[0])
        elif token.type == "inline":
            yield from _inline_links(token.children or [], token.map[0])


def _inline_links(children: list[Token], line: int) -> Iterator[Link]:
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            yield Link(str(child.attrs.get("href", "")), line)
        elif child.type == "image":
            yield Link(str(child.attrs.get("src", "")), line, "image")
            line += sum(c.type in ("softbreak", "hardbreak") for c in child.children or [])
        elif child.type == "html_inline":
            yield from _html_links(child.content, line)


def _html_links(source: str, line: int) -> Iterator[Link]:
    for match in _HTML_ADDRESS.finditer(source):
        attribute = match.group(1).lower()
        value = html.unescape(next(g for g in match.groups()[1:] if g is not None))
        where = line + source.count("\n", 0, match.start())
        tag = _HTML_TAG.match(source, source.rfind("<", 0, match.start()))
        image = attribute == "srcset" or (tag is not None and tag.group(1).lower() == "img")
        kind = "image" if image and attribute != "href" else "link"
        if attribute == "srcset":  # "a.png 1x, b.png 2x" or "a.png 480w, b.png 960w"
            for candidate in value.split(","):
                if candidate.strip():
                    yield Link(candidate.split()[0], where, kind, markdown=False)
        else:
            yield Link(value, where, kind, markdown=False)


def _as_built(config: SiteConfig, link: Link) -> str:
    """The address as the build writes it: a Markdown link or image to a site path gets
    the base path (markdown._prefix_site_paths); raw HTML is left as written."""
    href, base = link.href, config.base_path
    if link.markdown and href.startswith("/") and not href.startswith(("//", base)):
        return base + href[1:]
    return href


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


def _broken(config: SiteConfig, link: Link, path: str, hints: list[str]) -> str:
    """The message for a broken link or image, in the brief's own terms (with the base
    path), with the nearest page or file the build does make."""
    address = url_for(config, path)
    where = "" if link.href == address else f" ({address})"
    hint = difflib.get_close_matches(path, hints, n=1, cutoff=0.8)
    tail = f"; did you mean {url_for(config, hint[0])}?" if hint else ""
    return f"broken {link.kind} {link.href}{where}: no page or file is built there{tail}"

"""Site settings from site.yaml, checked once and frozen."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .errors import BriefpressError, Problem
from .frontmatter import SafeLoader, YamlTooComplex, check_node_budget
from .slugs import slugify

CONFIG_FILE = "site.yaml"
PERMALINK_FIELDS = {"year", "month", "day", "slug"}


@dataclass(frozen=True)
class SiteConfig:
    """Every setting of a site; templates see it as `site.config`."""

    title: str = "Briefing"
    """Site name: header, <title> suffix, feed title."""
    description: str = ""
    """One sentence for the home page meta description and the feeds."""
    base_url: str = "http://localhost:8000/"
    """Absolute URL of the site; its path is the base path of every link."""
    language: str = "en"
    """BCP 47 code: <html lang>, feed language, Pagefind language, UI strings."""
    timezone: str = "UTC"
    """IANA zone for dates written without an offset, and for showing every date."""
    theme: str = "default"
    """Folder name under themes/ (or the packaged default theme)."""
    per_page: int = 20
    """Briefs per list page (home, tag pages)."""
    permalink: str = "/{year}/{month}/{slug}/"
    """URL of a brief; placeholders: year month day slug."""
    feed_items: int = 50
    """Entries in each feed."""
    tag_names: dict[str, str] = field(default_factory=dict)
    """Tag slug -> display name, e.g. {usa: USA} (read-only by convention: it must pickle)."""
    cname: str | None = None
    """Custom domain for GitHub Pages: written to /CNAME."""
    html: bool = True
    """False: raw HTML in Markdown is escaped instead of passed through."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def base_path(self) -> str:
        """Path part of base_url, always starting and ending with '/'."""
        return urlsplit(self.base_url).path or "/"

    def with_base_url(self, base_url: str) -> SiteConfig:
        """The same settings published at another address (`--base-url`)."""
        problem = _check_base_url(base_url)
        if problem:
            raise BriefpressError([Problem("--base-url", None, problem)])
        return replace(self, base_url=_normalise_base_url(base_url))

    def fingerprint(self) -> str:
        """Stable text of every setting: part of the build-cache key."""
        data = asdict(self)
        return json.dumps(data, sort_keys=True, ensure_ascii=False)


_TYPES: dict[str, tuple[type, ...]] = {
    "title": (str,),
    "description": (str,),
    "base_url": (str,),
    "language": (str,),
    "timezone": (str,),
    "theme": (str,),
    "per_page": (int,),
    "permalink": (str,),
    "feed_items": (int,),
    "tag_names": (dict,),
    "cname": (str, type(None)),
    "html": (bool,),
}


def load_config(root: Path) -> SiteConfig:
    """Read site.yaml under root (absent means all defaults); raise with every problem."""
    path = root / CONFIG_FILE
    if not path.exists():
        return SiteConfig()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problem = Problem(CONFIG_FILE, None, f"cannot read: {exc.strerror}")
        raise BriefpressError([problem]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise BriefpressError([Problem(CONFIG_FILE, line, message)]) from None
    return parse_config(text, CONFIG_FILE)


def parse_config(text: str, name: str = CONFIG_FILE) -> SiteConfig:
    """Settings from the text of a site.yaml; `name` is the path used in messages."""
    try:
        loader = SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                check_node_budget(node)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except YamlTooComplex as exc:
        raise BriefpressError([Problem(name, None, str(exc))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise BriefpressError([Problem(name, line, f"invalid YAML: {reason}")]) from None
    if data is None:
        return SiteConfig()
    if not isinstance(data, dict):
        raise BriefpressError([Problem(name, 1, "site.yaml must be a mapping of settings")])

    lines = _key_lines(node)
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    known = [f.name for f in fields(SiteConfig)]
    for key, value in data.items():
        line = lines.get(str(key))
        if key not in _TYPES:
            hint = difflib.get_close_matches(str(key), known, n=1)
            tail = f"; did you mean '{hint[0]}'?" if hint else f" (known: {', '.join(known)})"
            problems.append(Problem(name, line, f"unknown setting '{key}'{tail}"))
            continue
        expected = _TYPES[key]
        if not isinstance(value, expected) or (type(value) is bool and bool not in expected):
            want = " or ".join("null" if t is type(None) else t.__name__ for t in expected)
            problems.append(
                Problem(name, line, f"{key}: expected {want}, got {type(value).__name__}")
            )
            continue
        message = _check_value(key, value)
        if message:
            problems.append(Problem(name, line, f"{key}: {message}"))
            continue
        values[key] = value
    if problems:
        raise BriefpressError(problems)
    if "base_url" in values:
        values["base_url"] = _normalise_base_url(values["base_url"])
    if "permalink" in values:
        values["permalink"] = "/" + values["permalink"].strip("/") + "/"
    if "tag_names" in values:
        names = values["tag_names"].items()  # keys as slugs, so {USA: U.S.} works too
        values["tag_names"] = {slugify(str(k)) or str(k): str(v) for k, v in names}
    return SiteConfig(**values)


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


def _check_value(key: str, value: Any) -> str | None:
    if key == "base_url":
        return _check_base_url(value)
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return f"'{value}' is not an IANA time zone (e.g. UTC, Asia/Yerevan)"
    if key in ("per_page", "feed_items") and value < 1:
        return "must be at least 1"
    if key == "permalink":
        return _check_permalink(value)
    if key == "tag_names" and not all(isinstance(v, str | int | float) for v in value.values()):
        return "each entry maps a tag slug to a display name"
    if key == "language" and not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", value):
        return f"'{value}' is not a language code (e.g. en, hy, ru, en-GB)"
    if key == "cname" and value is not None and not re.fullmatch(r"[A-Za-z0-9.-]+", value):
        return f"'{value}' is not a domain name (e.g. briefs.example.org)"
    return None


def _check_permalink(value: str) -> str | None:
    """A path of plain segments and placeholders: it must keep every page inside the
    output folder and format without surprises (no `{slug:>99999}`, no `..`)."""
    names = re.findall(r"\{([^{}]*)\}", value)
    unknown = [name for name in names if name not in PERMALINK_FIELDS]
    if unknown:
        return f"unknown placeholder {{{unknown[0]}}} (use year, month, day, slug)"
    if "slug" not in names:
        return "must contain {slug}, so every brief gets its own URL"
    literal = re.sub(r"\{[a-z]+\}", "", value)
    if not re.fullmatch(r"[A-Za-z0-9/._~-]*", literal):
        return "may hold only letters, digits, '/', '-', '_', '.', '~' besides its placeholders"
    if any(part in (".", "..") for part in value.split("/")):
        return "must not contain '.' or '..' segments: every page stays inside the output folder"
    return None


def _check_base_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"'{value}' is not an absolute http(s) URL (e.g. https://user.github.io/repo/)"
    return None


def _normalise_base_url(value: str) -> str:
    parts = urlsplit(value)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"

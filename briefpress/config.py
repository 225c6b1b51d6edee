"""Site settings from site.yaml, checked once and frozen."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .errors import BriefpressError, Problem
from .frontmatter import SafeLoader, YamlTooComplex, check_node_budget
from .slugs import slugify
from .themes import THEMES_DIR, find_theme_folder

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
        problem = check_base_url(base_url)
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
    config, problems, _ = _parse(_read_config_text(root), CONFIG_FILE)
    if problems:
        raise BriefpressError(problems)
    return config


def read_config(root: Path) -> tuple[SiteConfig, list[Problem]]:
    """site.yaml under root, and the problems a build can list with the content's: a wrong
    setting (or a theme that is not there) is left at its default, so the content is read
    anyway. Only a file that cannot be read as settings at all raises."""
    config, problems, lines = _parse(_read_config_text(root), CONFIG_FILE)
    if find_theme_folder(root, config.theme) is None:
        message = f"theme '{config.theme}' not found: no folder {THEMES_DIR}/{config.theme}/"
        problems.append(Problem(CONFIG_FILE, lines.get("theme"), message))
        config = replace(config, theme=SiteConfig.theme)
    return config, problems


def parse_config(text: str, name: str = CONFIG_FILE) -> SiteConfig:
    """Settings from the text of a site.yaml; `name` is the path used in messages."""
    config, problems, _ = _parse(text, name)
    if problems:
        raise BriefpressError(problems)
    return config


def _read_config_text(root: Path) -> str:
    path = root / CONFIG_FILE
    if not path.exists():
        return ""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problem = Problem(CONFIG_FILE, None, f"cannot read: {exc.strerror}")
        raise BriefpressError([problem]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise BriefpressError([Problem(CONFIG_FILE, line, message)]) from None


def _parse(text: str, name: str) -> tuple[SiteConfig, list[Problem], dict[str, int]]:
    """(settings, problems, line of each key): every setting with a problem is left at its
    default; text that is not a mapping of settings at all raises."""
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
        return SiteConfig(), [], {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise BriefpressError([Problem(name, 1, "site.yaml must be a mapping of settings")])

    lines, problems = _key_lines(node, name)
    values: dict[str, Any] = {}
    known = [f.name for f in fields(SiteConfig)]
    for key, value in data.items():
        line = lines.get(str(key))
        if key not in _TYPES:
            hint = difflib.get_close_matches(str(key), known, n=1)
            tail = f"; did you mean '{hint[0]}'?" if hint else f" (known: {', '.join(known)})"
            problems.append(Problem(name, line, f"unknown setting '{key}'{tail}"))
            continue
        if value is None:
            continue  # `description:` left empty: the same as leaving the line out
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
    if "tag_names" in values:
        names, name_problems = _tag_names(_value_node(node, "tag_names"), name)
        problems += name_problems
        values["tag_names"] = names
    if "base_url" in values:
        values["base_url"] = _normalise_base_url(values["base_url"])
    if "permalink" in values:
        values["permalink"] = _normalise_permalink(values["permalink"])
    return SiteConfig(**values), problems, lines


def tag_name_lines(root: Path) -> dict[str, int]:
    """Line in site.yaml of each `tag_names` entry, by slug, so a warning about one entry
    can point at it (SiteConfig keeps values, not where they were written). Read again
    only when a warning needs it; anything unreadable gives no lines."""
    try:
        loader = SafeLoader(_read_config_text(root))
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except (BriefpressError, yaml.YAMLError):
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    values = [value for key, value in node.value if key.value == "tag_names"]
    if not values or not isinstance(values[-1], yaml.MappingNode):
        return {}
    lines, _ = _key_lines(values[-1], CONFIG_FILE)
    return {slugify(tag) or tag: line for tag, line in lines.items()}


def _key_lines(node: yaml.MappingNode, name: str) -> tuple[dict[str, int], list[Problem]]:
    """Line of each setting, and a problem for each one written twice (YAML would keep the
    last silently; front matter refuses them too). A repeated key maps to its last line,
    the one whose value counts."""
    first: dict[str, int] = {}
    lines: dict[str, int] = {}
    problems = []
    for key, _ in node.value:
        text, line = str(key.value), key.start_mark.line + 1
        if text in first and key.tag != _MERGE:
            message = f"'{text}' is given twice (first on line {first[text]}): keep one"
            problems.append(Problem(name, line, message))
        first.setdefault(text, line)
        lines[text] = line
    return lines, problems


def _value_node(node: yaml.MappingNode, key: str) -> yaml.Node:
    """The node of a setting's value: the last one written, as for the parsed data."""
    values: list[yaml.Node] = [value for k, value in node.value if k.value == key]
    return values[-1]


def _tag_names(node: yaml.Node, name: str) -> tuple[dict[str, str], list[Problem]]:
    """tag_names read from its YAML node, so each entry's problem names its own line and a
    key is read as written (`2025: Year`, `yes: Yes`), not as YAML's number or boolean."""
    names: dict[str, str] = {}
    problems = []
    first: dict[str, tuple[str, int]] = {}
    assert isinstance(node, yaml.MappingNode)  # the data was a dict
    for key, value in node.value:
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
            problems.append(Problem(name, line, "tag_names: each key is the name of one tag"))
            continue
        tag = key.value
        if not (isinstance(value, yaml.ScalarNode) and value.tag == _STR):
            hint = f' (quote it: {tag}: "{value.value}")' if _is_plain_scalar(value) else ""
            message = f"tag_names: {tag}: expected text, got {_kind(value)}{hint}"
            problems.append(Problem(name, value.start_mark.line + 1, message))
            continue
        slug = slugify(tag) or tag  # keys as slugs, so {USA: U.S.} works too
        if slug in first:
            was, at = first[slug]
            same = "is given twice" if was == tag else f"is the same tag as '{was}'"
            message = f"tag_names: '{tag}' {same} (first on line {at}): keep one"
            problems.append(Problem(name, line, message))
            continue
        first[slug] = (tag, line)
        names[slug] = value.value
    return names, problems


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


def _is_plain_scalar(node: yaml.Node) -> bool:
    """A scalar written without quotes (the C loader says '' where PyYAML's says None)."""
    return isinstance(node, yaml.ScalarNode) and node.value != "" and not node.style


def _kind(node: yaml.Node) -> str:
    """What a YAML node holds, named as in our other messages (int, list, nothing)."""
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if isinstance(node, yaml.MappingNode):
        return "dict"
    kind = str(node.tag).rsplit(":", 1)[-1]
    return "nothing" if kind == "null" else kind


def _check_value(key: str, value: Any) -> str | None:
    if key == "base_url":
        return check_base_url(value)
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return f"'{value}' is not an IANA time zone (e.g. UTC, Asia/Yerevan)"
    if key in ("per_page", "feed_items") and value < 1:
        return "must be at least 1"
    if key == "permalink":
        return _check_permalink(value)
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


def _normalise_permalink(value: str) -> str:
    """A leading slash, and a trailing one unless the pattern names a file: `/{slug}.html`
    (Pelican's default) is a page of that name, not a folder holding index.html."""
    path = "/" + value.strip("/")
    return path if path.endswith((".html", ".htm")) and not value.endswith("/") else path + "/"


def check_base_url(value: str) -> str | None:
    """Why `value` cannot be base_url (or --base-url), or None when it can."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"'{value}' is not an absolute http(s) URL (e.g. https://user.github.io/repo/)"
    if any(char.isspace() or not char.isprintable() for char in value):
        return f"'{value}' has a space or control character, which no URL has (a space is %20)"
    try:
        parts.netloc.encode("idna")
    except UnicodeError:
        return f"'{value}' has a host name that is not valid in a URL"
    return None


def _normalise_base_url(value: str) -> str:
    """With a trailing slash, and as a URI: letters of other scripts in the path are
    percent-encoded (so every link, the sitemap and serve see one spelling of it), in the
    host name written in punycode."""
    parts = urlsplit(value)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    netloc = parts.netloc if parts.netloc.isascii() else parts.netloc.encode("idna").decode()
    return f"{parts.scheme}://{netloc}{quote(path, safe=_URL_SAFE)}"


_URL_SAFE = "/%:@!$&'()*+,;=-._~"
"""What a URL's path may hold as it is (RFC 3986), % included: escapes stay as written."""

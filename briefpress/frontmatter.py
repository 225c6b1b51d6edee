"""Split a brief into front matter (YAML `---` or TOML `+++`) and body, keeping line numbers."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from .errors import ProblemError

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_NODES = 20_000
"""Nodes a front matter may expand to, aliases counted each time: stops alias bombs."""


class SafeLoader(_Base):  # type: ignore[misc]
    """PyYAML's safe loader (C speed when available) that leaves dates as text.

    Dates are parsed by briefpress itself, so that every form reads the same way
    and a date without an offset takes the site's timezone.
    """


SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlTooComplex(ProblemError):
    """Front matter whose aliases expand past MAX_NODES."""


@dataclass(frozen=True)
class FrontMatter:
    data: dict[str, Any]
    """The parsed mapping (empty when the file has no front matter)."""
    key_lines: dict[str, int] = field(default_factory=dict)
    """Line in the file (1-based) of each top-level key."""
    body: str = ""
    body_line: int = 1
    """Line in the file where the body starts."""


_FENCE = {"---": "yaml", "+++": "toml"}


def split_front_matter(text: str) -> FrontMatter:
    """Front matter and body of a brief's text (newlines already normalised to \\n)."""
    first, _, rest = text.partition("\n")
    kind = _FENCE.get(first.rstrip())
    if kind is None:
        return FrontMatter({}, {}, text, 1)
    fence = first.rstrip()
    closers = (fence, "...") if kind == "yaml" else (fence,)
    start, index = 0, 0  # the line `index` of rest starts at `start`; the body is not split
    while True:
        end = rest.find("\n", start)
        if rest[start : len(rest) if end < 0 else end].rstrip() in closers:
            source = rest[: max(0, start - 1)]
            body = "" if end < 0 else rest[end + 1 :]
            body_line = index + 3
            break
        if end < 0:
            raise ProblemError(
                f"front matter opened with '{fence}' on line 1 is never closed: "
                f"add a '{fence}' line after it",
                1,
            )
        start, index = end + 1, index + 1
    if kind == "yaml":
        data, key_lines = _parse_yaml(source)
    else:
        data, key_lines = _parse_toml(source)
    return FrontMatter(data, key_lines, body, body_line)


def _parse_yaml(source: str) -> tuple[dict[str, Any], dict[str, int]]:
    """YAML mapping and key lines; line numbers are in the file (front matter starts on 2)."""
    simple = parse_simple_yaml(source)
    return simple if simple is not None else parse_full_yaml(source)


def parse_full_yaml(source: str) -> tuple[dict[str, Any], dict[str, int]]:
    loader = SafeLoader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        check_node_budget(node)
        check_duplicate_keys(node)
        data = loader.construct_document(node)
    except YamlTooComplex as exc:
        raise YamlTooComplex(exc.message, 2) from None
    except ProblemError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last = source.count("\n") + 2  # an error at the end belongs to the last line
        line = min(mark.line + 2, last) if mark else 2
        reason = exc.problem or exc.context or "unreadable"
        raise ProblemError(
            f"invalid YAML front matter: {reason}{_yaml_hint(reason)}", line
        ) from None
    except yaml.YAMLError as exc:
        raise ProblemError(f"invalid YAML front matter: {exc}", 2) from None
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise ProblemError(f"invalid YAML front matter: {type(exc).__name__}", 2) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ProblemError("front matter must be a mapping of keys (title: ..., date: ...)", 2)
    key_lines = {}
    if isinstance(node, yaml.MappingNode):
        key_lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value}
    return {str(k): v for k, v in data.items()}, key_lines


_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?")
"""key: value (trailing spaces are then stripped: a lazy `.*?` here tried every length)."""
_QUOTED = re.compile(r'"([^"\\]*)"|\'([^\']*)\'')
_PLAIN = re.compile(r"\w[^#:]*(?::(?! |$)[^#:]*)*")
"""A plain scalar of ours: starts with a letter or digit, no comment, no ': ' or final ':'."""


def parse_simple_yaml(source: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The front matter most briefs have, read without the YAML parser (a third of the time
    of loading a brief), or None for anything else: `key: value` lines whose values are
    plain or quoted text on one line or a flow list of them (tags: [a, b]). Anything YAML
    would read as another type, or that needs YAML's rules, is left to YAML.
    tests/test_frontmatter.py checks on random sources that both give the same result."""
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for number, line in enumerate(source.split("\n"), start=2):
        if not line.strip(" "):
            continue
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None or not line.isprintable():
            return None
        key, value = match[1], (match[2] or "").rstrip(" ")
        if key in data or not value or _is_typed(key):
            return None
        if value[0] == "[" and value[-1] == "]":
            inner = value[1:-1]
            items = [_simple_scalar(item.strip(" ")) for item in inner.split(",")]
            if not inner.strip(" "):
                items = []
            if None in items:
                return None
            data[key] = items
        else:
            scalar = _simple_scalar(value, flow=False)
            if scalar is None:
                return None
            data[key] = scalar
        key_lines[key] = number
    return data, key_lines


def _simple_scalar(text: str, flow: bool = True) -> str | None:
    """Text YAML reads as this string, or None when unsure."""
    quoted = _QUOTED.fullmatch(text)
    if quoted is not None:
        return quoted[1] if quoted[1] is not None else quoted[2]
    if not _PLAIN.fullmatch(text) or (flow and any(c in text for c in "[]{}:")):
        return None
    return None if _is_typed(text) else text


@lru_cache(maxsize=8192)
def _is_typed(plain: str) -> bool:
    """Whether YAML reads this plain scalar as anything but a string (a number, true, null).
    Remembered: keys and tags come up in brief after brief."""
    table = SafeLoader.yaml_implicit_resolvers
    resolvers = [*table.get(plain[0], ()), *table.get(None, ())]
    return any(regex.match(plain) for _, regex in resolvers)


def _yaml_hint(reason: str) -> str:
    """What to do about the YAML mistakes briefs make most: an unquoted ': ' in a headline."""
    if "mapping values are not allowed" in reason:
        return " (a value containing ': ' must be in quotes: title: \"Headline: the dek\")"
    return " (check quotes, brackets and indentation)"


_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")


def _parse_toml(source: str) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        data = tomllib.loads(source + "\n")  # so an error on the last line has its line
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) + 1 if match else 2
        reason = re.sub(r"\s*\(at line.*\)$", "", str(exc))
        raise ProblemError(f"invalid TOML front matter: {reason}", line) from None
    key_lines: dict[str, int] = {}
    for number, text in enumerate(source.split("\n"), start=2):
        key = _TOML_KEY.match(text)
        if key:
            key_lines.setdefault(key.group(1).strip('"'), number)
    return data, key_lines


def check_duplicate_keys(root: yaml.Node) -> None:
    """Refuse a top-level key written twice: YAML would silently keep the last one."""
    if not isinstance(root, yaml.MappingNode):
        return
    first_line: dict[str, int] = {}
    for key, _ in root.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + 2
        if key.value in first_line:
            raise ProblemError(
                f"'{key.value}' is given twice (first on line {first_line[key.value]}): keep one",
                line,
            )
        first_line[key.value] = line


def check_node_budget(root: yaml.Node) -> None:
    """Refuse YAML whose aliases would expand past MAX_NODES (a 'billion laughs' bomb)."""
    seen = 0
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise YamlTooComplex(
                f"front matter too large or nested: more than {MAX_NODES} values"
                " (YAML aliases expand each time they are used)"
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)

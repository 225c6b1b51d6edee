"""The Jinja environment of a build: the helpers and filters templates are documented to
get, and the ways its templates are compiled and run faster than Jinja's defaults (site
constants folded in, our helpers called straight away, output escaped into plain text)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, MutableMapping
from functools import cache, cached_property, lru_cache, partial
from types import BuiltinMethodType
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.visitor
import markupsafe
from jinja2 import nodes
from markupsafe import Markup

from .brief import Brief
from .dates import rfc3339
from .feeds import modified
from .i18n import strings_for
from .model import Site, Tag
from .slugs import split_headline
from .themes import Theme
from .urls import abs_url_for, is_web_url, url_for


class MacroCache:
    """The `cached(macro, *args)` template helper: a macro's output, made once per arguments.

    Hugo's partialCached for Jinja. A brief's entry in a list is the same on the front page,
    its year, month and tag pages; rendering it once instead of on every page halves the
    time of the list pages. Only for macros imported without context (Jinja's default),
    whose output depends on their arguments alone. Arguments that are not plain values
    (briefs, tags) are told apart by identity and kept alive, so an id is never reused.
    """

    def __init__(self) -> None:
        self._made: dict[tuple[object, ...], tuple[tuple[object, ...], Markup]] = {}

    def __call__(self, macro: Callable[..., Markup], *args: object, **kwargs: object) -> Markup:
        values = args
        if kwargs:
            values = (*args, *[part for item in sorted(kwargs.items()) for part in item])
        if len(values) == 1:  # most calls (a brief's page makes eight): no list to build
            value = values[0]
            key: tuple[object, ...] = (id(macro), value if type(value) in _PLAIN else id(value))
        else:
            key = (id(macro), *[v if type(v) in _PLAIN else id(v) for v in values])
        made = self._made.get(key)
        if made is None:
            piece = macro(*args, **kwargs)
            made = self._made[key] = (
                (macro, values),
                piece if type(piece) is Markup else Markup(piece),
            )
        return made[1]

    def clear(self) -> None:
        self._made.clear()


_PLAIN = frozenset({str, int, float, bool, type(None)})
"""Types of arguments told apart by value (exactly these: a subclass goes by identity)."""


class _Context(jinja2.runtime.Context):
    """Calls our own helpers (url, t, cached ...), macros, blocks (`self.title()`) and
    built-in methods straight away.
    Jinja's call looks for pass_context markers on every call, which was a fifth of
    rendering a brief's page."""

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        kind = type(__obj)
        plain = (
            kind is BuiltinMethodType  # brief.meta.get(...): takes no context
            or kind is jinja2.runtime.Macro
            or kind is jinja2.runtime.BlockReference  # self.title(): the base template's
            or _is_in(__obj, __self.environment.plain_helpers)  # type: ignore[attr-defined]
        )
        if not plain:
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        return __obj(*args, **kwargs)


def escape(value: object) -> str:
    """A `{{ }}` value as it goes into the page (Jinja's generated code uses `escape` for
    nothing else): text escaped, Markup as it is. markupsafe.escape would wrap the text in
    a new Markup and copy a Markup, a third of the escaping time: the generated code only
    joins these pieces, and wraps what a macro or block returns in Markup itself."""
    kind = type(value)
    if kind is str:
        return _escape_text(value)  # type: ignore[arg-type]
    if kind is Markup:
        return value  # type: ignore[return-value]
    if kind is int or kind is float:  # numbers of charts and counts: nothing to escape
        return str(value)
    return markupsafe.escape(value)


_escape_text: Callable[[str], str] = getattr(
    markupsafe, "_escape_inner", lambda text: str(markupsafe.escape(text))
)
"""markupsafe.escape's own str -> str, in C (not public: the fallback does the same)."""


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    environment: _Environment

    def visit_Template(self, node: nodes.Template, frame: object = None) -> None:
        """A template module as Jinja writes it, with the site's constants folded in, whose
        `{{ }}` output then goes through our escape: the module's functions look the name
        up when they run, after this line."""
        _SiteConstants(self.environment).visit(node)
        super().visit_Template(node, frame)  # type: ignore[arg-type]
        self.writeline(f"from {__name__} import escape")

    def visit_Call(
        self, node: nodes.Call, frame: jinja2.compiler.Frame, forward_caller: bool = False
    ) -> None:
        """`url(x)` as `url(x)`, where Jinja writes `context.call(url, x, _block_vars=...)`
        to find out on each call whether the function wants the context: ours never do
        (a tenth of rendering a brief's page)."""
        helper = node.node
        if (
            forward_caller
            or not isinstance(helper, nodes.Name)
            or helper.ctx != "load"
            or helper.name not in self.direct
            or node.kwargs
            or node.dyn_args
            or node.dyn_kwargs
        ):
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        self.visit(helper, frame)
        self.write("(")
        for index, arg in enumerate(node.args):
            self.write(", " if index else "")
            self.visit(arg, frame)
        self.write(")")

    @cached_property
    def direct(self) -> set[str]:
        return self.environment.direct_helpers()


class _SiteConstants(jinja2.visitor.NodeTransformer):
    """Puts into the template, when it is compiled, what is the same on every page of the
    build: `config.title`, `search_enabled`, `url('/tags/')`, `t('archive')`. Jinja then
    merges these constants with the text around them, so a page's frame (head, header,
    footer) is a few long strings instead of dozens of calls: a fifth of rendering a
    brief's page. The environment lives as long as its settings and theme (serve makes
    a new one when either changes), and names any template assigns are left alone."""

    def __init__(self, environment: _Environment) -> None:
        self.values = environment.constant_globals()
        self.eval_ctx = nodes.EvalContext(environment)

    def visit_Name(self, node: nodes.Name) -> nodes.Node:
        if node.ctx == "load" and node.name in self.values:
            return self._folded(self.values[node.name], node)
        return node

    def visit_Getattr(self, node: nodes.Getattr) -> nodes.Node:
        self.generic_visit(node)  # in place: a Name of a constant object stays a Name
        owner = node.node
        if isinstance(owner, nodes.Name) and owner.ctx == "load" and owner.name in self.values:
            return self._folded(getattr(self.values[owner.name], node.attr, _MISSING), node)
        return node

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        self.generic_visit(node)  # in place: arguments folded first
        helper = node.node
        if (
            not isinstance(helper, nodes.Name)
            or helper.ctx != "load"
            or helper.name not in self.values
            or node.kwargs
            or node.dyn_args
            or node.dyn_kwargs
        ):
            return node
        try:
            args = [arg.as_const(self.eval_ctx) for arg in node.args]
            value = self.values[helper.name](*args)
        except Exception:  # not constant, or an error the page should report when rendered
            return node
        return self._folded(value, node)

    @staticmethod
    def _folded(value: object, node: nodes.Expr) -> nodes.Expr:
        if type(value) in _PLAIN:  # exactly: repr() of these is Python source
            return nodes.Const(value, lineno=node.lineno)
        return node


_MISSING = object()


class _Environment(jinja2.Environment):
    context_class = _Context
    code_generator_class = _CodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.plain_helpers: set[Callable[..., Any]] = set()
        """Globals that take neither context nor environment (see _Context)."""
        self.constant_names: frozenset[str] = frozenset()
        """Globals that stay the same while this environment lives: plain values, objects
        whose attributes are (config), and functions whose result depends on their
        arguments alone (url, t). Calls of these with constant arguments are folded."""
        self._assigned: set[str] | None = None
        self._parsed: dict[tuple[str | None, str], nodes.Template] = {}
        """Templates assigned_names parsed, kept for their compilation (see _parse)."""

    def assigned_names(self) -> set[str]:
        """Names some template of the theme assigns (with `set`, `for`, a macro's argument,
        an import): such a name may mean something else than the global where it is used,
        even in another template (`include` passes the includer's variables)."""
        if self._assigned is None:
            self._assigned = set()
            for name in self.list_templates():
                with contextlib.suppress(jinja2.TemplateError, UnicodeDecodeError):
                    source = self.loader.get_source(self, name)[0]  # type: ignore[union-attr]
                    tree = super()._parse(source, name, None)
                    self._assigned |= _assigned_names(tree)
                    self._parsed[name, source] = tree
        return self._assigned

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """The tree assigned_names made of this source, if it did: parsing every template
        twice was a third of compiling a theme. Each tree is used once, as compiling
        changes it (site constants folded in)."""
        self.assigned_names()  # first: compiling needs them anyway (_SiteConstants)
        tree = self._parsed.pop((name, source), None)
        return tree if tree is not None else super()._parse(source, name, filename)

    def constant_globals(self) -> dict[str, Any]:
        """The constant globals that no template assigns (see constant_names)."""
        names = self.constant_names - self.assigned_names()
        return {name: self.globals[name] for name in names}

    def direct_helpers(self) -> set[str]:
        """Names of plain helpers (url, t, cached ...) that no template assigns: their
        calls are compiled as plain Python calls (see _CodeGenerator.visit_Call)."""
        plain = {name for name, value in self.globals.items() if _is_in(value, self.plain_helpers)}
        return plain - self.assigned_names()

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as a plain dict, not Jinja's ChainMap over the environment's:
        every render copies them into a new context, key by key through the ChainMap (a
        twentieth of rendering a brief's page). Globals set later go through set_global."""
        return {**self.globals, **(d or {})}

    def set_global(self, name: str, value: Any) -> None:
        """Set a global here and in every template already loaded (see make_globals)."""
        self.globals[name] = value
        for template in (self.cache or {}).values():
            template.globals[name] = value


def make_environment(site: Site, theme: Theme, search: bool = True) -> _Environment:
    """Autoescape on, StrictUndefined, and the helpers templates are documented to get."""
    config = site.config
    env = _Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    strings = strings_for(config.language)
    helpers: dict[str, Callable[..., Any]] = {
        "url": cache(partial(url_for, config)),  # the same few thousand paths on every page
        "abs_url": lru_cache(256)(partial(abs_url_for, config)),  # a page's own, 3 times
    }
    env.globals.update(helpers, site=site, config=config, search_enabled=search, t=strings.text)
    env.plain_helpers.update(helpers.values(), [strings.text])
    env.constant_names = frozenset({*helpers, "config", "search_enabled", "t"})
    env.filters.update(
        rfc3339=rfc3339,
        rfc3339_utc=_rfc3339_utc,
        modified=modified,
        date=strings.format_date,
        month_name=strings.month_name,
        reading_time=strings.reading_time,
        tags=_tags_of,
        json_ld=_json_ld,
        headline=split_headline,
        by_day=_by_day,
    )
    env.tests["web_url"] = is_web_url
    return env


def _is_in(value: object, helpers: set[Callable[..., Any]]) -> bool:
    try:
        return value in helpers
    except TypeError:  # unhashable: not a helper
        return False


def _assigned_names(tree: nodes.Template) -> set[str]:
    """Every name a template gives a value to."""
    names = {
        node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")
    }
    names |= {node.name for node in tree.find_all(nodes.Macro)}
    names |= {node.target for node in tree.find_all(nodes.Import)}
    for node in tree.find_all(nodes.FromImport):
        names |= {item if isinstance(item, str) else item[1] for item in node.names}
    return names


@jinja2.pass_environment
def _tags_of(env: jinja2.Environment, brief: Brief) -> list[Tag]:
    """The `tags` filter: asks the environment's current site (see Renderer.use_site)."""
    site = env.globals["site"]
    assert isinstance(site, Site)
    return site.tags_of(brief)


def _rfc3339_utc(moment: dt.datetime) -> str:
    """The `rfc3339_utc` filter: the instant in UTC (2025-11-02T05:30:00+00:00), a value
    that sorts as text in time order whatever the offsets (Pagefind's sort)."""
    try:
        return rfc3339(moment.astimezone(dt.UTC))
    except OverflowError:  # within hours of year 1 or 9999: no UTC datetime for it
        return rfc3339(moment)


def _by_day(briefs: Iterable[Brief]) -> list[tuple[dt.date, list[Brief]]]:
    """The `by_day` filter: runs of briefs of the same day, as (day, briefs)."""
    days: list[tuple[dt.date, list[Brief]]] = []
    for brief in briefs:
        day = brief.date.date()
        if days and days[-1][0] == day:
            days[-1][1].append(brief)
        else:
            days.append((day, [brief]))
    return days


def _json_ld(data: Any) -> Markup:
    """JSON for a <script type="application/ld+json"> block: '<' escaped, so no '</script>'.
    Keys in the order the template writes them (@context first); dates as RFC 3339, tags
    as their names."""
    text = "".join(_json_pieces(data, False))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return rfc3339(value)
    if isinstance(value, Tag):
        return value.name
    return str(value)


def _json_encoder() -> Callable[[Any, bool], Iterable[str]]:
    """json.dumps(data, ensure_ascii=False, default=_json_default) as a function made once:
    json.dumps makes an encoder on every call, which was half of the time of a brief's
    JSON-LD. Without a record of the containers being written, a structure that holds
    itself (a YAML alias in the front matter) ends in a RecursionError, not a ValueError:
    the page's problem either way."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: json.dumps's own pure Python
        return encoder.JSONEncoder(ensure_ascii=False, default=_json_default).iterencode
    return make(  # type: ignore[no-any-return]
        None, _json_default, encoder.encode_basestring, None, ": ", ", ", False, False, True
    )


_json_pieces = _json_encoder()

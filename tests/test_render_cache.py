"""cached(macro, ...): list pages render each brief's entry once, and show exactly what
rendering it every time shows."""

from __future__ import annotations

from pathlib import Path

from conftest import brief_text
from markupsafe import Markup

from briefpress.brief import parse_brief
from briefpress.markdown import make_markdown
from briefpress.pipeline import (
    BuildOptions,
    Timer,
    model_briefs,
    model_site,
    read_site,
    route_site,
)
from briefpress.render import Renderer
from briefpress.templating import MacroCache, escape


def renderer_for(root: Path) -> tuple[Renderer, list]:
    options = BuildOptions(search=False, cache=False)
    timer = Timer()
    config, theme = read_site(root, options)
    site, _, problems = model_site(root, config, options, timer)
    assert not problems
    routes, problems, _ = route_site(site, theme, options, timer)
    assert not problems
    return Renderer(site, theme, root, search=False), routes


def many_briefs(count: int) -> dict[str, str]:
    """Briefs over three months and a few days, sharing tags: lists of several pages."""
    return {
        f"content/b{n}.md": brief_text(
            f"Brief {n}", f"2025-0{1 + n % 3}-1{n % 9}T10:00:00Z", ["Armenia", f"T{n % 4}"]
        )
        for n in range(count)
    }


def test_list_pages_are_the_same_as_without_the_cache(write_site) -> None:
    root = write_site(many_briefs(24))
    cached, routes = renderer_for(root)
    plain, _ = renderer_for(root)
    plain.env.globals["cached"] = lambda macro, *args, **kwargs: macro(*args, **kwargs)
    lists = [r for r in routes if r.template in ("index.html", "tag.html", "period.html")]
    assert len(lists) > 8
    for route in lists:
        assert cached.render(route) == plain.render(route), route.url
    assert len(cached.cached._made) == 24  # one entry per brief, made once


class Brief:
    def __init__(self, name: str) -> None:
        self.name = name


def test_one_call_per_distinct_arguments() -> None:
    calls: list[tuple[object, ...]] = []

    def macro(*args: object, **kwargs: object) -> str:
        calls.append((*args, *kwargs.values()))
        return f"<b>{len(calls)}</b>"

    cache = MacroCache()
    a, b = Brief("a"), Brief("a")  # equal-looking, yet two briefs
    assert cache(macro, a, "h3", time_only=True) == Markup("<b>1</b>")
    assert cache(macro, a, "h3", time_only=True) == Markup("<b>1</b>")
    assert cache(macro, b, "h3", time_only=True) == Markup("<b>2</b>")
    assert cache(macro, a, "h2", time_only=True) == Markup("<b>3</b>")
    assert cache(macro, a, "h3", time_only=False) == Markup("<b>4</b>")
    assert len(calls) == 4
    cache.clear()
    assert cache(macro, a, "h3", time_only=True) == Markup("<b>5</b>")


def test_a_new_site_forgets_what_was_cached(write_site) -> None:
    """serve renders a re-modelled site with the same renderer and the same unchanged
    briefs; what the site adds to an entry (a tag's display name) must not go stale."""
    root = write_site(
        {
            "content/a.md": brief_text("Alpha", "2025-01-02T10:00:00Z", ["armenia"]),
            "content/b.md": brief_text("Beta", "2025-01-03T10:00:00Z", ["armenia"]),
        }
    )
    renderer, routes = renderer_for(root)
    home = next(r for r in routes if r.url == "/")
    assert b">#armenia<" in renderer.render(home)
    options = BuildOptions(search=False, cache=False)
    # Two more briefs spell it ARMENIA: the display name changes, Alpha's brief does not.
    extra = [
        parse_brief(
            f"content/{n}.md",
            brief_text(n, f"2025-01-0{4 + i}T10:00:00Z", ["ARMENIA"]),
            renderer.site.config,
            make_markdown(False),
        )[0]
        for i, n in enumerate(["c", "d", "e"])
    ]
    site, _ = model_briefs([*renderer.site.briefs, *extra], renderer.site.config, options, Timer())
    renderer.use_site(site)
    routes, _, _ = route_site(site, renderer_theme(root), options, Timer())
    page = renderer.render(next(r for r in routes if r.url == "/")).decode()
    assert ">#armenia<" not in page and page.count(">#ARMENIA<") == 5


def renderer_theme(root: Path):
    return read_site(root, BuildOptions())[1]


def test_a_new_site_reaches_templates_loaded_before_it(write_site) -> None:
    """Templates keep their globals in a plain dict (fast to copy per page): use_site must
    update the templates already loaded, or serve would show the old site on them."""
    root = write_site(
        {
            "site.yaml": "title: T\ntheme: counted\n",
            "themes/counted/theme.yaml": "extends: default\n",
            "themes/counted/templates/404.html": "{{ site.briefs | length }} briefs\n",
            "content/a.md": brief_text("Alpha", "2025-01-01T10:00:00Z", ["Armenia"]),
        }
    )
    renderer, routes = renderer_for(root)
    renderer.prepare()
    missing = next(r for r in routes if r.template == "404.html")
    assert renderer.render(missing) == b"1 briefs\n"
    extra = parse_brief(
        "content/b.md",
        brief_text("Beta", "2025-01-02T10:00:00Z", ["Armenia"]),
        renderer.site.config,
        make_markdown(False),
    )[0]
    options = BuildOptions(search=False, cache=False)
    site, _ = model_briefs([*renderer.site.briefs, extra], renderer.site.config, options, Timer())
    renderer.use_site(site)
    assert renderer.render(missing) == b"2 briefs\n"


def test_markup_is_output_as_it_is_not_copied(write_site) -> None:
    """Templates print through render.escape, which hands Markup (a macro's output, a cached
    piece) back unchanged, and escapes everything else as Jinja would."""
    root = write_site({"content/a.md": brief_text("Alpha", "2025-01-02T10:00:00Z", ["x"])})
    renderer, _ = renderer_for(root)
    template = renderer.env.from_string("{% macro m() %}<b>{% endmacro %}{{ m() }}{{ x }}{{ y }}")
    assert template.root_render_func.__globals__["escape"] is escape
    assert template.render(x="<i>", y=Markup("<u>")) == "<b>&lt;i&gt;<u>"
    piece = Markup("<p>x</p>")
    assert escape(piece) is piece
    assert escape(3) == "3" and escape("'&") == "&#39;&amp;"


def test_a_theme_compiled_while_briefs_load_renders_the_same(write_site, monkeypatch) -> None:
    """A big first build compiles the theme while workers parse (for a site it does not
    have yet), then renders the site with it: byte for byte what compiling it later makes."""
    from briefpress import load, pipeline

    root = write_site(many_briefs(40))
    monkeypatch.setattr(load, "PARALLEL_FROM", 10)  # forked workers for 40 briefs
    compiled: list[bool] = []
    real = pipeline._compile_theme

    def counted(*args) -> None:
        real(*args)
        compiled.append(True)

    monkeypatch.setattr(pipeline, "_compile_theme", counted)
    outputs = {}
    for workers in (2, 1):  # one worker: no fork, the theme compiled when rendering
        out = root / f"out{workers}"
        options = BuildOptions(search=False, cache=False, workers=workers, out=out)
        pipeline.build(root, options)
        outputs[workers] = {
            path.relative_to(out).as_posix(): path.read_bytes()
            for path in sorted(out.rglob("*"))
            if path.is_file() and path.name != ".briefpress-build"
        }
    assert compiled == [True]
    assert len(outputs[2]) > 60 and outputs[2] == outputs[1]

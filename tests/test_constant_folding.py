"""Templates are compiled with what is the same on every page (config.*, url('/...'),
t('...'), search_enabled) already in them, and show exactly what they showed before."""

from __future__ import annotations

from conftest import brief_text
from test_render_cache import many_briefs, renderer_for


def test_site_constants_become_text_of_the_template(write_site) -> None:
    root = write_site({"content/a.md": brief_text("Alpha", "2025-01-02T10:00:00Z", ["USA"])})
    renderer, _ = renderer_for(root)
    source = (
        "<a href=\"{{ url('/tags/') }}\">{{ t('archive') }}</a> {{ config.title }}"
        "{% if search_enabled %}on{% endif %} {{ t('n_briefs', count) }}"
    )
    code = renderer.env.compile(source, raw=True)
    assert "'<a href=\"/tags/\">Archive</a> Test Briefing'" in code
    assert "url" not in code and "l_0_config" not in code
    assert "'n_briefs'" in code  # an argument known only when rendering: called then
    page = renderer.env.from_string(source).render(count=2)
    assert page == '<a href="/tags/">Archive</a> Test Briefing 2 briefs'


def test_a_name_a_template_assigns_is_not_folded_anywhere(write_site) -> None:
    """An included template sees the includer's variables, so a name assigned in any
    template of the theme keeps being looked up when pages render."""
    root = write_site(
        {
            "site.yaml": "title: Site Title\ntheme: local\n",
            "themes/local/theme.yaml": "extends: default\n",
            "themes/local/templates/404.html": (
                "{% set config = {'title': 'Local'} %}{% include 'part.html' %}"
                "{% for search_enabled in ['yes'] %} {{ search_enabled }}{% endfor %}\n"
            ),
            "themes/local/templates/part.html": "{{ config.title }}",
            "content/a.md": brief_text("Alpha", "2025-01-02T10:00:00Z", ["USA"]),
        }
    )
    renderer, routes = renderer_for(root)
    missing = next(r for r in routes if r.template == "404.html")
    assert renderer.render(missing) == b"Local yes"


def test_every_page_is_the_same_as_without_folding(write_site) -> None:
    root = write_site(many_briefs(12))
    folded, routes = renderer_for(root)
    plain, _ = renderer_for(root)
    plain.env.constant_names = frozenset()
    for route in routes:
        assert folded.render(route) == plain.render(route), route.url


def test_helpers_are_called_as_plain_functions(write_site) -> None:
    """url(x), t(key, n), cached(...) need no context: compiled as plain calls, not
    through Jinja's context.call, which looks on every call for what a function wants."""
    root = write_site({"content/a.md": brief_text("Alpha", "2025-01-02T10:00:00Z", ["USA"])})
    renderer, _ = renderer_for(root)
    source = "{{ url(path) }} {{ t('n_briefs', count) }} {{ abs_url(path) }}"
    code = renderer.env.compile(source, raw=True)
    assert "context.call" not in code
    page = renderer.env.from_string(source).render(path="/tags/usa/", count=3)
    assert page == "/tags/usa/ 3 briefs https://example.org/tags/usa/"
    assert "context.call" in renderer.env.compile(
        "{{ range(3) | list }}{{ cycler(1)() }}", raw=True
    )


def test_a_theme_is_parsed_once_when_it_is_compiled(write_site, monkeypatch) -> None:
    """Finding the names templates assign parses every template; compiling them reuses
    those trees instead of parsing each again (a third of compiling a theme)."""
    import jinja2.parser

    root = write_site({"content/a.md": brief_text("Alpha", "2025-01-02T10:00:00Z", ["USA"])})
    renderer, routes = renderer_for(root)
    parsed: list[str | None] = []
    parse = jinja2.parser.Parser.parse
    monkeypatch.setattr(
        jinja2.parser.Parser, "parse", lambda self: parsed.append(self.name) or parse(self)
    )
    renderer.prepare()
    templates = renderer.env.list_templates(extensions=["html"])
    assert sorted(parsed) == sorted(templates)  # each once, none twice
    brief = next(route for route in routes if route.template == "brief.html")
    assert "Alpha" in renderer.render(brief).decode()

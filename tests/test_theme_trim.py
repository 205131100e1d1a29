"""The theme trim against the pinned theme itself (its layout, its Font Awesome), and in the built
book (the browser tests check the pages as a reader gets them)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from sciatica_course import theme_trim as tt
from sciatica_course.tools import make_icons

THEME = Path(importlib.util.find_spec("pydata_sphinx_theme").origin).parent / "theme" / "pydata_sphinx_theme"


def _block(template: str, name: str) -> str:
    m = re.search(r"{%-?\s*block " + name + r"\s*%}(.*?){%-?\s*endblock", template, flags=re.S)
    assert m, f"no block {name}"
    return " ".join(m.group(1).split())


# ---------------------------------------------------------------- the pinned theme is what we override
def test_the_overridden_blocks_are_the_pinned_themes():
    """templates/layout.html replaces the theme's css and extrahead blocks. If an upgrade changes
    them, compare them with templates/layout.html again, then update these copies."""
    layout = (THEME / "layout.html").read_text(encoding="utf-8")
    css = " ".join(re.sub(r"{#.*?#}|<!--.*?-->", "", _block(layout, "css")).split())
    assert css.split() == (
        '<script data-cfasync="false"> document.documentElement.dataset.mode = localStorage.getItem("mode") '
        '|| "{{ default_mode }}"; document.documentElement.dataset.theme = localStorage.getItem("theme") || '
        '"{{ default_mode }}"; </script> <noscript> <style> .pst-js-only { display: none !important; } </style> '
        "</noscript> {{ _webpack.head_pre_assets() }} {{- css() }} {{ _webpack.head_js_preload() }}"
    ).split()
    ours = _block((tt.TEMPLATES_DIR / "layout.html").read_text(encoding="utf-8"), "css")
    assert ours.startswith(css.split(" {{ _webpack")[0])  # the colour-mode script and noscript as they are
    extrahead = re.sub(r"{#.*?#}", "", _block(layout, "extrahead"))
    assert re.findall(r"<(\w+) ", extrahead) == ["meta"] * 4 + ["script"] * 3, extrahead
    assert "searchindex.js" in extrahead


def test_the_bundle_holds_the_stylesheets_the_theme_links():
    """The theme links styles/theme.css (only an @import of basic.css) and pydata-sphinx-theme.css
    itself; its other head macro is the icon script and two preloads, which the page leaves out."""
    macros = (THEME / "static" / "webpack-macros.html").read_text(encoding="utf-8")
    pre, preload = (re.search(r"macro " + m + r"\(\)(.*?)endmacro", macros, re.S).group(1) for m in
                    ("head_pre_assets", "head_js_preload"))
    assert re.findall(r"pathto\('(_static/[^']+)'", pre) == [
        "_static/styles/theme.css", "_static/styles/pydata-sphinx-theme.css"]
    assert re.sub(r"/\*.*?\*/", "", (THEME / "static" / "styles" / "theme.css").read_text(), flags=re.S).split() == [
        "@import", '"../basic.css";']
    assert tt.THEME_CSS == ("_static/basic.css", "_static/styles/pydata-sphinx-theme.css")
    assert re.findall(r"pathto\('(_static/[^']+)'", preload) == [
        "_static/scripts/fontawesome.js", "_static/scripts/bootstrap.js", "_static/scripts/pydata-sphinx-theme.js"]


# ---------------------------------------------------------------- icons: generated from the pinned theme
def test_committed_icon_stylesheet_matches_the_pinned_theme():
    """Rerun `python -m sciatica_course.tools.make_icons` after upgrading the theme."""
    assert make_icons.OUT.read_text(encoding="utf-8") == make_icons.theme_icons_css(), (
        f"{make_icons.OUT.name} is out of date: run `.venv/bin/python -m sciatica_course.tools.make_icons`")


def test_real_fontawesome_gives_solid_icons_with_their_own_width_and_aliases():
    paths = make_icons.fa_paths(make_icons.fontawesome_js().read_text(encoding="utf-8"))
    assert len(paths) > 1500  # the whole Font Awesome Free set was read, not a fragment
    assert paths["bars"][:2] == (448, 512) and paths["bars"][2].startswith("M0 96C0 78.3")
    assert paths["navicon"] == paths["bars"]  # an alias
    assert paths["github"][:2] == (496, 512)  # a brand icon
    assert paths["file"][2] != paths["file-lines"][2]  # solid "file", not the regular one
    css = make_icons.icon_css(make_icons.fontawesome_js().read_text(encoding="utf-8"), {"bars", "no-such-icon"})
    assert ".fa-bars::before{--sc-icon:" in css and "width:0.875em" in css and "no-such-icon" not in css


def test_every_icon_the_theme_can_show_is_drawn():
    names = make_icons.theme_icon_names()
    assert {"bars", "magnifying-glass", "download", "github", "list", "expand"} <= names
    assert not names & {"solid", "brands", "lg"}
    css = make_icons.OUT.read_text(encoding="utf-8")
    paths = make_icons.fa_paths(make_icons.fontawesome_js().read_text(encoding="utf-8"))
    assert {n for n in names if n in paths} == set(re.findall(r"\.fa-([a-z0-9-]+)::before\{--sc-icon", css))


# ---------------------------------------------------------------- the one stylesheet
def test_urls_are_rebased_for_the_bundle_folder():
    css = 'a{background:url(file.png)} b{src:url("../vendor/f.woff2")} c{x:url(data:image/svg+xml,%3Csvg)}'
    assert 'url("../file.png")' in tt._rebase_urls(css, "_static/basic.css")
    out = tt._rebase_urls(css, "_static/styles/pydata-sphinx-theme.css")
    assert 'url("file.png")' in out and 'url("../vendor/f.woff2")' in out
    assert "url(data:image/svg+xml,%3Csvg)" in out


def test_bundle_leaves_out_the_icon_fonts_of_the_real_theme_css(tmp_path):
    styles = tmp_path / "_static" / "styles"
    styles.mkdir(parents=True)
    real = (THEME / "static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert real.count("@font-face") >= 3 and "Font Awesome" in real
    (styles / "pydata-sphinx-theme.css").write_text(real, encoding="utf-8")
    text = tt.bundle_text(tmp_path, ["_static/styles/pydata-sphinx-theme.css"])
    assert not re.search(r"@font-face\s*{[^}]*Font Awesome", text)
    assert ".fa-bars:before" in text  # the rest of the theme's CSS is kept


def test_bundle_refuses_a_missing_file_or_an_import(tmp_path):
    from sphinx.errors import ExtensionError

    (tmp_path / "a.css").write_text('@import "b.css";', encoding="utf-8")
    with pytest.raises(ExtensionError, match="a.css has an @import"):
        tt.bundle_text(tmp_path, ["a.css"])
    with pytest.raises(ExtensionError, match="gone.css"):
        tt.bundle_text(tmp_path, ["gone.css"])


def test_bundle_name_follows_content_and_is_the_same_in_a_first_build_and_a_rebuild(tmp_path):
    """A file written only at build-finished (MyST-NB's mystnb.<digest>.css) is there when a
    rebuild writes its pages and not in a first build: pages of both must link the same bundle."""
    from types import SimpleNamespace

    app = SimpleNamespace(outdir=str(tmp_path), config=SimpleNamespace(html_theme_options={"a": 1}))
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "a.css").write_text("a{}", encoding="utf-8")
    files = ("_static/a.css", "_static/mystnb." + "0" * 64 + ".css")
    first = tt._bundle_name(app, files)
    (tmp_path / files[1]).write_text("written at build-finished", encoding="utf-8")
    assert tt._bundle_name(app, files) == first
    assert (tmp_path / first).with_suffix(".json").read_text(encoding="utf-8") == json.dumps(list(files))
    (tmp_path / "_static" / "a.css").write_text("a{color:red}", encoding="utf-8")
    assert tt._bundle_name(app, files) != first  # a changed style is a new file
    app.config.html_theme_options = {"a": 2}
    assert len({tt._bundle_name(app, files), first}) == 2


# ---------------------------------------------------------------- the built book
def _head(html: Path, rel: str) -> str:
    return (html / rel).read_text(encoding="utf-8").split("</head>")[0]


def test_built_pages_link_one_stylesheet_that_holds_theme_icons_and_toggle(built_book):
    html = built_book["html"]
    bundles = sorted((html / "_static" / "styles").glob("sciatica-*.css"))
    assert len(bundles) == 1 and [p.name for p in bundles[0].parent.glob("sciatica-*.json")] == [
        bundles[0].with_suffix(".json").name]
    css = bundles[0].read_text(encoding="utf-8")
    for part in ("basic.css", "styles/pydata-sphinx-theme.css", "pygments.css", "sciatica-icons.css",
                 "sciatica-theme.css", "sciatica.css"):
        assert f"/* _static/{part} */" in css, part
    # The theme's final pygments.css (light and dark code colours, written at build-finished).
    assert 'html[data-theme="dark"] .highlight' in css
    assert not re.search(r"@font-face\s*{[^}]*Font Awesome", css)
    for rel in ("notebooks/03-anatomy.html", "search.html"):
        head = _head(html, rel)
        assert head.count(f'styles/{bundles[0].name}"') == 1, rel


def test_behaviour_scripts_are_deferred_but_search_tools_needs_are_not(built_book):
    html = built_book["html"]
    head = _head(html, "notebooks/03-anatomy.html")
    for name in tt.DEFERRABLE - {"design-tabs.js"}:
        tag = re.search(r"<script [^>]*src=\"[^\"]*" + re.escape(name) + r"\?[^>]*>", head)
        assert tag and "defer" in tag.group(0), name
    assert re.search(r'<script src="[^"]*documentation_options\.js', head)  # stays blocking
    search = _head(html, "search.html")  # the theme's searchtools.js (blocking) needs two of them first
    assert re.search(r'<script src="[^"]*doctools\.js[^>]*></script>(.|\n)*searchtools\.js', search)
    assert re.search(r'<script src="[^"]*sphinx_highlight\.js', search)
    assert re.search(r'<script defer="defer" src="[^"]*copybutton\.js', search)
    scripts = re.findall(r"<script[^>]*>[^<]*</script>", head)
    assert len(scripts) == len(set(scripts)), "a script is included twice"
    assert "thebe" not in head.lower()
    assert '<meta name="description"' in head and "searchindex.js" not in head


def test_code_toggle_labels_are_spans(built_book):
    text = (built_book["html"] / "notebooks" / "02-what-is-sciatica.html").read_text(encoding="utf-8")
    summaries = re.findall(r'<summary aria-label="Toggle hidden content">(.*?)</summary>', text, flags=re.S)
    assert summaries and all("<p" not in s and s.count("<span") == 2 for s in summaries)

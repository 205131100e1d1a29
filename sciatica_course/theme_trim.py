"""Trim the default Jupyter Book theme to what the course uses (issue 6: fast, offline, clean).

Loaded by ``sphinx_ext.setup``. Measured with Lighthouse (mobile profile) and the browser tests;
see ``bench/results.md``. Each change is small and says why:

- ``templates/layout.html`` drops the theme's 1.5 MB ``fontawesome.js`` (the theme's CSS already
  draws its icons from its icon fonts) and the search index on pages other than search.html.
- Without that script the theme's CSS would draw its icons from two icon fonts (274 KB of woff2,
  fetched before the first paint). Instead the icons the theme can show are drawn as CSS masks
  from the same Font Awesome Free SVG paths (read at build time from the theme's own
  ``fontawesome.js``), and the icon fonts' ``@font-face`` rules are left out, so no font loads.
  Buttons keep their accessible names (their ``title``/``aria-label`` come from the theme).
- ``default_mode`` is set, so the theme's colour-mode script no longer logs
  "Got invalid theme mode: . Resetting to auto.".
- sphinx-thebe's script and stylesheet are removed: thebe is off (``launch_buttons: thebe:
  false``), and its inline config was added twice per page, which logs
  "Identifier 'THEBE_JS_URL' has already been declared".
- The ten render-blocking stylesheets (one of them behind an ``@import``) are served as one
  file, ``_static/styles/sciatica-<hash>.css``: on a phone each extra stylesheet costs a round
  trip before the first paint. The name's hash is of the stylesheets' names and contents, so a
  changed style is a new file.
- Bibliography entries get ``role="listitem"`` (docutils' ``doc-biblioentry`` is deprecated and
  fails axe-core's list check).
- Build speed: pybtex's plugin lookups are cached (see ``_cache_pybtex_plugin_lookup``).
- Valid HTML: MyST-NB's show/hide toggle of a hidden code cell puts two ``<p>`` labels inside
  ``<summary>``, where only phrasing content is allowed (Nu HTML checker); they are written as
  ``<span>`` instead, and MyST-NB's ``summary>p.…`` rules are applied to them in the bundle, so the
  toggle looks as before (``_visit_hide_cell_input``, ``TOGGLE_CSS``).
- Repeated identical inline scripts are dropped, and scripts that only add behaviour after the
  page is shown (copy buttons, toggles, highlighting, tabs) load with ``defer`` so they no longer
  block the first paint.
"""

from __future__ import annotations

import functools
import hashlib
import json
import posixpath
import re
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# The theme's colour mode when the reader has not chosen one. The course's figure and quiz
# colours are checked on a light background; readers can still switch with the theme button.
DEFAULT_MODE = "light"

# Assets of extensions that are switched off in _config.yml.
DROP_FILES = {"sphinx-thebe.js", "sphinx-thebe.css"}
DROP_INLINE_MARKERS = ("THEBE_JS_URL",)

# Scripts that only attach behaviour to the page; safe to run after parsing (``defer`` keeps
# their order). documentation_options.js stays blocking: inline scripts assign to it at once.
DEFERRABLE = {
    "doctools.js",
    "sphinx_highlight.js",
    "clipboard.min.js",
    "copybutton.js",
    "scripts/sphinx-book-theme.js",
    "togglebutton.js",
    "design-tabs.js",
}


def _visit_hide_cell_input(self, node) -> None:
    """MyST-NB's ``visit_HideCellInput`` with ``<span>`` labels (``<p>`` is not allowed in ``<summary>``)."""
    from html import escape

    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n')
    self.body.append('<summary aria-label="Toggle hidden content">\n')
    self.body.append(f'<span class="collapsed admonition-title">{escape(node["prompt_show"])}</span>\n')
    self.body.append(f'<span class="expanded admonition-title">{escape(node["prompt_hide"])}</span>\n')
    self.body.append("</summary>\n")


def _valid_code_toggle(app) -> None:
    try:
        from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
    except ImportError:  # MyST-NB not in use: nothing to fix
        return
    app.add_node(HideCodeCellNode, override=True, html=(_visit_hide_cell_input, depart_HideCellInput))


# MyST-NB's stylesheet styles the toggle's labels as ``summary>p.admonition-title``, ``p.collapsed``
# and ``p.expanded``; the same rules for the <span> labels, and basic.css's ``p.admonition-title``.
_TOGGLE_P = re.compile(r">\s*summary\s*>\s*p\.")
TOGGLE_CSS = (
    "/* sciatica_course.theme_trim: the code-cell toggle's labels are <span>, not <p> */\n"
    "div.cell details.hide>summary>span.admonition-title{display:list-item;font-weight:bold;margin:0 10px 0 0}"
)


def _static_name(filename) -> str:
    """``_static/x.js`` -> ``x.js`` (the builder prefixes files added by extensions)."""
    name = str(filename or "")
    return name[len("_static/") :] if name.startswith("_static/") else name


def _config_inited(app, config) -> None:
    config.templates_path.insert(0, str(TEMPLATES_DIR))
    config.html_context.setdefault("default_mode", DEFAULT_MODE)


def _trim_assets(app, pagename, templatename, context, doctree) -> None:
    from sphinx.builders.html._assets import _JavaScript

    scripts = context.get("script_files")
    if scripts is not None:
        kept, seen = [], set()
        for js in scripts:
            name = _static_name(js.filename)
            body = js.attributes.get("body", "")
            if name in DROP_FILES or any(m in body for m in DROP_INLINE_MARKERS):
                continue
            key = (name, tuple(sorted(js.attributes.items())))
            if key in seen:
                continue
            seen.add(key)
            # search.html loads searchtools.js, which needs doctools.js first, without defer.
            if pagename != "search" and name in DEFERRABLE and not ({"defer", "async"} & js.attributes.keys()):
                js = _JavaScript(js.filename, priority=js.priority, **{**js.attributes, "defer": "defer"})
            kept.append(js)
        # In place: the builder resets this list for every page.
        scripts[:] = kept
    css = context.get("css_files")
    if css is not None:
        css[:] = [c for c in css if _static_name(c.filename) not in DROP_FILES]
    _bundle_css(app, context)
    # docutils marks bibliography entries role="doc-biblioentry" inside role="list"; ARIA 1.3
    # deprecates that role and axe-core reports the list as missing its items (critical).
    if "body" in context and 'role="doc-biblioentry"' in context["body"]:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


# The theme's own stylesheets (linked by its template, not through css_files), in its order;
# styles/theme.css only holds ``@import "../basic.css"``.
THEME_CSS = ["_static/basic.css", "_static/styles/pydata-sphinx-theme.css"]
BUNDLE_DIR = "_static/styles"
_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_bundles: dict[tuple, str] = {}  # files -> bundle path, for the pages written in this build
_pygments_done: dict[str, bool] = {}


def _rebase_urls(text: str, src: str) -> str:
    """Rewrite relative ``url(...)`` in the stylesheet ``src`` for a file in BUNDLE_DIR."""

    def fix(m):
        url = m.group(2)
        if re.match(r"^(data:|[a-z]+://|/|#)", url):
            return m.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src), url))
        return f'url("{posixpath.relpath(target, BUNDLE_DIR)}")'

    return _URL.sub(fix, text)


# Packages whose templates and Python put Font Awesome icons on a page.
ICON_SOURCES = ("sphinx_book_theme", "pydata_sphinx_theme", "jupyter_book")
_ICON_CLASS = re.compile(r"\bfa-([a-z0-9]+(?:-[a-z0-9]+)*)")
_NOT_ICONS = {"solid", "regular", "brands", "lg", "sm", "xs", "2x", "3x", "fw", "spin", "pulse"}
_FA_FACE = re.compile(r"@font-face\s*{[^}]*Font Awesome[^}]*}")


def theme_icon_names() -> set[str]:
    """Every Font Awesome icon name the theme packages can put on a page."""
    import importlib.util

    names: set[str] = set()
    for pkg in ICON_SOURCES:
        spec = importlib.util.find_spec(pkg)
        if spec is None or not spec.submodule_search_locations:
            continue
        for root in spec.submodule_search_locations:
            for f in Path(root).rglob("*"):
                if f.suffix in {".html", ".py"} and f.is_file():
                    names.update(_ICON_CLASS.findall(f.read_text(encoding="utf-8", errors="ignore")))
    # The repository button's icon is named from the provider at run time (f"fa-{provider}").
    names |= {"github", "gitlab", "bitbucket"}
    return names - _NOT_ICONS


def _fa_paths(js: str) -> dict[str, tuple[int, int, str]]:
    """``{name: (width, height, svg path)}`` from fontawesome.js (solid wins over others)."""
    out: dict[str, tuple[int, int, str]] = {}
    entry = re.compile(
        r'(?:"([a-z0-9-]+)"|([a-z0-9]+)):\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]*",(?:"([^"]*)"|\["[^"]*","([^"]*)"\])\]'
    )
    # The file lists brands, then regular, then solid icons; the theme uses solid ones.
    for m in reversed(list(entry.finditer(js))):
        icon = (int(m.group(3)), int(m.group(4)), m.group(6) or m.group(7))
        aliases = re.findall(r'"([a-z0-9-]+)"', m.group(5))
        for name in [m.group(1) or m.group(2), *aliases]:
            out.setdefault(name, icon)
    return out


def icon_css(fontawesome_js: str, names: set[str]) -> str:
    """CSS mask icons for ``names``; a name Font Awesome does not have is skipped."""
    paths = _fa_paths(fontawesome_js)
    fams = ".fa,.fas,.far,.fab,.fa-solid,.fa-regular,.fa-brands"
    rules = [
        "/* Icons: Font Awesome Free (CC BY 4.0) SVG paths, drawn as CSS masks (no icon font). */",
        ",".join(f"{c}::before" for c in fams.split(","))
        + '{content:""!important;display:inline-block;width:1em;height:1em;'
        "background-color:currentColor;vertical-align:-0.125em;"
        "-webkit-mask:var(--sc-icon) center/contain no-repeat;mask:var(--sc-icon) center/contain no-repeat}",
    ]
    for name in sorted(names):
        if name not in paths:
            continue
        w, h, d = paths[name]
        svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {w} {h}'><path d='{d}'/></svg>"
        svg = svg.replace("<", "%3C").replace(">", "%3E").replace("#", "%23")
        rules.append(f'.fa-{name}::before{{--sc-icon:url("data:image/svg+xml,{svg}");width:{w / h:.3f}em!important}}')
    return "\n".join(rules)


def _icons_for_bundle(outdir: Path) -> str:
    fa = outdir / "_static" / "scripts" / "fontawesome.js"
    if not fa.is_file():
        return ""
    return icon_css(fa.read_text(encoding="utf-8"), theme_icon_names())


def _bundle_text(outdir: Path, files: tuple[str, ...]) -> str:
    parts = [
        f"/* {f} */\n" + _rebase_urls((outdir / f).read_text(encoding="utf-8"), f)
        for f in files
        if (outdir / f).is_file()
    ]
    text = _TOGGLE_P.sub(">summary>.", "\n".join(parts)) + "\n" + TOGGLE_CSS
    icons = _icons_for_bundle(outdir)
    return _FA_FACE.sub("", text) + "\n" + icons if icons else text


def _final_pygments_css(app) -> None:
    """pydata-sphinx-theme rewrites pygments.css (light and dark code colours) only at
    build-finished; do it before the first page so the bundle's name is computed from the file
    as it will finally be."""
    if _pygments_done.get(str(app.outdir)):
        return
    try:
        from pydata_sphinx_theme.pygments import overwrite_pygments_css
    except ImportError:  # another theme: nothing to do
        pass
    else:
        overwrite_pygments_css(app, None)
    _pygments_done[str(app.outdir)] = True


_DIGEST_NAME = re.compile(r"\.[0-9a-f]{32,}\.css$")


def _bundle_css(app, context) -> None:
    """One stylesheet for the theme's and the extensions' plain local stylesheets.

    The page links ``_static/styles/sciatica-<hash>.css``; the hash is of the stylesheets'
    names and contents (a file that extensions only write at the end of the build, such as
    MyST-NB's ``mystnb.<digest>.css``, carries its content digest in its name), so a changed
    style gets a new name and no reader keeps a stale copy. The file itself is written at
    build-finished (``_tidy_bundles``), when every stylesheet is in place.
    """
    css = context.get("css_files")
    if css is None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    _final_pygments_css(app)

    def plain(c) -> bool:
        name = str(c.filename or "")
        extra = {k: v for k, v in c.attributes.items() if k not in {"rel", "type", "priority"}}
        path = outdir / name
        return (
            "://" not in name
            and name.endswith(".css")
            and not extra
            and c.attributes.get("rel", "stylesheet") == "stylesheet"
            and (_DIGEST_NAME.search(name) or path.is_file())
            and not (path.is_file() and "@import" in path.read_text(encoding="utf-8"))
        )

    theme = [f for f in THEME_CSS if (outdir / f).is_file()]
    if len(theme) != len(THEME_CSS):
        return  # an unexpected theme layout: keep the theme's own links
    files = tuple(theme + [str(c.filename) for c in css if plain(c)])
    if files not in _bundles:
        h = hashlib.sha256(repr(files).encode())
        h.update((_TOGGLE_P.pattern + TOGGLE_CSS).encode())  # what _bundle_text changes, too
        for f in files:
            if not _DIGEST_NAME.search(f):
                h.update((outdir / f).read_bytes())
        _bundles[files] = f"{BUNDLE_DIR}/sciatica-{h.hexdigest()[:12]}.css"
    context["sciatica_css_bundle"] = _bundles[files]
    context["sciatica_css_rest"] = [c for c in css if not plain(c)]


_BUNDLE_REF = re.compile(r"styles/(sciatica-[0-9a-f]{12}\.css)")


def _tidy_bundles(app, exception) -> None:
    """After the build: write every bundle some page links from the current stylesheets (an
    incremental build leaves unchanged pages linking an earlier bundle), remove the others."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    folder = outdir / BUNDLE_DIR
    manifest = folder / "sciatica-bundles.json"
    known = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
    known.update({Path(n).name: list(f) for f, n in _bundles.items()})
    linked = set()
    for page in outdir.rglob("*.html"):
        linked.update(_BUNDLE_REF.findall(page.read_text(encoding="utf-8", errors="ignore")))
    folder.mkdir(parents=True, exist_ok=True)
    for name in sorted(linked & known.keys()):
        (folder / name).write_text(_bundle_text(outdir, tuple(known[name])), encoding="utf-8")
    for f in folder.glob("sciatica-*.css"):
        if f.name not in linked:
            f.unlink()
    manifest.write_text(json.dumps({n: known[n] for n in sorted(linked & known.keys())}, indent=1), encoding="utf-8")


def _cache_pybtex_plugin_lookup() -> None:
    """Build speed: sphinxcontrib-bibtex asks pybtex for its style plugins once per citation,
    and each ask scans every installed package's entry points (about 15 ms here: most of a
    rebuild's time went there). The answer never changes during a build, so it is cached.
    A lookup that fails raises, and is not cached."""
    try:
        import pybtex.plugin as plugin
    except ImportError:
        return
    if not hasattr(plugin._load_entry_point, "cache_info"):
        plugin._load_entry_point = functools.lru_cache(maxsize=None)(plugin._load_entry_point)


def setup(app):
    _cache_pybtex_plugin_lookup()
    _valid_code_toggle(app)
    app.connect("config-inited", _config_inited)
    # Late (priority 900), after extensions such as sphinx.ext.mathjax have added their files.
    app.connect("html-page-context", _trim_assets, priority=900)
    app.connect("build-finished", _tidy_bundles, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

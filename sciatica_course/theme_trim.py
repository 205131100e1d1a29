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
  trip before the first paint. The hash is of the content, so a changed style is a new file.
- Repeated identical inline scripts are dropped, and scripts that only add behaviour after the
  page is shown (copy buttons, toggles, highlighting, tabs) load with ``defer`` so they no longer
  block the first paint.
"""

from __future__ import annotations

import hashlib
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
            if name in DEFERRABLE and not ({"defer", "async"} & js.attributes.keys()):
                js = _JavaScript(js.filename, priority=js.priority, **{**js.attributes, "defer": "defer"})
            kept.append(js)
        # In place: the builder resets this list for every page.
        scripts[:] = kept
    css = context.get("css_files")
    if css is not None:
        css[:] = [c for c in css if _static_name(c.filename) not in DROP_FILES]
    _bundle_css(app, context)


# The theme's own stylesheets (linked by its template, not through css_files), in its order;
# styles/theme.css only holds ``@import "../basic.css"``.
THEME_CSS = ["_static/basic.css", "_static/styles/pydata-sphinx-theme.css"]
BUNDLE_DIR = "_static/styles"
_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_written: dict[tuple, str] = {}


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


def _bundle_css(app, context) -> None:
    """One stylesheet for the theme's and the extensions' plain local stylesheets."""
    css = context.get("css_files")
    if css is None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)

    def plain(c) -> bool:
        name = str(c.filename or "")
        extra = {k: v for k, v in c.attributes.items() if k not in {"rel", "type", "priority"}}
        return (
            "://" not in name
            and not extra
            and c.attributes.get("rel", "stylesheet") == "stylesheet"
            and (outdir / name).is_file()
            and "@import" not in (outdir / name).read_text(encoding="utf-8")
        )

    files = [f for f in THEME_CSS if (outdir / f).is_file()] + [str(c.filename) for c in css if plain(c)]
    if len(files) != len(THEME_CSS) + sum(1 for c in css if plain(c)) or len(THEME_CSS) > len(files):
        return  # an unexpected theme layout: keep the theme's own links
    parts = [f"/* {f} */\n" + _rebase_urls((outdir / f).read_text(encoding="utf-8"), f) for f in files]
    text = "\n".join(parts)
    if "_icons" not in _written:
        _written["_icons"] = _icons_for_bundle(outdir)
    if _written["_icons"]:
        text = _FA_FACE.sub("", text) + "\n" + _written["_icons"]
    key = (tuple(files), hashlib.sha256(text.encode()).hexdigest()[:12])
    if key not in _written:
        name = f"{BUNDLE_DIR}/sciatica-{key[1]}.css"
        (outdir / name).parent.mkdir(parents=True, exist_ok=True)
        (outdir / name).write_text(text, encoding="utf-8")
        _written[key] = name
    context["sciatica_css_bundle"] = _written[key]
    context["sciatica_css_rest"] = [c for c in css if not plain(c)]


def _remove_stale_bundles(app, exception) -> None:
    """Old ``sciatica-<hash>.css`` files left by earlier builds into the same folder."""
    if exception is not None or app.builder.format != "html" or not _written:
        return
    current = {Path(n).name for k, n in _written.items() if k != "_icons"}
    for f in (Path(app.outdir) / BUNDLE_DIR).glob("sciatica-*.css"):
        if f.name not in current:
            f.unlink()


def setup(app):
    app.connect("config-inited", _config_inited)
    # Late (priority 900), after extensions such as sphinx.ext.mathjax have added their files.
    app.connect("html-page-context", _trim_assets, priority=900)
    app.connect("build-finished", _remove_stale_bundles)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

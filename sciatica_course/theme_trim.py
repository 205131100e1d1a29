"""Trim the default Jupyter Book theme to what the course uses (issue 6: fast, offline, clean).

Loaded by ``sphinx_ext.setup``. Measured with Lighthouse (mobile profile) and the browser tests;
see ``bench/results.md``. Each change is small and says why:

- ``templates/layout.html`` drops the theme's 1.5 MB ``fontawesome.js`` (the theme's CSS already
  draws its icons from its icon fonts) and the search index on pages other than search.html.
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
    key = (tuple(files), hashlib.sha256(text.encode()).hexdigest()[:12])
    if key not in _written:
        name = f"{BUNDLE_DIR}/sciatica-{key[1]}.css"
        (outdir / name).parent.mkdir(parents=True, exist_ok=True)
        (outdir / name).write_text(text, encoding="utf-8")
        _written[key] = name
    context["sciatica_css_bundle"] = _written[key]
    context["sciatica_css_rest"] = [c for c in css if not plain(c)]


def setup(app):
    app.connect("config-inited", _config_inited)
    # Late (priority 900), after extensions such as sphinx.ext.mathjax have added their files.
    app.connect("html-page-context", _trim_assets, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

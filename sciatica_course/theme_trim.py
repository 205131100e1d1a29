"""Trim the Jupyter Book theme to what the course uses (issue 6: fast, offline, valid HTML) through
documented hooks only (issue 15). Loaded by ``sphinx_ext``; measured in ``bench/results.md``.

- ``templates/layout.html`` overrides the theme layout's ``css`` block (no 1.5 MB fontawesome.js)
  and ``extrahead`` block (no search index on every page); a test fails if the theme's blocks change.
- Icons are CSS masks from ``static/sciatica-icons.css`` (``python -m sciatica_course.tools.make_icons``).
- One stylesheet: the theme's two and the page's plain local ones, as ``_static/styles/sciatica-<hash>.css``
  (each render-blocking stylesheet costs a phone a round trip). The hash covers names, contents and
  theme options, so a changed style is a new file. Each page writes the file list beside that name
  (no shared state: parallel writers agree); the file is written at ``build-finished``, after the
  theme rewrites ``pygments.css`` and MyST-NB writes its stylesheet.
- Scripts that only add behaviour load with ``defer`` (``app.add_js_file``, documented for use in
  ``html-page-context``); sphinx-thebe's files are left out (thebe is off; Jupyter Book loads it anyway).
- Bibliography entries get ``role="listitem"`` (``doc-biblioentry`` fails axe-core's list check).
- MyST-NB writes a hidden code cell's toggle with ``<p>`` labels in ``<summary>`` (invalid HTML) and
  has no setting for it: its node's HTML visitor is replaced with Sphinx's ``app.add_node(...,
  override=True)``, the narrowest documented means, by one writing ``<span>`` labels, which
  ``static/sciatica-theme.css`` styles as MyST-NB styles its ``<p>`` ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from html import escape
from pathlib import Path

from sphinx.errors import ExtensionError

from .data import TEMPLATES_DIR

# What the theme's head_pre_assets macro links: styles/theme.css (only ``@import "../basic.css"``)
# and styles/pydata-sphinx-theme.css. tests/test_theme_trim.py checks this against the pinned theme.
THEME_CSS = ("_static/basic.css", "_static/styles/pydata-sphinx-theme.css")
BUNDLE_DIR = "_static/styles"
DROP = {"_static/sphinx-thebe.js", "_static/sphinx-thebe.css"}
# Scripts that only attach behaviour to the page. documentation_options.js stays blocking: inline
# scripts assign to it at once; on search.html so do doctools.js and sphinx_highlight.js, which
# the theme's (blocking) searchtools.js uses.
DEFERRABLE = {"doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js",
              "scripts/sphinx-book-theme.js", "togglebutton.js", "design-tabs.js"}
SEARCH_NEEDS = {"doctools.js", "sphinx_highlight.js"}
_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_FA_FACE = re.compile(r"@font-face\s*{[^}]*Font Awesome[^}]*}")
_BUNDLE_REF = re.compile(r"styles/(sciatica-[0-9a-f]{12}\.css)")
_DIGEST_NAME = re.compile(r"\.[0-9a-f]{32,}\.css$")


def _visit_hide_cell_input(self, node) -> None:
    """MyST-NB's ``visit_HideCellInput`` with ``<span>`` labels."""
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n'
                     '<summary aria-label="Toggle hidden content">\n'
                     f'<span class="collapsed admonition-title">{escape(node["prompt_show"])}</span>\n'
                     f'<span class="expanded admonition-title">{escape(node["prompt_hide"])}</span>\n</summary>\n')


def _page_context(app, pagename, templatename, context, doctree) -> None:
    # The page's scripts in order, less thebe's and repeats (sphinx-togglebutton adds its selector
    # twice); a deferred one is added back by app.add_js_file, which appends to this page's list.
    scripts, seen = context["script_files"], set()
    page, scripts[:] = sorted(scripts, key=lambda js: js.priority), []
    for js in page:
        name = str(js.filename or "")  # an inline script's is None or "" (Sphinx's own check misses that)
        key = repr((name, js.priority, sorted(js.attributes.items())))
        if name in DROP or "THEBE_JS_URL" in js.attributes.get("body", "") or key in seen:
            continue
        seen.add(key)
        short = name.removeprefix("_static/")
        if (short in DEFERRABLE and not (pagename == "search" and short in SEARCH_NEEDS)
                and not {"defer", "async"} & js.attributes.keys()):
            app.add_js_file(short, priority=js.priority, loading_method="defer", **js.attributes)
        else:
            scripts.append(js)
    css = sorted((c for c in context["css_files"] if str(c.filename) not in DROP), key=lambda c: c.priority)
    plain = [c for c in css if "://" not in str(c.filename) and str(c.filename).endswith(".css")
             and c.attributes.keys() <= {"rel", "type"} and c.attributes.get("rel") == "stylesheet"]
    context["css_files"] = [c for c in css if c not in plain]
    context["sciatica_css_bundle"] = _bundle_name(app, THEME_CSS + tuple(str(c.filename) for c in plain))
    # docutils marks bibliography entries role="doc-biblioentry" inside role="list"; ARIA 1.3
    # deprecates that role and axe-core reports the list as missing its items (critical).
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def _bundle_name(app, files: tuple[str, ...]) -> str:
    """``_static/styles/sciatica-<hash>.css``, with its file list beside it. A file named with its
    content's digest is hashed by name: MyST-NB writes its ``mystnb.<digest>.css`` only at
    build-finished, so it is there when pages are written in a rebuild but not in a first build."""
    out = Path(app.outdir)
    h = hashlib.sha256(repr((files, sorted(app.config.html_theme_options.items()))).encode())
    for f in files:
        if not _DIGEST_NAME.search(f) and (out / f).is_file():
            h.update((out / f).read_bytes())
    name = f"{BUNDLE_DIR}/sciatica-{h.hexdigest()[:12]}"
    manifest = out / f"{name}.json"
    if not manifest.is_file():
        manifest.parent.mkdir(parents=True, exist_ok=True)
        tmp = manifest.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(files), encoding="utf-8")
        tmp.replace(manifest)  # atomic: parallel writers of the same name write the same list
    return f"{name}.css"


def _rebase_urls(text: str, src: str) -> str:
    """Rewrite the relative ``url(...)`` of the stylesheet ``src`` for a file in BUNDLE_DIR."""

    def fix(m):
        url = m.group(2)
        if re.match(r"^(data:|[a-z]+://|/|#)", url):
            return m.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src), url))
        return f'url("{posixpath.relpath(target, BUNDLE_DIR)}")'

    return _URL.sub(fix, text)


def bundle_text(outdir: Path, files: list[str]) -> str:
    """The stylesheets as one, without Font Awesome's icon fonts (the icons are CSS masks)."""
    parts = []
    for f in files:
        if not (outdir / f).is_file():
            raise ExtensionError(f"theme_trim: the pages link {f} in their stylesheet, but it was not written")
        text = (outdir / f).read_text(encoding="utf-8")
        if "@import" in text:  # only valid at the top of a stylesheet
            raise ExtensionError(f"theme_trim: {f} has an @import and cannot be part of the one stylesheet")
        parts.append(f"/* {f} */\n" + _rebase_urls(text, f))
    return _FA_FACE.sub("", "\n".join(parts))


def _write_bundles(app, exception) -> None:
    """Write every bundle a page links (an incremental build leaves unchanged pages linking an
    earlier one) from the stylesheets as they are now; remove the others."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    linked = {n for page in out.rglob("*.html") for n in _BUNDLE_REF.findall(page.read_text(encoding="utf-8"))}
    for path in (out / BUNDLE_DIR).glob("sciatica-*.*"):
        if path.with_suffix(".css").name not in linked:
            path.unlink()
        elif path.suffix == ".json":
            files = json.loads(path.read_text(encoding="utf-8"))
            path.with_suffix(".css").write_text(bundle_text(out, files), encoding="utf-8")


def setup(app):
    app.connect("config-inited", lambda app, config: config.templates_path.insert(0, str(TEMPLATES_DIR)))
    app.add_css_file("sciatica-icons.css")
    app.add_css_file("sciatica-theme.css")
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

    app.add_node(HideCodeCellNode, override=True, html=(_visit_hide_cell_input, depart_HideCellInput))
    # Late (priority 900): after the theme and extensions have added their files (MathJax too),
    # and, at build-finished, after the theme's pygments.css and MyST-NB's stylesheet.
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _write_bundles, priority=900)
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}

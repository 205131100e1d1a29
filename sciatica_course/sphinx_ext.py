"""Sphinx extension loaded by ``_config.yml`` (``sphinx: extra_extensions``).

- Validates the course data (question banks, study records) before any page is read, so a
  malformed file fails the book build with a one-line message naming file, item and field.
- Ships the course's own static files, among them the book's single copy of plotly.js: the basic
  bundle vendored in ``static/vendor/`` (scatter, bar and pie; never a CDN).
- Keeps the pages free of what the book never uses: no embedded ipywidgets state
  (``_drop_widget_state``), and no answers saved by whoever builds the book (``isolate_progress``).
- Gives every page a ``<meta name="description">`` of its own (``page_description``).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import shutil
import tempfile
from html import escape
from pathlib import Path

import markupsafe
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import bibliography  # noqa: F401  registers the course's citation styles (_config.yml)
from .data import BIB_FILE, PACKAGE_DIR, STATIC_DIR
from .errors import CourseDataError

logger = logging.getLogger(__name__)

# "module:function" callables that load and validate every data file; each raises
# CourseDataError on the first problem.
VALIDATORS: list[str] = [
    "sciatica_course.evidence:load_all",  # study records (data/studies/*.yaml)
    "sciatica_course.safety:load_all",  # red flags, urgency, precautions (data/safety/*.yaml)
    "sciatica_course.quiz.schema:load_all",  # question banks (data/questions/*.yaml)
    "sciatica_course.cases:load_all",  # practice cases (data/cases/*.yaml): schema and graph
]


def validate_course_data(app, config=None) -> None:
    for spec in VALIDATORS:
        module, func = spec.split(":")
        try:
            getattr(importlib.import_module(module), func)()
        except CourseDataError as err:
            raise ExtensionError(f"course data: {err}") from None


FINGERPRINT_FILE = "sciatica-course.fingerprint"


def course_fingerprint() -> str:
    """A hash of the course package (code and data) and the bibliography.

    Jupyter-cache keys executed notebooks on their own content only, so after a change to a figure
    function or a study record an unchanged notebook would keep its old, wrong outputs.
    """
    h = hashlib.sha256()
    files = [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for path in sorted(files) + [BIB_FILE]:
        h.update(str(path.relative_to(PACKAGE_DIR.parent)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _drop_stale_execution_cache(app) -> None:
    """Empty the execution cache when the course package changed since it was filled."""
    config = getattr(app.env, "mystnb_config", None)
    if config is None or not config.execution_cache_path:
        return
    cache = Path(config.execution_cache_path)
    stamp = cache / FINGERPRINT_FILE
    now = course_fingerprint()
    app.env.sciatica_stale_outputs = cache.exists() and (not stamp.exists() or stamp.read_text() != now)
    if app.env.sciatica_stale_outputs:
        logger.info("course package changed since the notebooks were executed: re-executing them")
        shutil.rmtree(cache)
    app.env.sciatica_fingerprint = now


def _stamp_execution_cache(app, exception) -> None:
    """Record which course package the cache's outputs came from (only after a good build)."""
    config = getattr(app.env, "mystnb_config", None)
    now = getattr(app.env, "sciatica_fingerprint", None)
    if exception is None and config is not None and config.execution_cache_path and now:
        cache = Path(config.execution_cache_path)
        cache.mkdir(parents=True, exist_ok=True)
        (cache / FINGERPRINT_FILE).write_text(now)


def _reread_notebooks_if_stale(app, env, added, changed, removed):
    """With an emptied cache, every notebook page must be read (and so executed) again."""
    if not getattr(env, "sciatica_stale_outputs", False):
        return []
    return [d for d in env.found_docs if str(env.doc2path(d)).endswith(".ipynb") and d not in added | changed]


def _add_static(app) -> None:
    app.config.html_static_path.append(str(STATIC_DIR))
    app.add_css_file("sciatica.css")
    app.add_css_file("sciatica-print.css", media="print")  # clean printed chapters (classroom kit)
    app.add_js_file("sciatica-figures.js", loading_method="defer")
    app.add_css_file("sciatica-quiz.css")
    app.add_js_file("sciatica-quiz.js", loading_method="defer")
    app.add_css_file("sciatica-cases.css")  # practice cases (cases.py)
    app.add_js_file("sciatica-cases.js", loading_method="defer")


PLOTLY_BUNDLE = "vendor/plotly-basic.min.js"  # under _static/; static/sciatica-figures.js loads it


def _copy_plotly(app, exception) -> None:
    """Check that the vendored plotly.js bundle reached ``_static`` and drop an older full copy.

    Sphinx copies ``static/`` (so ``static/vendor/plotly-basic.min.js``) into ``_static`` itself.
    Earlier versions of this extension copied plotly's full ``plotly.min.js`` (about 4.8 MB) there;
    an output folder built before keeps it, unused, unless it is removed here.
    """
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    if not (static / PLOTLY_BUNDLE).is_file():
        raise ExtensionError(f"plotly.js: {STATIC_DIR / PLOTLY_BUNDLE} was not copied to {static / PLOTLY_BUNDLE}")
    (static / "plotly.min.js").unlink(missing_ok=True)


class SafetyDirective(SphinxDirective):
    """``{safety} red-flags`` in a Markdown page: the same box the notebooks show, from the safety data.

    Pages that are not notebooks (the home page) cannot run ``safety.red_flags()``; this directive
    renders the same MyST text, so a safety statement still lives only in ``data/safety``.
    """

    required_arguments = 1

    def run(self):
        from . import safety

        kinds = {"red-flags": safety.red_flags, "precautions": safety.precautions,
                 "stop-signs": safety.stop_signs, "urgency": safety.urgency_table,
                 "screening": safety.screening_questions}
        kind = self.arguments[0]
        if kind not in kinds:
            raise self.error(f"safety: unknown box {kind!r} (one of: {', '.join(kinds)})")
        return self.parse_text_to_nodes(kinds[kind]().md)


WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"


def _drop_widget_state(app, doctree) -> None:
    """Keep the executed notebook's ipywidgets state out of the page.

    MyST-NB embeds ``metadata.widgets`` of an executed notebook in its page as a
    ``<script type="application/vnd.jupyter.widget-state+json">`` (117 to 148 KB per chapter).
    The book never uses it: widget views are dropped (``nb_mime_priority_overrides``), quizzes
    show their ``text/html`` form and no widget manager is loaded. It would also carry whatever
    the quiz widgets held while the book was built. JupyterLab is unaffected (notebooks in git
    have no outputs and no widget state).
    """
    data = getattr(app.env, "nb_metadata", {}).get(app.env.docname)
    js_files = (data or {}).get("js_files")
    if not js_files:
        return
    for key, (_uri, kwargs) in list(js_files.items()):
        if key == "ipywidgets_state" or (kwargs or {}).get("type") == WIDGET_STATE_MIME:
            del js_files[key]


DESCRIPTION_MAX = 160  # characters: what search results show of a description


def _shorten(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """Whole sentences up to ``limit`` characters; a first sentence that is longer is cut at a word."""
    text = " ".join(text.split())
    sentences = re.findall(r"[^.!?]+[.!?]+(?:\s|$)|[^.!?]+$", text)
    out = ""
    for sentence in sentences:
        if len(out) + len(sentence) > limit:
            break
        out += sentence
    out = out.strip()
    if not out:
        out = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"
    return out


def _first_paragraph(doctree) -> str:
    """The text of the page's first paragraph of running text (not in a box, list or table)."""
    from docutils import nodes

    for para in doctree.findall(nodes.paragraph):
        if isinstance(para.parent, nodes.section) and para.astext().strip():
            return para.astext()
    return ""


def page_description(pagename: str, doctree, title: str, project: str) -> str:
    """A description of one page for ``<meta name="description">`` (search results, link previews).

    A chapter is described by its title and the question it answers (``course.CHAPTERS``, the
    one list of chapters); another page by its first paragraph; a generated page (search, index)
    by what it is.
    """
    from .course import CHAPTERS

    stem = pagename.rsplit("/", 1)[-1]
    for n, ch in enumerate(CHAPTERS, 1):
        if pagename == f"notebooks/{ch.stem}":
            return _shorten(f"{ch.title}, chapter {n} of {len(CHAPTERS)} ({ch.minutes} minutes): {ch.question}")
    text = _first_paragraph(doctree) if doctree is not None else ""
    if text:
        return _shorten(text)
    if stem == "search":
        return f"Search every page of {project}."
    if stem == "genindex":
        return f"Index of the terms in {project}."
    return _shorten(f"{title}: a page of {project}.")


def _add_description(app, pagename, templatename, context, doctree) -> None:
    """The page's ``<meta name="description">``, added to the page's meta tags (``metatags``),
    unless the page's own front matter already gives one (``html_meta: description``)."""
    if 'name="description"' in (context.get("metatags") or ""):
        return
    title = re.sub(r"<[^>]+>", "", context.get("title") or "")
    text = page_description(pagename, doctree, title, app.config.html_title or app.config.project)
    tag = f'<meta name="description" content="{markupsafe.escape(text)}" />'
    context["metatags"] = f"{context.get('metatags') or ''}\n{tag}"


def _write_root_redirect(app, exception) -> None:
    """The site's ``index.html`` as a valid HTML page that sends the reader to the home page.

    The home page is ``book/index``; sphinx-external-toc writes a bare ``<meta http-equiv>`` line
    (no doctype, no title: invalid HTML) only when the file does not exist yet. This runs after it
    and always writes the same page.
    """
    if exception is not None or app.builder.name != "html" or app.config.root_doc == "index":
        return
    target = f"{app.config.root_doc}.html"
    title = escape(app.config.html_title or app.config.project)
    (Path(app.outdir) / "index.html").write_text(
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(app.config.language or "en")}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta name="description" content="{title}: start page.">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        "</head>\n"
        f'<body><p><a href="{target}">{title}</a></p></body>\n</html>\n',
        encoding="utf-8",
    )


def _resolve_pybtex_plugins() -> None:
    """Build speed: sphinxcontrib-bibtex asks pybtex for its plugins (name, label and sorting
    styles, the plain-text backend) once per citation, and each ask of an installed plugin scans
    every installed package's entry points (about a second of a prose-edit rebuild). Each is
    looked up once here and registered by name with pybtex's ``register_plugin``, whose runtime
    plugins are found first; the classes are the ones the entry points name."""
    import pybtex.plugin as plugin

    for group in ("pybtex.backends", "pybtex.style.labels", "pybtex.style.names", "pybtex.style.sorting"):
        for name in set(plugin.enumerate_plugin_names(group)):
            plugin.register_plugin(group, name, plugin.find_plugin(group, name), force=True)


PROGRESS_ENV = "SCIATICA_PROGRESS"


def isolate_progress() -> Path:
    """Point the build's kernels at an empty progress file of the build's own.

    Kernels inherit this process's environment. Without this, a builder who has used the course in
    JupyterLab would have their saved answers (``~/.sciatica-course/progress.json``) loaded by the
    quizzes while the book is built, and their answers and explanations could reach the student
    pages. Returns the path the kernels will use.
    """
    path = Path(tempfile.mkdtemp(prefix="sciatica-build-")) / "progress.json"
    os.environ[PROGRESS_ENV] = str(path)
    return path


def setup(app):
    app.add_directive("safety", SafetyDirective)
    isolate_progress()
    _resolve_pybtex_plugins()
    app.connect("config-inited", validate_course_data)
    app.connect("builder-inited", _add_static)
    app.connect("builder-inited", _drop_stale_execution_cache, priority=900)  # after MyST-NB's config
    app.connect("env-get-outdated", _reread_notebooks_if_stale)
    app.connect("build-finished", _stamp_execution_cache)
    app.connect("build-finished", _copy_plotly)
    app.connect("doctree-read", _drop_widget_state)
    app.connect("html-page-context", _add_description)
    app.connect("build-finished", _write_root_redirect, priority=900)  # after sphinx-external-toc's
    # Page weight and console errors of the theme (issue 6): see sciatica_course/theme_trim.py.
    app.setup_extension("sciatica_course.theme_trim")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension loaded by ``_config.yml`` (``sphinx: extra_extensions``).

- Validates the course data (question banks, study records) before any page is read, so a
  malformed file fails the book build with a one-line message naming file, item and field.
- Ships the course's own static files and the book's single copy of plotly.js (from the plotly
  package, never a CDN).
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

from .data import STATIC_DIR
from .display import BOOK_BUILD_ENV
from .errors import CourseDataError

# "module:function" callables that load and validate every data file; each raises
# CourseDataError on the first problem.
VALIDATORS: list[str] = [
    "sciatica_course.evidence:load_all",  # study records (data/studies/*.yaml)
    "sciatica_course.quiz.schema:load_all",  # question banks (data/questions/*.yaml)
]


def validate_course_data(app, config=None) -> None:
    for spec in VALIDATORS:
        module, func = spec.split(":")
        try:
            getattr(importlib.import_module(module), func)()
        except CourseDataError as err:
            raise ExtensionError(f"course data: {err}") from None


def _add_static(app) -> None:
    app.config.html_static_path.append(str(STATIC_DIR))
    app.add_css_file("sciatica.css")
    app.add_css_file("sciatica-print.css", media="print")  # clean printed chapters (classroom kit)
    app.add_js_file("sciatica-figures.js", loading_method="defer")
    app.add_css_file("sciatica-quiz.css")
    app.add_js_file("sciatica-quiz.js", loading_method="defer")


def _copy_plotly(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import plotly

    src = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    dest = Path(app.outdir) / "_static" / "plotly.min.js"
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists() or dest.stat().st_size != src.stat().st_size:
        shutil.copyfile(src, dest)


def setup(app):
    # Kernels started by this build inherit the environment: course figures then leave out plotly's
    # own mimetype, which the HTML book cannot use (MyST-NB would warn "unknown mime type") and which
    # would only bloat the executed notebooks. JupyterLab, without this variable, still gets it.
    os.environ[BOOK_BUILD_ENV] = "1"
    app.connect("config-inited", validate_course_data)
    app.connect("builder-inited", _add_static)
    app.connect("build-finished", _copy_plotly)
    # Page weight and console errors of the theme (issue 6): see sciatica_course/theme_trim.py.
    app.setup_extension("sciatica_course.theme_trim")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

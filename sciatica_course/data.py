"""The only module that knows where course files live.

Notebooks run with their own folder as working directory, so nothing else in the course uses
relative paths: everything asks this module. Every path of the repository layout (sources the
course reads, folders the commands write by default) is named here once.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import CourseDataError

# The package: its data and the files it ships.
PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
QUESTIONS_DIR = DATA_DIR / "questions"  # <notebook-stem>.yaml: a chapter's question bank
STUDIES_DIR = DATA_DIR / "studies"  # <citation-key>.yaml: one study record each
TEACHER_DIR = DATA_DIR / "teacher"  # <notebook-stem>.yaml: a chapter's teacher notes
SAFETY_DIR = DATA_DIR / "safety"  # red_flags.yaml, precautions.yaml: the only place a safety fact is written
CASES_DIR = DATA_DIR / "cases"  # <case-id>.yaml: the branching practice cases
STATIC_DIR = PACKAGE_DIR / "static"  # CSS and JS shipped with the book
VENDOR_DIR = STATIC_DIR / "vendor"  # plotly's basic bundle (book, slides, class report)
TEMPLATES_DIR = PACKAGE_DIR / "templates"  # the book's template overrides (layout.html)
LAB_DIR = PACKAGE_DIR / "lab"  # the JupyterLab extension, its server side and kernel config
CLASSROOM_DIR = PACKAGE_DIR / "classroom"
REVEAL_DIR = CLASSROOM_DIR / "vendor" / "reveal.js"  # the slides' vendored reveal.js
SLIDES_CSS = CLASSROOM_DIR / "static" / "slides.css"  # the slides' reveal.js theme

# The repository. The package is installed in editable mode (``-e .``), so it is the package's parent.
REPO_DIR = PACKAGE_DIR.parent
CONFIG_FILE = REPO_DIR / "_config.yml"  # the book's configuration (MyST extensions, repository address)
TOC_FILE = REPO_DIR / "_toc.yml"  # the book's pages in reading order
BOOK_DIR = REPO_DIR / "book"
NOTEBOOKS_DIR = REPO_DIR / "notebooks"
BIB_FILE = BOOK_DIR / "references.bib"
GLOSSARY_FILE = BOOK_DIR / "glossary.md"
TEACHER_PAGES_DIR = BOOK_DIR / "teacher" / "chapters"  # generated teacher guide pages (teacher edition only)
CHAPTER_TEMPLATE = REPO_DIR / "docs" / "chapter-template.ipynb"  # the skeleton a new chapter starts from

# Where the commands write by default (each takes --out or a similar option).
BUILD_DIR = REPO_DIR / "_build"
TEACHER_EDITION_DIR = BUILD_DIR / "teacher"  # make teacher: the edition's _config.yml, _toc.yml and HTML
SLIDES_OUT_DIR = BUILD_DIR / "slides"  # make slides
HANDOUTS_OUT_DIR = REPO_DIR / "handouts"  # make handouts


def notebook_path(stem: str) -> Path:
    """The notebook of a chapter or page (``notebooks/<stem>.ipynb``)."""
    return NOTEBOOKS_DIR / f"{stem}.ipynb"


def read_yaml(path: Path):
    """Read a YAML file; a syntax error becomes a CourseDataError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CourseDataError(path.name, None, None, f"cannot be read ({exc.strerror})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise CourseDataError(path.name, where, None, f"is not valid YAML ({problem})") from None


def bib_keys(path: Path = BIB_FILE) -> frozenset[str]:
    """Citation keys defined in ``book/references.bib`` (read by :mod:`sciatica_course.bibliography`)."""
    from .bibliography import entries  # bibliography imports this module for BIB_FILE

    return frozenset(entries(path))

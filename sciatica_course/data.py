"""The only module that knows where course files live.

Notebooks run with their own folder as working directory, so nothing else in the course uses
relative paths: everything asks this module.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import CourseDataError

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
QUESTIONS_DIR = DATA_DIR / "questions"
STUDIES_DIR = DATA_DIR / "studies"
STATIC_DIR = PACKAGE_DIR / "static"
# The package is installed in editable mode (``-e .``), so the repository is its parent.
REPO_DIR = PACKAGE_DIR.parent
BOOK_DIR = REPO_DIR / "book"
NOTEBOOKS_DIR = REPO_DIR / "notebooks"
BIB_FILE = BOOK_DIR / "references.bib"


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


def chapter_stems() -> list[str]:
    """Stems of the chapter notebooks (``01-welcome`` ...), in course order."""
    return sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))

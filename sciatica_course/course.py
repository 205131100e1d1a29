"""The course outline: the chapters, read from their one source each.

- Which notebooks are in the book, and in what order: ``_toc.yml`` (the book's own table of contents).
- A chapter's title: the ``# Title`` that opens its notebook.
- Its study time and the question it answers: the notebook's metadata, ``"course": {"minutes": 25,
  "question": "..."}``. A notebook of the book that is a page, not a chapter (no question bank, no
  objectives), says ``"course": {"page": true}``.

A notebook listed in the TOC without that metadata, or without a title, is a ``CourseDataError``
naming the notebook and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import yaml

from .data import TOC_FILE, notebook_path
from .display import html_table, markdown_table
from .errors import CourseDataError


@dataclass(frozen=True)
class Chapter:
    stem: str  # the notebook's file name without .ipynb; also names its question bank
    title: str
    minutes: int  # typical study time
    question: str  # the question the chapter answers


def toc_files() -> list[str]:
    """Every page listed in ``_toc.yml`` (its root first), in reading order, without suffix."""
    toc = yaml.safe_load(TOC_FILE.read_text(encoding="utf-8"))
    files: list[str] = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                files.append(e["file"])
            walk(e.get("sections"))
            walk(e.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def toc_notebooks() -> list[str]:
    """Stems of the notebooks listed in ``_toc.yml``, in reading order."""
    return [f.split("/", 1)[1] for f in toc_files() if f.startswith("notebooks/")]


def _read(stem: str) -> tuple[Chapter | None, str | None]:
    """The chapter a TOC notebook describes, or (None, stem) for a page."""
    path = notebook_path(stem)
    name = path.name
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CourseDataError(name, None, None, f"cannot be read as a notebook ({exc})") from None
    meta = nb.get("metadata", {}).get("course")
    if not isinstance(meta, dict):
        raise CourseDataError(name, "metadata", "course", 'missing: give {"minutes": ..., "question": ...} '
                              'for a chapter or {"page": true} for a page')
    if meta.get("page") is True:
        return None, stem
    cells = nb.get("cells", [])
    first = "".join(cells[0].get("source", "")) if cells else ""
    title = first.lstrip().splitlines()[0][2:].strip() if first.lstrip().startswith("# ") else ""
    if not title:
        raise CourseDataError(name, "cell 1", "title", "the first cell must open with '# Title'")
    minutes, question = meta.get("minutes"), meta.get("question")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 5 <= minutes <= 120:
        raise CourseDataError(name, "metadata", "course.minutes",
                              f"must be whole minutes from 5 to 120, not {minutes!r}")
    if not isinstance(question, str) or not question.strip().endswith("?"):
        raise CourseDataError(name, "metadata", "course.question",
                              f"must be a question ending in '?', not {question!r}")
    return Chapter(stem, title, minutes, question.strip()), None


def _load() -> tuple[tuple[Chapter, ...], tuple[str, ...]]:
    chapters, pages = [], []
    for stem in toc_notebooks():
        ch, page = _read(stem)
        chapters += [ch] if ch else []
        pages += [page] if page else []
    return tuple(chapters), tuple(pages)


CHAPTERS, PAGES = _load()
# CHAPTERS: the chapters in reading order. PAGES: notebooks of the book that are not chapters
# (review-deck: the questions of every chapter that are due for review, issue 16).


def chapter(stem: str) -> Chapter:
    for ch in CHAPTERS:
        if ch.stem == stem:
            return ch
    raise KeyError(f"no chapter named {stem!r}; known: {', '.join(c.stem for c in CHAPTERS)}")


class Outline:
    """The chapter list as a table, for the welcome chapter."""

    columns = ["Chapter", "Title", "Minutes", "The question it answers"]

    def rows(self, upto: int | None = None):
        return [[i + 1, c.title, c.minutes, c.question] for i, c in enumerate(CHAPTERS)]

    def _repr_html_(self):
        total = sum(c.minutes for c in CHAPTERS)
        return html_table(self.columns, self.rows(), caption=f"The course at a glance (about {total} minutes in all)")

    def __repr__(self):
        return markdown_table(self.columns, self.rows())


def outline() -> Outline:
    """The course outline, displayed as a table."""
    return Outline()

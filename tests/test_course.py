"""The chapter list comes from its sources: _toc.yml (which notebooks, in what order), each
notebook's '# Title' and its metadata (minutes, question) (issue 15)."""

from __future__ import annotations

import json

import pytest

from sciatica_course import course
from sciatica_course.errors import CourseDataError
from test_structure import toc_files


def test_chapters_follow_the_toc_and_the_notebooks():
    listed = [f.split("/", 1)[1] for f in toc_files() if f.startswith("notebooks/")]
    assert sorted([c.stem for c in course.CHAPTERS] + list(course.PAGES)) == sorted(listed)
    assert [c.stem for c in course.CHAPTERS] == [s for s in listed if s not in course.PAGES]
    for ch in course.CHAPTERS:
        nb = json.loads(course.notebook_path(ch.stem).read_text())
        assert "".join(nb["cells"][0]["source"]).startswith(f"# {ch.title}\n")
        assert nb["metadata"]["course"] == {"minutes": ch.minutes, "question": ch.question}
    assert course.PAGES == ("review-deck",)


def _notebook(tmp_path, stem, first="# A title\n\ntext", meta=None):
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": first}], "metadata": {},
          "nbformat": 4, "nbformat_minor": 5}
    if meta is not None:
        nb["metadata"]["course"] = meta
    (tmp_path / f"{stem}.ipynb").write_text(json.dumps(nb))


@pytest.mark.parametrize("first, meta, field", [
    ("# T", None, "course"),
    ("no title", {"minutes": 20, "question": "Why?"}, "title"),
    ("# T", {"minutes": "20", "question": "Why?"}, "course.minutes"),
    ("# T", {"minutes": 20, "question": "Not a question"}, "course.question"),
])
def test_a_notebook_without_its_facts_is_named_with_the_field(tmp_path, monkeypatch, first, meta, field):
    monkeypatch.setattr(course, "notebook_path", lambda stem: tmp_path / f"{stem}.ipynb")
    _notebook(tmp_path, "12-new", first, meta)
    with pytest.raises(CourseDataError) as err:
        course._read("12-new")
    assert str(err.value).startswith("12-new.ipynb: ") and field in str(err.value)


def test_a_page_and_a_chapter_are_told_apart(tmp_path, monkeypatch):
    monkeypatch.setattr(course, "notebook_path", lambda stem: tmp_path / f"{stem}.ipynb")
    _notebook(tmp_path, "deck", meta={"page": True})
    _notebook(tmp_path, "12-new", "# New chapter\n", {"minutes": 20, "question": "What now?"})
    assert course._read("deck") == (None, "deck")
    assert course._read("12-new") == (course.Chapter("12-new", "New chapter", 20, "What now?"), None)

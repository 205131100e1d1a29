"""The classroom kit finds every figure a chapter shows, whichever module draws it."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from sciatica_course import figures, natural_course
from sciatica_course.classroom import sources
from sciatica_course.course import CHAPTERS

ROOT = Path(__file__).resolve().parents[1]
MODULES = {"figures": figures, "natural_course": natural_course}


def shown(stem: str) -> list[str]:
    """Figure functions the notebook calls, found from each module's own list (ALL_FIGURES)."""
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    found = []
    for module, mod in MODULES.items():
        found += [(code.index(f"{module}.{f.__name__}("), f.__name__) for f in mod.ALL_FIGURES
                  if f"{module}.{f.__name__}(" in code]
    return [name for _, name in sorted(found)]


@pytest.mark.parametrize("stem", [c.stem for c in CHAPTERS])
def test_figure_calls_finds_every_figure_the_chapter_shows_in_order(stem):
    assert sources.figure_calls(stem) == shown(stem)


def test_chapter_6_figures_from_natural_course_are_found_and_drawn():
    calls = sources.figure_calls("06-evidence")
    assert calls[:2] == ["natural_course", "simulation"]  # drawn by natural_course, not figures
    assert "cherkin_2011" in calls
    assert sources.figure("simulation").key == "natural_course_simulation"
    assert sources.figure("natural_course").key == "natural_course"
    assert sources.figure("cherkin_2011").key == "cherkin_2011"
    assert sources.figure_chapter("simulation") == "06-evidence"


def test_an_unknown_figure_is_named():
    from sciatica_course.errors import CourseDataError

    with pytest.raises(CourseDataError, match="no_such: no such figure function"):
        sources.figure("no_such")


def test_paper_shows_matching_and_ordering_items_in_the_order_the_book_shows():
    """Handouts and keys use the bank's own display order (issue 15): matching choices as
    Matching.choices() gives them, ordering items as Ordering.shown_order(stem:id) scrambles them,
    the same calls quiz/render.py and quiz/widget.py make."""
    from sciatica_course.course import CHAPTERS
    from sciatica_course.quiz.schema import load_bank

    seen = {"matching": 0, "ordering": 0}
    for ch in CHAPTERS:
        bank = load_bank(ch.stem)
        entries = {e.id: e for e in sources.key_entries(ch.stem)}
        for q in bank.questions:
            if q.type == "matching":
                assert entries[q.id].match_choices == q.choices()
                seen["matching"] += 1
            elif q.type == "ordering":
                shown = [i.text for i in q.shown_order(f"{ch.stem}:{q.id}")]
                assert entries[q.id].order_items == shown and shown != [i.text for i in q.items]
                seen["ordering"] += 1
    assert seen["matching"] >= 3 and seen["ordering"] >= 2, seen

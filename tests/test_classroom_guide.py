"""Teacher guide: notes validated, objectives read from the notebooks, keys generated from banks."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from sciatica_course.classroom import guide, sources
from sciatica_course.course import CHAPTERS
from sciatica_course.errors import CourseDataError

ROOT = Path(__file__).resolve().parents[1]
STEMS = [c.stem for c in CHAPTERS]


@pytest.mark.parametrize("stem", STEMS)
def test_teacher_notes_are_valid_and_a_lesson_lasts_45_to_60_minutes(stem):
    notes = sources.teacher_notes(stem)
    assert 45 <= notes.minutes <= 60
    assert notes.prompts and notes.misconceptions and notes.activity_steps


def test_the_article_misconceptions_named_in_the_brief_are_all_corrected():
    text = " ".join(m.myth + " " + m.correction for s in STEMS for m in sources.teacher_notes(s).misconceptions
                    if m.from_article)
    for claim in ["40%", "60-70%", "piriformis", "baroreceptors", "30 minutes", "NSAIDs"]:
        assert claim.lower() in text.lower(), f"no correction for the article's claim about {claim}"


def test_objectives_come_from_the_notebook_text():
    for stem in STEMS:
        objectives = sources.objectives(stem)
        nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        flat = " ".join(" ".join(c.source.split()) for c in nb.cells if c.cell_type == "markdown")
        assert 2 <= len(objectives) <= 6
        for o in objectives:
            assert o in flat, f"{stem}: objective not found verbatim in the notebook: {o}"


def test_objectives_parser_joins_wrapped_bullets_and_stops_at_the_fence():
    md = ("# T\n\n```{admonition} In this chapter you will\n- first line\n  continues here;\n- second;\n```\n\n"
          "- not this\n")
    assert sources.parse_objectives(md) == ["first line continues here", "second"]
    md2 = ":::{admonition} In this chapter you will\n:class: tip\n* a,\n* b.\n:::\n"
    assert sources.parse_objectives(md2) == ["a", "b"]


def _write(tmp_path, data) -> Path:
    p = tmp_path / "05-how-massage-might-help.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


def _good():
    return yaml.safe_load((sources.TEACHER_DIR / "05-how-massage-might-help.yaml").read_text())


@pytest.mark.parametrize("change, message", [
    (lambda d: d["plan"].append({"minutes": 30, "step": "Extra", "do": "More."}), "plan: minutes: add up to 85"),
    (lambda d: d["plan"][0].update(minutes="five"), "plan step 1: minutes: 'five' is not a whole number"),
    (lambda d: d["misconceptions"][0].update(correction="No source here."), "misconception 1: correction: must cite"),
    (lambda d: d["misconceptions"][0].update(correction="See {cite:p}`nobody1999`."), "cites 'nobody1999'"),
    (lambda d: d["activity"].update(figure="no_such_figure"), "activity: figure: 'no_such_figure' is not a figure"),
    (lambda d: d.update(extra=1), "extra: unknown key"),
    (lambda d: d["activity"].pop("figure"), "activity: figure: must name the figure"),
    (lambda d: [s.update(do="Talk.") for s in d["plan"]], "plan: do: no step runs the activity"),
])
def test_bad_teacher_notes_name_file_item_and_field(tmp_path, change, message):
    data = _good()
    change(data)
    with pytest.raises(CourseDataError) as err:
        sources.teacher_notes("05-how-massage-might-help", _write(tmp_path, data))
    assert str(err.value).startswith("data/teacher/05-how-massage-might-help.yaml: ")
    assert message in str(err.value)


def test_the_student_toc_never_lists_teacher_pages_and_the_teacher_toc_does():
    student = (ROOT / "_toc.yml").read_text()
    assert "book/teacher" not in student
    toc = guide.teacher_toc()
    files = re.findall(r"'file': '([^']+)'", str(toc))
    for stem in STEMS:
        assert f"book/teacher/chapters/{stem}" in files and f"notebooks/{stem}" in files
    assert guide.teacher_config()["title"].endswith("(teacher edition)")


def test_generated_page_has_every_part_and_the_key_from_the_bank(tmp_path):
    stem = "05-how-massage-might-help"
    if not (ROOT / "sciatica_course" / "data" / "questions" / f"{stem}.yaml").exists():
        pytest.skip("no question bank for this chapter yet")
    entries = sources.key_entries(stem)
    pages = guide.write_pages(tmp_path)
    text = (tmp_path / f"{stem}.md").read_text()
    notes = sources.teacher_notes(stem)
    for o in sources.objectives(stem):
        assert f"- {o}" in text
    # the plan's timings run from 0:00 to the lesson's length, step by step
    times = re.findall(r"^\| (\d+:\d\d)-(\d+:\d\d) \| (\d+) \|", text, flags=re.MULTILINE)
    assert times[0][0] == "0:00" and len(times) == len(notes.plan)
    assert times[-1][1] == f"{notes.minutes // 60}:{notes.minutes % 60:02d}"
    for prompt in notes.prompts:
        assert prompt in text
    for m in notes.misconceptions:
        assert m.correction in text
    assert "## Answer key" in text
    for e in entries:
        assert e.text in text and e.explanation in text and f"(`{e.id}`)" in text
    assert len(pages) == len(CHAPTERS)

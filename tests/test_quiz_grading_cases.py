"""Grading of every question type: one table of cases (tests/fixtures/grading_cases.json), run here
against the Python grader (JupyterLab's widget, the class report) and, in Chromium, against the
book's script (tests/test_browser_quiz_grading_cases.py), so both mark every answer the same way:
the same status (correct, wrong, or invalid: not an attempt), message, feedback and saved answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciatica_course import safety
from sciatica_course.quiz.grading import CORRECT, INVALID, WRONG, grade
from sciatica_course.quiz.schema import _QUESTION, QUESTION_TYPES, Bank

FIXTURE = Path(__file__).parent / "fixtures" / "grading_cases.json"
TABLE = json.loads(FIXTURE.read_text(encoding="utf-8"))
STATUSES = (CORRECT, WRONG, INVALID)


def question(entry: dict):
    """A question of the table as a bank would give it, validated as schema.load_bank does
    (safety placeholders filled in, a triage question turned into a single-choice one)."""
    q = safety.expand_all(entry, (FIXTURE.name, f"question {entry['id']}", None))
    if q.get("type") == "triage":
        q = safety.triage_question(q, FIXTURE.name)
    return _QUESTION.validate_python(q)


QUESTIONS = [question(g["question"]) for g in TABLE["questions"]]
# (question, case, case number): case numbers are stable names for the test ids and the page.
CASES = [(q, c, n) for n, (q, c) in enumerate(
    ((q, c) for q, g in zip(QUESTIONS, TABLE["questions"]) for c in g["answers"]), 1)]


def expected(c: dict) -> dict:
    """What both graders must return for a case."""
    return {"status": c["status"], "message": c["message"], "feedback": c.get("feedback", []),
            "answer": c.get("normal")}


def case_banks() -> list[Bank]:
    """One bank per case (stem case-001, ...), each holding the case's question under its own id:
    options are shown in a shuffle seeded by that id, which the saved order of a multiple answer
    follows. The browser test renders these."""
    return [Bank(stem=f"case-{n:03d}", questions=[q], version="cases") for q, _, n in CASES]


def case_id(item) -> str:
    q, c, n = item
    return f"{n:03d}-{q.id}-{json.dumps(c['answer'], ensure_ascii=False)[:40]}"


def test_the_table_covers_every_type_and_the_tricky_answers():
    types = {g["question"]["type"] for g in TABLE["questions"]}
    assert types == set(QUESTION_TYPES) | {"triage"}
    for t in types:
        statuses = {c["status"] for g in TABLE["questions"] if g["question"]["type"] == t for c in g["answers"]}
        assert statuses == set(STATUSES), t  # every type has right, wrong and not-an-attempt answers
    for q, c, _ in CASES:
        assert c["status"] in STATUSES and set(c) <= {"answer", "status", "message", "feedback", "normal", "note"}
        assert ("normal" in c) == (c["status"] != INVALID), c  # an invalid answer is not saved
    assert 60 <= len(CASES) <= 130


def test_the_triage_question_is_a_single_choice_over_the_urgency_levels():
    q = next(q for q, g in zip(QUESTIONS, TABLE["questions"]) if g["question"]["type"] == "triage")
    assert q.type == "single" and [o.id for o in q.options] == list(safety.URGENCY_IDS)


@pytest.mark.parametrize("item", CASES, ids=case_id)
def test_python_grader(item):
    q, c, _ = item
    r = grade(q, c["answer"])
    got = {"status": r.status, "message": r.message, "feedback": r.feedback, "answer": r.answer}
    assert got == expected(c)
    assert r.counts == (c["status"] != INVALID)

"""Numeric answers as learners type them: one table of cases (tests/fixtures/numeric_cases.json),
run here against the Python reader and grader (JupyterLab) and, in Chromium, against the book's
script (tests/test_browser_quiz_script.py), so both read every form the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciatica_course.errors import CourseDataError
from sciatica_course.quiz.grading import CORRECT, INVALID, WRONG, format_number, grade, read_answer
from sciatica_course.quiz.schema import _QUESTION, load_bank

CASES = json.loads((Path(__file__).parent / "fixtures" / "numeric_cases.json").read_text(encoding="utf-8"))["cases"]


def case_id(c: dict) -> str:
    ctx = "/".join(x for x in (c.get("scale", ""), c.get("unit", "")) if x)
    return f"{c['typed']!r}" + (f" [{ctx}]" if ctx else "")


def numeric(answer: float, unit: str = "", scale: str | None = None, tolerance: float = 0.0):
    q = {"id": "q1", "type": "numeric", "prompt": "P?", "objective": "O", "explanation": "E",
         "about": "using-the-course", "answer": answer, "tolerance": tolerance, "unit": unit}
    if scale:
        q["scale"] = scale
    return _QUESTION.validate_python(q)


def expected_message(c: dict) -> str:
    if "error" in c:
        return c["error"]
    return f"Correct. Read as {c['read_as']}." if c["noted"] else "Correct."


def test_the_table_covers_the_forms_the_issue_names():
    typed = {c["typed"] for c in CASES}
    assert {"1,000", "16,900", "2,5", "1,500", "843 million", "843000000", "\u22125", "16\u2009900"} <= typed
    assert sum("error" in c for c in CASES) >= 30 and sum("value" in c for c in CASES) >= 60


@pytest.mark.parametrize("c", CASES, ids=case_id)
def test_reader(c):
    r = read_answer(c["typed"], c.get("unit", ""), c.get("scale"))
    if "error" in c:
        assert (r.value, r.error) == (None, c["error"])
    else:
        assert r.error == ""
        assert r.value == pytest.approx(c["value"], rel=1e-12, abs=1e-12)
        assert (r.text, r.noted) == (c["read_as"], c["noted"])


@pytest.mark.parametrize("c", CASES, ids=case_id)
def test_grader_with_the_case_as_the_right_answer(c):
    """A question whose answer is the expected value (tolerance 0) marks the typed form correct
    and says what it read; a form that cannot be read is invalid, with the table's message."""
    q = numeric(c.get("value", 1), c.get("unit", ""), c.get("scale"))
    r = grade(q, c["typed"])
    assert r.status == (INVALID if "error" in c else CORRECT)
    assert r.counts == ("error" not in c)
    assert r.message == expected_message(c)


def test_wrong_answers_say_what_was_read():
    q = numeric(843, scale="million")
    assert grade(q, "843000").message == "Not quite: 843000 million is too high."
    assert grade(q, "619,000,000").message == "Not quite. Read as 619 million, which is too low."
    q = numeric(16.9, unit="%", tolerance=0.9)
    assert grade(q, "20").message == "Not quite: 20% is too high."
    assert grade(q, "16,900").message == "Not quite. Read as 16900%, which is too high."
    assert grade(q, "1.69e1").status == CORRECT
    assert grade(q, "1,5").message == "Not quite. Read as 1.5%, which is too low."


def test_the_issues_examples_are_no_longer_attempts_or_misreadings():
    """'843000000' for 'how many million' was '8.43e+08 is too high' and an attempt."""
    q = numeric(843, scale="million")
    r = grade(q, "843000000")
    assert (r.status, r.answer, r.message) == (CORRECT, 843.0, "Correct. Read as 843 million.")
    assert grade(numeric(1000), "1,000").status == CORRECT
    assert grade(numeric(16900), "16,900").status == CORRECT
    assert grade(numeric(16.9, "%", tolerance=0.1), "12 km").counts is False


def test_saved_numbers_are_in_the_questions_terms():
    """A saved answer is the number the grader kept: 843 for 843 million, never scaled again."""
    q = numeric(843, scale="million")
    assert grade(q, 843.0).status == CORRECT and grade(q, 843.0).message == "Correct."
    assert grade(q, 1e6).status == WRONG  # a saved number of a million millions stays that
    for bad in (float("nan"), float("inf"), True, [843], {"v": 843}):
        assert grade(q, bad).status == INVALID, bad


@pytest.mark.parametrize(
    "value,text",
    [(843000000.0, "843000000"), (0.1 + 0.2, "0.3"), (0.843 * 1000, "843"), (-0.0, "0"), (1e-7, "0.0000001"),
     (16.9, "16.9"), (123456789012.5, "123456789012.5"), (2.5e-16, "0")],
)
def test_numbers_are_said_in_plain_digits(value, text):
    assert format_number(value) == text


def test_scale_field_in_banks():
    assert numeric(843, scale="million").correct_text() == ["843 million"]
    assert numeric(843, "people", "million").correct_text() == ["843 million people"]
    assert numeric(16.9, "%", tolerance=0.9).correct_text() == ["16.9% (accepted within ±0.9)"]
    with pytest.raises(Exception, match="starts with a scale"):
        numeric(843, unit="million people")
    with pytest.raises(Exception):
        numeric(843, scale="lakh")


def test_a_bank_with_a_bad_scale_names_file_question_and_field(tmp_path):
    bank = tmp_path / "99-test.yaml"
    bank.write_text(
        "questions:\n  - id: n1\n    type: numeric\n    prompt: How many?\n    objective: O\n"
        "    explanation: E\n    about: using-the-course\n    answer: 843\n    unit: million people\n",
        encoding="utf-8",
    )
    with pytest.raises(CourseDataError, match=r"99-test.yaml: question n1: unit: 'million people' starts with a scale"):
        load_bank(bank)


def test_every_real_numeric_question_reads_its_own_answer_typed_in_common_forms():
    from sciatica_course.quiz.schema import load_all

    n = 0
    for stem, bank in load_all().items():
        for q in bank.questions:
            if q.type != "numeric":
                continue
            n += 1
            typed = format_number(q.answer)
            for form in (typed, typed.replace(".", ","), f"{typed} {q.unit}".strip(), f"{typed}{q.unit}"):
                assert grade(q, form).status == CORRECT, (stem, q.id, form)
    assert n >= 2

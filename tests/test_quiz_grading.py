"""Grading of every question type, with edge and bad inputs (no widgets involved)."""

from __future__ import annotations

import pytest

from sciatica_course.quiz.grading import CORRECT, INVALID, WRONG, grade, parse_number, shown
from sciatica_course.quiz.schema import _QUESTION

BASE = {"prompt": "P?", "objective": "O", "explanation": "E", "about": "using-the-course"}


def make(**fields):
    return _QUESTION.validate_python({**BASE, "id": "q1", **fields})


SINGLE = make(type="single", options=[{"id": "a", "text": "A", "feedback": "fa"}, {"id": "b", "text": "B"}], answer="a")
MULTI = make(type="multiple", options=[{"id": x, "text": x.upper()} for x in "abcd"], answer=["a", "c"])
TF = make(type="truefalse", answer=False, feedback_true="ft", feedback_false="ff")
NUM = make(type="numeric", answer=16.9, tolerance=0.1, unit="%")
NUM0 = make(type="numeric", answer=2, tolerance=0, unit="points")
MATCH = make(type="matching", pairs=[{"left": "L4", "right": "knee"}, {"left": "S1", "right": "ankle"}],
             distractors=["elbow"])
ORDER = make(type="ordering", items=[{"id": x, "text": x} for x in ("roots", "foramen", "thigh", "knee")])


@pytest.mark.parametrize(
    "answer,status,normal",
    [("a", CORRECT, "a"), ("b", WRONG, "b"), (None, INVALID, None), ("", INVALID, None), ("z", INVALID, None),
     (3, INVALID, None)],
)
def test_single(answer, status, normal):
    r = grade(SINGLE, answer)
    assert (r.status, r.answer) == (status, normal)
    assert r.counts == (status != INVALID)


def test_single_feedback_per_option():
    assert grade(SINGLE, "a").feedback == ["fa"]
    assert grade(SINGLE, "b").feedback == []
    assert grade(SINGLE, "z").message == "'z' is not one of the choices."


def test_multiple():
    assert grade(MULTI, ["c", "a"]).status == CORRECT
    assert grade(MULTI, ["c", "a"]).answer == ["a", "c"]  # normalised to bank order
    assert grade(MULTI, ["a", "a", "c"]).status == CORRECT  # a repeat is not a second choice
    r = grade(MULTI, ["a"])
    assert (r.status, r.message) == (WRONG, "Not quite: 1 of 2 right answers chosen.")
    r = grade(MULTI, ["a", "c", "d"])
    assert (r.status, r.message) == (WRONG, "Not quite: 2 of 2 right answers chosen, and 1 that is not right.")
    r = grade(MULTI, ["b", "d"])
    assert r.message == "Not quite: 0 of 2 right answers chosen, and 2 that are not right."
    assert grade(MULTI, "a").status == WRONG  # a single id is accepted as a one-item list
    for bad in ([], None, {}, ["x"], [1]):
        assert grade(MULTI, bad).status == INVALID, bad


def test_truefalse():
    assert grade(TF, False).status == CORRECT
    assert grade(TF, False).feedback == ["ff"]
    assert grade(TF, True).status == WRONG
    assert grade(TF, True).feedback == ["ft"]
    assert grade(TF, "false").status == CORRECT and grade(TF, " TRUE ").status == WRONG
    for bad in (None, "", "yes", 0, 1):
        r = grade(TF, bad)
        assert r.status == INVALID and r.message == "Choose True or False, then check.", bad


@pytest.mark.parametrize(
    "typed,status",
    [
        ("16.9", CORRECT), ("16,9", CORRECT), (" 16.9 % ", CORRECT), ("16.8", CORRECT), ("17.0", CORRECT),
        ("16.79", WRONG), ("17.01", WRONG), (16.9, CORRECT), (17, CORRECT), ("1.69e1", CORRECT), ("-16.9", WRONG),
        ("\u221216.9", WRONG),
    ],
)
def test_numeric_tolerance_edges(typed, status):
    assert grade(NUM, typed).status == status


@pytest.mark.parametrize("typed", ["abc", "16.9.1", "1,2,3", "sixteen", "16 9", "nan", "inf", "16.9 points", "%",
                                   float("nan"), True, [16.9]])
def test_numeric_not_a_number_is_invalid_not_wrong(typed):
    r = grade(NUM, typed)
    assert r.status == INVALID and not r.counts
    assert r.message.startswith(f"{shown(typed)} ") or r.message == "Type a number, then check."
    assert ("could not be read" in r.message or "is not a number" in r.message) or not isinstance(typed, str)


def test_numeric_messages():
    assert grade(NUM, "abc").message == "'abc' is not a number. Type a number such as 12.5 (in %)."
    assert grade(NUM, "").message == "Type a number, then check."
    assert grade(NUM, None).status == INVALID
    assert grade(NUM, "20").message == "Not quite: 20% is too high."
    assert grade(NUM, "3").message == "Not quite: 3% is too low."
    assert grade(NUM, "16,9").message == "Correct. Read as 16.9%."
    assert grade(NUM0, "2").status == CORRECT and grade(NUM0, "2 points").status == CORRECT
    assert grade(NUM0, "3").message == "Not quite: 3 points is too high."
    assert grade(NUM0, "2.0001").status == WRONG  # zero tolerance means exact


def test_parse_number():
    assert parse_number("1 000") == 1000.0
    assert parse_number(".5") == 0.5 and parse_number("5.") == 5.0
    assert parse_number("12 %", "%") == 12.0 and parse_number("12 km", "%") is None
    assert parse_number("1,000") == 1000.0 and parse_number("843000000", "", "million") == 843.0
    assert parse_number(float("inf")) is None and parse_number(False) is None


def test_matching():
    assert grade(MATCH, {"L4": "knee", "S1": "ankle"}).status == CORRECT
    r = grade(MATCH, {"L4": "ankle", "S1": "ankle"})
    assert (r.status, r.message) == (WRONG, "Not quite: 1 of 2 matches are right.")
    assert grade(MATCH, {"L4": "elbow", "S1": "knee"}).message == "Not quite: 0 of 2 matches are right."
    r = grade(MATCH, {"L4": "knee"})
    assert (r.status, r.message) == (INVALID, "Choose a match for every item (missing: S1).")
    assert grade(MATCH, {"L4": "knee", "S1": ""}).status == INVALID
    assert grade(MATCH, {"L4": "knee", "S1": "hip"}).message == "'hip' is not one of the choices."
    assert grade(MATCH, {"L4": "knee", "S1": "ankle", "L9": "knee"}).status == INVALID
    assert grade(MATCH, ["knee", "ankle"]).status == INVALID


def test_matching_choices_do_not_give_the_order_away():
    assert MATCH.choices() == ["ankle", "elbow", "knee"]


def test_ordering_list_and_positions():
    right = ["roots", "foramen", "thigh", "knee"]
    assert grade(ORDER, right).status == CORRECT
    r = grade(ORDER, ["foramen", "roots", "thigh", "knee"])
    assert (r.status, r.message) == (WRONG, "Not quite: 2 of 4 steps are in the right place.")
    # The select boxes give {item: place}.
    assert grade(ORDER, {"roots": "1", "foramen": "2", "thigh": 3, "knee": "4"}).status == CORRECT
    r = grade(ORDER, {"roots": "4", "foramen": "3", "thigh": "2", "knee": "1"})
    assert r.status == WRONG and r.answer == ["knee", "thigh", "foramen", "roots"]


@pytest.mark.parametrize(
    "bad,message",
    [
        ({"roots": "1", "foramen": "1", "thigh": "2", "knee": "3"},
         "Two steps share the same place: give each step its own place."),
        ({"roots": "1", "foramen": "", "thigh": "2", "knee": "3"}, "Give every step a place, then check."),
        ({"roots": "1", "foramen": "2"}, "Give every step a place, then check."),
        ({"roots": "1", "foramen": "2", "thigh": "3", "knee": "x"}, "'x' is not a place number."),
        ({"roots": "1", "foramen": "2", "thigh": "3", "knee": "7"}, "Places must be numbered 1 to 4."),
        (["roots", "roots", "thigh", "knee"], "Two steps share the same place: give each step its own place."),
        (["roots", "foramen", "thigh"], "Give every step a place, then check."),
        (["roots", "foramen", "thigh", "ankle"], "'ankle' is not one of the steps."),
        ([], "Give every step a place, then check."),
        (None, "Give every step a place, then check."),
    ],
)
def test_ordering_bad_input_is_invalid(bad, message):
    r = grade(ORDER, bad)
    assert (r.status, r.message) == (INVALID, message)


def test_ordering_display_is_scrambled_and_stable():
    shown = [i.id for i in ORDER.shown_order("03-anatomy:path-01")]
    assert sorted(shown) == sorted(i.id for i in ORDER.items)
    assert shown != [i.id for i in ORDER.items]
    assert shown == [i.id for i in ORDER.shown_order("03-anatomy:path-01")]


def test_every_real_question_accepts_its_own_key_and_rejects_a_wrong_answer():
    """The key from each bank grades as correct; a changed answer grades as wrong."""
    from sciatica_course.quiz.schema import load_all

    for stem, bank in load_all().items():
        for q in bank.questions:
            if q.type == "single":
                right, wrong = q.answer, next(o.id for o in q.options if o.id != q.answer)
            elif q.type == "multiple":
                right, wrong = list(q.answer), [o.id for o in q.options if o.id not in q.answer][:1] or q.answer[:-1]
            elif q.type == "truefalse":
                right, wrong = q.answer, not q.answer
            elif q.type == "numeric":
                right, wrong = str(q.answer), str(q.answer + q.tolerance + 1)
            elif q.type == "matching":
                right = {p.left: p.right for p in q.pairs}
                rights = [p.right for p in q.pairs]
                wrong = {p.left: rights[(i + 1) % len(rights)] for i, p in enumerate(q.pairs)}
            else:
                right = [i.id for i in q.items]
                wrong = right[1:] + right[:1]
            assert grade(q, right).status == CORRECT, (stem, q.id)
            assert grade(q, wrong).status == WRONG, (stem, q.id, wrong)

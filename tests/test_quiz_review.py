"""Confidence marking and the review deck (issue 16): the scoring table, the schedule with a moved
clock, the calibration text, the export round trip with review state (and the class report reading
it), damaged review state set aside, and the JupyterLab widgets' trees (the Review page and the
confidence control)."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import ipywidgets as w
import pytest

from sciatica_course.classroom import report
from sciatica_course.course import CHAPTERS
from sciatica_course.quiz import quiz, review, review_deck
from sciatica_course.quiz.progress import ProgressStore
from sciatica_course.quiz.review import Card, calibrate, mark, mark_text, schedule
from sciatica_course.quiz.schema import load_bank


@pytest.fixture(autouse=True)
def clock():
    review.reset_clock()
    yield
    review.reset_clock()


@pytest.fixture
def store(tmp_path, monkeypatch):
    p = tmp_path / "progress.json"
    monkeypatch.setenv("SCIATICA_PROGRESS", str(p))
    return ProgressStore(p)


def day(n: int) -> str:
    return (review.today() + timedelta(days=n)).isoformat()


# ----------------------------------------------------------------------------- marks


def test_certainty_based_marks_follow_gardner_medwin():
    table = {(lv, c): mark(c, lv) for lv in ("low", "medium", "high") for c in (True, False)}
    assert table == {("low", True): 1, ("low", False): 0, ("medium", True): 2, ("medium", False): -2,
                     ("high", True): 3, ("high", False): -6}
    assert mark(True, None) is None and mark(False, None) is None  # no confidence: no mark, as before
    assert mark_text(False, "high") == "Certainty-based mark: -6 (very sure and wrong)."
    assert mark_text(True, "low") == "Certainty-based mark: 1 (not sure and right)."
    assert mark_text(True, None) == ""
    # The thresholds the learner text states follow from the marks: very sure beats fairly sure
    # only above 4 in 5 right, fairly sure beats not sure only above 2 in 3.
    expected = {lv: (lambda p, r=r, wr=wr: r * p + wr * (1 - p)) for lv, (r, wr) in review.MARKS.items()}
    assert expected["high"](0.79) < expected["medium"](0.79) and expected["high"](0.81) > expected["medium"](0.81)
    assert expected["medium"](0.66) < expected["low"](0.66) and expected["medium"](0.68) > expected["low"](0.68)


def test_calibration_text():
    answers = [(True, "high")] * 9 + [(False, "high")] + [(True, "low"), (False, "low")] + [(False, None)]
    cal = calibrate(answers)
    assert cal.counts == {"high": (9, 10), "low": (1, 2)} and cal.rated == 12
    assert cal.total_mark == 9 * 3 - 6 + 1 + 0
    assert cal.text == ("When you were very sure, you were right 9 times out of 10. "
                        "When you were not sure, you were right 1 time out of 2. "
                        "Certainty-based mark: 22 from 12 rated answers (at most 36).")
    over = calibrate([(True, "high"), (False, "high"), (True, "medium")])
    assert over.text.startswith("When you were very sure, you were right 1 time out of 2. "
                                "When you were fairly sure, you were right the one time. "
                                "Being very sure pays off only when you are right more than 4 times in 5.")
    assert calibrate([(True, None), (False, None)]).text == ""  # nobody said how sure: nothing to say


# ----------------------------------------------------------------------------- the schedule


def test_schedule_rules():
    t = review.today()
    assert schedule(None, True, None, t) is None  # right and not unsure: not in the deck
    assert schedule(None, True, "high", t) is None
    assert schedule(None, False, "high", t) == Card(1, day(1))
    assert schedule(None, True, "low", t) == Card(1, day(1))  # right but unsure: comes back
    assert schedule(Card(3, day(5)), False, None, t) == Card(1, day(1))  # wrong at any time: box 1
    assert schedule(Card(2, day(2)), True, "high", t) == Card(2, day(2))  # early: nothing moves
    assert schedule(Card(2, t.isoformat()), True, None, t) == Card(3, day(7))
    assert schedule(Card(2, t.isoformat()), True, "low", t) == Card(2, day(3))  # unsure: stays
    assert schedule(Card(5, t.isoformat()), True, "medium", t) is None  # learned: leaves the deck
    assert schedule(Card(1, ""), True, None, t) == Card(2, day(3))  # an old mistake, due now
    assert [review.INTERVALS[b] for b in range(1, 6)] == [1, 3, 7, 14, 30]


def test_a_wrong_answer_comes_back_after_the_clock_moves(store):
    bank = load_bank("03-anatomy")
    store.record(bank.stem, bank.version, "roots-01", "l1-l3", False, 1, "high")
    store.record(bank.stem, bank.version, "root-02", bank.question("root-02").answer, True, 1, "medium")
    due = lambda: review.due_questions(store.chapter(bank.stem, bank.version))  # noqa: E731
    assert due() == []  # not today
    review.advance(1)
    assert due() == ["roots-01"]
    store.record(bank.stem, bank.version, "roots-01", "l4-s3", True, 2, "high")  # right when due: box 2
    assert store.chapter(bank.stem)["roots-01"]["review"] == {"box": 2, "due": day(3)}
    assert due() == []
    review.advance(2)
    assert due() == []
    review.advance(1)
    assert due() == ["roots-01"]
    store.record(bank.stem, bank.version, "roots-01", "l1-l3", False, 3)  # wrong again: back to box 1
    assert store.chapter(bank.stem)["roots-01"]["review"] == {"box": 1, "due": day(1)}
    # Climb to the last box, then out of the deck.
    for box in range(2, 6):
        review.advance(review.INTERVALS[box - 1])
        assert due() == ["roots-01"]
        store.record(bank.stem, bank.version, "roots-01", "l4-s3", True, 3 + box, "high")
        assert store.chapter(bank.stem)["roots-01"]["review"]["box"] == box
    review.advance(30)
    store.record(bank.stem, bank.version, "roots-01", "l4-s3", True, 9, "high")
    assert "review" not in store.chapter(bank.stem)["roots-01"] and due() == []


def test_an_old_record_without_review_state_still_reads_and_its_mistakes_are_due(store):
    bank = load_bank("03-anatomy")
    store.path.write_text(json.dumps({
        "format": "sciatica-course-progress", "version": 1, "learner": "",
        "chapters": {"03-anatomy": {"bank": bank.version, "answers": {
            "roots-01": {"answer": "l1-l3", "correct": False, "attempts": 1},
            "root-02": {"answer": bank.question("root-02").answer, "correct": True, "attempts": 1}}}}}))
    assert review.due_questions(store.chapter("03-anatomy", bank.version)) == ["roots-01"]
    assert not list(store.path.parent.glob("progress.json.corrupt-*"))


@pytest.mark.parametrize("field, value", [
    ("confidence", "sure"), ("confidence", 3), ("review", {"box": 9, "due": "2026-01-01"}),
    ("review", {"box": 1, "due": "2026-02-30"}), ("review", {"box": 1}), ("review", "tomorrow"),
    ("review", {"box": True, "due": "2026-01-01"}),
])
def test_damaged_confidence_or_review_is_set_aside_never_losing_the_rest(store, field, value):
    good = {"answer": "B", "correct": True, "attempts": 1, "confidence": "low",
            "review": {"box": 2, "due": "2030-01-01"}}
    doc = {"format": "sciatica-course-progress", "version": 1, "learner": "Ana",
           "chapters": {"04-causes": {"bank": "w", "answers": {"c1": good, "c2": {**good, field: value}}},
                        "03-anatomy": {"bank": "v",
                                       "answers": {"r1": {"answer": "x", "correct": False, "attempts": 1}}}}}
    store.path.write_text(json.dumps(doc))
    assert store.chapter("04-causes", "w") == {"c1": good}  # the rest of the chapter is kept
    assert store.chapter("03-anatomy", "v") == doc["chapters"]["03-anatomy"]["answers"]
    assert any("c2" in n and "set aside" in n for n in store.notices)
    aside = list(store.path.parent.glob("progress.json.corrupt-*"))
    assert len(aside) == 1 and json.loads(aside[0].read_text()) == doc  # nothing lost
    ProgressStore(store.path).read()
    assert len(list(store.path.parent.glob("progress.json.corrupt-*"))) == 1  # once


# ----------------------------------------------------------------------------- export and report


def test_export_round_trip_with_review_state_and_the_class_report(store, tmp_path):
    bank = load_bank("03-anatomy")
    store.learner = "Ana"
    store.record(bank.stem, bank.version, "roots-01", "l1-l3", False, 1, "high")
    store.record(bank.stem, bank.version, "root-02", bank.question("root-02").answer, True, 1, "low")
    store.record(bank.stem, bank.version, "variant-01", 16.9, True, 1)
    res = json.loads(store.write_json(tmp_path / "ana.json").read_text())
    answers = res["chapters"]["03-anatomy"]["answers"]
    assert answers["roots-01"] == {"answer": "l1-l3", "correct": False, "attempts": 1, "confidence": "high",
                                   "review": {"box": 1, "due": day(1)}, "first": {"answer": "l1-l3", "correct": False}}
    assert answers["root-02"]["confidence"] == "low" and answers["root-02"]["review"] == {"box": 1, "due": day(1)}
    assert answers["variant-01"] == {"answer": 16.9, "correct": True, "attempts": 1,
                                     "first": {"answer": 16.9, "correct": True}}
    # Back into a progress file: the same state, so the same cards are due.
    back = {"format": "sciatica-course-progress", "version": 1, "learner": res["learner"],
            "chapters": {s: {"bank": res["banks"][s], "answers": ch["answers"]} for s, ch in res["chapters"].items()}}
    other = ProgressStore(tmp_path / "back.json")
    other.path.write_text(json.dumps(back))
    review.advance(1)
    assert sorted(review.due_questions(other.chapter(bank.stem, bank.version))) == sorted(review.due_questions(
        store.chapter(bank.stem, bank.version))) == ["root-02", "roots-01"]
    assert other.notices == []

    # The class report: per question, how many were wrong and very sure; from JSON and from CSV,
    # and an old CSV without the confidence column still reads.
    ProgressStore(tmp_path / "ben.json").record(bank.stem, bank.version, "roots-01", "l5-s1", False, 1, "high")
    ProgressStore(tmp_path / "ben.json").learner = "Ben"
    ProgressStore(tmp_path / "ben.json").write_csv(tmp_path / "ben.csv")
    old = tmp_path / "cy.csv"
    old.write_text("learner,chapter,question_id,answer,correct,attempts\nCy,03-anatomy,roots-01,l1-l3,false,1\n")
    rep = report.build_report([tmp_path / "ana.json", tmp_path / "ben.csv", old], report.current_banks())
    stats = {q.qid: q for q in rep.questions}
    assert stats["roots-01"].answered == 3 and stats["roots-01"].wrong_and_sure == 2
    assert stats["root-02"].wrong_and_sure == 0
    assert not [p for p in rep.problems if "header" in p.field or "columns" in p.problem]
    paths = report.write_report(rep, tmp_path / "out")
    rows = {r["question_id"]: r for r in csv.DictReader(paths["questions"].open(encoding="utf-8"))}
    assert rows["roots-01"]["wrong_and_very_sure"] == "2" and rows["root-02"]["wrong_and_very_sure"] == "0"
    html = paths["html"].read_text()
    assert "Confident errors to tackle first" in html and "Learners wrong and very sure" in html


# ----------------------------------------------------------------------------- widget trees


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_widget_confidence_control_marks_and_calibration(store):
    qz = quiz("03-anatomy").quiz_widget
    qw = qz.questions[0]
    kids = list(qw.box.children)
    # The confidence control: a labelled select box between the answer and the Check button
    # (ipywidgets draws a Dropdown as a <select> its <label> names), not said until chosen.
    assert isinstance(qw.confidence, w.Dropdown) and kids.index(qw.confidence) == kids.index(qw.inputs) + 1
    assert qw.confidence.description.startswith("How sure are you?") and qw.confidence.value is None
    assert [v for _, v in qw.confidence.options] == [None, "low", "medium", "high"]
    assert [k for k, _ in qw.confidence.options] == ["Not said (no certainty mark)", "Not sure (low)",
                                                      "Fairly sure (medium)", "Very sure (high)"]
    # Skipping it keeps today's behaviour: no mark, no calibration, no confidence saved.
    qw.control.value = "l1-l3"
    qw.on_check()
    assert "Certainty-based" not in qw.feedback.value and qz.calibration.value == ""
    assert "confidence" not in store.chapter("03-anatomy")["roots-01"]
    qw.on_retry()
    qw.control.value, qw.confidence.value = "l1-l3", "high"
    qw.on_check()
    assert "Certainty-based mark: -6 (very sure and wrong)." in qw.feedback.value
    assert "When you were very sure, you were wrong the one time." in qz.calibration.value
    assert "Gardner-Medwin (1995)" in qz.calibration.value
    # The summary comes after the questions, before the export tools.
    top = list(qz.box.children)
    assert top.index(qz.calibration) == top.index(qz.questions[-1].box) + 1
    saved = store.chapter("03-anatomy")["roots-01"]
    assert saved["confidence"] == "high" and saved["review"] == {"box": 1, "due": day(1)}
    # Reopened: the confidence is shown again with the saved answer.
    again = quiz("03-anatomy").quiz_widget.questions[0]
    assert again.confidence.value == "high" and "-6" in again.feedback.value
    qw.on_retry()
    assert qw.confidence.value is None


def test_review_widget_shows_what_is_due_after_the_clock_moves(store):
    qz = quiz("03-anatomy").quiz_widget
    first = qz.questions[0]
    first.control.value, first.confidence.value = "l1-l3", "high"
    first.on_check()  # wrong and very sure
    deck = review_deck().review_widget
    assert deck.questions == [] and "Nothing is due for review today." in deck.summary.value
    assert f"Your next review is on {day(1)}." in deck.summary.value

    review.advance(1)
    deck = review_deck().review_widget
    assert [qw.q.id for qw in deck.questions] == ["roots-01"]
    assert "1 question is due for review today (from 1 chapter). Answered: 0 of 1." in deck.summary.value
    texts = [x.value for x in walk(deck.box) if isinstance(x, w.HTML)]
    assert any(CHAPTERS[2].title in t for t in texts)  # the chapter the question comes from
    qw = deck.questions[0]
    assert isinstance(qw.confidence, w.Dropdown) and qw in deck.questions
    qw.control.value, qw.confidence.value = "l4-s3", "high"
    assert qw.on_check().status == "correct"
    assert "Answered: 1 of 1." in deck.summary.value
    assert "When you were very sure, you were right the one time." in deck.calibration.value
    saved = store.chapter("03-anatomy")["roots-01"]
    assert saved["review"] == {"box": 2, "due": day(3)} and saved["attempts"] == 2
    # The Review page's check never replaces the first answer the chapter's quiz kept.
    assert saved["first"] == {"answer": "l1-l3", "correct": False}

    assert review_deck().review_widget.questions == []  # answered: not due again today
    review.advance(3)
    assert [q.q.id for q in review_deck().review_widget.questions] == ["roots-01"]

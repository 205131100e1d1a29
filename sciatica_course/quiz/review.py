"""Learning that sticks (issue 16): the review deck across chapters and confidence marking.

Plain functions, no widgets; ``static/sciatica-quiz.js`` mirrors every rule here (same names in
camelCase) and the tests run both.

**Confidence (certainty-based marking).** Before checking an answer a learner may say how sure
they are: ``low``, ``medium`` or ``high``. Marks follow Gardner-Medwin's scheme: a right answer
scores 1, 2 or 3, a wrong one 0, -2 or -6 (:data:`MARKS`; Gardner-Medwin 1995, 2005 in
book/references.bib). Saying nothing keeps today's behaviour: the answer is graded and counted,
with no certainty mark. From the marks it follows that the highest level pays on average only when
an answer is right more than 4 times in 5, and the middle one when it is right more than 2 times in
3 (expected marks 9p - 6, 4p - 2 and p for a chance p of being right).

**The review deck (Leitner boxes).** A question comes into the deck when it is answered wrongly, or
rightly but with low confidence: a *card* in box 1, due the next day. When a card is due and is
answered again (on the Review page or in its chapter):

- right (not low confidence): the card moves up one box and is due after that box's interval;
  a right answer in the last box retires the card (it leaves the deck);
- right with low confidence: the card stays in its box, due again after that box's interval;
- wrong: back to box 1, due the next day (a wrong answer does this at any time, due or not).

A right answer given before a card is due changes nothing (so "Try again" straight after a wrong
answer does not move it up). Intervals in days, per box (:data:`INTERVALS`): 1, 3, 7, 14, 30.

A saved answer without review state (written before the deck existed) that is wrong is a card in
box 1 due now, so old mistakes come back too.

**One clock.** Every date comes from :func:`today` (the local date plus :data:`_offset`);
tests move time with :func:`advance` and put it back with :func:`reset_clock`.

Review state is stored with the answer it belongs to, in the progress records the quizzes write::

    "roots-01": {"answer": "l1-l3", "correct": false, "attempts": 1,
                 "confidence": "high", "review": {"box": 1, "due": "2026-05-02"}}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable

LEVELS = ("low", "medium", "high")
LEVEL_WORDS = {"low": "Not sure (low)", "medium": "Fairly sure (medium)", "high": "Very sure (high)"}
WHEN = {"low": "When you were not sure", "medium": "When you were fairly sure", "high": "When you were very sure"}
MARKS = {"low": (1, 0), "medium": (2, -2), "high": (3, -6)}  # (right, wrong)
INTERVALS = {1: 1, 2: 3, 3: 7, 4: 14, 5: 30}  # box -> days until it is due again
LAST_BOX = max(INTERVALS)
SOURCES = ("gardnermedwin1995", "gardnermedwin2005")

# ------------------------------------------------------------------------------------ the clock
_offset = 0  # days added to the real date (tests only)


def today() -> date:
    """The one clock of the course's quizzes: today's local date (moved by :func:`advance`)."""
    return date.today() + timedelta(days=_offset)


def advance(days: int) -> date:
    """Move the clock forward (or back) by ``days``; returns the new today."""
    global _offset
    _offset += int(days)
    return today()


def reset_clock() -> None:
    global _offset
    _offset = 0


# ------------------------------------------------------------------------------------ confidence
def valid_confidence(value: Any) -> bool:
    return value is None or value in LEVELS


def mark(correct: bool, confidence: str | None) -> int | None:
    """The certainty-based mark of one answer, or None when no confidence was given."""
    if confidence not in MARKS:
        return None
    right, wrong = MARKS[confidence]
    return right if correct else wrong


SURE = {"low": "not sure", "medium": "fairly sure", "high": "very sure"}


def mark_text(correct: bool, confidence: str | None) -> str:
    """One answer's mark in words ("Certainty-based mark: -6 (very sure and wrong)."), or ""."""
    m = mark(correct, confidence)
    if m is None:
        return ""
    return f"Certainty-based mark: {m} ({SURE[confidence]} and {'right' if correct else 'wrong'})."


def times(right: int, total: int) -> str:
    if total == 1:
        return "right the one time" if right else "wrong the one time"
    return f"right {right} time{'s' if right != 1 else ''} out of {total}"


@dataclass(frozen=True)
class Calibration:
    """How sure a learner was and how often they were right, per level."""

    counts: dict[str, tuple[int, int]]  # level -> (right, answered)
    total_mark: int
    rated: int

    @property
    def text(self) -> str:
        return calibration_text(self)


def calibrate(answers: Iterable[tuple[bool, str | None]]) -> Calibration:
    """``answers``: (correct, confidence) for each answered question."""
    counts = {lv: [0, 0] for lv in LEVELS}
    total = rated = 0
    for correct, conf in answers:
        m = mark(correct, conf)
        if m is None:
            continue
        rated += 1
        total += m
        counts[conf][1] += 1
        counts[conf][0] += bool(correct)
    return Calibration({lv: (r, n) for lv, (r, n) in counts.items() if n}, total, rated)


def calibration_text(cal: Calibration) -> str:
    """A short summary: "When you were very sure, you were right 9 times out of 10. ..."

    Empty when no answer was rated. ``calibrationText`` in the script writes the same words.
    """
    if not cal.rated:
        return ""
    parts = [f"{WHEN[lv]}, you were {times(*cal.counts[lv])}." for lv in reversed(LEVELS) if lv in cal.counts]
    r, n = cal.counts.get("high", (0, 0))
    if n and r * 5 <= n * 4:  # right at most 4 times in 5 when very sure
        parts.append("Being very sure pays off only when you are right more than 4 times in 5.")
    parts.append(f"Certainty-based mark: {cal.total_mark} from {cal.rated} rated answer{'s' if cal.rated != 1 else ''} "
                 f"(at most {3 * cal.rated}).")
    return " ".join(parts)


# ------------------------------------------------------------------------------------ the deck
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Card:
    box: int
    due: str  # YYYY-MM-DD ("" = due now: an old wrong answer without review state)

    def is_due(self, on: date | None = None) -> bool:
        return not self.due or self.due <= (on or today()).isoformat()

    def as_dict(self) -> dict:
        return {"box": self.box, "due": self.due}


def valid_review(value: Any) -> bool:
    """Whether a saved ``review`` field has the right form (absent is fine)."""
    if value is None:
        return True
    if not (isinstance(value, dict) and set(value) == {"box", "due"}):
        return False
    box, due = value["box"], value["due"]
    if isinstance(box, bool) or not isinstance(box, int) or box not in INTERVALS:
        return False
    if not (isinstance(due, str) and _DATE.match(due)):
        return False
    try:
        date.fromisoformat(due)
    except ValueError:
        return False
    return True


def card_of(saved: dict) -> Card | None:
    """The card of a saved answer record, or None when it is not in the deck."""
    rev = saved.get("review")
    if rev is not None and valid_review(rev):
        return Card(rev["box"], rev["due"])
    if rev is None and saved.get("correct") is False:
        return Card(1, "")  # saved before the deck existed: a mistake, due now
    return None


def schedule(card: Card | None, correct: bool, confidence: str | None, on: date | None = None) -> Card | None:
    """The card after one graded answer (the rules in the module's docstring)."""
    on = on or today()

    def due_in(box: int) -> Card:
        return Card(box, (on + timedelta(days=INTERVALS[box])).isoformat())

    if not correct:
        return due_in(1)
    if confidence == "low":
        return due_in(card.box if card else 1)
    if card is None or not card.is_due(on):
        return card
    if card.box >= LAST_BOX:
        return None  # learned: the card leaves the deck
    return due_in(card.box + 1)


def due_questions(answers: dict[str, dict], on: date | None = None) -> list[str]:
    """The question ids of one chapter's saved answers whose cards are due."""
    return [qid for qid, a in answers.items() if (c := card_of(a)) is not None and c.is_due(on)]


def summary_text(n_due: int, n_chapters: int, next_date: str) -> str:
    """What the Review page says at the top (``summaryText`` in the script says the same)."""
    if n_due:
        chapters = f"from {n_chapters} chapter{'s' if n_chapters != 1 else ''}"
        return f"{n_due} question{'s are' if n_due != 1 else ' is'} due for review today ({chapters})."
    text = "Nothing is due for review today."
    if next_date:
        text += f" Your next review is on {next_date}."
    return text


def next_due(answers: Iterable[dict]) -> str:
    """The earliest due date among cards not yet due ("" when there is none)."""
    dates = sorted(c.due for a in answers if (c := card_of(a)) is not None and c.due and not c.is_due())
    return dates[0] if dates else ""

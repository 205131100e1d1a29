"""Grading: plain functions, no widgets, so every rule is tested on its own.

``grade(question, answer)`` returns a :class:`Result` whose ``status`` is ``"correct"``,
``"wrong"`` or ``"invalid"``. *Invalid* means the answer could not be graded (nothing chosen, a
numeric answer that is not a number, an incomplete matching or ordering, an unknown option): it
comes with a message saying what to fix and it never counts as a wrong attempt.

Answer shapes (the same in the widget, the book's JavaScript and the exports):

- single: an option id (``"l5"``);   multiple: a list of option ids;
- truefalse: ``True``/``False`` (the strings ``"true"``/``"false"`` are accepted);
- numeric: a number or the text the learner typed (``"16.9"``, ``"16,9"``, ``"16.9 %"``);
- matching: ``{left: right}`` for every left item;
- ordering: the list of item ids in the learner's order (or ``{item id: place}``, 1-based).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from .schema import Matching, Multiple, Numeric, Ordering, Single, TrueFalse

CORRECT, WRONG, INVALID = "correct", "wrong", "invalid"


@dataclass(frozen=True)
class Result:
    status: str  # correct | wrong | invalid
    message: str  # one line for the learner: what happened, or what to fix
    feedback: list[str] = field(default_factory=list)  # per-option feedback for what was chosen
    answer: Any = None  # the answer in its normalised, exportable form (None when invalid)

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    @property
    def counts(self) -> bool:
        """Whether this check counts as an attempt (invalid answers do not)."""
        return self.status != INVALID


def _invalid(message: str) -> Result:
    return Result(INVALID, message)


_GROUPED = re.compile(r"^[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def parse_number(text: Any, unit: str = "") -> float | None:
    """The number in what the learner typed, or None. Accepts a decimal comma and the unit."""
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text) if math.isfinite(text) else None
    if not isinstance(text, str):
        return None
    s = text.strip().replace("\u2212", "-")
    if unit and s.lower().endswith(unit.lower()):
        s = s[: -len(unit)].rstrip()
    if _GROUPED.match(s):  # "1 000" (thousands in groups of three)
        s = re.sub(r"[ \u00a0\u202f]", "", s)
    if not _NUMBER.match(s):
        return None
    value = float(s.replace(",", "."))
    return value if math.isfinite(value) else None


def grade_single(q: Single, answer: Any) -> Result:
    if answer is None or answer == "":
        return _invalid("Choose one answer, then check.")
    opt = q.option(str(answer)) if isinstance(answer, str) else None
    if opt is None:
        return _invalid(f"{answer!r} is not one of the choices.")
    fb = [opt.feedback] if opt.feedback else []
    if opt.id == q.answer:
        return Result(CORRECT, "Correct.", fb, opt.id)
    return Result(WRONG, "Not quite.", fb, opt.id)


def grade_multiple(q: Multiple, answer: Any) -> Result:
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, (list, tuple, set)) or not answer:
        return _invalid("Choose at least one answer, then check.")
    chosen = []
    for a in answer:
        if not isinstance(a, str) or q.option(a) is None:
            return _invalid(f"{a!r} is not one of the choices.")
        if a not in chosen:
            chosen.append(a)
    # Normalise to the bank's order, so exports of the same choice are identical.
    chosen = [o.id for o in q.options if o.id in chosen]
    fb = [o.feedback for o in q.options if o.id in chosen and o.feedback]
    right = set(q.answer)
    if set(chosen) == right:
        return Result(CORRECT, "Correct: you chose all the right answers and no wrong ones.", fb, chosen)
    hits = len(right & set(chosen))
    wrong = len(set(chosen) - right)
    msg = f"Not quite: {hits} of {len(right)} right answers chosen"
    msg += f", and {wrong} that {'is' if wrong == 1 else 'are'} not right." if wrong else "."
    return Result(WRONG, msg, fb, chosen)


def grade_truefalse(q: TrueFalse, answer: Any) -> Result:
    if isinstance(answer, str) and answer.strip().lower() in {"true", "false"}:
        answer = answer.strip().lower() == "true"
    if not isinstance(answer, bool):
        return _invalid("Choose True or False, then check.")
    fb_text = q.feedback_true if answer else q.feedback_false
    fb = [fb_text] if fb_text else []
    if answer == q.answer:
        return Result(CORRECT, "Correct.", fb, answer)
    return Result(WRONG, "Not quite.", fb, answer)


def grade_numeric(q: Numeric, answer: Any) -> Result:
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return _invalid("Type a number, then check.")
    value = parse_number(answer, q.unit)
    unit = f" (in {q.unit})" if q.unit else ""
    if value is None:
        return _invalid(f"{str(answer).strip()!r} is not a number. Type a number such as 12.5{unit}.")
    # A little slack for binary floating point (16.9 - 0.1 must accept 16.8).
    if abs(value - q.answer) <= q.tolerance + 1e-9 * max(1.0, abs(q.answer)):
        return Result(CORRECT, "Correct.", [], value)
    hint = "too high" if value > q.answer else "too low"
    return Result(WRONG, f"Not quite: {value:g} is {hint}.", [], value)


def grade_matching(q: Matching, answer: Any) -> Result:
    if not isinstance(answer, dict):
        return _invalid("Choose a match for every item, then check.")
    choices = set(q.choices())
    missing = [p.left for p in q.pairs if not answer.get(p.left)]
    if missing:
        return _invalid(f"Choose a match for every item (missing: {', '.join(missing)}).")
    unknown = [k for k in answer if k not in {p.left for p in q.pairs}]
    if unknown:
        return _invalid(f"{unknown[0]!r} is not an item of this question.")
    for p in q.pairs:
        if answer[p.left] not in choices:
            return _invalid(f"{answer[p.left]!r} is not one of the choices.")
    normal = {p.left: answer[p.left] for p in q.pairs}
    right = sum(normal[p.left] == p.right for p in q.pairs)
    if right == len(q.pairs):
        return Result(CORRECT, "Correct: every match is right.", [], normal)
    return Result(WRONG, f"Not quite: {right} of {len(q.pairs)} matches are right.", [], normal)


def grade_ordering(q: Ordering, answer: Any) -> Result:
    ids = [i.id for i in q.items]
    if isinstance(answer, dict):  # {item id: place (1-based)}, as the select boxes give it
        places = {}
        for iid, place in answer.items():
            if place in (None, ""):
                return _invalid("Give every step a place, then check.")
            try:
                places[str(iid)] = int(place)
            except (TypeError, ValueError):
                return _invalid(f"{place!r} is not a place number.")
        if len(places) != len(ids) or set(places) != set(ids):
            return _invalid("Give every step a place, then check.")
        if len(set(places.values())) != len(places):
            return _invalid("Two steps share the same place: give each step its own place.")
        if sorted(places.values()) != list(range(1, len(ids) + 1)):
            return _invalid(f"Places must be numbered 1 to {len(ids)}.")
        answer = [iid for iid, _ in sorted(places.items(), key=lambda kv: kv[1])]
    if not isinstance(answer, (list, tuple)) or not answer or any(a in (None, "") for a in answer):
        return _invalid("Give every step a place, then check.")
    answer = [str(a) for a in answer]
    for a in answer:
        if a not in ids:
            return _invalid(f"{a!r} is not one of the steps.")
    if len(set(answer)) != len(answer):
        return _invalid("Two steps share the same place: give each step its own place.")
    if len(answer) != len(ids):
        return _invalid("Give every step a place, then check.")
    right = sum(a == b for a, b in zip(answer, ids))
    if right == len(ids):
        return Result(CORRECT, "Correct: every step is in the right place.", [], answer)
    return Result(WRONG, f"Not quite: {right} of {len(ids)} steps are in the right place.", [], answer)


_GRADERS = {
    "single": grade_single,
    "multiple": grade_multiple,
    "truefalse": grade_truefalse,
    "numeric": grade_numeric,
    "matching": grade_matching,
    "ordering": grade_ordering,
}


def grade(question, answer: Any) -> Result:
    """Grade one answer to one question (any type)."""
    return _GRADERS[question.type](question, answer)

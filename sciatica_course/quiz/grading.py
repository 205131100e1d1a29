"""Grading: plain functions, no widgets, so every rule is tested on its own.

``grade(question, answer)`` returns a :class:`Result` whose ``status`` is ``"correct"``,
``"wrong"`` or ``"invalid"``. *Invalid* means the answer could not be graded (nothing chosen, a
numeric answer that is not a number, an incomplete matching or ordering, an unknown option): it
comes with a message saying what to fix and it never counts as a wrong attempt.

Answer shapes (the same in the widget, the book's JavaScript and the exports):

- single: an option id (``"l5"``);   multiple: a list of option ids;
- truefalse: ``True``/``False`` (the strings ``"true"``/``"false"`` are accepted);
- numeric: a number (in the question's terms) or the text the learner typed (``"16.9"``,
  ``"16,9"``, ``"16.9 %"``, ``"1,000"``, ``"843 million"``): see :func:`read_answer`;
- matching: ``{left: right}`` for every left item;
- ordering: the list of item ids in the learner's order (or ``{item id: place}``, 1-based).

The book's script (``graders`` in static/sciatica-quiz.js) applies the same rules with the same
messages; tests/fixtures/grading_cases.json is run against both. A message quotes the answer as
:func:`shown` does (text in quotes, anything else as JSON), as the script's ``shown`` does.
"""

from __future__ import annotations

import json
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


def _as_script_json(value: Any) -> Any:
    """Whole floats as integers (JSON.stringify writes 2.0 as 2), in lists and mappings too."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, (list, tuple)):
        return [_as_script_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_script_json(v) for k, v in value.items()}
    return value


def shown(value: Any) -> str:
    """An answer as a message quotes it, the same as ``shown`` in the book's script: text in single
    quotes as typed ('l6'), anything else as JSON (7, true, null, ["a"], {"a":1}, NaN)."""
    if isinstance(value, str):
        return f"'{value}'"
    return json.dumps(_as_script_json(value), separators=(",", ":"), ensure_ascii=False, default=str)


_PLACE = re.compile(r"\s*[+-]?[0-9]+\s*")


def _place(value: Any) -> int | None:
    """A place number of an ordering answer: a whole number, or text of digits (spaces and a sign
    allowed: " 2 ", "+2", "02"); None for anything else (2.5, "2.0", "1_0", true, ["2"])."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not _PLACE.fullmatch(str(value)):
        return None
    return int(value)


# ---------------------------------------------------------------------------------------------
# Numbers as learners type them (the same grammar as parseAnswer in static/sciatica-quiz.js; both
# are run against tests/fixtures/numeric_cases.json)
#
#   answer := sign? number exponent? scale-word? unit?
#
# - sign: "+", "-" or the minus sign "\u2212", directly before the number;
# - number, with "." or "," as the decimal mark and ",", "." or a space as the thousands separator:
#     plain             16   16.9   .5   5.   16,9 (decimal comma)   0,500 (0.5)   1234,5 (1234.5)
#     comma groups      1,000   16,900   1,000,000   1,000.5   -- "," + exactly three digits after a
#                       first group of 1 to 3 digits (not starting with 0) is a thousands separator,
#                       as in English: "1,500" is 1500 (write 1.5 or "1,5" for one and a half)
#     space groups      1 000   16 900   1 000,5   1 000.5   (space, no-break space, thin space)
#     dot groups        1.000.000   1.000.000,5   1.000,5   -- "." is a thousands separator only
#                       when it cannot be a decimal point (two or more groups, or a decimal comma
#                       after it); a single "." is always a decimal point: "1.500" is 1.5
#   anything else with separators (16 9, 1,000,5, 1..5) is not understood and says why;
# - exponent: 1.69e1 (after a number without thousands separators);
# - scale word: thousand, million, billion (or the plural), multiplying the number;
# - unit: the question's unit (any case), or an alias ("percent" for "%").
#
# A question may be asked in a scale (``scale: million``, "how many million?"): its answer is a
# number of millions. "843", "843 million" and "0.843 billion" all read as 843 million. A number
# of one million or more typed without a scale word is a count of ones: "843000000" or
# "843,000,000" read as 843 million.
#
# The reading is said back to the learner when it is not what they typed ("read as 843
# million"), and an answer that cannot be read is never counted as an attempt.

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
COUNT_OF_ONES_FROM = 1e6
LIMIT = 1e12  # a reading at least this large is refused (nothing in the course is near it)
UNIT_ALIASES = {
    "%": ("percent", "per cent"),
    "percentage points": ("percentage point", "points", "point", "pp"),
}
_SPACE = "[ \t\u00a0\u2007\u2009\u202f]"
_HEAD = re.compile(r"^([+\-\u2212]?)([0-9.,][0-9., ]*)(.*)$", re.DOTALL)
_EXP = re.compile(r"^[eE][+-]?[0-9]+")
_FORMS = [  # (pattern, thousands separator, decimal mark), tried in this order
    (re.compile(r"^[0-9]+$"), "", ""),
    (re.compile(r"^[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?$"), ",", "."),
    (re.compile(r"^[1-9][0-9]{0,2}( [0-9]{3})+([.,][0-9]+)?$"), " ", ".,"),
    (re.compile(r"^[1-9][0-9]{0,2}(\.[0-9]{3}){2,}(,[0-9]+)?$"), ".", ","),
    (re.compile(r"^[1-9][0-9]{0,2}(\.[0-9]{3})+,[0-9]+$"), ".", ","),
    (re.compile(r"^([0-9]+\.[0-9]*|\.[0-9]+)$"), "", "."),
    (re.compile(r"^([0-9]+,[0-9]*|,[0-9]+)$"), "", ","),
]
_SCALE_WORD = re.compile(r"^(thousand|million|billion)s?(?![a-z])")
_RANGE = re.compile(r"^(-|\u2013|\u2014|to )\s*[0-9]")


@dataclass(frozen=True)
class Reading:
    """What a typed answer was read as: ``value`` in the question's terms, or an ``error``."""

    value: float | None = None
    text: str = ""  # the value as the course says it back: "843 million", "16.9%"
    noted: bool = False  # whether to say it back ("read as ...": it is not what was typed)
    error: str = ""  # why it could not be read (then value is None)


def format_number(value: float) -> str:
    """A number as plain digits, never in exponent form: 843000000, 16.9, 0.25 (15 significant
    digits for numbers of 1 or more, 15 decimals below 1). ``fmtNumber`` in the script matches it."""
    value = value + 0.0  # no "-0"
    whole = len(str(int(abs(value)))) if abs(value) >= 1 else 0
    text = f"{value:.{max(0, 15 - whole)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def in_words(unit: str = "", scale: str | None = None) -> str:
    """The terms an answer is asked in: "%", "million", "million people"."""
    return " ".join(x for x in (scale or "", unit) if x)


def say(value: float, unit: str = "", scale: str | None = None) -> str:
    """A value with its scale and unit, as feedback says it: "843 million", "16.9%", "0 points"."""
    text = format_number(value)
    if scale:
        text += " " + scale
    if unit:
        text += unit if unit == "%" and not scale else " " + unit
    return text


def _units(unit: str) -> set[str]:
    if not unit:
        return set()
    u = unit.lower()
    return {u, *UNIT_ALIASES.get(u, ())}


def read_answer(typed: Any, unit: str = "", scale: str | None = None) -> Reading:
    """Read a typed (or saved) numeric answer by the grammar above. Never raises."""
    hint = f" (in {in_words(unit, scale)})" if in_words(unit, scale) else ""
    if typed is None:
        return Reading(error="Type a number, then check.")
    if isinstance(typed, bool) or not isinstance(typed, (int, float, str)):
        return Reading(error=f"{shown(typed)} is not a number. Type a number such as 12.5{hint}.")
    if not isinstance(typed, str):  # a number (a saved answer): already in the question's terms
        if not math.isfinite(typed) or abs(typed) >= LIMIT:
            return Reading(error=f"{shown(typed)} is not a number that can be an answer here.")
        value = float(typed) + 0.0
        return Reading(value, say(value, unit, scale))
    t = re.sub(_SPACE + "+", " ", typed).strip(" ")
    if not t:
        return Reading(error="Type a number, then check.")
    head = _HEAD.match(t)
    if not head or not re.search("[0-9]", head.group(2)):
        return Reading(error=f"'{t}' is not a number. Type a number such as 12.5{hint}.")
    sign, raw, rest = head.group(1), head.group(2), head.group(3)
    token = raw.rstrip(" ")
    form = next((f for f in _FORMS if f[0].match(token)), None)
    if form is None:
        return Reading(error=(
            f"'{t}' could not be read: the separators in '{token}' do not fit a number. "
            "Write fifteen hundred as 1500 or 1,500, and one and a half as 1.5 or 1,5."
        ))
    pattern, group, mark = form
    digits = token.replace(group, "") if group else token
    if "," in mark:
        digits = digits.replace(",", ".")
    exp = _EXP.match(rest) if raw == token and not group and mark != "," else None
    if exp:
        digits += exp.group(0)
        rest = rest[exp.end():]
    rest = rest.strip(" ")
    number = float(digits)
    if sign in ("-", "\u2212"):
        number = -number
    typed_scale = None
    low = rest.lower()
    word = _SCALE_WORD.match(low)
    if word:
        typed_scale = word.group(1)
        low = low[word.end():].strip(" ")
    if low and low not in _units(unit):
        if _RANGE.match(low):
            return Reading(error=f"'{t}' looks like a range. Type one number{hint}, such as 12.5.")
        return Reading(error=f"'{t}' could not be read: '{rest}' is not understood here. "
                             f"Type the number{hint}, such as 12.5.")
    have = SCALES.get(scale or "", 1.0)  # the question's scale; the typed number's scale:
    converted = False
    if typed_scale:
        given = SCALES[typed_scale]
    elif have > 1 and abs(number) >= COUNT_OF_ONES_FROM:
        given, converted = 1.0, True  # "843000000" for a question in millions
    else:
        given = have
    value = number * (given / have) if given >= have else number / (have / given)
    value += 0.0
    if not math.isfinite(value) or abs(value) >= LIMIT:
        return Reading(error=f"'{t}' is too large to be an answer here. Type the number{hint}, such as 12.5.")
    noted = bool(typed_scale) or converted or (sign + token + (exp.group(0) if exp else "")) != format_number(value)
    return Reading(value, say(value, unit, scale), noted)


def parse_number(text: Any, unit: str = "", scale: str | None = None) -> float | None:
    """The number in what the learner typed (in the question's terms), or None."""
    return read_answer(text, unit, scale).value


def grade_single(q: Single, answer: Any) -> Result:
    if answer is None or answer == "":
        return _invalid("Choose one answer, then check.")
    opt = q.option(str(answer)) if isinstance(answer, str) else None
    if opt is None:
        return _invalid(f"{shown(answer)} is not one of the choices.")
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
            return _invalid(f"{shown(a)} is not one of the choices.")
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
    r = read_answer(answer, q.unit, q.scale)
    if r.error:
        return _invalid(r.error)
    # A little slack for binary floating point (16.9 - 0.1 must accept 16.8).
    if abs(r.value - q.answer) <= q.tolerance + 1e-9 * max(1.0, abs(q.answer)):
        return Result(CORRECT, f"Correct. Read as {r.text}." if r.noted else "Correct.", [], r.value)
    hint = "too high" if r.value > q.answer else "too low"
    msg = f"Not quite. Read as {r.text}, which is {hint}." if r.noted else f"Not quite: {r.text} is {hint}."
    return Result(WRONG, msg, [], r.value)


def grade_matching(q: Matching, answer: Any) -> Result:
    if not isinstance(answer, dict):
        return _invalid("Choose a match for every item, then check.")
    choices = q.choices()  # a list: a value that is not text (a list, a mapping) is simply not in it
    # Missing: no key, null or empty text (in the order shown); any other value must be a choice.
    missing = [p.left for p in q.pairs if answer.get(p.left) is None or answer.get(p.left) == ""]
    if missing:
        return _invalid(f"Choose a match for every item (missing: {', '.join(missing)}).")
    unknown = sorted((k for k in answer if k not in {p.left for p in q.pairs}), key=str)
    if unknown:
        return _invalid(f"{shown(unknown[0])} is not an item of this question.")
    for p in q.pairs:
        if answer[p.left] not in choices:
            return _invalid(f"{shown(answer[p.left])} is not one of the choices.")
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
            if _place(place) is None:
                return _invalid(f"{shown(place)} is not a place number.")
            places[str(iid)] = _place(place)
        if len(places) != len(ids) or set(places) != set(ids):
            return _invalid("Give every step a place, then check.")
        if len(set(places.values())) != len(places):
            return _invalid("Two steps share the same place: give each step its own place.")
        if sorted(places.values()) != list(range(1, len(ids) + 1)):
            return _invalid(f"Places must be numbered 1 to {len(ids)}.")
        answer = [iid for iid, _ in sorted(places.items(), key=lambda kv: kv[1])]
    if not isinstance(answer, (list, tuple)) or not answer or any(a in (None, "") for a in answer):
        return _invalid("Give every step a place, then check.")
    for a in answer:
        if not isinstance(a, str) or a not in ids:
            return _invalid(f"{shown(a)} is not one of the steps.")
    answer = list(answer)
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

"""Question banks: YAML files validated against a pydantic schema.

One bank per chapter, ``sciatica_course/data/questions/<notebook-stem>.yaml``::

    title: Check your understanding          # optional
    questions:
      - id: roots-01                         # stable: progress and exports refer to it
        type: single                         # single | multiple | truefalse | numeric | matching | ordering
        prompt: Which roots form the sciatic nerve?
        objective: Trace the sciatic nerve from its roots ...
        cite: [poutoglidou2020]              # keys of book/references.bib (one key or a list)
        options:
          - {id: l4-s3, text: "L4 to S3", feedback: "..."}   # feedback per option is optional
          - {id: l1-l3, text: "L1 to L3"}
        answer: l4-s3
        explanation: Why the right answer is right and the tempting wrong one wrong.

Per type, the answer fields are:

- ``single``: ``options`` and ``answer`` (one option id);
- ``multiple``: ``options`` and ``answer`` (a list of option ids, at least one);
- ``truefalse``: ``answer`` (true or false); optional ``feedback_true``/``feedback_false``;
- ``numeric``: ``answer`` (a number), ``tolerance`` (>= 0), ``unit`` (text, may be empty) and
  optional ``scale`` (``thousand``, ``million`` or ``billion``) for a question asked in that scale
  ("how many million?": ``answer: 843``, ``scale: million``); learners may type the number in
  the forms :func:`sciatica_course.quiz.grading.read_answer` reads (``1,000``, ``2,5``,
  ``843 million``, ``843000000``);
- ``matching``: ``pairs`` (a list of ``{left, right}``) and optional ``distractors`` (extra right
  hand choices); every left item must be matched to its right item;
- ``ordering``: ``items`` (a list of ``{id, text}`` in the correct order);
- ``triage``: a short vignette (``prompt``) and the red flags it shows (``flags``: ids of
  ``data/safety/red_flags.yaml``, possibly none) or ``precautions``; it is turned into a ``single``
  question whose options are the urgency levels and whose answer is worked out from the safety data
  (:func:`sciatica_course.safety.triage_question`).

Any text may use the safety placeholders ``{urgency:<level>}``, ``{action:<level>}``, ``{flag:<id>}``
and ``{flag-urgency:<id>}`` (see :mod:`sciatica_course.safety`), so quiz feedback states urgency in
the same words as the chapters.

Every question needs an ``explanation``. Every question needs ``cite`` unless it is about how to use
the course (``about: using-the-course``). A malformed bank raises
:class:`~sciatica_course.errors.CourseDataError` naming the file, the question and the field, e.g.
``03-anatomy.yaml: question roots-01: answer: 'L6' is not one of the options``.
"""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

from .. import safety
from ..data import QUESTIONS_DIR, bib_keys, read_yaml
from ..errors import CourseDataError

ID_RE = r"^[a-z0-9][a-z0-9-]*$"
QUESTION_TYPES = ("single", "multiple", "truefalse", "numeric", "matching", "ordering")


class _Problem(ValueError):
    """A check that names its own field (raised inside validators, turned into CourseDataError)."""

    def __init__(self, field: str, problem: str):
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


NonEmpty = Annotated[str, Field(min_length=1)]
Ident = Annotated[str, Field(pattern=ID_RE, max_length=40)]


class Option(_Model):
    id: Ident
    text: NonEmpty
    feedback: NonEmpty | None = None


class Pair(_Model):
    left: NonEmpty
    right: NonEmpty


class Item(_Model):
    id: Ident
    text: NonEmpty


def _as_list(value):
    """YAML shorthand: one string where a list is expected means a list of one."""
    return [value] if isinstance(value, str) else value


class _Question(_Model):
    id: Ident
    prompt: NonEmpty
    objective: NonEmpty
    explanation: NonEmpty
    cite: list[NonEmpty] = Field(default_factory=list)
    about: Literal["using-the-course"] | None = None

    _cite_as_list = field_validator("cite", mode="before")(lambda v: _as_list(v))

    @model_validator(mode="after")
    def _needs_cite(self):
        if not self.cite and self.about is None:
            raise _Problem("cite", "is required (a key of book/references.bib) for a question about facts or evidence")
        return self

    # Filled in by subclasses.
    def correct_text(self) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError


def _shown_order(qid: str, options: list[Option]) -> list[Option]:
    """Options in the order learners see them: a fixed shuffle seeded by the question id.

    Authors write the right answer wherever it is natural (often first); without this, learners
    would soon learn that "the first option is right". The order is the same on every build, in
    JupyterLab, in the book, on paper and in the key, so nbval and the tests stay deterministic.
    """
    return sorted(options, key=lambda o: hashlib.sha256(f"{qid}/{o.id}".encode()).hexdigest())


def _check_options(options: list[Option]) -> None:
    if len(options) < 2:
        raise _Problem("options", "needs at least two options")
    seen: set[str] = set()
    for o in options:
        if o.id in seen:
            raise _Problem("options", f"option id {o.id!r} is used twice")
        seen.add(o.id)


class _Choice(_Question):
    """Single and multiple choice: options with unique ids, shown in a fixed shuffle."""

    options: list[Option]
    keep_order: bool = False  # true for options that form a scale (e.g. low, moderate, high)

    def _answers(self) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    @model_validator(mode="after")
    def _check_choice(self):
        _check_options(self.options)
        ids = {o.id for o in self.options}
        for a in self._answers():
            if a not in ids:
                raise _Problem("answer", f"{a!r} is not one of the options")
        if not self.keep_order:
            object.__setattr__(self, "options", _shown_order(self.id, self.options))  # frozen model
        return self

    def option(self, oid: str) -> Option | None:
        return next((o for o in self.options if o.id == oid), None)

    def correct_text(self) -> list[str]:
        answers = self._answers()
        return [o.text for o in self.options if o.id in answers]


class Single(_Choice):
    type: Literal["single"]
    answer: NonEmpty

    def _answers(self) -> list[str]:
        return [self.answer]


class Multiple(_Choice):
    type: Literal["multiple"]
    answer: list[NonEmpty]

    _answer_as_list = field_validator("answer", mode="before")(lambda v: _as_list(v))

    @model_validator(mode="after")
    def _check_answer_list(self):
        if not self.answer:
            raise _Problem("answer", "needs at least one correct option")
        if len(set(self.answer)) != len(self.answer):
            raise _Problem("answer", "lists an option twice")
        return self

    def _answers(self) -> list[str]:
        return list(self.answer)


class TrueFalse(_Question):
    type: Literal["truefalse"]
    answer: bool
    feedback_true: NonEmpty | None = None
    feedback_false: NonEmpty | None = None

    @field_validator("answer", mode="before")
    @classmethod
    def _strict_bool(cls, v):
        if not isinstance(v, bool):
            raise _Problem("answer", f"{v!r} is not true or false")
        return v

    def correct_text(self) -> list[str]:
        return ["True" if self.answer else "False"]


class Numeric(_Question):
    type: Literal["numeric"]
    answer: float
    tolerance: float = 0.0
    unit: str = ""
    scale: Literal["thousand", "million", "billion"] | None = None

    @field_validator("answer", "tolerance", mode="before")
    @classmethod
    def _number(cls, v, info):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise _Problem(info.field_name, f"{v!r} is not a finite number")
        return v

    @model_validator(mode="after")
    def _check(self):
        if self.tolerance < 0:
            raise _Problem("tolerance", f"{self.tolerance!r} must not be negative")
        first = self.unit.split(" ")[0].lower().rstrip("s") if self.unit else ""
        if first in {"thousand", "million", "billion"}:
            raise _Problem("unit",
                           f"{self.unit!r} starts with a scale: write 'scale: {first}' and the rest as the unit")
        return self

    def correct_text(self) -> list[str]:
        from .grading import say

        value = say(self.answer, self.unit, self.scale)
        if self.tolerance:
            value += f" (accepted within ±{self.tolerance:g})"
        return [value]


class Matching(_Question):
    type: Literal["matching"]
    pairs: list[Pair]
    distractors: list[NonEmpty] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self):
        if len(self.pairs) < 2:
            raise _Problem("pairs", "needs at least two pairs")
        lefts = [p.left for p in self.pairs]
        if len(set(lefts)) != len(lefts):
            raise _Problem("pairs", "a left-hand item appears twice")
        rights = {p.right for p in self.pairs}
        for d in self.distractors:
            if d in rights:
                raise _Problem("distractors", f"{d!r} is also a right answer")
        return self

    def choices(self) -> list[str]:
        """The right-hand choices (answers and distractors), sorted so their order gives nothing away."""
        return sorted({p.right for p in self.pairs} | set(self.distractors), key=str.casefold)

    def correct_text(self) -> list[str]:
        return [f"{p.left} → {p.right}" for p in self.pairs]


class Ordering(_Question):
    type: Literal["ordering"]
    items: list[Item]

    @model_validator(mode="after")
    def _check(self):
        if len(self.items) < 3:
            raise _Problem("items", "needs at least three items")
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise _Problem("items", "an item id is used twice")
        return self

    def shown_order(self, salt: str) -> list[Item]:
        """A fixed, deterministic scramble (never the correct order) for display."""
        keyed = sorted(self.items, key=lambda i: hashlib.sha256(f"{salt}:{i.id}".encode()).hexdigest())
        if [i.id for i in keyed] == [i.id for i in self.items]:
            keyed = keyed[1:] + keyed[:1]
        return keyed

    def correct_text(self) -> list[str]:
        return [i.text for i in self.items]


Question = Annotated[Union[Single, Multiple, TrueFalse, Numeric, Matching, Ordering], Field(discriminator="type")]
_QUESTION = TypeAdapter(Question)


class Bank(_Model):
    stem: str
    title: str = "Check your understanding"
    questions: list[Question]
    version: str  # sha256 of the bank file, first 12 hex digits

    def question(self, qid: str):
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(f"{self.stem}: no question {qid!r}")


# --------------------------------------------------------------------------------------------
# Loading


_USES_SAFETY = re.compile(rb"type:\s*triage|\{(?:urgency|action|flag|flag-urgency|flag-action):")


def bank_version(path: Path) -> str:
    """The version of a bank as exports record it: sha256 of its bytes, first 12 hex digits.

    A bank whose questions take words or answers from the safety data (placeholders, triage
    questions) also hashes the safety files, so a change of urgency there is a new bank version:
    saved answers to the old version are then set aside rather than marked with the new answer.
    """
    data = path.read_bytes()
    h = hashlib.sha256(data)
    if _USES_SAFETY.search(data):
        for f in (safety.RED_FLAGS_FILE, safety.PRECAUTIONS_FILE):
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def bank_path(stem_or_path: str | Path) -> Path:
    p = Path(stem_or_path)
    if p.suffix in {".yaml", ".yml"} or p.is_file():
        return p
    if not re.fullmatch(r"[0-9A-Za-z][\w-]*", str(stem_or_path)):
        raise CourseDataError(str(stem_or_path), None, None, "is not a chapter stem such as '03-anatomy'")
    return QUESTIONS_DIR / f"{stem_or_path}.yaml"


def _describe(err: ValidationError) -> tuple[str | None, str]:
    """The first problem of a pydantic error as (field, problem)."""
    e = err.errors()[0]
    ctx_err = (e.get("ctx") or {}).get("error")
    if isinstance(ctx_err, _Problem):
        return ctx_err.field, ctx_err.problem
    loc = [str(x) for x in e["loc"] if not (isinstance(x, str) and x in QUESTION_TYPES)]
    # Name list items by their id when there is one (options[2] -> options: option 3).
    field = ".".join(loc) or None
    kind = e["type"]
    if kind == "missing":
        return field, "is required"
    if kind == "extra_forbidden":
        return field, "is not a known field"
    if kind == "union_tag_invalid" or kind == "union_tag_not_found":
        return "type", f"must be one of {', '.join(QUESTION_TYPES)}, triage"
    if kind == "string_pattern_mismatch":
        return field, f"{e.get('input')!r} must be lower-case letters, digits and hyphens"
    if kind == "string_too_short":
        return field, "must not be empty"
    return field, f"{e['msg'][0].lower() + e['msg'][1:]} (got {e.get('input')!r})"


def _load(path: Path, mtime: float) -> Bank:
    name = path.name
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise CourseDataError(name, None, None, "must be a mapping with a 'questions' list")
    unknown = set(raw) - {"title", "questions"}
    if unknown:
        raise CourseDataError(name, None, ", ".join(sorted(unknown)), "is not a known field")
    qs = raw.get("questions")
    if not isinstance(qs, list) or not qs:
        raise CourseDataError(name, None, "questions", "must be a non-empty list")
    known_keys = bib_keys()
    questions, seen = [], set()
    for n, q in enumerate(qs, 1):
        label = f"question {q['id']}" if isinstance(q, dict) and isinstance(q.get("id"), str) else f"question {n}"
        if not isinstance(q, dict):
            raise CourseDataError(name, label, None, "must be a mapping")
        # Safety words come from the safety data: placeholders such as {urgency:emergency} are
        # filled in, and a triage vignette becomes a single-choice question answered from the flags.
        q = safety.expand_all(q, (name, label, None))
        if q.get("type") == "triage":
            q = safety.triage_question(q, name)
        try:
            parsed = _QUESTION.validate_python(q)
        except ValidationError as err:
            field, problem = _describe(err)
            raise CourseDataError(name, label, field, problem) from None
        if parsed.id in seen:
            raise CourseDataError(name, label, "id", f"{parsed.id!r} is used by another question")
        seen.add(parsed.id)
        for key in parsed.cite:
            if key not in known_keys:
                raise CourseDataError(name, label, "cite", f"{key!r} is not a key in book/references.bib")
        questions.append(parsed)
    title = raw.get("title", "Check your understanding")
    if not isinstance(title, str) or not title.strip():
        raise CourseDataError(name, None, "title", "must be non-empty text")
    return Bank(stem=path.stem, title=title.strip(), questions=questions, version=bank_version(path))


_load_cached = lru_cache(maxsize=64)(_load)


def load_bank(stem_or_path: str | Path) -> Bank:
    """Load and validate one bank, by chapter stem (``"03-anatomy"``) or path."""
    path = bank_path(stem_or_path)
    if not path.is_file():
        raise CourseDataError(path.name, None, None,
                              "no such question bank (expected in sciatica_course/data/questions/)")
    return _load_cached(path.resolve(), path.stat().st_mtime_ns)


def load_all(directory: Path | None = None) -> dict[str, Bank]:
    """Validate every bank (raises CourseDataError on the first problem); returns them by stem."""
    directory = directory or QUESTIONS_DIR
    return {p.stem: load_bank(p) for p in sorted(directory.glob("*.yaml"))}

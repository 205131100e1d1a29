"""What the classroom kit reads from the course: one source for everything, nothing typed twice.

- ``objectives(stem)``: the bullet list of the chapter notebook's "In this chapter you will"
  admonition (read by :mod:`sciatica_course.pages`, the course's one MyST reader).
- ``figure_calls(stem)``: the figures the notebook shows (``figures.<name>()`` and
  ``natural_course.<name>()`` calls), in order.
- ``figure(name)``: the CourseFigure itself (title, caption, text alternative, numbers).
- ``bank_questions(stem)`` / ``key_entries(stem)``: the question bank and its answer key, through
  the quiz package (``sciatica_course.quiz``).
- ``teacher_notes(stem)``: the hand-written teacher notes in ``data/teacher/<stem>.yaml``,
  validated (every error names file, item and field).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import pages, safety
from ..data import TEACHER_DIR, bib_keys, notebook_path, read_yaml
from ..errors import CourseDataError

OBJECTIVES_MARK = pages.OBJECTIVES_MARK
PLAN_MINUTES = (45, 60)
# the modules whose functions draw the course's figures (each lists them in ALL_FIGURES)
FIGURE_MODULES = ("figures", "natural_course")
# a call in a code cell (Python, not MyST): figures.<name>( or natural_course.<name>(
_FIGURE_CALL = re.compile(r"\b(?:" + "|".join(FIGURE_MODULES) + r")\.([A-Za-z_]\w*)\s*\(")


# --------------------------------------------------------------------------------------------
# Notebooks


def notebook(stem: str) -> pages.Page:
    """The chapter notebook's cells (markdown and code, with tags), read once per change."""
    path = notebook_path(stem)
    if not path.is_file():
        raise CourseDataError(f"notebooks/{stem}.ipynb", None, None, "no such notebook")
    return pages.read(path)


def parse_objectives(markdown: str) -> list[str]:
    """The bullets of the "In this chapter you will" admonition, wrapped lines joined, without the
    trailing punctuation that makes them one sentence in the notebook."""
    return pages.objectives(markdown)


def objectives(stem: str) -> list[str]:
    """The chapter's learning objectives, read from its notebook (the one place they are written)."""
    for cell in notebook(stem).markdown_cells:
        found = parse_objectives(cell.source)
        if found:
            return found
    raise CourseDataError(f"notebooks/{stem}.ipynb", "learning objectives", None,
                          f"no '{OBJECTIVES_MARK}' admonition with a bullet list")


def figure_calls(stem: str) -> list[str]:
    """Names of the figure functions the notebook calls, in order, without repeats."""
    names: list[str] = []
    for cell in notebook(stem).code_cells:
        for name in _FIGURE_CALL.findall(cell.source):
            if name not in names:
                names.append(name)
    return names


def figure_functions() -> dict[str, Any]:
    """Every figure function of the course by name (``figures`` and ``natural_course``)."""
    import importlib

    out: dict[str, Any] = {}
    for module in FIGURE_MODULES:
        for func in importlib.import_module(f"sciatica_course.{module}").ALL_FIGURES:
            out.setdefault(func.__name__, func)
    return out


def figure(name: str):
    """The CourseFigure that ``figures.<name>()`` (or ``natural_course.<name>()``) returns."""
    func = figure_functions().get(name)
    if func is None:
        raise CourseDataError("sciatica_course/figures.py", name, None,
                              f"no such figure function (in {' or '.join(FIGURE_MODULES)}.ALL_FIGURES)")
    return func()


def headings(stem: str) -> list[str]:
    """The notebook's section headings (level 2), for slides and handouts."""
    return [h.text for c in notebook(stem).markdown_cells for h in pages.headings(c.source, (2,))]


# --------------------------------------------------------------------------------------------
# Question banks and answer keys (through the quiz package; never re-typed here)


@dataclass
class KeyEntry:
    """One question with its answer, as the teacher needs it."""

    id: str
    text: str
    kind: str
    options: list[tuple[str, str]]  # (value, label), in the bank's order; empty for free answers
    answer: list[str]  # the correct value(s), as labels for display
    explanation: str
    cites: list[str] = field(default_factory=list)
    match_left: list[str] = field(default_factory=list)  # matching: the items to match ...
    match_choices: list[str] = field(default_factory=list)  # ... against these (answers + distractors)
    order_items: list[str] = field(default_factory=list)  # ordering: the items, not in the right order


def key_entry(e: dict) -> KeyEntry:
    """One entry of ``sciatica_course.quiz.key.answer_key`` as the classroom kit uses it."""
    entry = KeyEntry(id=e["id"], text=e["prompt"], kind=e["type"],
                     options=[(str(o["id"]), o["text"]) for o in e.get("options") or []],
                     answer=[str(a) for a in e["answer_labels"]], explanation=e["explanation"],
                     cites=list(e.get("cites") or []))
    # The bank's own display order (quiz/schema.py), so paper shows what the book and JupyterLab show.
    if e["type"] == "matching" and isinstance(e.get("answer"), dict):
        entry.match_left = [str(k) for k in e["answer"]]
        entry.match_choices = [str(c) for c in e["choices"]]
    if e["type"] == "ordering":
        entry.order_items = [str(t) for t in e["shown"]]
    return entry


def bank_questions(stem: str) -> list[KeyEntry]:
    """The questions of a chapter's bank with answers and explanations: the quiz's answer key API,
    generated from the bank (never typed twice)."""
    from ..quiz.key import answer_key

    return [key_entry(e) for e in answer_key(stem)]


def key_entries(stem: str) -> list[KeyEntry]:
    return bank_questions(stem)


# --------------------------------------------------------------------------------------------
# Teacher notes (hand-written, stored as data)


@dataclass
class PlanStep:
    minutes: int
    step: str
    do: str


@dataclass
class Misconception:
    myth: str
    from_article: bool
    correction: str


@dataclass
class TeacherNotes:
    stem: str
    plan: list[PlanStep]
    prompts: list[str]
    misconceptions: list[Misconception]
    activity_title: str
    activity_steps: list[str]
    activity_figure: str

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.plan)


def _require(cond: bool, file: str, item: str | None, fld: str | None, problem: str) -> None:
    if not cond:
        raise CourseDataError(file, item, fld, problem)


def _text(value: Any, file: str, item: str | None, fld: str) -> str:
    """Non-empty text, with the safety placeholders ({urgency:...}, {flag:...}) filled in from the
    safety data, so teacher notes state urgency in the same words as the chapters."""
    _require(isinstance(value, str) and value.strip() != "", file, item, fld, "must be non-empty text")
    return safety.expand(value.strip(), (file, item, fld))


def check_citations(text: str, file: str, item: str, fld: str) -> list[str]:
    keys = pages.cite_keys(text)
    known = bib_keys()
    for k in keys:
        _require(k in known, file, item, fld, f"cites {k!r}, which is not in book/references.bib")
    return keys


def teacher_notes(stem: str, path: Path | None = None) -> TeacherNotes:
    """Load and validate ``data/teacher/<stem>.yaml``."""
    path = path or TEACHER_DIR / f"{stem}.yaml"
    f = f"data/teacher/{path.name}"
    data = read_yaml(path)
    _require(isinstance(data, dict), f, None, None, "must be a mapping with plan, prompts, misconceptions, activity")
    unknown = set(data) - {"plan", "prompts", "misconceptions", "activity"}
    _require(not unknown, f, None, ", ".join(sorted(unknown)), "unknown key")

    plan_in = data.get("plan")
    _require(isinstance(plan_in, list) and plan_in, f, None, "plan", "must be a list of steps")
    plan = []
    for i, s in enumerate(plan_in, 1):
        item = f"plan step {i}"
        _require(isinstance(s, dict), f, item, None, "must be a mapping with minutes, step, do")
        m = s.get("minutes")
        _require(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 30, f, item, "minutes",
                 f"{m!r} is not a whole number of minutes from 1 to 30")
        do = _text(s.get("do"), f, item, "do")
        check_citations(do, f, item, "do")
        plan.append(PlanStep(m, _text(s.get("step"), f, item, "step"), do))
    total = sum(s.minutes for s in plan)
    lo, hi = PLAN_MINUTES
    _require(lo <= total <= hi, f, "plan", "minutes", f"add up to {total}; a lesson is {lo} to {hi} minutes")

    prompts_in = data.get("prompts")
    _require(isinstance(prompts_in, list) and prompts_in, f, None, "prompts", "must be a list of questions")
    prompts = [_text(p, f, f"prompt {i}", "prompts") for i, p in enumerate(prompts_in, 1)]

    mis_in = data.get("misconceptions")
    _require(isinstance(mis_in, list) and mis_in, f, None, "misconceptions", "must be a list")
    mis = []
    for i, m in enumerate(mis_in, 1):
        item = f"misconception {i}"
        _require(isinstance(m, dict), f, item, None, "must be a mapping with myth, from_article, correction")
        corr = _text(m.get("correction"), f, item, "correction")
        _require(bool(check_citations(corr, f, item, "correction")), f, item, "correction",
                 "must cite its source with {cite:p}`key`")
        fa = m.get("from_article", False)
        _require(isinstance(fa, bool), f, item, "from_article", "must be true or false")
        mis.append(Misconception(_text(m.get("myth"), f, item, "myth"), fa, corr))

    act = data.get("activity")
    _require(isinstance(act, dict), f, None, "activity", "must be a mapping with title and steps")
    steps = act.get("steps")
    _require(isinstance(steps, list) and steps, f, "activity", "steps", "must be a list")
    _require(any("activity below" in s.do for s in plan), f, "plan", "do",
             "no step runs the activity (say 'Run the activity below ...' in one step)")
    fig = act.get("figure")
    _require(isinstance(fig, str) and fig != "", f, "activity", "figure",
             "must name the figure the activity uses (a figures.<name> function)")
    if fig:
        shown = figure_calls(stem) or [n for s in _all_stems() for n in figure_calls(s)]
        _require(fig in shown, f, "activity", "figure",
                 f"{fig!r} is not a figure that notebooks/{stem}.ipynb (or, if it shows none, any chapter) shows "
                 f"({', '.join(shown) or 'none'})")
    return TeacherNotes(
        stem, plan, prompts, mis, _text(act.get("title"), f, "activity", "title"),
        [_text(s, f, f"activity step {i}", "steps") for i, s in enumerate(steps, 1)], fig,
    )


def figure_chapter(name: str) -> str | None:
    """The first chapter whose notebook shows figure ``name``."""
    return next((s for s in _all_stems() if name in figure_calls(s)), None)


def _all_stems() -> list[str]:
    from ..course import CHAPTERS

    return [c.stem for c in CHAPTERS]


def validate_all() -> None:
    """Every chapter has valid teacher notes and objectives (raises CourseDataError)."""
    from ..course import CHAPTERS

    for ch in CHAPTERS:
        teacher_notes(ch.stem)
        objectives(ch.stem)

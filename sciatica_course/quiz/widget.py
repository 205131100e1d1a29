"""The JupyterLab form of a quiz: ipywidgets with Check, feedback, Try again and a running score.

Every control is a native input with a visible label (so it is reachable with Tab and operable
with the keyboard); feedback starts with a text marker and an icon, so colour is never the only
signal. Grading is done by :mod:`.grading`; answers are saved by :mod:`.progress`.

Each question also asks, optionally, how sure the learner is (a labelled select box; Gardner-
Medwin's certainty-based marking, :mod:`.review`), and the quiz ends with a calibration summary.
:class:`ReviewWidget` is the Review page in JupyterLab: the questions of every chapter whose cards
in the review deck are due today, from the same progress file.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..display import esc
from . import review
from .grading import CORRECT, INVALID, Result, format_number, grade, in_words
from .progress import ProgressStore, results_csv
from .render import CONFIDENCE_HINT, CONFIDENCE_LEGEND, HINTS, cbm_line, cbm_source, sources_line
from .schema import Bank

MARKS = {
    CORRECT: ("✔", "Correct", "sc-fb-correct"),
    "wrong": ("✘", "Not quite", "sc-fb-wrong"),
    INVALID: ("⚠", "Check your answer", "sc-fb-invalid"),
}
_COLOURS = {CORRECT: "#0b6e2f", "wrong": "#a3261a", INVALID: "#7a4b00"}
_WIDE = {"description_width": "initial"}
SKIP = "Not said (no certainty mark)"


def feedback_html(q, result: Result, confidence: str | None = None) -> str:
    icon, word, cls = MARKS[result.status]
    msg = result.message
    if msg.lower().startswith(word.lower()):
        msg = msg[len(word):].lstrip(".: ")
    msg = msg[:1].upper() + msg[1:]  # "Correct. You chose ...", as sciatica-quiz.js does
    parts = [
        f'<p class="{cls}" style="border-left:4px solid {_COLOURS[result.status]};padding-left:.5em;margin:.25em 0">'
        f'<span aria-hidden="true">{icon}</span> <strong>{word}.</strong> {esc(msg)}</p>'
    ]
    if result.status != INVALID:
        line = cbm_line(result.correct, confidence)
        if line:
            parts.append(f"<p style='margin:.25em 0'>{esc(line)}</p>")
        parts += [f"<p style='margin:.25em 0'>{esc(f)}</p>" for f in result.feedback]
        parts.append(f"<p style='margin:.25em 0'><em>Explanation:</em> {esc(q.explanation)}</p>")
        src = sources_line(q)
        if src:
            parts.append(f"<p style='margin:.25em 0'><small>{esc(src)}</small></p>")
    return "".join(parts)


def show_notices(store, notice) -> None:
    """What ``store`` (a ProgressStore) has to tell, once each, as alerts in the ``notice`` widget;
    the quiz and the review deck show them beside their score."""
    if store.notices:
        notice.value = "".join(
            f"<p role='alert' style='border-left:4px dashed {_COLOURS[INVALID]};padding-left:.5em;margin:.25em 0'>"
            f"<span aria-hidden='true'>⚠</span> {esc(n)}</p>"
            for n in dict.fromkeys(store.notices)
        )
        store.notices.clear()


class QuestionWidget:
    def __init__(self, quiz: "QuizWidget", q, n: int, total: int):
        self.quiz, self.q = quiz, q
        self.attempts = 0
        self.last: Result | None = None
        self.last_confidence: str | None = None
        prompt = w.HTML(
            f"<p style='margin:.5em 0 .25em'><strong>Question {n} of {total}.</strong> {esc(q.prompt)} "
            f"<em>{HINTS[q.type]}</em></p>"
        )
        self.inputs = self._inputs()
        # Optional: how sure the learner is, before checking (certainty-based marking). A select box
        # with its label tied to it (ipywidgets' RadioButtons have neither a group name nor a label
        # a screen reader announces); the book uses a fieldset of radio buttons.
        self.confidence = w.Dropdown(
            options=[(SKIP, None)] + [(review.LEVEL_WORDS[lv], lv) for lv in review.LEVELS], value=None,
            description=f"{CONFIDENCE_LEGEND} ({CONFIDENCE_HINT.lower()})", style=_WIDE, layout=w.Layout(width="auto"),
        )
        self.check = w.Button(description="Check", button_style="primary", tooltip=f"Check your answer to question {n}")
        self.retry = w.Button(description="Try again", tooltip=f"Clear question {n} and answer again")
        self.retry.layout.display = "none"
        self.feedback = w.HTML(value="")
        self.check.on_click(lambda _b: self.on_check())
        self.retry.on_click(lambda _b: self.on_retry())
        self.box = w.VBox(
            [prompt, self.inputs, self.confidence, w.HBox([self.check, self.retry]), self.feedback],
            layout=w.Layout(border="1px solid #bbb", padding="4px 10px", margin="6px 0"),
        )

    # ------------------------------------------------------------------ inputs per type
    def _inputs(self):
        q = self.q
        if q.type in {"single", "truefalse"}:
            opts = [(o.text, o.id) for o in q.options] if q.type == "single" else [("True", True), ("False", False)]
            self.control = w.RadioButtons(options=opts, value=None, description="Answer:", style=_WIDE,
                                          layout=w.Layout(width="auto"))
            return self.control
        if q.type == "multiple":
            self.control = [w.Checkbox(value=False, description=o.text, indent=False, layout=w.Layout(width="auto"))
                            for o in q.options]
            return w.VBox(self.control)
        if q.type == "numeric":
            terms = in_words(q.unit, q.scale)
            label = f"Your answer ({terms}):" if terms else "Your answer:"
            self.control = w.Text(value="", description=label, placeholder="a number", style=_WIDE)
            return self.control
        if q.type == "matching":
            choices = [("Choose…", None)] + [(c, c) for c in q.choices()]
            self.control = {p.left: w.Dropdown(options=choices, value=None, description=p.left, style=_WIDE,
                                               layout=w.Layout(width="auto"))
                            for p in q.pairs}
            return w.VBox(list(self.control.values()))
        if q.type == "ordering":
            places = [("Place…", None)] + [(str(k), k) for k in range(1, len(q.items) + 1)]
            self.control = {i.id: w.Dropdown(options=places, value=None, description=i.text, style=_WIDE,
                                             layout=w.Layout(width="auto"))
                            for i in q.shown_order(f"{self.quiz.bank.stem}:{q.id}")}
            return w.VBox(list(self.control.values()))
        raise ValueError(q.type)  # pragma: no cover

    def answer(self) -> Any:
        q = self.q
        if q.type in {"single", "truefalse", "numeric"}:
            return self.control.value
        if q.type == "multiple":
            return [o.id for o, cb in zip(q.options, self.control) if cb.value]
        if q.type == "matching":
            return {left: dd.value for left, dd in self.control.items() if dd.value is not None}
        if q.type == "ordering":
            return {iid: dd.value for iid, dd in self.control.items()}
        raise ValueError(q.type)  # pragma: no cover

    def set_answer(self, value: Any) -> None:
        q = self.q
        try:
            if q.type in {"single", "truefalse"}:
                self.control.value = value
            elif q.type == "numeric":
                self.control.value = format_number(value) if isinstance(value, (int, float)) else str(value)
            elif q.type == "multiple":
                for o, cb in zip(q.options, self.control):
                    cb.value = o.id in (value or [])
            elif q.type == "matching":
                for left, dd in self.control.items():
                    dd.value = value.get(left)
            elif q.type == "ordering":
                for place, iid in enumerate(value, 1):
                    self.control[iid].value = place
        except (KeyError, TypeError, ValueError, w.TraitError):
            self.clear()  # a saved answer that no longer fits the question: start afresh

    def clear(self) -> None:
        q = self.q
        if q.type in {"single", "truefalse"}:
            self.control.value = None
        elif q.type == "numeric":
            self.control.value = ""
        elif q.type == "multiple":
            for cb in self.control:
                cb.value = False
        else:
            for dd in self.control.values():
                dd.value = None

    # ------------------------------------------------------------------ actions
    def on_check(self) -> Result:
        result = grade(self.q, self.answer())
        confidence = self.confidence.value
        if result.counts:
            self.attempts += 1
            self.last, self.last_confidence = result, confidence
            self.quiz.save(self.q.id, result, self.attempts, confidence)
            self.retry.layout.display = None
        self.feedback.value = feedback_html(self.q, result, confidence if result.counts else None)
        self.quiz.update_score()
        return result

    def on_retry(self) -> None:
        self.clear()
        self.confidence.value = None
        self.feedback.value = ""
        self.retry.layout.display = "none"

    def restore(self, saved: dict) -> bool:
        """Show a saved answer, graded again (so the mark and the score come from the same
        result). False when it does not fit the question or its saved "correct" flag disagrees."""
        result = grade(self.q, saved.get("answer"))
        if not result.counts or result.correct != saved.get("correct"):
            return False
        self.attempts = int(saved.get("attempts", 0))
        self.set_answer(result.answer)
        self.last, self.last_confidence = result, saved.get("confidence")
        self.confidence.value = self.last_confidence
        self.feedback.value = ("<p><small>Your saved answer:</small></p>"
                               + feedback_html(self.q, result, self.last_confidence))
        self.retry.layout.display = None
        return True


def calibration_html(answers) -> str:
    """The calibration summary (empty when no answer was rated)."""
    text = review.calibrate(answers).text
    if not text:
        return ""
    return (f"<p class='sc-quiz-calibration' style='margin:.5em 0'><strong>How sure you were:</strong> {esc(text)} "
            f"<small>{esc(cbm_source())}</small></p>")


class QuizWidget:
    """The whole quiz for one chapter (``.box`` is the widget to display)."""

    def __init__(self, bank: Bank, store: ProgressStore | None = None):
        self.bank = bank
        self.store = store or ProgressStore()
        total = len(bank.questions)
        self.questions = [QuestionWidget(self, q, n, total) for n, q in enumerate(bank.questions, 1)]
        self.score = w.HTML()
        self.calibration = w.HTML()  # after the questions: how sure the learner was, and how often right
        self.notice = w.HTML()  # problems with the saved answers: beside the score they concern
        self.status = w.HTML()  # what the export and reset buttons did: beside the buttons
        saved: dict = {}
        try:
            saved = self.store.chapter(bank.stem, bank.version)
            learner = self.store.learner
        except OSError as exc:
            self.store.notices.append(f"Your progress file cannot be read ({exc}); answers will not be saved.")
            learner = ""
        numbers = {qw.q.id: n for n, qw in enumerate(self.questions, 1)}
        damaged = [qid for qid in saved if qid not in numbers]
        for qw in self.questions:
            if qw.q.id in saved and not qw.restore(saved[qw.q.id]):
                damaged.append(qw.q.id)
        if damaged:
            names = [f"question {numbers[q]}" if q in numbers else "an unknown question" for q in damaged]
            try:
                self.store.drop_answers(bank.stem, damaged, f"the saved answers to {', '.join(names)}")
            except OSError as exc:
                self.store.notices.append(f"Your saved answers to {', '.join(names)} do not fit the questions "
                                          "and are not counted; the file could not be cleaned "
                                          f"({exc.strerror or exc}).")
        self.learner = w.Text(value=learner, description="Your name or learner ID:", style=_WIDE)
        # Buttons as wide as their words (the default width cut "Export results (JSON)"), on as
        # many lines as the notebook's width needs.
        fit = {"width": "auto", "min_width": "fit-content", "height": "auto"}
        export_json = w.Button(description="Export results (JSON)", tooltip="Save your results for your teacher",
                               layout=w.Layout(**fit))
        export_csv = w.Button(description="Export results (CSV)", tooltip="Save your results as a spreadsheet file",
                              layout=w.Layout(**fit))
        reset = w.Button(description="Reset this quiz", button_style="warning",
                         tooltip="Forget your answers to this quiz", layout=w.Layout(**fit))
        export_json.on_click(lambda _b: self.export("json"))
        export_csv.on_click(lambda _b: self.export("csv"))
        reset.on_click(lambda _b: self.reset())
        self.buttons = w.HBox([export_json, export_csv, reset],
                              layout=w.Layout(flex_flow="row wrap", grid_gap="4px", width="100%"))
        self.update_score()
        self.show_notices()
        self.box = w.VBox(
            [w.HTML(f"<p><strong>{esc(bank.title)}</strong>: {total} questions. You may also say how sure you are "
                    "before you check. The ones you miss, or are not sure of, come back in the Review deck notebook "
                    "(review-deck.ipynb).</p>"), self.score, self.notice]
            + [qw.box for qw in self.questions]
            + [self.calibration, w.VBox([self.learner, self.buttons, self.status])]
        )

    # ------------------------------------------------------------------ state
    def score_value(self) -> int:
        return sum(1 for qw in self.questions if qw.last is not None and qw.last.correct)

    def update_score(self) -> None:
        answered = sum(1 for qw in self.questions if qw.last is not None)
        self.score.value = (
            f"<p><strong>Score: {self.score_value()} of {len(self.questions)} correct</strong> "
            f"({answered} answered).</p>"
        )
        self.calibration.value = calibration_html(
            (qw.last.correct, qw.last_confidence) for qw in self.questions if qw.last is not None)

    def show_notices(self) -> None:
        """Show what the progress store has to tell (once each), beside the score."""
        show_notices(self.store, self.notice)

    def save(self, qid: str, result: Result, attempts: int, confidence: str | None = None) -> None:
        try:
            self.store.record(self.bank.stem, self.bank.version, qid, result.answer, result.correct, attempts,
                              confidence)
        except OSError as exc:
            self.store.notices.append(f"Your answer could not be saved ({exc.strerror or exc}).")
        self.show_notices()

    def reset(self) -> None:
        try:
            self.store.reset(self.bank.stem)
        except OSError as exc:
            self.store.notices.append(f"Could not reset the saved answers ({exc.strerror or exc}).")
        for qw in self.questions:
            qw.on_retry()
            qw.attempts, qw.last = 0, None
        self.update_score()
        self.notice.value = ""
        self.status.value = "<p>This quiz was reset. Your other chapters are kept.</p>"
        self.show_notices()

    def export(self, fmt: str, folder: Path | None = None) -> Path | None:
        """Write the learner's results (every chapter) to a file and offer a download link."""
        name = self.learner.value.strip()
        try:
            if name:
                self.store.learner = name
            results = self.store.export_results(name or None)
            slug = re.sub(r"[^A-Za-z0-9_-]+", "-", results["learner"]).strip("-") or "learner"
            folder = folder or Path.home() / "sciatica-course-results"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"sciatica-results-{slug}.{fmt}"
            text = results_csv(results) if fmt == "csv" else json.dumps(results, ensure_ascii=False, indent=1)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self.status.value = f"<p role='alert'><span aria-hidden='true'>⚠</span> Could not export: {esc(exc)}</p>"
            return None
        mime = "text/csv" if fmt == "csv" else "application/json"
        href = f"data:{mime};base64,{base64.b64encode(text.encode('utf-8')).decode('ascii')}"
        self.status.value = (
            f"<p>Saved <code>{esc(path)}</code>. "
            f'<a download="{esc(path.name)}" href="{href}">Download {esc(path.name)}</a> '
            "and hand it to your teacher.</p>"
        )
        self.show_notices()
        return path


class _DeckChapter:
    """One chapter's part of the review deck: what a QuestionWidget asks of its quiz."""

    def __init__(self, deck: "ReviewWidget", bank: Bank):
        self.deck, self.bank = deck, bank

    def save(self, qid: str, result: Result, attempts: int, confidence: str | None = None) -> None:
        try:
            rec = self.deck.store.record(self.bank.stem, self.bank.version, qid, result.answer, result.correct,
                                         attempts, confidence)
            self.deck.cards[(self.bank.stem, qid)] = review.card_of(rec)
        except OSError as exc:
            self.deck.store.notices.append(f"Your answer could not be saved ({exc.strerror or exc}).")
        self.deck.show_notices()

    def update_score(self) -> None:
        self.deck.update_summary()


class ReviewWidget:
    """The Review page in JupyterLab: every chapter's questions whose cards are due today
    (``.box`` is the widget to display). Answers are saved in the chapters' records, as there."""

    def __init__(self, banks: list[Bank], store: ProgressStore | None = None):
        self.store = store or ProgressStore()
        self.summary = w.HTML()
        self.notice = w.HTML()
        self.calibration = w.HTML()
        self.questions: list[QuestionWidget] = []
        self.cards: dict[tuple[str, str], review.Card | None] = {}
        self.chapters = 0
        later: list[dict] = []
        parts: list = []
        for bank in banks:
            try:
                saved = self.store.chapter(bank.stem, bank.version)
            except OSError as exc:
                self.store.notices.append(f"Your progress file cannot be read ({exc}); answers will not be saved.")
                saved = {}
            numbers = {q.id: n for n, q in enumerate(bank.questions, 1)}
            due = [qid for qid in review.due_questions(saved) if qid in numbers]
            later += [a for qid, a in saved.items() if qid in numbers]
            if not due:
                continue
            self.chapters += 1
            chapter = _DeckChapter(self, bank)
            parts.append(w.HTML(f"<p style='margin:.75em 0 0'><strong>{esc(bank.title)}</strong></p>"))
            for qid in sorted(due, key=numbers.get):
                qw = QuestionWidget(chapter, bank.question(qid), numbers[qid], len(bank.questions))
                qw.attempts = int(saved[qid].get("attempts", 0))
                self.cards[(bank.stem, qid)] = review.card_of(saved[qid])
                self.questions.append(qw)
                parts.append(qw.box)
        self.next_date = review.next_due(later)
        self.update_summary()
        self.show_notices()
        self.box = w.VBox([self.summary, self.notice] + parts + [self.calibration])

    def update_summary(self) -> None:
        text = review.summary_text(len(self.questions), self.chapters, self.next_date)
        done = [qw for qw in self.questions if qw.last is not None]
        if self.questions:
            text += f" Answered: {len(done)} of {len(self.questions)}."
        self.summary.value = f"<p class='sc-review-summary'><strong>{esc(text)}</strong></p>"
        self.calibration.value = calibration_html((qw.last.correct, qw.last_confidence) for qw in done)

    def show_notices(self) -> None:
        show_notices(self.store, self.notice)

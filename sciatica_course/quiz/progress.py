"""A learner's quiz progress in JupyterLab, and the results export a teacher collects.

Progress lives in one local JSON file, ``~/.sciatica-course/progress.json`` by default (set the
environment variable ``SCIATICA_PROGRESS`` to use another file), so it survives a kernel restart::

    {"format": "sciatica-course-progress", "version": 1, "learner": "Ana",
     "chapters": {"03-anatomy": {"bank": "<bank version>",
                                 "answers": {"roots-01": {"answer": "l4-s3", "correct": true, "attempts": 2,
                                                          "confidence": "high"}}}}}

An answer may carry the learner's ``confidence`` (``low``, ``medium``, ``high``) and its card in the
review deck, ``review: {"box": 1, "due": "2026-05-02"}`` (:mod:`.review`); both are optional, so
records written before them still read.

**The first checked answer.** ``first: {"answer": "l1-l3", "correct": false}`` is the answer the
learner gave at their first check of the question, and whether it was right: what a teacher's class
report needs to show misconceptions (the last answer alone hides a wrong first answer that was
corrected). It is written at the first check and never changed by later checks, by "Try again" (a
retry of one question is still the same learner's go at it) or by the Review page. "Reset this
quiz" forgets the whole chapter, first answers included: a reset is the learner asking the quiz to
forget, and what they export afterwards is what they answered since. A record written before this
field existed has no first answer (unknown), unless it was checked only once: its answer is then
the first one, and is kept as such at the next check (:func:`first_of`). ``static/sciatica-quiz.js``
writes the same field by the same rule (``firstOf``).

Every save re-reads the file and replaces only its own chapter, and writes atomically (a temporary
file, then a rename), so two notebooks open at once do not erase each other's records.

A file that is not JSON, or is JSON but not a progress file (a "foreign" file), is reported and set
aside as ``progress.json.corrupt-<timestamp>``; the quiz then starts a fresh file. A single bad
chapter record is dropped with a notice, after a copy of the whole file has been set aside the same
way, and the other chapters are kept. An answer whose confidence or review state is damaged is
dropped the same way (a copy of the file first), and the rest of its chapter is kept. A damaged
first answer (not ``{"answer": ..., "correct": true|false}``) is set aside the same way, but only
that field is dropped: the answer, its score and card are kept, and its first answer becomes unknown.

The export (``export_results``, ``write_json``, ``write_csv``) is the format the class report reads
(``sciatica_course.classroom.report``): ``{"format": "sciatica-course-results", "version": 1, ...}``
and CSV columns ``learner,chapter,question_id,answer,correct,attempts,confidence,first_answer,first_correct``
(the last two empty when the first answer is unknown). The JSON export carries each answer's
confidence, review state and first answer as the progress file holds them; exports made before these
fields existed still read (no confidence, no card, first answer unknown).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import review

PROGRESS_FORMAT = "sciatica-course-progress"
RESULTS_FORMAT = "sciatica-course-results"
VERSION = 1
CSV_HEADER = ["learner", "chapter", "question_id", "answer", "correct", "attempts", "confidence",
              "first_answer", "first_correct"]


def default_path() -> Path:
    env = os.environ.get("SCIATICA_PROGRESS")
    return Path(env).expanduser() if env else Path.home() / ".sciatica-course" / "progress.json"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _valid_answer(rec: Any) -> bool:
    return (
        isinstance(rec, dict)
        and "answer" in rec
        and isinstance(rec.get("correct"), bool)
        and isinstance(rec.get("attempts"), int)
        and not isinstance(rec.get("attempts"), bool)
        and rec["attempts"] >= 0
    )


def _extras_ok(rec: dict) -> bool:
    """The optional fields of a saved answer: confidence and review state."""
    return review.valid_confidence(rec.get("confidence")) and review.valid_review(rec.get("review"))


def valid_first(value: Any) -> bool:
    """Whether a saved ``first`` field has the right form (absent is fine): ``{"answer", "correct"}``."""
    return value is None or (isinstance(value, dict) and set(value) == {"answer", "correct"}
                             and isinstance(value["correct"], bool))


def first_of(old: dict | None, answer: Any, correct: bool) -> dict | None:
    """The ``first`` field of an answer record after one more check (None: unknown).

    No earlier record: this check is the first. An earlier record keeps its first answer; one
    written before the field existed has none, unless it was checked once (its answer was the first).
    """
    if old is None:
        return {"answer": answer, "correct": bool(correct)}
    if old.get("first") is not None:
        first = old["first"]
        return {"answer": first["answer"], "correct": first["correct"]} if valid_first(first) else None
    if old.get("attempts") == 1 and isinstance(old.get("correct"), bool) and "answer" in old:
        return {"answer": old["answer"], "correct": old["correct"]}
    return None


def _valid_chapter(rec: Any) -> bool:
    return (
        isinstance(rec, dict)
        and isinstance(rec.get("bank"), str)
        and isinstance(rec.get("answers"), dict)
        and all(isinstance(k, str) and _valid_answer(v) for k, v in rec["answers"].items())
    )


class ProgressStore:
    """Read and update the progress file. ``notices`` collects what the learner should be told."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.notices: list[str] = []

    # ---------------------------------------------------------------- reading and setting aside
    def _set_aside(self, reason: str, move: bool) -> Path:
        stamp = _now().strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        (shutil.move if move else shutil.copyfile)(self.path, target)
        self.notices.append(f"{self.path.name}: {reason}; it was set aside as {target.name}.")
        return target

    def read(self) -> dict:
        """The whole progress document (a fresh one if there is none or it had to be set aside)."""
        fresh = {"format": PROGRESS_FORMAT, "version": VERSION, "learner": "", "chapters": {}}
        if not self.path.exists():
            return fresh
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
            self._set_aside(f"is not a readable progress file ({reason})", move=True)
            return fresh
        if not (isinstance(doc, dict) and doc.get("format") == PROGRESS_FORMAT
                and isinstance(doc.get("chapters"), dict)):
            self._set_aside("is not a sciatica-course progress file", move=True)
            return fresh
        if doc.get("version") != VERSION:
            self._set_aside(f"has progress format version {doc.get('version')!r}, not {VERSION}", move=True)
            return fresh
        bad = [stem for stem, rec in doc["chapters"].items() if not _valid_chapter(rec)]
        if bad:
            self._set_aside(f"the record of {', '.join(bad)} is damaged and was dropped (other chapters kept)",
                            move=False)
            for stem in bad:
                del doc["chapters"][stem]
            # Save the cleaned file (the whole original is in the copy just made): otherwise every
            # later read would find the same damage and make another identical copy and notice.
            self._write(doc)
        extras = {stem: [q for q, a in rec["answers"].items() if not _extras_ok(a)]
                  for stem, rec in doc["chapters"].items()}
        extras = {stem: qids for stem, qids in extras.items() if qids}
        if extras:
            where = "; ".join(f"{stem}: {', '.join(sorted(qids))}" for stem, qids in sorted(extras.items()))
            self._set_aside(f"the confidence or review state of some answers was damaged ({where}); those answers "
                            "were dropped (your other answers are kept)", move=False)
            for stem, qids in extras.items():
                for q in qids:
                    del doc["chapters"][stem]["answers"][q]
            self._write(doc)
        firsts = {stem: [q for q, a in rec["answers"].items() if not valid_first(a.get("first"))]
                  for stem, rec in doc["chapters"].items()}
        firsts = {stem: qids for stem, qids in firsts.items() if qids}
        if firsts:
            where = "; ".join(f"{stem}: {', '.join(sorted(qids))}" for stem, qids in sorted(firsts.items()))
            self._set_aside(f"the first answer kept for some questions was damaged ({where}); it was dropped "
                            "(your answers and scores are kept)", move=False)
            for stem, qids in firsts.items():
                for q in qids:
                    del doc["chapters"][stem]["answers"][q]["first"]
            self._write(doc)
        if not isinstance(doc.get("learner"), str):
            doc["learner"] = ""
        return doc

    def _write(self, doc: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # ---------------------------------------------------------------- one chapter
    def chapter(self, stem: str, bank_version: str | None = None) -> dict[str, dict]:
        """The saved answers of one chapter ({} when none, or when its bank has changed since)."""
        rec = self.read()["chapters"].get(stem)
        if rec is None:
            return {}
        if bank_version is not None and rec["bank"] != bank_version:
            self.notices.append(
                f"The questions of {stem} have changed since you last answered them; "
                "your earlier answers there are kept in the file until you answer again."
            )
            return {}
        return dict(rec["answers"])

    def record(self, stem: str, bank_version: str, qid: str, answer: Any, correct: bool, attempts: int,
               confidence: str | None = None) -> dict:
        """Save one question's latest graded answer (its number of attempts, the confidence given,
        if any), keep its first checked answer (:func:`first_of`) and move its card in the review deck
        (:func:`.review.schedule`). Returns the record."""
        doc = self.read()
        rec = doc["chapters"].get(stem)
        if rec is None or rec["bank"] != bank_version:
            rec = {"bank": bank_version, "answers": {}}
        old = rec["answers"].get(qid)
        card = review.schedule(review.card_of(old) if old else None, bool(correct), confidence)
        new = {"answer": answer, "correct": bool(correct), "attempts": int(attempts)}
        if confidence in review.LEVELS:
            new["confidence"] = confidence
        if card is not None:
            new["review"] = card.as_dict()
        first = first_of(old, answer, bool(correct))
        if first is not None:
            new["first"] = first
        rec["answers"][qid] = new
        doc["chapters"][stem] = rec
        self._write(doc)
        return new

    def drop_answers(self, stem: str, qids: list[str], what: str) -> None:
        """Set aside a copy of the file, then drop these saved answers of one chapter (the rest
        are kept): answers of the right shape that do not fit their questions (``what`` says
        which, for the notice). Done once: the cleaned file no longer has them."""
        doc = self.read()
        rec = doc["chapters"].get(stem)
        present = [q for q in qids if rec is not None and q in rec["answers"]]
        if not present:
            return
        self._set_aside(f"{what} of {stem} did not fit the questions and were dropped (your other answers are kept)",
                        move=False)
        for q in present:
            del rec["answers"][q]
        self._write(doc)

    def reset(self, stem: str) -> None:
        """Forget one chapter's answers (the other chapters are kept)."""
        doc = self.read()
        if doc["chapters"].pop(stem, None) is not None:
            self._write(doc)

    @property
    def learner(self) -> str:
        return self.read().get("learner", "")

    @learner.setter
    def learner(self, name: str) -> None:
        doc = self.read()
        doc["learner"] = str(name).strip()
        self._write(doc)

    # ---------------------------------------------------------------- export
    def export_results(self, learner: str | None = None, totals: dict[str, int] | None = None) -> dict:
        """All chapters' results in the export format the class report reads.

        ``totals`` gives the number of questions per chapter (default: read from the banks).
        """
        doc = self.read()
        chapters, banks = {}, {}
        for stem, rec in sorted(doc["chapters"].items()):
            total = (totals or {}).get(stem)
            if total is None:
                total = _bank_total(stem, len(rec["answers"]))
            answers = {qid: {k: v for k, v in a.items() if not (k == "first" and v is None)}  # as the script does
                       for qid, a in sorted(rec["answers"].items())}
            chapters[stem] = {"score": sum(a["correct"] for a in answers.values()), "total": total, "answers": answers}
            banks[stem] = rec["bank"]
        return {
            "format": RESULTS_FORMAT,
            "version": VERSION,
            "learner": (learner if learner is not None else doc.get("learner", "")).strip() or "anonymous",
            "exported": _now().isoformat(timespec="seconds"),
            "banks": banks,
            "chapters": chapters,
        }

    def write_json(self, path: Path | str, learner: str | None = None) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.export_results(learner), ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    def write_csv(self, path: Path | str, learner: str | None = None) -> Path:
        path = Path(path)
        path.write_text(results_csv(self.export_results(learner)), encoding="utf-8")
        return path


def _bank_total(stem: str, fallback: int) -> int:
    from ..errors import CourseDataError
    from .schema import load_bank

    try:
        return len(load_bank(stem).questions)
    except CourseDataError:
        return fallback


def csv_answer(value: Any) -> str:
    """An answer as one CSV cell: text as it is, anything else (lists, numbers, true/false) as JSON.

    Text that would itself read as JSON (say the option id ``"1"``) is written as a JSON string, so
    reading the cell back (``json.loads`` when it parses) always gives the original value.
    """
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            return value
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def results_csv(results: dict) -> str:
    """The CSV form of an export: one row per answered question."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_HEADER)
    for stem, ch in results["chapters"].items():
        for qid, a in ch["answers"].items():
            first = a.get("first") if valid_first(a.get("first")) else None
            w.writerow([results["learner"], stem, qid, csv_answer(a["answer"]), "true" if a["correct"] else "false",
                        a["attempts"], a.get("confidence") or "",
                        csv_answer(first["answer"]) if first else "",
                        ("true" if first["correct"] else "false") if first else ""])
    return out.getvalue()

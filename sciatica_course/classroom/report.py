"""Class report: merge learners' exported quiz results into a class summary (CSV and HTML).

``python -m sciatica_course class-report results/ more/*.json [--out DIR]`` reads each learner's
export (the JSON written by the quiz's "Export results" button in the book or in JupyterLab, or its
CSV form; a folder stands for the ``*.json`` and ``*.csv`` files in it), checks it, and writes:

- ``questions.csv``: per question, how many answered, how many were right at their first check,
  how many were right in the end, how many corrected a wrong first answer, and the wrong answers
  chosen most often (first and final); :data:`QUESTION_COLUMNS` says what each column counts (the
  HTML page shows the same list);
- ``learners.csv``: per learner, score, total and percent;
- ``wrong_answers.csv``: every wrong answer given, at the first check or in the end, with how many
  chose it in the end (``times_chosen``) and at their first check (``times_chosen_first``);
- ``problems.csv``: every file or part of a file left out, and why;
- ``class-report.html``: the same as an accessible page with a chart, drawn by the course's own
  basic plotly.js bundle, which is written beside it (``plotly-basic.min.js``): the folder works
  offline and stays small.

First check and misconceptions: an export keeps each question's last answer, whether it was right,
how many times the learner pressed "Check" (``attempts``) and, since the quizzes record it, the
answer given at the first check and whether it was right (``first: {"answer", "correct"}``; in CSV
the columns ``first_answer`` and ``first_correct``). A learner was *right at the first check* when
that first answer was right. Every learner whose first answer was wrong, whether they corrected it
or not, counts towards the *most common first wrong answer*, the misconception to discuss.

Exports made before the quizzes recorded the first answer have none: when such an answer was
checked once, the answer kept is the first one and counts as such; when it was checked more than
once, its first answer is unknown and counted as "first answer not kept", never guessed (it counts
as not right at the first check). A damaged first answer is named in ``problems.csv`` and counted
as not kept; the rest of that answer is used.

A bad file never stops the report, whatever it holds: it is named in ``problems.csv`` (and on the
terminal) and the other files are still counted. Limits no class reaches keep hostile files small
and harmless (each named in its message): a file over :data:`MAX_FILE_BYTES` or nested deeper than
:data:`MAX_DEPTH` is left out unread; a learner with more than :data:`MAX_ANSWERS_PER_LEARNER`
answers is left out; a file with more than :data:`MAX_LEARNERS_PER_FILE` learners keeps the first
ones; at most :data:`MAX_PROBLEMS_PER_FILE` problems are listed per file, then their count. CSV files
are read row by row, so memory stays flat as files grow.

Other rules: a file that is not valid JSON/CSV or not a course export is left out; a chapter
exported against a different version of its question bank is left out (its questions may have
changed); a learner who exported without a name ("anonymous") is labelled by file and never taken
for another one; when the same named learner appears in two exports the most recent one is kept,
unless the two were exported at the same moment with different answers (two people with one name:
both kept, labelled by file).
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..display import PLOTLY_CONFIG, esc, html_table

FORMAT = "sciatica-course-results"
VERSION = 1
CSV_HEADER = ["learner", "chapter", "question_id", "answer", "correct", "attempts"]
# Exports since issue 16 add the learner's confidence (low, medium, high or empty); then the first
# checked answer and whether it was right (both empty when unknown). All three forms read.
CSV_HEADER_CONFIDENCE = CSV_HEADER + ["confidence"]
CSV_HEADER_FIRST = CSV_HEADER_CONFIDENCE + ["first_answer", "first_correct"]
CONFIDENCE_LEVELS = ("low", "medium", "high")
ANONYMOUS = "anonymous"  # what both quizzes write for a learner who gave no name

# Limits: far above any class, far below what hurts.
MAX_FILE_BYTES = 5_000_000  # a learner's export is a few KB; a whole class's CSV well under 1 MB
MAX_DEPTH = 12  # an export nests 6 levels (export, chapters, chapter, answers, answer, value)
MAX_ANSWERS_PER_LEARNER = 1_000  # the course has about 100 questions
MAX_LEARNERS_PER_FILE = 1_000
MAX_PROBLEMS_PER_FILE = 20
MAX_NAME = 80  # characters of a learner's name or of a value shown in a message

PLOTLY_BUNDLE = "plotly-basic.min.js"

# What each column of questions.csv counts (written into the HTML report too).
QUESTION_COLUMNS = [
    ("answered", "learners who answered the question (their answer as it stands now)"),
    ("right_first_check", "learners whose answer at their first check was right"),
    ("percent_right_first_check", "right_first_check as a percent of answered"),
    ("most_common_first_wrong_answer", "the wrong answer given most often at the first check, by every learner "
                                       "who was wrong then, whether they corrected it later or not: the "
                                       "misconception to discuss"),
    ("times_chosen_first", "how many learners gave that answer at their first check"),
    ("first_answer_not_kept", "learners whose first answer the export does not hold: exports made before the "
                              "quizzes kept the first answer, of a question checked more than once, and first answers "
                              "found damaged (named under Problems); counted as not right at the first check"),
    ("correct", "learners whose answer is right now (after any corrections)"),
    ("percent_correct", "correct as a percent of answered"),
    ("most_common_wrong_answer", "the wrong answer kept most often now, and times_chosen how many kept it"),
    ("wrong_and_very_sure", "learners whose answer is wrong now although they said they were very sure of it"),
    ("wrong_first_right_in_the_end", "learners who were wrong at the first check and are right now (they are also "
                                     "counted in correct)"),
]


# --------------------------------------------------------------------------------------------
# What the report needs to know about the current question banks


@dataclass
class BankInfo:
    """The current version of one bank and the words of its questions and options."""

    version: str  # sha256 of the bank file, first 12 hex digits
    questions: dict[str, str] = field(default_factory=dict)  # qid -> question text
    options: dict[str, dict[str, str]] = field(default_factory=dict)  # qid -> {value: label}


def current_banks() -> dict[str, BankInfo]:
    """Version, question texts and option labels of every bank in the course.

    A bank that does not load is still known by its file version (so exports of it are checked),
    without labels.
    """
    from ..data import QUESTIONS_DIR
    from ..errors import CourseDataError
    from ..quiz.schema import bank_version, load_bank

    banks: dict[str, BankInfo] = {}
    for path in sorted(QUESTIONS_DIR.glob("*.yaml")):
        info = BankInfo(version=bank_version(path))
        try:
            for q in load_bank(path).questions:
                info.questions[q.id] = q.prompt
                info.options[q.id] = {o.id: o.text for o in getattr(q, "options", None) or []}
        except CourseDataError:
            pass
        banks[path.stem] = info
    return banks


# --------------------------------------------------------------------------------------------
# Problems


@dataclass
class Problem:
    file: str
    item: str
    field: str
    problem: str

    def __str__(self) -> str:
        return ": ".join(p for p in (self.file, self.item, self.field) if p) + ": " + self.problem


class ProblemLog:
    """Problems in the order found, at most ``limit`` listed per file; the rest only counted."""

    def __init__(self, limit: int = MAX_PROBLEMS_PER_FILE):
        self.limit = limit
        self._listed: list[Problem] = []
        self._count: Counter = Counter()

    def append(self, p: Problem) -> None:
        self._count[p.file] += 1
        if self._count[p.file] <= self.limit:
            self._listed.append(p)

    def count(self, file: str) -> int:
        return self._count[file]

    def problems(self) -> list[Problem]:
        """The listed problems, each file's followed by a count of those not listed."""
        last = {p.file: i for i, p in enumerate(self._listed)}
        out = []
        for i, p in enumerate(self._listed):
            out.append(p)
            n = self._count[p.file] - self.limit
            if last[p.file] == i and n > 0:
                out.append(Problem(p.file, "", "", f"{n} more problems in this file are not listed "
                                                   f"(only the first {self.limit} are)."))
        return out


def show(value: Any, limit: int = MAX_NAME) -> str:
    """A value quoted for a message, shortened (with its length) when long: messages stay short and
    whole, never cut mid-sentence."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f"{len(value)} characters" if isinstance(value, str) else type(value).__name__
    return f"{text[:limit - 1]}\u2026 ({size})"


def short(value: Any, limit: int = 40) -> str:
    """Text for an item's name in a message (a chapter, a question id), shortened when long."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}\u2026 ({len(text)} characters)"


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


# --------------------------------------------------------------------------------------------
# Reading exports


@dataclass
class Answer:
    answer: Any
    correct: bool
    attempts: int
    confidence: str | None = None  # how sure the learner said they were (issue 16), when they said
    first: tuple[Any, bool] | None = None  # (answer, correct) at the first check, as the export records it
    first_damaged: bool = False  # the export's first answer was damaged: not known

    @property
    def wrong_and_sure(self) -> bool:
        return not self.correct and self.confidence == "high"

    @property
    def first_known(self) -> tuple[Any, bool] | None:
        """The first checked answer and whether it was right, or None when the export does not keep it.

        Recorded by the quizzes; for an older export, the answer kept when it was checked once.
        """
        if self.first is not None or self.first_damaged:
            return self.first
        if self.attempts <= 1:
            return (self.answer, self.correct)
        return None

    @property
    def right_first_time(self) -> bool:
        first = self.first_known
        return first is not None and first[1]


@dataclass
class ChapterResult:
    score: int
    total: int
    answers: dict[str, Answer]


@dataclass
class Export:
    file: str
    learner: str  # the name as written ("" when none was given)
    exported: datetime | None
    banks: dict[str, str] | None  # None for a CSV export (it carries no bank versions)
    chapters: dict[str, ChapterResult]
    label: str = ""  # how the report names this learner

    def __post_init__(self) -> None:
        if not self.label:
            name = " ".join(self.learner.split())
            if len(name) > MAX_NAME:
                name = name[:MAX_NAME - 1] + "\u2026"
            self.label = f"{ANONYMOUS} ({Path(self.file).name})" if self.anonymous else name

    @property
    def anonymous(self) -> bool:
        return self.key in ("", ANONYMOUS)

    @property
    def key(self) -> str:
        return " ".join(self.learner.casefold().split())

    def content(self) -> Any:
        return {s: {q: (a.answer, a.correct, a.attempts, a.first) for q, a in ch.answers.items()}
                for s, ch in self.chapters.items()}


class BadFile(Exception):
    """The whole file is unusable; carries the Problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:  # compare naive times as UTC
        t = t.replace(tzinfo=timezone.utc)
    return t


def _check_size(path: Path, name: str) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise BadFile(Problem(name, "", "", f"is {_mb(size)}, over the {_mb(MAX_FILE_BYTES)} limit for one file "
                                            "(an export is a few KB); file left out."))


def _depth(value: Any, limit: int) -> bool:
    """True when ``value`` nests deeper than ``limit`` (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (dict, list)):
            if d > limit:
                return True
            stack.extend((c, d + 1) for c in (v.values() if isinstance(v, dict) else v))
    return False


def read_json_export(path: Path, name: str, problems: ProblemLog) -> Export:
    """Read one JSON export; chapter-level faults are recorded and that chapter skipped."""
    _check_size(path, name)
    with path.open("rb") as fh:
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:  # the file grew while being read
        raise BadFile(Problem(name, "", "", f"is over the {_mb(MAX_FILE_BYTES)} limit for one file; file left out."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile(Problem(name, "", "", "is not a text file (not UTF-8); file left out.")) from None
    del raw
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadFile(Problem(name, f"line {exc.lineno}", "",
                              f"is not valid JSON ({exc.msg.removesuffix(' at')} at line {exc.lineno}, "
                              f"column {exc.colno}); "
                              "file left out.")) from None
    except RecursionError:
        data = None
    if data is None or _depth(data, MAX_DEPTH):
        raise BadFile(Problem(name, "", "", f"is nested more than {MAX_DEPTH} levels deep (an export has 6); "
                                            "file left out."))
    del text
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise BadFile(Problem(name, "", "format", f"is not a course results export (format {show(found)}, "
                                                  f"expected {FORMAT!r}); file left out."))
    if data.get("version") != VERSION:
        raise BadFile(Problem(name, "", "version", f"export version {show(data.get('version'))} is not supported "
                                                   f"(expected {VERSION}); file left out."))
    learner = data.get("learner", "")
    if learner is None:
        learner = ""
    if not isinstance(learner, str):
        raise BadFile(Problem(name, "", "learner", f"{show(learner)} is not a name; file left out."))
    banks = data.get("banks")
    if not isinstance(banks, dict):
        raise BadFile(Problem(name, "", "banks", "is missing (needed to check the bank versions); file left out."))
    chapters_in = data.get("chapters")
    if not isinstance(chapters_in, dict):
        raise BadFile(Problem(name, "", "chapters", "is missing or not a mapping; file left out."))
    n_answers = sum(len(ch.get("answers")) for ch in chapters_in.values()
                    if isinstance(ch, dict) and isinstance(ch.get("answers"), dict))
    if n_answers > MAX_ANSWERS_PER_LEARNER:
        raise BadFile(Problem(name, "", "chapters", f"holds {n_answers} answers, over the limit of "
                                                    f"{MAX_ANSWERS_PER_LEARNER} for one learner; file left out."))
    exported = _parse_time(data.get("exported"))
    if exported is None:
        problems.append(Problem(name, "", "exported", f"{show(data.get('exported'))} is not an ISO 8601 time "
                                                      "(file kept)."))

    chapters: dict[str, ChapterResult] = {}
    for stem, ch in chapters_in.items():
        item = f"chapter {short(stem)}"
        if not isinstance(ch, dict):
            problems.append(Problem(name, item, "", "is not a mapping; chapter left out."))
            continue
        bad = [k for k in ("score", "total") if not _is_int(ch.get(k)) or ch.get(k) < 0]
        if bad:
            problems.append(Problem(name, item, bad[0], f"{show(ch.get(bad[0]))} is not a whole number; "
                                                        "chapter left out."))
            continue
        answers_in = ch.get("answers")
        if not isinstance(answers_in, dict):
            problems.append(Problem(name, item, "answers", "is missing or not a mapping; chapter left out."))
            continue
        answers: dict[str, Answer] = {}
        for qid, a in answers_in.items():
            if not isinstance(a, dict) or "answer" not in a or not isinstance(a.get("correct"), bool):
                problems.append(Problem(name, f"{item}: question {short(qid)}", "correct",
                                        "answer record is incomplete; answer left out."))
                continue
            attempts = a.get("attempts", 1)
            conf = a.get("confidence")
            first = a.get("first")
            if first is not None and not (isinstance(first, dict) and "answer" in first
                                          and isinstance(first.get("correct"), bool)):
                problems.append(Problem(name, f"{item}: question {short(qid)}", "first",
                                        f"{show(first)} is not a first answer ({{answer, correct}}); "
                                        "first answer counted as not kept, the rest of the answer used."))
            damaged = first is not None and not (isinstance(first, dict) and "answer" in first
                                                 and isinstance(first.get("correct"), bool))
            answers[qid] = Answer(a["answer"], a["correct"], attempts if _is_int(attempts) and attempts >= 0 else 1,
                                  conf if conf in CONFIDENCE_LEVELS else None,
                                  None if first is None or damaged else (first["answer"], first["correct"]), damaged)
        chapters[stem] = ChapterResult(ch["score"], ch["total"], answers)
    return Export(name, learner.strip(), exported, {str(k): str(v) for k, v in banks.items()}, chapters)


def _csv_value(text: str) -> Any:
    """Answers in the CSV are JSON values when they parse as JSON (lists, numbers), else text."""
    if not text or text[0] not in '[{"-0123456789tfn':
        return text
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, ValueError, RecursionError):
        return text
    return text if _depth(value, MAX_DEPTH) else value


def read_csv_exports(path: Path, name: str, problems: ProblemLog, banks: dict[str, BankInfo]) -> list[Export]:
    """Read a CSV export (one or more learners), row by row. CSV carries no bank versions or totals.

    Rows for a chapter or question the course does not have are left out as they are read, so a
    learner never holds more than the course's questions.
    """
    _check_size(path, name)
    per_learner: dict[str, dict[str, dict[str, Answer]]] = {}
    names: dict[str, str] = {}
    too_many: set[str] = set()
    skipped_learners = 0
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
        except UnicodeDecodeError:
            raise BadFile(Problem(name, "", "", "is not a text file (not UTF-8); file left out.")) from None
        except csv.Error:
            header = None
        columns = [h.strip() for h in header] if header is not None else None
        known_headers = (CSV_HEADER_FIRST, CSV_HEADER_CONFIDENCE, CSV_HEADER)
        header = next((h for h in known_headers if columns == h), None)
        if header is None:
            raise BadFile(Problem(name, "line 1", "header", f"is not a course results CSV (expected columns "
                                                            f"{','.join(CSV_HEADER)}[,confidence[,first_answer,"
                                                            "first_correct]]); file left out."))
        try:
            for row in reader:
                line = f"line {reader.line_num}"
                if len(row) != len(header):
                    problems.append(Problem(name, line, "", f"has {len(row)} columns, not {len(header)}; "
                                                            "row left out."))
                    continue
                learner, stem, qid, answer, correct, attempts = (c.strip() for c in row[:6])
                confidence = row[6].strip().lower() if len(row) > 6 else ""
                first_answer, first_correct = (row[7], row[8].strip().lower()) if len(row) > 8 else ("", "")
                correct = correct.lower()
                if not stem or not qid:
                    problems.append(Problem(name, line, "chapter/question_id", "is empty; row left out."))
                    continue
                if correct not in {"true", "false", "1", "0"}:
                    problems.append(Problem(name, line, "correct", f"{show(row[4])} is not true/false; row left out."))
                    continue
                if stem not in banks:
                    problems.append(Problem(name, line, "chapter", f"{show(stem)} is not a chapter of the course; "
                                                                   "row left out."))
                    continue
                if banks[stem].questions and qid not in banks[stem].questions:
                    problems.append(Problem(name, line, "question_id", f"{show(qid)} is not in the current bank of "
                                                                       f"{stem}; row left out."))
                    continue
                key = " ".join(learner.casefold().split())
                if key not in per_learner:
                    if len(per_learner) >= MAX_LEARNERS_PER_FILE:
                        skipped_learners += 1
                        continue
                    per_learner[key], names[key] = {}, learner
                chapters = per_learner[key]
                n = sum(map(len, chapters.values()))
                if n >= MAX_ANSWERS_PER_LEARNER and qid not in chapters.get(stem, {}):
                    if key not in too_many:
                        too_many.add(key)
                        problems.append(Problem(name, line, "learner", f"{show(learner)} has more than "
                                                f"{MAX_ANSWERS_PER_LEARNER} answers; later ones left out."))
                    continue
                try:
                    n_attempts = int(attempts or 1)
                except ValueError:
                    n_attempts = 1
                first, damaged = None, False
                if first_correct in {"true", "1", "false", "0"}:
                    first = (_csv_value(first_answer), first_correct in {"true", "1"})
                elif first_correct or first_answer:
                    damaged = True
                    problems.append(Problem(name, line, "first_correct", f"{show(row[8])} is not true/false; first "
                                                                         "answer counted as not kept, row used."))
                chapters.setdefault(stem, {})[qid] = Answer(_csv_value(answer), correct in {"true", "1"},
                                                            max(n_attempts, 0),
                                                            confidence if confidence in CONFIDENCE_LEVELS else None,
                                                            first, damaged)
        except UnicodeDecodeError:
            problems.append(Problem(name, f"after line {reader.line_num}", "", "is not UTF-8 text; "
                                                                             "the rest of the file left out."))
        except csv.Error as exc:
            problems.append(Problem(name, f"line {reader.line_num}", "", f"is not valid CSV ({exc}); "
                                                                        "the rest of the file left out."))
    if skipped_learners:
        problems.append(Problem(name, "", "learner", f"has more than {MAX_LEARNERS_PER_FILE} learners; "
                                                     f"{skipped_learners} rows of further learners left out."))
    problems.append(Problem(name, "", "banks", "a CSV export has no bank versions: they were not checked."))
    exports = []
    for key, chapters in per_learner.items():
        results = {}
        for stem, answers in chapters.items():
            n_bank = len(banks[stem].questions) if banks[stem].questions else len(answers)
            results[stem] = ChapterResult(sum(a.correct for a in answers.values()), n_bank, answers)
        exports.append(Export(name, names[key], None, None, results))
    return exports


def expand(paths: list[Path], problems: ProblemLog) -> list[Path]:
    """Files to read: a folder stands for its ``*.json`` and ``*.csv`` files (not its sub-folders)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in {".json", ".csv"} and p.is_file())
            if not found:
                problems.append(Problem(str(path), "", "", "is a folder with no .json or .csv files."))
            out += found
        else:
            out.append(path)
    return out


# --------------------------------------------------------------------------------------------
# Merging


@dataclass
class QuestionStat:
    chapter: str
    qid: str
    text: str
    answered: int = 0
    correct: int = 0  # right in the end
    first_correct: int = 0  # right at the first check
    wrong: Counter = field(default_factory=Counter)  # final wrong answer (JSON text) -> count
    first_wrong: Counter = field(default_factory=Counter)  # wrong first answer (JSON text) -> count
    first_unknown: int = 0  # first answer not kept (an older export, checked more than once)
    corrected: int = 0  # wrong at the first check, right in the end
    wrong_and_sure: int = 0  # wrong (the answer kept) and the learner said they were very sure

    @property
    def percent(self) -> float:
        return round(100 * self.correct / self.answered, 1) if self.answered else 0.0

    @property
    def percent_first(self) -> float:
        return round(100 * self.first_correct / self.answered, 1) if self.answered else 0.0

    @property
    def missed_first(self) -> int:
        return self.answered - self.first_correct


@dataclass
class LearnerStat:
    learner: str
    file: str
    chapters: list[str]
    score: int
    total: int

    @property
    def percent(self) -> float:
        return round(100 * self.score / self.total, 1) if self.total else 0.0


@dataclass
class ClassReport:
    files: list[str]
    questions: list[QuestionStat]
    learners: list[LearnerStat]
    problems: list[Problem]
    banks: dict[str, BankInfo]

    def hardest(self, n: int = 5) -> list[QuestionStat]:
        """Questions most often missed at the first check (then most often wrong in the end)."""
        missed = [q for q in self.questions if q.answered and q.missed_first]
        return sorted(missed, key=lambda q: (q.percent_first, q.percent, -q.answered, q.chapter, q.qid))[:n]

    def wrong_answers(self) -> list[tuple[QuestionStat, str, int, int]]:
        """Every wrong answer given, at the first check or in the end: (question, answer, times
        chosen in the end, times chosen at the first check); most chosen in the end first."""
        rows = [(q, ans, q.wrong.get(ans, 0), q.first_wrong.get(ans, 0))
                for q in self.questions for ans in sorted(set(q.wrong) | set(q.first_wrong))]
        return sorted(rows, key=lambda r: (-r[2], -r[3], r[0].chapter, r[0].qid, r[1]))

    def label(self, q: QuestionStat, answer_key: str) -> str:
        """The words of an answer: the option's label when the bank has one."""
        value = json.loads(answer_key)
        if isinstance(value, dict):  # a matching answer: left -> right
            text = "; ".join(f"{k} -> {v}" for k, v in value.items())
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            options = self.banks.get(q.chapter, BankInfo("")).options.get(q.qid, {})
            values = value if isinstance(value, list) else [value]
            text = "; ".join(f"{v} ({options[str(v)]})" if str(v) in options else str(v) for v in values)
        return text if len(text) <= 300 else text[:299] + "\u2026"

    def first_wrong_text(self, q: QuestionStat) -> str:
        """The most common first wrong answer, in words, with what the exports could not tell."""
        parts = []
        if q.first_wrong:
            answer, n = q.first_wrong.most_common(1)[0]
            parts.append(f"{self.label(q, answer)} ({n} of {q.answered})")
        if q.first_unknown:
            parts.append(f"first answer not kept for {q.first_unknown}")  # older exports (or damaged: Problems)
        return "; ".join(parts) or "none"


def _answer_key(value: Any) -> str:
    if isinstance(value, list):
        value = sorted(value, key=str)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _name(path: Path) -> str:
    return str(path)


def _dedupe(exports: list[Export], problems: ProblemLog) -> list[Export]:
    """One export per learner. Anonymous exports are only duplicates when identical (the same
    file handed in twice); named ones share a learner when their names match, and the most recent
    is kept, unless both were exported at the same moment with different answers (two people)."""
    kept: dict[str, Export] = {}
    for ex in exports:
        key = ex.key
        if ex.anonymous:
            key = next((k for k, old in kept.items() if old.anonymous and old.exported == ex.exported
                        and old.content() == ex.content()), f"\0{len(kept)}")
        if key not in kept:
            kept[key] = ex
            continue
        old = kept[key]
        if ex.content() == old.content() and ex.exported == old.exported:
            problems.append(Problem(ex.file, f"learner {show(ex.label)}", "learner",
                                    f"the same export as {old.file}, which is counted; this copy is left out."))
            continue
        if ex.exported is not None and ex.exported == old.exported:
            old.label = f"{old.label} ({Path(old.file).name})"
            ex.label = f"{ex.label} ({Path(ex.file).name})"
            kept[f"{key}\0{len(kept)}"] = ex
            problems.append(Problem(ex.file, f"learner {show(ex.learner)}", "learner",
                                    f"has the same name and export time as {old.file} but other answers: counted as "
                                    "two learners, named by file."))
            continue
        newer = ex.exported is not None and (old.exported is None or ex.exported > old.exported)
        keep, drop = (ex, old) if newer else (old, ex)
        kept[key] = keep
        problems.append(Problem(drop.file, f"learner {show(drop.learner)}", "learner",
                                f"also in {keep.file}, which is kept (more recent export); this one is left out."))
    return list(kept.values())


def build_report(paths: list[Path], banks: dict[str, BankInfo]) -> ClassReport:
    """Read every file (or folder), check it against ``banks`` and merge what is usable."""
    log = ProblemLog()
    exports: list[Export] = []
    files = expand(list(paths), log)
    for path in files:
        name = _name(path)
        try:
            if not path.exists():
                raise BadFile(Problem(name, "", "", "no such file."))
            if not path.is_file():
                raise BadFile(Problem(name, "", "", "is not a regular file; left out."))
            if path.suffix.lower() == ".csv":
                exports.extend(read_csv_exports(path, name, log, banks))
            else:
                exports.append(read_json_export(path, name, log))
        except BadFile as bad:
            log.append(bad.problem)
        except OSError as exc:
            log.append(Problem(name, "", "", f"cannot be read ({exc.strerror or exc}); file left out."))
        except MemoryError:
            log.append(Problem(name, "", "", "is too large to read; file left out."))

    stats: dict[tuple[str, str], QuestionStat] = {}
    for stem, info in sorted(banks.items()):
        for qid, text in info.questions.items():
            stats[(stem, qid)] = QuestionStat(stem, qid, text)
    learners: list[LearnerStat] = []
    for ex in _dedupe(exports, log):
        score = total = 0
        used: list[str] = []
        for stem, ch in sorted(ex.chapters.items()):
            item = f"chapter {short(stem)}"
            if stem not in banks:
                log.append(Problem(ex.file, item, "", "no such chapter bank in the course; chapter left out."))
                continue
            if ex.banks is not None:
                theirs = ex.banks.get(stem)
                if theirs != banks[stem].version:
                    log.append(Problem(ex.file, item, "banks",
                                       f"exported against bank version {short(theirs)} but the "
                                       f"current one is {banks[stem].version}; chapter left out."))
                    continue
            known = banks[stem].questions
            kept_answers = {}
            for qid, a in sorted(ch.answers.items()):
                if known and qid not in known:
                    log.append(Problem(ex.file, f"{item}: question {short(qid)}", "",
                                       "not in the current bank; answer left out."))
                    continue
                kept_answers[qid] = a
            if ch.answers and not kept_answers:
                log.append(Problem(ex.file, item, "", "none of its answers is in the current bank; chapter left out."))
                continue
            used.append(stem)
            # a CSV export carries no score: count the kept answers (JSON: the export's own score)
            score += ch.score if ex.banks is not None else sum(a.correct for a in kept_answers.values())
            total += ch.total
            for qid, a in kept_answers.items():
                st = stats.setdefault((stem, qid), QuestionStat(stem, qid, qid))
                st.answered += 1
                if a.correct:
                    st.correct += 1
                else:
                    st.wrong[_answer_key(a.answer)] += 1
                st.wrong_and_sure += a.wrong_and_sure
                first = a.first_known
                if first is None:  # an older export, checked more than once: first answer not kept
                    st.first_unknown += 1
                elif first[1]:
                    st.first_correct += 1
                else:  # wrong at the first check, corrected since or not
                    st.first_wrong[_answer_key(first[0])] += 1
                    st.corrected += a.correct
        if not used:
            log.append(Problem(ex.file, f"learner {show(ex.label)}", "", "no usable results; learner left out."))
            continue
        learners.append(LearnerStat(ex.label, ex.file, used, score, total))

    learners.sort(key=lambda s: s.learner.casefold())
    questions = sorted(stats.values(), key=lambda q: (q.chapter, q.qid))
    return ClassReport([_name(p) for p in files], questions, learners, log.problems(), banks)


# --------------------------------------------------------------------------------------------
# Writing


def _write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def chart(report: ClassReport):
    """Per answered question: percent right at the first check and percent right in the end."""
    import plotly.graph_objects as go

    qs = sorted((q for q in report.questions if q.answered),
                key=lambda q: (-q.percent_first, -q.percent, q.chapter, q.qid))
    names = [f"{q.chapter} {q.qid}" for q in qs]
    fig = go.Figure([
        go.Bar(name="Right at the first check", x=[q.percent_first for q in qs], y=names, orientation="h",
               text=[f"first check {q.percent_first:g}% ({q.first_correct}/{q.answered})" for q in qs],
               textposition="auto", marker_color="#e69f00", hovertext=[q.text for q in qs]),
        go.Bar(name="Right in the end", x=[q.percent for q in qs], y=names, orientation="h",
               text=[f"in the end {q.percent:g}% ({q.correct}/{q.answered})" for q in qs],
               textposition="auto", marker_color="#0b5cad", hovertext=[q.text for q in qs]),
    ])
    fig.update_layout(
        title="Percent of the class right at the first check and in the end (most missed at the bottom)",
        barmode="group",
        xaxis=dict(title="Percent of learners who answered (higher is better)", range=[0, 100]),
        yaxis=dict(title="Question", automargin=True),
        legend=dict(orientation="h", y=-0.12),
        height=max(360, 100 + 48 * len(qs)),
        margin=dict(l=10, r=10, t=60, b=80),
        template="simple_white",
    )
    return fig


def write_report(report: ClassReport, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {k: out / f"{k}.csv" for k in ("questions", "learners", "wrong_answers", "problems")}

    def most(counter: Counter, q: QuestionStat) -> tuple[str, Any]:
        if not counter:
            return "", ""
        answer, n = counter.most_common(1)[0]
        return report.label(q, answer), n

    _write_csv(paths["questions"],
               ["chapter", "question_id", "question", "answered", "right_first_check", "percent_right_first_check",
                "most_common_first_wrong_answer", "times_chosen_first", "first_answer_not_kept",
                "correct", "percent_correct", "most_common_wrong_answer", "times_chosen", "wrong_and_very_sure",
                "wrong_first_right_in_the_end"],
               ([q.chapter, q.qid, q.text, q.answered, q.first_correct, q.percent_first if q.answered else "",
                 *most(q.first_wrong, q), q.first_unknown,
                 q.correct, q.percent if q.answered else "", *most(q.wrong, q), q.wrong_and_sure, q.corrected]
                for q in report.questions))
    _write_csv(paths["learners"], ["learner", "file", "chapters", "score", "total", "percent"],
               ([s.learner, s.file, " ".join(s.chapters), s.score, s.total, s.percent] for s in report.learners))
    _write_csv(paths["wrong_answers"], ["chapter", "question_id", "answer", "times_chosen", "times_chosen_first"],
               ([q.chapter, q.qid, report.label(q, a), n, first] for q, a, n, first in report.wrong_answers()))
    _write_csv(paths["problems"], ["file", "item", "field", "problem"],
               ([p.file, p.item, p.field, p.problem] for p in report.problems))
    from ..data import VENDOR_DIR

    paths["plotly"] = out / PLOTLY_BUNDLE
    shutil.copyfile(VENDOR_DIR / PLOTLY_BUNDLE, paths["plotly"])
    shutil.copyfile(VENDOR_DIR / "plotly-basic.LICENSE", out / "plotly-basic.LICENSE")
    paths["html"] = out / "class-report.html"
    paths["html"].write_text(render_html(report), encoding="utf-8")
    return paths


def render_html(report: ClassReport) -> str:
    fig = chart(report)
    # plotly.js is the course's basic bundle, a file beside the page (write_report copies it).
    plot = fig.to_html(full_html=False, include_plotlyjs=False, config=dict(PLOTLY_CONFIG),
                       div_id="class-chart")
    answered = [q for q in report.questions if q.answered]
    hardest = report.hardest()
    misconceptions = html_table(
        ["Question", "Asked", "Right at the first check", "Most common first wrong answer", "Right in the end",
         "Wrong at first, right in the end"],
        [[f"{q.chapter} {q.qid}", q.text, f"{q.percent_first:g}% ({q.first_correct}/{q.answered})",
          report.first_wrong_text(q), f"{q.percent:g}% ({q.correct}/{q.answered})", q.corrected]
         for q in hardest],
        caption="Misconceptions to discuss: the questions most often missed at the first check",
    ) if hardest else "<p>Every learner was right at the first check on every question they answered.</p>"
    learners = html_table(["Learner", "Chapters", "Score", "Percent"],
                          [[s.learner, " ".join(s.chapters), f"{s.score}/{s.total}", f"{s.percent:g}%"]
                           for s in report.learners],
                          caption="Score per learner (answers as they stand now)")
    per_q = html_table(["Question", "Answered", "Right at the first check", "Most common first wrong answer",
                        "Right in the end", "Wrong at first, right in the end", "Most common wrong answer now",
                        "Wrong and very sure"],
                       [[f"{q.chapter} {q.qid}", q.answered, f"{q.percent_first:g}% ({q.first_correct})",
                         report.first_wrong_text(q), f"{q.percent:g}% ({q.correct})", q.corrected,
                         (f"{report.label(q, q.wrong.most_common(1)[0][0])} ({q.wrong.most_common(1)[0][1]}x)"
                          if q.wrong else "none"), q.wrong_and_sure] for q in answered],
                       caption="Per question (the chart's numbers)")
    columns = "".join(f"<dt><code>{esc(name)}</code></dt><dd>{esc(meaning)}</dd>" for name, meaning in QUESTION_COLUMNS)
    problems = "".join(f"<li>{esc(p)}</li>" for p in report.problems) or "<li>None.</li>"
    sure = sorted((q for q in answered if q.wrong_and_sure), key=lambda q: (-q.wrong_and_sure, q.chapter, q.qid))
    confident_errors = html_table(
        ["Question", "Asked", "Learners wrong and very sure", "Most common wrong answer now"],
        [[f"{q.chapter} {q.qid}", q.text, q.wrong_and_sure,
          report.label(q, q.wrong.most_common(1)[0][0]) if q.wrong else ""] for q in sure],
        caption="Confident errors to tackle first: learners whose answer is wrong although they said they were "
                "very sure",
    ) if sure else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report</title>
<script src="{PLOTLY_BUNDLE}"></script>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.5; }}
.sc-table {{ border-collapse: collapse; margin: 1rem 0; }}
.sc-table th, .sc-table td {{ border: 1px solid #777; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }}
.sc-table caption {{ text-align: left; font-weight: 600; }}
</style></head>
<body><main>
<h1>Class report</h1>
<p>{len(report.learners)} learners from {len(report.files)} files; {len(answered)} questions answered.
"Right at the first check" counts learners whose first checked answer was right. "Most common first wrong answer"
counts every learner who was wrong at their first check, whether they corrected it later or not; those who
corrected it are also counted in "Right in the end" and in "Wrong at first, right in the end". The quizzes keep
each question's first checked answer ("Try again" keeps it; "Reset this quiz" forgets it with the chapter);
exports made before they did hold only the last answer, so for a question those learners checked more than once
the report says "first answer not kept" and counts them as not right at the first check.
Files and parts of files left out are listed under "Problems".
"Wrong and very sure" counts answers kept wrong although the learner said they were very sure of them; exports
made before the quizzes asked "How sure are you?", and learners who skipped it, add nothing there.</p>
{misconceptions}
{confident_errors}
<section aria-label="Chart: percent right at the first check and in the end, per question">{plot}</section>
{learners}
{per_q}
<h2>What the columns of questions.csv count</h2>
<dl>{columns}</dl>
<h2>Problems</h2><ul>{problems}</ul>
</main></body></html>
"""


# --------------------------------------------------------------------------------------------
# Command line


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", type=Path,
                        help="learners' exports (.json or .csv), or folders holding them")
    parser.add_argument("--out", type=Path, default=Path("class-report"), help="output folder (default: class-report)")


def run(args) -> int:
    report = build_report(list(args.files), current_banks())
    paths = write_report(report, args.out)
    for p in report.problems:
        print(f"warning: {p}")
    print(f"{len(report.learners)} learners, {sum(q.answered > 0 for q in report.questions)} questions answered; "
          f"{len(report.problems)} problems listed")
    for q in report.hardest(3):
        print(f"most missed at the first check: {q.chapter} {q.qid}: {q.percent_first:g}% right first time, "
              f"{q.percent:g}% in the end; first wrong answer: {report.first_wrong_text(q)}")
    print(f"wrote {', '.join(str(p) for p in paths.values())}")
    return 0 if report.learners else 1

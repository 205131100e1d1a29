"""Class report: merge learners' exported quiz results into a class summary (CSV and HTML).

``python -m sciatica_course class-report results/*.json [--out DIR]`` reads each learner's export
(the JSON written by the quiz's "Export results" button, or its CSV form), checks it, and writes:

- ``questions.csv``: per question, how many answered, how many were right, percent correct, and
  the wrong answer chosen most often;
- ``learners.csv``: per learner, score, total and percent;
- ``wrong_answers.csv``: every wrong answer chosen, with how many chose it;
- ``problems.csv``: every file or part of a file left out, and why;
- ``class-report.html``: the same as an accessible page with a plotly chart (plotly.js inlined,
  so the file works offline and can be mailed as it is).

A bad file never stops the report: it is named in ``problems.csv`` (and on the terminal) and the
other files are still counted. Rules: a file that is not valid JSON/CSV or not a course export is
left out; a chapter exported against a different version of its question bank is left out (its
questions may have changed); when the same learner appears in two files the most recent export
is kept.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..display import PLOTLY_CONFIG, esc, html_table

FORMAT = "sciatica-course-results"
VERSION = 1
CSV_HEADER = ["learner", "chapter", "question_id", "answer", "correct", "attempts"]


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
# Reading exports


@dataclass
class Problem:
    file: str
    item: str
    field: str
    problem: str

    def __str__(self) -> str:
        return ": ".join(p for p in (self.file, self.item, self.field) if p) + ": " + self.problem


@dataclass
class Answer:
    answer: Any
    correct: bool
    attempts: int


@dataclass
class ChapterResult:
    score: int
    total: int
    answers: dict[str, Answer]


@dataclass
class Export:
    file: str
    learner: str
    exported: datetime | None
    banks: dict[str, str] | None  # None for a CSV export (it carries no bank versions)
    chapters: dict[str, ChapterResult]


class BadFile(Exception):
    """The whole file is unusable; carries the Problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:  # compare naive times as UTC
        from datetime import timezone

        t = t.replace(tzinfo=timezone.utc)
    return t


def read_json_export(path: Path, name: str, problems: list[Problem]) -> Export:
    """Read one JSON export; chapter-level faults are recorded and that chapter skipped."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise BadFile(Problem(name, "", "", "is not a text file")) from None
    except json.JSONDecodeError as exc:
        raise BadFile(Problem(name, f"line {exc.lineno}", "", f"is not valid JSON ({exc.msg})")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise BadFile(Problem(name, "", "format", f"is not a course results export (format {found!r}, expected {FORMAT!r})"))
    if data.get("version") != VERSION:
        raise BadFile(Problem(name, "", "version", f"export version {data.get('version')!r} is not supported (expected {VERSION})"))
    learner = data.get("learner")
    if not isinstance(learner, str) or not learner.strip():
        raise BadFile(Problem(name, "", "learner", "is missing or empty"))
    banks = data.get("banks")
    if not isinstance(banks, dict):
        raise BadFile(Problem(name, "", "banks", "is missing (needed to check the bank versions)"))
    chapters_in = data.get("chapters")
    if not isinstance(chapters_in, dict):
        raise BadFile(Problem(name, "", "chapters", "is missing or not a mapping"))
    exported = _parse_time(data.get("exported"))
    if exported is None:
        problems.append(Problem(name, "", "exported", f"{data.get('exported')!r} is not an ISO 8601 time (file kept)"))

    chapters: dict[str, ChapterResult] = {}
    for stem, ch in chapters_in.items():
        item = f"chapter {stem}"
        if not isinstance(ch, dict):
            problems.append(Problem(name, item, "", "is not a mapping; chapter left out"))
            continue
        bad = [k for k in ("score", "total") if not _is_int(ch.get(k)) or ch.get(k) < 0]
        if bad:
            problems.append(Problem(name, item, bad[0], f"{ch.get(bad[0])!r} is not a whole number; chapter left out"))
            continue
        answers_in = ch.get("answers")
        if not isinstance(answers_in, dict):
            problems.append(Problem(name, item, "answers", "is missing or not a mapping; chapter left out"))
            continue
        answers: dict[str, Answer] = {}
        for qid, a in answers_in.items():
            if not isinstance(a, dict) or "answer" not in a or not isinstance(a.get("correct"), bool):
                problems.append(Problem(name, f"{item}: question {qid}", "correct", "answer record is incomplete; answer left out"))
                continue
            attempts = a.get("attempts", 1)
            answers[qid] = Answer(a["answer"], a["correct"], attempts if _is_int(attempts) else 1)
        chapters[stem] = ChapterResult(ch["score"], ch["total"], answers)
    return Export(name, learner.strip(), exported, {str(k): str(v) for k, v in banks.items()}, chapters)


def _csv_value(text: str) -> Any:
    """Answers in the CSV are JSON values when they parse as JSON (lists, numbers), else text."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return text


def read_csv_exports(path: Path, name: str, problems: list[Problem], banks: dict[str, BankInfo]) -> list[Export]:
    """Read a CSV export (one or more learners). CSV carries no bank versions or totals."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile(Problem(name, "", "", "is not a text file")) from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [h.strip() for h in reader.fieldnames] != CSV_HEADER:
        raise BadFile(Problem(name, "line 1", "header", f"is not a course results CSV (expected columns {','.join(CSV_HEADER)})"))
    per_learner: dict[str, dict[str, dict[str, Answer]]] = defaultdict(lambda: defaultdict(dict))
    for row in reader:
        line = f"line {reader.line_num}"
        learner = (row.get("learner") or "").strip()
        correct = (row.get("correct") or "").strip().lower()
        if not learner or not row.get("chapter") or not row.get("question_id"):
            problems.append(Problem(name, line, "learner/chapter/question_id", "is empty; row left out"))
            continue
        if correct not in {"true", "false", "1", "0"}:
            problems.append(Problem(name, line, "correct", f"{row.get('correct')!r} is not true/false; row left out"))
            continue
        try:
            attempts = int(row.get("attempts") or 1)
        except ValueError:
            attempts = 1
        per_learner[learner][row["chapter"].strip()][row["question_id"].strip()] = Answer(
            _csv_value(row.get("answer") or ""), correct in {"true", "1"}, attempts
        )
    problems.append(Problem(name, "", "banks", "a CSV export has no bank versions: they were not checked"))
    exports = []
    for learner, chapters in per_learner.items():
        results = {}
        for stem, answers in chapters.items():
            n_bank = len(banks[stem].questions) if stem in banks and banks[stem].questions else len(answers)
            results[stem] = ChapterResult(sum(a.correct for a in answers.values()), n_bank, answers)
        exports.append(Export(name, learner, None, None, results))
    return exports


# --------------------------------------------------------------------------------------------
# Merging


@dataclass
class QuestionStat:
    chapter: str
    qid: str
    text: str
    answered: int = 0
    correct: int = 0
    wrong: Counter = field(default_factory=Counter)  # answer key (JSON text) -> count

    @property
    def percent(self) -> float:
        return round(100 * self.correct / self.answered, 1) if self.answered else 0.0


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
        answered = [q for q in self.questions if q.answered]
        return sorted(answered, key=lambda q: (q.percent, -q.answered, q.chapter, q.qid))[:n]

    def wrong_answers(self) -> list[tuple[QuestionStat, str, int]]:
        rows = [(q, ans, n) for q in self.questions for ans, n in q.wrong.items()]
        return sorted(rows, key=lambda r: (-r[2], r[0].chapter, r[0].qid, r[1]))

    def label(self, q: QuestionStat, answer_key: str) -> str:
        """The words of an answer: the option's label when the bank has one."""
        value = json.loads(answer_key)
        if isinstance(value, dict):  # a matching answer: left -> right
            return "; ".join(f"{k} -> {v}" for k, v in value.items())
        if isinstance(value, bool):
            return "true" if value else "false"
        options = self.banks.get(q.chapter, BankInfo("")).options.get(q.qid, {})
        values = value if isinstance(value, list) else [value]
        return "; ".join(f"{v} ({options[str(v)]})" if str(v) in options else str(v) for v in values)


def _answer_key(value: Any) -> str:
    if isinstance(value, list):
        value = sorted(value, key=str)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _name(path: Path) -> str:
    return str(path)


def build_report(paths: list[Path], banks: dict[str, BankInfo]) -> ClassReport:
    """Read every file, check it against ``banks`` and merge what is usable."""
    problems: list[Problem] = []
    exports: list[Export] = []
    for path in paths:
        name = _name(path)
        try:
            if not path.is_file():
                raise BadFile(Problem(name, "", "", "no such file"))
            if path.suffix.lower() == ".csv":
                exports.extend(read_csv_exports(path, name, problems, banks))
            else:
                exports.append(read_json_export(path, name, problems))
        except BadFile as bad:
            problems.append(bad.problem)
        except OSError as exc:
            problems.append(Problem(name, "", "", f"cannot be read ({exc.strerror}); file left out"))

    # The same learner twice: keep the most recent export (the first one when times are equal).
    kept: dict[str, Export] = {}
    for ex in exports:
        key = " ".join(ex.learner.casefold().split())
        if key not in kept:
            kept[key] = ex
            continue
        old = kept[key]
        newer = ex.exported is not None and (old.exported is None or ex.exported > old.exported)
        keep, drop = (ex, old) if newer else (old, ex)
        kept[key] = keep
        problems.append(Problem(drop.file, f"learner {drop.learner!r}", "learner",
                                f"also in {keep.file}, which is kept (more recent export); this one is left out"))

    stats: dict[tuple[str, str], QuestionStat] = {}
    for stem, info in sorted(banks.items()):
        for qid, text in info.questions.items():
            stats[(stem, qid)] = QuestionStat(stem, qid, text)
    learners: list[LearnerStat] = []
    for ex in kept.values():
        score = total = 0
        used: list[str] = []
        for stem, ch in sorted(ex.chapters.items()):
            item = f"chapter {stem}"
            if stem not in banks:
                problems.append(Problem(ex.file, item, "", "no such chapter bank in the course; chapter left out"))
                continue
            if ex.banks is not None:
                theirs = ex.banks.get(stem)
                if theirs != banks[stem].version:
                    problems.append(Problem(ex.file, item, "banks",
                                            f"exported against bank version {theirs} but the current one is "
                                            f"{banks[stem].version}; chapter left out"))
                    continue
            known = banks[stem].questions
            kept_answers = {}
            for qid, a in sorted(ch.answers.items()):
                if known and qid not in known:
                    problems.append(Problem(ex.file, f"{item}: question {qid}", "", "not in the current bank; answer left out"))
                    continue
                kept_answers[qid] = a
            if ch.answers and not kept_answers:
                problems.append(Problem(ex.file, item, "", "none of its answers is in the current bank; chapter left out"))
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
        if not used:
            problems.append(Problem(ex.file, f"learner {ex.learner!r}", "", "no usable results; learner left out"))
            continue
        learners.append(LearnerStat(ex.learner, ex.file, used, score, total))

    learners.sort(key=lambda s: s.learner.casefold())
    questions = sorted(stats.values(), key=lambda q: (q.chapter, q.qid))
    return ClassReport([_name(p) for p in paths], questions, learners, problems, banks)


# --------------------------------------------------------------------------------------------
# Writing


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def chart(report: ClassReport):
    """Percent correct per question (answered ones), hardest at the top; text on every bar."""
    import plotly.graph_objects as go

    qs = sorted((q for q in report.questions if q.answered), key=lambda q: (-q.percent, q.chapter, q.qid))
    fig = go.Figure(
        go.Bar(
            x=[q.percent for q in qs],
            y=[f"{q.chapter} {q.qid}" for q in qs],
            orientation="h",
            text=[f"{q.percent:g}% ({q.correct}/{q.answered})" for q in qs],
            textposition="auto",
            marker_color="#0b5cad",
            hovertext=[q.text for q in qs],
        )
    )
    fig.update_layout(
        title="Percent of the class answering each question correctly (hardest at the bottom)",
        xaxis=dict(title="Percent correct (higher is better)", range=[0, 100]),
        yaxis=dict(title="Question", automargin=True),
        height=max(320, 40 + 28 * len(qs)),
        margin=dict(l=10, r=10, t=60, b=40),
        template="simple_white",
    )
    return fig


def write_report(report: ClassReport, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {k: out / f"{k}.csv" for k in ("questions", "learners", "wrong_answers", "problems")}
    _write_csv(paths["questions"],
               ["chapter", "question_id", "question", "answered", "correct", "percent_correct",
                "most_common_wrong_answer", "times_chosen"],
               [[q.chapter, q.qid, q.text, q.answered, q.correct, q.percent if q.answered else "",
                 *((report.label(q, q.wrong.most_common(1)[0][0]), q.wrong.most_common(1)[0][1]) if q.wrong else ("", ""))]
                for q in report.questions])
    _write_csv(paths["learners"], ["learner", "file", "chapters", "score", "total", "percent"],
               [[s.learner, s.file, " ".join(s.chapters), s.score, s.total, s.percent] for s in report.learners])
    _write_csv(paths["wrong_answers"], ["chapter", "question_id", "answer", "times_chosen"],
               [[q.chapter, q.qid, report.label(q, a), n] for q, a, n in report.wrong_answers()])
    _write_csv(paths["problems"], ["file", "item", "field", "problem"],
               [[p.file, p.item, p.field, p.problem] for p in report.problems])
    paths["html"] = out / "class-report.html"
    paths["html"].write_text(render_html(report), encoding="utf-8")
    return paths


def render_html(report: ClassReport) -> str:
    fig = chart(report)
    # plotly.js inlined: the page is one self-contained file that loads nothing from anywhere.
    plot = fig.to_html(full_html=False, include_plotlyjs=True, config=dict(PLOTLY_CONFIG))
    answered = [q for q in report.questions if q.answered]
    hardest = html_table(
        ["Question", "Asked", "Percent correct", "Most common wrong answer"],
        [[f"{q.chapter} {q.qid}", q.text, f"{q.percent:g}% ({q.correct}/{q.answered})",
          (f"{report.label(q, q.wrong.most_common(1)[0][0])} ({q.wrong.most_common(1)[0][1]}x)" if q.wrong else "none")]
         for q in report.hardest()],
        caption="The hardest questions",
    )
    learners = html_table(["Learner", "Chapters", "Score", "Percent"],
                          [[s.learner, " ".join(s.chapters), f"{s.score}/{s.total}", f"{s.percent:g}%"] for s in report.learners],
                          caption="Score per learner")
    per_q = html_table(["Question", "Answered", "Correct", "Percent correct"],
                       [[f"{q.chapter} {q.qid}", q.answered, q.correct, f"{q.percent:g}%"] for q in answered],
                       caption="Percent correct per question (the chart's numbers)")
    problems = "".join(f"<li>{esc(p)}</li>" for p in report.problems) or "<li>None.</li>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.5; }}
.sc-table {{ border-collapse: collapse; margin: 1rem 0; }}
.sc-table th, .sc-table td {{ border: 1px solid #777; padding: 0.25rem 0.5rem; text-align: left; }}
.sc-table caption {{ text-align: left; font-weight: 600; }}
</style></head>
<body><main>
<h1>Class report</h1>
<p>{len(report.learners)} learners from {len(report.files)} files; {len(answered)} questions answered.
Files and parts of files left out are listed under "Problems".</p>
<section aria-label="Chart: percent correct per question">{plot}</section>
{hardest}
{learners}
{per_q}
<h2>Problems</h2><ul>{problems}</ul>
</main></body></html>
"""


# --------------------------------------------------------------------------------------------
# Command line


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", type=Path, help="learners' exports (.json, or .csv)")
    parser.add_argument("--out", type=Path, default=Path("class-report"), help="output folder (default: class-report)")


def run(args) -> int:
    report = build_report(list(args.files), current_banks())
    paths = write_report(report, args.out)
    for p in report.problems:
        print(f"warning: {p}")
    print(f"{len(report.learners)} learners, {sum(q.answered > 0 for q in report.questions)} questions answered; "
          f"{len(report.problems)} problems")
    for q in report.hardest(3):
        print(f"hardest: {q.chapter} {q.qid}: {q.percent:g}% correct ({q.correct}/{q.answered})")
    print(f"wrote {', '.join(str(p) for p in paths.values())}")
    return 0 if report.learners else 1

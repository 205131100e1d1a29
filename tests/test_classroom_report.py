"""The class report's numbers on hand-made fixture files, bad files included.

The fixtures (tests/fixtures/results) use two made-up banks defined here, so the expected values do
not move when the course's real banks change. Working, by hand:

Files kept: ana.json, ben.json (Ben's later export), dana.csv, cleo-old-bank.json (04-causes only:
its 03-anatomy was exported against bank version 000000000000), eve-partly-bad.json (04-causes only:
its 03-anatomy score is "three" and 99-unknown is no chapter).
Left out whole: ben-duplicate.json (older export of " ben "), malformed.json, foreign.json,
not-results.csv.

  question   Ana       Ben      Dana     Cleo    Eve      answered correct  percent
  03 q1      B ok      A wrong  B ok     -       -        3        2        66.7
  03 q2      L4 wrong  L4 wrong L5 ok    -       -        3        1        33.3
  03 q3      C ok      C ok     A wrong  -       -        3        2        66.7
  04 c1      B ok      B ok     -        B ok    A wrong  4        3        75.0
  04 c2      A wrong   B ok     -        B ok    B ok     4        3        75.0

Learners (score/total from the export; CSV: correct answers / questions in the bank):
Ana 2/3 + 1/2 = 3/5 = 60.0; Ben 1/3 + 2/2 = 3/5 = 60.0; Cleo 2/2 = 100.0; Dana 2/3 = 66.7;
Eve 1/2 = 50.0.
Wrong answers most often chosen: q2 "L4" twice; then once each: q1 A, q3 A, c1 A, c2 A.

First check: the fixtures are exports made before the quizzes kept the first answer (no "first"
field), so only attempts tell ("ok1" = right after one check, "x1" = wrong after one check, so the
answer kept is the first one, "2"/"3" = more checks, first answer not kept). Current exports carry
the first answer: test_first_answers_recorded_by_the_quizzes.

  question   Ana      Ben      Dana     Cleo     Eve      right first  first wrong known  not kept
  03 q1      ok1      A x1     ok1      -        -        2/3 = 66.7   A: 1               0
  03 q2      L4 x2    L4 x1    ok2      -        -        0/3 = 0      L4: 1              2
  03 q3      ok1      ok3      A x1     -        -        1/3 = 33.3   A: 1               1
  04 c1      ok1      ok1      -        ok1      A x1     3/4 = 75.0   A: 1               0
  04 c2      A x1     ok1      -        ok2      ok1      2/4 = 50.0   A: 1               1

Hardest (lowest percent right at the first check, then lowest final percent): q2 (0, 33.3),
q3 (33.3, 66.7), c2 (50, 75), q1 (66.7, 66.7), c1 (75, 75).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sciatica_course.classroom import report as rp

FIXTURES = Path(__file__).parent / "fixtures" / "results"
ALL = ["ana.json", "ben.json", "ben-duplicate.json", "cleo-old-bank.json", "eve-partly-bad.json",
       "malformed.json", "foreign.json", "dana.csv", "not-results.csv"]


def banks():
    return {
        "03-anatomy": rp.BankInfo(
            "aaaaaaaaaaaa",
            {"q1": "Question one", "q2": "Question two", "q3": "Question three"},
            {"q2": {"L4": "the fourth lumbar root", "L5": "the fifth lumbar root"}},
        ),
        "04-causes": rp.BankInfo("bbbbbbbbbbbb", {"c1": "Cause one", "c2": "Cause two"}, {}),
    }


@pytest.fixture
def report():
    return rp.build_report([FIXTURES / n for n in ALL], banks())


def by_id(report):
    return {(q.chapter, q.qid): q for q in report.questions}


def test_percent_correct_per_question(report):
    got = {k: (q.answered, q.correct, q.percent) for k, q in by_id(report).items()}
    assert got == {
        ("03-anatomy", "q1"): (3, 2, 66.7),
        ("03-anatomy", "q2"): (3, 1, 33.3),
        ("03-anatomy", "q3"): (3, 2, 66.7),
        ("04-causes", "c1"): (4, 3, 75.0),
        ("04-causes", "c2"): (4, 3, 75.0),
    }


def test_score_per_learner(report):
    got = [(s.learner, s.score, s.total, s.percent, s.chapters) for s in report.learners]
    assert got == [
        ("Ana", 3, 5, 60.0, ["03-anatomy", "04-causes"]),
        ("Ben", 3, 5, 60.0, ["03-anatomy", "04-causes"]),
        ("Cleo", 2, 2, 100.0, ["04-causes"]),
        ("Dana", 2, 3, 66.7, ["03-anatomy"]),
        ("Eve", 1, 2, 50.0, ["04-causes"]),
    ]
    ben = next(s for s in report.learners if s.learner == "Ben")
    assert ben.file.endswith("ben.json")  # the later export wins over ben-duplicate.json


def test_hardest_questions_and_wrong_options(report):
    assert [(q.chapter, q.qid) for q in report.hardest()] == [
        ("03-anatomy", "q2"), ("03-anatomy", "q3"), ("04-causes", "c2"), ("03-anatomy", "q1"), ("04-causes", "c1")]
    assert [(q.qid, a, n, first) for q, a, n, first in report.wrong_answers()] == [
        ("q2", '"L4"', 2, 1), ("q1", '"A"', 1, 1), ("q3", '"A"', 1, 1), ("c1", '"A"', 1, 1), ("c2", '"A"', 1, 1)]
    q2 = by_id(report)[("03-anatomy", "q2")]
    assert report.label(q2, '"L4"') == "L4 (the fourth lumbar root)"


def test_first_check_beside_final_correctness(report):
    got = {k: (q.first_correct, q.percent_first, dict(q.first_wrong), q.first_unknown, q.correct)
           for k, q in by_id(report).items()}
    assert got == {
        ("03-anatomy", "q1"): (2, 66.7, {'"A"': 1}, 0, 2),
        ("03-anatomy", "q2"): (0, 0.0, {'"L4"': 1}, 2, 1),
        ("03-anatomy", "q3"): (1, 33.3, {'"A"': 1}, 1, 2),
        ("04-causes", "c1"): (3, 75.0, {'"A"': 1}, 0, 3),
        ("04-causes", "c2"): (2, 50.0, {'"A"': 1}, 1, 3),
    }
    q2 = by_id(report)[("03-anatomy", "q2")]
    assert report.first_wrong_text(q2) == (
        "L4 (the fourth lumbar root) (1 of 3); first answer not kept for 2")


def export(learner: str, answers: dict, stem: str = "03-anatomy", version: str = "aaaaaaaaaaaa") -> dict:
    return {"format": rp.FORMAT, "version": 1, "learner": learner, "exported": "2026-11-20T10:00:00Z",
            "banks": {stem: version},
            "chapters": {stem: {"score": sum(a["correct"] for a in answers.values()), "total": 3, "answers": answers}}}


def test_first_answers_recorded_by_the_quizzes(tmp_path):
    """Current exports keep the first checked answer: a learner who corrected a first wrong answer
    counts towards the most common first wrong answer and under right in the end; only older exports
    of a question checked more than once give "first answer not kept".

      q2    first  now  checks  file
      Fay   L4     L5   2       JSON (corrected)
      Gus   L4     L4   3       CSV with first_answer, first_correct
      Hal   L5     L5   1       JSON
      Ida   ?      L5   2       JSON from before the field (first not kept)
      Jo    L4     L4   1       JSON from before the field, one check (the answer kept is the first)
    q1: Fay first A, now B (no one ends on A: a wrong answer given only at the first check).
    """
    first = lambda a, ok: {"answer": a, "correct": ok}  # noqa: E731
    files = {
        "fay.json": export("Fay", {
            "q1": {"answer": "B", "correct": True, "attempts": 2, "first": first("A", False)},
            "q2": {"answer": "L5", "correct": True, "attempts": 2, "first": first("L4", False)}}),
        "hal.json": export("Hal", {"q2": {"answer": "L5", "correct": True, "attempts": 1, "first": first("L5", True)}}),
        "ida.json": export("Ida", {"q2": {"answer": "L5", "correct": True, "attempts": 2}}),
        "jo.json": export("Jo", {"q2": {"answer": "L4", "correct": False, "attempts": 1}}),
    }
    for name, doc in files.items():
        (tmp_path / name).write_text(json.dumps(doc))
    (tmp_path / "gus.csv").write_text("learner,chapter,question_id,answer,correct,attempts,confidence,first_answer,"
                                      "first_correct\nGus,03-anatomy,q2,L4,false,3,high,L4,false\n")
    r = rp.build_report(sorted(tmp_path.iterdir()), banks())
    assert [p.field for p in r.problems] == ["banks"]  # only the CSV note
    q1, q2 = by_id(r)[("03-anatomy", "q1")], by_id(r)[("03-anatomy", "q2")]
    assert (q2.answered, q2.first_correct, dict(q2.first_wrong), q2.first_unknown, q2.correct, q2.corrected) == (
        5, 1, {'"L4"': 3}, 1, 3, 1)
    assert r.first_wrong_text(q2) == (
        "L4 (the fourth lumbar root) (3 of 5); first answer not kept for 1")
    assert (q1.answered, q1.first_correct, dict(q1.first_wrong), q1.correct, q1.corrected, dict(q1.wrong)) == (
        1, 0, {'"A"': 1}, 1, 1, {})
    assert r.first_wrong_text(q1) == "A (1 of 1)"  # Fay corrected it, and it is still her first wrong answer
    paths = rp.write_report(r, tmp_path / "out")
    rows = {row["question_id"]: row for row in csv.DictReader(paths["questions"].open(encoding="utf-8"))}
    assert (rows["q2"]["right_first_check"], rows["q2"]["most_common_first_wrong_answer"],
            rows["q2"]["times_chosen_first"], rows["q2"]["first_answer_not_kept"], rows["q2"]["correct"],
            rows["q2"]["wrong_first_right_in_the_end"]) == ("1", "L4 (the fourth lumbar root)", "3", "1", "3", "1")
    assert (rows["q1"]["most_common_first_wrong_answer"], rows["q1"]["most_common_wrong_answer"]) == ("A", "")
    wrong = [(row["question_id"], row["answer"], row["times_chosen"], row["times_chosen_first"])
             for row in csv.DictReader(paths["wrong_answers"].open(encoding="utf-8"))]
    assert wrong == [("q2", "L4 (the fourth lumbar root)", "2", "3"), ("q1", "A", "0", "1")]
    html = paths["html"].read_text()
    assert "Wrong at first, right in the end" in html and "first_answer_not_kept" in html
    assert "whether they corrected it later or not" in html


@pytest.mark.parametrize("damaged", ["L4", {"answer": "L4"}, {"answer": "L4", "correct": "no"}, 7])
def test_a_damaged_first_answer_is_named_and_the_rest_of_the_answer_used(tmp_path, damaged):
    (tmp_path / "kim.json").write_text(json.dumps(export("Kim", {
        "q2": {"answer": "L5", "correct": True, "attempts": 2, "first": damaged},
        "q1": {"answer": "B", "correct": True, "attempts": 1, "first": {"answer": "B", "correct": True}}})))
    (tmp_path / "lu.csv").write_text("learner,chapter,question_id,answer,correct,attempts,confidence,first_answer,"
                                     "first_correct\nLu,03-anatomy,q2,L5,true,1,,L4,maybe\n")
    r = rp.build_report([tmp_path / "kim.json", tmp_path / "lu.csv"], banks())
    problems = [(Path(p.file).name, p.item, p.field) for p in r.problems]
    assert ("kim.json", "chapter 03-anatomy: question q2", "first") in problems
    assert ("lu.csv", "line 2", "first_correct") in problems
    q1, q2 = by_id(r)[("03-anatomy", "q1")], by_id(r)[("03-anatomy", "q2")]
    # Both learners still count, right in the end; their first answer to q2 is not known.
    assert (q2.answered, q2.correct, q2.first_correct, q2.first_unknown, dict(q2.first_wrong)) == (2, 2, 0, 2, {})
    assert (q1.answered, q1.first_correct) == (1, 1)
    assert [(s.learner, s.score) for s in r.learners] == [("Kim", 2), ("Lu", 1)]


def test_every_bad_file_is_reported_by_name_and_the_rest_kept(report):
    problems = [(Path(p.file).name, p.item, p.field) for p in report.problems]
    assert ("cleo-old-bank.json", "chapter 03-anatomy", "banks") in problems
    assert ("eve-partly-bad.json", "chapter 03-anatomy", "score") in problems
    assert ("eve-partly-bad.json", "chapter 99-unknown", "") in problems
    assert ("ben-duplicate.json", "learner 'ben'", "learner") in problems
    assert ("malformed.json", "line 3", "") in problems
    assert ("foreign.json", "", "format") in problems
    assert ("not-results.csv", "line 1", "header") in problems
    assert ("dana.csv", "", "banks") in problems  # a warning: CSV has no bank versions
    assert not any(Path(p.file).name in {"ana.json", "ben.json"} for p in report.problems)
    assert len(report.problems) == 8
    cleo = next(p for p in report.problems if p.field == "banks" and "cleo" in p.file)
    assert "000000000000" in str(cleo) and "aaaaaaaaaaaa" in str(cleo)


def test_order_of_files_does_not_change_the_numbers():
    a = rp.build_report([FIXTURES / n for n in ALL], banks())
    b = rp.build_report([FIXTURES / n for n in reversed(ALL)], banks())
    assert ([(q.qid, q.answered, q.correct) for q in a.questions]
            == [(q.qid, q.answered, q.correct) for q in b.questions])
    assert [(s.learner, s.score, s.total) for s in a.learners] == [(s.learner, s.score, s.total) for s in b.learners]


def test_only_bad_files_give_an_empty_report_not_a_crash(tmp_path):
    r = rp.build_report([FIXTURES / "malformed.json", FIXTURES / "foreign.json", tmp_path / "missing.json"], banks())
    assert r.learners == [] and all(q.answered == 0 for q in r.questions)
    assert [Path(p.file).name for p in r.problems] == ["malformed.json", "foreign.json", "missing.json"]


def test_written_csv_and_html(report, tmp_path):
    paths = rp.write_report(report, tmp_path)
    with paths["questions"].open() as fh:
        rows = list(csv.DictReader(fh))
    q2 = next(r for r in rows if r["question_id"] == "q2")
    assert (q2["answered"], q2["correct"], q2["percent_correct"]) == ("3", "1", "33.3")
    assert (q2["most_common_wrong_answer"], q2["times_chosen"]) == ("L4 (the fourth lumbar root)", "2")
    with paths["learners"].open() as fh:
        learners = {r["learner"]: (r["score"], r["total"], r["percent"]) for r in csv.DictReader(fh)}
    assert learners == {"Ana": ("3", "5", "60.0"), "Ben": ("3", "5", "60.0"), "Cleo": ("2", "2", "100.0"),
                        "Dana": ("2", "3", "66.7"), "Eve": ("1", "2", "50.0")}
    with paths["problems"].open() as fh:
        assert len(list(csv.DictReader(fh))) == 8
    assert (q2["right_first_check"], q2["percent_right_first_check"], q2["most_common_first_wrong_answer"],
            q2["times_chosen_first"], q2["first_answer_not_kept"]) == (
        "0", "0.0", "L4 (the fourth lumbar root)", "1", "2")
    html = paths["html"].read_text()
    # small and offline: plotly.js is the course's basic bundle, written beside the page
    assert "Plotly.newPlot" in html and len(html) < 100_000
    assert re.findall(r'<script src="([^"]+)"', html) == ["plotly-basic.min.js"]
    bundle = Path(rp.__file__).parents[1] / "static" / "vendor" / "plotly-basic.min.js"
    assert paths["plotly"] == tmp_path / "plotly-basic.min.js"
    assert paths["plotly"].read_bytes() == bundle.read_bytes()
    assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', html))
    assert '"showSendToCloud": false' in html and '"displaylogo": false' in html  # no "Share chart"
    assert "33.3% (1/3)" in html and "malformed.json" in html
    # the misconception table: first-check numbers beside final correctness
    table = html[html.index("Misconceptions to discuss"):]
    table = table[:table.index("</table>")]
    assert "0% (0/3)" in table and "L4 (the fourth lumbar root) (1 of 3)" in table and "33.3% (1/3)" in table


@pytest.mark.slow  # runs the command in a subprocess
def test_cli_with_the_course_banks(tmp_path):
    """End to end through ``python -m sciatica_course``: versions come from the real bank files."""
    current = rp.current_banks()
    if not current:
        pytest.skip("no question banks yet")
    stem, info = sorted(current.items())[0]
    bank_file = Path(rp.__file__).parents[1] / "data" / "questions" / f"{stem}.yaml"
    assert info.version == hashlib.sha256(bank_file.read_bytes()).hexdigest()[:12]
    qids = list(info.questions) or ["any"]
    good = {"format": rp.FORMAT, "version": 1, "learner": "Zoe", "exported": "2026-11-20T10:00:00Z",
            "banks": {stem: info.version},
            "chapters": {stem: {"score": 1, "total": len(qids),
                                "answers": {qids[0]: {"answer": "x", "correct": True, "attempts": 1}}}}}
    old = json.loads(json.dumps(good))
    old["learner"], old["banks"][stem] = "Yan", "ffffffffffff"
    (tmp_path / "zoe.json").write_text(json.dumps(good))
    (tmp_path / "yan.json").write_text(json.dumps(old))
    shutil.copy(FIXTURES / "malformed.json", tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "sciatica_course", "class-report",
                           *sorted(map(str, tmp_path.glob("*.json"))), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "malformed.json: line 3: is not valid JSON" in proc.stdout
    assert f"yan.json: chapter {stem}: banks: exported against bank version ffffffffffff" in proc.stdout
    with (out / "questions.csv").open() as fh:
        row = next(r for r in csv.DictReader(fh) if r["question_id"] == qids[0])
    assert (row["answered"], row["correct"]) == ("1", "1")  # Zoe counted, Yan's chapter left out
    with (out / "learners.csv").open() as fh:
        assert [r["learner"] for r in csv.DictReader(fh)] == ["Zoe"]  # Yan had nothing usable left
    assert "yan.json: learner 'Yan': no usable results; learner left out" in proc.stdout


def test_exports_written_by_the_quiz_itself(tmp_path):
    """Round trip with the quiz's own export code (JSON and CSV) and the course's real bank."""
    from sciatica_course.quiz.progress import ProgressStore as Progress
    from sciatica_course.quiz.schema import load_bank

    stem = "01-welcome"
    if not (Path(rp.__file__).parents[1] / "data" / "questions" / f"{stem}.yaml").exists():
        pytest.skip("no bank for 01-welcome yet")
    bank = load_bank(stem)
    q1, q2 = bank.questions[0], bank.questions[1]
    wrong1 = next(o.id for o in q1.options if o.id != q1.answer)
    # Ana: q1 right, q2 right. Ben: q1 wrong (wrong1), q2 right. Cy (CSV): q1 wrong (wrong1).
    for name, answers in [("Ana", [(q1, q1.answer, True), (q2, q2.answer, True)]),
                          ("Ben", [(q1, wrong1, False), (q2, q2.answer, True)]),
                          ("Cy", [(q1, wrong1, False)])]:
        prog = Progress(tmp_path / f"{name}-progress.json")
        prog.learner = name
        for q, a, ok in answers:
            prog.record(stem, bank.version, q.id, a, ok, 1)
        if name == "Cy":
            prog.write_csv(tmp_path / f"{name}.csv")
        else:
            prog.write_json(tmp_path / f"{name}.json")
    r = rp.build_report([tmp_path / "Ana.json", tmp_path / "Ben.json", tmp_path / "Cy.csv"], rp.current_banks())
    stats = by_id(r)
    n = len(bank.questions)
    assert (stats[(stem, q1.id)].answered, stats[(stem, q1.id)].correct, stats[(stem, q1.id)].percent) == (3, 1, 33.3)
    assert (stats[(stem, q2.id)].answered, stats[(stem, q2.id)].correct, stats[(stem, q2.id)].percent) == (2, 2, 100.0)
    assert stats[(stem, q1.id)].wrong == {json.dumps(wrong1): 2}
    assert [(s.learner, s.score, s.total) for s in r.learners] == [("Ana", 2, n), ("Ben", 1, n), ("Cy", 0, n)]
    assert [p.field for p in r.problems] == ["banks"]  # only the CSV note: versions not checked
    label = r.label(stats[(stem, q1.id)], json.dumps(wrong1))
    assert label == f"{wrong1} ({q1.option(wrong1).text})"


@pytest.mark.browser
def test_html_report_draws_its_chart_offline_without_share_button(report, tmp_path, chromium):
    """The report folder as a teacher opens it: the chart is drawn by the basic bundle beside the
    page, nothing is requested from another host, and plotly's mode bar has no "Share"/cloud button."""
    from browser import PageLog, new_page, serve

    rp.write_report(report, tmp_path)
    with serve(tmp_path) as url:
        log = PageLog()
        page = new_page(chromium, log)
        page.goto(url + "class-report.html", wait_until="networkidle")
        page.wait_for_selector("#class-chart .main-svg", timeout=20000)
        bars = page.evaluate("document.querySelectorAll('#class-chart .trace.bars').length")
        assert bars == 2  # right at the first check, right in the end
        page.hover("#class-chart")
        titles = page.evaluate("[...document.querySelectorAll('#class-chart .modebar-btn')]"
                               ".map(b => b.getAttribute('data-title'))")
        assert titles and not any("share" in t.lower() or "cloud" in t.lower() or "chart studio" in t.lower()
                                  for t in titles)
        assert log.clean(), log.report()

"""The class report from real exports of both quiz surfaces (issue 13): the built book in Chromium
(its "Download results (JSON)" button) and the JupyterLab widget (its "Export results" buttons, JSON
and CSV), then ``python -m sciatica_course class-report`` on the folder, as a teacher runs it.

Three learners answer chapter 3's first question (roots-01: right = "L4 to S3"):

  learner  surface           first check   then                        now
  Ana      book, JSON        S1 only       Try again, L4 to S3          right (corrected)
  Ben      JupyterLab, JSON  S1 only       -                            wrong
  Cy       JupyterLab, CSV   L4 to S3      -                            right
  Cy also answers root-02 (right = L5): S1, then Try again, L5 (corrected, from the CSV export).

So roots-01: answered 3, right at the first check 1 (Cy), most common first wrong answer "S1 only"
2 of 3 (Ana, who corrected it, and Ben), right in the end 2 (Ana and Cy), wrong at first and right in
the end 1 (Ana), first answer not kept 0.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from browser import PageLog, new_page
from sciatica_course.classroom import report as rp
from sciatica_course.quiz.progress import ProgressStore
from sciatica_course.quiz.schema import load_bank
from sciatica_course.quiz.widget import QuizWidget

pytestmark = pytest.mark.browser

Q = "#scq-03-anatomy-roots-01"


def book_export(book_server, chromium, folder):
    """Ana in the built book: wrong, Try again, right; her JSON as the browser downloads it."""
    log = PageLog()
    page = new_page(chromium, log, accept_downloads=True)
    page.goto(book_server + "notebooks/03-anatomy.html", wait_until="networkidle")
    page.wait_for_function("document.querySelector('#scq-03-anatomy-score').textContent.includes('answered')")
    form = page.locator(Q)
    form.get_by_label("S1 only").check()
    form.get_by_role("button", name="Check").click()
    assert "Not quite." in form.locator(".sc-q-feedback").inner_text()
    form.get_by_role("button", name="Try again").click()
    form.get_by_label("L4 to S3").check()
    form.get_by_role("button", name="Check").click()
    assert "Correct." in form.locator(".sc-q-feedback").inner_text()
    page.get_by_label("Your name or learner ID (for the export)").fill("Ana")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download results (JSON)").click()
    path = folder / dl.value.suggested_filename
    dl.value.save_as(path)
    page.context.close()
    assert not log.blocked and not log.page_errors, log.report()
    return path


def lab_export(tmp_path, folder, name: str, steps: list[tuple[str, list[str]]], fmt: str):
    """A learner in the JupyterLab widget: each question checked with these answers in turn
    ("Try again" between them), then the widget's own export button."""
    w = QuizWidget(load_bank("03-anatomy"), ProgressStore(tmp_path / f"{name}-progress.json"))
    for qid, answers in steps:
        qw = next(x for x in w.questions if x.q.id == qid)
        for n, answer in enumerate(answers):
            if n:
                qw.on_retry()
            qw.control.value = answer
            assert qw.on_check().counts
    w.learner.value = name
    return w.export(fmt, folder=folder)


def test_class_report_from_book_and_jupyterlab_exports(book_server, chromium, tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    ana = book_export(book_server, chromium, folder)
    ben = lab_export(tmp_path, folder, "Ben", [("roots-01", ["s1-only"])], "json")
    cy = lab_export(tmp_path, folder, "Cy", [("roots-01", ["l4-s3"]), ("root-02", ["s1", "l5"])], "csv")
    assert sorted(p.name for p in folder.iterdir()) == sorted([ana.name, ben.name, cy.name])

    r = rp.build_report([folder], rp.current_banks())
    assert [p.field for p in r.problems] == ["banks"]  # only the note that a CSV has no bank versions
    assert [(s.learner, s.score) for s in r.learners] == [("Ana", 1), ("Ben", 0), ("Cy", 2)]
    stats = {q.qid: q for q in r.questions if q.chapter == "03-anatomy"}
    roots = stats["roots-01"]
    assert (roots.answered, roots.first_correct, dict(roots.first_wrong), roots.first_unknown) == (
        3, 1, {'"s1-only"': 2}, 0)
    assert (roots.correct, roots.corrected, dict(roots.wrong)) == (2, 1, {'"s1-only"': 1})
    assert r.first_wrong_text(roots) == "s1-only (S1 only) (2 of 3)"
    root2 = stats["root-02"]
    assert (root2.answered, root2.first_correct, dict(root2.first_wrong), root2.correct, root2.corrected) == (
        1, 0, {'"s1"': 1}, 1, 1)

    # The command a teacher runs, on the folder.
    out = tmp_path / "class-report"
    proc = subprocess.run([sys.executable, "-m", "sciatica_course", "class-report", str(folder), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    assert "3 learners" in proc.stdout
    assert ("most missed at the first check: 03-anatomy root-02: 0% right first time, 100% in the end; "
            "first wrong answer: s1 (S1) (1 of 1)") in proc.stdout
    with (out / "questions.csv").open(encoding="utf-8") as fh:
        row = next(x for x in csv.DictReader(fh) if x["question_id"] == "roots-01")
    assert (row["answered"], row["right_first_check"], row["most_common_first_wrong_answer"], row["times_chosen_first"],
            row["first_answer_not_kept"], row["correct"], row["wrong_first_right_in_the_end"]) == (
        "3", "1", "s1-only (S1 only)", "2", "0", "2", "1")
    html = (out / "class-report.html").read_text(encoding="utf-8")
    table = html[html.index("Misconceptions to discuss"):]
    table = table[:table.index("</table>")]
    assert "s1-only (S1 only) (2 of 3)" in table and "66.7% (2/3)" in table and "33.3% (1/3)" in table
    assert "first answer not kept" not in table

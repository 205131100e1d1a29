"""The first checked answer in the book's quiz script (static/sciatica-quiz.js, as shipped), on small
local pages served from 127.0.0.1 with every other host blocked (no book build needed; the built
book's export is checked in tests/test_browser_quiz.py).

- The script keeps a question's first checked answer by the rules of progress.first_of: a new
  record, records written before the field (checked once, or more than once) and a kept first
  answer give what the Python store gives for the same record.
- "Try again" keeps it; "Reset this quiz" forgets it with the chapter.
- A damaged first answer is set aside: the whole record copied aside first, only that field
  dropped, the answer still shown and counted.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from browser import PageLog, new_page, serve
from sciatica_course.quiz.progress import ProgressStore, first_of
from sciatica_course.quiz.render import quiz_html
from sciatica_course.quiz.schema import load_bank

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[1] / "sciatica_course" / "static"
KEY = "sciatica-course:v1:ch:03-anatomy"
SCORE = "#scq-03-anatomy-score"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quiz-first")
    for f in ("sciatica-quiz.js", "sciatica-quiz.css"):
        shutil.copy(STATIC / f, folder / f)
    body = quiz_html(load_bank("03-anatomy"))
    (folder / "anatomy.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>First answer test</title>'
        f'<link rel="stylesheet" href="sciatica-quiz.css"></head><body><main>{body}</main>'
        '<script src="sciatica-quiz.js"></script></body></html>', encoding="utf-8")
    with serve(folder) as url:
        yield url


def open_with(page, url: str, record: dict | None) -> None:
    page.goto(url, wait_until="load")
    page.evaluate("([k, r]) => { localStorage.clear(); if (r) localStorage.setItem(k, JSON.stringify(r)); }",
                  [KEY, record])
    page.reload(wait_until="load")
    page.wait_for_function(f"document.querySelector('{SCORE}').textContent.includes('answered')")


def saved(page) -> dict:
    return page.evaluate("k => JSON.parse(localStorage.getItem(k))", KEY)["answers"]


def check(page, qid: str, answer) -> None:
    form = page.locator(f"#scq-03-anatomy-{qid}")
    if qid == "variant-01":
        form.get_by_label("Your answer (%)").fill(answer)
    else:
        form.get_by_label(answer, exact=True).check()
    form.get_by_role("button", name="Check").click()


def test_the_scripts_first_answer_rules_match_progress_py(site, chromium, tmp_path):
    bank = load_bank("03-anatomy")
    old = {  # as they were saved before this check
        "roots-01": {"answer": "l1-l3", "correct": False, "attempts": 1},  # before the field, one check
        "variant-01": {"answer": 15, "correct": False, "attempts": 3},  # before the field, three checks
        "root-02": {"answer": "l5", "correct": True, "attempts": 2, "first": {"answer": "s1", "correct": False}},
    }
    checks = [("roots-01", "L4 to S3", "l4-s3", True), ("variant-01", "16.9", 16.9, True),
              ("root-02", "S1", "s1", False), ("variant-02", "It is right: pooled studies of thousands of cadavers "
                                                              "found about one person in three", "right", False)]
    log = PageLog()
    page = new_page(chromium, log)
    open_with(page, site + "anatomy.html", {"bank": bank.version, "total": 7, "answers": old})
    assert page.inner_text("#scq-03-anatomy-notice") == ""  # old records load without a word
    for qid, typed, _, _ in checks:
        check(page, qid, typed)
    js = saved(page)
    # The Python store, given the same saved records and the same checks, writes the same first answers.
    store = ProgressStore(tmp_path / "progress.json")
    store.path.write_text(json.dumps({"format": "sciatica-course-progress", "version": 1, "learner": "",
                                      "chapters": {"03-anatomy": {"bank": bank.version, "answers": old}}}))
    for qid, _, value, correct in checks:
        py = store.record("03-anatomy", bank.version, qid, value, correct, old.get(qid, {}).get("attempts", 0) + 1)
        assert js[qid].get("first") == py.get("first") == first_of(old.get(qid), value, correct), qid
        assert (js[qid]["answer"], js[qid]["correct"]) == (value, correct)
    assert js["roots-01"]["first"] == {"answer": "l1-l3", "correct": False}  # its one check was the first
    assert "first" not in js["variant-01"]  # unknown: never guessed
    assert js["root-02"]["first"] == {"answer": "s1", "correct": False}  # kept, not overwritten
    assert js["variant-02"]["first"] == {"answer": "right", "correct": False}  # a first check
    page.context.close()
    assert log.clean(), log.report()


def test_try_again_keeps_the_first_answer_and_reset_forgets_it(site, chromium):
    log = PageLog()
    page = new_page(chromium, log)
    open_with(page, site + "anatomy.html", None)
    check(page, "roots-01", "S1 only")
    form = page.locator("#scq-03-anatomy-roots-01")
    for answer in ("C5 to T1", "L4 to S3"):
        form.get_by_role("button", name="Try again").click()
        check(page, "roots-01", answer)
    assert saved(page)["roots-01"] == {"answer": "l4-s3", "correct": True, "attempts": 3,
                                       "review": saved(page)["roots-01"]["review"],
                                       "first": {"answer": "s1-only", "correct": False}}
    page.reload(wait_until="load")
    page.wait_for_function(f"document.querySelector('{SCORE}').textContent.includes('answered')")
    assert saved(page)["roots-01"]["first"] == {"answer": "s1-only", "correct": False}  # a reload keeps it
    page.get_by_role("button", name="Reset this quiz").click()
    assert page.evaluate("k => localStorage.getItem(k)", KEY) is None
    check(page, "roots-01", "L4 to S3")
    assert saved(page)["roots-01"]["first"] == {"answer": "l4-s3", "correct": True}  # a fresh start
    page.context.close()
    assert log.clean(), log.report()


@pytest.mark.parametrize("damaged", ["s1-only", {"answer": "s1-only"}, {"answer": "s1-only", "correct": "no"}, []])
def test_a_damaged_first_answer_is_set_aside_and_the_answer_kept(site, chromium, damaged):
    bank = load_bank("03-anatomy")
    rec = {"bank": bank.version, "total": 7, "answers": {
        "roots-01": {"answer": "l4-s3", "correct": True, "attempts": 2, "first": damaged},
        "root-02": {"answer": "l5", "correct": True, "attempts": 1, "first": {"answer": "l5", "correct": True}}}}
    log = PageLog()
    page = new_page(chromium, log)
    open_with(page, site + "anatomy.html", rec)
    notice = page.inner_text("#scq-03-anatomy-notice")
    assert "first answer kept for question 1 was damaged" in notice and "set aside as" in notice
    assert "answers and score are kept" in notice
    assert page.inner_text(SCORE) == "Score: 2 of 7 correct (2 answered)."  # the answer still counts
    assert page.locator("#scq-03-anatomy-roots-01").get_by_label("L4 to S3").is_checked()
    kept = saved(page)
    assert kept == {"roots-01": {"answer": "l4-s3", "correct": True, "attempts": 2},
                    "root-02": rec["answers"]["root-02"]}
    keys = page.evaluate("() => Object.keys(localStorage)")
    aside = [k for k in keys if k.startswith("sciatica-course:v1:corrupt:ch:03-anatomy:")]
    assert len(aside) == 1 and json.loads(page.evaluate("k => localStorage.getItem(k)", aside[0])) == rec
    # Answered again: the first answer stays unknown (two checks before), never made up.
    page.locator("#scq-03-anatomy-roots-01").get_by_role("button", name="Try again").click()
    check(page, "roots-01", "L4 to S3")
    assert "first" not in saved(page)["roots-01"]
    # A reload finds nothing more to set aside.
    page.reload(wait_until="load")
    page.wait_for_function(f"document.querySelector('{SCORE}').textContent.includes('answered')")
    assert page.inner_text("#scq-03-anatomy-notice") == ""
    page.context.close()
    assert log.clean(), log.report()

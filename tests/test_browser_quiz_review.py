"""Confidence marking and the review deck in a real browser (issue 16).

- On small local pages made from the shipped script (no book build): answering with confidence
  gives Gardner-Medwin's mark and the calibration summary (the same words as review.py), the record
  carries the confidence and the card; planted records with dates and the script's clock hook
  (window.sciaticaClock) decide what the Review page shows; damaged review state is set aside.
- In the built book: a wrong answer given as "very sure" in a chapter is in the Review page's deck
  after the clock moves a day, a right answer there moves it to box 2 (not due the next day, due
  again three days later); by keyboard only.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from browser import PageLog, new_page, serve
from sciatica_course.course import CHAPTERS
from sciatica_course.quiz import review
from sciatica_course.quiz.render import quiz_html, review_html
from sciatica_course.quiz.review import Card
from sciatica_course.quiz.schema import load_bank

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "sciatica_course" / "static"
KEY = "sciatica-course:v1:ch:"
Q = "#scq-03-anatomy-roots-01"  # single choice: right = l4-s3, wrong = l1-l3


def page_html(body: str) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Review test</title>'
            '<link rel="stylesheet" href="sciatica-quiz.css"></head>'
            f'<body><main>{body}</main><script src="sciatica-quiz.js"></script></body></html>')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quiz-review")
    for f in ("sciatica-quiz.js", "sciatica-quiz.css"):
        shutil.copy(STATIC / f, folder / f)
    (folder / "anatomy.html").write_text(page_html(quiz_html(load_bank("03-anatomy"))), encoding="utf-8")
    banks = [load_bank(c.stem) for c in CHAPTERS]
    (folder / "review.html").write_text(page_html(review_html(banks)), encoding="utf-8")
    with serve(folder) as url:
        yield url


def iso(days: int = 0) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def clock(page, days: int) -> None:
    """Move the script's clock (before the page's scripts run, on every later load)."""
    page.add_init_script(f"window.sciaticaClock = () => new Date(Date.now() + {days} * 86400000);")


def record(page, stem: str) -> dict:
    return page.evaluate("k => JSON.parse(localStorage.getItem(k))", KEY + stem)


def ready(page, selector="#scq-03-anatomy-score") -> None:
    page.wait_for_function(f"document.querySelector('{selector}').textContent.includes('answered')")


def test_confidence_mark_calibration_and_record(site, chromium):
    log = PageLog()
    page = new_page(chromium, log)
    page.goto(site + "anatomy.html", wait_until="load")
    ready(page)
    form = page.locator(Q)
    group = form.get_by_role("group", name="How sure are you?")
    assert group.count() == 1  # a fieldset named by its legend
    assert group.get_by_role("radio").count() == 3
    # Skipped: as before, no mark and no summary.
    form.get_by_label("L1 to L3").check()
    form.get_by_role("button", name="Check").click()
    assert "Certainty-based" not in form.locator(".sc-q-feedback").inner_text()
    assert page.locator("#scq-03-anatomy-calibration").inner_text() == ""
    assert "confidence" not in record(page, "03-anatomy")["answers"]["roots-01"]
    # Wrong and very sure: -6, and the summary says so with its source.
    form.get_by_role("button", name="Try again").click()
    assert not group.get_by_label("Very sure (high)").is_checked()  # Try again clears it too
    form.get_by_label("L1 to L3").check()
    group.get_by_label("Very sure (high)").check()
    form.get_by_role("button", name="Check").click()
    assert "Certainty-based mark: -6 (very sure and wrong)." in form.locator(".sc-q-feedback").inner_text()
    # Right and not sure on a second question.
    bank = load_bank("03-anatomy")
    q2 = page.locator("#scq-03-anatomy-variant-01")
    q2.get_by_label("Your answer (%)").fill("16.9")
    q2.get_by_label("Not sure (low)").check()
    q2.get_by_role("button", name="Check").click()
    assert "Certainty-based mark: 1 (not sure and right)." in q2.locator(".sc-q-feedback").inner_text()
    expected = review.calibrate([(False, "high"), (True, "low")]).text
    cal = page.locator("#scq-03-anatomy-calibration").inner_text()
    assert cal.startswith("How sure you were: " + expected)  # the same words as review.py
    assert "Gardner-Medwin (1995)" in cal
    rec = record(page, "03-anatomy")
    assert rec["bank"] == bank.version
    assert rec["answers"]["roots-01"] == {"answer": "l1-l3", "correct": False, "attempts": 2, "confidence": "high",
                                          "review": {"box": 1, "due": iso(1)},
                                          "first": {"answer": "l1-l3", "correct": False}}
    assert rec["answers"]["variant-01"]["review"] == {"box": 1, "due": iso(1)}
    # Reloaded: the saved confidence is shown with the saved answer, the summary is back.
    page.reload(wait_until="load")
    ready(page)
    assert page.locator(Q).get_by_label("Very sure (high)").is_checked()
    assert page.locator("#scq-03-anatomy-calibration").inner_text().startswith("How sure you were: " + expected)
    page.context.close()
    assert log.clean(), log.report()


def plant(page, records: dict) -> None:
    page.evaluate("recs => { localStorage.clear(); for (const [k, v] of Object.entries(recs))"
                  " localStorage.setItem(k, typeof v === 'string' ? v : JSON.stringify(v)); }", records)


def visible_questions(page) -> list[str]:
    return page.evaluate("() => Array.from(document.querySelectorAll('#scq-review form.sc-q'))"
                         ".filter(f => !f.hidden && !f.closest('section[hidden]')).map(f => f.id)")


def test_review_page_shows_what_is_due_as_the_clock_moves(site, chromium):
    anatomy, causes = load_bank("03-anatomy"), load_bank("04-causes")
    records = {
        KEY + "03-anatomy": {"bank": anatomy.version, "total": 7, "answers": {
            "roots-01": {"answer": "l1-l3", "correct": False, "attempts": 1, "confidence": "high",
                         "review": {"box": 1, "due": iso(1)}},
            "root-02": {"answer": anatomy.question("root-02").answer, "correct": True, "attempts": 1,
                        "review": {"box": 2, "due": iso(3)}},
            "variant-01": {"answer": 16.9, "correct": True, "attempts": 1}}},  # not in the deck
        # An old record (before the deck): its wrong answer is due now.
        KEY + "04-causes": {"bank": causes.version, "total": len(causes.questions), "answers": {
            causes.questions[0].id: {"answer": "zz-not-an-option", "correct": False, "attempts": 1}}},
    }
    log = PageLog()
    page = new_page(chromium, log)
    page.goto(site + "review.html", wait_until="load")
    plant(page, records)
    page.reload(wait_until="load")
    assert visible_questions(page) == [f"scq-04-causes-{causes.questions[0].id}"]
    assert (page.inner_text("#scq-review-summary")
            == "1 question is due for review today (from 1 chapter). Answered: 0 of 1.")
    page.context.close()

    page = new_page(chromium, log)
    clock(page, 1)
    page.goto(site + "review.html", wait_until="load")
    plant(page, records)
    page.reload(wait_until="load")
    assert visible_questions(page) == ["scq-03-anatomy-roots-01", f"scq-04-causes-{causes.questions[0].id}"]
    assert page.locator("#scq-review-03-anatomy").is_visible()
    assert (page.inner_text("#scq-review-summary")
            == "2 questions are due for review today (from 2 chapters). Answered: 0 of 2.")
    # Answer rightly, very sure: the card moves to box 2, due 3 days from the moved clock.
    form = page.locator(Q)
    form.get_by_label("L4 to S3").check()
    form.get_by_label("Very sure (high)").check()
    form.get_by_role("button", name="Check").click()
    assert "Correct." in form.locator(".sc-q-feedback").inner_text()
    assert "Answered: 1 of 2." in page.inner_text("#scq-review-summary")
    assert page.locator("#scq-review-calibration").inner_text().startswith(
        "How sure you were: When you were very sure, you were right the one time.")
    saved = record(page, "03-anatomy")["answers"]
    # The planted record, from before the first answer was kept, was checked once: its answer was
    # the first one, and the review check keeps it as such.
    assert saved["roots-01"] == {"answer": "l4-s3", "correct": True, "attempts": 2, "confidence": "high",
                                 "review": {"box": 2, "due": iso(4)}, "first": {"answer": "l1-l3", "correct": False}}
    assert saved["variant-01"] == records[KEY + "03-anatomy"]["answers"]["variant-01"]  # the rest kept
    page.context.close()

    page = new_page(chromium, log)
    clock(page, 3)  # root-02 (box 2) is due now; roots-01 was not planted as answered here
    page.goto(site + "review.html", wait_until="load")
    plant(page, records)
    page.reload(wait_until="load")
    assert "scq-03-anatomy-root-02" in visible_questions(page)
    page.context.close()

    page = new_page(chromium, log)
    clock(page, 400)  # nothing planted: nothing due
    page.goto(site + "review.html", wait_until="load")
    plant(page, {})
    page.reload(wait_until="load")
    assert visible_questions(page) == []
    assert page.inner_text("#scq-review-summary") == "Nothing is due for review today."
    page.context.close()
    assert log.clean(), log.report()


def test_the_scripts_leitner_rules_match_review_py(site, chromium):
    """Cards due today in boxes 5, 2 and 3, answered right and very sure, right but not sure, and
    wrong: the script writes what review.schedule gives (out of the deck, same box, box 1)."""
    anatomy = load_bank("03-anatomy")
    today = date.today()
    cards = {"roots-01": Card(5, iso(0)), "variant-01": Card(2, iso(0)), "root-02": Card(3, iso(0))}
    answers = {qid: {"answer": "s1" if qid == "root-02" else anatomy.question(qid).answer, "correct": True,
                     "attempts": 1, "review": c.as_dict()} for qid, c in cards.items()}
    log = PageLog()
    page = new_page(chromium, log)
    page.goto(site + "review.html", wait_until="load")
    plant(page, {KEY + "03-anatomy": {"bank": anatomy.version, "total": 7, "answers": {
        **answers, "root-02": {**answers["root-02"], "correct": False}}}})
    page.reload(wait_until="load")
    assert visible_questions(page) == ["scq-03-anatomy-roots-01", "scq-03-anatomy-variant-01", "scq-03-anatomy-root-02"]
    steps = [("roots-01", "L4 to S3", "Very sure (high)", True, "high"),
             ("variant-01", "16.9", "Not sure (low)", True, "low"),
             ("root-02", "S1", "Fairly sure (medium)", False, "medium")]
    for qid, answer, sure, correct, level in steps:
        form = page.locator(f"#scq-03-anatomy-{qid}")
        if qid == "variant-01":
            form.get_by_label("Your answer (%)").fill(answer)
        else:
            form.get_by_label(answer, exact=True).check()
        form.get_by_label(sure).check()
        form.get_by_role("button", name="Check").click()
        saved = record(page, "03-anatomy")["answers"][qid]
        expected = review.schedule(cards[qid], correct, level, today)
        assert saved.get("review") == (expected.as_dict() if expected else None), qid
        assert saved["attempts"] == 2 and saved["confidence"] == level
    assert [review.schedule(cards[q], c, lv, today) for q, _, _, c, lv in steps] == [
        None, Card(2, iso(3)), Card(1, iso(1))]
    assert page.inner_text("#scq-review-summary").endswith("Answered: 3 of 3.")
    assert page.inner_text("#scq-review-calibration").startswith(
        "How sure you were: " + review.calibrate([(True, "high"), (True, "low"), (False, "medium")]).text)
    page.context.close()
    assert log.clean(), log.report()


def test_damaged_review_state_is_set_aside_in_the_chapter_and_the_rest_kept(site, chromium):
    anatomy = load_bank("03-anatomy")
    rec = {"bank": anatomy.version, "total": 7, "answers": {
        "roots-01": {"answer": "l1-l3", "correct": False, "attempts": 1, "review": {"box": 7, "due": "someday"}},
        "root-02": {"answer": anatomy.question("root-02").answer, "correct": True, "attempts": 1, "confidence": "sure"},
        "variant-01": {"answer": 16.9, "correct": True, "attempts": 1, "confidence": "medium"}}}
    log = PageLog()
    page = new_page(chromium, log)
    page.goto(site + "review.html", wait_until="load")
    plant(page, {KEY + "03-anatomy": rec})
    page.reload(wait_until="load")
    assert visible_questions(page) == []  # a damaged card is never shown as due
    page.goto(site + "anatomy.html", wait_until="load")
    ready(page)
    assert page.inner_text("#scq-03-anatomy-score") == "Score: 1 of 7 correct (1 answered)."
    notice = page.inner_text("#scq-03-anatomy-notice")
    assert "damaged" in notice and "set aside as" in notice and "other answers are kept" in notice
    kept = record(page, "03-anatomy")["answers"]
    assert kept == {"variant-01": rec["answers"]["variant-01"]}
    keys = page.evaluate("() => Object.keys(localStorage)")
    aside = [k for k in keys if k.startswith("sciatica-course:v1:corrupt:ch:03-anatomy:")]
    assert len(aside) == 1 and json.loads(page.evaluate("k => localStorage.getItem(k)", aside[0])) == rec
    page.context.close()
    assert log.clean(), log.report()


# ----------------------------------------------------------------------------- the built book


def tab_to(page, selector: str, limit: int = 600) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def arrow_to(page, scope: str, label: str, limit: int = 10) -> None:
    option = page.locator(scope).get_by_label(label)
    for _ in range(limit):
        if option.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"arrow keys never selected {label!r}")


def test_in_the_book_wrong_and_very_sure_comes_back_in_the_review_deck(book_server, chromium):
    log = PageLog()
    page = new_page(chromium, log, accept_downloads=True)
    page.goto(book_server + "notebooks/03-anatomy.html", wait_until="networkidle")
    ready(page)
    # Keyboard only: the wrong answer, then "Very sure", then Check.
    tab_to(page, f"{Q} .sc-q-body input[type=radio]")
    arrow_to(page, f"{Q} .sc-q-body", "L1 to L3")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "scq-03-anatomy-roots-01-conf"
    arrow_to(page, f"{Q} .sc-q-conf", "Very sure (high)")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Check"
    page.keyboard.press("Enter")
    fb = page.locator(Q).locator(".sc-q-feedback")
    assert "Not quite." in fb.inner_text() and "Certainty-based mark: -6 (very sure and wrong)." in fb.inner_text()
    assert page.inner_text("#scq-03-anatomy-calibration").startswith(
        "How sure you were: When you were very sure, you were wrong the one time.")
    # The export carries the confidence and the card.
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download results (JSON)").click()
    res = json.loads(open(dl.value.path(), encoding="utf-8").read())
    assert res["chapters"]["03-anatomy"]["answers"]["roots-01"] == {
        "answer": "l1-l3", "correct": False, "attempts": 1, "confidence": "high", "review": {"box": 1, "due": iso(1)},
        "first": {"answer": "l1-l3", "correct": False}}
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download results (CSV)").click()
    assert open(dl.value.path(), encoding="utf-8").read().splitlines()[1].endswith(",l1-l3,false,1,high,l1-l3,false")

    # The Review page today: nothing due yet, the date of the next review.
    page.goto(book_server + "notebooks/review-deck.html", wait_until="networkidle")
    summary = page.locator("#scq-review-summary")
    assert summary.inner_text() == f"Nothing is due for review today. Your next review is on {iso(1)}."
    assert page.locator("#scq-review form.sc-q:visible").count() == 0

    # A day later (the script's clock hook), it is due.
    context = page.context
    context.add_init_script("window.sciaticaClock = () => new Date(Date.now() + 86400000);")
    page.reload(wait_until="networkidle")
    assert summary.inner_text() == "1 question is due for review today (from 1 chapter). Answered: 0 of 1."
    form = page.locator(Q)
    assert form.is_visible() and page.locator("#scq-review form.sc-q:visible").count() == 1
    tab_to(page, f"{Q} .sc-q-body input[type=radio]")
    page.keyboard.press("Space")
    arrow_to(page, f"{Q} .sc-q-body", "L4 to S3")
    page.keyboard.press("Tab")
    arrow_to(page, f"{Q} .sc-q-conf", "Fairly sure (medium)")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert "Correct." in form.locator(".sc-q-feedback").inner_text()
    assert "Certainty-based mark: 2 (fairly sure and right)." in form.locator(".sc-q-feedback").inner_text()
    assert summary.inner_text().endswith("Answered: 1 of 1.")
    assert record(page, "03-anatomy")["answers"]["roots-01"]["review"] == {"box": 2, "due": iso(4)}
    # Answering on the Review page never changes the first answer the chapter's quiz kept.
    assert record(page, "03-anatomy")["answers"]["roots-01"]["first"] == {"answer": "l1-l3", "correct": False}
    page.reload(wait_until="networkidle")
    assert summary.inner_text() == f"Nothing is due for review today. Your next review is on {iso(4)}."
    context.close()

    page = new_page(chromium, log)
    page.context.add_init_script("window.sciaticaClock = () => new Date(Date.now() + 4 * 86400000);")
    page.goto(book_server + "notebooks/review-deck.html", wait_until="networkidle")
    page.evaluate("r => localStorage.setItem('sciatica-course:v1:ch:03-anatomy', JSON.stringify(r))",
                  {"bank": load_bank("03-anatomy").version, "total": 7, "answers": {"roots-01": {
                      "answer": "l4-s3", "correct": True, "attempts": 2, "confidence": "medium",
                      "review": {"box": 2, "due": iso(4)}}}})
    page.reload(wait_until="networkidle")
    assert page.locator(Q).is_visible()  # due again on the day its box says
    page.context.close()
    assert not log.blocked and not log.page_errors, log.report()

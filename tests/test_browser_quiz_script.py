"""The book's quiz script (static/sciatica-quiz.js, as shipped) in Chromium on small local pages
served from 127.0.0.1, with every other host blocked; no book build needed.

- Every case of tests/fixtures/numeric_cases.json is typed into a numeric question whose answer is
  the case's value (tolerance 0): the script must mark it correct and say back the same reading
  as the Python grader, or refuse it with the same message and not count it as an attempt.
- Saved records of the right shape but with values that do not fit the questions are set aside
  with a notice next to the score, and the marks shown and the score agree.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest

from browser import PageLog, new_page, serve
from sciatica_course.quiz.render import dom_id, quiz_html
from sciatica_course.quiz.schema import _QUESTION, Bank, load_bank

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "sciatica_course" / "static"
CASES = json.loads((Path(__file__).parent / "fixtures" / "numeric_cases.json").read_text(encoding="utf-8"))["cases"]
KEY = "sciatica-course:v1:ch:"


def page_html(*banks: Bank) -> str:
    quizzes = "".join(quiz_html(b) for b in banks)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Quiz script test</title>'
        '<link rel="stylesheet" href="sciatica-quiz.css"></head>'
        f'<body><main>{quizzes}</main><script src="sciatica-quiz.js"></script></body></html>'
    )


def case_bank() -> Bank:
    qs = []
    for n, c in enumerate(CASES, 1):
        q = {"id": f"c{n:03d}", "type": "numeric", "prompt": f"Case {n}: {html.escape(c['typed'])}", "objective": "O",
             "explanation": "E", "about": "using-the-course", "answer": c.get("value", 1), "tolerance": 0,
             "unit": c.get("unit", "")}
        if c.get("scale"):
            q["scale"] = c["scale"]
        qs.append(_QUESTION.validate_python(q))
    return Bank(stem="numeric-cases", questions=qs, version="cases")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quiz-script")
    for f in ("sciatica-quiz.js", "sciatica-quiz.css"):
        shutil.copy(STATIC / f, folder / f)  # the shipped files, as they are
    (folder / "cases.html").write_text(page_html(case_bank()), encoding="utf-8")
    (folder / "anatomy.html").write_text(page_html(load_bank("03-anatomy")), encoding="utf-8")
    with serve(folder) as url:
        yield url


def clean(log: PageLog) -> None:
    assert log.clean(), log.report()


def expected_mark(c: dict) -> str:
    if "error" in c:
        return "\u26a0 Check your answer. " + c["error"]
    return "\u2714 Correct." + (f" Read as {c['read_as']}." if c["noted"] else "")


def test_every_numeric_case_reads_as_in_python(site, chromium):
    log = PageLog()
    page = new_page(chromium, log)
    page.goto(site + "cases.html", wait_until="load")
    score = page.locator("#scq-numeric-cases-score")
    page.wait_for_function("document.querySelector('#scq-numeric-cases-score').textContent.includes('answered')")
    answered, mismatches = 0, []
    for n, c in enumerate(CASES, 1):
        form = page.locator("#" + dom_id("numeric-cases", f"c{n:03d}"))
        form.locator("input[type=text]").fill(c["typed"])
        form.get_by_role("button", name="Check").click()
        mark = form.locator(".sc-fb-mark").inner_text()
        answered += "error" not in c
        shown = score.inner_text()
        if mark != expected_mark(c) or f"({answered} answered)" not in shown:
            mismatches.append((c["typed"], c.get("unit"), c.get("scale"), mark, expected_mark(c), shown))
    assert not mismatches, "\n".join(map(repr, mismatches))
    # Only understood answers were counted, and they were saved as the value that was read.
    saved = json.loads(page.evaluate(f"localStorage.getItem('{KEY}numeric-cases')"))["answers"]
    assert len(saved) == sum("error" not in c for c in CASES)
    for n, c in enumerate(CASES, 1):
        if "error" not in c:
            assert saved[f"c{n:03d}"]["answer"] == pytest.approx(c["value"], rel=1e-12, abs=1e-12)
    page.context.close()
    clean(log)


def test_the_learner_sees_what_a_wrong_number_was_read_as(site, chromium):
    log = PageLog()
    page = new_page(chromium, log)
    page.goto(site + "anatomy.html", wait_until="load")
    num = page.locator("#scq-03-anatomy-variant-01")  # 16.9 % within 0.9
    num.get_by_label("Your answer (%)").fill("16,900")
    num.get_by_role("button", name="Check").click()
    assert num.locator(".sc-fb-mark").inner_text() == "\u2718 Not quite. Read as 16900%, which is too high."
    num.get_by_role("button", name="Try again").click()
    num.get_by_label("Your answer (%)").fill("16 km")
    num.get_by_role("button", name="Check").click()
    assert "'km' is not understood here" in num.locator(".sc-fb-mark").inner_text()
    assert page.inner_text("#scq-03-anatomy-score") == "Score: 0 of 7 correct (1 answered)."
    page.context.close()
    clean(log)


def plant(page, stem: str, record: dict) -> None:
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY + stem, json.dumps(record)])


def marks(page, stem: str) -> dict[str, str]:
    """Each question's mark as the page shows it: correct, wrong, or '' (no feedback)."""
    return page.evaluate(
        """(stem) => Object.fromEntries(Array.from(document.querySelectorAll(`#scq-${stem} form.sc-q`)).map(f => {
             const b = f.querySelector('.sc-q-feedback');
             const st = ['correct', 'wrong', 'invalid'].find(s => b.classList.contains('sc-fb-' + s)) || '';
             return [f.dataset.qid, b.textContent.trim() ? st : ''];
           }))""",
        stem,
    )


def test_out_of_range_saved_records_are_set_aside_and_marks_agree_with_the_score(site, chromium):
    bank = load_bank("03-anatomy")
    right = {
        "roots-01": "l4-s3",
        "variant-01": 16.9,
        "size-01": bank.question("size-01").answer,
    }
    record = {
        "bank": bank.version, "total": 7,
        "answers": {
            # fit their questions: kept
            "roots-01": {"answer": right["roots-01"], "correct": True, "attempts": 2},
            "variant-01": {"answer": right["variant-01"], "correct": True, "attempts": 1},
            "root-02": {"answer": "l4", "correct": False, "attempts": 1},
            # the right shape, values that do not fit: a choice beyond the options, a wrong type,
            # a match to a choice that does not exist, a "correct" flag that disagrees
            "variant-02": {"answer": 7, "correct": True, "attempts": 1},
            "path-01": {"answer": ["roots", "foramen", "thigh", "elbow"], "correct": True, "attempts": 1},
            "reflex-01": {"answer": {"L4": "Knee reflex (quadriceps)", "L5": "Nose",
                                     "S1": "Ankle reflex (calf muscles)"},
                          "correct": True, "attempts": 3},
            "size-01": {"answer": right["size-01"], "correct": False, "attempts": 1},
            "gone-01": {"answer": "x", "correct": True, "attempts": 1},
        },
    }
    log = PageLog()
    page = new_page(chromium, log)
    page.goto(site + "anatomy.html", wait_until="load")
    plant(page, "03-anatomy", record)
    plant(page, "04-causes",
          {"bank": "other", "total": 6, "answers": {"c1": {"answer": "x", "correct": True, "attempts": 1}}})
    page.reload(wait_until="load")
    page.wait_for_function("document.querySelector('#scq-03-anatomy-score').textContent.includes('answered')")

    shown = marks(page, "03-anatomy")
    assert shown == {"roots-01": "correct", "variant-01": "correct", "root-02": "wrong", "path-01": "",
                     "size-01": "", "variant-02": "", "reflex-01": ""}
    score = page.inner_text("#scq-03-anatomy-score")
    n_right = sum(v == "correct" for v in shown.values())
    n_answered = sum(v != "" for v in shown.values())
    assert score == f"Score: {n_right} of 7 correct ({n_answered} answered)." == "Score: 2 of 7 correct (3 answered)."

    # The notice sits next to the score, names the questions, and says where the record went.
    notice = page.locator("#scq-03-anatomy-notice")
    assert (page.evaluate("document.querySelector('#scq-03-anatomy-score').nextElementSibling.id")
            == "scq-03-anatomy-notice")
    text = notice.inner_text()
    order = [f.get_attribute("data-qid") for f in page.locator("#scq-03-anatomy form.sc-q").all()]
    for qid in ("path-01", "size-01", "variant-02", "reflex-01"):
        assert f"question {order.index(qid) + 1}" in text
    assert "an unknown question" in text and "set aside as sciatica-course:v1:corrupt:ch:03-anatomy:" in text
    assert "Your other answers are kept." in text
    assert page.inner_text("#scq-03-anatomy-status") == ""

    store = page.evaluate("() => Object.fromEntries(Object.entries(localStorage))")
    aside = [k for k in store if k.startswith("sciatica-course:v1:corrupt:ch:03-anatomy:")]
    assert len(aside) == 1 and json.loads(store[aside[0]]) == record  # nothing lost
    kept = json.loads(store[KEY + "03-anatomy"])["answers"]
    assert set(kept) == {"roots-01", "variant-01", "root-02"}
    assert KEY + "04-causes" in store  # another chapter is not touched

    # Once: a reload finds the cleaned record, the same marks and score, and no notice.
    page.reload(wait_until="load")
    page.wait_for_function("document.querySelector('#scq-03-anatomy-score').textContent.includes('answered')")
    assert marks(page, "03-anatomy") == shown
    assert page.inner_text("#scq-03-anatomy-score") == score
    assert notice.inner_text() == ""
    # The export counts what the page shows.
    res = page.evaluate("() => JSON.parse(localStorage.getItem('sciatica-course:v1:ch:03-anatomy'))")
    assert sum(a["correct"] for a in res["answers"].values()) == n_right
    page.context.close()
    clean(log)

"""The book's grader (static/sciatica-quiz.js, as shipped) against the table of grading cases
(tests/fixtures/grading_cases.json) that tests/test_quiz_grading_cases.py runs against grading.py.

Each case is its own quiz on a local page (quiz_html, served from 127.0.0.1, every other host
blocked), so both graders see the same question:

- every case goes through the script's graders with the payload its form carries, through the test
  hook (``window.sciaticaQuizTestHooks`` set before the script runs exposes
  ``window.sciaticaQuizGraders.grade(form, answer)``): status, message, feedback and saved answer;
- every case the form's inputs can give (a choice, a typed number, select boxes) is also answered
  on the page as a learner does and checked: the mark and feedback shown, the answer counted or
  not (the score's "answered"), and what was saved.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from browser import PageLog, new_page, serve
from sciatica_course.quiz.grading import grade
from sciatica_course.quiz.render import dom_id
from test_browser_quiz_script import page_html
from test_quiz_grading_cases import CASES, case_banks, case_id, expected

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[1] / "sciatica_course" / "static"
KEY = "sciatica-course:v1:ch:"
MARKS = {"correct": ("\u2714", "Correct"), "wrong": ("\u2718", "Not quite"), "invalid": ("\u26a0", "Check your answer")}


def form_id(n: int, q) -> str:
    return dom_id(f"case-{n:03d}", q.id)


def form_steps(q, answer, qdom: str):
    """How a learner gives this answer with the form's inputs, as (action, selector, value) steps,
    or None when the inputs cannot give it (an unknown id, a wrong type, a saved list order...)."""
    t = q.type
    if t in ("single", "truefalse"):
        if answer is None:
            return []
        ids = [o.id for o in q.options] if t == "single" else []
        if t == "single" and isinstance(answer, str) and answer in ids:
            return [("check", f"#{qdom}-opt-{answer}", None)]
        if t == "truefalse" and isinstance(answer, bool):
            return [("check", f"#{qdom}-opt-{'true' if answer else 'false'}", None)]
        return None
    if t == "multiple":
        ids = [o.id for o in q.options]
        ok = (isinstance(answer, list) and all(isinstance(a, str) and a in ids for a in answer)
              and len(set(answer)) == len(answer))
        return [("check", f"#{qdom}-opt-{a}", None) for a in answer] if ok else None
    if t == "numeric":
        return [("fill", f"#{qdom}-value", answer)] if isinstance(answer, str) else None
    if t == "matching":
        lefts = [p.left for p in q.pairs]
        if not isinstance(answer, dict) or not set(answer) <= set(lefts):
            return None
        if not all(isinstance(v, str) and (v == "" or v in q.choices()) for v in answer.values()):
            return None
        return [("select", f"#{qdom}-match-{lefts.index(k) + 1}", v) for k, v in answer.items()]
    if t == "ordering":
        ids = [i.id for i in q.items]
        places = {""} | {str(k) for k in range(1, len(ids) + 1)}
        if not isinstance(answer, dict) or set(answer) != set(ids):
            return None
        if not all(isinstance(v, str) and v in places for v in answer.values()):
            return None
        return [("select", f"#{qdom}-item-{k}", v) for k, v in answer.items()]
    raise ValueError(t)


def shown_mark(status: str, message: str) -> str:
    """The mark line as the page shows it (showFeedback; widget.feedback_html does the same): icon,
    word, then the message without the word it starts with, as a sentence."""
    icon, word = MARKS[status]
    rest = message
    if rest.lower().startswith(word.lower()):
        rest = rest[len(word):].lstrip(".: \t\n")
    rest = rest[:1].upper() + rest[1:]  # a sentence of its own after "Correct."
    return f"{icon} {word}." + (f" {rest}" if rest else "")


FORM_CASES = [(q, c, n) for q, c, n in CASES if form_steps(q, c["answer"], form_id(n, q)) is not None]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grading-cases")
    for f in ("sciatica-quiz.js", "sciatica-quiz.css"):
        shutil.copy(STATIC / f, folder / f)  # the shipped files, as they are
    (folder / "cases.html").write_text(page_html(*case_banks()), encoding="utf-8")
    with serve(folder) as url:
        yield url


def open_cases(site, chromium, log: PageLog, hooks: bool):
    page = new_page(chromium, log)
    if hooks:
        page.add_init_script("window.sciaticaQuizTestHooks = true;")
    page.goto(site + "cases.html", wait_until="load")
    last = f"#scq-case-{len(CASES):03d}-score"
    page.wait_for_function(f"document.querySelector('{last}').textContent.includes('answered')")
    return page


def test_the_form_gives_right_wrong_and_invalid_answers_of_every_type():
    assert len(FORM_CASES) >= 40
    for t in {q.type for q, _, _ in CASES}:
        assert {c["status"] for q, c, _ in FORM_CASES if q.type == t} == {"correct", "wrong", "invalid"}, t


def test_every_case_through_the_scripts_graders(site, chromium):
    log = PageLog()
    page = open_cases(site, chromium, log, hooks=True)
    got = page.evaluate(
        """(cases) => cases.map(([id, answer]) => {
             const r = window.sciaticaQuizGraders.grade(document.getElementById(id), answer);
             return {status: r.status, message: r.message, feedback: r.feedback, answer: r.answer};
           })""",
        [[form_id(n, q), c["answer"]] for q, c, n in CASES],
    )
    mismatches = [(case_id((q, c, n)), r, expected(c)) for (q, c, n), r in zip(CASES, got) if r != expected(c)]
    assert not mismatches, "\n".join(map(repr, mismatches))
    page.context.close()
    assert log.clean(), log.report()


def test_every_case_the_form_can_give_as_a_learner_gives_it(site, chromium):
    log = PageLog()
    page = open_cases(site, chromium, log, hooks=False)
    assert page.evaluate("typeof window.sciaticaQuizGraders") == "undefined"  # no hook without the flag
    mismatches = []
    for q, c, n in FORM_CASES:
        qdom = form_id(n, q)
        form = page.locator("#" + qdom)
        for action, selector, value in form_steps(q, c["answer"], qdom):
            el = page.locator(selector)
            if action == "check":
                el.check()
            elif action == "fill":
                el.fill(value)
            else:
                el.select_option(value=value)
        form.get_by_role("button", name="Check").click()
        seen = {
            "mark": form.locator(".sc-fb-mark").inner_text(),
            "feedback": form.locator(".sc-fb-option").all_inner_texts(),
            "score": page.inner_text(f"#scq-case-{n:03d}-score"),
        }
        record = json.loads(page.evaluate(f"localStorage.getItem('{KEY}case-{n:03d}') || 'null'") or "null")
        seen["saved"] = record["answers"][q.id]["answer"] if record else None
        counted = c["status"] != "invalid"
        want = {
            "mark": shown_mark(c["status"], c["message"]),
            "feedback": c.get("feedback", []),
            "score": f"Score: {int(c['status'] == 'correct')} of 1 correct ({int(counted)} answered).",
            "saved": c.get("normal"),
        }
        if seen != want:
            mismatches.append((case_id((q, c, n)), seen, want))
    assert not mismatches, "\n".join(map(repr, mismatches))
    page.context.close()
    assert log.clean(), log.report()


def test_numbers_json_cannot_hold_are_refused_with_the_same_message(site, chromium):
    """NaN and infinities (a damaged saved answer) are not in the JSON table: checked here."""
    log = PageLog()
    page = open_cases(site, chromium, log, hooks=True)
    q, _, n = next(item for item in CASES if item[0].type == "numeric")
    values = [math.nan, math.inf, -math.inf]
    got = page.evaluate(
        "([id, values]) => values.map(v => window.sciaticaQuizGraders.grade(document.getElementById(id), v))",
        [form_id(n, q), values],
    )
    for v, r in zip(values, got):
        want = grade(q, v)
        assert (r["status"], r["message"]) == (want.status, want.message) == ("invalid", want.message), v
        assert want.message.endswith(" is not a number that can be an answer here.")
    page.context.close()
    assert log.clean(), log.report()

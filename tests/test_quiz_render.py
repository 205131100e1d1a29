"""The quiz's two forms: the book's HTML (deterministic, answers hidden, accessible markup) and the
JupyterLab widget (check, feedback, try again, score, saved progress)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from sciatica_course.course import CHAPTERS
from sciatica_course.display import WIDGET_MIME
from sciatica_course.quiz import quiz, review
from sciatica_course.quiz.progress import ProgressStore
from sciatica_course.quiz.render import decode_payload, dom_id, payload, quiz_html, quiz_text, short_citation
from sciatica_course.quiz.schema import load_bank

STEMS = [c.stem for c in CHAPTERS]


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    return t


@pytest.mark.parametrize("stem", STEMS)
def test_html_is_deterministic_with_ids_from_stem_and_question(stem):
    bank = load_bank(stem)
    a, b = quiz_html(bank), quiz_html(load_bank(stem))
    assert a == b
    ids = [attrs["id"] for _, attrs in parse(a).tags if "id" in attrs]
    assert len(ids) == len(set(ids)), "duplicate element ids"
    assert all(i.startswith(f"scq-{stem}") for i in ids)
    forms = [attrs["id"] for tag, attrs in parse(a).tags if tag == "form"]
    assert forms == [dom_id(stem, q.id) for q in bank.questions]


@pytest.mark.parametrize("stem", STEMS)
def test_answers_and_feedback_are_not_in_the_page_text(stem):
    bank = load_bank(stem)
    html = quiz_html(bank)
    visible = " ".join(parse(html).text) + " ".join(v for _, a in parse(html).tags for v in a.values() if v)
    for q in bank.questions:
        assert q.explanation not in visible and q.explanation[:40] not in html
        for o in getattr(q, "options", []):
            if o.feedback:
                assert o.feedback[:30] not in html
        for f in (getattr(q, "feedback_true", None), getattr(q, "feedback_false", None)):
            if f:
                assert f[:30] not in html
        if q.type == "ordering":
            shown = [a["data-item"] for t, a in parse(quiz_html(bank)).tags
                     if t == "select" and a.get("id", "").startswith(dom_id(stem, q.id))]
            assert shown != [i.id for i in q.items], "ordering shown in the right order"
    # The payload round-trips to the real answer.
    for q in bank.questions:
        code = re.search(rf'id="{dom_id(stem, q.id)}"[^>]*data-payload="([^"]+)"', html).group(1)
        assert decode_payload(code, dom_id(stem, q.id)) == json.loads(json.dumps(payload(q)))


def test_the_markup_of_a_single_choice_does_not_depend_on_which_option_is_right():
    bank = load_bank("03-anatomy")
    q = bank.question("roots-01")
    other = q.model_copy(update={"answer": "l1-l3"})
    bank2 = bank.model_copy(update={"questions": [other if x.id == q.id else x for x in bank.questions]})
    strip = lambda h: re.sub(r'data-payload="[^"]+"', "", h)  # noqa: E731
    assert quiz_html(bank) != quiz_html(bank2)
    assert strip(quiz_html(bank)) == strip(quiz_html(bank2))


@pytest.mark.parametrize("stem", STEMS)
def test_html_accessibility_markup(stem):
    html = quiz_html(load_bank(stem))
    tags = parse(html).tags
    n_forms = sum(t == "form" for t, _ in tags)
    # Each question: its own fieldset and legend, and one for "How sure are you?" (radio buttons).
    assert sum(t == "fieldset" for t, _ in tags) == 2 * n_forms == sum(t == "legend" for t, _ in tags)
    conf = [a for t, a in tags if t == "input" and a.get("name", "").endswith("-conf")]
    assert len(conf) == 3 * n_forms and {a["value"] for a in conf} == {"low", "medium", "high"}
    assert all(a["type"] == "radio" for a in conf)
    labels = {a.get("for") for t, a in tags if t == "label"}
    controls = [a for t, a in tags if t in {"select"} or (t == "input")]
    for a in controls:
        assert a.get("id") in labels, f"unlabelled control {a}"
    live = [a for _, a in tags if a.get("aria-live") == "polite"]
    # one feedback region per question, the score, its notice, the calibration summary, the status line
    assert len(live) == n_forms + 4
    # The notice about saved answers sits right after the score it concerns.
    ids = [a.get("id") for _, a in tags if a.get("id")]
    assert ids[ids.index(f"scq-{stem}-score") + 1] == f"scq-{stem}-notice"
    buttons = [a for t, a in tags if t == "button"]
    assert all(b.get("type") in {"submit", "button"} for b in buttons)
    assert 'class="sc-quiz-reset"' in html and html.count("sc-quiz-export") == 2
    assert "<script" not in html and "http" not in html  # no inline code, no other host


def test_text_form_lists_questions_but_no_answers():
    text = quiz_text(load_bank("03-anatomy"))
    assert "1. Which nerve roots form the sciatic nerve?" in text
    assert "Five roots" not in text and "explanation" not in text.lower()


def test_short_citation():
    assert short_citation("cherkin2011") == "Cherkin et al. (2011)"
    assert short_citation("konstantinou2008") == "Konstantinou and Dunn (2008)"
    assert short_citation("who2023factsheet") == "WHO fact sheet (2023)"
    assert short_citation("who2023guideline") == "WHO guideline (2023)"
    assert short_citation("balague2012") == "Balagué et al. (2012)"
    assert short_citation("nope") == "nope"


# --------------------------------------------------------------------------------------------
# The widget


@pytest.fixture
def store(tmp_path, monkeypatch):
    p = tmp_path / "progress.json"
    monkeypatch.setenv("SCIATICA_PROGRESS", str(p))
    return ProgressStore(p)


def test_quiz_bundle_carries_widget_and_html(store):
    out = quiz("03-anatomy")
    bundle = out._repr_mimebundle_()
    assert bundle["text/html"].startswith('<section class="sc-quiz" id="scq-03-anatomy"')
    assert bundle[WIDGET_MIME]["model_id"] == out.quiz_widget.box.model_id
    assert "Which nerve roots" in bundle["text/plain"]
    assert quiz("03-anatomy", widget=False)._repr_mimebundle_().get(WIDGET_MIME) is None


def test_widget_wrong_then_right_with_score_and_saved_progress(store):
    w = quiz("03-anatomy").quiz_widget
    qw = next(x for x in w.questions if x.q.id == "roots-01")
    assert "Score: 0 of 7 correct" in w.score.value
    qw.control.value = "l1-l3"
    r = qw.on_check()
    assert r.status == "wrong" and "Not quite" in qw.feedback.value and "✘" in qw.feedback.value
    assert "Explanation:" in qw.feedback.value and "Source: Poutoglidou et al. (2020)" in qw.feedback.value
    assert "Score: 0 of 7 correct</strong> (1 answered)" in w.score.value
    assert qw.retry.layout.display is None  # Try again is shown
    qw.on_retry()
    assert qw.control.value is None and qw.feedback.value == "" and qw.retry.layout.display == "none"
    qw.control.value = "l4-s3"
    assert qw.on_check().status == "correct"
    assert "✔" in qw.feedback.value and "<strong>Correct.</strong>" in qw.feedback.value
    assert "Score: 1 of 7 correct" in w.score.value
    saved = ProgressStore(store.path).chapter("03-anatomy", load_bank("03-anatomy").version)
    # The wrong answer put the question in the review deck (box 1, due tomorrow); the right answer
    # straight after, before it was due, does not move it.
    tomorrow = (review.today() + timedelta(days=1)).isoformat()
    # The first checked answer is kept for the teacher's report: wrong, then corrected.
    assert saved["roots-01"] == {"answer": "l4-s3", "correct": True, "attempts": 2,
                                 "review": {"box": 1, "due": tomorrow}, "first": {"answer": "l1-l3", "correct": False}}
    # A new kernel: a new widget reads the same file and shows the same score and answer.
    w2 = quiz("03-anatomy").quiz_widget
    assert "Score: 1 of 7 correct" in w2.score.value
    qw2 = next(x for x in w2.questions if x.q.id == "roots-01")
    assert qw2.control.value == "l4-s3" and "saved answer" in qw2.feedback.value and qw2.attempts == 2
    # A check in the new kernel (Try again, then right again) keeps the first wrong answer.
    qw2.on_retry()
    qw2.control.value = "l4-s3"
    assert qw2.on_check().status == "correct"
    again = ProgressStore(store.path).chapter("03-anatomy", load_bank("03-anatomy").version)["roots-01"]
    assert (again["attempts"], again["first"]) == (3, {"answer": "l1-l3", "correct": False})


def test_widget_numeric_not_a_number_is_not_an_attempt(store):
    w = quiz("03-anatomy").quiz_widget
    qw = next(x for x in w.questions if x.q.id == "variant-01")
    qw.control.value = "about seventeen"
    r = qw.on_check()
    assert r.status == "invalid" and qw.attempts == 0
    assert "Check your answer" in qw.feedback.value and "is not a number" in qw.feedback.value
    assert "Explanation" not in qw.feedback.value  # nothing given away by a bad input
    assert not store.path.exists() or "variant-01" not in store.path.read_text()
    qw.control.value = "12 km"
    assert qw.on_check().status == "invalid" and qw.attempts == 0
    assert "&#x27;km&#x27; is not understood here" in qw.feedback.value
    qw.control.value = "16,9 %"
    assert qw.on_check().status == "correct" and qw.attempts == 1
    assert "<strong>Correct.</strong> Read as 16.9%." in qw.feedback.value


def test_widget_matching_ordering_multiple_and_truefalse(store):
    w = quiz("03-anatomy").quiz_widget
    m = next(x for x in w.questions if x.q.id == "reflex-01")
    m.control["L4"].value = "Knee reflex (quadriceps)"
    assert m.on_check().status == "invalid"  # two left unmatched
    m.control["L5"].value = "Lifting the big toe (no reflex listed)"
    m.control["S1"].value = "Ankle reflex (calf muscles)"
    assert m.on_check().status == "correct"
    o = next(x for x in w.questions if x.q.id == "path-01")
    for place, item in enumerate(["roots", "foramen", "thigh", "divides"], 1):
        o.control[item].value = place
    assert o.on_check().status == "correct"
    o.control["roots"].value = 2
    assert o.on_check().status == "invalid"  # two steps in place 2
    t = next(x for x in w.questions if x.q.id == "size-01")
    t.control.value = False
    assert t.on_check().status == "wrong"
    w5 = quiz("05-how-massage-might-help").quiz_widget
    mq = next(x for x in w5.questions if x.q.type == "multiple")
    for opt, cb in zip(mq.q.options, mq.control):
        cb.value = opt.id in mq.q.answer
    assert mq.on_check().status == "correct"


def test_widget_reset_and_export(store, tmp_path):
    w = quiz("04-causes").quiz_widget
    qw = w.questions[0]
    qw.control.value = qw.q.answer
    qw.on_check()
    w.learner.value = "Ana"
    path = w.export("json", folder=tmp_path / "out")
    res = json.loads(path.read_text())
    assert res["learner"] == "Ana" and res["chapters"]["04-causes"]["score"] == 1
    assert "Download" in w.status.value and "data:application/json;base64," in w.status.value
    csv_path = w.export("csv", folder=tmp_path / "out")
    assert csv_path.read_text().splitlines()[0] == ("learner,chapter,question_id,answer,correct,attempts,confidence,"
                                                    "first_answer,first_correct")
    w.reset()
    assert "Score: 0 of" in w.score.value and ProgressStore(store.path).chapter("04-causes") == {}
    # After a reset of the chapter, the next check is a new first answer (the reset forgets it).
    wrong = next(o.id for o in qw.q.options if o.id != qw.q.answer)
    qw.control.value = wrong
    qw.on_check()
    saved = ProgressStore(store.path).chapter("04-causes")[qw.q.id]
    assert (saved["attempts"], saved["first"]) == (1, {"answer": wrong, "correct": False})


def test_widget_with_a_corrupt_progress_file_reports_and_works(store):
    store.path.write_text("{{{ not json")
    w = quiz("03-anatomy").quiz_widget
    assert "set aside" in w.notice.value and "role='alert'" in w.notice.value
    qw = w.questions[0]
    qw.control.value = qw.q.answer
    assert qw.on_check().status == "correct"
    assert json.loads(store.path.read_text())["chapters"]["03-anatomy"]["answers"]


def walk(widget):
    """Every widget in a widget tree, depth first, in display order."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def texts(widget) -> list[str]:
    return [x.value for x in walk(widget) if hasattr(x, "value") and isinstance(x.value, str)]


def test_widget_progress_notice_is_beside_the_score_and_shown_once(store):
    """A damaged chapter record (of another chapter) is reported once, right under the score,
    not under the export buttons; opening the next quiz does not report it again."""
    store.path.write_text(json.dumps({
        "format": "sciatica-course-progress", "version": 1, "learner": "",
        "chapters": {"05-how-massage-might-help": "garbage",
                     "04-causes": {"bank": "w", "answers": {"c1": {"answer": "B", "correct": True, "attempts": 2}}}},
    }))
    w = quiz("03-anatomy").quiz_widget
    kids = list(w.box.children)
    assert kids[kids.index(w.score) + 1] is w.notice
    assert "05-how-massage-might-help" in w.notice.value and "set aside" in w.notice.value
    assert sum(t.count("set aside") for t in texts(w.box)) == 1
    assert w.status.value == ""  # the status line by the buttons is for the buttons
    assert len(list(store.path.parent.glob("progress.json.corrupt-*"))) == 1
    assert "set aside" not in quiz("04-causes").quiz_widget.notice.value


def test_widget_export_buttons_fit_their_words_and_wrap(store):
    w = quiz("03-anatomy").quiz_widget
    assert [b.description for b in w.buttons.children] == ["Export results (JSON)", "Export results (CSV)",
                                                            "Reset this quiz"]
    assert w.buttons.layout.flex_flow == "row wrap"
    for b in w.buttons.children:
        assert (b.layout.width, b.layout.min_width) == ("auto", "fit-content"), b.description
    assert w.buttons in list(walk(w.box))


def test_widget_saved_answers_that_do_not_fit_are_set_aside_and_marks_agree_with_the_score(store):
    bank = load_bank("03-anatomy")
    answers = {
        "roots-01": {"answer": "l4-s3", "correct": True, "attempts": 2},
        "variant-01": {"answer": 16.9, "correct": True, "attempts": 1},
        "root-02": {"answer": "l4", "correct": False, "attempts": 1},
        "variant-02": {"answer": 7, "correct": True, "attempts": 1},  # a choice beyond the options
        "path-01": {"answer": ["roots", "foramen", "thigh", "elbow"], "correct": True, "attempts": 1},
        "reflex-01": {"answer": {"L4": "Knee reflex (quadriceps)", "L5": "Nose", "S1": "Ankle reflex (calf muscles)"},
                      "correct": True, "attempts": 3},
        "size-01": {"answer": bank.question("size-01").answer, "correct": False, "attempts": 1},  # flag disagrees
        "gone-01": {"answer": "x", "correct": True, "attempts": 1},
    }
    doc = {"format": "sciatica-course-progress", "version": 1, "learner": "",
           "chapters": {"03-anatomy": {"bank": bank.version, "answers": answers}}}
    store.path.write_text(json.dumps(doc))
    w = quiz("03-anatomy").quiz_widget
    marks = {qw.q.id: (qw.last.status if qw.last else "") for qw in w.questions}
    assert marks == {"roots-01": "correct", "variant-01": "correct", "root-02": "wrong", "path-01": "",
                     "size-01": "", "variant-02": "", "reflex-01": ""}
    for qw in w.questions:  # the mark shown is the mark counted
        assert ("✔" in qw.feedback.value) == (marks[qw.q.id] == "correct")
        assert ("✘" in qw.feedback.value) == (marks[qw.q.id] == "wrong")
    assert "Score: 2 of 7 correct</strong> (3 answered)" in w.score.value
    order = [qw.q.id for qw in w.questions]
    for qid in ("variant-02", "path-01", "reflex-01", "size-01"):
        assert f"question {order.index(qid) + 1}" in w.notice.value
    assert "an unknown question" in w.notice.value and "other answers are kept" in w.notice.value
    aside = list(store.path.parent.glob("progress.json.corrupt-*"))
    assert len(aside) == 1 and json.loads(aside[0].read_text()) == doc  # nothing lost
    kept = json.loads(store.path.read_text())["chapters"]["03-anatomy"]["answers"]
    assert set(kept) == {"roots-01", "variant-01", "root-02"}
    # Once: the next kernel finds the cleaned file, the same marks, and nothing to report.
    w2 = quiz("03-anatomy").quiz_widget
    assert w2.notice.value == "" and w2.score.value == w.score.value
    assert ProgressStore(store.path).export_results()["chapters"]["03-anatomy"]["score"] == 2

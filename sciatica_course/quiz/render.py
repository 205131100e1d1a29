"""The book's form of a quiz: self-contained, deterministic HTML driven by ``static/sciatica-quiz.js``.

- One ``<form>`` per question with a ``<fieldset>`` and ``<legend>``, native inputs (radio buttons,
  checkboxes, a text box for numbers, select boxes for matching and ordering), a Check button and
  an ``aria-live`` feedback region.
- What would give the answer away (which option is right, per-option feedback, the explanation)
  is not in the page text: it travels in ``data-payload`` as JSON, XOR-ed with the question's
  element id and base64-encoded (a light obfuscation, enough to keep answers out of sight and out
  of "find in page"; not a secret from someone reading the script).
- Before Check, an optional "How sure are you?" radio group (its own ``<fieldset>`` and
  ``<legend>``): certainty-based marking (:mod:`.review`); after the questions, a calibration
  summary (``aria-live``).
- :func:`review_html` is the Review page: every chapter's questions, rendered the same way and
  hidden; the script shows those whose cards in the review deck are due today.
- Ids come from the chapter stem and question id only (``scq-03-anatomy-roots-01``), never from
  random numbers, so the output is identical on every run (nbval and the browser tests rely on it).
"""

from __future__ import annotations

import base64
import json
import re

from .. import bibliography
from ..display import esc
from . import review
from .grading import in_words
from .schema import Bank

CONFIDENCE_LEGEND = "How sure are you?"
CONFIDENCE_HINT = "Optional: certainty-based marks."


def dom_id(*parts: str) -> str:
    return "scq-" + "-".join(re.sub(r"[^A-Za-z0-9_-]", "-", p) for p in parts)


def short_citation(key: str) -> str:
    """``Cherkin et al. (2011)``: the book's author-year citation (sciatica_course.bibliography)."""
    return bibliography.textual(key)


def sources_line(q) -> str:
    return ("Source: " + "; ".join(short_citation(k) for k in q.cite) + ".") if q.cite else ""


def cbm_line(correct: bool, confidence: str | None) -> str:
    return review.mark_text(correct, confidence)


def cbm_source() -> str:
    """Where the mark scheme comes from, for the calibration summary."""
    return "Marks: certainty-based marking, " + "; ".join(short_citation(k) for k in review.SOURCES) + "."


def confidence_html(qdom: str) -> str:
    rows = "".join(
        f'<span class="sc-opt"><input type="radio" name="{qdom}-conf" id="{qdom}-conf-{lv}" value="{lv}">'
        f'<label for="{qdom}-conf-{lv}">{esc(review.LEVEL_WORDS[lv])}</label></span>'
        for lv in review.LEVELS
    )
    return (
        f'<fieldset class="sc-q-conf"><legend>{CONFIDENCE_LEGEND} '
        f'<span class="sc-q-hint">{CONFIDENCE_HINT}</span></legend>{rows}</fieldset>'
    )


def encode_payload(payload: dict, key: str) -> str:
    """JSON -> UTF-8 -> XOR with the key's bytes -> base64 (the script reverses it)."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    k = key.encode("utf-8")
    return base64.b64encode(bytes(b ^ k[i % len(k)] for i, b in enumerate(data))).decode("ascii")


def decode_payload(text: str, key: str) -> dict:
    raw = base64.b64decode(text)
    k = key.encode("utf-8")
    return json.loads(bytes(b ^ k[i % len(k)] for i, b in enumerate(raw)).decode("utf-8"))


def payload(q) -> dict:
    """What the script needs to grade a question and explain it."""
    p = {"t": q.type, "ex": q.explanation, "src": sources_line(q)}
    if q.type == "single":
        p.update(a=q.answer, ids=[o.id for o in q.options], fb={o.id: o.feedback for o in q.options if o.feedback})
    elif q.type == "multiple":
        p.update(a=list(q.answer), ids=[o.id for o in q.options],
                 fb={o.id: o.feedback for o in q.options if o.feedback})
    elif q.type == "truefalse":
        p.update(a=q.answer, fb={k: v for k, v in (("true", q.feedback_true), ("false", q.feedback_false)) if v})
    elif q.type == "numeric":
        p.update(a=q.answer, tol=q.tolerance, unit=q.unit, scale=q.scale or "")
    elif q.type == "matching":
        p.update(a={pr.left: pr.right for pr in q.pairs}, choices=q.choices(), lefts=[pr.left for pr in q.pairs])
    elif q.type == "ordering":
        p.update(a=[i.id for i in q.items])
    return p


HINTS = {
    "single": "Choose one answer.",
    "multiple": "Choose all that apply.",
    "truefalse": "True or false?",
    "numeric": "Type a number.",
    "matching": "Choose a match for each item.",
    "ordering": "Give each step its place: 1 is first.",
}


def _body(q, qid_dom: str, stem: str) -> str:
    t = q.type
    if t in {"single", "multiple", "truefalse"}:
        kind = "checkbox" if t == "multiple" else "radio"
        opts = [(o.id, o.text) for o in q.options] if t != "truefalse" else [("true", "True"), ("false", "False")]
        rows = []
        for oid, text in opts:
            iid = f"{qid_dom}-opt-{oid}"
            rows.append(
                f'<div class="sc-opt"><input type="{kind}" name="{qid_dom}" id="{iid}" value="{esc(oid)}">'
                f'<label for="{iid}">{esc(text)}</label></div>'
            )
        return "".join(rows)
    if t == "numeric":
        iid = f"{qid_dom}-value"
        terms = in_words(q.unit, q.scale)
        unit = f" ({esc(terms)})" if terms else ""
        return (
            f'<div class="sc-num"><label for="{iid}">Your answer{unit}</label> '
            '<input type="text" inputmode="decimal" autocomplete="off" spellcheck="false" '
            f'id="{iid}" name="{qid_dom}" size="10">'
            f"{f' <span class=sc-unit aria-hidden=true>{esc(terms)}</span>' if terms else ''}</div>"
        )
    if t == "matching":
        rows = []
        for n, p in enumerate(q.pairs, 1):
            iid = f"{qid_dom}-match-{n}"
            options = '<option value="">Choose…</option>' + "".join(
                f'<option value="{esc(c)}">{esc(c)}</option>' for c in q.choices()
            )
            rows.append(
                f'<div class="sc-row"><label for="{iid}">{esc(p.left)}</label> '
                f'<select id="{iid}" data-left="{esc(p.left)}">{options}</select></div>'
            )
        return "".join(rows)
    if t == "ordering":
        n_items = len(q.items)
        rows = []
        for item in q.shown_order(f"{stem}:{q.id}"):
            iid = f"{qid_dom}-item-{item.id}"
            options = '<option value="">Place…</option>' + "".join(
                f'<option value="{k}">{k}</option>' for k in range(1, n_items + 1)
            )
            rows.append(
                f'<div class="sc-row"><select id="{iid}" data-item="{esc(item.id)}">{options}</select> '
                f'<label for="{iid}">{esc(item.text)}</label></div>'
            )
        return "".join(rows)
    raise ValueError(t)  # pragma: no cover - the schema allows no other type


def question_html(bank: Bank, q, n: int) -> str:
    qdom = dom_id(bank.stem, q.id)
    code = encode_payload(payload(q), qdom)
    return (
        f'<form class="sc-q" id="{qdom}" data-qid="{esc(q.id)}" data-type="{q.type}" data-payload="{code}" novalidate>'
        f"<fieldset><legend><span class=\"sc-q-num\">Question {n} of {len(bank.questions)}.</span> {esc(q.prompt)}"
        f' <span class="sc-q-hint">{HINTS[q.type]}</span></legend>'
        f'<div class="sc-q-body">{_body(q, qdom, bank.stem)}</div>'
        f"{confidence_html(qdom)}"
        f'<div class="sc-q-actions"><button type="submit" class="sc-q-check">Check</button> '
        f'<button type="button" class="sc-q-retry" hidden>Try again</button></div>'
        f'<div class="sc-q-feedback" id="{qdom}-feedback" role="status" aria-live="polite"></div>'
        f"</fieldset></form>"
    )


def quiz_html(bank: Bank) -> str:
    root = dom_id(bank.stem)
    total = len(bank.questions)
    questions = "".join(question_html(bank, q, n) for n, q in enumerate(bank.questions, 1))
    return (
        f'<section class="sc-quiz" id="{root}" data-stem="{esc(bank.stem)}" data-bank="{bank.version}" '
        f'data-total="{total}" aria-label="Quiz: {esc(bank.title)}">'
        f'<p class="sc-quiz-intro">{total} questions. Check each answer to see feedback. '
        f"You may also say how sure you are before you check. Your answers are saved in this browser only; "
        f"the ones you miss, or are not sure of, come back on the Review deck page.</p>"
        f'<noscript><p class="sc-quiz-noscript">This quiz needs JavaScript to check answers. '
        f"The answer key is in the teacher guide.</p></noscript>"
        f'<p class="sc-quiz-score" id="{root}-score" aria-live="polite">Score: 0 of {total} correct.</p>'
        f'<p class="sc-quiz-notice" id="{root}-notice" role="status" aria-live="polite"></p>'
        f"{questions}"
        f'<p class="sc-quiz-calibration" id="{root}-calibration" aria-live="polite" '
        f'data-source="{esc(cbm_source())}"></p>'
        f'<div class="sc-quiz-tools" role="group" aria-label="Save or reset your results">'
        f'<div class="sc-row"><label for="{root}-learner">Your name or learner ID (for the export)</label> '
        f'<input type="text" id="{root}-learner" class="sc-quiz-learner" autocomplete="name" size="18"></div>'
        f'<button type="button" class="sc-quiz-export" data-format="json">Download results (JSON)</button> '
        f'<button type="button" class="sc-quiz-export" data-format="csv">Download results (CSV)</button> '
        f'<button type="button" class="sc-quiz-reset">Reset this quiz</button>'
        f'<p class="sc-quiz-status" id="{root}-status" role="status" aria-live="polite"></p>'
        f"</div></section>"
    )


def review_html(banks: list[Bank]) -> str:
    """The Review page: every chapter's questions, as the chapters render them, all hidden; the
    script (``setupReview``) shows the ones due today from this browser's saved answers."""
    chapters = []
    for bank in banks:
        sid = dom_id("review", bank.stem)
        questions = "".join(question_html(bank, q, n).replace('<form class="sc-q"', '<form hidden class="sc-q"', 1)
                            for n, q in enumerate(bank.questions, 1))
        chapters.append(
            f'<section class="sc-review-ch" id="{sid}" data-stem="{esc(bank.stem)}" data-bank="{bank.version}" '
            f'data-total="{len(bank.questions)}" aria-labelledby="{sid}-title" hidden>'
            f'<p class="sc-review-ch-title" id="{sid}-title"><strong>{esc(bank.title)}</strong></p>'
            f"{questions}</section>"
        )
    return (
        '<section class="sc-review" id="scq-review" aria-label="Review: questions due today">'
        '<p class="sc-review-summary" id="scq-review-summary" role="status" aria-live="polite">'
        "The review deck needs JavaScript and the answers saved in this browser.</p>"
        '<p class="sc-quiz-notice" id="scq-review-notice" role="status" aria-live="polite"></p>'
        f'{"".join(chapters)}'
        f'<p class="sc-quiz-calibration" id="scq-review-calibration" aria-live="polite" '
        f'data-source="{esc(cbm_source())}"></p>'
        "</section>"
    )


def review_text(banks: list[Bank]) -> str:
    return ("Review: the questions you answered wrongly, or said you were not sure of, come back here when "
            "they are due. Open this page in the book or in JupyterLab to see what is due today.\n")


def quiz_text(bank: Bank) -> str:
    """Plain text (print, text/plain): the questions and choices, never the answers."""
    lines = [f"{bank.title} ({len(bank.questions)} questions)", ""]
    for n, q in enumerate(bank.questions, 1):
        lines.append(f"{n}. {q.prompt} [{HINTS[q.type]}]")
        if q.type in {"single", "multiple"}:
            lines += [f"   - {o.text}" for o in q.options]
        elif q.type == "truefalse":
            lines.append("   - True / False")
        elif q.type == "numeric":
            lines.append(f"   Answer: ____ {in_words(q.unit, q.scale)}".rstrip())
        elif q.type == "matching":
            lines += [f"   - {p.left} -> ?" for p in q.pairs]
            lines.append(f"   Choices: {', '.join(q.choices())}")
        elif q.type == "ordering":
            lines += [f"   - {i.text}" for i in q.shown_order(f"{bank.stem}:{q.id}")]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

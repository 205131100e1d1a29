"""Question banks for learning platforms: Moodle XML, GIFT and QTI 1.2 (Canvas classic quizzes, Blackboard).

``python -m sciatica_course export-questions --format moodle|gift|qti12 [--chapters 03,06] --out DIR``
(``make lms`` writes all three for the whole course into ``_build/lms``).

The questions are read through the course's own loader (:func:`.schema.load_bank`), so what is
exported is the question a learner sees: safety placeholders filled in, triage vignettes turned into
their single-choice form with options and answer from ``data/safety``, options in the course's fixed
order. Every exported question carries the bank's question id with its chapter, ``03-anatomy/roots-01``
(Moodle ``idnumber`` and name, GIFT ``::title::``, QTI item ``title``; QTI ``ident``
``sc-03-anatomy-roots-01``), and its feedback carries the explanation and the
sources as author-year references (:func:`.render.short_citation`, the book's bibliography).

Type mapping (also in the teacher page ``book/teacher/lms.md``; a test keeps both the same):

====================  ======================  =====================  ===========================
course type           Moodle XML              GIFT                   QTI 1.2 (Canvas)
====================  ======================  =====================  ===========================
single, triage        multichoice (one)       ``{=right ~wrong}``    multiple_choice_question
multiple              multichoice (several)   ``{~%50%a ~%-100%b}``  multiple_answers_question
truefalse             truefalse               ``{TRUE#..#..}``       true_false_question
numeric               numerical (+ unit)      ``{#16.9:0.9}``        numerical_question
matching              matching                ``{=a -> b}``          matching_question
ordering              matching (step→place)   ``{=step -> Place 1}`` matching_question
====================  ======================  =====================  ===========================

Ordering becomes matching of each step to its place ("Place 1 (first)" ...), as the course's own
form asks for it (a place per step); matching is a core type in every Moodle version, in Canvas and
in Blackboard.
"""

from __future__ import annotations

import html
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from ..course import CHAPTERS
from ..data import read_yaml
from ..errors import CourseDataError
from .render import HINTS, short_citation
from .schema import bank_path, load_bank

FORMATS = {"moodle": "sciatica-questions-moodle.xml", "gift": "sciatica-questions-gift.txt",
           "qti12": "sciatica-questions-qti12.zip"}
COURSE_CATEGORY = "Sciatica course"

# course type -> (Moodle XML, GIFT, QTI 1.2 question_type). The teacher page's table must say the same.
TYPE_MAPPING: dict[str, tuple[str, str, str]] = {
    "single": ("multichoice (one answer)", "multiple choice {=right ~wrong}", "multiple_choice_question"),
    "triage": ("multichoice (one answer, fixed order)", "multiple choice {=right ~wrong}", "multiple_choice_question"),
    "multiple": ("multichoice (several answers)", "multiple choice with weights {~%50%right ~%-100%wrong}",
                 "multiple_answers_question"),
    "truefalse": ("truefalse", "true/false {TRUE} or {FALSE}", "true_false_question"),
    "numeric": ("numerical (tolerance and unit)", "numerical {#answer:tolerance}", "numerical_question"),
    "matching": ("matching", "matching {=left -> right}", "matching_question"),
    "ordering": ("matching (each step to its place)", "matching (each step to its place)", "matching_question"),
}

# What each format cannot hold, in words for the teacher page and the command's notes.
LIMITS: dict[str, list[str]] = {
    "moodle": ["Multiple-answer questions give partial credit in Moodle (each right option 100/n %, each "
               "wrong option −100 %), where the course marks all-or-nothing."],
    "gift": ["A unit: numerical answers are the number alone (the prompt names the unit).",
             "Feedback on a single pair of a matching question (the course has none).",
             "A matching item whose left side contains '->' (GIFT has no way to escape it): such a "
             "question is left out, and the command names it.",
             "An id number: the bank's id is the question's name (::03-anatomy/roots-01::) instead."],
    "qti12": ["A unit: numerical answers are the number alone (the prompt names the unit).",
              "Per-option feedback on matching (the course has none)."],
}


class ExportError(Exception):
    """A bad request (unknown format or chapter, unwritable folder): one line for the user."""


# --------------------------------------------------------------------------------------------
# One neutral form of an exported question, shared by the three writers


@dataclass
class Choice:
    ident: str
    text: str
    correct: bool
    fraction: float  # Moodle/GIFT weight in percent (100, 50, 33.33333, -100, 0)
    feedback: str = ""


@dataclass
class LmsQuestion:
    stem: str
    id: str
    course_type: str  # single | triage | multiple | truefalse | numeric | matching | ordering
    kind: str  # single | multiple | truefalse | numeric | matching
    prompt: str
    explanation: str
    sources: list[str]  # "Cherkin et al. (2011)"
    choices: list[Choice] = field(default_factory=list)
    shuffle: bool = True
    answer_bool: bool | None = None
    feedback_true: str = ""
    feedback_false: str = ""
    number: float | None = None
    tolerance: float = 0.0
    unit: str = ""
    pairs: list[tuple[str, str]] = field(default_factory=list)
    extra_rights: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        """``03-anatomy/roots-01``: the bank's question id, with its chapter (ids repeat across chapters)."""
        return f"{self.stem}/{self.id}"

    @property
    def sources_line(self) -> str:
        return ("Source: " + "; ".join(self.sources) + ".") if self.sources else ""

    def rights(self) -> list[str]:
        """Right-hand choices of a matching question: answers and distractors, in a stable order."""
        return sorted({r for _, r in self.pairs} | set(self.extra_rights), key=str.casefold)


# Moodle accepts only these grades (question_bank::fraction_options_full); 1/n for n = 1..10 and 20.
def _share(n: int) -> float:
    value = round(100 / n, 5)
    if n not in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20):
        raise ValueError(f"{n} right answers: 100/{n} % is not a grade Moodle accepts")
    return value


def place_label(n: int, total: int) -> str:
    return f"Place {n}" + (" (first)" if n == 1 else " (last)" if n == total else "")


def _triage_ids(source: str | Path) -> set[str]:
    raw = read_yaml(bank_path(source)) or {}
    return {q.get("id") for q in raw.get("questions", []) if isinstance(q, dict) and q.get("type") == "triage"}


def lms_questions(source: str | Path) -> list[LmsQuestion]:
    """A bank's questions as learners see them, in bank order, ready for any writer.

    ``source`` is a chapter stem (``"03-anatomy"``) or the path of a bank file.
    """
    bank = load_bank(source)
    triage = _triage_ids(source)
    out = []
    for q in bank.questions:
        course_type = "triage" if q.id in triage else q.type
        base = dict(stem=bank.stem, id=q.id, course_type=course_type, prompt=q.prompt, explanation=q.explanation,
                    sources=[short_citation(k) for k in q.cite])
        if q.type in ("single", "multiple"):
            right = [q.answer] if q.type == "single" else list(q.answer)
            share = _share(len(right))
            wrong = 0.0 if q.type == "single" else -100.0
            choices = [Choice(o.id, o.text, o.id in right, share if o.id in right else wrong, o.feedback or "")
                       for o in q.options]
            out.append(LmsQuestion(**base, kind=q.type, choices=choices, shuffle=not q.keep_order))
        elif q.type == "truefalse":
            out.append(LmsQuestion(**base, kind="truefalse", answer_bool=q.answer, feedback_true=q.feedback_true or "",
                                   feedback_false=q.feedback_false or ""))
        elif q.type == "numeric":
            # A question asked in a scale ("how many million?") takes the number in that scale.
            unit = " ".join(x for x in (getattr(q, "scale", None) or "", q.unit) if x)
            out.append(LmsQuestion(**base, kind="numeric", number=q.answer, tolerance=q.tolerance, unit=unit))
        elif q.type == "matching":
            out.append(LmsQuestion(**base, kind="matching", pairs=[(p.left, p.right) for p in q.pairs],
                                   extra_rights=list(q.distractors)))
        elif q.type == "ordering":
            n = len(q.items)
            base["prompt"] = f"{q.prompt} {HINTS['ordering']}"
            out.append(LmsQuestion(**base, kind="matching",
                                   pairs=[(i.text, place_label(k, n)) for k, i in enumerate(q.items, 1)]))
        else:  # pragma: no cover - the schema knows no other type
            raise CourseDataError(f"{bank.stem}.yaml", f"question {q.id}", "type", f"{q.type!r} has no LMS mapping")
    return out


def chapter_label(stem: str) -> str:
    """``03 Anatomy of the sciatic nerve`` (the category or bank name of a chapter)."""
    title = next((c.title for c in CHAPTERS if c.stem == stem), None)
    return f"{stem.split('-')[0]} {title}" if title else stem


def _num(x: float) -> str:
    """A plain decimal (no exponent for ordinary sizes; 16.9 + 0.9 is 17.8, not 17.799999999999997)."""
    return f"{x:.12g}" if 1e-6 <= abs(x) < 1e12 or x == 0 else repr(x)


def _frac(x: float) -> str:
    return f"{x:.5f}".rstrip("0").rstrip(".")


def _h(text: str) -> str:
    """Text as HTML (the LMS shows it as HTML): &, < and > escaped, quotes kept as they are."""
    return html.escape(text, quote=False)


def feedback_html(q: LmsQuestion) -> str:
    parts = [f"<p>{_h(q.explanation)}</p>"]
    if q.sources_line:
        parts.append(f"<p>{_h(q.sources_line)}</p>")
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Moodle XML


def _text_el(parent: ET.Element, tag: str, text: str, fmt: str | None = "html", **attrs) -> ET.Element:
    el = ET.SubElement(parent, tag, {**({"format": fmt} if fmt else {}), **attrs})
    ET.SubElement(el, "text").text = text
    return el


def _stem(source: str | Path) -> str:
    return Path(source).stem


def moodle_xml(sources: list[str | Path]) -> tuple[str, int, list[str]]:
    quiz = ET.Element("quiz")
    count = 0
    for source in sources:
        stem = _stem(source)
        cat = ET.SubElement(quiz, "question", {"type": "category"})
        _text_el(cat, "category", f"$course$/top/{COURSE_CATEGORY}/{chapter_label(stem)}", fmt=None)
        _text_el(cat, "info", f"Questions of chapter {_h(stem)}, generated from the course's question bank.")
        for q in lms_questions(source):
            count += 1
            qtype = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse",
                     "numeric": "numerical", "matching": "matching"}[q.kind]
            quiz.append(ET.Comment(f" {stem}/{q.id} (course type: {q.course_type}) "))
            el = ET.SubElement(quiz, "question", {"type": qtype})
            _text_el(el, "name", q.ref, fmt=None)
            _text_el(el, "questiontext", _h(q.prompt))
            _text_el(el, "generalfeedback", feedback_html(q))
            ET.SubElement(el, "defaultgrade").text = "1"
            ET.SubElement(el, "penalty").text = "0.3333333"
            ET.SubElement(el, "hidden").text = "0"
            ET.SubElement(el, "idnumber").text = q.ref
            if q.kind in ("single", "multiple"):
                ET.SubElement(el, "single").text = "true" if q.kind == "single" else "false"
                ET.SubElement(el, "shuffleanswers").text = "true" if q.shuffle else "false"
                ET.SubElement(el, "answernumbering").text = "abc"
                for c in q.choices:
                    a = _text_el(el, "answer", _h(c.text), fraction=_frac(c.fraction))
                    _text_el(a, "feedback", _h(c.feedback))
            elif q.kind == "truefalse":
                for value, fb in ((True, q.feedback_true), (False, q.feedback_false)):
                    a = _text_el(el, "answer", "true" if value else "false", fmt="moodle_auto_format",
                                 fraction="100" if value == q.answer_bool else "0")
                    _text_el(a, "feedback", _h(fb))
            elif q.kind == "numeric":
                a = _text_el(el, "answer", _num(q.number), fmt="moodle_auto_format", fraction="100")
                _text_el(a, "feedback", "")
                ET.SubElement(a, "tolerance").text = _num(q.tolerance)
                if q.unit:
                    units = ET.SubElement(el, "units")
                    unit = ET.SubElement(units, "unit")
                    ET.SubElement(unit, "multiplier").text = "1"
                    ET.SubElement(unit, "unit_name").text = q.unit
                # The unit may be typed or left out (the course accepts both): no unit penalty.
                ET.SubElement(el, "unitgradingtype").text = "0"
                ET.SubElement(el, "unitpenalty").text = "0"
                ET.SubElement(el, "showunits").text = "0" if q.unit else "3"
                ET.SubElement(el, "unitsleft").text = "0"
            elif q.kind == "matching":
                ET.SubElement(el, "shuffleanswers").text = "true"
                for left, right in q.pairs:
                    sub = _text_el(el, "subquestion", _h(left))
                    ans = ET.SubElement(sub, "answer")
                    ET.SubElement(ans, "text").text = right  # Moodle shows right-hand answers as plain text
                for extra in q.extra_rights:
                    sub = _text_el(el, "subquestion", "")
                    ans = ET.SubElement(sub, "answer")
                    ET.SubElement(ans, "text").text = extra
    ET.indent(quiz, "  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n", count, []


# --------------------------------------------------------------------------------------------
# GIFT

_GIFT_SPECIAL = re.compile(r"([~=#{}:])")


def gift_escape(text: str) -> str:
    """Escape GIFT's special characters (backslash first, then ~ = # { } :, newlines as \\n)."""
    text = text.replace("\\", "\\\\")
    text = _GIFT_SPECIAL.sub(r"\\\1", text)
    return text.replace("\r", "").replace("\n", "\\n")


def _gift_text(text: str) -> str:
    """Text in a GIFT [html] question: HTML-escaped, then GIFT-escaped; a leading % would read as a weight."""
    s = _h(text)
    if s.startswith("%"):
        s = "&#37;" + s[1:]
    return gift_escape(s)


def gift_problem(q: LmsQuestion) -> str | None:
    """Why GIFT cannot express this question, or None."""
    if q.kind == "matching":
        for left, right in q.pairs:
            if "->" in left:
                return f"a matching item contains '->', which GIFT cannot escape: {left!r}"
    return None


def gift(sources: list[str | Path]) -> tuple[str, int, list[str]]:
    out = ["// Sciatica course: question banks in GIFT, generated by python -m sciatica_course export-questions.",
           "// Each question's name (::chapter/id::) is its id in the course's question bank.", ""]
    count, skipped = 0, []
    for source in sources:
        stem = _stem(source)
        out += [f"$CATEGORY: $course$/top/{COURSE_CATEGORY}/{chapter_label(stem)}", ""]
        for q in lms_questions(source):
            problem = gift_problem(q)
            if problem:
                skipped.append(f"gift: left out {stem}/{q.id}: {problem}")
                continue
            count += 1
            lines = [f"// {q.ref} (course type: {q.course_type})", f"::{q.ref}::[html]{_gift_text(q.prompt)}{{"]
            if q.kind in ("single", "multiple"):
                for c in q.choices:
                    if q.kind == "single":
                        mark = "=" if c.correct else "~"
                    else:
                        mark = f"~%{_frac(c.fraction)}%"
                    fb = f"#{_gift_text(c.feedback)}" if c.feedback else ""
                    lines.append(f"\t{mark}{_gift_text(c.text)}{fb}")
            elif q.kind == "truefalse":
                # {TRUE#feedback when wrong#feedback when right}
                right_fb, wrong_fb = ((q.feedback_true, q.feedback_false) if q.answer_bool
                                      else (q.feedback_false, q.feedback_true))
                lines.append(f"\t{'TRUE' if q.answer_bool else 'FALSE'}#{_gift_text(wrong_fb)}#{_gift_text(right_fb)}")
            elif q.kind == "numeric":
                lines.append(f"\t#{_num(q.number)}:{_num(q.tolerance)}")
            elif q.kind == "matching":
                for left, right in q.pairs:
                    lines.append(f"\t={_gift_text(left)} -> {gift_escape(right)}")
                for extra in q.extra_rights:
                    lines.append(f"\t= -> {gift_escape(extra)}")
            lines.append(f"\t####{gift_escape(feedback_html(q))}")
            lines += ["}", ""]
            out += lines
    return "\n".join(out), count, skipped


# --------------------------------------------------------------------------------------------
# QTI 1.2 (Canvas classic quizzes' dialect; Common Cartridge 1.1 question banks)

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
QTI_QUESTION_TYPE = {"single": "multiple_choice_question", "multiple": "multiple_answers_question",
                     "truefalse": "true_false_question", "numeric": "numerical_question",
                     "matching": "matching_question"}


def item_ident(stem: str, qid: str) -> str:
    return f"sc-{stem}-{qid}"


def _meta(parent: ET.Element, fields: dict[str, str]) -> None:
    md = ET.SubElement(parent, "qtimetadata")
    for label, entry in fields.items():
        f = ET.SubElement(md, "qtimetadatafield")
        ET.SubElement(f, "fieldlabel").text = label
        ET.SubElement(f, "fieldentry").text = entry


def _mat(parent: ET.Element, text: str, texttype: str = "text/html") -> None:
    m = ET.SubElement(parent, "material")
    ET.SubElement(m, "mattext", {"texttype": texttype}).text = text


def _feedback(item: ET.Element, ident: str, text_html: str) -> None:
    fb = ET.SubElement(item, "itemfeedback", {"ident": ident})
    flow = ET.SubElement(fb, "flow_mat")
    _mat(flow, text_html)


def _cond(rp: ET.Element, cont: str, conditions: list[ET.Element], score: str | None = None,
          action: str = "Set", feedback: str | None = None) -> None:
    rc = ET.SubElement(rp, "respcondition", {"continue": cont})
    cv = ET.SubElement(rc, "conditionvar")
    for c in conditions:
        cv.append(c)
    if score is not None:
        ET.SubElement(rc, "setvar", {"action": action, "varname": "SCORE"}).text = score
    if feedback:
        ET.SubElement(rc, "displayfeedback", {"feedbacktype": "Response", "linkrefid": feedback})


def _var(tag: str, respident: str, value: str) -> ET.Element:
    el = ET.Element(tag, {"respident": respident})
    el.text = value
    return el


def qti_item(q: LmsQuestion) -> ET.Element:
    item = ET.Element("item", {"ident": item_ident(q.stem, q.id), "title": q.ref})
    im = ET.SubElement(item, "itemmetadata")
    _meta(im, {"question_type": QTI_QUESTION_TYPE[q.kind], "points_possible": "1",
               "course_question_id": q.ref, "course_type": q.course_type})
    pres = ET.SubElement(item, "presentation")
    _mat(pres, _h(q.prompt))
    rp = ET.SubElement(item, "resprocessing")
    outcomes = ET.SubElement(rp, "outcomes")
    ET.SubElement(outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})
    _cond(rp, "Yes", [ET.Element("other")], feedback="general_fb")
    feedbacks: list[tuple[str, str]] = [("general_fb", feedback_html(q))]
    if q.kind in ("single", "multiple", "truefalse"):
        if q.kind == "truefalse":
            choices = [Choice("true", "True", q.answer_bool is True, 0, q.feedback_true),
                       Choice("false", "False", q.answer_bool is False, 0, q.feedback_false)]
        else:
            choices = q.choices
        lid = ET.SubElement(pres, "response_lid", {"ident": "response1",
                                                  "rcardinality": "Multiple" if q.kind == "multiple" else "Single"})
        rc = ET.SubElement(lid, "render_choice", {"shuffle": "Yes" if q.shuffle and q.kind != "truefalse" else "No"})
        for c in choices:
            label = ET.SubElement(rc, "response_label", {"ident": c.ident})
            _mat(label, _h(c.text))
            if c.feedback:
                _cond(rp, "Yes", [_var("varequal", "response1", c.ident)], feedback=f"{c.ident}_fb")
                feedbacks.append((f"{c.ident}_fb", f"<p>{_h(c.feedback)}</p>"))
        if q.kind == "multiple":
            both = ET.Element("and")
            for c in choices:
                v = _var("varequal", "response1", c.ident)
                if c.correct:
                    both.append(v)
                else:
                    no = ET.SubElement(both, "not")
                    no.append(v)
            _cond(rp, "No", [both], score="100")
        else:
            right = next(c for c in choices if c.correct)
            _cond(rp, "No", [_var("varequal", "response1", right.ident)], score="100")
    elif q.kind == "numeric":
        rs = ET.SubElement(pres, "response_str", {"ident": "response1", "rcardinality": "Single"})
        fib = ET.SubElement(rs, "render_fib", {"fibtype": "Decimal"})
        ET.SubElement(fib, "response_label", {"ident": "answer1"})
        either = ET.Element("or")
        either.append(_var("varequal", "response1", _num(q.number)))
        rng = ET.SubElement(either, "and")
        rng.append(_var("vargte", "response1", _num(q.number - q.tolerance)))
        rng.append(_var("varlte", "response1", _num(q.number + q.tolerance)))
        _cond(rp, "No", [either], score="100")
    elif q.kind == "matching":
        rights = q.rights()
        right_id = {r: f"c{n}" for n, r in enumerate(rights, 1)}
        share = _frac(100 / len(q.pairs))
        for n, (left, right) in enumerate(q.pairs, 1):
            lid = ET.SubElement(pres, "response_lid", {"ident": f"response_{n}"})
            _mat(lid, left, "text/plain")
            rc = ET.SubElement(lid, "render_choice")
            for r in rights:
                label = ET.SubElement(rc, "response_label", {"ident": right_id[r]})
                _mat(label, r, "text/plain")
            _cond(rp, "No", [_var("varequal", f"response_{n}", right_id[right])], score=share, action="Add")
    for ident, text in feedbacks:
        _feedback(item, ident, text)
    return item


def qti_bank(stem: str, questions: list[LmsQuestion]) -> str:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    bank = ET.SubElement(root, "objectbank", {"ident": f"sc-bank-{stem}"})
    _meta(bank, {"bank_title": f"{COURSE_CATEGORY}: {chapter_label(stem)}"})
    for q in questions:
        bank.append(qti_item(q))
    ET.indent(root, "  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def qti_manifest(stems: list[str]) -> str:
    root = ET.Element("manifest", {"identifier": "sc-sciatica-course-question-banks", "xmlns": CP_NS})
    md = ET.SubElement(root, "metadata")
    ET.SubElement(md, "schema").text = "IMS Common Cartridge"
    ET.SubElement(md, "schemaversion").text = "1.1.0"
    ET.SubElement(root, "organizations")
    res = ET.SubElement(root, "resources")
    for stem in stems:
        href = f"{stem}/{stem}.xml"
        r = ET.SubElement(res, "resource", {"identifier": f"sc-res-{stem}",
                                            "type": "imsqti_xmlv1p2/imscc_xmlv1p1/question-bank", "href": href})
        ET.SubElement(r, "file", {"href": href})
    ET.indent(root, "  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def qti12(sources: list[str | Path]) -> tuple[bytes, int, list[str]]:
    buf = io.BytesIO()
    count = 0
    stems = [_stem(s) for s in sources]
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        manifest = zipfile.ZipInfo("imsmanifest.xml", (2026, 1, 1, 0, 0, 0))
        manifest.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(manifest, qti_manifest(stems))
        for source, stem in zip(sources, stems):
            qs = lms_questions(source)
            count += len(qs)
            info = zipfile.ZipInfo(f"{stem}/{stem}.xml", (2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, qti_bank(stem, qs))
    return buf.getvalue(), count, []


# --------------------------------------------------------------------------------------------
# Command line


def resolve_chapters(spec: str | None) -> list[str]:
    """``"03,06"`` or ``"03-anatomy"`` -> chapter stems in course order; unknown -> ExportError."""
    stems = [c.stem for c in CHAPTERS]
    if not spec:
        return stems
    chosen = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        match = [s for s in stems if s == part or s.split("-")[0] == part.zfill(2)]
        if not match:
            raise ExportError(f"unknown chapter {part!r} (choose from {', '.join(s.split('-')[0] for s in stems)})")
        chosen += [m for m in match if m not in chosen]
    if not chosen:
        raise ExportError("--chapters names no chapter")
    return [s for s in stems if s in chosen]


def export(fmt: str, sources: list[str | Path], out: Path) -> tuple[Path, int, list[str]]:
    """Write one export of the banks (chapter stems or bank files); returns (file, questions
    written, notes naming the questions left out)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose moodle, gift or qti12)")
    writer = {"moodle": moodle_xml, "gift": gift, "qti12": qti12}[fmt]
    content, count, notes = writer(sources)
    path = out / FORMATS[fmt]
    try:
        out.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}") from None
    return path, count, notes


def add_arguments(parser) -> None:
    parser.add_argument("--format", required=True, metavar="moodle|gift|qti12",
                        help="moodle (Moodle XML), gift (Moodle GIFT text) "
                             "or qti12 (QTI 1.2 zip for Canvas, Blackboard)")
    parser.add_argument("--chapters", default=None, help="chapters to export, e.g. 03,06 (default: all)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the export into")


def run(args) -> int:
    try:
        stems = resolve_chapters(args.chapters)
        path, count, notes = export(args.format, stems, args.out)
    except ExportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for note in notes:
        print(note, file=sys.stderr)
    left = f", {len(notes)} left out (see above)" if notes else ""
    print(f"{args.format}: {count} questions from {len(stems)} chapters{left} -> {path}")
    return 0

"""Question banks for learning platforms (issue 14): Moodle XML, GIFT and QTI 1.2, each read back by
a parser this project did not write, for every question of the course.

Readers: ``moodle-xml-parser`` (Moodle XML), ``pygiftparser`` (GIFT), ``qti2latex``'s Canvas QTI
reader (QTI 1.2). Where a reader cannot see a feature (a type it does not parse, a bug) a comment
says so and the feature is read from the XML with the standard library's parser instead. No QTI 1.2
or Moodle XML schema ships in any package we could install, so the XML files are checked for
well-formedness and structure, not against an XSD.

What is expected comes from the bank through the course's loader (``load_bank``): the question a
learner sees, with safety placeholders filled in and triage questions in their single-choice form.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import qti2latex
import yaml
from moodle_xml_parser import parser as moodle_parser
from pygiftparser import parser as gift_parser

from sciatica_course.__main__ import main
from sciatica_course.classroom import guide
from sciatica_course.course import CHAPTERS
from sciatica_course.quiz import lms, load_bank
from sciatica_course.quiz.render import HINTS, short_citation

ROOT = Path(__file__).resolve().parents[1]
STEMS = [c.stem for c in CHAPTERS]
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
# question_bank::fraction_options_full() in Moodle: the only grades its import accepts.
MOODLE_GRADES = {100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
                 14.28571, 12.5, 11.11111, 10, 5, 0}
MOODLE_GRADES |= {-g for g in MOODLE_GRADES}


# --------------------------------------------------------------------------------------------
# What each question should read back as, straight from the banks


def expected(source) -> list[dict]:
    bank = load_bank(source)
    out = []
    for q in bank.questions:
        e = {"id": q.id, "type": q.type, "prompt": q.prompt, "explanation": q.explanation,
             "sources": "Source: " + "; ".join(short_citation(k) for k in q.cite) + "." if q.cite else ""}
        if q.type in ("single", "multiple"):
            right = {q.answer} if q.type == "single" else set(q.answer)
            e["options"] = [(o.text, o.id in right, o.feedback or "") for o in q.options]
        elif q.type == "truefalse":
            e.update(answer=q.answer, fb_true=q.feedback_true or "", fb_false=q.feedback_false or "")
        elif q.type == "numeric":
            # a question asked in a scale ("how many million?") has the scale word in its unit
            e.update(answer=q.answer, tolerance=q.tolerance,
                     unit=" ".join(x for x in (getattr(q, "scale", None) or "", q.unit) if x))
        elif q.type == "matching":
            e.update(pairs=[(p.left, p.right) for p in q.pairs], distractors=list(q.distractors))
        elif q.type == "ordering":
            # exported as matching: each step to its place, with the course's own instruction
            e["prompt"] = f"{q.prompt} {HINTS['ordering']}"
            e["pairs"] = [(i.text, lms.place_label(n, len(q.items))) for n, i in enumerate(q.items, 1)]
            e["distractors"] = []
        out.append(e)
    return out


def paragraphs(feedback_html: str) -> list[str]:
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", feedback_html, flags=re.S)]


def check_general_feedback(e: dict, feedback_html: str, where: str) -> None:
    want = [e["explanation"]] + ([e["sources"]] if e["sources"] else [])
    assert paragraphs(feedback_html) == want, f"{where}: general feedback"


@pytest.fixture(scope="module")
def course_exports(tmp_path_factory):
    out = tmp_path_factory.mktemp("lms")
    files = {}
    for fmt in lms.FORMATS:
        path, count, notes = lms.export(fmt, STEMS, out)
        files[fmt] = (path, count, notes)
    return files


def test_every_question_of_the_course_is_exported_in_every_format(course_exports):
    total = sum(len(load_bank(s).questions) for s in STEMS)
    assert total > 50
    for fmt, (path, count, notes) in course_exports.items():
        assert path.is_file() and count == total, fmt
        assert notes == [], f"{fmt} left questions out: {notes}"


# --------------------------------------------------------------------------------------------
# Moodle XML


def _moodle_text(el) -> str:
    return html.unescape((el.findtext("text") or "").strip()) if el is not None else ""


def check_moodle(path: Path, sources) -> None:
    tree = ET.parse(path)  # well-formed, or this raises
    questions = [q for q in tree.getroot().findall("question") if q.get("type") != "category"]
    by_id = {q.findtext("idnumber"): q for q in questions}
    parsed = moodle_parser.parse_file(str(path))
    mc = {q.name: q for q in parsed["multichoice"]}
    categories = [q.findtext("category/text") for q in tree.getroot().findall("question[@type='category']")]
    n = 0
    for source in sources:
        stem = Path(source).stem
        assert any(c.endswith("/" + lms.chapter_label(stem)) for c in categories), f"no category for {stem}"
        for e in expected(source):
            n += 1
            where = f"moodle {stem}/{e['id']}"
            ref = f"{stem}/{e['id']}"  # the bank's id with its chapter (ids repeat across chapters)
            x = by_id[ref]  # is the Moodle id number ...
            assert x.findtext("name/text") == ref, where  # ... and the question's name
            if e["type"] in ("single", "multiple"):
                p = mc[ref]  # read by moodle-xml-parser
                assert p.text_pre_parse == e["prompt"], where
                assert p.single is (e["type"] == "single"), where
                assert [o.answer for o in p.options] == [t for t, _, _ in e["options"]], where
                assert [o.score_fraction > 0 for o in p.options] == [r for _, r, _ in e["options"]], where
                assert [o.feedback for o in p.options] == [fb for _, _, fb in e["options"]], where
                assert all(o.score_fraction in MOODLE_GRADES for o in p.options), where
                assert abs(sum(o.score_fraction for o in p.options if o.score_fraction > 0) - 100) < 0.001, where
                check_general_feedback(e, p.general_feedback, where)
                continue
            # moodle-xml-parser 0.3.1 reads only multichoice and cloze questions: the other types are
            # read from the XML with the standard library's parser.
            assert _moodle_text(x.find("questiontext")) == e["prompt"], where
            check_general_feedback(e, x.findtext("generalfeedback/text"), where)
            if e["type"] == "truefalse":
                assert x.get("type") == "truefalse", where
                answers = {a.findtext("text"): a for a in x.findall("answer")}
                assert answers["true"].get("fraction") == ("100" if e["answer"] else "0"), where
                assert answers["false"].get("fraction") == ("0" if e["answer"] else "100"), where
                assert _moodle_text(answers["true"].find("feedback")) == e["fb_true"], where
                assert _moodle_text(answers["false"].find("feedback")) == e["fb_false"], where
            elif e["type"] == "numeric":
                assert x.get("type") == "numerical", where
                a = x.find("answer")
                assert float(a.findtext("text")) == e["answer"] and a.get("fraction") == "100", where
                assert float(a.findtext("tolerance")) == e["tolerance"], where
                units = [u.findtext("unit_name") for u in x.findall("units/unit")]
                assert units == ([e["unit"]] if e["unit"] else []), where
            else:  # matching, ordering
                assert x.get("type") == "matching", where
                subs = [(_moodle_text(s), s.findtext("answer/text")) for s in x.findall("subquestion")]
                assert [s for s in subs if s[0]] == e["pairs"], where
                assert [r for left, r in subs if not left] == e["distractors"], where
    assert n == len(questions)


def test_moodle_xml_reads_back_for_the_whole_course(course_exports):
    check_moodle(course_exports["moodle"][0], STEMS)


# --------------------------------------------------------------------------------------------
# GIFT


# pygiftparser 1.1 has a bug: an escaped brace (\\}) inside the answer block ends the block early
# (its answer pattern ``.*?[^\\]?}`` makes the "not a backslash" optional), so a special character in
# an option cut the question short. Moodle's own importer first swaps every escaped character for a
# placeholder and only then looks for the braces (qformat_gift::escapedchar_pre / _post); the test
# does the same around pygiftparser, so the parsing of the question (its name, text, options,
# weights, feedback, answers) is still pygiftparser's.
_ESC = {"\\\\": "\\", "\\~": "~", "\\=": "=", "\\#": "#", "\\{": "{", "\\}": "}", "\\:": ":", "\\n": "\n"}
_HOLD = {k: chr(0xE000 + n) for n, k in enumerate(_ESC)}
_BACK = {_HOLD[k]: v for k, v in _ESC.items()}


def gift_pre(text: str) -> str:
    return re.sub(r"\\[\\~=#{}:n]", lambda m: _HOLD[m.group(0)], text)


def gift_plain(text: str) -> str:
    """A text as read by pygiftparser, placeholders swapped back, then as plain text (it is [html])."""
    return html.unescape("".join(_BACK.get(c, c) for c in text))


def check_gift(path: Path, sources, left_out=()) -> None:
    parsed = gift_parser.parseFile(io.StringIO(gift_pre(path.read_text(encoding="utf-8"))))
    by_title = {q.title: q for q in parsed}
    assert len(by_title) == len(parsed), "two GIFT questions share a name"
    text = path.read_text(encoding="utf-8")
    n = 0
    for source in sources:
        stem = Path(source).stem
        assert f"$CATEGORY: $course$/top/{lms.COURSE_CATEGORY}/{lms.chapter_label(stem)}" in text
        for e in expected(source):
            ref = where = f"{stem}/{e['id']}"
            if e["id"] in left_out:
                assert ref not in by_title, f"{where} should have been left out"
                continue
            n += 1
            q = by_title[ref]
            assert q.valid and q.markup == "html", where
            assert gift_plain(q.text) == e["prompt"], where
            check_general_feedback(e, gift_plain(q.generalFeedback), where)
            a = q.answers
            if e["type"] in ("single", "multiple"):
                kind = "SelectSet" if e["type"] == "single" else "MultipleChoicesSet"
                assert type(a).__name__ == kind, where
                assert [gift_plain(x.answer) for x in a.answers] == [t for t, _, _ in e["options"]], where
                assert [x.fraction > 0 for x in a.answers] == [r for _, r, _ in e["options"]], where
                assert [gift_plain(x.feedback) for x in a.answers] == [fb for _, _, fb in e["options"]], where
                assert all(round(x.fraction, 5) in MOODLE_GRADES for x in a.answers), where
            elif e["type"] == "truefalse":
                assert type(a).__name__ == "TrueFalseSet" and a.answer is e["answer"], where
                right, wrong = (e["fb_true"], e["fb_false"]) if e["answer"] else (e["fb_false"], e["fb_true"])
                assert (gift_plain(a.feedbackCorrect), gift_plain(a.feedbackWrong)) == (right, wrong), where
            elif e["type"] == "numeric":
                assert type(a).__name__ == "NumericAnswerSet", where
                assert [(x.value, x.tolerance) for x in a.answers] == [(e["answer"], e["tolerance"])], where
            else:
                assert type(a).__name__ == "MatchingSet", where
                pairs = [(gift_plain(x.question).strip(), gift_plain(x.answer).strip()) for x in a.answers]
                assert [p for p in pairs if p[0]] == e["pairs"], where
                assert [r for left, r in pairs if not left] == e["distractors"], where
    assert n == len(parsed)


def test_gift_reads_back_for_the_whole_course(course_exports):
    check_gift(course_exports["gift"][0], STEMS)


def test_gift_escapes_every_special_character():
    assert lms.gift_escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"


# --------------------------------------------------------------------------------------------
# QTI 1.2


def _mattext(el) -> str:
    return el.find(f"{QTI}material/{QTI}mattext").text or ""


def check_qti(path: Path, sources) -> None:
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        manifest = ET.fromstring(z.read("imsmanifest.xml"))
        resources = manifest.findall(".//{*}resource")
        banks = {}
        for r in resources:
            assert r.get("type") == "imsqti_xmlv1p2/imscc_xmlv1p1/question-bank"
            href = r.find("{*}file").get("href")
            assert href == r.get("href") and href in names
            banks[Path(href).stem] = ET.fromstring(z.read(href))  # well-formed, or this raises
    n = 0
    for source in sources:
        stem = Path(source).stem
        root = banks[stem]  # one item bank per chapter
        bank = root.find(f"{QTI}objectbank")
        assert qti2latex.get_qti_metadata(bank)["bank_title"].endswith(lms.chapter_label(stem))
        items = {i.get("title"): i for i in bank.findall(f"{QTI}item")}
        assert all(t.startswith(stem + "/") for t in items)
        for e in expected(source):
            n += 1
            where = f"qti {stem}/{e['id']}"
            item = items[f"{stem}/{e['id']}"]
            assert item.get("ident") == lms.item_ident(stem, e["id"]), where
            # read by qti2latex (its Canvas QTI reader): type, prompt and choices
            meta = qti2latex.get_qti_metadata(item)
            assert html.unescape(qti2latex.get_item_stem(item)) == e["prompt"], where
            choices = qti2latex.get_choices(item)
            feedback = {f.get("ident"): _mattext(f.find(f"{QTI}flow_mat")) for f in item.findall(f"{QTI}itemfeedback")}
            check_general_feedback(e, feedback["general_fb"], where)
            # qti2latex.get_correct_idents counts every <varequal> in resprocessing, also those that
            # only show an option's feedback (as Canvas's own exports have them), so it would call
            # every option with feedback right: right answers are read from the conditions that set
            # a score instead.
            scoring = [c for c in item.iter(f"{QTI}respcondition") if c.find(f"{QTI}setvar") is not None]
            if e["type"] in ("single", "multiple", "truefalse"):
                if e["type"] == "truefalse":
                    assert meta["question_type"] == "true_false_question", where
                    want = [("True", e["answer"], e["fb_true"]), ("False", not e["answer"], e["fb_false"])]
                else:
                    assert meta["question_type"] == ("multiple_choice_question" if e["type"] == "single"
                                                     else "multiple_answers_question"), where
                    want = e["options"]
                assert [html.unescape(t) for _, t in choices] == [t for t, _, _ in want], where
                assert len(scoring) == 1, where
                cond = scoring[0].find(f"{QTI}conditionvar")
                right = ({v.text for v in cond.iter(f"{QTI}varequal")}
                         - {v.text for v in cond.iter(f"{QTI}not") for v in v})
                assert [ident in right for ident, _ in choices] == [r for _, r, _ in want], where
                got_fb = [paragraphs(feedback[f"{ident}_fb"])[0] if f"{ident}_fb" in feedback else ""
                          for ident, _ in choices]
                assert got_fb == [fb for _, _, fb in want], where
            elif e["type"] == "numeric":
                assert meta["question_type"] == "numerical_question", where
                assert qti2latex.get_correct_idents(item) == {f"{e['answer']:.12g}"}, where  # the exact answer
                low = float(item.find(f".//{QTI}vargte").text)
                high = float(item.find(f".//{QTI}varlte").text)
                assert low == pytest.approx(e["answer"] - e["tolerance"]), where
                assert high == pytest.approx(e["answer"] + e["tolerance"]), where
            else:
                # qti2latex has no reader for matching questions: read from the XML.
                assert meta["question_type"] == "matching_question", where
                lids = item.findall(f"{QTI}presentation/{QTI}response_lid")
                label = {r.get("ident"): _mattext(r) for r in lids[0].iter(f"{QTI}response_label")}
                got = []
                for lid in lids:
                    cond = next(c for c in scoring if c.find(f".//{QTI}varequal").get("respident") == lid.get("ident"))
                    got.append((_mattext(lid), label[cond.find(f".//{QTI}varequal").text]))
                assert got == e["pairs"], where
                used = {r for _, r in e["pairs"]}
                assert sorted(set(label.values()) - used) == sorted(e["distractors"]), where
                assert sum(float(c.find(f"{QTI}setvar").text) for c in scoring) == pytest.approx(100), where
        assert len(items) == len(expected(source))
    assert n == sum(len(b.findall(f".//{QTI}item")) for b in banks.values())


def test_qti12_reads_back_for_the_whole_course(course_exports):
    check_qti(course_exports["qti12"][0], STEMS)


def test_exports_are_the_same_on_every_run(tmp_path, course_exports):
    for fmt in lms.FORMATS:
        again, _, _ = lms.export(fmt, STEMS, tmp_path)
        assert again.read_bytes() == course_exports[fmt][0].read_bytes(), fmt


# --------------------------------------------------------------------------------------------
# Special characters

SPECIAL = ("Quotes \"double\" and 'single', A & B, 3 < 5 > 2, 25 %, −4 (minus), Müller, señora, Ørsted, 2.5 cm; "
           "GIFT ~ = # { } : \\ end")

_Q = {"objective": "Keep every character.", "cite": "cherkin2011"}
SPECIAL_BANK = {"title": "Special characters", "questions": [
    {"id": "sp-single", "type": "single", "prompt": SPECIAL, **_Q,
     "options": [{"id": "a", "text": "Right: " + SPECIAL, "feedback": "Yes & " + SPECIAL},
                 {"id": "b", "text": "%50% looks like a weight, & <b>not bold</b>", "feedback": "No # really"}],
     "answer": "a", "explanation": "Because " + SPECIAL},
    {"id": "sp-multiple", "type": "multiple", "prompt": "Pick: " + SPECIAL, **_Q,
     "options": [{"id": "a", "text": "Straße = street", "feedback": "ß & ü"},
                 {"id": "b", "text": "{curly} ~tilde~"},
                 {"id": "c", "text": "C: \\back\\slash and \\n no newline"}],
     "answer": ["a", "b"], "explanation": "Two of three: 66 % & more."},
    {"id": "sp-truefalse", "type": "truefalse", "prompt": "True? " + SPECIAL, **_Q, "answer": False,
     "feedback_true": "Wrong: 'x' < \"y\"", "feedback_false": "Right # 1 & only", "explanation": SPECIAL},
    {"id": "sp-numeric", "type": "numeric", **_Q,
     "prompt": "How long, in cm? (−2.5 cm is a shortening & 2.5 cm a lengthening: {it} ~ #1)",
     "answer": 2.5, "tolerance": 0.25, "unit": "cm", "explanation": "2.5 cm ± 0.25 cm: Ørsted's 'rule' & more."},
    {"id": "sp-matching", "type": "matching", "prompt": "Match: " + SPECIAL, **_Q,
     "pairs": [{"left": "A & B", "right": "x < y"}, {"left": "Müller: {1}", "right": "25 % = a quarter"},
               {"left": "#hash ~tilde", "right": "\"quoted\" ß"}],
     "distractors": ["−3 °C & colder"], "explanation": "Pairs & more: {} ~ = #."},
    {"id": "sp-ordering", "type": "ordering", "prompt": "Order: " + SPECIAL, **_Q,
     "items": [{"id": "one", "text": "First & foremost < 1"}, {"id": "two", "text": "Second: 'ü' = {2}"},
               {"id": "three", "text": "Third # ~ \\ done"}],
     "explanation": "1 < 2 < 3 & done."},
    {"id": "sp-arrow", "type": "matching", "prompt": "Which way does the signal go?", **_Q,
     "pairs": [{"left": "L4 -> L5", "right": "down"}, {"left": "L5 -> L4", "right": "up"},
               {"left": "L5 = L5", "right": "nowhere"}],
     "explanation": "An arrow in a left-hand item cannot be written in GIFT."},
]}


@pytest.fixture()
def special_bank(tmp_path) -> Path:
    path = tmp_path / "99-special.yaml"
    path.write_text(yaml.safe_dump(SPECIAL_BANK, allow_unicode=True), encoding="utf-8")
    load_bank(path)  # a valid bank, or this raises
    return path


def test_the_special_bank_has_every_special_character_and_every_type(special_bank):
    qs = load_bank(special_bank).questions
    assert {q.type for q in qs} == {"single", "multiple", "truefalse", "numeric", "matching", "ordering"}
    assert qs[0].prompt == SPECIAL
    for ch in ['"', "'", "&", "<", "%", "−", "ü", "ñ", "Ø", "cm", "~", "=", "#", "{", "}", ":", "\\"]:
        assert ch in SPECIAL


@pytest.mark.parametrize("fmt", list(lms.FORMATS))
def test_special_characters_survive_every_format(fmt, special_bank, tmp_path, capsys):
    path, count, notes = lms.export(fmt, [special_bank], tmp_path / "out")
    if fmt == "moodle":
        check_moodle(path, [special_bank])
    elif fmt == "gift":
        check_gift(path, [special_bank], left_out={"sp-arrow"})
        assert notes == ["gift: left out 99-special/sp-arrow: a matching item contains '->', "
                         "which GIFT cannot escape: 'L4 -> L5'"]
    else:
        check_qti(path, [special_bank])
    assert count == 7 - (fmt == "gift")


def test_gift_left_out_questions_are_named_by_the_command(special_bank, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(lms, "resolve_chapters", lambda spec: [special_bank])
    assert main(["export-questions", "--format", "gift", "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "gift: left out 99-special/sp-arrow" in err
    assert "gift: 6 questions from 1 chapters, 1 left out" in out


# --------------------------------------------------------------------------------------------
# The command line


def test_chapters_option_picks_chapters_in_course_order(tmp_path, capsys):
    assert main(["export-questions", "--format", "moodle", "--chapters", "06,3", "--out", str(tmp_path)]) == 0
    root = ET.parse(tmp_path / lms.FORMATS["moodle"]).getroot()
    cats = [q.findtext("category/text") for q in root.findall("question[@type='category']")]
    assert cats == [f"$course$/top/{lms.COURSE_CATEGORY}/{lms.chapter_label(s)}" for s in ("03-anatomy", "06-evidence")]
    ids = {q.findtext("idnumber") for q in root.findall("question") if q.get("type") != "category"}
    assert ids == {f"{s}/{q.id}" for s in ("03-anatomy", "06-evidence") for q in load_bank(s).questions}
    assert "moodle: " in capsys.readouterr().out


@pytest.mark.slow  # runs the command in a subprocess
@pytest.mark.parametrize("args, message", [
    (["--format", "blackboard"], "error: unknown format 'blackboard' (choose moodle, gift or qti12)"),
    (["--format", "gift", "--chapters", "03,99"], "error: unknown chapter '99' (choose from 01, 02"),
    (["--format", "gift", "--chapters", "anatomy"], "error: unknown chapter 'anatomy'"),
    (["--format", "qti12", "--out-file"], "error: cannot write to "),
])
def test_bad_requests_give_one_line_and_exit_code_2(args, message, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    if args[-1] == "--out-file":
        args = args[:-1]
        out = blocker / "sub"  # a folder inside a file cannot be made
    else:
        out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "sciatica_course", "export-questions", *args, "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and r.stderr.startswith(message), r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------------------------
# The teacher page


def test_teacher_page_explains_every_platform_and_has_the_mapping_table():
    page = (ROOT / "book" / "teacher" / "lms.md").read_text(encoding="utf-8")
    assert guide.EDITION_MARK in page and "make lms" in page
    for platform in ("Moodle", "Canvas", "Blackboard"):
        assert f"## {platform}" in page or f"## Import into {platform}" in page, platform
    rows = {}
    for line in page.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in lms.TYPE_MAPPING:
            rows[cells[0]] = tuple(cells[1:])
    assert rows == {k: tuple(v) for k, v in lms.TYPE_MAPPING.items()}
    for fmt, limits in lms.LIMITS.items():
        for limit in limits:
            assert limit in page, f"{fmt} limit missing from the page: {limit}"
    toc = str(guide.teacher_toc())
    assert "book/teacher/lms" in toc and "book/teacher/lms" not in (ROOT / "_toc.yml").read_text()

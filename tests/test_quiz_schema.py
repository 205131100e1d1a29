"""Question banks: every real bank is valid and complete; malformed banks fail with a one-line
message naming the file, the question and the field."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from sciatica_course.course import CHAPTERS
from sciatica_course.data import QUESTIONS_DIR, bib_keys
from sciatica_course.errors import CourseDataError
from sciatica_course.quiz.schema import bank_version, load_all, load_bank

STEMS = [c.stem for c in CHAPTERS]


def test_every_chapter_has_a_bank_and_no_bank_is_orphaned():
    banks = load_all()
    assert sorted(banks) == sorted(STEMS)
    assert sorted(p.stem for p in QUESTIONS_DIR.glob("*.yaml")) == sorted(STEMS)


@pytest.mark.parametrize("stem", STEMS)
def test_bank_size(stem):
    n = len(load_bank(stem).questions)
    low, high = (8, 10) if stem == "09-review" else (4, 8)
    assert low <= n <= high, f"{stem}: {n} questions"


@pytest.mark.parametrize("stem", STEMS)
def test_bank_content(stem):
    bank = load_bank(stem)
    ids = [q.id for q in bank.questions]
    assert len(ids) == len(set(ids)), f"{stem}: duplicate ids"
    keys = bib_keys()
    for q in bank.questions:
        assert q.explanation.strip() and len(q.explanation) >= 40, f"{stem}/{q.id}: explanation too thin"
        assert q.objective.strip()
        for k in q.cite:
            assert k in keys, f"{stem}/{q.id}: {k}"
        if q.about is None:
            assert q.cite, f"{stem}/{q.id}: a question about facts needs a citation"
        if q.type == "single":
            assert sum(o.id == q.answer for o in q.options) == 1
            assert len(q.options) >= 3, f"{stem}/{q.id}: a single-choice question needs at least two distractors"
        if q.type == "multiple":
            assert 0 < len(q.answer) < len(q.options), f"{stem}/{q.id}: some options must be wrong"
        if q.type in {"single", "multiple"}:
            texts = [o.text for o in q.options]
            assert len(texts) == len(set(texts)), f"{stem}/{q.id}: two options read the same"


def test_only_the_welcome_chapter_has_questions_without_citations():
    for stem, bank in load_all().items():
        for q in bank.questions:
            if not q.cite:
                assert stem == "01-welcome" and q.about == "using-the-course", (stem, q.id)


def test_welcome_red_flag_questions_cite_the_red_flag_source():
    qs = [q for q in load_bank("01-welcome").questions if q.id.startswith("redflag")]
    assert qs and all("bmjbp_ces" in q.cite for q in qs)


def test_course_uses_at_least_five_question_types_and_review_covers_chapters():
    types = Counter(q.type for b in load_all().values() for q in b.questions)
    assert len(types) >= 5, types
    review = load_bank("09-review")
    assert len({q.type for q in review.questions}) >= 4
    chapters = {int(n) for q in review.questions
                for n in re.findall(r"Chapters? ([\d, and]+)", q.prompt)[0].replace("and", ",").split(",") if n.strip()}
    assert chapters >= {1, 2, 3, 4, 5, 6, 8}, chapters


def test_banks_do_not_repeat_the_source_articles_wrong_numbers_as_answers():
    """Myths from the seed article may appear only as wrong options, never in a right answer or explanation."""
    myths = [r"\b40% of people\b", r"60.?70%", r"30 minutes", r"five days a week", r"baroreceptor"]
    for stem, bank in load_all().items():
        for q in bank.questions:
            right = " ".join(q.correct_text())
            for m in myths:
                assert not re.search(m, right, re.I), (stem, q.id, m)


def test_bank_version_is_sha256_prefix(tmp_path):
    import hashlib

    p = QUESTIONS_DIR / "03-anatomy.yaml"
    assert bank_version(p) == hashlib.sha256(p.read_bytes()).hexdigest()[:12]
    assert load_bank("03-anatomy").version == bank_version(p)


# ------------------------------------------------------------------------------------------
# Malformed banks: the exact message


def q(**over):
    base = {
        "id": "roots-01",
        "type": "single",
        "prompt": "Which roots form the sciatic nerve?",
        "objective": "Trace the nerve.",
        "cite": ["poutoglidou2020"],
        "options": [{"id": "L4-S3".lower(), "text": "L4 to S3"}, {"id": "l1-l3", "text": "L1 to L3"}],
        "answer": "l4-s3",
        "explanation": "Five roots form it.",
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def write(tmp_path: Path, questions, name="03-anatomy.yaml", raw=None) -> Path:
    p = tmp_path / name
    p.write_text(raw if raw is not None else yaml.safe_dump({"questions": questions}, sort_keys=False),
                 encoding="utf-8")
    return p


def message(path: Path) -> str:
    with pytest.raises(CourseDataError) as exc:
        load_bank(path)
    return str(exc.value)


def test_a_good_bank_in_tmp_loads(tmp_path):
    assert load_bank(write(tmp_path, [q()])).questions[0].id == "roots-01"


@pytest.mark.parametrize(
    "questions,expected",
    [
        ([q(answer="L6")], "03-anatomy.yaml: question roots-01: answer: 'L6' is not one of the options"),
        ([q(answer="l6")], "03-anatomy.yaml: question roots-01: answer: 'l6' is not one of the options"),
        ([q(), q()], "03-anatomy.yaml: question roots-01: id: 'roots-01' is used by another question"),
        ([q(cite=["nobody1999"])],
         "03-anatomy.yaml: question roots-01: cite: 'nobody1999' is not a key in book/references.bib"),
        ([q(cite=[])],
         "03-anatomy.yaml: question roots-01: cite: is required (a key of book/references.bib) for a question about "
         "facts or evidence"),
        ([q(explanation=None)], "03-anatomy.yaml: question roots-01: explanation: is required"),
        ([q(explanation="  ")], "03-anatomy.yaml: question roots-01: explanation: must not be empty"),
        ([q(objective=None)], "03-anatomy.yaml: question roots-01: objective: is required"),
        ([q(type="essay")],
         "03-anatomy.yaml: question roots-01: type: must be one of single, multiple, truefalse, numeric, matching, "
         "ordering, triage"),
        ([q(type=None)],
         "03-anatomy.yaml: question roots-01: type: must be one of single, multiple, truefalse, numeric, matching, "
         "ordering, triage"),
        ([q(colour="red")], "03-anatomy.yaml: question roots-01: colour: is not a known field"),
        ([q(options=[{"id": "a", "text": "A"}], answer="a")],
         "03-anatomy.yaml: question roots-01: options: needs at least two options"),
        ([q(options=[{"id": "a", "text": "A"}, {"id": "a", "text": "B"}], answer="a")],
         "03-anatomy.yaml: question roots-01: options: option id 'a' is used twice"),
        ([q(options=[{"id": "a"}, {"id": "b", "text": "B"}], answer="a")],
         "03-anatomy.yaml: question roots-01: options.0.text: is required"),
        ([q(id="Roots 01")],
         "03-anatomy.yaml: question Roots 01: id: 'Roots 01' must be lower-case letters, digits and hyphens"),
        ([q(type="multiple", answer=["l4-s3", "l9"])],
         "03-anatomy.yaml: question roots-01: answer: 'l9' is not one of the options"),
        ([q(type="multiple", answer=[])],
         "03-anatomy.yaml: question roots-01: answer: needs at least one correct option"),
        ([q(type="truefalse", options=None, answer="yes")],
         "03-anatomy.yaml: question roots-01: answer: 'yes' is not true or false"),
        ([q(type="numeric", options=None, answer="ten", unit="%")],
         "03-anatomy.yaml: question roots-01: answer: 'ten' is not a finite number"),
        ([q(type="numeric", options=None, answer=10, tolerance=-1)],
         "03-anatomy.yaml: question roots-01: tolerance: -1.0 must not be negative"),
        ([q(type="matching", options=None, answer=None, pairs=[{"left": "L4", "right": "knee"}])],
         "03-anatomy.yaml: question roots-01: pairs: needs at least two pairs"),
        (
            [q(type="matching", options=None, answer=None,
               pairs=[{"left": "L4", "right": "knee"}, {"left": "S1", "right": "ankle"}], distractors=["knee"])],
            "03-anatomy.yaml: question roots-01: distractors: 'knee' is also a right answer",
        ),
        (
            [q(type="ordering", options=None, answer=None,
               items=[{"id": "a", "text": "A"}, {"id": "a", "text": "B"}, {"id": "c", "text": "C"}])],
            "03-anatomy.yaml: question roots-01: items: an item id is used twice",
        ),
        ([q(type="ordering", options=None, answer=None, items=[{"id": "a", "text": "A"}, {"id": "b", "text": "B"}])],
         "03-anatomy.yaml: question roots-01: items: needs at least three items"),
        (["just text"], "03-anatomy.yaml: question 1: must be a mapping"),
        ([], "03-anatomy.yaml: questions: must be a non-empty list"),
    ],
)
def test_bad_bank_message(tmp_path, questions, expected):
    assert message(write(tmp_path, questions)) == expected


def test_bad_yaml_and_bad_top_level(tmp_path):
    assert message(write(tmp_path, None, raw="questions: [\n")).startswith("03-anatomy.yaml: line ")
    assert (message(write(tmp_path, None, raw="- a\n- b\n"))
            == "03-anatomy.yaml: must be a mapping with a 'questions' list")
    assert (message(write(tmp_path, None, raw="questions: []\nextra: 1\n"))
            == "03-anatomy.yaml: extra: is not a known field")
    assert (message(tmp_path / "99-nothing.yaml")
            == "99-nothing.yaml: no such question bank (expected in sciatica_course/data/questions/)")


def test_the_message_is_one_line_without_traceback_noise(tmp_path):
    msg = message(write(tmp_path, [q(answer="L6")]))
    assert "\n" not in msg and "pydantic" not in msg and "Traceback" not in msg


def test_load_all_fails_on_the_first_bad_bank(tmp_path):
    write(tmp_path, [q()], name="01-a.yaml")
    write(tmp_path, [q(answer="zz")], name="02-b.yaml")
    with pytest.raises(CourseDataError,
                       match=r"^02-b.yaml: question roots-01: answer: 'zz' is not one of the options$"):
        load_all(tmp_path)


def test_a_bad_bank_fails_the_book_build_validator(tmp_path, monkeypatch):
    """The sphinx extension turns a bad bank into a one-line ExtensionError (the build stops)."""
    from sphinx.errors import ExtensionError

    from sciatica_course import sphinx_ext
    from sciatica_course.quiz import schema

    assert "sciatica_course.quiz.schema:load_all" in sphinx_ext.VALIDATORS
    write(tmp_path, [q(answer="L6")])
    monkeypatch.setattr(schema, "QUESTIONS_DIR", tmp_path)
    monkeypatch.setattr(sphinx_ext, "VALIDATORS", ["sciatica_course.quiz.schema:load_all"])
    with pytest.raises(ExtensionError,
                       match=r"course data: 03-anatomy.yaml: question roots-01: answer: "
                             r"'L6' is not one of the options"):
        sphinx_ext.validate_course_data(None)


def test_right_answers_are_not_always_in_the_same_place():
    """Options are shown in a fixed shuffle, so 'pick the first one' does not pay."""
    from collections import Counter

    positions = Counter()
    for bank in load_all().values():
        for q in bank.questions:
            if q.type == "single":
                positions[[o.id for o in q.options].index(q.answer)] += 1
    total = sum(positions.values())
    assert len(positions) >= 3, positions
    assert max(positions.values()) <= 0.5 * total, positions


def test_shown_order_is_stable_and_can_be_kept(tmp_path):
    from sciatica_course.quiz.schema import load_bank

    first = [o.id for q in load_bank("06-evidence").questions if q.type == "single" for o in q.options]
    again = [o.id for q in load_bank("06-evidence").questions if q.type == "single" for o in q.options]
    assert first == again
    bank = tmp_path / "99-scale.yaml"
    bank.write_text(
        "questions:\n"
        "  - id: scale-01\n    type: single\n    keep_order: true\n    about: using-the-course\n"
        "    prompt: How sure?\n    objective: o\n    explanation: e\n    answer: low\n"
        "    options:\n"
        "      - {id: verylow, text: Very low}\n      - {id: low, text: Low}\n"
        "      - {id: moderate, text: Moderate}\n      - {id: high, text: High}\n"
    )
    q = load_bank(bank).questions[0]
    assert [o.id for o in q.options] == ["verylow", "low", "moderate", "high"]

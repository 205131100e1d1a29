"""Safety facts live once, in data/safety, and every page renders them from there.

These tests fail if a known safety error comes back: an under-triaged flag, a hand-typed red-flag
box, a hot-water bottle tip, the floor twist, urgency words that disagree with the data, or safety
data without a source.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from sciatica_course import safety
from sciatica_course.classroom import guide, handouts, sources
from sciatica_course.course import CHAPTERS
from sciatica_course.errors import CourseDataError
from sciatica_course.quiz import schema

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"

# The urgency of every red flag, pinned: changing one in the data must be a deliberate act that
# also changes this table (like tests/expected_values.csv for the study numbers).
EXPECTED_URGENCY = {
    "ces-bladder-bowel": "emergency",
    "ces-saddle": "emergency",
    "ces-sexual": "emergency",
    "both-legs-weakness": "emergency",
    "both-legs-sciatica": "emergency",
    "major-trauma": "emergency",
    "weakness-worsening": "same-day",
    "fever-unwell": "same-day",
    "cancer-history": "same-day",
    "weight-loss": "same-day",
    "fragile-bone": "same-day",
    "night-pain": "see-clinician",
}
# Chapters that show the red-flag box (or, for massage students, the screening table built from it).
SAFETY_CHAPTERS = {
    "01-welcome": ["red_flags"],
    "04-causes": ["red_flags"],
    "07-types-of-massage": ["precautions", "red_flags"],
    "08-self-care": ["red_flags", "heat_advice", "stop_signs"],
    "10-for-massage-students": ["urgency_table", "screening_questions", "precautions"],
}


def _norm(text: str) -> str:
    text = html.unescape(text).replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


def _markdown(stem: str) -> list[str]:
    nb = nbformat.read(NB_DIR / f"{stem}.ipynb", as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _code(stem: str) -> str:
    nb = nbformat.read(NB_DIR / f"{stem}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


# --------------------------------------------------------------------------------------------
# The data


def test_every_flag_has_its_pinned_urgency_and_a_source():
    s = safety.load()
    assert {f.id: f.urgency for f in s.flags} == EXPECTED_URGENCY
    for f in s.flags:
        assert f.sources, f.id
        assert f.basis, f.id


def test_urgency_levels_are_the_closed_set_most_urgent_first():
    s = safety.load()
    assert tuple(s.urgency) == ("emergency", "same-day", "see-clinician", "self-care")
    labels = [u.label for u in s.urgency.values()]
    assert len(set(labels)) == 4
    assert "999" in s.urgency["emergency"].action and "today" in s.urgency["same-day"].action


def test_red_flags_cover_more_than_cauda_equina():
    kinds = {f.may_mean for f in safety.load().flags}
    for needed in ("cauda equina syndrome", "an infection in the spine", "cancer that has spread to the spine",
                   "a broken bone in the spine", "a nerve root that is badly squeezed"):
        assert needed in kinds, needed


def test_precautions_say_what_evidence_stands_behind_them():
    s = safety.load()
    ids = {p.id for p in s.precautions}
    for needed in ("clot", "blood-thinners", "skin", "fragile-bone", "cancer", "pregnancy", "fever-infection",
                   "numb-skin", "recent-surgery", "red-flags"):
        assert needed in ids, needed
    thinners = next(p for p in s.precautions if p.id == "blood-thinners")
    assert "No trial" in thinners.note and "caution, not evidence" in thinners.note
    for p in s.precautions:
        assert p.evidence in safety.EVIDENCE
        assert p.sources or p.evidence == "no-data", p.id


def _write(tmp_path: Path, red: dict | None = None, pre: dict | None = None) -> tuple[Path, Path]:
    red_data = yaml.safe_load(safety.RED_FLAGS_FILE.read_text())
    pre_data = yaml.safe_load(safety.PRECAUTIONS_FILE.read_text())
    if red:
        red_data = red(red_data) if callable(red) else red
    if pre:
        pre_data = pre(pre_data) if callable(pre) else pre
    rp, pp = tmp_path / "red_flags.yaml", tmp_path / "precautions.yaml"
    rp.write_text(yaml.safe_dump(red_data, sort_keys=False))
    pp.write_text(yaml.safe_dump(pre_data, sort_keys=False))
    return rp, pp


def _set(path: list, value):
    def change(d):
        target = d
        for k in path[:-1]:
            target = target[k]
        if value is None:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return d
    return change


@pytest.mark.parametrize(
    "red, pre, expected",
    [
        (_set(["flags", 0, "urgency"], "urgent-ish"), None,
         "red_flags.yaml: flag ces-bladder-bowel: urgency: 'urgent-ish' is not an urgency level "
         "(one of: emergency, same-day, see-clinician, self-care)"),
        (_set(["flags", 6, "sources"], []), None,
         "red_flags.yaml: flag weakness-worsening: sources: needs at least one source (a key of book/references.bib)"),
        (_set(["flags", 6, "sources"], ["nobody2099"]), None,
         "red_flags.yaml: flag weakness-worsening: sources: 'nobody2099' is not a key in book/references.bib"),
        (_set(["urgency", "same-day"], None), None, "red_flags.yaml: urgency: is missing the level(s) same-day"),
        (_set(["flags", 1, "ask"], None), None, "red_flags.yaml: flag ces-saddle: ask: is required"),
        (None, _set(["precautions", 9, "note"], None),
         "precautions.yaml: precaution recent-surgery: note: must say that no evidence was found"),
        (None, _set(["precautions", 1, "evidence"], "vibes"),
         "precautions.yaml: precaution clot: evidence: 'vibes' is not an evidence kind "
         "(one of: case-reports, expert-consensus, guidance, no-data)"),
        (None, _set(["stop_signs", 2, "flag"], "no-such-flag"),
         "precautions.yaml: stop sign weakness: flag: 'no-such-flag' is not a red flag id"),
    ],
)
def test_bad_safety_data_gives_a_named_message(tmp_path, red, pre, expected):
    rp, pp = _write(tmp_path, red, pre)
    with pytest.raises(CourseDataError) as err:
        safety.load(rp, pp)
    assert str(err.value) == expected


def test_bad_safety_data_fails_the_book_build_check(tmp_path, monkeypatch):
    from sphinx.errors import ExtensionError

    from sciatica_course import sphinx_ext

    rp, pp = _write(tmp_path, _set(["flags", 0, "urgency"], "later"))
    monkeypatch.setattr(safety, "RED_FLAGS_FILE", rp)
    monkeypatch.setattr(safety, "PRECAUTIONS_FILE", pp)
    monkeypatch.setattr(safety.load, "__defaults__", (rp, pp))
    with pytest.raises(ExtensionError, match="course data: red_flags.yaml: flag ces-bladder-bowel: urgency"):
        sphinx_ext.validate_course_data(None)


# --------------------------------------------------------------------------------------------
# Rendering: one box, three forms, the same words


def test_red_flag_box_lists_every_flag_under_its_level_in_every_form():
    s = safety.load()
    box = safety.red_flags()
    bundle = box._repr_mimebundle_()
    assert set(bundle) == {"text/markdown", "text/html", "text/plain"}
    assert box.md.startswith(":::{admonition}") and ":class: danger" in box.md
    for form in (box.md, _norm(box.html), box.text):
        # each level's label comes before its flags, and the levels come in order
        positions = [form.index(s.urgency[u].label) for u in ("emergency", "same-day", "see-clinician")]
        assert positions == sorted(positions)
        for f in s.flags:
            at = form.index(safety._cap(_norm(f.sign)) if form is not box.md else safety._cap(f.sign))
            level = max(u for u in positions if u < at)
            assert ("emergency", "same-day", "see-clinician")[positions.index(level)] == f.urgency, f.id
    for f in s.flags:
        assert f"{{cite}}`{','.join(f.sources)}`" in box.md


def test_stop_signs_take_their_level_from_the_flag_they_name():
    s = safety.load()
    text = safety.stop_signs().text
    line = next(ln for ln in text.splitlines() if "weakness in a leg or foot" in ln)
    assert s.urgency[s.flag("weakness-worsening").urgency].label in line


def test_heat_advice_says_no_hot_water_bottle():
    advice = safety.heat_advice().text
    assert "Do not use a hot-water bottle" in advice and "numb" in advice


def test_placeholders_fill_in_the_data_words_and_reject_unknown_ids():
    s = safety.load()
    assert safety.expand("{urgency:same-day}") == s.urgency["same-day"].label
    assert safety.expand("{flag-urgency:ces-saddle}") == s.urgency["emergency"].label
    with pytest.raises(CourseDataError,
                       match=r"x.yaml: question q1: prompt: \{urgency:later\}: 'later' is not an urgency level"):
        safety.expand("{urgency:later}", ("x.yaml", "question q1", "prompt"))


# --------------------------------------------------------------------------------------------
# Triage questions are answered from the data


def test_triage_question_answers_follow_the_flags():
    s = safety.load()
    bank = schema.load_bank("10-for-massage-students")
    raw = yaml.safe_load((ROOT / "sciatica_course/data/questions/10-for-massage-students.yaml").read_text())
    triage = [q for q in raw["questions"] if q["type"] == "triage"]
    assert len(triage) >= 5
    levels = set()
    for q in triage:
        got = bank.question(q["id"])
        urg = [s.flag(f).urgency for f in q.get("flags") or []]
        urg += [next(p for p in s.precautions if p.id == pid).urgency or "self-care"
                for pid in q.get("precautions") or []]
        expected = min(urg, key=safety.URGENCY_IDS.index) if urg else q.get("otherwise", "self-care")
        assert got.answer == expected, q["id"]
        assert [o.id for o in got.options] == list(safety.URGENCY_IDS)  # a scale: never shuffled
        assert got.explanation.startswith(s.urgency[expected].label)
        levels.add(expected)
    assert levels == set(safety.URGENCY_IDS), "the triage exercise should use every level"


def test_changing_a_flag_level_changes_the_quiz_answer(tmp_path, monkeypatch):
    rp, pp = _write(tmp_path, _set(["flags", 11, "urgency"], "same-day"))  # night-pain
    monkeypatch.setattr(safety.load, "__defaults__", (rp, pp))
    q = safety.triage_question({"id": "t", "type": "triage", "prompt": "p", "objective": "o",
                                "flags": ["night-pain"]}, "x.yaml")
    assert q["answer"] == "same-day"


def test_triage_with_an_unknown_flag_names_file_question_and_field():
    with pytest.raises(CourseDataError, match="x.yaml: question t: flags: 'nope' is not a red flag id"):
        safety.triage_question({"id": "t", "type": "triage", "prompt": "p", "objective": "o", "flags": ["nope"]},
                               "x.yaml")


def test_chapter_8_quiz_asks_when_to_stop_and_new_weakness_is_same_day():
    bank = schema.load_bank("08-self-care")
    q = bank.question("stop-02")
    assert q.answer == "same-day"
    assert bank.question("stop-03").answer == "self-care"


# --------------------------------------------------------------------------------------------
# Every page renders safety from the data


@pytest.mark.parametrize("stem", sorted(SAFETY_CHAPTERS))
def test_safety_chapters_call_the_safety_renderers(stem):
    code = _code(stem)
    for func in SAFETY_CHAPTERS[stem]:
        assert f"safety.{func}()" in code, f"{stem} does not call safety.{func}()"


@pytest.mark.parametrize("stem", [c.stem for c in CHAPTERS])
def test_no_chapter_types_its_own_red_flag_or_precaution_box(stem):
    for src in _markdown(stem):
        assert ":class: danger" not in src, f"{stem}: a hand-typed danger box (render it with safety.red_flags())"
        assert not re.search(r"\{admonition\}\s*Red flags", src), f"{stem}: a hand-typed red-flag box"


def test_known_safety_errors_stay_out_of_every_page():
    texts = {p.name: p.read_text(encoding="utf-8") for p in NB_DIR.glob("*.ipynb")}
    texts.update({p.name: p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.md")})
    texts.update({p.name: p.read_text(encoding="utf-8") for p in (ROOT / "sciatica_course/data").rglob("*.yaml")
                  if "safety" not in p.parts})
    forbidden = [
        "emergency care the same day",  # chapter 7 once mixed two levels
        "get help today",  # teacher notes once used a third word for the emergency
        "you notice new weakness in a leg or foot",  # once under "see a doctor soon"
        "hot-water bottle that feels warm",  # chapter 8 once suggested one
        "Sit on the floor with both legs straight",  # the floor twist
        "hook your left elbow",
    ]
    for name, text in texts.items():
        low = _norm(text).lower()
        for phrase in forbidden:
            assert phrase.lower() not in low, f"{name}: {phrase!r}"


def test_hot_water_bottles_are_only_ever_advised_against():
    for p in list(NB_DIR.glob("*.ipynb")) + list((ROOT / "sciatica_course/data").rglob("*.yaml")):
        for sentence in re.split(r"(?<=[.!?])\s", _norm(p.read_text(encoding="utf-8"))):
            if re.search(r"hot[- ]water bottle", sentence, re.I):
                assert re.search(r"\b(not|against|warns)\b", sentence, re.I), f"{p.name}: {sentence}"


# Prose that names a red flag and an urgency must use that flag's level (a sentence-level check).
_FLAG_WORDS = {
    "ces-bladder-bowel": r"bladder|bowel|pass urine",
    "ces-saddle": r"saddle|genitals",
    "both-legs-weakness": r"weakness in both legs",
    "fever-unwell": r"\bfever",
    "weakness-worsening": (r"foot (?:that )?(?:is getting weaker|drops)|new or worsening weakness"
                           r"|new weakness in (?:a|one) leg"),
    "night-pain": r"pain at night",
}
_LEVEL_WORDS = {
    "emergency": r"emergency care|\bA&E\b|\b999\b|emergency department",
    "same-day": r"same day|doctor today",
    "see-clinician": r"\bsoon\b|within (?:the next )?(?:a )?few days",
}


def test_prose_states_each_flag_at_its_own_level():
    s = safety.load()
    problems = []
    for c in CHAPTERS:
        for src in _markdown(c.stem):
            for sentence in re.split(r"(?<=[.!?;:])\s", _norm(src)):
                named = [fid for fid, rx in _FLAG_WORDS.items() if re.search(rx, sentence, re.I)]
                levels = [lvl for lvl, rx in _LEVEL_WORDS.items() if re.search(rx, sentence, re.I)]
                if len(named) >= 1 and len(levels) == 1:
                    wrong = [f for f in named if s.flag(f).urgency != levels[0]]
                    if wrong:
                        problems.append(f"{c.stem}: {wrong} at {levels[0]!r}: {sentence}")
    assert not problems, "\n".join(problems)


def test_handouts_and_teacher_guide_carry_the_same_box():
    box = safety.red_flags()
    for c in CHAPTERS:
        page = guide.chapter_page(c, 1)
        assert box.md in page, c.stem
    h = handouts.student_html("08-self-care", with_figures=False)
    assert box.html in h


def test_teacher_notes_urgency_words_come_from_the_data():
    s = safety.load()
    notes = sources.teacher_notes("04-causes")
    text = " ".join(p.do for p in notes.plan)
    assert s.urgency["emergency"].label in text and s.urgency["same-day"].label in text
    raw = (ROOT / "sciatica_course/data/teacher/04-causes.yaml").read_text()
    assert "{urgency:emergency}" in raw  # typed as a placeholder, not as words


def test_book_pages_show_the_rendered_boxes(built_book):
    """In the built book each safety chapter shows the box as a real admonition with real citations."""
    assert built_book["returncode"] == 0, built_book["log"][-3000:]
    s = safety.load()
    pages = {c: built_book["html"] / "notebooks" / f"{c}.html" for c in SAFETY_CHAPTERS}
    pages["index"] = built_book["html"] / "book" / "index.html"
    for name, page in pages.items():
        text = _norm(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        raw = page.read_text(encoding="utf-8")
        if name in ("01-welcome", "04-causes", "07-types-of-massage", "08-self-care", "index"):
            assert 'class="danger admonition"' in raw, name
            for f in s.flags:
                assert _norm(safety._cap(f.sign)) in text, (name, f.id)
            for u in ("emergency", "same-day", "see-clinician"):
                assert _norm(s.urgency[u].label) in text, (name, u)
            assert "{cite}" not in raw, f"{name}: a citation role was not parsed"
            assert 'class="bibtex-citation"' in raw, name
        if name == "10-for-massage-students":
            for f in s.flags:
                assert _norm(f.ask) in text, (name, f.id)


def test_a_bank_that_uses_safety_data_changes_version_with_it(tmp_path, monkeypatch):
    bank = tmp_path / "10-x.yaml"
    bank.write_text("questions:\n  - id: t\n    type: triage\n    prompt: p\n    objective: o\n"
                    "    flags: [night-pain]\n")
    plain = tmp_path / "11-y.yaml"
    plain.write_text("questions: []\n")
    before, before_plain = schema.bank_version(bank), schema.bank_version(plain)
    rp, pp = _write(tmp_path, _set(["flags", 11, "urgency"], "same-day"))
    monkeypatch.setattr(safety, "RED_FLAGS_FILE", rp)
    monkeypatch.setattr(safety, "PRECAUTIONS_FILE", pp)
    assert schema.bank_version(bank) != before
    assert schema.bank_version(plain) == before_plain

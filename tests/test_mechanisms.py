"""Chapter 5 (how massage might help): the mechanisms are taught from the primary studies, with who
was studied and how sure we can be beside each effect; the quiz appraises rather than recalls.

These read the notebook, its question bank and its teacher notes as files (no kernel, no build).
"""

from __future__ import annotations

import re

import pytest

from sciatica_course.classroom import sources
from sciatica_course.quiz.schema import load_bank
from test_content import cite_keys, fenced_blocks, markdown_of, normalise, sections

STEM = "05-how-massage-might-help"
OBSERVABLE = ("explain", "compare", "decide", "judge")


@pytest.fixture(scope="module")
def md() -> str:
    return markdown_of(STEM)


def test_objectives_use_observable_verbs_and_every_question_serves_one():
    objectives = sources.objectives(STEM)
    assert 2 <= len(objectives) <= 4
    for o in objectives:
        assert o.split()[0].lower() in OBSERVABLE, o
    bank = load_bank(STEM)
    assert 6 <= len(bank.questions) <= 8
    for q in bank.questions:
        assert q.objective in objectives, f"{q.id}: objective is not a chapter objective word for word"
    assert {q.objective for q in bank.questions} == set(objectives), "every objective has a question"


def test_quiz_appraises_rather_than_asks_for_numbers():
    bank = load_bank(STEM)
    assert not [q.id for q in bank.questions if q.type == "numeric"]
    prompts = " ".join(q.prompt.lower() for q in bank.questions)
    for task in ("what does this result show", "who were studied", "what is missing", "goes further than"):
        assert task in prompts, task


def test_each_mechanism_section_cites_its_primary_studies(md):
    body = sections(md)
    wanted = {
        "Muscle relaxation: reflexes and stiffness": {"morelli1990", "morelli1991", "sullivan1991", "goldberg1992",
                                                      "goldberg1994", "erikssoncrommert2015", "thomson2015",
                                                      "kong2018", "roberts_ijtmb"},
        "Trigger points": {"lucas2009", "rathbone2017", "myburgh2008", "shah2008"},
        "Blood flow": {"shoemaker1997", "tiidus1995", "hinds2004", "wiltshire2010", "franklin2014", "sefton2010",
                       "crane2012"},
        "Endorphins": {"kaada1989", "day1987"},
        "Cortisol and stress": {"field2005", "moyer2004"},
    }
    for heading, keys in wanted.items():
        assert heading in body, heading
        missing = keys - set(cite_keys(body[heading]))
        assert not missing, f"{heading}: does not cite {sorted(missing)}"


def test_every_section_says_who_was_studied_and_how_sure(md):
    body = sections(md)
    for heading in ("Muscle relaxation: reflexes and stiffness", "Trigger points", "Blood flow", "Endorphins",
                    "Cortisol and stress"):
        text = normalise(body[heading])
        assert "how sure can we be?" in text, heading
        assert "sciatica" in text, f"{heading}: never says whether people with sciatica were studied"
    assert "healthy volunteers" in normalise(body["Why ask *how* massage works?"])


def test_summary_table_has_who_was_studied_beside_how_sure_and_no_empty_rows(md):
    table = [ln for ln in sections(md)["Putting it together: which ideas hold up?"].splitlines() if ln.startswith("|")]
    header = [c.strip() for c in table[0].strip("|").split("|")]
    assert header[-2:] == ["Who was studied", "How sure?"]
    rows = table[2:]
    assert len(rows) >= 6
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == len(header) and all(cells), row
    assert "no verified evidence found" not in normalise(md)


def test_field_2005_is_described_as_averaged_before_after_changes(md):
    text = normalise(md)
    assert "averaged before-and-after changes" in text
    # Field 2005's review gives averaged changes; it does not say its studies lacked control groups.
    assert "without control groups" not in text and "no control groups" not in text


def test_moyer_2004_is_reported_whole(md):
    """Single sessions (no fall in cortisol or immediate pain) and a course of sessions (later pain,
    and the largest effects on trait anxiety and depression), as the abstract reports them."""
    cortisol = normalise(sections(md)["Cortisol and stress"])
    for part in ("37 studies", "nine outcomes", "state anxiety", "blood pressure", "heart rate", "negative mood",
                 "pain measured straight afterwards", "cortisol", "course of several sessions",
                 "pain measured some time after treatment", "trait anxiety", "depression"):
        assert part in cortisol, part


def test_lactic_acid_myth_box_corrects_with_numbers(md):
    boxes = [body for title, body, _ in fenced_blocks(md) if re.match(r"^\{admonition\}\s+Myth\b", title)
             and "lactic acid" in title.lower()]
    assert len(boxes) == 1
    box = boxes[0]
    for number in ("3178", "4203", "14.7", "20.5"):
        assert number in box, number
    assert {"wiltshire2010", "hinds2004"} <= set(cite_keys(box))
    assert "healthy volunteers" in box


def test_partly_verified_items_are_worded_as_such(md):
    text = normalise(md)
    # Roberts (IJTMB): figures verified, citation details not.
    assert "could not confirm where and when this study was published" in text
    # Moyer 2011: read only on a third-party page.
    assert "third-party website" in text
    # Lucas 2009: the lower bounds for the taut band and twitch are not stated as numbers.
    assert "-0.08" not in text and "-0.05" not in text and "\u22120.08" not in md


def test_new_figures_are_in_the_chapter():
    assert sources.figure_calls(STEM) == ["h_reflex", "blood_flow", "endorphins", "cortisol_and_neurotransmitters"]


def test_teacher_notes_follow_the_rewrite():
    notes = sources.teacher_notes(STEM)
    assert notes.activity_figure in sources.figure_calls(STEM)
    text = " ".join(m.correction for m in notes.misconceptions)
    assert "no control group" not in text.replace("with no control group {cite:p}`kaada1989`", "")
    assert any("lactic acid" in m.myth for m in notes.misconceptions)

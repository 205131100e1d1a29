"""What the course says about the guidelines on massage for sciatica (a safety issue).

An earlier version of chapter 06 said that "the one guideline that speaks directly to sciatica
advises against massage". That was wrong: NICE NG59 covers low back pain *with or without
sciatica*, and (as its recommendation 1.2.7 is quoted in several summaries) says to *consider*
manual therapy, massage included, only as part of a treatment package that includes exercise. Only
the Dutch KNGF guideline advises against massage in radicular syndrome. These tests keep the
misstatement out of every notebook (and the question banks, teacher notes and book pages), and
check that chapter 06 states NICE's condition with a citation of the guideline itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
OTHER_TEXT = sorted((ROOT / "sciatica_course" / "data" / "questions").glob("*.yaml")) + sorted(
    (ROOT / "sciatica_course" / "data" / "teacher").glob("*.yaml")) + sorted((ROOT / "book").glob("*.md"))

FORBIDDEN_PHRASES = [
    "speaks directly to sciatica advises against",
    "the one guideline that speaks directly to sciatica",
    "the only guideline that speaks directly to sciatica",
    "the one guideline that covers sciatica",
    "the only guideline that covers sciatica",
]
# A sentence that names NICE (or NG59) must not say that it advises against massage.
NICE = re.compile(r"\bNICE\b|\bNG59\b")
AGAINST = re.compile(
    r"advises? against|recommends? against|advised against|recommended against|does not recommend|"
    r"do(?:es)? not (?:use|offer)|not to (?:use|offer)|rules? out massage|against massage|"
    r"(?:discourages?|forbids?|bans?) massage",
    re.IGNORECASE,
)
MASSAGE = re.compile(r"massage|manual therapy|hands-on|soft[- ]tissue", re.IGNORECASE)
CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]*)`")


def plain(text: str) -> str:
    """Text with citation roles removed, markup softened and whitespace (line breaks) collapsed."""
    text = CITE.sub("", text)
    text = re.sub(r"\{\w+\}`([^`<]*)(?:<[^>]*>)?`", r"\1", text)  # {term}`x <y>` -> x
    text = text.replace("*", "").replace("_", " ")
    return re.sub(r"\s+", " ", text)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(*])", plain(text)) if s.strip()]


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def notebook_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type in ("markdown", "code"))


def yaml_strings(doc) -> list[str]:
    """Every string in a YAML document (a question bank or teacher notes), each read on its own."""
    if isinstance(doc, str):
        return [doc]
    if isinstance(doc, dict):
        return [s for v in doc.values() for s in yaml_strings(v)]
    if isinstance(doc, list):
        return [s for v in doc for s in yaml_strings(v)]
    return []


def page_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        return notebook_text(path)
    if path.suffix == ".yaml":
        return "\n\n".join(yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return path.read_text(encoding="utf-8")


# Clauses joined in one sentence ("NICE allows it with exercise, and KNGF advises against it") are
# read one by one, so a correct contrast is not mistaken for NICE advising against massage.
CLAUSE_BREAK = re.compile(r";|:|,\s+(?:and|but|while|whereas)\s+|\s+(?:while|whereas)\s+")


def says_nice_advises_against(text: str) -> list[str]:
    """Sentences with a clause that names NICE and says it advises against massage (or manual therapy)."""
    out = []
    for para in paragraphs(text):
        for s in sentences(para):
            for clause in CLAUSE_BREAK.split(s):
                if NICE.search(clause) and AGAINST.search(clause) and MASSAGE.search(clause):
                    out.append(s)
                    break
    return out


# ------------------------------------------------------------------------- the misstatement
@pytest.mark.parametrize("path", NOTEBOOKS + OTHER_TEXT, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_page_says_the_one_guideline_on_sciatica_advises_against_massage(path):
    text = page_text(path)
    flat = plain(text).lower()
    found = [p for p in FORBIDDEN_PHRASES if p in flat]
    assert not found, (f"{path.name}: {found}: NICE NG59 also covers sciatica (and says to consider "
                       "massage within an exercise package); only KNGF advises against massage in sciatica")
    bad = says_nice_advises_against(text)
    assert not bad, f"{path.name}: a sentence says NICE advises against massage: {bad}"


@pytest.mark.parametrize("sentence", [
    "The one guideline that speaks directly to sciatica advises against massage {cite}`kngf2021`.",
    "NICE advises against massage for sciatica {cite}`nice2016`.",
    "The NICE guideline (NG59) does not recommend\nmassage.",
    "NICE says not to use massage in people with sciatica.",
    "NICE, like the Dutch guideline, advises against massage in sciatica.",
    "Guidelines agree: NICE and KNGF both advise against massage.",
])
def test_the_checks_catch_the_misstatement(sentence):
    flat = plain(sentence).lower()
    assert any(p in flat for p in FORBIDDEN_PHRASES) or says_nice_advises_against(sentence)


@pytest.mark.parametrize("sentence", [
    "Of the four, only the Dutch KNGF guideline advises against massage in sciatica {cite}`kngf2021`.",
    "NICE says massage may be considered, but only within a package that includes exercise. "
    "The Dutch KNGF guideline advises against massage in sciatica.",
    "NICE advises against routine imaging for back pain or sciatica outside specialist care.",
    "Guidelines differ: NICE suggests considering massage only as part of a package that includes exercise "
    "{cite}`nice2016`, and the Dutch physiotherapy guideline advises against massage in sciatica {cite}`kngf2021`.",
    "NICE suggests massage only alongside exercise, and one national guideline advises against it.",
])
def test_the_checks_let_correct_sentences_through(sentence):
    assert not says_nice_advises_against(sentence)
    assert not any(p in plain(sentence).lower() for p in FORBIDDEN_PHRASES)


# ------------------------------------------------------------------ what chapter 06 must state
@pytest.fixture(scope="module")
def chapter06() -> str:
    nb = nbformat.read(ROOT / "notebooks" / "06-evidence.ipynb", as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def nice_paragraphs(md: str) -> list[str]:
    return [p for p in paragraphs(md) if NICE.search(p)]


def test_chapter06_states_nices_condition_with_the_guideline_cited(chapter06):
    """NICE: consider (not 'recommend'), and only in a package that includes exercise, cited to NG59."""
    hits = []
    for para in nice_paragraphs(chapter06):
        keys = {k.strip() for group in CITE.findall(para) for k in group.split(",")}
        flat = plain(para).lower()
        if "nice2016" in keys and re.search(r"\bconsider", flat) and "package" in flat and "exercise" in flat:
            hits.append(para)
    assert hits, "chapter 06 must say NICE says to *consider* massage only in a package with exercise, citing nice2016"
    para = hits[0]
    flat = plain(para).lower()
    # The scope: the guideline covers sciatica too, said in a sentence citing the guideline.
    scope = [s for s in re.split(r"(?<=[.!?])\s+", para) if "nice2016" in s and "sciatica" in s.lower()]
    assert scope and any("with or without sciatica" in plain(s).lower() for s in scope), (
        "chapter 06 must say, citing nice2016, that NG59 covers low back pain with or without sciatica")
    # The recommendation's wording is PARTLY VERIFIED (read only in secondary summaries): say so.
    assert "summar" in flat and ("quote" in flat or "as several" in flat), (
        "chapter 06 must say the recommendation's wording is as quoted in summaries (PARTLY VERIFIED)")
    # 'Only alongside exercise' keeps the VERIFIED BMJ summary as its source.
    assert "bernstein2017" in para


def test_chapter06_credits_only_kngf_with_advising_against_massage_in_sciatica(chapter06):
    against = [s for s in re.split(r"(?<=[.!?])\s+", chapter06) if AGAINST.search(plain(s))
               and "sciatica" in s.lower() and "massage" in s.lower()]
    assert against, "chapter 06 should still report the KNGF advice against massage in sciatica"
    for s in against:
        assert "kngf2021" in s and "KNGF" in s, f"a sentence advising against massage in sciatica is not KNGF's: {s!r}"

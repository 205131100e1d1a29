"""Handouts: a student PDF and a teacher key PDF per chapter, generated from the course sources."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from sciatica_course.classroom import handouts, sources

ROOT = Path(__file__).resolve().parents[1]
# chapters with figures (03: the explorer's buttons; 06: figures from natural_course, a slider and
# hover details), and one without
STEMS = ["03-anatomy", "06-evidence", "04-causes"]


def _norm(text: str) -> str:
    text = text.replace("\u00ad", "").replace("ﬁ", "fi").replace("ﬂ", "fl").replace("ﬀ", "ff")
    return re.sub(r"\s+", "", text).lower()  # PDF text extraction breaks lines anywhere


def _plain(myst: str) -> str:
    return _norm(re.sub(r"<[^>]+>", "", handouts.plain(myst)).replace("&#x27;", "'").replace("&quot;", '"')
                 .replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    for stem in STEMS:
        if not (ROOT / "sciatica_course" / "data" / "questions" / f"{stem}.yaml").exists():
            pytest.skip(f"no question bank for {stem} yet")
    out = tmp_path_factory.mktemp("handouts")
    proc = subprocess.run([sys.executable, "-m", "sciatica_course", "handouts", "--out", str(out), *STEMS],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def _text(pdf: Path) -> str:
    return _norm(" ".join(page.extract_text() for page in PdfReader(pdf).pages))


@pytest.mark.slow  # built: the handout PDFs, rendered in a subprocess (so are the tests below that use it)
@pytest.mark.parametrize("stem", STEMS)
def test_student_handout_has_every_question_and_no_answers(built, stem):
    pdf = built / f"{stem}-student.pdf"
    text = _text(pdf)
    entries = sources.key_entries(stem)
    assert entries
    for e in entries:
        assert _plain(e.text)[:80] in text, f"{stem}: question {e.id} missing from the student handout"
        for _, label in e.options:
            assert _plain(label)[:40] in text, f"{stem}: option {label!r} of {e.id} missing"
        assert _plain(e.explanation)[:60] not in text, (
            f"{stem}: the explanation of {e.id} leaked into the student sheet")
    assert "correct)" not in text
    assert "name:" in text and "date:" in text  # space to write
    for nav in ["skiptomaincontent", "backtotop", "ctrl+k", "launchbinder", "downloadthispage"]:
        assert nav not in text


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_student_handout_has_the_chapter_figures_as_images_with_captions(built, stem):
    figures = sources.figure_calls(stem)
    reader = PdfReader(built / f"{stem}-student.pdf")
    html = (built / f"{stem}-student.html").read_text()
    assert html.count("<figure>") == len(figures)
    assert html.count('src="data:image/svg+xml;base64,') == len(figures)
    assert "<script" not in html and "<a " not in html  # no navigation, nothing to load
    import base64

    svgs = [base64.b64decode(m).decode() for m in re.findall(r'base64,([^"]+)', html)]
    assert all("<svg" in svg and "updatemenu-button" not in svg for svg in svgs)  # no dead buttons on paper
    text = _norm(" ".join(p.extract_text() for p in reader.pages))
    for name in figures:
        caption = sources.figure(name).caption
        assert _plain(caption)[:50] in text, f"{stem}: caption of {name} missing"
        title = sources.figure(name).fig.layout.title.text
        assert _norm(title)[:25] in text, f"{stem}: figure {name} not drawn (its title is not in the PDF)"


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_teacher_key_has_every_answer_and_explanation(built, stem):
    text = _text(built / f"{stem}-key.pdf")
    for e in sources.key_entries(stem):
        assert _plain(e.text)[:80] in text
        assert _plain(e.explanation)[:60] in text, f"{stem}: explanation of {e.id} missing from the key"
        for a in e.answer:
            assert _plain(a)[:40] in text
    n_single = sum(1 for e in sources.key_entries(stem) if e.kind == "single")
    assert text.count("(correct)") >= n_single


def test_citations_print_as_author_and_year():
    """As the book prints them (sciatica_course.bibliography): "et al.", a comma before the year."""
    assert handouts.plain("Most cases {cite:p}`koes2007`.") == "Most cases (Koes et al., 2007)."
    assert handouts.plain("{cite}`konstantinou2008,day1987`") == "(Konstantinou and Dunn, 2008; Day et al., 1987)"
    assert handouts.plain("a {term}`Sciatica` b") == "a Sciatica b"


_STRAY = re.compile(r"[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]|\\[0-9a-fA-F]{2,6}|3.a0|\b00a0\b")


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("kind", ["student", "key"])
def test_printed_text_has_no_replacement_characters_or_stray_escapes(built, stem, kind):
    text = " ".join(page.extract_text() for page in PdfReader(built / f"{stem}-{kind}.pdf").pages)
    bad = sorted({m.group(0) for m in _STRAY.finditer(text)})
    assert not bad, f"{stem}-{kind}.pdf prints {bad!r}"
    if kind == "key":  # the print stylesheet's dash before each option arrives as a dash
        assert text.count("\u2013") >= sum(len(e.options) for e in sources.key_entries(stem))


def test_print_stylesheet_keeps_its_css_escapes():
    assert r'content: "\2013\00a0"' in handouts.PRINT_CSS
    assert not re.search(r"[\x00-\x08]", handouts.PRINT_CSS)


@pytest.mark.slow
def test_interactive_figures_print_their_table_never_instructions_for_controls(built):
    html = (built / "03-anatomy-student.html").read_text()
    text = _text(built / "03-anatomy-student.pdf")
    for words in ["Pick L4, L5 or S1", "above to see", "Buttons show", "Choose a root"]:
        assert _norm(words) not in text, f"the printed explorer says {words!r}"
    explorer = sources.figure("anatomy_explorer")
    assert "The figure as a table" in html
    for row in explorer.rows:  # every root's reflex, skin area and muscles, in print
        for cell in row:
            assert _norm(str(cell))[:40] in text, f"{cell!r} missing from the printed table"
    ev = _text(built / "06-evidence-student.pdf")
    for words in ["The slider sets", "hover over a mark"]:
        assert _norm(words) not in ev
    for name in ["simulation", "guidelines"]:  # a slider; hover details: both print as tables
        fig = sources.figure(name)
        assert _norm(str(fig.rows[-1][0]))[:30] in ev and _norm(fig.columns[-1])[:30] in ev


def test_for_paper_drops_only_what_refers_to_controls():
    assert handouts.for_paper("Roots join. Pick L4, L5 or S1 above to see more.") == "Roots join."
    assert handouts.for_paper("A mark (hover over it for the wording). Next.") == "A mark. Next."
    assert handouts.for_paper("The slider sets the effect. Bars: change.") == "Bars: change."
    assert handouts.for_paper("Pain fell (hatched bars).") == "Pain fell (hatched bars)."

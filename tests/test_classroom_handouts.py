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
# one chapter with figures, one without
STEMS = ["05-how-massage-might-help", "04-causes"]


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
        assert _plain(e.explanation)[:60] not in text, f"{stem}: the explanation of {e.id} leaked into the student sheet"
    assert "correct)" not in text
    assert "name:" in text and "date:" in text  # space to write
    for nav in ["skiptomaincontent", "backtotop", "ctrl+k", "launchbinder", "downloadthispage"]:
        assert nav not in text


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
    assert handouts.plain("Most cases {cite:p}`koes2007`.") == "Most cases (Koes et al. 2007)."
    assert handouts.plain("{cite}`konstantinou2008,day1987`") == "(Konstantinou and Dunn 2008; Day et al. 1987)"
    assert handouts.plain("a {term}`Sciatica` b") == "a Sciatica b"

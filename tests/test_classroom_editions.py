"""Two editions from one source: the student edition holds no answer key or teacher material at all;
the teacher edition holds the guide and every key.

The quizzes carry an encoded payload so that they can give feedback after an answer: that is what
a quiz reveals after answering. Everything else a teacher sees (the guide pages, the keys with
their explanations in plain text, lesson plans, prompts, misconceptions) must be absent from every
file of the student build: HTML, JavaScript, the search index, the notebook and source downloads.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sciatica_course.classroom import guide, sources
from sciatica_course.course import CHAPTERS

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".html", ".js", ".json", ".txt", ".ipynb", ".md", ".css", ".xml", ".svg", ".map", ".py", ".yml",
                 ".yaml"}
_ROLE = re.compile(r"\{[a-z:]+\}`[^`]*`")


_SMART = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def _norm(text: str) -> str:
    """Whitespace collapsed, entities decoded, Sphinx's smart quotes made plain (both sides)."""
    return " ".join(html.unescape(text).replace("\\n", " ").translate(_SMART).split())


def _fragments(text: str, size: int = 45) -> list[str]:
    """Distinctive plain-text pieces of a MyST string (the parts between roles)."""
    return [p.strip() for p in _ROLE.split(_norm(text)) if len(p.strip()) >= size][:2] or \
        ([_norm(_ROLE.sub("", text)).strip()] if len(_ROLE.sub("", text).strip()) >= 25 else [])


def teacher_only_texts() -> dict[str, str]:
    """Texts that exist only in the teacher material, with where each comes from."""
    out: dict[str, str] = {guide.EDITION_MARK: "teacher page marker", "Generated from the question bank": "answer key"}
    for ch in CHAPTERS:
        notes = sources.teacher_notes(ch.stem)
        for i, s in enumerate(notes.plan, 1):
            for f in _fragments(s.do):
                out[f] = f"{ch.stem} plan step {i}"
        for i, p in enumerate(notes.prompts, 1):
            for f in _fragments(p):
                out[f] = f"{ch.stem} prompt {i}"
        for i, m in enumerate(notes.misconceptions, 1):
            for f in _fragments(m.correction):
                out[f] = f"{ch.stem} misconception {i}"
        for i, s in enumerate(notes.activity_steps, 1):
            for f in _fragments(s):
                out[f] = f"{ch.stem} activity step {i}"
        bank = ROOT / "sciatica_course" / "data" / "questions" / f"{ch.stem}.yaml"
        if bank.exists():
            for e in sources.key_entries(ch.stem):
                for f in _fragments(e.explanation, 40):
                    out[f] = f"{ch.stem} explanation of {e.id}"
    return out


def build_files(html_dir: Path):
    for path in html_dir.rglob("*"):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            yield path, _norm(path.read_text(encoding="utf-8", errors="ignore"))


def test_teacher_only_texts_are_distinctive():
    """The check below is only as good as its needles: there are many, and none is trivially short."""
    texts = teacher_only_texts()
    assert len(texts) > 100
    assert all(len(t) >= 18 for t in texts)


def test_student_edition_contains_no_key_and_no_teacher_material(built_book):
    assert built_book["returncode"] == 0, built_book["log"][-3000:]
    html_dir = built_book["html"]
    assert not [p for p in html_dir.rglob("*") if "teacher" in p.relative_to(html_dir).as_posix().lower()]
    texts = teacher_only_texts()
    leaks = []
    n_files = 0
    for path, text in build_files(html_dir):
        n_files += 1
        for needle, origin in texts.items():
            if needle in text:
                leaks.append(f"{path.relative_to(html_dir)}: {origin}: {needle[:60]!r}")
    assert n_files > 20
    assert not leaks, "\n".join(leaks[:20])


@pytest.mark.slow
def test_teacher_edition_has_the_guide_and_every_key(tmp_path):
    """``make teacher``'s two steps, into a temporary folder."""
    edition = tmp_path / "edition"
    py = sys.executable
    gen = subprocess.run([py, "-m", "sciatica_course", "teacher-guide", "--edition", str(edition)],
                         cwd=ROOT, capture_output=True, text=True)
    assert gen.returncode == 0, gen.stderr
    jb = Path(py).with_name("jupyter-book")
    out = tmp_path / "out"
    build = subprocess.run([str(jb), "build", str(ROOT), "--config", str(edition / "_config.yml"),
                            "--toc", str(edition / "_toc.yml"), "--path-output", str(out), "-W", "-n", "--keep-going"],
                           cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    log = build.stdout + build.stderr
    assert build.returncode == 0, log[-4000:]
    warnings = [ln for ln in log.splitlines() if re.search(r"\bWARNING:|\bERROR:", ln)]
    assert not warnings, "\n".join(warnings[:20])
    html_dir = out / "_build" / "html"
    index = _norm((html_dir / "book" / "teacher" / "index.html").read_text())
    assert "teacher edition" in index.lower()
    for ch in CHAPTERS:
        page = _norm((html_dir / "book" / "teacher" / "chapters" / f"{ch.stem}.html").read_text())
        notes = sources.teacher_notes(ch.stem)
        assert "Lesson plan" in page and "Answer key" in page and guide.EDITION_MARK in page
        assert _fragments(notes.prompts[0], 20)[0] in page
        for o in sources.objectives(ch.stem):
            assert _norm(_ROLE.sub("", o))[:30] in page
        bank = ROOT / "sciatica_course" / "data" / "questions" / f"{ch.stem}.yaml"
        if bank.exists():
            for e in sources.key_entries(ch.stem):
                for f in _fragments(e.explanation, 30):
                    assert f in page, f"{ch.stem}: explanation of {e.id} missing from the teacher page"
    # the same chapters are there too, so a teacher can browse the course in one place
    assert (html_dir / "notebooks" / "05-how-massage-might-help.html").is_file()

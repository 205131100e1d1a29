"""The book does not depend on who builds it: a builder's own JupyterLab answers never reach it.

One full build (slow), with HOME pointing at a home whose ``~/.sciatica-course/progress.json``
holds an answer to every question of every chapter, written by the course's own progress writer,
and a fresh execution cache. Then:

- no built page contains the learner's name, "Your saved answer:" or the explanations a saved
  answer shows (the quiz pages keep explanations out of the page text; see ``quiz/render.py``);
- the executed notebooks in the build's cache do not contain them either, so the build's kernels
  never read the file (``sphinx_ext.isolate_progress``), whatever MyST-NB does with the outputs;
- no page carries ipywidgets state (``sphinx_ext._drop_widget_state``).

The same progress file, read by the quiz widget in this process, does show all of these: so the
markers are what a leak would look like, and the test can fail.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEARNER = "Quokka Leakcheck-7319"
SAVED = "Your saved answer:"

pytestmark = pytest.mark.slow


def _an_answer(q):
    """An answer to ``q`` that the quiz counts (so a restored widget shows its feedback)."""
    if q.type in {"single", "multiple", "truefalse"}:
        return q.answer
    if q.type == "matching":
        return {p.left: p.right for p in q.pairs}
    if q.type == "ordering":
        return [i.id for i in q.items]
    if q.type == "numeric":
        return q.answer
    return getattr(q, "answer", None)


def _fragment(text: str) -> str | None:
    """A plain-ASCII run of the text, long enough to be unique, that reads the same in HTML, in
    JSON strings and in escaped HTML (no quotes, ampersands, angle brackets or non-ASCII)."""
    runs = re.findall(r"[A-Za-z0-9 ,.;:()-]{30,}", text)
    return max(runs, key=len).strip()[:60] if runs else None


def _course_text() -> str:
    """Everything the book can show besides the question banks, whitespace-normalised: notebook
    cells, the student book's pages and the package's code and data (safety boxes, figure summaries);
    not the teacher edition, which shows the answer key."""
    parts = []
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        parts += ["".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]]
    for f in sorted((ROOT / "book").rglob("*.md")) + sorted((ROOT / "sciatica_course").rglob("*")):
        if f.suffix in {".md", ".py", ".yaml", ".yml"} and not {"questions", "teacher"} & set(f.parts):
            parts.append(f.read_text(encoding="utf-8"))
    from sciatica_course import safety  # the safety boxes as written from the data

    for box in (safety.red_flags, safety.precautions, safety.stop_signs, safety.heat_advice,
                safety.urgency_table, safety.screening_questions):
        parts += [box().md, box().text]
    return " ".join(" ".join(parts).split())


def _plant_progress(path: Path) -> dict[str, list[str]]:
    """Write a progress file full of answers; returns {chapter stem: markers a leak would show}."""
    from sciatica_course.quiz import load_all
    from sciatica_course.quiz.grading import grade
    from sciatica_course.quiz.progress import ProgressStore

    store = ProgressStore(path)
    store.learner = LEARNER
    markers: dict[str, list[str]] = {}
    course = _course_text()  # an explanation that repeats the chapter or the safety data is no marker
    for stem, bank in load_all().items():
        for q in bank.questions:
            answer = _an_answer(q)
            result = grade(q, answer)
            if not result.counts:
                continue
            store.record(stem, bank.version, q.id, result.answer, result.correct, 1)
            frag = _fragment(q.explanation)
            if frag and frag not in course:
                markers.setdefault(stem, []).append(frag)
    return markers


@pytest.fixture(scope="module")
def leaky_home_build(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    progress = home / ".sciatica-course" / "progress.json"
    markers = _plant_progress(progress)
    out = tmp_path_factory.mktemp("book")
    env = {k: v for k, v in os.environ.items() if k != "SCIATICA_PROGRESS"}
    env.update(HOME=str(home), PYTHONWARNINGS="ignore")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return {"home": home, "progress": progress, "markers": markers, "html": out / "_build" / "html",
            "cache": out / "_build" / ".jupyter_cache"}


def test_the_planted_answers_are_what_a_leak_would_show(leaky_home_build):
    """Read by the quiz widget (as a build's kernel would without isolation), the file shows the
    learner's name, "Your saved answer:" and every marker of the chapter."""
    import ipywidgets

    from sciatica_course.quiz import load_bank
    from sciatica_course.quiz.progress import ProgressStore
    from sciatica_course.quiz.widget import QuizWidget

    saved = json.loads(leaky_home_build["progress"].read_text(encoding="utf-8"))
    assert saved["learner"] == LEARNER and len(saved["chapters"]) >= 9
    for stem in ("03-anatomy", "10-for-massage-students"):
        QuizWidget(load_bank(stem), ProgressStore(leaky_home_build["progress"]))
        state = json.dumps(ipywidgets.Widget.get_manager_state(drop_defaults=False))
        for marker in [LEARNER, SAVED] + leaky_home_build["markers"][stem]:
            assert marker in state, f"{stem}: {marker!r} would not show in a leak: the test could not see one"


def test_no_page_shows_the_builders_answers(leaky_home_build):
    html = leaky_home_build["html"]
    pages = [p for p in html.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) >= 15
    every = [LEARNER, SAVED] + [m for ms in leaky_home_build["markers"].values() for m in ms]
    assert len(every) > 50
    for page in pages:
        text = " ".join(page.read_text(encoding="utf-8").split())
        found = [m for m in every if m in text]
        assert not found, f"{page.relative_to(html)} shows the builder's saved answers: {found[:3]}"
        assert "widget-state+json" not in text, f"{page.relative_to(html)} carries ipywidgets state"


def test_the_builds_kernels_never_read_the_builders_progress(leaky_home_build):
    """The executed notebooks (jupyter-cache) hold the widgets' state: it has no saved answer."""
    executed = list(leaky_home_build["cache"].rglob("*.ipynb"))
    assert len(executed) >= 10, executed
    with_widgets = 0
    for nb in executed:
        text = " ".join(nb.read_text(encoding="utf-8").split())
        with_widgets += "widget-state+json" in text
        for marker in [LEARNER, SAVED] + [m for ms in leaky_home_build["markers"].values() for m in ms]:
            assert marker not in text, f"{nb.parent.name}: a kernel read the builder's progress ({marker!r})"
    # The quizzes' widgets are in the executed notebooks, so their state was there to look at.
    assert with_widgets >= 9
    assert leaky_home_build["progress"].is_file()  # the build did not replace or move it

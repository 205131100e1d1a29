"""The quiz widget as JupyterLab draws it (issue 12): the export and reset buttons show their
whole words, also in a narrow notebook, and a damaged progress record is reported once, right
under the score it concerns. Uses `make lab` through the helpers of tests/test_browser_lab.py."""

from __future__ import annotations

import json

import pytest

from browser import PageLog, new_page
from test_browser_lab import ROOT, lab, open_and_run_all  # noqa: F401  (lab is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BUTTONS = ["Export results (JSON)", "Export results (CSV)", "Reset this quiz"]


@pytest.mark.parametrize("width", [1280, 560])
def test_quiz_buttons_are_whole_and_the_notice_is_beside_the_score(lab, chromium, width):  # noqa: F811  (the fixture)
    # A progress file with one damaged chapter record (another chapter's) and one good one.
    (lab["tmp"] / "progress.json").write_text(json.dumps({
        "format": "sciatica-course-progress", "version": 1, "learner": "",
        "chapters": {"05-how-massage-might-help": "garbage",
                     "04-causes": {"bank": "w", "answers": {"c1": {"answer": "B", "correct": True, "attempts": 1}}}},
    }))
    for old in lab["tmp"].glob("progress.json.corrupt-*"):
        old.unlink()
    nb = ROOT / "notebooks" / "03-anatomy.ipynb"
    before = nb.read_bytes()
    log = PageLog()
    page = new_page(chromium, log, viewport={"width": width, "height": 900})
    try:
        open_and_run_all(page, lab, nb.relative_to(ROOT).as_posix())
        button = page.locator(".jp-NotebookPanel button.jupyter-button", has_text="Reset this quiz")
        button.wait_for(state="attached", timeout=180_000)
        button.scroll_into_view_if_needed()
        for name in BUTTONS:
            b = page.locator(".jp-NotebookPanel button.jupyter-button", has_text=name)
            assert b.count() == 1, name
            fit = b.evaluate("""b => { const box = b.getBoundingClientRect(),
                                            row = b.parentElement.getBoundingClientRect();
                                      return {scroll: b.scrollWidth, client: b.clientWidth, text: b.innerText,
                                              inside: box.left >= row.left - 1 && box.right <= row.right + 1}; }""")
            assert fit["text"].strip() == name and "…" not in fit["text"], fit
            assert fit["scroll"] <= fit["client"], f"{name!r} is cut at {width} px: {fit}"
            assert fit["inside"], f"{name!r} sticks out of its row at {width} px"

        # The notice: once, and the widget right after the score.
        notices = page.locator(".jp-NotebookPanel .widget-html", has_text="set aside")
        assert notices.count() == 1, [notices.nth(i).inner_text() for i in range(notices.count())]
        after_score = notices.first.evaluate(
            "n => { const prev = n.previousElementSibling; return prev ? prev.innerText : ''; }")
        assert after_score.startswith("Score:"), after_score
        assert "05-how-massage-might-help" in notices.first.inner_text()
    finally:
        page.context.close()
    assert not log.blocked, f"JupyterLab requested other hosts: {log.blocked}"
    assert nb.read_bytes() == before
    assert len(list(lab["tmp"].glob("progress.json.corrupt-*"))) == 1

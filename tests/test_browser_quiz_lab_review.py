"""Confidence marking and the review deck in JupyterLab (issue 16), through `make lab` and the
helpers of tests/test_browser_lab.py: a wrong answer given as "very sure" in a chapter's quiz widget
shows its certainty-based mark and is saved with its card; the Review deck notebook says nothing is
due today and names tomorrow; when the progress file's dates are a day older (what a day passing
does: the kernel's clock cannot be moved from the browser), the notebook shows the question, and a
right answer moves its card to box 2."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from browser import PageLog, new_page
from test_browser_lab import ROOT, lab, open_and_run_all  # noqa: F401  (lab is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def iso(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def panel(page, name: str):
    return page.get_by_role("tabpanel", name=name)


def question_box(scope, n: int, total: int):
    return scope.locator(".widget-vbox", has_text=f"Question {n} of {total}.").last


def test_wrong_and_very_sure_comes_back_in_the_lab_review_deck(lab, chromium):  # noqa: F811  (the fixture)
    progress = lab["tmp"] / "progress.json"
    progress.unlink(missing_ok=True)
    notebooks = [ROOT / "notebooks" / "03-anatomy.ipynb", ROOT / "notebooks" / "review-deck.ipynb"]
    before = [nb.read_bytes() for nb in notebooks]
    log = PageLog()
    page = new_page(chromium, log, viewport={"width": 1280, "height": 900})
    try:
        open_and_run_all(page, lab, "notebooks/03-anatomy.ipynb")
        chapter = panel(page, "03-anatomy.ipynb")
        box = question_box(chapter, 1, 7)
        box.wait_for(state="visible", timeout=180_000)
        box.get_by_label("L1 to L3").check()
        conf = box.get_by_label("How sure are you?")  # a <select> named by its <label>
        assert conf.evaluate("e => e.tagName") == "SELECT"
        assert conf.evaluate("e => Array.from(e.options).map(o => o.text.replace(/\\u00a0/g, ' '))") == [
            "Not said (no certainty mark)", "Not sure (low)", "Fairly sure (medium)", "Very sure (high)"]
        conf.select_option(label="Very sure (high)")
        box.get_by_role("button", name="Check").click()
        box.get_by_text("Certainty-based mark: -6 (very sure and wrong).").wait_for(timeout=30_000)
        chapter.get_by_text("How sure you were:").wait_for(timeout=30_000)
        assert "When you were very sure, you were wrong the one time." in chapter.inner_text()
        saved = json.loads(progress.read_text())["chapters"]["03-anatomy"]["answers"]["roots-01"]
        assert saved["confidence"] == "high" and saved["review"] == {"box": 1, "due": iso(1)}

        open_and_run_all(page, lab, "notebooks/review-deck.ipynb")
        panel(page, "review-deck.ipynb").get_by_text(
            f"Nothing is due for review today. Your next review is on {iso(1)}.").wait_for(timeout=120_000)

        # A day passes: the card's date is now today.
        doc = json.loads(progress.read_text())
        doc["chapters"]["03-anatomy"]["answers"]["roots-01"]["review"]["due"] = iso(0)
        progress.write_text(json.dumps(doc))
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        panel(page, "review-deck.ipynb").get_by_text(
            "1 question is due for review today (from 1 chapter). Answered: 0 of 1.").wait_for(timeout=60_000)
        deck = panel(page, "review-deck.ipynb")
        box = question_box(deck, 1, 7)
        assert "Anatomy of the sciatic nerve" in deck.inner_text()
        box.get_by_label("L4 to S3").check()
        box.get_by_label("How sure are you?").select_option(label="Fairly sure (medium)")
        box.get_by_role("button", name="Check").click()
        box.get_by_text("Certainty-based mark: 2 (fairly sure and right).").wait_for(timeout=30_000)
        deck.get_by_text("Answered: 1 of 1.").wait_for(timeout=30_000)
        saved = json.loads(progress.read_text())["chapters"]["03-anatomy"]["answers"]["roots-01"]
        assert saved["review"] == {"box": 2, "due": iso(3)} and saved["confidence"] == "medium"
    finally:
        page.context.close()
    assert not log.blocked, f"JupyterLab requested other hosts: {log.blocked}"
    assert [nb.read_bytes() for nb in notebooks] == before

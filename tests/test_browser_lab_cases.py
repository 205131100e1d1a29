"""The practice cases as JupyterLab draws them (issue 16): chapter 11 run in `make lab`, one case
walked to two of its ends with the keyboard (Space on a choice, Tab to Choose, Enter), with the
feedback, its verdict and sources shown, then Go back one step and Start again. Uses the helpers
of tests/test_browser_lab.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser import PageLog, new_page
from sciatica_course import cases
from test_browser_lab import ROOT, lab, open_and_run_all  # noqa: F401  (lab is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_case_walked_by_keyboard_in_jupyterlab(lab, chromium):  # noqa: F811  (lab: the fixture imported above)
    c = cases.load_case("blood-thinners")
    nb = ROOT / "notebooks" / "11-cases.ipynb"
    before = nb.read_bytes()
    log = PageLog()
    page = new_page(chromium, log, viewport={"width": 1280, "height": 900})
    try:
        open_and_run_all(page, lab, nb.relative_to(ROOT).as_posix())
        box = page.locator(".jp-NotebookPanel .widget-vbox", has=page.locator(
            ".widget-html", has_text=f"Practice case: {c.title}")).last
        box.wait_for(state="attached", timeout=180_000)
        box.scroll_into_view_if_needed()
        radios = box.locator("input[type=radio]")

        def take(n: int) -> None:
            radios.nth(n - 1).focus()
            page.keyboard.press("Space")
            assert radios.nth(n - 1).is_checked()
            for _ in range(radios.count() + 1):  # ipywidgets' radios are separate tab stops
                page.keyboard.press("Tab")
                focused = page.evaluate("() => document.activeElement.textContent.trim()")
                if focused == "Choose":
                    break
            assert focused == "Choose", focused
            page.keyboard.press("Enter")

        for path in ([1, 1], [3]):
            node, last = c.node(c.start), None
            for n in path:
                expect(radios).to_have_count(len(node.choices))
                labels = [radios.nth(i).evaluate("r => r.parentElement.textContent.trim()")
                          for i in range(radios.count())]
                assert labels == [ch.text for ch in node.choices]
                take(n)
                ch = node.choices[n - 1]
                expect(box).to_contain_text(cases.VERDICTS[ch.verdict][1])
                expect(box).to_contain_text(ch.feedback)
                expect(box).to_contain_text(cases.sources_line(ch.sources))
                last, node = node, c.node(ch.to)
            assert node.is_end
            expect(box).to_contain_text(f"The end of the case. {cases.ENDINGS[node.end]}")
            expect(box).to_contain_text(cases.sources_line(node.sources))
            expect(radios).to_have_count(0)
            # Go back one step, by keyboard: the last step's choices again.
            box.locator("button", has_text="Go back one step").focus()
            page.keyboard.press("Enter")
            expect(radios).to_have_count(len(last.choices))
            expect(box).to_contain_text(last.text)
            # Start again, by keyboard: step 1, and no path.
            box.locator("button", has_text="Start again").focus()
            page.keyboard.press("Enter")
            expect(box).to_contain_text(c.node(c.start).text)
            expect(box).not_to_contain_text("Your choices so far")
    finally:
        page.context.close()
    assert not log.blocked, f"JupyterLab requested other hosts: {log.blocked}"
    assert nb.read_bytes() == before

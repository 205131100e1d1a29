"""Chapter 06's simulation works in the static book: plotly's own slider (drawn by the book's basic
bundle, no kernel) switches to the precomputed step, and the numbers drawn are the simulation's.

Runs on the built course (the ``book_server`` fixture; SCIATICA_BOOK_PREBUILT=1 reuses a build).
"""

from __future__ import annotations

import pytest

from browser import PageLog, new_page
from sciatica_course import natural_course as nc

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SIM = 'figure[data-figure-key="natural_course_simulation"] .sc-plot'


def draw(page, selector: str) -> None:
    div = page.locator(selector)
    div.scroll_into_view_if_needed()
    page.wait_for_function("d => d.dataset.drawn === 'yes' || d.dataset.drawn === 'failed'",
                           arg=div.element_handle(), timeout=30_000)
    assert div.get_attribute("data-drawn") == "yes"


def bars(page) -> list[float]:
    return page.evaluate(f"() => Array.from(document.querySelector('{SIM}').data[2].x)")


@pytest.mark.parametrize("viewport", [{"width": 1000, "height": 800}, {"width": 390, "height": 800}],
                         ids=["desktop", "phone"])
def test_the_simulation_slider_works_in_the_static_book(book_server, chromium, viewport):
    log = PageLog()
    page = new_page(chromium, log, viewport=viewport)
    page.goto(book_server + "notebooks/06-evidence.html", wait_until="networkidle")
    draw(page, 'figure[data-figure-key="natural_course"] .sc-plot')
    draw(page, SIM)
    first, last = nc.simulate(nc.EFFECTS[0]), nc.simulate(nc.EFFECTS[-1])
    assert bars(page) == [first.before_after, first.controlled, first.effect]
    # Drag the slider to its last step (a click at the end of the rail).
    rail = page.locator(f"{SIM} rect.slider-rail-touch-rect")
    box = rail.bounding_box()
    rail.click(position={"x": box["width"] - 3, "y": box["height"] / 2})
    page.wait_for_function(f"() => document.querySelector('{SIM}').data[2].x[2] === {last.effect}", timeout=10_000)
    assert bars(page) == [last.before_after, last.controlled, last.effect]
    treated = page.evaluate(f"() => Array.from(document.querySelector('{SIM}').data[1].y)")
    assert treated == list(last.treated)
    current = page.locator(f"{SIM} g.slider-group > text.slider-label")  # the "True effect: ..." line
    assert current.first.text_content().strip().endswith(f"{last.effect:.1f} points")
    # The text alternative under the figure lists every slider position.
    table = page.locator('figure[data-figure-key="natural_course_simulation"] table').inner_text()
    for e in nc.EFFECTS:
        assert f"{e:.1f} points" in table
    page.context.close()
    assert log.clean(), log.report()

"""The practice cases in the built book, in a real browser (Debian's chromium), served from
127.0.0.1 with every other host blocked: each case walked along two different paths by keyboard
only (Tab and Enter), with the feedback, its verdict and its sources shown in a live region, focus
moved to the new step, the path listed, Go back one step and Start again, and nothing loaded from
another host."""

from __future__ import annotations

import pytest

from browser import PageLog, new_page
from sciatica_course import cases

pytestmark = pytest.mark.browser

PAGE = "notebooks/11-cases.html"

# (case id, path A, path B): each path is the 1-based choices taken from the start. Path B of
# "three-weeks" first ends at end-bed, goes back one step, and ends elsewhere (the None marks the
# "Go back one step" button); "foot-drop" A takes the choice that loops back to the same step.
WALKS = [
    ("three-weeks", [1, 1, 1], [3, None, 2, 2]),
    ("foot-drop", [1, 3, 1], [2]),
    ("blood-thinners", [1, 2], [3]),
]


def active(page) -> dict:
    return page.evaluate(
        "() => { const a = document.activeElement; return {id: a.id, n: a.getAttribute('data-n'),"
        " text: (a.textContent || '').trim(), cls: a.className}; }")


def tab_to(page, root: str, predicate, limit: int = 40) -> dict:
    """Press Tab until the focused element satisfies ``predicate``; returns it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        a = active(page)
        if predicate(a) and page.evaluate(f"() => document.querySelector('#{root}').contains(document.activeElement)"):
            return a
    raise AssertionError(f"Tab never reached the wanted control in #{root} (last: {a})")


def open_page(chromium, book_server, log):
    page = new_page(chromium, log)
    page.goto(book_server + PAGE, wait_until="networkidle")
    page.wait_for_function("document.querySelectorAll('section.sc-case.sc-case-ready').length === 3")
    return page


def walk(page, c, choices):
    """Take ``choices`` by keyboard from where the case is; returns the node reached."""
    root = cases.dom_id(c.id)
    section = page.locator(f"#{root}")
    at = section.get_attribute("data-at")
    taken = []  # the (node, choice) steps, as the path list shows them
    for n in choices:
        if n is None:
            tab_to(page, root, lambda a: a["text"] == "Go back one step")
            page.keyboard.press("Enter")
            at = taken.pop()[0]
            assert section.get_attribute("data-at") == at
            assert active(page)["id"] == f"{root}-step", "focus moves to the step after going back"
            assert "You went back to step" in section.locator(".sc-case-feedback").inner_text()
            continue
        node = c.node(at)
        got = tab_to(page, root, lambda a, n=n: a["n"] == str(n))
        ch = node.choices[n - 1]
        assert got["text"] == ch.text
        page.keyboard.press("Enter")
        taken.append((at, n))
        at = ch.to
        # focus is on the new step, which shows the next node
        assert active(page)["id"] == f"{root}-step"
        assert section.get_attribute("data-at") == at
        step = section.locator(".sc-case-step")
        assert c.node(at).text in step.inner_text()
        # the feedback: a polite live region with the verdict words, the feedback, safety facts, sources
        fb = section.locator(".sc-case-feedback")
        assert fb.get_attribute("role") == "status" and fb.get_attribute("aria-live") == "polite"
        text = fb.inner_text()
        assert cases.VERDICTS[ch.verdict][1] in text and ch.feedback in text
        for s in ch.safety:
            assert s in text
        assert cases.sources_line(ch.sources) in text and text.count("Source") == 1
        # the path so far lists every choice taken
        items = section.locator(".sc-case-trail li").all_inner_texts()
        assert len(items) == len(taken) and items[-1].startswith(f"Step {len(taken)}: {ch.text}")
    return at


@pytest.mark.parametrize("cid, path_a, path_b", WALKS, ids=[w[0] for w in WALKS])
def test_walk_each_case_along_two_paths_by_keyboard(book_server, chromium, cid, path_a, path_b):
    c = cases.load_case(cid)
    root = cases.dom_id(cid)
    log = PageLog()
    page = open_page(chromium, book_server, log)
    section = page.locator(f"#{root}")
    assert section.locator(".sc-case-title").inner_text() == f"Practice case: {c.title}"
    assert section.get_attribute("data-at") == c.start
    assert section.locator(".sc-case-back").is_disabled() and section.locator(".sc-case-restart").is_disabled()
    labelled = section.locator(".sc-case-choices legend").inner_text()
    assert labelled == "What do you do?"
    # Start from the case's own first step (focus set by the page script's target, then keyboard only).
    section.locator(".sc-case-step").focus()

    ends = []
    for path in (path_a, path_b):
        end = walk(page, c, path)
        node = c.node(end)
        assert node.is_end, f"{cid}: {path} stops at {end}"
        step = section.locator(".sc-case-step")
        text = step.inner_text()
        assert text.startswith("The end of this path. " + cases.ENDINGS[node.end])
        assert node.text in text and cases.sources_line(node.sources) in text
        assert step.locator("summary").inner_text() == "Full references for this ending"
        assert section.locator(".sc-case-choice").count() == 0
        ends.append(end)
        # Start again, by keyboard: back at step 1, path cleared, focus on the step.
        tab_to(page, root, lambda a: a["text"] == "Start again")
        page.keyboard.press("Enter")
        assert section.get_attribute("data-at") == c.start
        assert active(page)["id"] == f"{root}-step"
        assert section.locator(".sc-case-trail li").count() == 0
        assert "back at the start" in section.locator(".sc-case-feedback").inner_text()
        assert section.locator(".sc-case-restart").is_disabled()
    assert ends[0] != ends[1], f"{cid}: both walks reached {ends[0]}"
    assert not log.blocked, log.report()
    assert not log.page_errors and not log.console_errors, log.report()


def test_case_markup_is_labelled_and_the_page_loads_nothing_from_elsewhere(book_server, chromium):
    log = PageLog()
    page = open_page(chromium, book_server, log)
    for cid in ("three-weeks", "foot-drop", "blood-thinners"):
        root = cases.dom_id(cid)
        section = page.locator(f"#{root}")
        assert section.get_attribute("aria-labelledby") == f"{root}-title"
        step = section.locator(".sc-case-step")
        assert step.get_attribute("role") == "group" and step.get_attribute("tabindex") == "-1"
        assert step.get_attribute("aria-labelledby") == f"{root}-step-label"
        assert page.locator(f"#{root}-step-label").inner_text() == "Step 1."
        # every choice is a real button, reachable with Tab
        for b in section.locator(".sc-case-choice").all():
            assert b.evaluate("e => e.tagName") == "BUTTON" and b.get_attribute("type") == "button"
    scripts = page.evaluate("() => [...document.scripts].map(s => s.src).filter(Boolean)")
    assert any(s.endswith("sciatica-cases.js") or "sciatica-cases.js?" in s for s in scripts)
    assert not log.blocked and not log.page_errors, log.report()


def paths_to_every_end(c) -> dict[str, list[int]]:
    """For each end of case ``c``, the shortest list of 1-based choices from the start that
    reaches it (breadth first over the case's own graph)."""
    from collections import deque

    found, seen, queue = {}, {c.start}, deque([(c.start, [])])
    while queue:
        at, path = queue.popleft()
        node = c.node(at)
        if node.is_end:
            found.setdefault(at, path)
            continue
        for n, ch in enumerate(node.choices, 1):
            if ch.to not in seen:
                seen.add(ch.to)
                queue.append((ch.to, path + [n]))
    return found


@pytest.mark.parametrize("cid", ["three-weeks", "foot-drop", "blood-thinners"])
def test_every_end_of_every_case_is_reached_by_keyboard(book_server, chromium, cid):
    """Issue 16's done list: each case walked to each of its ends, by keyboard only, starting again
    between walks; the ends come from the case data, so a new end is walked too."""
    c = cases.load_case(cid)
    root = cases.dom_id(cid)
    routes = paths_to_every_end(c)
    ends = c.ends
    assert sorted(routes) == sorted(ends), f"{cid}: ends not reachable: {set(ends) - set(routes)}"
    log = PageLog()
    page = open_page(chromium, book_server, log)
    section = page.locator(f"#{root}")
    section.locator(".sc-case-step").focus()
    for end, route in routes.items():
        assert walk(page, c, route) == end
        text = section.locator(".sc-case-step").inner_text()
        assert text.startswith("The end of this path. " + cases.ENDINGS[c.node(end).end])
        tab_to(page, root, lambda a: a["text"] == "Start again")
        page.keyboard.press("Enter")
        assert section.get_attribute("data-at") == c.start
    assert len(routes) >= 4
    assert not log.blocked, log.report()
    assert not log.page_errors and not log.console_errors, log.report()

"""Printing a chapter from the browser gives a clean page: no navigation, sidebars or buttons."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from sciatica_course.classroom import sources

pytestmark = pytest.mark.browser
STEM = "05-how-massage-might-help"
HIDDEN_IN_PRINT = [".bd-header", ".bd-sidebar-primary", ".bd-sidebar-secondary", ".prev-next-area",
                   ".bd-footer", ".article-header-buttons", ".cell_input", "button", ".headerlink"]


def test_print_stylesheet_is_linked_for_print_only(built_book):
    page = (built_book["html"] / "notebooks" / f"{STEM}.html").read_text()
    link = re.search(r'<link[^>]+sciatica-print\.css[^>]*>', page)
    assert link and 'media="print"' in link.group(0)
    assert (built_book["html"] / "_static" / "sciatica-print.css").is_file()


def test_printed_chapter_has_content_and_no_navigation(book_server, chromium, tmp_path):
    from browser import PageLog, new_page

    log = PageLog()
    page = new_page(chromium, log, viewport={"width": 1280, "height": 900})
    page.goto(book_server + f"notebooks/{STEM}.html")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    for sel in HIDDEN_IN_PRINT:
        visible = page.evaluate(f"""() => [...document.querySelectorAll({sel!r})]
            .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden').length""")
        assert visible == 0, f"{sel} is visible in print"
    width = page.evaluate("document.querySelector('.bd-article').getBoundingClientRect().width"
                          " / document.documentElement.clientWidth")
    assert width > 0.9  # the article takes the page
    pdf = tmp_path / "chapter.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert sources.objectives(STEM)[0][:40] in text
    for nav in ["Skip to main content", "Back to top", "Ctrl+K", "Download this page"]:
        assert nav not in text
    assert log.clean(), log.report()


def test_printed_explorer_gives_its_table_not_instructions_for_a_control(book_server, chromium, tmp_path):
    """Paper has no buttons: chapter 3 printed from the browser shows the anatomy explorer's table
    (the roots and what each supplies), never "Pick L4, L5 or S1 above" (issue 13)."""
    from browser import PageLog, new_page

    log = PageLog()
    page = new_page(chromium, log, viewport={"width": 1280, "height": 900})
    page.goto(book_server + "notebooks/03-anatomy.html")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    pdf = tmp_path / "anatomy.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Pick L4" not in text and "above to see" not in text
    for root in ("L4", "L5", "S1"):
        assert root in text
    assert "ankle jerk" in text and "knee jerk" in text  # cells of the explorer's table
    assert log.clean(), log.report()

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

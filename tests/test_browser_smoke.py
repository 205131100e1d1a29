"""The welcome page loads in a real browser with nothing requested from another host."""

from __future__ import annotations

import pytest

from browser import PageLog, new_page

pytestmark = pytest.mark.browser


def test_welcome_page_is_self_contained(book_server, chromium):
    log = PageLog()
    page = new_page(chromium, log)
    page.goto(book_server + "notebooks/01-welcome.html", wait_until="networkidle")
    assert page.locator("table.sc-table").count() == 1
    assert "Welcome" in page.title()
    page.context.close()
    assert not log.blocked, log.report()


def test_search_finds_chapters(book_server, chromium):
    """The book's search (Sphinx's own index, served locally) finds a term in the right chapters."""
    log = PageLog()
    page = new_page(chromium, log)
    page.goto(book_server + "search.html?q=piriformis", wait_until="networkidle")
    results = page.locator("#search-results a")
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("03-anatomy" in h for h in hrefs), hrefs
    assert any("04-causes" in h for h in hrefs), hrefs
    page.context.close()
    assert log.clean(), log.report()


def test_launch_and_download_buttons_on_chapters(built_book):
    """Chapter pages offer a download of the notebook and launch links (Binder, JupyterHub, Colab)."""
    text = (built_book["html"] / "notebooks" / "03-anatomy.html").read_text(encoding="utf-8")
    for needle in ["mybinder.org", "hub.example.org", "colab.research.google.com", "03-anatomy.ipynb"]:
        assert needle in text, needle

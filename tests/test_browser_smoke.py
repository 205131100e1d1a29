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

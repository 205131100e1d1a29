"""The built book is valid HTML, as the Nu HTML checker (vnu.jar) reads it.

The checker is npm's ``vnu-jar``, pinned in ``bench/package.json`` and installed into
``bench/node_modules`` by ``make test`` (which also installs Debian's Java runtime if ``java`` is
missing). Every page of the book is checked; ``KIND_PAGES`` names one page of each kind and what
marks it as that kind, so the test fails if a kind stops being covered.

Errors from the course's own markup (templates, ``display.py``, ``quiz/render.py``, ``safety.py``,
``sphinx_ext.py``, ``theme_trim.py``, the static files) fail the test. Errors that come from
upstream packages are listed in ``KNOWN`` with the reason; a known error that no longer occurs
fails the test too, so the list does not outlive its reason.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "bench" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# One page of each kind, and a piece of markup that shows the page is of that kind.
KIND_PAGES = {
    "index.html": ('http-equiv="refresh"', "the site's start page, which sends readers to the home page"),
    "book/index.html": ('class="danger admonition"', "home page, with the red-flag box of the {safety} directive"),
    "notebooks/02-what-is-sciatica.html": ('class="sc-figure"', "chapter with figures"),
    "notebooks/04-causes.html": ('class="sc-quiz', "chapter with a quiz and a red-flag box"),
    "notebooks/10-for-massage-students.html": ('class="note admonition"', "safety page: urgency levels, screening"),
    "book/glossary.html": (" glossary\"", "glossary"),
    "book/references.html": ('role="listitem"', "references (bibliography)"),
    "book/quizzes.html": ("How the quizzes work", "the quizzes page"),
    "search.html": ('id="search-results"', "search"),
    "genindex.html": ('id="index"', "general index"),
}

# Errors that come from upstream packages and are not fixed here: (message pattern, extract
# pattern, reason). None at present. Fixed in sciatica_course.theme_trim: MyST-NB 1.4's show/hide
# toggle of a hidden code cell wrote <p> labels inside <summary> (28 errors on the figure chapters).
KNOWN: list[tuple[str, str, str]] = []


def _checker() -> list[str]:
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR.relative_to(ROOT)} is missing: run `make test` (it runs `npm ci` in bench/)")
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is not installed: run `make test` (it installs Debian's default-jre-headless)")
    return [java, "-jar", str(VNU_JAR), "--format", "json"]


def _known(msg: dict) -> str | None:
    for pattern, extract, reason in KNOWN:
        if re.search(pattern, msg.get("message", "")) and re.search(extract, msg.get("extract", "")):
            return reason
    return None


BAD_FIGURE = """<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>
<figure><div>plot</div><figcaption>Source</figcaption><details><summary>As text</summary><p>x</p></details></figure>
</body></html>
"""


@pytest.fixture(scope="module")
def vnu_report(built_book, tmp_path_factory) -> dict:
    """One checker run over every page of the book, plus a page that must fail (so a checker
    that reports nothing cannot pass the test)."""
    assert built_book["returncode"] == 0, built_book["log"][-3000:]
    html = built_book["html"]
    pages = sorted(p for p in html.rglob("*.html") if not {"_static", "_sources"} & set(p.relative_to(html).parts))
    bad = tmp_path_factory.mktemp("vnu") / "bad-figure.html"
    bad.write_text(BAD_FIGURE, encoding="utf-8")
    proc = subprocess.run(_checker() + [str(p) for p in pages] + [str(bad)], capture_output=True, text=True)
    try:
        messages = json.loads(proc.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the HTML checker gave no report (exit {proc.returncode}): {proc.stderr[-2000:]}")
    by_page: dict[str, list[dict]] = {}
    for m in messages:
        if m.get("type") == "info":  # notes and warnings, not errors
            continue
        path = Path(m.get("url", "").removeprefix("file:")).resolve()
        if path == bad.resolve():
            name = "bad-figure"
        else:
            name = str(path.relative_to(html.resolve())) if path.is_relative_to(html.resolve()) else str(path)
        by_page.setdefault(name, []).append(m)
    return {"pages": [str(p.relative_to(html)) for p in pages], "errors": by_page, "html": html}


def test_the_checker_finds_a_known_error(vnu_report):
    """<figcaption> must be the first or last child of <figure>: the course's figures once had it
    between the plot and the text alternative."""
    errors = vnu_report["errors"].get("bad-figure", [])
    assert any("“details” not allowed as child of element “figure”" in m["message"] for m in errors), errors


def test_one_page_of_each_kind_is_checked(vnu_report):
    for page, (marker, kind) in KIND_PAGES.items():
        assert page in vnu_report["pages"], f"{kind}: {page} was not built"
        text = (vnu_report["html"] / page).read_text(encoding="utf-8")
        assert marker in text, f"{page} no longer shows {marker!r}: pick another page for {kind}"


def test_pages_have_no_html_errors_from_the_course(vnu_report):
    ours = [
        f"{page}:{m.get('lastLine')}: {m['message']}  [{m.get('extract', '').strip()[:80]}]"
        for page, errors in vnu_report["errors"].items()
        if page != "bad-figure"
        for m in errors
        if not _known(m)
    ]
    assert not ours, f"{len(ours)} HTML errors:\n" + "\n".join(ours[:30])
    # A known error that is gone (an upstream fix) is taken off the list.
    seen = {_known(m) for page, errors in vnu_report["errors"].items() if page != "bad-figure" for m in errors}
    gone = [reason for _p, _e, reason in KNOWN if reason not in seen]
    assert not gone, f"no longer reported, remove from KNOWN: {gone}"


@pytest.mark.browser
def test_code_toggle_labels_are_valid_and_look_as_before(built_book, book_server, chromium):
    """The show/hide toggle of a hidden code cell (labels as <span>, see theme_trim) shows one bold
    label with a disclosure marker, opens from the keyboard and then shows the other label in the
    same place; the code appears."""
    from browser import PageLog, new_page

    text = (built_book["html"] / "notebooks" / "02-what-is-sciatica.html").read_text(encoding="utf-8")
    assert '<span class="collapsed admonition-title">Show code cell source</span>' in text
    log = PageLog()
    page = new_page(chromium, log)
    page.goto(book_server + "notebooks/02-what-is-sciatica.html")
    details = page.locator("details.hide").first
    label = """(d) => [...d.querySelectorAll('summary > *')].filter(e => e.getClientRects().length)
        .map(e => { const cs = getComputedStyle(e); const r = e.getBoundingClientRect();
                    return [e.textContent, cs.display, Number(cs.fontWeight), Math.round(r.x),
                            Math.round(r.height)]; })"""
    closed = details.evaluate(label)
    assert [c[0] for c in closed] == ["Show code cell source"], closed
    assert closed[0][1] == "list-item" and closed[0][2] >= 600 and closed[0][4] > 10, closed
    assert not details.locator(".cell_input").is_visible()
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    opened = details.evaluate(label)
    assert [c[0] for c in opened] == ["Hide code cell source"], opened
    assert opened[0][1:] == closed[0][1:], (closed, opened)  # same look, same place
    assert details.locator(".cell_input").is_visible()
    page.context.close()
    assert log.clean(), log.report()

"""Every page of the built book in a real browser: offline, clean, drawn and accessible (issue 6).

The pages come from ``_toc.yml`` (plus the search and index pages), so a new chapter is checked
without editing this file. The book is served on 127.0.0.1 with gzip; every other host is
blocked and recorded by ``tests/browser.py``. The console errors are checked as logged: the
theme's own errors are fixed in ``sciatica_course/theme_trim.py``, never filtered here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import PageLog, new_page
from test_structure import toc_files

pytestmark = pytest.mark.browser

PAGES = [f"{f}.html" for f in toc_files()] + ["search.html", "genindex.html"]
# A phone-sized window, as most readers have: figures must draw when scrolled to, not before.
PHONE = {"viewport": {"width": 390, "height": 800}}
FIGURE_TIMEOUT_MS = 30_000


def axe_serious(page) -> list[str]:
    """axe-core (bundled by axe-playwright-python, injected into the page: nothing fetched)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    out = []
    for v in results.response["violations"]:
        if v.get("impact") in {"serious", "critical"}:
            targets = [" ".join(n.get("target", [])) for n in v["nodes"][:3]]
            out.append(f"{v['impact']} {v['id']}: {v['help']} at {targets}")
    return out


def draw_every_figure(page) -> list[str]:
    """Scroll to each figure as a reader would; each must become a drawn plotly figure."""
    problems = []
    plots = page.locator(".sc-plot")
    for i in range(plots.count()):
        div = plots.nth(i)
        key = div.evaluate("d => (d.closest('figure') || d).dataset.figureKey || 'figure ' + d.id")
        div.scroll_into_view_if_needed()
        try:
            page.wait_for_function(
                "d => d.dataset.drawn === 'yes' || d.dataset.drawn === 'failed'",
                arg=div.element_handle(),
                timeout=FIGURE_TIMEOUT_MS,
            )
        except Exception:  # noqa: BLE001 - reported below with the figure's name
            pass
        if div.get_attribute("data-drawn") != "yes" or div.locator("svg.main-svg").count() == 0:
            problems.append(f"figure {key} not drawn (data-drawn={div.get_attribute('data-drawn')})")
    return problems


def figure_text_problems(page) -> list[str]:
    """Every figure has a text alternative: a labelled plot (role=img until drawn, then a labelled
    group, because the drawn figure has buttons), a caption, and its numbers as a table."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.sc-plot')].flatMap(d => {
            const fig = d.closest('figure');
            const key = (fig && fig.dataset.figureKey) || '?';
            const out = [];
            const role = d.getAttribute('role');
            if (!(role === 'img' || (role === 'group' && d.dataset.drawn === 'yes')))
              out.push(key + ': plot role ' + role);
            if (!(d.getAttribute('aria-label') || '').trim()) out.push(key + ': plot has no aria-label');
            if (!fig || !fig.querySelector('details table th')) out.push(key + ': no table in a details');
            if (!fig || !(fig.querySelector('figcaption') || {}).textContent) out.push(key + ': no caption');
            return out;
        })"""
    )


def quiz_problems(page) -> list[str]:
    """Every quiz (``section.sc-quiz``, from sciatica_course/quiz/render.py) was started by
    sciatica-quiz.js and answers: its score line is the script's, each question has controls, a
    Check button and a live feedback region, and checking the first question gives feedback."""
    problems = page.evaluate(
        """() => [...document.querySelectorAll('section.sc-quiz')].flatMap(q => {
            const name = q.dataset.stem || q.id;
            const out = [];
            const score = q.querySelector('.sc-quiz-score');
            if (!score || !/answered/.test(score.textContent)) out.push(name + ': quiz script did not start');
            const forms = q.querySelectorAll('form.sc-q');
            if (!forms.length) out.push(name + ': no questions');
            forms.forEach(f => {
                const id = name + '/' + f.dataset.qid;
                if (!f.querySelector('.sc-q-body input, .sc-q-body select')) out.push(id + ': no answer controls');
                if (!f.querySelector('button.sc-q-check')) out.push(id + ': no Check button');
                const fb = f.querySelector('.sc-q-feedback');
                if (!fb || !fb.getAttribute('aria-live')) out.push(id + ': no aria-live feedback');
            });
            return out;
        })"""
    )
    quizzes = page.locator("section.sc-quiz")
    for i in range(quizzes.count()):
        form = quizzes.nth(i).locator("form.sc-q").first
        choice = form.locator(".sc-q-body input[type=radio], .sc-q-body input[type=checkbox]").first
        if choice.count():
            choice.check()
        form.locator("button.sc-q-check").click()
        feedback = form.locator(".sc-q-feedback")
        try:
            feedback.locator(".sc-fb-mark").wait_for(timeout=5_000)
        except Exception:  # noqa: BLE001 - reported below
            pass
        text = feedback.inner_text() if feedback.count() else ""
        if not re.search(r"Correct\.|Not quite\.|Check your answer\.", text):
            problems.append(f"quiz {i}: checking an answer gave no feedback ({text!r})")
    return problems


@pytest.mark.parametrize("path", PAGES)
def test_page_offline_clean_drawn_accessible(book_server, chromium, path):
    log = PageLog()
    page = new_page(chromium, log, **PHONE)
    try:
        page.goto(book_server + path, wait_until="load")
        problems = draw_every_figure(page)
        problems += figure_text_problems(page)
        problems += quiz_problems(page)
        page.wait_for_load_state("networkidle")
        problems += axe_serious(page)
        # Nothing is left half-loaded: every local request succeeded.
        problems += [f"blocked request to another host: {u}" for u in log.blocked]
        problems += [f"console error: {m}" for m in log.console_errors]
        problems += [f"page error: {m}" for m in log.page_errors]
    finally:
        page.context.close()
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def test_pages_list_covers_the_toc(built_book):
    """The parametrised list is the TOC: every page is checked, including new chapters."""
    html = built_book["html"]
    built = {p.relative_to(html).as_posix() for p in html.rglob("*.html") if "_static" not in p.parts}
    missing = [p for p in PAGES if p not in built]
    assert not missing, f"pages in the TOC but not built: {missing}"
    # Every built content page (outside the TOC-less redirect index.html) is in PAGES.
    unchecked = sorted(built - set(PAGES) - {"index.html"})
    assert not unchecked, f"built pages the browser test does not visit: {unchecked}"


def test_every_figure_has_a_text_alternative_in_the_html(built_book):
    """Before any script runs (and for print and screen readers): role=img, a label, a table."""
    html = built_book["html"]
    for rel in PAGES:
        text = (html / rel).read_text(encoding="utf-8")
        for fig in re.findall(r'<figure class="sc-figure".*?</figure>', text, flags=re.S):
            key = re.search(r'data-figure-key="([^"]*)"', fig)
            where = f"{rel}: {key.group(1) if key else fig[:80]}"
            assert re.search(r'class="sc-plot" role="img" aria-label="[^"]{20,}"', fig), (
                f"{where}: no labelled role=img")
            assert re.search(r"<details[^>]*>.*<table.*<th", fig, flags=re.S), f"{where}: no table in details"


def test_theme_assets_are_lean(built_book):
    """The page head loads none of the assets the trim removes (see theme_trim.py)."""
    html = built_book["html"]
    for rel in PAGES:
        head = (html / rel).read_text(encoding="utf-8").split("</head>")[0]
        assert "fontawesome.js" not in head, rel
        assert "sphinx-thebe" not in head and "THEBE_JS_URL" not in head, rel
        blocking = [t for t in re.findall(r"<link[^>]*rel=\"stylesheet\"[^>]*>", head) if 'media="print"' not in t]
        assert len(blocking) == 1, f"{rel}: {len(blocking)} render-blocking stylesheets: {blocking}"
        for href in re.findall(r'href="([^"?]+\.css)', head):
            assert (html / rel).parent.joinpath(href).resolve().is_file(), f"{rel} links a missing {href}"
        if rel != "search.html":
            assert "searchindex.js" not in head, rel
        # MathJax only where a page has math (and then it must be local: the request check fails otherwise).
        if "mathjax" in head.lower():
            assert 'class="math' in (html / rel).read_text(encoding="utf-8"), f"{rel} loads MathJax without math"


def test_every_icon_class_has_an_icon(built_book):
    """Icons are CSS masks (no icon font): every fa-* icon on a page must have a rule."""
    html = built_book["html"]
    bundles = list((html / "_static" / "styles").glob("sciatica-*.css"))
    assert len(bundles) == 1, bundles
    css = bundles[0].read_text(encoding="utf-8")
    assert "@font-face" not in css or "Font Awesome" not in css
    not_icons = {"solid", "regular", "brands", "lg", "sm", "xs", "fw"}
    used = set()
    for rel in PAGES:
        for cls in re.findall(r'class="([^"]*\bfa-[^"]*)"', (html / rel).read_text(encoding="utf-8")):
            used |= {c[3:] for c in cls.split() if c.startswith("fa-")} - not_icons
    missing = sorted(n for n in used if f".fa-{n}::before{{--sc-icon:" not in css)
    assert not missing, f"icons with no CSS rule: {missing}"


def test_icon_buttons_have_accessible_names(book_server, chromium):
    """Buttons and links that show only an icon keep a name a screen reader can say."""
    log = PageLog()
    page = new_page(chromium, log, **PHONE)
    try:
        page.goto(book_server + PAGES[1], wait_until="load")
        nameless = page.evaluate(
            """() => [...document.querySelectorAll('button, a')].filter(el => {
                if (!el.querySelector('i.fa-solid, i.fa-brands, i.fa-regular, span.fa-solid')) return false;
                const txt = (el.textContent || '').trim();
                const name = el.getAttribute('aria-label') || el.getAttribute('title') || txt
                    || el.getAttribute('data-bs-title') || '';
                return !name.trim();
            }).map(el => el.outerHTML.slice(0, 120))"""
        )
        # And the icons are drawn: the menu icon has a visible mask, not an empty box.
        drawn = page.evaluate(
            """() => { const i = document.querySelector('.fa-bars');
                       if (!i) return 'no menu icon';
                       const s = getComputedStyle(i, '::before');
                       return (s.maskImage || s.webkitMaskImage || '').startsWith('url(') ? 'ok' : 'no mask'; }"""
        )
    finally:
        page.context.close()
    assert not nameless, nameless
    assert drawn == "ok", drawn
    assert log.clean(), log.report()


def _first_page_with(built_book, marker: str) -> str:
    for rel in PAGES:
        if marker in (built_book["html"] / rel).read_text(encoding="utf-8"):
            return rel
    pytest.fail(f"no page of the book has {marker!r}")


def test_keyboard_reaches_and_answers_a_quiz(built_book, book_server, chromium):
    """Tab alone reaches a quiz answer with a visible focus ring; Space picks it, Tab reaches
    Check, Enter checks it, and the feedback is announced (aria-live). The quiz's own tests
    cover every question type; this checks the keyboard path through the real page."""
    rel = _first_page_with(built_book, 'class="sc-quiz"')
    log = PageLog()
    page = new_page(chromium, log, viewport={"width": 1280, "height": 900})
    focus_js = """() => { const e = document.activeElement; if (!e) return null;
        const s = getComputedStyle(e);
        return { tag: e.tagName, type: e.type || '', inQuiz: !!e.closest('section.sc-quiz form.sc-q'),
                 cls: e.className, outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
                 shadow: s.boxShadow !== 'none' }; }"""
    try:
        page.goto(book_server + rel, wait_until="load")
        info = None
        for _ in range(600):
            page.keyboard.press("Tab")
            info = page.evaluate(focus_js)
            if info and info["inQuiz"] and info["tag"] in {"INPUT", "SELECT"}:
                break
        assert info and info["inQuiz"], f"Tab never reached a quiz answer on {rel} (last focus: {info})"
        assert info["outline"] or info["shadow"], f"no visible focus on the quiz answer: {info}"
        if info["type"] in {"radio", "checkbox"}:
            page.keyboard.press("Space")
        elif info["tag"] == "INPUT":
            page.keyboard.type("1")
        else:
            page.keyboard.press("ArrowDown")
        for _ in range(20):
            page.keyboard.press("Tab")
            info = page.evaluate(focus_js)
            if "sc-q-check" in (info or {}).get("cls", ""):
                break
        assert "sc-q-check" in info["cls"], f"Tab did not reach the Check button: {info}"
        assert info["outline"] or info["shadow"], f"no visible focus on the Check button: {info}"
        page.keyboard.press("Enter")
        form = page.locator("form.sc-q:has(button.sc-q-check:focus)")
        feedback = form.locator(".sc-q-feedback")
        feedback.locator(".sc-fb-mark").wait_for(timeout=5_000)
        assert feedback.get_attribute("aria-live") == "polite"
        assert re.search(r"Correct\.|Not quite\.|Check your answer\.", feedback.inner_text())
    finally:
        page.context.close()
    assert log.clean(), log.report()


def test_book_works_from_a_folder_without_a_server(built_book, chromium):
    """Opened as files (file://): figures draw and quizzes answer on every page. What does not
    work is documented in README.md ("Reading the book without a server"): search lists the
    matching pages but cannot show text snippets, because it fetch()es each page and browsers
    do not allow fetch() from file:// pages."""
    html = built_book["html"]
    for rel in PAGES:
        if rel == "search.html":
            continue
        log = PageLog()
        page = new_page(chromium, log, **PHONE)
        try:
            page.goto((html / rel).as_uri(), wait_until="load")
            problems = draw_every_figure(page) + quiz_problems(page)
        finally:
            page.context.close()
        problems += [f"console error: {m}" for m in log.console_errors] + [f"page error: {m}" for m in log.page_errors]
        assert not problems, f"file:// {rel}:\n  " + "\n  ".join(problems)

    # Search: results are listed; the only errors are the snippet fetches the README describes.
    log = PageLog()
    page = new_page(chromium, log, **PHONE)
    try:
        page.goto((html / "search.html").as_uri() + "?q=sciatica", wait_until="load")
        page.wait_for_function("() => /Search finished/.test(document.body.innerText)", timeout=30_000)
        found = page.locator("#search-results li").count()
    finally:
        page.context.close()
    assert found > 0, "search on file:// found nothing"
    other = [m for m in log.console_errors + log.page_errors
             if not re.search(r"fetch|CORS|ERR_FAILED", m, flags=re.I)]
    assert not other, other
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "without a server" in readme and "snippet" in readme, "README must say what file:// cannot do"

"""Every figure draws in a real browser from a built book page, with every other host blocked.

The chapters are written by others, so this builds its own tiny book in a temporary folder: the
course's ``_config.yml`` and bibliography, an index page and one notebook that calls every figure
function. The page is served on 127.0.0.1 only; each figure is scrolled into view and must become
a drawn plotly figure (``svg.main-svg``), with no blocked request and no console error.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from browser import PageLog, new_page, serve
from sciatica_course import figures
from sciatica_course.sphinx_ext import PLOTLY_BUNDLE

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def figure_book(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("figbook")
    shutil.copy(ROOT / "_config.yml", src / "_config.yml")
    (src / "book").mkdir()
    shutil.copy(ROOT / "book" / "references.bib", src / "book" / "references.bib")
    # files the configuration names by path (the favicon), so the build finds them as in the course
    favicon = re.search(r"^\s*favicon:\s*(\S+)", (ROOT / "_config.yml").read_text(encoding="utf-8"), re.M)
    if favicon:
        (src / favicon.group(1)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / favicon.group(1), src / favicon.group(1))
    (src / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: figures\n")
    (src / "index.md").write_text("# Figure test book\n\nEvery course figure, on one page.\n")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_markdown_cell("# All figures"))
    nb.cells.append(nbformat.v4.new_code_cell("from sciatica_course import figures",
                                              metadata={"tags": ["remove-input"]}))
    for f in figures.ALL_FIGURES:
        nb.cells.append(nbformat.v4.new_markdown_cell(f"## {f.__name__}"))
        nb.cells.append(nbformat.v4.new_code_cell(f"figures.{f.__name__}()", metadata={"tags": ["hide-input"]}))
    nbformat.write(nb, src / "figures.ipynb")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run([str(jb), "build", str(src), "-W", "-n", "--keep-going"], cwd=src, capture_output=True,
                          text=True, timeout=900, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return src / "_build" / "html"


def test_every_figure_is_drawn_offline(figure_book, chromium):
    html = (figure_book / "figures.html").read_text(encoding="utf-8")
    assert html.count('class="sc-plot"') == len(figures.ALL_FIGURES)
    assert "cdn.plot.ly" not in html and "cdn.jsdelivr" not in html
    assert html.count("Plotly.newPlot") == 0  # plotly.js is not inlined: the page script loads the basic bundle
    assert (figure_book / "_static" / PLOTLY_BUNDLE).is_file()
    assert not (figure_book / "_static" / "plotly.min.js").exists()

    log = PageLog()
    requests: list[str] = []
    with serve(figure_book) as url:
        page = new_page(chromium, log, viewport={"width": 1000, "height": 800})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url + "figures.html", wait_until="networkidle")
        keys = draw_every_figure(page, log)
        assert keys == [f.__name__ for f in figures.ALL_FIGURES]
        # Plotly's own buttons work without a kernel: switch the Cherkin figure to the second outcome.
        cherkin = page.locator('figure[data-figure-key="cherkin_2011"] .sc-plot')
        cherkin.scroll_into_view_if_needed()
        cherkin.locator("g.updatemenu-button", has_text="Bothersomeness").click()
        page.wait_for_function(
            "() => document.querySelector('figure[data-figure-key=\"cherkin_2011\"] .xtitle')"
            ".textContent.includes('Bothersomeness')", timeout=10_000)
        page.context.close()
    assert log.clean(), log.report()
    plotly_loads = [r for r in requests if "plotly" in r.rsplit("/", 1)[-1]]
    assert len(plotly_loads) == 1 and plotly_loads[0].endswith("/_static/" + PLOTLY_BUNDLE), plotly_loads


def chapters_with_figures() -> list[str]:
    """Chapter notebooks whose code calls a figure function (found in their source)."""
    out = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(c.cell_type == "code" and "figures." in c.source for c in nb.cells):
            out.append(path.stem)
    return out


def draw_every_figure(page, log: PageLog) -> list[str]:
    plots = page.locator(".sc-plot")
    keys = []
    for i in range(plots.count()):
        div = plots.nth(i)
        key = div.evaluate("d => d.closest('figure').dataset.figureKey")
        div.scroll_into_view_if_needed()
        page.wait_for_function("d => d.dataset.drawn === 'yes' || d.dataset.drawn === 'failed'",
                               arg=div.element_handle(), timeout=30_000)
        assert div.get_attribute("data-drawn") == "yes", f"{key} was not drawn: {log.report()}"
        assert div.locator("svg.main-svg").count() >= 1, key
        # No button that leaves the machine: plotly.js 4 offers "Share chart" (upload to a cloud
        # service) unless the config turns it off. The mode bar itself must exist for this to mean anything.
        assert div.locator(".modebar-btn").count() >= 1, f"{key}: no mode bar"
        leaving = div.locator('.modebar-btn[data-title*="Share"], .modebar-btn[data-title*="Chart Studio"], '
                              '.modebar-btn[data-attr*="Cloud"], a[href^="http"]:not([href*="127.0.0.1"])')
        assert leaving.count() == 0, f"{key}: a mode-bar button or link leaves the machine"
        keys.append(key)
    return keys


@pytest.mark.parametrize("viewport", [{"width": 1000, "height": 800}, {"width": 390, "height": 800}],
                         ids=["desktop", "phone"])
def test_course_chapters_draw_their_figures(book_server, chromium, viewport):
    """The built course: every chapter that calls a figure shows it drawn, offline, at two widths."""
    stems = chapters_with_figures()
    if not stems:
        pytest.skip("no chapter calls a figure yet")
    seen = []
    for stem in stems:
        log = PageLog()
        page = new_page(chromium, log, viewport=viewport)
        page.goto(book_server + f"notebooks/{stem}.html", wait_until="networkidle")
        keys = draw_every_figure(page, log)
        assert keys, f"{stem}: the notebook calls a figure but the page has none"
        seen += keys
        page.context.close()
        assert log.clean(), f"{stem}: {log.report()}"
    assert len(seen) == len(set(seen))

"""Slides: layout made from the notebook's headings; decks build offline and read on a projector."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from sciatica_course.classroom import slides

ROOT = Path(__file__).resolve().parents[1]
STEM = "05-how-massage-might-help"  # has headings, figures and a quiz


def test_slide_types_follow_the_notebook_structure():
    nb = new_notebook(cells=[
        new_markdown_cell("# Title\n\nIntro"),
        new_code_cell("from sciatica_course import figures", metadata={"tags": ["remove-cell"]}),
        new_markdown_cell("(fig-x)="),
        new_markdown_cell("## A section\n\ntext"),
        new_markdown_cell("More about it."),
        new_code_cell("figures.x()", outputs=[new_output("display_data", data={"text/html": "<p>fig</p>"})]),
        new_code_cell("import os", outputs=[]),
        new_code_cell("quiz('x')"),
    ])
    nb.cells[6]["outputs"] = []
    nb.cells[6]["execution_count"] = 1
    types = slides.add_slide_metadata(nb)
    # executed set-up code with no output is skipped; an unexecuted call stays (RISE runs it live)
    assert types == ["slide", "skip", "skip", "slide", "subslide", "subslide", "skip", "subslide"]
    assert nb.cells[0].metadata.slideshow.slide_type == "slide"


def test_myst_becomes_plain_markdown_for_slides():
    md = ("(fig-a)=\n```{admonition} In this chapter you will\n:class: tip\n- one\n```\n"
          "See {cite}`koes2007,day1987` and {term}`Sciatica`, {doc}`04-causes`, {ref}`the figure <fig-a>`.")
    out = slides.myst_to_markdown(md)
    assert "(fig-a)=" not in out and "{" not in out and ":class:" not in out
    assert "> **In this chapter you will**" in out and "> - one" in out
    assert "(Koes et al. 2007; Day et al. 1987)" in out and "Sciatica" in out and "the figure" in out
    # a question whose answer is a dropdown in the book: the answer waits for a click on the slide
    drop = slides.myst_to_markdown(":::{admonition} What should she do?\n:class: dropdown\nGo now.\n:::")
    assert drop.startswith("> **What should she do?**") and '<div class="fragment">\n\nGo now.\n\n</div>' in drop
    assert slides.myst_to_markdown("```{dropdown} What should she do?\nGo now.\n```") == drop


def test_metadata_only_writes_rise_metadata_and_keeps_the_rest(tmp_path, monkeypatch):
    src = ROOT / "notebooks" / f"{STEM}.ipynb"
    monkeypatch.setattr(slides, "NOTEBOOKS_DIR", tmp_path)
    (tmp_path / src.name).write_bytes(src.read_bytes())
    types = slides.write_metadata(STEM)
    nb = nbformat.read(tmp_path / src.name, as_version=4)
    before = nbformat.read(src, as_version=4)
    assert [c.source for c in nb.cells] == [c.source for c in before.cells]
    headings = sum(1 for c in before.cells if c.cell_type == "markdown" and re.match(r"#{1,3} ", c.source))
    assert types.count("slide") == headings
    assert all("slide_type" in c.metadata.get("slideshow", {}) for c in nb.cells)


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    if not (ROOT / "sciatica_course" / "data" / "questions" / f"{STEM}.yaml").exists():
        pytest.skip("no question bank for this chapter yet")
    out = tmp_path_factory.mktemp("slides")
    proc = subprocess.run([sys.executable, "-m", "sciatica_course", "slides", "--out", str(out), STEM],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def test_deck_is_self_contained(deck):
    html = (deck / f"{STEM}.slides.html").read_text()
    loaded = re.findall(r"<(?:script|img|link|iframe)[^>]+(?:src|href)=\"([^\"]+)\"", html)
    assert loaded, "the deck loads its scripts from files next to it"
    for url in loaded:
        assert not re.match(r"(https?:)?//", url), f"loads {url} from another host"
        assert (deck / url).is_file(), f"{url} is not shipped next to the deck"
    assert "require(" not in html and "MathJax.js" not in html
    nb = nbformat.read(ROOT / "notebooks" / f"{STEM}.ipynb", as_version=4)
    headings = sum(1 for c in nb.cells if c.cell_type == "markdown" and re.match(r"#{1,3} ", c.source))
    assert html.count('<section><section>') + html.count("<section>\n<section>") >= 1
    assert len(re.findall(r"<h[12][ >]", html)) == headings


@pytest.mark.browser
def test_deck_reads_on_a_projector_and_draws_its_figures(deck, chromium):
    from browser import PageLog, new_page, serve

    with serve(deck) as url:
        log = PageLog()
        page = new_page(chromium, log, viewport={"width": 1280, "height": 800})
        page.goto(url + f"{STEM}.slides.html")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        sizes = page.evaluate("""() => {
            const px = el => parseFloat(getComputedStyle(el).fontSize) * Reveal.getScale();
            return {h1: px(document.querySelector('.reveal h1')), p: px(document.querySelector('.reveal section p'))};
        }""")
        assert sizes["h1"] >= 48 and sizes["p"] >= 26, sizes  # large type at 1280x800
        # go to the first figure's slide and wait for plotly to draw it
        index = page.evaluate("""() => {
            const fig = document.querySelector('.sc-plot');
            const sec = fig.closest('.slides > section > section, .slides > section');
            return Reveal.getIndices(sec);
        }""")
        page.evaluate(f"Reveal.slide({index['h']}, {index['v'] or 0})")
        page.wait_for_selector(".present .sc-plot.sc-plot-drawn svg.main-svg", timeout=20000)
        box = page.locator(".present .sc-plot").bounding_box()
        assert box["width"] > 600 and box["height"] > 300, box  # figures fill the slide
        assert log.clean(), log.report()

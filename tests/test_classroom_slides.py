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
from sciatica_course.course import CHAPTERS

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
    assert "(Koes et al., 2007; Day et al., 1987)" in out and "Sciatica" in out and "the figure" in out
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


def test_points_are_few_and_short_and_the_prose_goes_to_the_notes():
    md = ("Some long opening sentence that says a thing. More detail follows here.\n\n"
          "No.\n\n- first item of a list;\n- second item here.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
          + " ".join(["word"] * 50) + ".")
    assert slides.points(md) == ["Some long opening sentence that says a thing.", "first item of a list",
                                 "second item here."]
    [slide] = slides._points_slide("A heading", md)
    assert "More detail follows here." in slide.notes and "More detail" not in slide.body
    terms = slides.points("- One\n- Two\n- Three\n- Four\n- Five")
    assert terms == ["One \u00b7 Two \u00b7 Three \u00b7 Four \u00b7 Five"]


ALL = [c.stem for c in CHAPTERS]


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    proc = subprocess.run([sys.executable, "-m", "sciatica_course", "slides", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.mark.slow  # decks: `python -m sciatica_course slides` in a subprocess
@pytest.mark.parametrize("stem", ALL)
def test_deck_is_its_own_form_and_self_contained(decks, stem):
    from sciatica_course.classroom import sources

    html = (decks / f"{stem}.slides.html").read_text()
    loaded = re.findall(r"<(?:script|img|link|iframe)[^>]+(?:src|href)=\"([^\"]+)\"", html)
    assert loaded, "the deck loads its scripts from files next to it"
    for url in loaded:
        assert not re.match(r"(https?:)?//", url), f"loads {url} from another host"
        assert (decks / url).is_file(), f"{url} is not shipped next to the deck"
    assert "require(" not in html and "MathJax" not in html
    assert "\u00b6" not in html and "anchor-link" not in html  # no heading anchors
    assert "sc-quiz" not in html  # the quiz is not a slide; its questions are
    sections = [(k, b.split('<aside class="notes">')[0])
                for k, b in re.findall(r'<section class="sc-slide sc-slide-(\w+)">(.*?)</section>', html, re.DOTALL)]
    kinds = [k for k, _ in sections]
    assert kinds[0] == "title" and html.count("<h1>") == 1
    assert kinds.count("figure") == len(sources.figure_calls(stem))
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    drops = sum(1 for c in nb.cells if c.cell_type == "markdown" and slides._dropdown(c.source))
    questions = [b for k, b in sections if k == "question"]
    assert len(questions) >= drops
    for body in questions:  # the answer waits for the next click
        assert body.count('class="fragment sc-slide-answer"') == 1
        assert body.index("sc-slide-question") < body.index("fragment")
    for kind, body in sections:
        if kind == "points":
            assert body.count("<li>") <= slides.MAX_POINTS
            assert len(re.sub(r"<[^>]+>", " ", body).split()) <= slides.MAX_SLIDE_WORDS + 40
    # the prose is in the speaker notes
    notes = " ".join(re.findall(r'<aside class="notes">(.*?)</aside>', html, re.DOTALL))
    prose = next(c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## "))
    last_words = " ".join(slides.myst_to_markdown(prose).split()[-6:]).rstrip(".")
    last_words = re.sub(r"[*`]", "", last_words)
    assert re.sub(r"<[^>]+>", "", last_words)[:20] in re.sub(r"<[^>]+>|[*`]", "", notes)


@pytest.mark.browser
def test_every_slide_fits_1280x720_and_reads_on_a_projector(decks, chromium):
    from browser import PageLog, new_page, serve

    with serve(decks) as url:
        log = PageLog()
        page = new_page(chromium, log, viewport={"width": 1280, "height": 720})
        too_tall = []
        for stem in ALL:
            page.goto(url + f"{stem}.slides.html")
            page.wait_for_function("window.Reveal && Reveal.isReady()")
            sizes = page.evaluate("""() => {
                const out = [];
                Reveal.getSlides().forEach((s, i) => {
                    Reveal.slide(i, 0, 99);  // every fragment shown: the answer too
                    out.push([i, s.scrollHeight, s.scrollWidth, (s.querySelector('h1, h2') || {}).textContent || '']);
                });
                return out;
            }""")
            too_tall += [(stem, i, h, w, title) for i, h, w, title in sizes if h > 720 or w > 1280]
        assert not too_tall, too_tall
        # large type at 1280x720; a question's answer is hidden until the next click
        page.goto(url + "03-anatomy.slides.html")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        px = page.evaluate("""() => {
            const px = el => parseFloat(getComputedStyle(el).fontSize) * Reveal.getScale();
            return {h1: px(document.querySelector('.reveal h1')), li: px(document.querySelector('.reveal section li'))};
        }""")
        assert px["h1"] >= 48 and px["li"] >= 26, px
        q = page.evaluate("Reveal.getSlides().findIndex(s => s.classList.contains('sc-slide-question'))")
        page.evaluate(f"Reveal.slide({q}, 0, -1)")
        answer = page.locator(".present .sc-slide-answer")
        assert page.evaluate("getComputedStyle(document.querySelector('.present .sc-slide-answer')).opacity") == "0"
        page.keyboard.press("ArrowRight")
        page.wait_for_function("getComputedStyle(document.querySelector('.present .sc-slide-answer')).opacity === '1'")
        assert answer.is_visible()
        # a figure is drawn on its slide, filling it
        f = page.evaluate("Reveal.getSlides().findIndex(s => s.classList.contains('sc-slide-figure'))")
        page.evaluate(f"Reveal.slide({f})")
        page.wait_for_selector(".present .sc-plot.sc-plot-drawn svg.main-svg", timeout=20000)
        box = page.locator(".present .sc-plot").bounding_box()
        assert box["width"] > 600 and box["height"] > 300, box
        assert log.clean(), log.report()

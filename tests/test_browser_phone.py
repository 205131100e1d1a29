"""Every course figure fits a phone (issue 12): 360 x 740 and 390 x 844, Debian chromium, touch.

Runs on the built course (the ``book_server`` fixture; SCIATICA_BOOK_PREBUILT=1 reuses a build). For
every page with a figure and every plotly figure on it, the test draws the figure and measures the
bounding boxes of the texts a reader must be able to read: the title (``gtitle``), the axis titles
(``xtitle``, ``ytitle``, ``x2title`` ...), the subplot titles and boxed notes (annotations), and the
buttons of the figure's own menus; and of the two things that can cover them: the legend and
plotly's mode bar (on a touch screen plotly shows the mode bar all the time). It checks that

- the title, axis titles, legend and mode bar lie inside the figure's box and inside the viewport
  (a text outside the figure's box is cut off: the SVG clips it);
- the legend does not overlap the title, an axis title, an annotation or a menu button;
- the mode bar does not sit on the title, an axis title, an annotation or a menu button;
- each figure's text alternative (its table) fits the screen, or sits in a container that scrolls
  sideways, says so visibly, is reachable by keyboard (``tabindex=0``), is a labelled region and
  really scrolls with the arrow keys.

A screenshot of every figure at each phone width is saved for a person to look at, in
``<book output>/_build/test-artifacts/phone/<page>-<figure>-<width>.png`` (``SCIATICA_BOOK_OUT``
sets the book output folder; ``SCIATICA_TEST_ARTIFACTS=<folder>`` puts them in ``<folder>/phone``
instead), with ``boxes-<width>.json``: every box measured, for comparing before and after a change.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from browser import PageLog, new_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONES = [{"width": 360, "height": 740}, {"width": 390, "height": 844}]
TOLERANCE = 1.0  # px: sub-pixel rounding of text boxes

# Measures one drawn figure. Boxes are viewport coordinates {x, y, r, b}.
MEASURE = r"""
div => {
  const box = el => { const b = el.getBoundingClientRect();
                      return {x: b.left, y: b.top, r: b.right, b: b.bottom}; };
  const seen = el => { const b = el.getBoundingClientRect(); return b.width > 0 && b.height > 0; };
  const texts = [];
  div.querySelectorAll('text').forEach(t => {
    const cls = t.getAttribute('class') || '';
    let kind = null;
    if (cls === 'gtitle') kind = 'title';
    else if (/^[xy]\d*title$/.test(cls)) kind = 'axis title';
    else if (cls === 'annotation-text') kind = 'annotation';
    if (kind && t.textContent.trim() && seen(t))
      texts.push({kind: kind, name: cls, text: t.textContent.trim().slice(0, 60), box: box(t)});
  });
  // Every other text a reader reads: tick labels, the numbers written beside marks and bars.
  div.querySelectorAll('text').forEach(t => {
    const cls = t.getAttribute('class') || '', parent = t.parentNode.getAttribute('class') || '';
    let kind = null;
    if (/^[xy]\d*tick$/.test(parent)) kind = 'tick label';
    else if (/textpoint/.test(parent) || cls === 'bartext') kind = 'data label';
    // a turned tick label's box is a square around it: it cannot tell whether two turned labels touch
    const turned = /rotate\((?!0[,)])/.test((t.getAttribute('transform') || '')
                                            + (t.parentNode.getAttribute('transform') || ''));
    if (kind && t.textContent.trim() && seen(t))
      texts.push({kind: kind, name: parent || cls, text: t.textContent.trim().slice(0, 60), box: box(t),
                  turned: turned});
  });
  div.querySelectorAll('g.updatemenu-button').forEach(g => {
    if (seen(g)) texts.push({kind: 'menu button', name: 'updatemenu-button',
                             text: g.textContent.trim().slice(0, 60), box: box(g)});
  });
  const legendBg = div.querySelector('g.legend > rect.bg');
  const modebar = div.querySelector('.modebar');
  return {
    figure: box(div),
    svg: box(div.querySelector('svg.main-svg')),
    texts: texts,
    legend: legendBg && seen(legendBg) ? box(legendBg) : null,
    modebar: modebar && seen(modebar) ? box(modebar) : null,
  };
}
"""

# The text alternative's table: does it fit, and if not, is its scroll container usable?
TABLE = r"""
(fig, vw) => {
  const table = fig.querySelector('table');
  if (!table) return null;
  const tb = table.getBoundingClientRect();
  const out = {right: tb.right, width: tb.width, fits: tb.right <= vw + 1 && tb.left >= -1};
  let el = table.parentElement, scroller = null;
  while (el && el !== fig.parentElement) {
    const ox = getComputedStyle(el).overflowX;
    if ((ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1) { scroller = el; break; }
    el = el.parentElement;
  }
  if (scroller) {
    const sb = scroller.getBoundingClientRect();
    const label = scroller.getAttribute('aria-label') ||
      (scroller.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
        .map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
    const cs = getComputedStyle(scroller);
    out.scroller = {
      inViewport: sb.left >= -1 && sb.right <= vw + 1,
      tabindex: scroller.getAttribute('tabindex'),
      role: scroller.getAttribute('role'),
      label: label,
      // a visible cue that there is more to the side: a shadow (background gradient) or a hint text
      cue: /gradient/.test(cs.backgroundImage) || !!fig.querySelector('.sc-scroll-hint:not([hidden])'),
      className: scroller.className,
    };
  }
  return out;
}
"""


def artefact_dir(built_book) -> Path:
    base = os.environ.get("SCIATICA_TEST_ARTIFACTS")
    root = Path(base) if base else Path(built_book["html"]).parent / "test-artifacts"
    out = root / "phone"
    out.mkdir(parents=True, exist_ok=True)
    return out


def pages_with_figures(html: Path) -> list[str]:
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                  if "_static" not in p.parts and 'class="sc-plot"' in p.read_text(encoding="utf-8"))


def overlap(a: dict, b: dict) -> bool:
    t = TOLERANCE
    return a["x"] < b["r"] - t and b["x"] < a["r"] - t and a["y"] < b["b"] - t and b["y"] < a["b"] - t


def inside(a: dict, outer: dict) -> bool:
    t = TOLERANCE
    return (a["x"] >= outer["x"] - t and a["r"] <= outer["r"] + t
            and a["y"] >= outer["y"] - t and a["b"] <= outer["b"] + t)


def fmt(b: dict) -> str:
    return f"x {b['x']:.0f}-{b['r']:.0f}, y {b['y']:.0f}-{b['b']:.0f}"


def problems_of(m: dict, width: int) -> list[str]:
    """What is wrong with one figure's measured boxes (empty if it fits)."""
    out = []
    figure = m["figure"]
    screen = {"x": 0, "r": width, "y": -1e9, "b": 1e9}
    checked = [(f"{t['name']} {t['text']!r}", t["box"]) for t in m["texts"] if t["kind"] in ("title", "axis title")]
    if m["legend"]:
        checked.append(("legend", m["legend"]))
    if m["modebar"]:
        checked.append(("mode bar", m["modebar"]))
    for name, b in checked:
        if not inside(b, figure):
            out.append(f"{name} ({fmt(b)}) is outside the figure ({fmt(figure)}): cut off")
        if not inside(b, screen):
            out.append(f"{name} ({fmt(b)}) is outside the {width} px screen")
    # Texts must not run into each other (titles, subplot titles and notes, tick and data labels).
    for i, a in enumerate(m["texts"]):
        if a["kind"] in ("title", "axis title", "annotation") and not inside(a["box"], figure):
            if a["kind"] == "annotation":
                out.append(f"annotation {a['text']!r} ({fmt(a['box'])}) is outside the figure ({fmt(figure)}): cut off")
        for b in m["texts"][i + 1:]:
            if a["kind"] == b["kind"] == "data label":
                continue  # two numbers on one chart may touch where the values are close; not a layout fault
            if a["kind"] == b["kind"] == "tick label" and (a.get("turned") or b.get("turned")):
                continue
            if overlap(a["box"], b["box"]):
                out.append(f"{a['kind']} {a['text']!r} ({fmt(a['box'])}) overlaps {b['kind']} {b['text']!r} "
                           f"({fmt(b['box'])})")
    for cover in ("legend", "modebar"):
        cb = m[cover]
        if not cb:
            continue
        for t in m["texts"]:
            if overlap(cb, t["box"]):
                out.append(f"{cover} ({fmt(cb)}) overlaps {t['kind']} {t['text']!r} ({fmt(t['box'])})")
    if m["legend"] and m["modebar"] and overlap(m["legend"], m["modebar"]):
        out.append(f"mode bar ({fmt(m['modebar'])}) overlaps the legend ({fmt(m['legend'])})")
    return out


def table_problems(t: dict | None) -> list[str]:
    if t is None or t["fits"]:
        return []
    s = t.get("scroller")
    if not s:
        return [f"the text-alternative table ({t['width']:.0f} px wide, right edge at {t['right']:.0f}) "
                "is cut off and is not in a container that scrolls sideways"]
    out = []
    if not s["inViewport"]:
        out.append("the table's scroll container is wider than the screen")
    if s["tabindex"] != "0":
        out.append(f"the table's scroll container ({s['className']!r}) cannot be reached by keyboard (no tabindex=0)")
    if s["role"] != "region" or not s["label"]:
        out.append(f"the table's scroll container is not a labelled region (role={s['role']!r}, label={s['label']!r})")
    if not s["cue"]:
        out.append("nothing shows that the table scrolls sideways (no shadow, no hint)")
    return out


def draw(page, div) -> None:
    div.scroll_into_view_if_needed()
    page.wait_for_function("d => d.dataset.drawn === 'yes' || d.dataset.drawn === 'failed'",
                           arg=div.element_handle(), timeout=30_000)
    assert div.get_attribute("data-drawn") == "yes"
    page.wait_for_timeout(150)  # let a relayout settle


@pytest.mark.parametrize("viewport", PHONES, ids=[f"{p['width']}px" for p in PHONES])
def test_every_figure_fits_a_phone(built_book, book_server, chromium, viewport):
    width = viewport["width"]
    pages = pages_with_figures(Path(built_book["html"]))
    assert pages, "no page in the book has a figure"
    shots = artefact_dir(built_book)
    problems, boxes, n_figures = [], {}, 0
    for rel in pages:
        log = PageLog()
        page = new_page(chromium, log, viewport=viewport, is_mobile=True, has_touch=True, device_scale_factor=2)
        page.goto(book_server + rel, wait_until="networkidle")
        # The theme's sticky page header and "Back to top" button would cover a figure in its screenshot.
        page.add_style_tag(content=".bd-header-article, .bd-header { position: static !important; } "
                                   "#pst-back-to-top { display: none !important; }")
        stem = re.sub(r"\W+", "-", Path(rel).stem)
        plots = page.locator(".sc-plot")
        for i in range(plots.count()):
            div = plots.nth(i)
            key = div.evaluate("d => d.closest('figure').dataset.figureKey")
            draw(page, div)
            n_figures += 1
            m = div.evaluate(MEASURE)
            boxes[f"{stem}/{key}"] = m
            div.screenshot(path=str(shots / f"{stem}-{key}-{width}.png"))
            for p in problems_of(m, width):
                problems.append(f"{stem}/{key}: {p}")
            fig = page.locator(f'figure[data-figure-key="{key}"]')
            t = fig.evaluate(TABLE, width)
            for p in table_problems(t):
                problems.append(f"{stem}/{key}: {p}")
            if t and not t["fits"] and t.get("scroller") and t["scroller"]["tabindex"] == "0":
                # The keyboard really scrolls it: focus the region and press the right arrow.
                region = fig.locator('[role="region"][tabindex="0"]').first
                region.focus()
                before = region.evaluate("e => e.scrollLeft")
                page.keyboard.press("ArrowRight")
                page.wait_for_timeout(300)
                if region.evaluate("e => e.scrollLeft") <= before:
                    problems.append(f"{stem}/{key}: the table's scroll container does not scroll with the keyboard")
        page.context.close()
        assert log.clean(), f"{rel}: {log.report()}"
    (shots / f"boxes-{width}.json").write_text(json.dumps(boxes, indent=1), encoding="utf-8")
    assert n_figures >= 2
    assert not problems, f"{len(problems)} problem(s) at {width} px (screenshots in {shots}):\n" + "\n".join(problems)

"""Printable handouts: per chapter a student sheet and a teacher key, as PDF.

``python -m sciatica_course handouts [--out handouts] [STEM ...]`` writes
``<stem>-student.pdf`` (the questions with space to answer, the chapter's figures as static images
with their captions, no navigation) and ``<stem>-key.pdf`` (the same questions with the answers and
explanations, generated from the question bank). The HTML is rendered by Debian's Chromium
(print to PDF, through Playwright) with a print stylesheet; figures are static SVG made by
plotly + kaleido with the same Chromium. The HTML files are kept next to the PDFs.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import warnings
from pathlib import Path

from .. import bibliography, pages, safety
from ..course import CHAPTERS, Chapter, chapter
from ..data import HANDOUTS_OUT_DIR
from ..display import esc, html_table
from . import sources

OUT_DIR = HANDOUTS_OUT_DIR
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
COURSE = "Sciatica and massage therapy"

# A raw string: the CSS escapes below ("\2013") must reach the browser as written.
PRINT_CSS = r"""
@page { size: A4; margin: 16mm 16mm 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4;
       color: #000; margin: 0; }
header { border-bottom: 2px solid #000; margin-bottom: 8mm; padding-bottom: 2mm; }
header .course { font-size: 9pt; text-transform: uppercase; letter-spacing: 0.05em; }
h1 { font-size: 18pt; margin: 1mm 0; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #666; break-after: avoid; }
.who { display: flex; gap: 10mm; margin-top: 3mm; font-size: 10pt; }
.who span { flex: 1; border-bottom: 1px solid #000; padding-bottom: 1mm; }
.question { break-inside: avoid; margin: 0 0 6mm; }
.question .stem { font-weight: bold; margin: 0 0 2mm; }
.options { list-style: none; padding-left: 0; margin: 0 0 2mm; }
.options li { margin: 1mm 0; padding-left: 8mm; text-indent: -8mm; }
.box { display: inline-block; width: 4mm; height: 4mm; border: 1px solid #000; margin-right: 3mm;
       vertical-align: -0.5mm; }
.lines { margin-top: 2mm; }
.lines div { border-bottom: 1px solid #999; height: 8mm; }
figure { break-inside: avoid; margin: 0 0 6mm; }
figure img { width: 100%; max-height: 110mm; object-fit: contain; border: 1px solid #ccc; }
figcaption { font-size: 9.5pt; margin-top: 1.5mm; }
.correct { font-weight: bold; }
.mark { font-weight: bold; }
.key .options li { padding-left: 0; text-indent: 0; }
.key .options li::before { content: "\2013\00a0"; }
.why { margin: 1mm 0 0; }
.refs { font-size: 9pt; }
.sc-table { border-collapse: collapse; margin: 2mm 0 0; font-size: 9.5pt; break-inside: avoid; }
.sc-table th, .sc-table td { border: 1px solid #666; padding: 1mm 2mm; text-align: left; vertical-align: top; }
.sc-table caption { text-align: left; font-weight: bold; margin-bottom: 1mm; }
.safety { break-inside: avoid; font-size: 10pt; }
.safety .sc-safety { border: 2px solid #000 !important; background: none !important; }
footer { font-size: 8.5pt; color: #333; margin-top: 8mm; border-top: 1px solid #999; padding-top: 2mm; }
"""


# --------------------------------------------------------------------------------------------
# References and citations (plain text for print)

# Roles printed as their text; a citation becomes (Author year); any other role stays as written.
TEXT_ROLES = ("term", "doc", "ref", "numref")


def cite_label(key: str) -> str:
    """"Koes et al., 2007": the book's citation label (sciatica_course.bibliography)."""
    return bibliography.label(key)


def reference(key: str) -> str:
    """The full reference, as the book's reference list prints it."""
    return bibliography.full(key)


def plain(text: str, cited: list[str] | None = None) -> str:
    """One line of MyST as HTML-escaped text (read by :mod:`sciatica_course.pages`): {cite} roles
    become (Author year), and their keys are added to ``cited``; {term}, {doc}, {ref} and {numref}
    roles read as their text; strong and emphasis stay."""
    def role(r: pages.Role) -> str:
        if r.is_citation:
            if cited is not None:
                cited.extend(k for k in r.keys if k not in cited)
            return "(" + "; ".join(cite_label(k) for k in r.keys) + ")"
        return r.text if r.name in TEXT_ROLES else f"{{{r.name}}}`{r.content}`"

    return pages.render_inline(text, role, esc)


# --------------------------------------------------------------------------------------------
# Static figures


# Words that tell a reader to use a control (a button, a slider, the mouse) that paper lacks.
_CONTROL = re.compile(r"\b(?:hover|click|clicking|tap|drag|sliders?|buttons?|pick\b[^.]*\babove|zoom)\b", re.IGNORECASE)


def for_paper(text: str) -> str:
    """Text with every sentence or bracketed aside that refers to an on-screen control removed."""
    text = re.sub(r"\s*\([^()]*\)", lambda m: "" if _CONTROL.search(m.group(0)) else m.group(0), text)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\u2014-])", text)
    return " ".join(x for x in sentences if not _CONTROL.search(re.sub(r"<[^>]+>", " ", x))).strip()


def interactive(fig) -> bool:
    """A figure with plotly buttons or a slider: on paper it prints one view plus its table."""
    return bool(fig.layout.updatemenus or fig.layout.sliders)


def figure_svg(name: str) -> tuple[str, str, str]:
    """(svg text, caption, text alternative) for ``figures.<name>()``, drawn by kaleido."""
    os.environ.setdefault("BROWSER_PATH", CHROMIUM)  # kaleido's Chrome: Debian's chromium
    import plotly.graph_objects as go

    fig = sources.figure(name)
    f = go.Figure(fig.fig)  # a copy: on paper, plotly's buttons and sliders do nothing
    f.layout.updatemenus, f.layout.sliders = (), ()
    # nor do notes that tell the reader to use them ("Pick L4, L5 or S1 above")
    f.layout.annotations = [a for a in f.layout.annotations or () if not _CONTROL.search(a.text or "")]
    width = 900
    height = int(f.layout.height or 450)
    for attempt in range(3):  # the headless browser behind kaleido can drop a call under load
        try:
            with warnings.catch_warnings():  # "kopts ignored when using a server": expected
                warnings.simplefilter("ignore", UserWarning)
                svg = f.to_image(format="svg", width=width, height=height).decode("utf-8")
            break
        except Exception as exc:  # noqa: BLE001 - retried, then reported by name
            last = exc
    else:
        from ..errors import CourseDataError

        raise CourseDataError("sciatica_course/figures.py", name, None,
                              f"could not be drawn as a static image ({type(last).__name__}: {last})")
    return svg, for_paper(fig.caption), for_paper(fig.summary)


def _figure_html(name: str) -> str:
    svg, caption, summary = figure_svg(name)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    table = ""
    fig = sources.figure(name)
    if interactive(fig.fig) or for_paper(fig.caption) != fig.caption.strip():
        # On screen the reader switches views or hovers for details; on paper the table gives them.
        table = html_table(fig.columns, fig.rows, caption="The figure as a table (every view)")
    return (f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{esc(summary)}">'
            f"<figcaption>{plain(caption)}</figcaption>{table}</figure>")


# --------------------------------------------------------------------------------------------
# Pages


def _page(title: str, body: str, ch: Chapter, kind: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>{PRINT_CSS}</style></head>
<body><header><div class="course">{COURSE} · {esc(kind)}</div><h1>{esc(title)}</h1>{body}
<footer>Generated from the course sources (chapter notebook {esc(ch.stem)}.ipynb and question bank
{esc(ch.stem)}.yaml). Education, not medical advice. Content CC BY 4.0.</footer>
</body></html>"""


def _objectives(stem: str) -> str:
    try:
        items = sources.objectives(stem)
    except Exception:
        return ""
    return "<h2>In this chapter you will</h2><ul>" + "".join(f"<li>{plain(o)}</li>" for o in items) + "</ul>"


def student_html(stem: str, with_figures: bool = True) -> str:
    ch = chapter(stem)
    number = [c.stem for c in CHAPTERS].index(stem) + 1
    out = ['<div class="who"><span>Name:</span><span>Date:</span></div></header>', _objectives(stem)]
    names = sources.figure_calls(stem) if with_figures else []
    if names:
        out.append("<h2>Key figures</h2>")
        out += [_figure_html(n) for n in names]
    out.append("<h2>Check your understanding</h2>")
    out.append("<p>Tick the answer you think is right, then explain your choice in a sentence.</p>")
    for n, q in enumerate(sources.key_entries(stem), 1):
        out.append(f'<section class="question"><p class="stem">{n}. {plain(q.text)}</p>')
        if q.options:
            out.append('<ul class="options">' + "".join(
                f'<li><span class="box" aria-hidden="true"></span>{plain(label)}</li>'
                for _, label in q.options) + "</ul>")
        elif q.match_left:
            letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            out.append("<p>Write the letter of the matching choice in each box.</p>")
            out.append('<ul class="options">' + "".join(
                f'<li><span class="box" aria-hidden="true"></span>{plain(left)}</li>'
                for left in q.match_left) + "</ul>")
            out.append('<ul class="options choices">' + "".join(
                f"<li>{letters[i]}. {plain(c)}</li>" for i, c in enumerate(q.match_choices)) + "</ul>")
        elif q.order_items:
            out.append("<p>Number the items in the right order (1 = first).</p>")
            out.append('<ul class="options">' + "".join(
                f'<li><span class="box" aria-hidden="true"></span>{plain(t)}</li>' for t in q.order_items) + "</ul>")
        out.append('<div class="lines" aria-label="space for your answer">'
                   + "<div></div>" * (2 if q.options else 3) + "</div></section>")
    # Every handout carries the course's one red-flag box, rendered from the safety data.
    out.append('<h2>Red flags</h2><section class="safety">' + safety.red_flags_html() + "</section>")
    return _page(f"Chapter {number}: {ch.title}", "\n".join(out), ch, "Student handout")


def key_html(stem: str) -> str:
    ch = chapter(stem)
    number = [c.stem for c in CHAPTERS].index(stem) + 1
    cited: list[str] = []
    out = ['</header><div class="key">', "<h2>Answer key</h2>",
           f"<p>Generated from the question bank {esc(stem)}.yaml. Correct answers are marked CORRECT.</p>"]
    for n, q in enumerate(sources.key_entries(stem), 1):
        correct = set(q.answer)
        out.append(f'<section class="question"><p class="stem">{n}. {plain(q.text)}</p>')
        if q.options:
            items = []
            for value, label in q.options:
                ok = value in correct or label in correct
                items.append(f'<li class="correct">{plain(label)} <span class="mark">(CORRECT)</span></li>' if ok
                             else f"<li>{plain(label)}</li>")
            out.append('<ul class="options">' + "".join(items) + "</ul>")
        else:
            sep = " → " if q.kind == "ordering" else "; "
            out.append(f'<p class="correct">Answer: {plain(sep.join(q.answer))}</p>')
        if q.explanation:
            out.append(f'<p class="why"><em>Why:</em> {plain(q.explanation, cited)}</p>')
        for k in q.cites:
            if k not in cited:
                cited.append(k)
        out.append("</section>")
    if cited:
        out.append('<h2>Sources</h2><ul class="refs">'
                   + "".join(f"<li>{esc(reference(k))}</li>" for k in cited) + "</ul>")
    out.append("</div>")
    return _page(f"Chapter {number}: {ch.title}: teacher key", "\n".join(out), ch, "Teacher key")


# --------------------------------------------------------------------------------------------
# PDF


def render_pdfs(jobs: list[tuple[Path, Path]]) -> None:
    """Print each (html file, pdf file) with one headless Chromium; no request leaves the page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                          else route.abort())
            page = context.new_page()
            for html, pdf in jobs:
                page.goto(html.resolve().as_uri())
                page.emulate_media(media="print")
                page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True,
                         display_header_footer=True, header_template="<span></span>",
                         footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                         '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
        finally:
            browser.close()


def build(stems: list[str], out: Path = OUT_DIR, with_figures: bool = True) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    jobs = []
    os.environ.setdefault("BROWSER_PATH", CHROMIUM)
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)  # one browser for every figure
    try:
        for stem in stems:
            for kind, html in (("student", student_html(stem, with_figures)), ("key", key_html(stem))):
                h = out / f"{stem}-{kind}.html"
                h.write_text(html, encoding="utf-8")
                jobs.append((h, out / f"{stem}-{kind}.pdf"))
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    render_pdfs(jobs)
    return [pdf for _, pdf in jobs]


def add_arguments(parser) -> None:
    parser.add_argument("stems", nargs="*", help="chapters (default: all)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: handouts)")


def run(args) -> int:
    stems = args.stems or [c.stem for c in CHAPTERS]
    for pdf in build(stems, args.out):
        print(f"{pdf} ({pdf.stat().st_size // 1024} KB)")
    return 0

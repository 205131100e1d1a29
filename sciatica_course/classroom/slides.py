"""Slides: present each chapter in class; slides are their own form, made from the chapter.

``python -m sciatica_course slides [--out _build/slides] [STEM ...]`` writes one reveal.js deck per
chapter (``<stem>.slides.html``), read from the chapter notebook, the figures and the question
bank, without running the notebook:

- a title slide (the chapter's question) and the learning objectives;
- one slide per section: its heading and a few short points (the first sentence of each paragraph,
  list items), within a budget of points and words; the section's whole prose goes to the speaker
  notes (press ``S``);
- each figure on its own slide, drawn by the book's own plotly bundle and sized to the slide;
- each "Pause and think" as a question slide whose answer is the next fragment, then two questions
  from the bank the same way, and the teacher's discussion prompts;
- no quiz widget and no heading anchors. Every slide fits 1280x720 without scrolling
  (``tests/test_classroom_slides.py`` measures each one in Chromium).

Everything the deck needs (reveal.js, plotly.js, the course's CSS and figure script) is copied next
to it: nothing loads from a CDN.

``--metadata-only`` writes slide metadata into the notebooks instead (for tools that present a
notebook live from its cell metadata, such as RISE, which the course environment does not ship:
its current release needs a MathJax extension incompatible with JupyterLab 4.6): a markdown cell
that opens with a heading starts a new slide, other markdown cells and visible outputs each get a
sub-slide, set-up cells are skipped. MyST markup (admonitions, ``{cite}``, ``{term}``, labels) becomes plain Markdown.
"""

from __future__ import annotations

import copy
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import pages
from ..course import CHAPTERS
from ..data import NOTEBOOKS_DIR, REVEAL_DIR, SLIDES_CSS, SLIDES_OUT_DIR, STATIC_DIR, VENDOR_DIR

VENDOR = REVEAL_DIR
OUT_DIR = SLIDES_OUT_DIR
SLIDE_LEVELS = range(1, 4)  # a heading of level 1 to 3 starts a slide


# --------------------------------------------------------------------------------------------
# Slide metadata from the notebook's structure


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _visible_output(cell) -> bool:
    for out in cell.get("outputs", []):
        if out.get("output_type") in {"display_data", "execute_result"}:
            return True
        if out.get("output_type") == "stream" and out.get("text", "").strip():
            return True
    return False


def slide_type(cell, previous: str | None) -> str:
    """The RISE/reveal slide type for one cell."""
    if "remove-cell" in _tags(cell):
        return "skip"
    if cell.cell_type == "markdown":
        if not cell.source.strip() or pages.only_labels(cell.source):
            return "skip"  # empty cells and bare MyST labels
        return "slide" if pages.opens_with_heading(cell.source, SLIDE_LEVELS) else "subslide"
    if cell.cell_type == "code":
        if "remove-output" in _tags(cell):
            return "skip"
        if not cell.get("outputs"):
            # not executed (RISE runs it live): show it unless it only sets things up
            return "subslide" if re.search(r"\w+\(.*\)\s*$", cell.source.strip()) else "skip"
        return "subslide" if _visible_output(cell) else "skip"
    return "skip"


def add_slide_metadata(nb) -> list[str]:
    """Set ``metadata.slideshow.slide_type`` on every cell; returns the types, in order."""
    types, previous = [], None
    for cell in nb.cells:
        t = slide_type(cell, previous)
        from nbformat import NotebookNode

        cell.metadata.setdefault("slideshow", NotebookNode())["slide_type"] = t
        types.append(t)
        previous = t
    return types


# --------------------------------------------------------------------------------------------
# MyST -> plain Markdown (slides only; the book keeps MyST), read by sciatica_course.pages

SLIDE_ROLES = ("cite", "cite:p", "cite:t", "term", "doc", "ref", "numref", "download")  # others stay as written


def _cite_text(keys: list[str]) -> str:
    from .handouts import cite_label  # "Koes et al., 2007", the book's label

    return "(" + "; ".join(cite_label(k) for k in keys) + ")"


def _role(r: pages.Role) -> str | None:
    if r.name not in SLIDE_ROLES:
        return None
    if r.is_citation:
        return _cite_text(r.keys)
    if r.text != r.content:  # {ref}`the figure <fig-a>`
        return r.text
    if r.name == "doc":
        return r.content.split("/")[-1]
    return r.content


def _directive(d: pages.Directive) -> str:
    body = myst_to_markdown(d.body)
    title = myst_to_markdown(d.argument).strip()
    if d.name in {"figure", "image"}:
        return body
    if d.dropdown and title:
        # a question with a hidden answer: the answer appears on the next click (a reveal fragment)
        return f"> **{title}**\n\n<div class=\"fragment\">\n\n{body.strip()}\n\n</div>"
    lines = ([f"**{title}**", ""] if title else []) + body.strip().splitlines()
    return "\n".join("> " + ln if ln.strip() else ">" for ln in lines)


def myst_to_markdown(text: str) -> str:
    """Labels dropped, directives as block quotes (a dropdown's answer as the next fragment, a
    figure as its caption), roles as their text and citations as (Author year)."""
    return pages.rewrite(text, role=_role, directive=_directive, label=lambda _label: "")


# --------------------------------------------------------------------------------------------
# The deck: slides in their own form, made from the chapter

MAX_POINTS = 4  # points on one slide
MAX_POINT_WORDS = 34  # a longer sentence goes to the speaker notes only
MAX_SLIDE_WORDS = 80  # words of points on one slide
MAX_ANSWER_WORDS = 40
PLOT_HEIGHT = 660  # px at most of a figure on a 1280x720 slide (with its "figure as text" line)
CHECK_QUESTIONS = 2  # questions from the bank at the end of the deck
SKIP_SECTIONS = {"check your understanding"}  # the quiz: its questions come as question slides
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Slide:
    kind: str  # "title", "points", "figure", "question"
    body: str  # HTML inside the <section>
    notes: str = ""  # HTML for the speaker notes (the chapter's prose)


def _md():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def _inline(text: str) -> str:
    return _md().renderInline(" ".join(text.split()))


def _words(text: str) -> int:
    return len(text.split())


def first_sentence(text: str) -> str:
    return _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]


def _blocks(markdown: str) -> list[tuple[str, list[str]]]:
    """("para", [text]), ("list", [items]), ("table", [lines]) or ("quote", [text]) blocks (code
    and HTML blocks are not points)."""
    return [(kind, parts) for kind, parts in pages.blocks(markdown) if kind in {"para", "list", "table", "quote"}]


def points(markdown: str) -> list[str]:
    """A few short points from a section: the first sentence of each paragraph, list items as they
    are (a list of single words or terms becomes one line), within the slide's budget."""
    found: list[str] = []
    for kind, parts in _blocks(markdown):
        if kind == "table":
            continue
        if kind == "list" and all(_words(_TAG.sub("", i)) <= 4 for i in parts) and len(parts) > MAX_POINTS:
            found.append(" \u00b7 ".join(p.rstrip(";,.") for p in parts))
            continue
        candidates = parts if kind == "list" else [first_sentence(parts[0])]
        for c in candidates:
            c = c.strip().rstrip(";,")
            if c.endswith(":") or not c:
                continue
            if 3 <= _words(c) <= MAX_POINT_WORDS:  # not "No." alone, not a long sentence
                found.append(c)
    out: list[str] = []
    for p in found:
        if len(out) == MAX_POINTS or sum(map(_words, out)) + _words(p) > MAX_SLIDE_WORDS:
            break
        out.append(p)
    return out


def _small_table(markdown: str) -> str:
    """A markdown table short enough to show on the slide (at most 4 rows), else ''."""
    for kind, lines in _blocks(markdown):
        if kind == "table" and len(lines) <= 6 and sum(_words(ln) for ln in lines) <= 90:
            return _md().render("\n".join(lines))
    return ""


def _notes(markdown: str) -> str:
    return _md().render(markdown)


def _heading(level: int, text: str) -> str:
    return f"<h{level}>{_inline(text)}</h{level}>"


def _points_slide(title: str, markdown: str, level: int = 2) -> list[Slide]:
    pts = points(markdown)
    table = _small_table(markdown) if sum(map(_words, pts)) <= 40 else ""
    if len(pts) > 2 and table:
        pts = pts[:2]
    body = _heading(level, title)
    if pts:
        body += "<ul>" + "".join(f"<li>{_inline(p)}</li>" for p in pts) + "</ul>"
    if table:
        body += f'<div class="sc-slide-table">{table}</div>'
    return [Slide("points", body, _notes(markdown))]


def _question_slide(question: str, answer: str) -> Slide:
    q = re.sub(r"^Pause and think:\s*", "", question.strip())
    q = q[:1].upper() + q[1:]
    sentences = _SENTENCE_END.split(" ".join(answer.split()))
    short = ""
    for sentence in sentences:
        if short and _words(short) + _words(sentence) > MAX_ANSWER_WORDS:
            break
        short = f"{short} {sentence}".strip()
    body = (f"<h2>Pause and think</h2><p class=\"sc-slide-question\">{_inline(q)}</p>"
            f'<div class="fragment sc-slide-answer"><p><strong>Answer:</strong> {_inline(short)}</p></div>')
    return Slide("question", body, _notes(answer))


def _dropdown(source: str) -> tuple[str, str] | None:
    """(question, answer) when a markdown cell is a "Pause and think" dropdown and nothing else."""
    d = pages.sole_directive(source)
    if d is None or not d.dropdown or not d.argument.strip():
        return None
    return d.argument.strip(), myst_to_markdown(d.body)


def _figure_slide(name: str) -> Slide:
    from . import sources

    fig = sources.figure(name)
    title = _TAG.sub(" ", fig.fig.layout.title.text or name)
    # the figure draws its own title; the slide's heading is there for screen readers and the outline
    html = for_projector(fig.to_html(), height=PLOT_HEIGHT)
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.DOTALL)
    html = re.sub(r"<figcaption>.*?</figcaption>", "", html, flags=re.DOTALL)
    notes = f"<p>{fig.summary}</p><p>{caption.group(1) if caption else ''}</p>"
    return Slide("figure", f'<h2 class="sc-visually-hidden">{_inline(" ".join(title.split()))}</h2>{html}', notes)


def _check_slides(stem: str) -> list[Slide]:
    from . import sources
    from .handouts import plain

    out = []
    for e in sources.key_entries(stem):
        if len(out) == CHECK_QUESTIONS:
            break
        if e.kind != "single" or not 2 <= len(e.options) <= 4:
            continue
        words = _words(e.text) + sum(_words(label) for _, label in e.options)
        if words > 45:
            continue
        letters = "ABCD"
        right = [i for i, (v, label) in enumerate(e.options) if v in e.answer or label in e.answer]
        if len(right) != 1:
            continue
        why = first_sentence(_TAG.sub("", plain(e.explanation)))
        if _words(why) > 30:
            why = ""
        body = (f'<h2>Check</h2><p class="sc-slide-question">{plain(e.text)}</p><ol type="A" class="sc-slide-options">'
                + "".join(f"<li>{plain(label)}</li>" for _, label in e.options) + "</ol>"
                + '<div class="fragment sc-slide-answer">'
                + f"<p><strong>Answer: {letters[right[0]]}.</strong> {why}</p></div>")
        out.append(Slide("question", body, f"<p>{plain(e.explanation)}</p>"))
    return out


def deck(stem: str) -> list[Slide]:
    """The chapter's slides: title, objectives, one slide per section (points; prose in the notes),
    each figure on its own slide, each "Pause and think" as a question with its answer on the next
    fragment, two questions from the bank, and the teacher's discussion prompts."""
    from ..course import chapter
    from . import sources

    ch = chapter(stem)
    page = pages.read(NOTEBOOKS_DIR / f"{stem}.ipynb")
    slides: list[Slide] = []
    section: list = []  # [level, title, markdown lines]

    def close() -> None:
        if section and section[1].strip().lower() not in SKIP_SECTIONS:
            slides.extend(_points_slide(section[1], "\n".join(section[2]), 2))
        section.clear()

    for cell in page.cells:
        if "remove-cell" in cell.tags:
            continue
        if cell.kind == "code":
            names = sources._FIGURE_CALL.findall(cell.source)
            if names:
                close_first = bool(section)
                if close_first:
                    close()
                slides.extend(_figure_slide(n) for n in names)
            continue
        if cell.kind != "markdown" or not cell.source.strip():
            continue
        drop = _dropdown(cell.source)
        if drop:
            close()
            slides.append(_question_slide(*drop))
            continue
        text = myst_to_markdown(cell.source)
        for heading, rest in pages.split_at_headings(text, SLIDE_LEVELS):
            if heading is not None:
                close()
                if heading.level == 1:
                    intro = rest.replace("> **In this chapter you will**", "")
                    slides.append(Slide("title", f"<h1>{_inline(heading.text)}</h1>"
                                                  f'<p class="sc-slide-lead">{_inline(ch.question)}</p>',
                                        _notes(intro)))
                    try:
                        objectives = sources.objectives(stem)
                    except Exception:  # noqa: BLE001 - a chapter without objectives still gets slides
                        objectives = []
                    if objectives:
                        slides.append(Slide("points", "<h2>In this chapter you will</h2><ul>"
                                            + "".join(f"<li>{_inline(o)}</li>" for o in objectives) + "</ul>"))
                else:
                    section[:] = [heading.level, heading.text, [rest]]
            elif section:
                section[2].append(rest)
    close()
    slides += _check_slides(stem)
    try:
        prompts = sources.teacher_notes(stem).prompts
    except Exception:  # noqa: BLE001 - notes are validated by their own tests
        prompts = []
    if prompts:
        shown = [p for p in prompts if _words(p) <= MAX_POINT_WORDS][:3]
        if shown:
            slides.append(Slide("points", "<h2>Discuss</h2><ul>" + "".join(f"<li>{_inline(p)}</li>" for p in shown)
                                + "</ul>", "".join(f"<p>{_inline(p)}</p>" for p in prompts)))
    return slides


_PLOT_DATA = re.compile(r'(<script type="application/json" class="sc-plot-data">)(.*?)(</script>)', re.DOTALL)


def for_projector(html: str, font_size: int = 16, height: int | None = None, drop_title: bool = False) -> str:
    """A figure's HTML for a slide: larger plot text, a height that fits the slide, the title left
    to the slide's heading, and its "figure as text" part folded away (the presenter can open it)."""
    import json

    if isinstance(html, list):
        html = "".join(html)

    def adapt(m: re.Match) -> str:
        spec = json.loads(m.group(2).replace("<\\/", "</"))
        layout = spec.setdefault("layout", {})
        font = layout.setdefault("font", {})
        font["size"] = max(font.get("size", 12), font_size)
        if height:
            layout["height"] = min(int(layout.get("height") or height), height)
        if drop_title and isinstance(layout.get("title"), dict):
            layout["title"]["text"] = ""
        text = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
        return m.group(1) + text + m.group(3)

    html = _PLOT_DATA.sub(adapt, html)
    if height:
        html = re.sub(r'style="min-height:(\d+)px"',
                      lambda m: f'style="min-height:{min(int(m.group(1)), height)}px"', html)
    return html.replace('<details class="sc-figure-text" open>', '<details class="sc-figure-text">')


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="reveal.js/dist/reveal.css">
<link rel="stylesheet" href="static/sciatica.css">
<link rel="stylesheet" href="reveal.js/dist/theme/sciatica.css">
</head><body>
<div class="reveal"><div class="slides">
{sections}
</div></div>
<script src="reveal.js/dist/reveal.js"></script>
<script src="reveal.js/plugin/notes/notes.js"></script>
<script src="static/sciatica-figures.js"></script>
<script>
Reveal.initialize({{
  controls: true, progress: true, hash: true, transition: "none", slideNumber: "c/t",
  width: 1280, height: 720, margin: 0.04, center: false,
  plugins: [RevealNotes]
}});
/* Figures are drawn when their slide is shown (a hidden slide has no size to draw into). */
Reveal.on("slidechanged", function () {{ window.dispatchEvent(new Event("resize")); }});
</script>
</body></html>
"""


def render(stem: str, slides: list[Slide]) -> str:
    from ..course import chapter
    from ..display import esc

    sections = "\n".join(
        f'<section class="sc-slide sc-slide-{s.kind}">{s.body}'
        + (f'<aside class="notes">{s.notes}</aside>' if s.notes.strip() else "") + "</section>"
        for s in slides)
    return PAGE.format(title=esc(f"{chapter(stem).title}: slides"), sections=sections)


def copy_assets(out: Path) -> None:
    """reveal.js, plotly.js and the course's own CSS/JS, next to the decks (never a CDN)."""
    shutil.copytree(VENDOR, out / "reveal.js", dirs_exist_ok=True)
    (out / "reveal.js" / "dist" / "theme").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SLIDES_CSS, out / "reveal.js" / "dist" / "theme" / "sciatica.css")
    static = out / "static"
    static.mkdir(exist_ok=True)
    for name in ("sciatica.css", "sciatica-figures.js"):
        shutil.copyfile(STATIC_DIR / name, static / name)
    # sciatica-figures.js loads plotly.js from vendor/ next to itself: the basic bundle the book uses.
    shutil.copytree(VENDOR_DIR, static / "vendor", dirs_exist_ok=True)
    (static / "plotly.min.js").unlink(missing_ok=True)  # the full bundle earlier versions copied here


def export(stem: str, out: Path = OUT_DIR) -> Path:
    copy_assets(out)
    path = out / f"{stem}.slides.html"
    path.write_text(render(stem, deck(stem)), encoding="utf-8")
    return path


def write_metadata(stem: str) -> list[str]:
    """Store the slide metadata in the notebook itself (for RISE in JupyterLab); outputs untouched."""
    import nbformat

    path = NOTEBOOKS_DIR / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    before = copy.deepcopy(nb)
    types = add_slide_metadata(nb)
    if nb != before:
        nbformat.write(nb, path)
    return types


def add_arguments(parser) -> None:
    parser.add_argument("stems", nargs="*", help="chapters (default: all), e.g. 05-how-massage-might-help")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: _build/slides)")
    parser.add_argument("--metadata-only", action="store_true",
                        help="write slide metadata into the notebooks for RISE instead of exporting")


def run(args) -> int:
    stems = args.stems or [c.stem for c in CHAPTERS]
    for stem in stems:
        if args.metadata_only:
            types = write_metadata(stem)
            print(f"{stem}: {types.count('slide')} slides, {types.count('subslide')} sub-slides (metadata written)")
        else:
            path = export(stem, args.out)
            print(f"{stem}: {path} ({path.stat().st_size // 1024} KB)")
    return 0

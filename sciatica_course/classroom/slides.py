"""Slides: present each chapter in class, made from the notebook itself.

``python -m sciatica_course slides [--out _build/slides] [STEM ...]`` executes each chapter
notebook, gives every cell slide metadata derived from the notebook's structure (so authors never
maintain it), and exports reveal.js slides with nbconvert. Everything the deck needs (reveal.js,
plotly.js, the course's figure and quiz scripts) is copied next to it: nothing loads from a CDN.

Layout rules (``slide_types``): a markdown cell that opens with a heading starts a new slide; other
markdown cells and visible outputs (figures, quizzes) each get their own sub-slide, so each slide
carries one idea; set-up cells with no output are skipped. MyST markup that nbconvert does not know
(admonitions, ``{cite}``, ``{term}``, labels) is turned into plain Markdown for the slides.

``--metadata-only`` writes the same slide metadata into the notebooks (for presenting live from
JupyterLab with the RISE extension, jupyterlab-rise) instead of exporting.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

from ..course import CHAPTERS
from ..data import NOTEBOOKS_DIR, REPO_DIR, STATIC_DIR

HERE = Path(__file__).resolve().parent
VENDOR = HERE / "vendor" / "reveal.js"
TEMPLATE_DIR = HERE / "templates"
SLIDES_CSS = HERE / "static" / "slides.css"
OUT_DIR = REPO_DIR / "_build" / "slides"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
_HEADING = re.compile(r"^\s*#{1,3}\s+\S")


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
        if not cell.source.strip() or re.fullmatch(r"\s*\([\w-]+\)=\s*", cell.source):
            return "skip"  # empty cells and bare MyST labels
        return "slide" if _HEADING.match(cell.source) else "subslide"
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
# MyST -> plain Markdown (slides only; the book keeps MyST)

_ROLE = re.compile(r"\{(cite|cite:p|cite:t|term|doc|ref|numref|download)\}`([^`]*)`")
_FENCED_DIRECTIVE = re.compile(r"^(?P<fence>```+|:::+)\{(?P<name>[\w-]+)\}[ \t]*(?P<title>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$",
                               re.MULTILINE | re.DOTALL)


def _cite_text(keys: str) -> str:
    from .handouts import cite_label  # "Koes et al. 2007", from references.bib

    return "(" + "; ".join(cite_label(k.strip()) for k in keys.split(",")) + ")"


def _role(m: re.Match) -> str:
    role, text = m.group(1), m.group(2)
    if role.startswith("cite"):
        return _cite_text(text)
    label = re.match(r"^(.*?)\s*<[^>]+>$", text)
    if label:
        return label.group(1)
    if role == "doc":
        return text.split("/")[-1]
    return text


def _directive(m: re.Match) -> str:
    raw = m.group("body").splitlines()
    options = [ln for ln in raw if re.match(r"^:\w[\w-]*:", ln)]
    body = "\n".join(ln for ln in raw if ln not in options)
    title = m.group("title").strip()
    if m.group("name") in {"figure", "image"}:
        return body
    dropdown = m.group("name") == "dropdown" or any(re.match(r"^:class:.*\bdropdown\b", o) for o in options)
    if dropdown and title:
        # a question with a hidden answer: the answer appears on the next click (a reveal fragment)
        return f"> **{title}**\n\n<div class=\"fragment\">\n\n{body.strip()}\n\n</div>"
    lines = ([f"**{title}**", ""] if title else []) + body.strip().splitlines()
    return "\n".join("> " + ln if ln.strip() else ">" for ln in lines)


def myst_to_markdown(text: str) -> str:
    text = re.sub(r"^\([\w-]+\)=\s*$\n?", "", text, flags=re.MULTILINE)
    for _ in range(3):  # nested directives
        text = _FENCED_DIRECTIVE.sub(_directive, text)
    return _ROLE.sub(_role, text)


# --------------------------------------------------------------------------------------------
# Executing and exporting


_PLOT_DATA = re.compile(r'(<script type="application/json" class="sc-plot-data">)(.*?)(</script>)', re.DOTALL)


def for_projector(html: str, font_size: int = 16) -> str:
    """A figure's HTML for a slide: larger plot text, and its "figure as text" part folded away
    (one idea per slide; the presenter can still open it)."""
    import json

    if isinstance(html, list):
        html = "".join(html)

    def bigger(m: re.Match) -> str:
        spec = json.loads(m.group(2).replace("<\\/", "</"))
        layout = spec.setdefault("layout", {})
        font = layout.setdefault("font", {})
        font["size"] = max(font.get("size", 12), font_size)
        text = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
        return m.group(1) + text + m.group(3)

    html = _PLOT_DATA.sub(bigger, html)
    return html.replace('<details class="sc-figure-text" open>', '<details class="sc-figure-text">')


def prepared_notebook(stem: str, execute: bool = True, timeout: int = 300):
    """The chapter notebook, executed, with slide metadata and slide-friendly markdown."""
    import nbformat

    path = NOTEBOOKS_DIR / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    if execute:
        from nbclient import NotebookClient

        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
                       store_widget_state=False).execute()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = myst_to_markdown(cell.source)
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and "text/html" in data:  # the book's form: no widget manager, no plotly mimetype
                data.pop(WIDGET_MIME, None)
                data.pop(PLOTLY_MIME, None)
                data["text/html"] = for_projector(data["text/html"])
    nb.metadata.pop("widgets", None)
    add_slide_metadata(nb)
    return nb


def _exporter():
    from nbconvert import SlidesExporter

    exp = SlidesExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        template_name="sciatica_slides",
        reveal_url_prefix="reveal.js",
        reveal_theme="sciatica",  # static/slides.css, copied as reveal.js/dist/theme/sciatica.css
        reveal_transition="none",
        reveal_scroll=True,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    return exp


def copy_assets(out: Path) -> None:
    """reveal.js, plotly.js and the course's own CSS/JS, next to the decks (never a CDN)."""
    shutil.copytree(VENDOR, out / "reveal.js", dirs_exist_ok=True)
    (out / "reveal.js" / "dist" / "theme").mkdir(parents=True, exist_ok=True)
    # the deck's theme: nbconvert links reveal.js/dist/theme/<reveal_theme>.css
    shutil.copyfile(SLIDES_CSS, out / "reveal.js" / "dist" / "theme" / "sciatica.css")
    static = out / "static"
    static.mkdir(exist_ok=True)
    for f in STATIC_DIR.iterdir():
        if f.suffix in {".css", ".js"}:
            shutil.copyfile(f, static / f.name)
    # sciatica-figures.js loads plotly.js from vendor/ next to itself: the basic bundle the book uses.
    shutil.copytree(STATIC_DIR / "vendor", static / "vendor", dirs_exist_ok=True)
    (static / "plotly.min.js").unlink(missing_ok=True)  # the full bundle earlier versions copied here


def export(stem: str, out: Path = OUT_DIR, execute: bool = True) -> Path:
    nb = prepared_notebook(stem, execute=execute)
    # the course's own scripts (figures, quizzes), next to the deck like in the book's _static
    course_js = sorted(f.name for f in STATIC_DIR.glob("*.js") if f.name != "sciatica-figures.js")
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": stem}, "course_js": course_js})
    copy_assets(out)
    path = out / f"{stem}.slides.html"
    path.write_text(body, encoding="utf-8")
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

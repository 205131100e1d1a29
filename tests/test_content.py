"""Content of every chapter: template, quiz, figures, citations, prose floor, readability, known errors.

These tests read the notebooks as files (no kernel, no build), so they are fast and name the
chapter and the cell that fails. The book build (tests/test_book_build.py) checks that everything
also renders with zero warnings.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from sciatica_course import pages, readability
from sciatica_course.course import CHAPTERS
from sciatica_course.data import BOOK_DIR, CHAPTER_TEMPLATE, GLOSSARY_FILE, NOTEBOOKS_DIR, bib_keys
from test_structure import toc_files

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = NOTEBOOKS_DIR
STEMS = [c.stem for c in CHAPTERS]
BOOK_PAGES = sorted(BOOK_DIR.glob("*.md"))

# Chapters that teach content need real prose; the welcome and review chapters are lighter.
PROSE_FLOOR = {stem: 900 for stem in STEMS}
PROSE_FLOOR.update({"01-welcome": 400, "09-review": 400})
CITE_FLOOR = {stem: 5 for stem in STEMS}
CITE_FLOOR.update({"01-welcome": 1, "09-review": 1})

QUIZ_CALL = re.compile(r"""\bquiz\(\s*["']([^"']+)["']""")
FIGURE_CALL = re.compile(r"\bfigures\.(\w+)\(")
OBJECTIVES_TITLE = "In this chapter you will"

# Known false claims of the source article (see the common brief). Quoting one is allowed only
# inside a "Myth vs evidence" box that corrects it with a citation.
FORBIDDEN = [
    "40% of people",
    "40 % of people",
    "40 per cent of people",
    "40 percent of people",
    "60-70%",
    "who poll",
    "baroreceptor",
    "as effective as nonsteroidal",
    "as effective as nsaid",
    "as effective as anti-inflammatory",
    "five days a week",
    "5 days a week",
    "compression of the piriformis",
]


# --- helpers -----------------------------------------------------------------------------------

def notebook(stem: str):
    path = NB_DIR / f"{stem}.ipynb"
    assert path.exists(), f"notebooks/{stem}.ipynb is missing"
    return nbformat.read(path, as_version=4)


def page_markdown(path: Path) -> str:
    """The prose of a page: a notebook's markdown cells, or a book page's text."""
    if not path.exists():
        pytest.fail(f"{path.name} is missing")
    return markdown_of(path.stem) if path.suffix == ".ipynb" else path.read_text()


# The pages are read by sciatica_course.pages (MyST-Parser's own markdown-it parser), as the book reads them.

def cite_keys(text: str) -> list[str]:
    """Every key cited with {cite}`a,b` in ``text``, in order."""
    return pages.cite_keys(text)


def terms(text: str) -> list[pages.Role]:
    """The {term} roles of ``text``, in order."""
    return pages.roles(text, "term")


def markdown_of(stem: str) -> str:
    path = NB_DIR / f"{stem}.ipynb"
    assert path.exists(), f"notebooks/{stem}.ipynb is missing"
    return pages.read(path).markdown


def fenced_blocks(text: str):
    """(title line, body, (first line, closing line)) of each ``` or ::: fenced block that is not
    inside another one (body without the directive's options)."""
    return [(d.info, d.body, (d.start, d.end - 1)) for d in pages.directives(text, code=True)]


def without_myth_boxes(text: str) -> str:
    """The text minus admonitions titled "Myth ..." (where a false claim is quoted to correct it)."""
    lines = text.splitlines()
    drop = set()
    for title, _body, (start, end) in fenced_blocks(text):
        if re.match(r"^\{admonition\}\s+Myth\b", title):
            drop.update(range(start, end + 1))
    return "\n".join(ln for k, ln in enumerate(lines) if k not in drop)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " "))


def sections(md: str) -> dict[str, str]:
    """Level-2 sections of a chapter's markdown: heading text -> body."""
    return pages.sections(md, 2)


def headings(md: str, levels=(2,)) -> list[str]:
    return [h.text for h in pages.headings(md, levels)]


def glossary_terms() -> set[str]:
    """The terms of book/glossary.md's {glossary} directive (Sphinx's glossary syntax: a term on an
    unindented line, its definition indented below)."""
    blocks = [d.body for d in pages.directives(GLOSSARY_FILE.read_text()) if d.name == "glossary"]
    assert blocks, "book/glossary.md has no {glossary} directive"
    terms = set()
    for body in blocks:
        for line in body.splitlines():
            if line.strip() and not line[0].isspace() and not line.startswith(":"):
                terms.add(line.strip().lower())
    return terms


# --- every chapter -----------------------------------------------------------------------------

@pytest.mark.parametrize("stem", STEMS)
def test_chapter_is_in_the_toc(stem):
    assert f"notebooks/{stem}" in toc_files(), f"{stem} is not listed in _toc.yml"


@pytest.mark.parametrize("stem", STEMS)
def test_chapter_opens_with_title_and_learning_objectives(stem):
    md_cells = [c.source for c in notebook(stem).cells if c.cell_type == "markdown"]
    assert md_cells and md_cells[0].lstrip().startswith("# "), f"{stem}: the first cell must start with '# Title'"
    blocks = [body for title, body, _ in fenced_blocks(md_cells[0]) if OBJECTIVES_TITLE in title]
    assert blocks, f"{stem}: the first cell has no '{OBJECTIVES_TITLE}' admonition"
    items = [ln for ln in blocks[0].splitlines() if re.match(r"^\s*(?:[-*+]|\d+\.)\s+\S", ln)]
    assert 2 <= len(items) <= 4, f"{stem}: {len(items)} learning objectives (want 2 to 4)"


TEMPLATE = CHAPTER_TEMPLATE


def template_headings() -> list[str]:
    """The level-2 headings every chapter has, in order: those of docs/chapter-template.ipynb
    that are not placeholders (<...>). A new chapter starts from that notebook."""
    nb = nbformat.read(TEMPLATE, as_version=4)
    md = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return [h for h in headings(md) if "<" not in h]


def test_the_template_is_a_chapter_skeleton():
    nb = nbformat.read(TEMPLATE, as_version=4)
    first = nb.cells[0].source
    assert first.startswith("# ") and OBJECTIVES_TITLE in first
    assert template_headings() == ["What you need to know first", "Check your understanding", "Summary",
                                   "Key terms", "What's next"]
    quiz_cells = [c for c in nb.cells if c.cell_type == "code" and "quiz(" in c.source]
    assert len(quiz_cells) == 1 and quiz_cells[0].metadata.get("tags") == ["remove-input"]
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert "docs/" not in "".join(toc_files()), "the template is not a page of the book"


@pytest.mark.parametrize("stem", STEMS)
def test_chapter_follows_the_template(stem):
    """Every heading of the template (docs/chapter-template.ipynb) is in the chapter, in the same order."""
    md = markdown_of(stem)
    heads = headings(md, (2, 3))
    wanted = template_headings()
    for h in wanted:
        assert h in heads, f"{stem}: no '## {h}' section (see docs/chapter-template.ipynb)"
    positions = [heads.index(h) for h in wanted]
    assert positions == sorted(positions), f"{stem}: sections out of order (want {' > '.join(wanted)})"


@pytest.mark.parametrize("stem", STEMS)
def test_key_terms_link_to_the_glossary(stem):
    body = sections(markdown_of(stem)).get("Key terms", "")
    assert len(terms(body)) >= 2, f"{stem}: 'Key terms' should link at least 2 glossary terms with {{term}}"


@pytest.mark.parametrize("stem", STEMS)
def test_every_term_role_has_a_glossary_entry(stem):
    glossary = glossary_terms()
    missing = sorted({t.target.lower() for t in terms(markdown_of(stem))} - glossary)
    assert not missing, f"{stem}: {{term}} targets missing from book/glossary.md: {missing}"


@pytest.mark.parametrize("stem", STEMS)
def test_quiz_cell_calls_its_own_bank_and_is_remove_input(stem):
    nb = notebook(stem)
    quiz_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and QUIZ_CALL.search(c.source)]
    assert quiz_cells, f"{stem}: no quiz(...) cell"
    for i, cell in quiz_cells:
        assert QUIZ_CALL.findall(cell.source) == [stem], f"{stem}: cell {i}: quiz call must be quiz({stem!r})"
        assert "remove-input" in cell.metadata.get("tags", []), (
            f"{stem}: cell {i}: quiz cell must be tagged remove-input")
    # The quiz sits in the "Check your understanding" section.
    heading_before = None
    for c in nb.cells[: quiz_cells[0][0]]:
        for h in headings(c.source if c.cell_type == "markdown" else ""):
            heading_before = h
    assert heading_before == "Check your understanding", f"{stem}: the quiz is under {heading_before!r}"


@pytest.mark.parametrize("stem", STEMS)
def test_figures_are_labelled_referenced_tagged_and_exist(stem):
    nb = notebook(stem)
    md = markdown_of(stem)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not FIGURE_CALL.search(cell.source):
            continue
        tags = cell.metadata.get("tags", [])
        assert "hide-input" in tags, f"{stem}: cell {i}: figure cells are tagged hide-input (has {tags})"
        names = FIGURE_CALL.findall(cell.source)
        assert len(names) == 1, f"{stem}: cell {i}: one figure per cell"
        last = [ln for ln in cell.source.splitlines() if ln.strip()][-1]
        assert FIGURE_CALL.search(last), f"{stem}: cell {i}: the figure call must be the cell's last line"
        figures = importlib.import_module("sciatica_course.figures")
        assert callable(getattr(figures, names[0], None)), f"{stem}: cell {i}: figures.{names[0]} does not exist"
        prev = nb.cells[i - 1] if i else None
        assert prev is not None and prev.cell_type == "markdown", f"{stem}: cell {i}: no markdown before the figure"
        last = pages.last_block(prev.source)
        assert last is not None and last.type == "myst_target", (
            f"{stem}: cell {i}: the markdown cell before figures.{names[0]}() must end with a label like (fig-x)="
        )
        label = last.content
        assert any(r.target == label for r in pages.roles(md) if r.name in ("ref", "numref")), (
            f"{stem}: figure label {label!r} is never referred to in the text"
        )


@pytest.mark.parametrize("stem", STEMS)
def test_chapter_cites_its_sources(stem):
    keys = cite_keys(markdown_of(stem))
    assert len(keys) >= CITE_FLOOR[stem], f"{stem}: {len(keys)} citations (want at least {CITE_FLOOR[stem]})"


@pytest.mark.parametrize(
    "path", [NB_DIR / f"{s}.ipynb" for s in STEMS] + BOOK_PAGES, ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_every_cite_key_is_in_the_bibliography(path):
    known = bib_keys()
    used = set(cite_keys(page_markdown(path)))
    missing = sorted(used - known)
    assert not missing, f"{path.name}: citation keys not in book/references.bib: {missing}"


@pytest.mark.parametrize("stem", STEMS)
def test_chapter_is_not_a_stub(stem):
    words = readability.measure(stem, readability.notebook_prose(NB_DIR / f"{stem}.ipynb")).words
    assert words >= PROSE_FLOOR[stem], f"{stem}: {words} words of prose (floor {PROSE_FLOOR[stem]})"


@pytest.mark.parametrize(
    "path", [NB_DIR / f"{s}.ipynb" for s in STEMS] + BOOK_PAGES, ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_no_known_false_claims_from_the_source_article(path):
    text = page_markdown(path)
    if path.suffix == ".ipynb":
        text += "\n".join(c.source for c in notebook(path.stem).cells if c.cell_type == "code")
    plain = normalise(without_myth_boxes(text))
    found = [p for p in FORBIDDEN if p in plain]
    assert not found, f"{path.name}: contains the source article's false claim(s) {found}"
    for title, body, _ in fenced_blocks(text):
        if re.match(r"^\{admonition\}\s+Myth\b", title):
            assert cite_keys(body), f"{path.name}: a 'Myth' box must cite the evidence that corrects it"


def test_myth_box_exemption_is_narrow():
    """Only an admonition titled 'Myth ...' may quote a false claim; anywhere else is caught."""
    quoted = "```{admonition} Myth vs evidence\nMyth: 40% of people have sciatica.\n```\n"
    elsewhere = "```{note}\n40% of people have sciatica.\n```\n"
    assert "40% of people" not in normalise(without_myth_boxes(quoted))
    assert "40% of people" in normalise(without_myth_boxes(elsewhere))
    assert "60-70%" in normalise("A poll said 60\u201370% of adults.")


# --- readability -------------------------------------------------------------------------------

def test_readability_prose_strips_code_directives_citations_and_tables():
    md = (
        "# Heading\n(fig-x)=\nThe nerve is long {cite}`poutoglidou2020`. See {term}`the root <Nerve root>`\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nimport os\n```\n\n```{bibliography}\n:all:\n```\n\n"
        ":::{danger} Act now\nCall for **help**.\n:::\n- first item\n- second item\n"
    )
    prose = readability.markdown_prose(md)
    assert prose.splitlines() == [
        "The nerve is long. See the root.", "Act now.", "Call for help.", "first item.", "second item."
    ]


def test_readability_scores_respond_to_harder_text():
    easy = readability.measure("easy", "The cat sat on the mat. The dog ran to the park. We had fun.")
    hard = readability.measure(
        "hard",
        "Lumbosacral radiculopathy characteristically manifests as dermatomally distributed paraesthesia "
        "accompanied by myotomal weakness and diminished deep tendon reflexes.",
    )
    assert easy.words == 15 and easy.sentences == 3
    assert easy.reading_ease > hard.reading_ease and easy.grade < hard.grade
    assert readability.measure("empty", "").grade is None


def test_readability_report_has_a_row_for_every_chapter():
    rows = readability.report()
    assert [r.name for r in rows] == STEMS
    for r in rows:
        assert r.words > 0 and r.reading_ease is not None and r.grade is not None, r


@pytest.mark.slow  # runs the command in a subprocess
def test_readability_command_prints_every_chapter():
    proc = subprocess.run(
        [sys.executable, "-m", "sciatica_course", "readability"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    for stem in STEMS:
        assert re.search(rf"^\| {re.escape(stem)}\s+\| \d+", proc.stdout, re.MULTILINE), f"no row for {stem}"


@pytest.mark.slow  # runs the command in a subprocess
def test_readability_command_rejects_an_unknown_chapter_in_one_line():
    proc = subprocess.run(
        [sys.executable, "-m", "sciatica_course", "readability", "99-nope"], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: 99-nope.ipynb: no such chapter in notebooks/"

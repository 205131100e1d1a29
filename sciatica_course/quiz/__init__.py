"""Quizzes: one question bank per chapter, a live widget in JupyterLab, a static form in the book.

Notebook use (the cell is tagged ``remove-input``)::

    from sciatica_course.quiz import quiz
    quiz("03-anatomy")

- :mod:`.schema`   loads and validates ``data/questions/<stem>.yaml`` (pydantic);
- :mod:`.grading`  grades answers (plain functions);
- :mod:`.widget`   the ipywidgets quiz for JupyterLab;
- :mod:`.render`   the self-contained HTML form for the book (``static/sciatica-quiz.js``);
- :mod:`.progress` the learner's progress file and the results export;
- :mod:`.review`   confidence marking and the review deck across chapters (``review_deck()``);
- :mod:`.key`      the teachers' answer key.
"""

from __future__ import annotations

from ..display import Dual
from .schema import Bank, load_all, load_bank

__all__ = ["quiz", "Quiz", "review_deck", "ReviewDeck", "load_bank", "load_all"]


class Quiz(Dual):
    """A chapter's quiz: the widget for JupyterLab plus the HTML form for the book, in one output."""

    def __init__(self, bank: Bank, widget=None):
        from .render import quiz_html, quiz_text

        self.bank = bank
        self.quiz_widget = widget
        super().__init__(widget.box if widget is not None else None, quiz_html(bank), quiz_text(bank))

    def __repr__(self) -> str:
        return self.text


def quiz(stem: str, widget: bool = True) -> Quiz:
    """The quiz of one chapter (``stem`` is the notebook's name, e.g. ``"03-anatomy"``)."""
    bank = load_bank(stem)
    qw = None
    if widget:
        from .widget import QuizWidget

        qw = QuizWidget(bank)
    return Quiz(bank, qw)


class ReviewDeck(Dual):
    """The Review page: in JupyterLab the due questions from the progress file (a widget); in the
    book every chapter's questions, of which the script shows those due in this browser."""

    def __init__(self, banks: list[Bank], widget=None):
        from .render import review_html, review_text

        self.banks = banks
        self.review_widget = widget
        super().__init__(widget.box if widget is not None else None, review_html(banks), review_text(banks))

    def __repr__(self) -> str:
        return self.text


def review_deck(widget: bool = True) -> ReviewDeck:
    """The review deck across all chapters (the notebook ``notebooks/review-deck.ipynb``)."""
    from ..course import CHAPTERS

    banks = [load_bank(ch.stem) for ch in CHAPTERS]
    rw = None
    if widget:
        from .widget import ReviewWidget

        rw = ReviewWidget(banks)
    return ReviewDeck(banks, rw)

"""The course bibliography: ``book/references.bib`` read once, with one citation style everywhere.

Every surface asks this module: the book (through the two pybtex styles registered below, which
sphinxcontrib-bibtex uses), JupyterLab (``sciatica_course.lab`` serves :func:`lab_entries`) and the
Python renderers (:func:`label`, :func:`full`).

One style means one rule for a list of authors that ends in ``others`` (BibTeX's way of writing a
list it does not give in full): it is always "et al.", never "and others", in the citation label
("Day et al., 1987") and in the reference list ("J. A. Day et al. Effect of massage ...").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import pybtex.plugin
from pybtex.database import parse_file
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.names import BaseNameStyle, name_part
from pybtex.style.template import FieldIsMissing, join, node, sentence

from .data import BIB_FILE
from .errors import CourseDataError

ET_AL = "et al."


def _is_others(person) -> bool:
    return str(person).strip().lower() == "others"


@node
def course_names(children, context, role, sep=", ", sep2=" and ", last_sep=", and ", other=None, full=True):
    """Formatted names of ``role``; a list ending in ``others`` ends in "et al."

    ``full=False`` (citation labels) shortens three or more names, or any list ending in
    ``others``, to the first name and ``other`` ("et al.").
    """
    if children:
        raise ValueError(children)
    try:
        persons = context["entry"].persons[role]
    except KeyError:
        raise FieldIsMissing(role, context["entry"]) from None
    style = context["style"]
    truncated = bool(persons) and _is_others(persons[-1])
    persons = [p for p in persons if not _is_others(p)]
    fmt = getattr(getattr(style, "person", None), "style_plugin", None)  # sphinxcontrib-bibtex style
    if fmt is not None:
        formatted = [fmt.format(p, style.person.abbreviate) for p in persons]
    else:  # pybtex formatting style
        formatted = [style.format_name(p, style.abbreviate_names) for p in persons]
    suffix = other if other is not None else Text(" ", ET_AL)
    if not full and (truncated or len(formatted) >= 3):
        return Text(join[formatted[:1]].format_data(context), suffix)
    text = join(sep=sep, sep2=sep2, last_sep=last_sep)[formatted].format_data(context)
    return Text(text, suffix) if truncated else text


class SurnameStyle(BaseNameStyle):
    """Surnames only ("van der Windt"), as author-year labels give them. (The same rule as
    sphinxcontrib-bibtex's ``last`` style, written here because a learner's environment has pybtex
    but not sphinxcontrib-bibtex.)"""

    def format(self, person, abbr=True):
        return join[name_part(tie=True)[person.rich_prelast_names], name_part[person.rich_last_names]]


class CourseStyle(PlainStyle):
    """pybtex's ``plain`` reference list, with "et al." for a list ending in ``others``."""

    default_sorting_style = "author_year_title"

    def format_names(self, role, as_sentence=True):
        formatted = course_names(role=role)
        return sentence[formatted] if as_sentence else formatted


def _register() -> None:
    """Make the two styles known to pybtex (and so to sphinxcontrib-bibtex) by name."""
    pybtex.plugin.register_plugin("pybtex.style.formatting", "course", CourseStyle, force=True)
    try:
        from sphinxcontrib.bibtex.plugin import register_plugin
        from sphinxcontrib.bibtex.style.referencing import PersonStyle
        from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
    except ImportError:  # only the book build needs the referencing style
        return

    class CoursePersonStyle(PersonStyle):
        def names(self, role, full):
            return course_names(role=role, sep=self.sep, sep2=self.sep2, last_sep=self.last_sep,
                                other=self.other, full=full)

        def author_or_editor_or_title(self, full):
            return course_names(role="author", sep=self.sep, sep2=self.sep2, last_sep=self.last_sep,
                                other=self.other, full=full)

    class CourseAuthorYearStyle(AuthorYearReferenceStyle):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("person", CoursePersonStyle(other=Text(" ", ET_AL)))
            super().__init__(*args, **kwargs)

    register_plugin("sphinxcontrib.bibtex.style.referencing", "course_author_year", CourseAuthorYearStyle)


_register()


@dataclass(frozen=True)
class Entry:
    key: str
    names: str   # "Cherkin et al." (surnames, as the book's citations give them)
    year: str    # "2011" ("n.d." if the entry has none)
    full: str    # the reference as the book's reference list prints it, as plain text
    url: str     # doi.org or the entry's URL ("" if neither)

    @property
    def label(self) -> str:
        """``Cherkin et al., 2011``: the book's parenthetical citation, without its brackets."""
        return f"{self.names}, {self.year}"

    @property
    def textual(self) -> str:
        """``Cherkin et al. (2011)``: the citation as the subject of a sentence or a source line."""
        return f"{self.names} ({self.year})"


@lru_cache(maxsize=2)
def _entries(path: Path, mtime: float) -> dict[str, Entry]:
    try:
        data = parse_file(str(path))
    except Exception as exc:  # pybtex raises several types for a damaged file
        raise CourseDataError(path.name, None, None, f"cannot be read as BibTeX ({exc})") from None
    style = CourseStyle()
    # Labels use surnames only, as the book's author-year citations do.
    surnames = SimpleNamespace(person=SimpleNamespace(
        style_plugin=SurnameStyle(), abbreviate=True))
    # One text backend for every entry: render_as("text") looks the backend up among the installed
    # packages' entry points on each call (about 10 ms each, 2 s for the bibliography).
    text = pybtex.plugin.find_plugin("pybtex.backends", "text")()
    out = {}
    for formatted in style.format_bibliography(data):
        entry = data.entries[formatted.key]
        year = entry.fields.get("year", "n.d.")
        if "author" in entry.persons:
            names = course_names(role="author", full=False).format_data(
                {"entry": entry, "style": surnames, "bib_data": data}).render(text)
        else:
            names = str(Text(entry.fields.get("title", formatted.key)))
        doi = entry.fields.get("doi", "")
        url = f"https://doi.org/{doi}" if doi else entry.fields.get("url", "")
        out[formatted.key] = Entry(formatted.key, _plain(names), _plain(year),
                                   formatted.text.render(text), url)
    return out


def _plain(text: str) -> str:
    return text.replace("{", "").replace("}", "")


def entries(path: Path = BIB_FILE) -> dict[str, Entry]:
    """Every entry of the bibliography by key, in the reference list's order."""
    return _entries(path, path.stat().st_mtime)


def label(key: str) -> str:
    """``Cherkin et al., 2011``: the book's citation label for ``key`` (the key if unknown)."""
    e = entries().get(key)
    return e.label if e else key


def textual(key: str) -> str:
    """``Cherkin et al. (2011)`` for ``key`` (the key if unknown)."""
    e = entries().get(key)
    return e.textual if e else key


def full(key: str) -> str:
    """The full reference for ``key`` as plain text (the key if unknown)."""
    e = entries().get(key)
    return e.full if e else key

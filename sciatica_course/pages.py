"""One reader for the course's MyST pages: chapter notebooks and the book's ``.md`` pages.

Text is parsed the way the book parses it: with MyST-Parser's own markdown-it parser
(``myst_parser.parsers.mdit.create_md_parser``) and the extensions ``_config.yml`` enables
(``parse.myst_enable_extensions``), so a fence, a ``:::`` colon fence, a role, a target ``(label)=``
or a table is whatever the book sees there. Directive option blocks (``:key: value`` lines or a
``---`` YAML block) are read with MyST-Parser's own option reader.

Everything that reads a page's MyST asks this module:

- :func:`read` -> :class:`Page`: the cells of a notebook (markdown, code, raw; with tags) or a ``.md``
  page as one markdown cell;
- :func:`headings`, :func:`sections`, :func:`split_at_headings`: headings (level, text) and the text
  under each;
- :func:`roles`, :func:`cite_keys`: ``{name}`content``` roles (text, target, citation keys);
- :func:`directives`: fenced directives (name, argument, options, body, nested directives) and, on
  request, plain code fences;
- :func:`labels`: targets ``(label)=``;
- :func:`objectives`: the bullets of the "In this chapter you will" admonition;
- :func:`prose`: the prose a reader reads (for the readability report);
- :func:`blocks`: paragraphs, lists, tables and quotes of a text (for slides);
- :func:`rewrite`, :func:`render_inline`: MyST turned into something else (slides, handouts), construct
  by construct, the rest left as written.

Lines are counted from 0, as markdown-it counts them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .data import CONFIG_FILE, read_yaml
from .errors import CourseDataError

OBJECTIVES_MARK = "In this chapter you will"
# Directives whose body is prose a reader reads (admonitions and their kin); any other directive
# (bibliography, glossary, figure, code ...) is not prose.
PROSE_DIRECTIVES = frozenset({
    "admonition", "note", "warning", "danger", "tip", "important", "caution", "attention", "hint",
    "seealso", "error", "dropdown", "epigraph", "topic", "sidebar", "margin",
})
# Roles that print no words of their own in the book's prose (a citation, an equation number ...).
SILENT_ROLES = ("cite", "footcite", "numref", "eq", "download")
# Directives whose body is not MyST (so it holds no nested directives).
LITERAL_DIRECTIVES = frozenset({
    "code", "code-block", "sourcecode", "code-cell", "literalinclude", "math", "raw", "eval-rst",
    "bibliography", "csv-table", "mermaid",
})
_DIRECTIVE_INFO = re.compile(r"^\{([a-zA-Z0-9_\-+:]{1,36})\}(.*)$")  # as MyST-Parser reads a fence's info
_EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]*)>$", re.DOTALL)  # a role's "text <target>"
_FENCES = ("fence", "colon_fence")


# --------------------------------------------------------------------------------------------
# The parser


@lru_cache(maxsize=1)
def myst_extensions() -> tuple[str, ...]:
    """The MyST extensions the book enables (``parse.myst_enable_extensions`` in ``_config.yml``)."""
    cfg = read_yaml(CONFIG_FILE) or {}
    exts = (cfg.get("parse") or {}).get("myst_enable_extensions") or []
    if not isinstance(exts, list) or not all(isinstance(e, str) for e in exts):
        raise CourseDataError(CONFIG_FILE.name, "parse", "myst_enable_extensions", "must be a list of extension names")
    return tuple(exts)


@lru_cache(maxsize=1)
def parser():
    """MyST-Parser's markdown-it instance, configured as the book configures it."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(myst_extensions())), RendererHTML)


@lru_cache(maxsize=512)
def _tokens(text: str) -> tuple:
    return tuple(parser().parse(text))


def tokens(text: str) -> list:
    """markdown-it block tokens of a MyST text (directive bodies are not parsed: see :attr:`Directive.nested`)."""
    return list(_tokens(text))


# --------------------------------------------------------------------------------------------
# What a page is made of


@dataclass(frozen=True)
class Heading:
    level: int
    text: str  # as written (inline markup kept)
    line: int


@dataclass(frozen=True)
class Role:
    name: str  # "cite:p", "term" ...
    content: str  # as written between the backticks: "pain <Sciatica>"
    line: int

    @property
    def text(self) -> str:
        """What the reader sees of an explicit ``text <target>`` role: ``text``; else the content."""
        m = _EXPLICIT.match(self.content.strip())
        return m.group(1) if m else self.content

    @property
    def target(self) -> str:
        """What the role points at: the ``<target>`` of an explicit role, else the content."""
        m = _EXPLICIT.match(self.content.strip())
        return (m.group(2) if m else self.content).strip()

    @property
    def keys(self) -> list[str]:
        """The citation keys of a ``{cite}`a,b``` role."""
        return [k.strip() for k in self.content.split(",") if k.strip()]

    @property
    def is_citation(self) -> bool:
        return self.name == "cite" or self.name.startswith("cite:")


@dataclass(frozen=True)
class Directive:
    """A fenced block: a directive ``{name} argument`` or (``name`` None) a plain code fence."""

    name: str | None  # None for a plain code fence (``argument`` is then its language)
    argument: str
    options: dict
    body: str  # the content without the option block
    info: str  # everything after the opening fence: "{admonition} Myth vs evidence"
    content: str  # everything between the fences (options and body)
    marker: str  # the opening fence: "```", "::::"
    start: int  # line of the opening fence
    end: int  # line after the closing fence (the text's end if it is never closed)
    body_line: int  # line of the body's first line

    @property
    def classes(self) -> list[str]:
        return str(self.options.get("class") or "").split()

    @property
    def dropdown(self) -> bool:
        """A dropdown in the book: ``{dropdown}`` or an admonition with ``:class: dropdown``."""
        return self.name == "dropdown" or "dropdown" in self.classes

    @property
    def prose(self) -> bool:
        return self.name is not None and self.name.split(":")[0] in PROSE_DIRECTIVES

    @cached_property
    def nested(self) -> list[Directive]:
        """The directives in the body (their lines counted in the enclosing text)."""
        if self.name is None or self.name in LITERAL_DIRECTIVES:
            return []
        return directives(self.body, offset=self.body_line)


@dataclass(frozen=True)
class Label:
    name: str
    line: int


@dataclass
class Cell:
    index: int
    kind: str  # "markdown", "code" or "raw"
    source: str
    tags: list[str] = field(default_factory=list)


@dataclass
class Page:
    path: Path
    cells: list[Cell]

    @property
    def markdown_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.kind == "markdown"]

    @property
    def code_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.kind == "code"]

    @property
    def markdown(self) -> str:
        """The markdown cells, one after another (a blank line between cells)."""
        return "\n\n".join(c.source for c in self.markdown_cells)

    def prose(self) -> str:
        """The prose of every markdown cell (see :func:`prose`)."""
        return "\n".join(p for p in (prose(c.source) for c in self.markdown_cells) if p)


def _name(path: Path) -> str:
    try:
        from .data import REPO_DIR

        return path.resolve().relative_to(REPO_DIR).as_posix()
    except ValueError:
        return path.name


def read(path: Path) -> Page:
    """A chapter notebook's cells, or a ``.md`` page as one markdown cell.

    A file that cannot be read is a CourseDataError naming it (and the cell whose source is not text).
    """
    path = Path(path)
    if path.suffix != ".ipynb":
        try:
            return Page(path, [Cell(0, "markdown", path.read_text(encoding="utf-8"))])
        except OSError as exc:
            raise CourseDataError(_name(path), None, None, f"cannot be read ({exc.strerror})") from None
    return _read_notebook(path, path.stat().st_mtime_ns if path.is_file() else 0)


@lru_cache(maxsize=64)
def _read_notebook(path: Path, mtime: int) -> Page:
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises several types; report one line
        raise CourseDataError(path.name, None, None, f"is not a readable notebook ({exc.__class__.__name__})") from None
    cells = []
    for i, cell in enumerate(nb.cells):
        if not isinstance(cell.get("source"), str):
            raise CourseDataError(path.name, f"cell {i}", "source", "is not text")
        tags = list(cell.get("metadata", {}).get("tags", []))
        cells.append(Cell(i, cell.get("cell_type", ""), cell.source, tags))
    return Page(path, cells)


# --------------------------------------------------------------------------------------------
# Questions a text answers


def _inline_tokens(toks) -> Iterator:
    for t in toks:
        if t.type == "inline":
            yield t


def headings(text: str, levels: range | tuple = range(1, 7)) -> list[Heading]:
    """The headings of a text (outside fences), with their level, text as written and line."""
    toks = _tokens(text)
    out = []
    for i, t in enumerate(toks):
        if t.type == "heading_open" and int(t.tag[1:]) in levels:
            out.append(Heading(int(t.tag[1:]), toks[i + 1].content.strip(), t.map[0]))
    return out


def split_at_headings(text: str, levels: range | tuple = range(1, 4)) -> list[tuple[Heading | None, str]]:
    """The text cut at each heading of ``levels``: (heading, the text after its line up to the next
    such heading). The text before the first heading comes first, with heading None."""
    lines = text.splitlines(keepends=True)
    heads = headings(text, levels)
    out: list[tuple[Heading | None, str]] = [(None, "".join(lines[: heads[0].line if heads else len(lines)]))]
    for h, nxt in zip(heads, heads[1:] + [None]):
        out.append((h, "".join(lines[h.line + 1: nxt.line if nxt else len(lines)])))
    return out


def sections(text: str, level: int = 2) -> dict[str, str]:
    """Heading text -> the text under it, for the headings of one level (deeper headings stay inside)."""
    return {h.text: body for h, body in split_at_headings(text, (level,)) if h is not None}


def _role_tokens(toks) -> Iterator[tuple[object, object]]:
    """(inline token, myst_role child) of every role outside directives' bodies."""
    for t in _inline_tokens(toks):
        for c in t.children or []:
            if c.type == "myst_role":
                yield t, c


def roles(text: str, name: str | None = None, *, nested: bool = True) -> list[Role]:
    """The roles of a text in order (also inside directives, unless ``nested`` is False).

    ``name`` keeps one kind: ``"cite"`` matches ``{cite}``, ``{cite:p}``, ``{cite:t}`` ...
    """
    found = [Role(c.meta["name"], c.content, t.map[0] if t.map else 0) for t, c in _role_tokens(_tokens(text))]
    if nested:
        for d in directives(text):
            if d.name not in LITERAL_DIRECTIVES:
                found += [Role(r.name, r.content, r.line + d.body_line) for r in roles(d.body)]
        found.sort(key=lambda r: r.line)  # stable: roles of one line keep their order
    if name is not None:
        found = [r for r in found if r.name == name or r.name.startswith(name + ":")]
    return found


def cite_keys(text: str) -> list[str]:
    """Every key cited with ``{cite}`a,b``` (any citation role) in the text, in order, repeats kept."""
    return [k for r in roles(text) if r.is_citation for k in r.keys]


def _options(content: str) -> tuple[dict, str, int]:
    """(options, body, lines taken by the option block), read as MyST-Parser reads them."""
    lines = content.splitlines()
    block: str | None = None
    taken = 0
    if content.startswith("---"):
        for j in range(1, len(lines)):
            if re.match(r"^-{3,}", lines[j]):
                block, taken = "\n".join(lines[1:j]), j + 1
                break
        else:
            block, taken = "\n".join(lines[1:]), len(lines)
        import yaml

        try:
            options = yaml.safe_load(block) or {}
        except yaml.YAMLError:
            options = {}
        options = options if isinstance(options, dict) else {}
        return options, "\n".join(lines[taken:]), taken
    while taken < len(lines) and lines[taken].lstrip().startswith(":"):
        taken += 1
    if not taken:
        return {}, "\n".join(lines), 0
    from myst_parser.parsers.options import TokenizeError, options_to_items

    block = "\n".join(ln.lstrip()[1:] for ln in lines[:taken])
    try:
        items, _state = options_to_items(block)
        options = dict(items)
    except TokenizeError:
        options = {}
    return options, "\n".join(lines[taken:]), taken


def _directive(t, offset: int) -> Directive:
    m = _DIRECTIVE_INFO.match(t.info.strip())
    if not m:
        return Directive(None, t.info.strip(), {}, t.content, t.info.strip(), t.content, t.markup,
                         t.map[0] + offset, t.map[1] + offset, t.map[0] + 1 + offset)
    options, body, taken = _options(t.content)
    return Directive(m.group(1), m.group(2).strip(), options, body, t.info.strip(), t.content, t.markup,
                     t.map[0] + offset, t.map[1] + offset, t.map[0] + 1 + taken + offset)


def directives(text: str, *, code: bool = False, offset: int = 0) -> list[Directive]:
    """The fenced blocks of a text that are not inside another one, in order: directives, and with
    ``code`` also plain code fences. Nested directives are in each one's :attr:`Directive.nested`."""
    return [_directive(t, offset) for t in _tokens(text)
            if t.type in _FENCES and (code or _DIRECTIVE_INFO.match(t.info.strip()))]


def walk(found: list[Directive]) -> Iterator[Directive]:
    """Every directive of a list and, depth first, those nested in it."""
    for d in found:
        yield d
        yield from walk(d.nested)


def labels(text: str) -> list[Label]:
    """The targets ``(label)=`` of a text (also inside directives)."""
    found = [Label(t.content, t.map[0]) for t in _tokens(text) if t.type == "myst_target"]
    for d in directives(text):
        if d.name not in LITERAL_DIRECTIVES:
            found += [Label(x.name, x.line + d.body_line) for x in labels(d.body)]
    return sorted(found, key=lambda x: x.line)


def only_labels(text: str) -> bool:
    """Whether a text holds labels and nothing else (a cell that only places a target)."""
    toks = _tokens(text)
    return bool(toks) and all(t.type == "myst_target" for t in toks)


def opens_with_heading(text: str, levels: range | tuple = range(1, 7)) -> bool:
    """Whether a text's first block is a heading of one of ``levels``."""
    toks = _tokens(text)
    return bool(toks) and toks[0].type == "heading_open" and int(toks[0].tag[1:]) in levels


def sole_directive(text: str) -> Directive | None:
    """The directive a text consists of, if it is one directive and nothing else."""
    toks = [t for t in _tokens(text) if t.level == 0]
    if len(toks) == 1 and toks[0].type in _FENCES and _DIRECTIVE_INFO.match(toks[0].info.strip()):
        return _directive(toks[0], 0)
    return None


def last_block(text: str):
    """The last top-level block token of a text (its type: "myst_target", "paragraph_close" ...), or None."""
    toks = [t for t in _tokens(text) if t.level == 0]
    return toks[-1] if toks else None


def list_items(text: str) -> list[str]:
    """The items of the first list of a text, at its first level: each one's text as written, on one
    line (wrapped lines and paragraphs joined)."""
    toks = _tokens(text)
    start = next((i for i, t in enumerate(toks) if t.type in ("bullet_list_open", "ordered_list_open")), None)
    if start is None:
        return []
    items: list[str] = []
    depth = toks[start].level
    for t in toks[start + 1:]:
        if t.level == depth and t.type in ("bullet_list_close", "ordered_list_close"):
            break
        if t.type == "list_item_open" and t.level == depth + 1:
            items.append("")
        elif t.type == "inline" and t.level == depth + 3 and items:  # a paragraph directly in the item
            items[-1] = " ".join((items[-1] + " " + t.content).split())
    return items


def objectives(text: str) -> list[str]:
    """The bullets of the "In this chapter you will" admonition, as written, without a trailing
    ``;``, ``,``, ``.`` or ``, and`` (they read as one sentence in the notebook)."""
    for d in walk(directives(text)):
        if OBJECTIVES_MARK.lower() in d.argument.lower():
            found = list_items(d.body)
            if found:
                return [re.sub(r"[;,.]\s*(and)?$", "", b).strip() for b in found]
    return []


# --------------------------------------------------------------------------------------------
# Prose (readability)


def _inline_text(children, role_text: Callable[[Role], str]) -> str:
    out = []
    for c in children or []:
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif c.type == "image":
            out.append(_inline_text(c.children, role_text))
        elif c.type == "myst_role":
            out.append(role_text(Role(c.meta["name"], c.content, 0)))
        # markup (emphasis, links' own syntax), inline math and inline HTML print no words
    return "".join(out)


def _spoken(role: Role) -> str:
    return "" if role.name.split(":")[0] in SILENT_ROLES else role.text


def _prose_units(text: str) -> Iterator[str]:
    toks = _tokens(text)
    skip_until = -1
    for i, t in enumerate(toks):
        if i < skip_until:
            continue
        if t.type in ("heading_open", "table_open"):
            close = t.type.replace("_open", "_close")
            skip_until = next(j for j in range(i + 1, len(toks)) if toks[j].type == close and toks[j].level == t.level)
        elif t.type == "inline":
            yield _inline_text(t.children, _spoken)
        elif t.type in _FENCES:
            d = _directive(t, 0)
            if d.prose:
                yield d.argument  # an admonition's title reads as its own unit
                yield from _prose_units(d.body)
        # targets, code, math and HTML blocks are not prose


def prose(text: str) -> str:
    """The prose a reader reads in a MyST text, one paragraph, list item or title per line.

    Code, tables, headings, labels, non-prose directives (and every directive's options), inline
    math and HTML are left out; citations and other silent roles are removed, other roles read as
    their text, markup as its words. A unit without final punctuation gets a full stop, so that a
    list counts as several sentences rather than one long one.
    """
    out = []
    for unit in _prose_units(text):
        unit = re.sub(r"\s+([.,;:!?])", r"\1", unit)  # a removed citation leaves "pain ."
        unit = re.sub(r"\s+", " ", unit).strip()
        if not unit or not re.search(r"[A-Za-z]", unit):
            continue
        if unit[-1] not in ".!?:;\"'\u201d\u2019)":
            unit += "."
        out.append(unit)
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Blocks of a text (slides)


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """The top-level blocks of a text: ("para", [text]), ("list", [items, nested ones too]),
    ("table", [source lines]), ("quote", [text]) or ("code", [source lines]); wrapped lines of a
    paragraph or item are joined with spaces; headings and targets are left out."""
    toks = _tokens(text)
    lines = text.splitlines()
    out: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.level != 0 or t.nesting == -1:
            i += 1
            continue
        end = i
        if t.nesting == 1:
            close = t.type.replace("_open", "_close")
            end = next(j for j in range(i + 1, len(toks)) if toks[j].type == close and toks[j].level == 0)
        inner = toks[i:end + 1]
        src = [ln for ln in lines[t.map[0]:t.map[1]] if ln.strip()] if t.map else []
        if t.type == "paragraph_open":
            out.append(("para", [" ".join(ln.strip() for ln in inner[1].content.splitlines())]))
        elif t.type in ("bullet_list_open", "ordered_list_open"):
            items: list[str] = []
            open_items: list[tuple[int, int]] = []  # (index in items, level) of the items being read
            for x in inner:
                if x.type == "list_item_open":
                    open_items.append((len(items), x.level))
                    items.append("")
                elif x.type == "list_item_close":
                    open_items.pop()
                elif x.type == "inline" and open_items and x.level == open_items[-1][1] + 2:
                    k = open_items[-1][0]  # an item's own text; its nested items follow it
                    items[k] = (items[k] + " " + " ".join(ln.strip() for ln in x.content.splitlines())).strip()
            out.append(("list", [it for it in items if it]))
        elif t.type == "table_open":
            out.append(("table", src))
        elif t.type == "blockquote_open":
            out.append(("quote", [" ".join(re.sub(r"^\s*>\s?", "", ln) for ln in src)]))
        elif t.type in _FENCES or t.type == "code_block":
            out.append(("code", src))
        elif t.type == "html_block":
            out.append(("html", src))
        i = end + 1
    return out


# --------------------------------------------------------------------------------------------
# Rewriting MyST into something else


def _line_starts(text: str) -> list[int]:
    starts, pos = [0], 0
    for ln in text.splitlines(keepends=True):
        pos += len(ln)
        starts.append(pos)
    return starts


def _flexible(s: str) -> str:
    return r"\s+".join(re.escape(w) for w in s.split()) if s.strip() else re.escape(s)


def _spans(text: str, want_directives: bool) -> list[tuple[int, int, object]]:
    """(start, end, construct) of the targets, top-level directives and roles of a text, by position."""
    toks = _tokens(text)
    starts = _line_starts(text)
    nlines = len(starts) - 1

    def at(line: int) -> int:
        return starts[min(line, nlines)]

    spans: list[tuple[int, int, object]] = []
    cursor = 0
    for t in toks:
        if t.type == "myst_target" and t.map:
            spans.append((at(t.map[0]), at(t.map[1]), Label(t.content, t.map[0])))
        elif t.type in _FENCES and t.map and want_directives and _DIRECTIVE_INFO.match(t.info.strip()):
            spans.append((at(t.map[0]), at(t.map[1]), _directive(t, 0)))
        elif t.type == "inline" and t.map:
            cursor = max(cursor, at(t.map[0]))
            limit = at(t.map[1])
            for c in t.children or []:
                if c.type == "myst_role":
                    pattern = r"\{" + re.escape(c.meta["name"]) + r"\}(`+)" + _flexible(c.content) + r"\1"
                elif c.type == "code_inline":
                    pattern = re.escape(c.markup) + r"\s*" + _flexible(c.content) + r"\s*" + re.escape(c.markup)
                else:
                    continue
                m = re.compile(pattern).search(text, cursor, limit)
                if not m:
                    continue
                cursor = m.end()
                if c.type == "myst_role":
                    spans.append((m.start(), m.end(), Role(c.meta["name"], c.content, t.map[0])))
    return spans


def rewrite(text: str, *, role: Callable[[Role], str] | None = None,
            directive: Callable[[Directive], str] | None = None,
            label: Callable[[Label], str] | None = None,
            literal: Callable[[str], str] | None = None) -> str:
    """The text with each MyST construct replaced by what its callback returns (no callback: left
    as written). ``directive`` gets every directive that is not inside another one (a callback
    rewrites its body itself, e.g. with ``rewrite``); a directive or label that becomes "" takes its
    line ending with it. ``literal`` maps every stretch of text between the constructs (escaping)."""
    out = []
    pos = 0
    for start, end, item in _spans(text, directive is not None):
        if isinstance(item, Role):
            new = role(item) if role else None
        elif isinstance(item, Directive):
            new = directive(item)
        else:
            new = label(item) if label else None
        if new is None:
            continue
        if isinstance(item, (Directive, Label)) and new != "":
            # keep the block's own line ending: the replacement stands for its lines' text
            if text[start:end].endswith("\n"):
                new += "\n"
        out.append(literal(text[pos:start]) if literal else text[pos:start])
        out.append(new)
        pos = end
    out.append(literal(text[pos:]) if literal else text[pos:])
    return "".join(out)


def render_inline(text: str, role: Callable[[Role], str], esc: Callable[[str], str]) -> str:
    """One line of MyST (a question, a caption) as HTML text: words escaped with ``esc``, ``**strong**``
    and ``*emphasis*`` kept as tags, each role replaced by ``role(...)`` (escaped), code and links
    as written. Block syntax (a leading ``1.`` or ``#``) is not interpreted."""
    [inline] = parser().parseInline(text)
    out = []
    for c in inline.children or []:
        if c.type == "text":
            out.append(esc(c.content))
        elif c.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif c.type in ("strong_open", "strong_close", "em_open", "em_close"):
            tag = "strong" if c.type.startswith("strong") else "em"
            out.append(f"<{tag}>" if c.nesting == 1 else f"</{tag}>")
        elif c.type == "myst_role":
            out.append(esc(role(Role(c.meta["name"], c.content, 0))))
        elif c.type == "code_inline":
            out.append(esc(c.markup + c.content + c.markup))
        elif c.type == "math_inline":
            out.append(esc(f"{c.markup}{c.content}{c.markup}"))
        elif c.type == "html_inline":
            out.append(esc(c.content))
        elif c.type == "link_open":
            out.append("")
        elif c.type == "image":
            out.append(esc(_inline_text(c.children, lambda r: r.text)))
    return "".join(out)

"""Branching practice cases: a short story where the learner chooses at each step (issue 16).

One case per file, ``sciatica_course/data/cases/<case-id>.yaml``::

    title: A client with a new foot drop          # shown above the case
    intro: You are a massage student ...          # who the learner is in the story
    start: intake                                 # the first node
    nodes:
      - id: intake                                # lower-case letters, digits, hyphens
        text: Jordan mentions that the left foot has started to catch ...
        choices:                                  # at least two on every node that is not an end
          - text: Stop and ask the screening questions first
            to: questions                         # the id of the next node
            verdict: best                         # best | ok | poor | unsafe
            feedback: Why this choice is (or is not) the safe one ...
            cite: [bmjbp_ces]                     # keys of book/references.bib
            flags: [weakness-worsening]           # red flags (data/safety/red_flags.yaml)
            precautions: [red-flags]              # precautions (data/safety/precautions.yaml)
            stop_signs: [weakness]                # self-care stop signs (precautions.yaml)
      - id: referred
        end: good                                 # good | mixed | poor: this node is an end
        text: What happened, and the lesson ...
        cite: [ahcpr1994]

Safety facts are never typed here. A choice (or an end) names the flags, precautions and stop
signs it is about, and their words, urgency and sources are shown from the safety data
(:mod:`sciatica_course.safety`); any text may also use the placeholders ``{urgency:<level>}``,
``{action:<level>}``, ``{flag:<id>}``, ``{flag-urgency:<id>}`` and ``{flag-action:<id>}``.

Every choice needs feedback and at least one source (its own ``cite`` or that of a flag or
precaution it names); every end needs ``cite``. The graph is checked as well: every ``to`` names a
node, every node can be reached from ``start``, every node that is not an end has at least two
choices, an end has none, from every node some path reaches an end (no dead end, no cycle without
an exit), and a case has at least two ends. A problem raises
:class:`~sciatica_course.errors.CourseDataError` naming the file, the node (and choice) and the
field, e.g. ``foot-drop.yaml: node intake choice 2: to: 'nowhere' is not a node id``.

Two forms, as for the quizzes (:class:`~sciatica_course.display.Dual`): an ipywidgets form for
JupyterLab (:class:`CaseWidget`) and, for the book, self-contained HTML driven by
``static/sciatica-cases.js`` (:func:`case_html`). The book keeps no record of a walk through a case:
a case takes two or three choices, is meant to be replayed along other paths, and is not scored,
so there is nothing worth keeping, and nothing that can go stale or be damaged.

Notebook use (a ``remove-input`` cell)::

    from sciatica_course.cases import case
    case("foot-drop")
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import bibliography, safety
from .data import CASES_DIR, bib_keys, read_yaml
from .display import Dual, esc
from .errors import CourseDataError

ID_RE = r"^[a-z0-9][a-z0-9-]*$"

VERDICTS = {  # verdict id -> (icon, words); the words carry the meaning, the icon only repeats it
    "best": ("\u2714", "Best choice."),
    "ok": ("\u25d0", "Acceptable, but not the best choice."),
    "poor": ("\u2718", "Not a good choice."),
    "unsafe": ("\u26a0", "Unsafe choice."),
}
ENDINGS = {  # end id -> words
    "good": "A good ending.",
    "mixed": "A safe ending, with a lesson.",
    "poor": "A poor ending.",
}

NonEmpty = Annotated[str, Field(min_length=1)]
Ident = Annotated[str, Field(pattern=ID_RE, max_length=40)]


def _as_list(value):
    return [value] if isinstance(value, str) else value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Refs(_Model):
    cite: list[NonEmpty] = Field(default_factory=list)
    flags: list[Ident] = Field(default_factory=list)
    precautions: list[Ident] = Field(default_factory=list)
    stop_signs: list[Ident] = Field(default_factory=list)

    _lists = field_validator("cite", "flags", "precautions", "stop_signs", mode="before")(lambda v: _as_list(v))


class ChoiceSpec(_Refs):
    text: NonEmpty
    to: Ident
    verdict: Literal["best", "ok", "poor", "unsafe"]
    feedback: NonEmpty


class NodeSpec(_Refs):
    id: Ident
    text: NonEmpty
    end: Literal["good", "mixed", "poor"] | None = None
    choices: list[ChoiceSpec] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# The loaded case: plain data with the safety facts written out and the sources resolved


@dataclass(frozen=True)
class Choice:
    n: int  # 1-based position on its node
    text: str
    to: str
    verdict: str
    feedback: str
    safety: tuple[str, ...]  # safety facts, in the words of the safety data
    sources: tuple[str, ...]  # bib keys: the choice's own, then those of the flags and precautions


@dataclass(frozen=True)
class Node:
    id: str
    text: str
    end: str | None
    choices: tuple[Choice, ...]
    safety: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def is_end(self) -> bool:
        return self.end is not None


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    intro: str
    start: str
    nodes: dict[str, Node] = field(hash=False)

    def node(self, nid: str) -> Node:
        return self.nodes[nid]

    @property
    def ends(self) -> list[str]:
        return [n.id for n in self.nodes.values() if n.is_end]

    def paths(self) -> list[list[tuple[str, int]]]:
        """Every path from the start to an end that visits no node twice, as (node id, choice n)
        steps; the last node of a path is ``self.nodes[path[-1][0]].choices[n-1].to``."""
        out: list[list[tuple[str, int]]] = []

        def walk(nid: str, seen: tuple[str, ...], steps: list[tuple[str, int]]):
            node = self.nodes[nid]
            if node.is_end:
                out.append(steps)
                return
            for c in node.choices:
                if c.to not in seen:
                    walk(c.to, seen + (c.to,), steps + [(nid, c.n)])

        walk(self.start, (self.start,), [])
        return out


# --------------------------------------------------------------------------------------------
# Safety facts named by id


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _safety_lines(refs: _Refs, file: str, item: str) -> tuple[list[str], list[str]]:
    """(sentences, source keys) for the flags, precautions and stop signs ``refs`` names."""
    s = safety.load()
    lines: list[str] = []
    keys: list[str] = []
    for fid in refs.flags:
        try:
            f = s.flag(fid)
        except KeyError:
            raise CourseDataError(file, item, "flags", f"{fid!r} is not a red flag id in red_flags.yaml") from None
        u = s.urgency[f.urgency]
        lines.append(f"Red flag: {f.sign} (it can mean {f.may_mean}). {u.label}: {u.action}")
        keys += f.sources
    for pid in refs.precautions:
        p = next((p for p in s.precautions if p.id == pid), None)
        if p is None:
            raise CourseDataError(file, item, "precautions", f"{pid!r} is not a precaution id in precautions.yaml")
        urg = f" {s.urgency[p.urgency].label}." if p.urgency and p.urgency != "self-care" else ""
        note = f" {p.note}" if p.note else ""
        lines.append(f"Precaution, with {p.situation}: {p.advice}{urg} {safety.EVIDENCE[p.evidence]}{note}")
        keys += p.sources
    for sid in refs.stop_signs:
        st = next((st for st in s.stop_signs if st.id == sid), None)
        if st is None:
            raise CourseDataError(file, item, "stop_signs", f"{sid!r} is not a stop sign id in precautions.yaml")
        uid = s.stop_urgency(st)
        nxt = f" {s.urgency[uid].label}. {s.urgency[uid].action}" if uid else ""
        lines.append(f"When to stop: if {st.sign}. {st.then}{nxt}")
        if st.flag:
            keys += s.flag(st.flag).sources
    return lines, keys


def _dedupe(keys) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))


# --------------------------------------------------------------------------------------------
# Loading and validation


def _problem(err: ValidationError, raw: dict) -> tuple[str | None, str | None, str]:
    """(choice number or None, field, problem) for the first error of a node's validation."""
    e = err.errors()[0]
    loc = list(e["loc"])
    choice = None
    if len(loc) >= 2 and loc[0] == "choices" and isinstance(loc[1], int):
        choice, loc = loc[1] + 1, loc[2:]
    fld = ".".join(str(x) for x in loc) or None
    kind = e["type"]
    if kind == "missing":
        problem = "is required"
    elif kind == "extra_forbidden":
        problem = "is not a known field"
    elif kind == "literal_error" and fld == "verdict":
        problem = f"{e.get('input')!r} is not a verdict (one of: {', '.join(VERDICTS)})"
    elif kind == "literal_error" and fld == "end":
        problem = f"{e.get('input')!r} is not a kind of end (one of: {', '.join(ENDINGS)})"
    elif kind == "string_pattern_mismatch":
        problem = f"{e.get('input')!r} must be lower-case letters, digits and hyphens"
    elif kind == "string_too_short":
        problem = "must not be empty"
    else:
        problem = f"{e['msg'][0].lower() + e['msg'][1:]} (got {e.get('input')!r})"
    return choice, fld, problem


def _expand(raw: dict, file: str, item: str, fields=("text", "feedback")) -> dict:
    """Safety placeholders in a node's or a choice's texts, with errors naming the field."""
    out = dict(raw)
    for k in fields:
        if isinstance(out.get(k), str):
            out[k] = safety.expand(out[k], (file, item, k))
    return out


def _load(path: Path, stamp: tuple) -> Case:
    file = path.name
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise CourseDataError(file, None, None, "must be a mapping with title, intro, start and nodes")
    unknown = sorted(set(raw) - {"title", "intro", "start", "nodes"})
    if unknown:
        raise CourseDataError(file, None, unknown[0], "is not a known field")
    for k in ("title", "intro", "start"):
        if not isinstance(raw.get(k), str) or not raw[k].strip():
            raise CourseDataError(file, None, k, "is required (non-empty text)")
    nodes_raw = raw.get("nodes")
    if not isinstance(nodes_raw, list) or not nodes_raw:
        raise CourseDataError(file, None, "nodes", "must be a non-empty list")
    known = bib_keys()
    specs: dict[str, NodeSpec] = {}
    for n, nr in enumerate(nodes_raw, 1):
        label = f"node {nr['id']}" if isinstance(nr, dict) and isinstance(nr.get("id"), str) else f"node {n}"
        if not isinstance(nr, dict):
            raise CourseDataError(file, label, None, "must be a mapping")
        nr = _expand(nr, file, label)
        if isinstance(nr.get("choices"), list):
            nr["choices"] = [_expand(c, file, f"{label} choice {k}") if isinstance(c, dict) else c
                             for k, c in enumerate(nr["choices"], 1)]
        try:
            spec = NodeSpec.model_validate(nr)
        except ValidationError as err:
            choice, fld, problem = _problem(err, nr)
            raise CourseDataError(file, f"{label} choice {choice}" if choice else label, fld, problem) from None
        if spec.id in specs:
            raise CourseDataError(file, label, "id", "is used by another node")
        specs[spec.id] = spec

    nodes: dict[str, Node] = {}
    for spec in specs.values():
        label = f"node {spec.id}"
        if spec.end and spec.choices:
            raise CourseDataError(file, label, "choices", "an end has no choices")
        if not spec.end and len(spec.choices) < 2:
            raise CourseDataError(file, label, "choices",
                                  "a node that is not an end needs at least two choices (or 'end: good|mixed|poor')")
        for key in spec.cite:
            if key not in known:
                raise CourseDataError(file, label, "cite", f"{key!r} is not a key in book/references.bib")
        lines, keys = _safety_lines(spec, file, label)
        sources = _dedupe(list(spec.cite) + keys)
        if spec.end and not sources:
            raise CourseDataError(file, label, "cite",
                                  "an end needs at least one source (a key of book/references.bib)")
        choices = []
        for k, c in enumerate(spec.choices, 1):
            item = f"{label} choice {k}"
            if c.to not in specs:
                raise CourseDataError(file, item, "to", f"{c.to!r} is not a node id")
            for key in c.cite:
                if key not in known:
                    raise CourseDataError(file, item, "cite", f"{key!r} is not a key in book/references.bib")
            clines, ckeys = _safety_lines(c, file, item)
            csources = _dedupe(list(c.cite) + ckeys)
            if not csources:
                raise CourseDataError(file, item, "cite", "needs at least one source (a key of book/references.bib)")
            choices.append(Choice(k, c.text, c.to, c.verdict, c.feedback, tuple(clines), csources))
        nodes[spec.id] = Node(spec.id, spec.text, spec.end, tuple(choices), tuple(lines), sources)

    start = raw["start"].strip()
    if start not in nodes:
        raise CourseDataError(file, None, "start", f"{start!r} is not a node id")
    _check_graph(file, start, nodes)
    return Case(path.stem, raw["title"].strip(), raw["intro"].strip(), start, nodes)


def _check_graph(file: str, start: str, nodes: dict[str, Node]) -> None:
    """Reachability from the start, a way to an end from every node, and at least two ends."""
    reached, todo = {start}, [start]
    while todo:
        for c in nodes[todo.pop()].choices:
            if c.to not in reached:
                reached.add(c.to)
                todo.append(c.to)
    for nid in nodes:
        if nid not in reached:
            raise CourseDataError(file, f"node {nid}", "id", f"cannot be reached from the start node {start!r}")
    # Nodes from which an end can be reached: grow backwards from the ends.
    can_end = {nid for nid, n in nodes.items() if n.is_end}
    changed = True
    while changed:
        changed = False
        for nid, n in nodes.items():
            if nid not in can_end and any(c.to in can_end for c in n.choices):
                can_end.add(nid)
                changed = True
    for nid, n in nodes.items():
        if nid in can_end:
            continue
        # Is the node on a cycle? (It can reach itself.)
        seen, todo, cyclic = set(), [c.to for c in n.choices], False
        while todo:
            x = todo.pop()
            if x == nid:
                cyclic = True
                break
            if x not in seen:
                seen.add(x)
                todo += [c.to for c in nodes[x].choices]
        why = "a cycle with no exit" if cyclic else "it leads only into a cycle with no exit"
        raise CourseDataError(file, f"node {nid}", "choices", f"no path from this node reaches an end ({why})")
    ends = [nid for nid, n in nodes.items() if n.is_end]
    if len(ends) < 2:
        raise CourseDataError(file, None, "nodes", f"a case needs at least two ends (found {len(ends)})")


_load_cached = lru_cache(maxsize=32)(_load)


def case_path(case_id_or_path: str | Path) -> Path:
    p = Path(case_id_or_path)
    if p.suffix in {".yaml", ".yml"}:
        return p
    if not re.fullmatch(ID_RE, str(case_id_or_path)):
        raise CourseDataError(str(case_id_or_path), None, None, "is not a case id such as 'foot-drop'")
    return CASES_DIR / f"{case_id_or_path}.yaml"


def _safety_stamp() -> tuple:
    return tuple(f.stat().st_mtime_ns for f in (safety.RED_FLAGS_FILE, safety.PRECAUTIONS_FILE))


def load_case(case_id_or_path: str | Path) -> Case:
    """Load and validate one case, by id (``"foot-drop"``) or path."""
    path = case_path(case_id_or_path)
    if not path.is_file():
        raise CourseDataError(path.name, None, None, "no such case (expected in sciatica_course/data/cases/)")
    return _load_cached(path.resolve(), (path.stat().st_mtime_ns,) + _safety_stamp())


def load_all(directory: Path | None = None) -> dict[str, Case]:
    """Validate every case (raises CourseDataError on the first problem); returns them by id."""
    directory = directory or CASES_DIR
    return {p.stem: load_case(p) for p in sorted(directory.glob("*.yaml"))}


# --------------------------------------------------------------------------------------------
# Words shared by both forms


def sources_line(keys) -> str:
    """``Sources: Cherkin et al. (2011); NICE (2016).`` in the book's author-year form."""
    keys = list(keys)
    if not keys:
        return ""
    return ("Source: " if len(keys) == 1 else "Sources: ") + "; ".join(bibliography.textual(k) for k in keys) + "."


def verdict_words(verdict: str) -> str:
    return VERDICTS[verdict][1]


def ending_words(end: str) -> str:
    return ENDINGS[end]


# --------------------------------------------------------------------------------------------
# The book's form: self-contained HTML and JSON, driven by static/sciatica-cases.js


def dom_id(case_id: str) -> str:
    return "scc-" + case_id


def payload(c: Case) -> dict:
    """What the script needs: every node with its text, choices, feedback and source lines."""
    nodes = {}
    for n in c.nodes.values():
        nodes[n.id] = {
            "text": n.text,
            "end": n.end,
            "endWords": ending_words(n.end) if n.end else "",
            "safety": list(n.safety),
            "src": sources_line(n.sources),
            "full": [bibliography.full(k) for k in n.sources] if n.end else [],
            "choices": [
                {"text": ch.text, "to": ch.to, "verdict": ch.verdict, "icon": VERDICTS[ch.verdict][0],
                 "words": verdict_words(ch.verdict), "feedback": ch.feedback, "safety": list(ch.safety),
                 "src": sources_line(ch.sources)}
                for ch in n.choices
            ],
        }
    return {"id": c.id, "title": c.title, "start": c.start, "nodes": nodes}


def case_html(c: Case) -> str:
    root = dom_id(c.id)
    data = json.dumps(payload(c), ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
    return (
        f'<section class="sc-case" id="{root}" data-case="{esc(c.id)}" aria-labelledby="{root}-title">'
        f'<p class="sc-case-title" id="{root}-title"><strong>Practice case: {esc(c.title)}</strong></p>'
        f'<p class="sc-case-intro">{esc(c.intro)}</p>'
        f'<noscript><p class="sc-case-noscript">This case needs JavaScript to show each step. '
        f"Its story and choices are also in the notebook, which you can open in JupyterLab.</p></noscript>"
        f'<script type="application/json" class="sc-case-data">{data}</script>'
        f"</section>"
    )


def case_text(c: Case) -> str:
    """Plain text (text/plain, print): the story's start and its first choices, no feedback."""
    first = c.node(c.start)
    lines = [f"Practice case: {c.title}", c.intro, "", first.text, "What do you do?"]
    lines += [f"  - {ch.text}" for ch in first.choices]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# The JupyterLab form


def _feedback_html(ch: Choice) -> str:
    icon, words = VERDICTS[ch.verdict]
    parts = [f'<p style="margin:.25em 0"><span aria-hidden="true">{icon}</span> <strong>{esc(words)}</strong> '
             f"{esc(ch.feedback)}</p>"]
    parts += [f'<p style="margin:.25em 0">{esc(s)}</p>' for s in ch.safety]
    parts.append(f'<p style="margin:.25em 0"><small>{esc(sources_line(ch.sources))}</small></p>')
    return "".join(parts)


class CaseWidget:
    """The case as ipywidgets: the step's story, its choices as a labelled radio group with a
    Choose button, the feedback on the last choice, the path so far, Go back and Start again."""

    def __init__(self, c: Case):
        import ipywidgets as w

        self.case = c
        self.path: list[tuple[str, int]] = []  # (node id, choice n) steps taken
        self.current = c.start
        self.title = w.HTML(f"<p><strong>Practice case: {esc(c.title)}</strong></p><p>{esc(c.intro)}</p>")
        self.trail = w.HTML()
        self.feedback = w.HTML()
        self.step = w.HTML()
        self.options = w.RadioButtons(options=[], value=None, description="What do you do?",
                                      style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self.choose = w.Button(description="Choose", button_style="primary", tooltip="Take the choice you selected")
        self.back = w.Button(description="Go back one step", tooltip="Undo your last choice")
        self.restart = w.Button(description="Start again", tooltip="Go back to the start of the case")
        self.choose.on_click(lambda _b: self.on_choose())
        self.back.on_click(lambda _b: self.go_back())
        self.restart.on_click(lambda _b: self.start_again())
        self.box = w.VBox(
            [self.title, self.trail, self.feedback, self.step, self.options,
             w.HBox([self.choose, self.back, self.restart])],
            layout=w.Layout(border="1px solid #bbb", padding="4px 10px", margin="6px 0"),
        )
        self.render()

    # ------------------------------------------------------------------ state
    @property
    def node(self) -> Node:
        return self.case.node(self.current)

    def on_choose(self, n: int | None = None) -> Choice | None:
        """Take choice ``n`` (1-based), or the selected one; returns it (None if nothing was chosen)."""
        node = self.node
        if n is None:
            n = self.options.value
        if node.is_end or n is None:
            self.feedback.value = "<p><strong>Choose one of the options first.</strong></p>" if not node.is_end else ""
            return None
        ch = node.choices[n - 1]
        self.path.append((node.id, n))
        self.current = ch.to
        self.render(last=ch)
        return ch

    def go_back(self) -> None:
        if self.path:
            nid, _n = self.path.pop()
            self.current = nid
        self.render()

    def start_again(self) -> None:
        self.path, self.current = [], self.case.start
        self.render()

    # ------------------------------------------------------------------ display
    def render(self, last: Choice | None = None) -> None:
        node = self.node
        steps = []
        for k, (nid, n) in enumerate(self.path, 1):
            ch = self.case.node(nid).choices[n - 1]
            steps.append(f"<li>Step {k}: {esc(ch.text)} ({esc(verdict_words(ch.verdict))})</li>")
        self.trail.value = f"<p>Your choices so far:</p><ol>{''.join(steps)}</ol>" if steps else ""
        self.feedback.value = _feedback_html(last) if last else ""
        k = len(self.path) + 1
        if node.is_end:
            extra = "".join(f"<p>{esc(s)}</p>" for s in node.safety)
            self.step.value = (f"<p><strong>The end of the case. {esc(ending_words(node.end))}</strong></p>"
                               f"<p>{esc(node.text)}</p>{extra}<p><small>{esc(sources_line(node.sources))}</small></p>")
            self.options.options = []
            self.options.layout.display = "none"
            self.choose.layout.display = "none"
        else:
            src = f"<p><small>{esc(sources_line(node.sources))}</small></p>" if node.sources else ""
            self.step.value = f"<p><strong>Step {k}.</strong> {esc(node.text)}</p>{src}"
            self.options.options = [(ch.text, ch.n) for ch in node.choices]
            self.options.value = None
            self.options.layout.display = None
            self.choose.layout.display = None
        self.back.disabled = not self.path
        self.restart.disabled = not self.path


# --------------------------------------------------------------------------------------------
# Both forms in one output


class CaseOutput(Dual):
    def __init__(self, c: Case, widget: CaseWidget | None):
        self.case, self.case_widget = c, widget
        super().__init__(widget.box if widget is not None else None, case_html(c), case_text(c))

    def __repr__(self) -> str:
        return self.text


def case(case_id: str, widget: bool = True) -> CaseOutput:
    """A practice case (``case_id`` names ``data/cases/<case_id>.yaml``), in both forms."""
    c = load_case(case_id)
    return CaseOutput(c, CaseWidget(c) if widget else None)

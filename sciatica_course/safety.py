"""Safety facts: red flags, urgency, precautions and stop signs, from one checked source.

The course states each safety fact once, in ``data/safety/red_flags.yaml`` and
``data/safety/precautions.yaml``, with its sources. Everything that shows one renders it from here:

- the chapters' warning boxes (``red_flags()``, ``precautions()``, ``stop_signs()``,
  ``screening_questions()``, ``urgency_table()``: one-line calls in the notebooks);
- the quiz banks and teacher notes, through placeholders that :func:`expand` fills in:
  ``{urgency:emergency}`` (the level's label), ``{action:same-day}`` (what to do),
  ``{flag:ces-saddle}`` (the sign's words), ``{flag-urgency:ces-saddle}`` (the label of its level);
- triage questions (``type: triage`` in a bank, see :func:`triage_question`), whose right answer is
  worked out from the flags named in the vignette, so a change of urgency here changes the quiz;
- the teacher guide and the handouts (the same box: ``red_flags().md`` and ``red_flags_html()``).

Urgency is a closed set, most urgent first (:data:`URGENCY_IDS`); the words and the action for each
level live in the data. When the sources do not settle an urgency, the data says so in ``basis`` and
takes the safer level.

Each rendered box carries three forms: ``text/markdown`` in MyST (admonitions and ``{cite}`` roles,
which the book parses: ``_config.yml`` sets ``nb_render_markdown_format: myst`` and prefers
``text/markdown`` in the HTML build), ``text/html`` for JupyterLab (citations as author-year text),
and ``text/plain``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .data import SAFETY_DIR, bib_keys, read_yaml
from .display import esc
from .errors import CourseDataError

RED_FLAGS_FILE = SAFETY_DIR / "red_flags.yaml"
PRECAUTIONS_FILE = SAFETY_DIR / "precautions.yaml"

URGENCY_IDS: tuple[str, ...] = ("emergency", "same-day", "see-clinician", "self-care")
UrgencyId = Literal["emergency", "same-day", "see-clinician", "self-care"]
EvidenceKind = Literal["case-reports", "expert-consensus", "guidance", "no-data"]
EVIDENCE = {
    "case-reports": "Evidence: rare published case reports, not trials.",
    "expert-consensus": "Evidence: expert agreement, not trials.",
    "guidance": "Evidence: guidance from health bodies, not trials.",
    "no-data": "Evidence: none found; general advice.",
}
Ident = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Urgency(_Model):
    label: str = Field(min_length=3)
    short: str = Field(min_length=5)  # a few words, for quiz options
    action: str = Field(min_length=10)
    sources: list[str] = Field(default_factory=list)


class Flag(_Model):
    id: str = Ident
    sign: str = Field(min_length=5)
    ask: str = Field(min_length=5)
    may_mean: str = Field(min_length=3)
    urgency: UrgencyId
    sources: list[str] = Field(min_length=1)
    basis: str = Field(min_length=10)


class Precaution(_Model):
    id: str = Ident
    situation: str = Field(min_length=3)
    advice: str = Field(min_length=10)
    evidence: EvidenceKind
    urgency: UrgencyId | None = None
    sources: list[str] = Field(default_factory=list)
    note: str | None = None


class StopSign(_Model):
    id: str = Ident
    sign: str = Field(min_length=5)
    then: str = Field(min_length=3)
    urgency: UrgencyId | None = None
    flag: str | None = None


class Cited(_Model):
    text: str | None = None
    advice: str | None = None
    sources: list[str] = Field(min_length=1)


class RedFlags(_Model):
    urgency: dict[UrgencyId, Urgency]
    flags: list[Flag] = Field(min_length=1)


class Precautions(_Model):
    intro: Cited
    precautions: list[Precaution] = Field(min_length=1)
    heat: Cited
    stop_signs: list[StopSign] = Field(min_length=1)


class Safety:
    """The validated safety data: ``urgency`` (id -> Urgency, most urgent first), ``flags``,
    ``precautions``, ``intro``, ``heat`` and ``stop_signs``."""

    def __init__(self, red: RedFlags, pre: Precautions):
        self.urgency = {u: red.urgency[u] for u in URGENCY_IDS}
        self.flags = list(red.flags)
        self.precautions = list(pre.precautions)
        self.intro, self.heat, self.stop_signs = pre.intro, pre.heat, list(pre.stop_signs)

    def flag(self, fid: str) -> Flag:
        for f in self.flags:
            if f.id == fid:
                return f
        raise KeyError(fid)

    def stop_urgency(self, s: StopSign) -> str | None:
        return self.flag(s.flag).urgency if s.flag else s.urgency


# --------------------------------------------------------------------------------------------
# Loading and validation


def _item_label(raw, loc) -> tuple[str | None, str | None]:
    """(item, field) for a pydantic error location inside one of the files."""
    loc = list(loc)
    if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(raw, dict):
        group, idx = loc[0], loc[1]
        items = raw.get(group) or []
        ident = items[idx].get("id") if idx < len(items) and isinstance(items[idx], dict) else None
        name = {"flags": "flag", "precautions": "precaution", "stop_signs": "stop sign"}.get(group, group)
        item = f"{name} {ident}" if ident else f"{name} {idx + 1}"
        return item, ".".join(str(x) for x in loc[2:]) or None
    if len(loc) >= 2 and loc[0] == "urgency":
        return f"urgency {loc[1]}", ".".join(str(x) for x in loc[2:]) or None
    return None, ".".join(str(x) for x in loc) or None


def _validate(model, path: Path):
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise CourseDataError(path.name, None, None, "must be a mapping")
    try:
        return model.model_validate(raw), raw
    except ValidationError as err:
        e = err.errors()[0]
        item, field = _item_label(raw, e["loc"])
        if e["type"] == "literal_error" and field and field.endswith("urgency"):
            problem = f"{e.get('input')!r} is not an urgency level (one of: {', '.join(URGENCY_IDS)})"
        elif e["type"] == "literal_error" and field == "evidence":
            problem = f"{e.get('input')!r} is not an evidence kind (one of: {', '.join(EVIDENCE)})"
        elif e["type"] == "missing":
            problem = "is required"
        elif e["type"] == "extra_forbidden":
            problem = "is not a known field"
        elif e["type"] == "too_short" and field and field.endswith("sources"):
            problem = "needs at least one source (a key of book/references.bib)"
        else:
            problem = f"{e['msg'][0].lower() + e['msg'][1:]} (got {e.get('input')!r})"
        if item is None and field and field.startswith("urgency."):
            item, field = f"urgency {field.split('.')[1]}", None
        raise CourseDataError(path.name, item, field, problem) from None


def _check_keys(file: str, item: str, keys: list[str], known: frozenset[str]) -> None:
    for k in keys:
        if k not in known:
            raise CourseDataError(file, item, "sources", f"{k!r} is not a key in book/references.bib")


@lru_cache(maxsize=8)
def _load(red_path: Path, pre_path: Path, stamp: tuple) -> Safety:
    red, _ = _validate(RedFlags, red_path)
    pre, _ = _validate(Precautions, pre_path)
    missing = [u for u in URGENCY_IDS if u not in red.urgency]
    if missing:
        raise CourseDataError(red_path.name, None, "urgency", f"is missing the level(s) {', '.join(missing)}")
    known = bib_keys()
    seen: set[str] = set()
    for f in red.flags:
        if f.id in seen:
            raise CourseDataError(red_path.name, f"flag {f.id}", "id", "is used twice")
        seen.add(f.id)
        _check_keys(red_path.name, f"flag {f.id}", f.sources, known)
    for uid, u in red.urgency.items():
        _check_keys(red_path.name, f"urgency {uid}", u.sources, known)
    seen = set()
    for p in pre.precautions:
        if p.id in seen:
            raise CourseDataError(pre_path.name, f"precaution {p.id}", "id", "is used twice")
        seen.add(p.id)
        _check_keys(pre_path.name, f"precaution {p.id}", p.sources, known)
        if p.evidence != "no-data" and not p.sources:
            raise CourseDataError(pre_path.name, f"precaution {p.id}", "sources",
                                  "needs at least one source (or evidence: no-data and a note saying so)")
        if p.evidence == "no-data" and not p.note:
            raise CourseDataError(pre_path.name, f"precaution {p.id}", "note", "must say that no evidence was found")
    _check_keys(pre_path.name, "intro", pre.intro.sources, known)
    _check_keys(pre_path.name, "heat", pre.heat.sources, known)
    flag_ids = {f.id for f in red.flags}
    for s in pre.stop_signs:
        if s.flag and s.flag not in flag_ids:
            raise CourseDataError(pre_path.name, f"stop sign {s.id}", "flag", f"{s.flag!r} is not a red flag id")
        if s.flag and s.urgency:
            raise CourseDataError(pre_path.name, f"stop sign {s.id}", "urgency", "give a flag or an urgency, not both")
    return Safety(red, pre)


def load(red_path: Path = RED_FLAGS_FILE, pre_path: Path = PRECAUTIONS_FILE) -> Safety:
    """The validated safety data (raises CourseDataError naming file, item and field)."""
    for p in (red_path, pre_path):
        if not p.is_file():
            raise CourseDataError(p.name, None, None,
                                  "no such safety data file (expected in sciatica_course/data/safety/)")
    stamp = (red_path.stat().st_mtime_ns, pre_path.stat().st_mtime_ns)
    return _load(red_path, pre_path, stamp)


def load_all() -> Safety:
    """For the book build's data check (sphinx_ext)."""
    return load()


# --------------------------------------------------------------------------------------------
# Placeholders in banks and notes

_PLACEHOLDER = re.compile(r"\{(urgency|action|flag|flag-urgency|flag-action):([a-z0-9-]+)\}")


def expand(text: str, where: tuple[str, str | None, str | None] = ("", None, None)) -> str:
    """Fill ``{urgency:id}``, ``{action:id}``, ``{flag:id}``, ``{flag-urgency:id}``, ``{flag-action:id}``.

    ``where`` is (file, item, field) for the error message when a placeholder names nothing.
    """
    if "{" not in text:
        return text
    s = load()

    def sub(m):
        kind, ident = m.group(1), m.group(2)
        try:
            if kind == "urgency":
                return s.urgency[ident].label
            if kind == "action":
                return s.urgency[ident].action
            f = s.flag(ident)
            if kind == "flag":
                return f.sign
            if kind == "flag-urgency":
                return s.urgency[f.urgency].label
            return s.urgency[f.urgency].action
        except KeyError:
            what = "an urgency level" if kind in ("urgency", "action") else "a red flag id"
            raise CourseDataError(where[0] or "text", where[1], where[2],
                                  f"{m.group(0)}: {ident!r} is not {what}") from None

    return _PLACEHOLDER.sub(sub, text)


def expand_all(value, where: tuple[str, str | None, str | None] = ("", None, None)):
    """:func:`expand` applied to every string inside a YAML value (dicts and lists)."""
    if isinstance(value, str):
        return expand(value, where)
    if isinstance(value, list):
        return [expand_all(v, where) for v in value]
    if isinstance(value, dict):
        return {k: expand_all(v, (where[0], where[1], str(k))) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------------------------
# Triage questions (quiz banks)


def triage_question(q: dict, file: str) -> dict:
    """Turn a ``type: triage`` bank entry into a single-choice question.

    The entry gives a short vignette (``prompt``) and the red flags it shows (``flags``, possibly
    none) or precautions (``precautions``); the options are the urgency levels, in order, and the
    right answer is the most urgent level among them (``self-care`` when there are none). The
    feedback and explanation are written from the data, so they always agree with the chapters.
    """
    s = load()
    qid = q.get("id", "?")
    label = f"question {qid}"
    allowed = {"id", "type", "prompt", "objective", "flags", "precautions", "explanation", "cite", "otherwise"}
    for k in q:
        if k not in allowed:
            raise CourseDataError(file, label, k, "is not a known field for a triage question")
    flags, precs = q.get("flags") or [], q.get("precautions") or []
    if not isinstance(flags, list) or not isinstance(precs, list):
        raise CourseDataError(file, label, "flags", "must be a list of red flag ids")
    levels: list[tuple[str, str]] = []  # (urgency id, why)
    cite: list[str] = list(q.get("cite") or [])
    for fid in flags:
        try:
            f = s.flag(fid)
        except KeyError:
            raise CourseDataError(file, label, "flags", f"{fid!r} is not a red flag id in red_flags.yaml") from None
        levels.append((f.urgency, f"“{f.sign[0].upper() + f.sign[1:]}” is a red flag: it can mean {f.may_mean}."))
        cite += [k for k in f.sources if k not in cite]
    for pid in precs:
        p = next((p for p in s.precautions if p.id == pid), None)
        if p is None:
            raise CourseDataError(file, label, "precautions", f"{pid!r} is not a precaution id in precautions.yaml")
        levels.append((p.urgency or "self-care", f"With {p.situation}: {p.advice}"))
        cite += [k for k in p.sources if k not in cite]
    otherwise = q.get("otherwise", "self-care")
    if otherwise not in URGENCY_IDS:
        raise CourseDataError(file, label, "otherwise", f"{otherwise!r} is not an urgency level")
    if not levels:
        levels.append((otherwise, "None of the red flags is present."))
        cite += [k for k in s.urgency[otherwise].sources if k not in cite]
    answer = min((u for u, _ in levels), key=URGENCY_IDS.index)
    rank = URGENCY_IDS.index(answer)
    options = []
    for uid in URGENCY_IDS:
        u = s.urgency[uid]
        opt = {"id": uid, "text": f"{u.label}: {u.short}"}
        i = URGENCY_IDS.index(uid)
        if i > rank:
            opt["feedback"] = "Not urgent enough. " + " ".join(w for _, w in levels)
        elif i < rank:
            opt["feedback"] = ("More urgent than these signs call for. Being careful is good, and when you are unsure, "
                               "the more urgent level is the right choice; here the signs are clear enough to say.")
        options.append(opt)
    why = " ".join(w for _, w in levels)
    explanation = f"{s.urgency[answer].label}. {why}"
    if q.get("explanation"):
        explanation += " " + str(q["explanation"])
    out = {"id": qid, "type": "single", "prompt": q.get("prompt"), "objective": q.get("objective"),
           "options": options, "answer": answer, "keep_order": True, "explanation": explanation}
    if cite:
        out["cite"] = cite
    return out


# --------------------------------------------------------------------------------------------
# Rendering

def _label(key: str) -> str:
    from .quiz.render import short_citation

    return short_citation(key)


def _cite_md(keys: list[str]) -> str:
    return f" {{cite}}`{','.join(keys)}`" if keys else ""


def _cite_html(keys: list[str]) -> str:
    return f' <span class="sc-cite">({esc("; ".join(_label(k) for k in keys))})</span>' if keys else ""


def _cite_text(keys: list[str]) -> str:
    return f" ({'; '.join(_label(k) for k in keys)})" if keys else ""


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class SafetyBlock:
    """One rendered safety box: MyST for the book, HTML for JupyterLab, plain text."""

    def __init__(self, kind: str, title: str, cls: str, md: str, html: str, text: str):
        self.kind, self.title, self.cls = kind, title, cls
        self.md, self.html, self.text = md, html, text

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.md, "text/html": self.html, "text/plain": self.text}

    def __repr__(self) -> str:
        return self.text


_BOX_STYLE = {
    "danger": "border-left:6px solid #b00020;background:#fdecee;",
    "warning": "border-left:6px solid #b35c00;background:#fff4e5;",
    "note": "border-left:6px solid #0b5394;background:#eef4fb;",
}


def _box(kind: str, title: str, cls: str, md_body: str, html_body: str, text_body: str) -> SafetyBlock:
    md = f":::{{admonition}} {title}\n:class: {cls}\n{md_body.strip()}\n:::\n"
    html = (f'<div class="sc-safety sc-safety-{esc(kind)}" role="note" aria-label="{esc(title)}" '
            f'style="{_BOX_STYLE.get(cls, "")}padding:0.6em 1em;margin:0.8em 0;border-radius:4px;color:#111;">'
            f'<p style="font-weight:bold;margin:0 0 0.4em;">{esc(title)}</p>{html_body}</div>')
    text = f"{title.upper()}\n{text_body.strip()}\n"
    return SafetyBlock(kind, title, cls, md, html, text)


class _Forms:
    """One safety box written in its three forms at once: MyST (book), HTML (JupyterLab), plain text.

    Each piece is given once (its words, its bold lead, its citation keys); the helper writes it in
    all three forms, so the forms cannot drift apart.
    """

    def __init__(self):
        self.md: list[str] = []
        self.html: list[str] = []
        self.text: list[str] = []
        self._in_list = False

    def _close_list(self):
        if self._in_list:
            self.md.append("")
            self.html.append("</ul>")
            self._in_list = False

    def para(self, text: str, lead: str = "", keys: list[str] = (), attr: str = "") -> None:
        self._close_list()
        b_md, b_html = (f"**{lead}** ", f"<strong>{esc(lead)}</strong> ") if lead else ("", "")
        self.md += [f"{b_md}{text}{_cite_md(list(keys))}", ""]
        self.html.append(f"<p{attr}>{b_html}{esc(text)}{_cite_html(list(keys))}</p>")
        self.text.append(f"{lead + ' ' if lead else ''}{text}{_cite_text(list(keys))}")

    def item(self, text: str, lead: str = "", keys: list[str] = (), attr: str = "") -> None:
        if not self._in_list:
            self.html.append("<ul>")
            self._in_list = True
        b_md, b_html = (f"**{lead}** ", f"<strong>{esc(lead)}</strong> ") if lead else ("", "")
        self.md.append(f"- {b_md}{text}{_cite_md(list(keys))}")
        self.html.append(f"<li{attr}>{b_html}{esc(text)}{_cite_html(list(keys))}</li>")
        self.text.append(f"- {lead + ' ' if lead else ''}{text}{_cite_text(list(keys))}")

    def box(self, kind: str, title: str, cls: str) -> SafetyBlock:
        self._close_list()
        return _box(kind, title, cls, "\n".join(self.md), "".join(self.html), "\n".join(self.text))


RED_FLAGS_TITLE = "Red flags: when back or leg pain needs urgent care"


def red_flags() -> SafetyBlock:
    """The red-flag box: every flag, grouped by urgency (most urgent first), with its sources."""
    s = load()
    out = _Forms()
    out.para("Most sciatica is not dangerous. But if back or leg pain comes with any of the signs below, "
             "act at the level shown, even if the pain itself is mild. If you are not sure which level "
             "applies, take the more urgent one.")
    for uid in URGENCY_IDS:
        flags = [f for f in s.flags if f.urgency == uid]
        if not flags:
            continue
        u = s.urgency[uid]
        out.para(u.action, lead=f"{u.label}.", attr=f' class="sc-urgency" data-urgency="{esc(uid)}"')
        for f in flags:
            out.item(f"{_cap(f.sign)} (can mean {f.may_mean})", keys=f.sources, attr=f' data-flag="{esc(f.id)}"')
    return out.box("red-flags", RED_FLAGS_TITLE, "danger")


def red_flags_html() -> str:
    """The red-flag box as HTML (handouts)."""
    return red_flags().html


def precautions() -> SafetyBlock:
    """Who should check with a clinician before massage, self-massage or devices, with the evidence kind."""
    s = load()
    out = _Forms()
    out.para(s.intro.text, keys=s.intro.sources)
    out.para("Check first, and adapt or skip the massage, if you have:")
    for p in s.precautions:
        urg = f" {s.urgency[p.urgency].label}." if p.urgency and p.urgency != "self-care" else ""
        note = f" {p.note}" if p.note else ""
        out.item(f"{p.advice}{urg} {EVIDENCE[p.evidence]}{note}", lead=f"{_cap(p.situation)}.", keys=p.sources,
                 attr=f' data-precaution="{esc(p.id)}"')
    return out.box("precautions", "Precautions: when to check first, and why", "warning")


def stop_signs() -> SafetyBlock:
    """When to stop a self-care technique, and what to do next (levels from the data)."""
    s = load()
    out = _Forms()
    out.para("Stop straight away if:")
    for st in s.stop_signs:
        uid = s.stop_urgency(st)
        nxt = f" {s.urgency[uid].label}. {s.urgency[uid].action}" if uid else ""
        out.item(f"{st.then}{nxt}", lead=f"{_cap(st.sign)}.", attr=f' data-stop="{esc(st.id)}"')
    return out.box("stop-signs", "When to stop", "warning")


def heat_advice() -> SafetyBlock:
    s = load()
    out = _Forms()
    out.para(s.heat.advice, keys=s.heat.sources)
    return out.box("heat", "Using heat safely", "warning")


def urgency_table() -> SafetyBlock:
    """The four urgency levels with what to do at each (for the massage-students chapter)."""
    s = load()
    title = "The four levels of urgency used in this course"
    md = ["| Level | What to do |", "|---|---|"] + [f"| **{u.label}** | {u.action} |" for u in s.urgency.values()]
    html = ['<table class="sc-table"><thead><tr>'
            '<th scope="col">Level</th><th scope="col">What to do</th></tr></thead><tbody>']
    html += [f'<tr data-urgency="{esc(k)}"><th scope="row">{esc(u.label)}</th><td>{esc(u.action)}</td></tr>'
             for k, u in s.urgency.items()]
    html.append("</tbody></table>")
    text = [f"- {u.label}: {u.action}" for u in s.urgency.values()]
    return _box("urgency", title, "note", "\n".join(md), "".join(html), "\n".join(text))


def screening_questions() -> SafetyBlock:
    """The red-flag questions in words a client understands, grouped by the level a "yes" calls for.

    A list rather than a three-column table, so that it reads on a phone and on paper.
    """
    s = load()
    out = _Forms()
    for uid in URGENCY_IDS:
        flags = [f for f in s.flags if f.urgency == uid]
        if not flags:
            continue
        u = s.urgency[uid]
        out.para("if the answer to any of these is yes:", lead=f"{u.label}",
                 attr=f' class="sc-urgency" data-urgency="{esc(uid)}"')
        for f in flags:
            out.item(f"{f.ask} (It can mean {f.may_mean}.)", keys=f.sources, attr=f' data-flag="{esc(f.id)}"')
    return out.box("screening", "Screening questions to ask before every first treatment", "note")

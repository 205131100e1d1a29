"""The teachers' answer key, generated from the question banks (never typed twice)."""

from __future__ import annotations

from .render import short_citation
from .schema import load_bank


def _entry(q, stem: str) -> dict:
    e = {
        "id": q.id,
        "type": q.type,
        "prompt": q.prompt,
        "text": q.prompt,
        "objective": q.objective,
        "options": [],
        "answer": None,
        "answer_labels": q.correct_text(),
        "explanation": q.explanation,
        "cites": list(q.cite),
        "sources": [short_citation(k) for k in q.cite],
    }
    if q.type in {"single", "multiple"}:
        e["options"] = [{"id": o.id, "text": o.text} for o in q.options]
        e["answer"] = q.answer if q.type == "single" else list(q.answer)
    elif q.type == "truefalse":
        e["options"] = [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
        e["answer"] = q.answer
    elif q.type == "numeric":
        e.update(answer=q.answer, tolerance=q.tolerance, unit=q.unit)
    elif q.type == "matching":
        e["answer"] = {p.left: p.right for p in q.pairs}
        e["distractors"] = list(q.distractors)
        e["choices"] = q.choices()  # the order the book and JupyterLab show them in
    elif q.type == "ordering":
        e["answer"] = [i.id for i in q.items]
        e["shown"] = [i.text for i in q.shown_order(f"{stem}:{q.id}")]  # as the book and JupyterLab show them
    return e


def answer_key(stem: str) -> list[dict]:
    """One dict per question, in bank order: id, type, prompt, options [{id, text}], answer (the
    stored value), answer_labels (the words of the right answer), explanation, objective, cites."""
    return [_entry(q, stem) for q in load_bank(stem).questions]

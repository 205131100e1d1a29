"""Branching practice cases (sciatica_course/cases.py, data/cases/*.yaml): the schema, the graph
checks, the safety facts taken from the data, the book's HTML and the JupyterLab widget."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from sciatica_course import bibliography, cases, safety
from sciatica_course.data import bib_keys
from sciatica_course.display import WIDGET_MIME
from sciatica_course.errors import CourseDataError

CASE_IDS = sorted(p.stem for p in cases.CASES_DIR.glob("*.yaml"))
PLACEHOLDER = re.compile(r"\{(?:urgency|action|flag|flag-urgency|flag-action):")


def test_there_are_three_cases_and_the_notebook_shows_each():
    assert CASE_IDS == ["blood-thinners", "foot-drop", "three-weeks"]
    nb = (Path(__file__).resolve().parents[1] / "notebooks" / "11-cases.ipynb").read_text()
    for cid in CASE_IDS:
        assert f'case(\\"{cid}\\")' in nb, cid


# --------------------------------------------------------------------------------------------
# The graph of every case


def successors(c, nid):
    return [ch.to for ch in c.node(nid).choices]


@pytest.mark.parametrize("cid", CASE_IDS)
def test_every_node_is_reachable_and_every_node_can_reach_an_end(cid):
    c = cases.load_case(cid)
    seen, todo = {c.start}, [c.start]
    while todo:
        for nxt in successors(c, todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(c.nodes), f"unreachable: {set(c.nodes) - seen}"
    for nid in c.nodes:  # a search from each node finds an end: no dead end, no cycle without an exit
        found, todo, visited = False, [nid], set()
        while todo and not found:
            x = todo.pop()
            found = c.node(x).is_end
            if x not in visited:
                visited.add(x)
                todo += successors(c, x)
        assert found, f"{cid}: no end can be reached from {nid}"


@pytest.mark.parametrize("cid", CASE_IDS)
def test_every_path_reaches_an_end_and_there_is_more_than_one(cid):
    c = cases.load_case(cid)
    paths = c.paths()
    assert len(paths) >= 2 and len(c.ends) >= 2
    ends_reached = set()
    for path in paths:
        at = c.start
        for nid, n in path:  # each step is a real choice of the node the walk is at
            assert nid == at and not c.node(at).is_end
            at = c.node(at).choices[n - 1].to
        assert c.node(at).is_end, f"{cid}: a path stops at {at}, which is not an end"
        ends_reached.add(at)
    assert ends_reached == set(c.ends), f"{cid}: ends never reached by a path: {set(c.ends) - ends_reached}"
    # every choice is taken on some path (or goes back to a node already on it: a loop with an exit)
    taken = {step for path in paths for step in path}
    for node in c.nodes.values():
        for ch in node.choices:
            assert (node.id, ch.n) in taken or ch.to == node.id, f"{cid}: node {node.id} choice {ch.n} is on no path"


@pytest.mark.parametrize("cid", CASE_IDS)
def test_every_choice_has_feedback_a_verdict_and_known_sources(cid):
    c = cases.load_case(cid)
    known = bib_keys()
    verdicts = set()
    for node in c.nodes.values():
        for ch in node.choices:
            assert len(ch.feedback) > 20 and ch.verdict in cases.VERDICTS
            assert ch.sources and set(ch.sources) <= known, (node.id, ch.n, ch.sources)
            verdicts.add(ch.verdict)
        if node.is_end:
            assert node.sources and set(node.sources) <= known and not node.choices
        else:
            assert len(node.choices) >= 2
    assert "best" in verdicts and verdicts & {"poor", "unsafe"}, f"{cid}: every case has a best and a poor choice"


# --------------------------------------------------------------------------------------------
# Safety facts come from the safety data


def all_texts(c):
    for node in c.nodes.values():
        yield node.text
        yield from node.safety
        for ch in node.choices:
            yield ch.text
            yield ch.feedback
            yield from ch.safety


@pytest.mark.parametrize("cid", CASE_IDS)
def test_placeholders_are_expanded_and_urgency_words_are_never_typed(cid):
    c = cases.load_case(cid)
    assert not [t for t in all_texts(c) if PLACEHOLDER.search(t) or "{" in t]
    raw = (cases.CASES_DIR / f"{cid}.yaml").read_text()
    s = safety.load()
    for u in s.urgency.values():  # the words of a level appear only through the data
        assert u.label not in raw and u.action not in raw, f"{cid}.yaml types {u.label!r}"
    for f in s.flags:
        assert f.sign not in raw, f"{cid}.yaml types the red flag {f.id}"


def test_named_flags_and_precautions_bring_their_words_level_and_sources():
    s = safety.load()
    foot = cases.load_case("foot-drop")
    first = foot.node("intake").choices[0]
    flag = s.flag("weakness-worsening")
    [line] = first.safety
    assert flag.sign in line and s.urgency[flag.urgency].label in line and s.urgency[flag.urgency].action in line
    assert set(flag.sources) <= set(first.sources)
    # a placeholder in feedback says the flag's level in the data's words
    referred = foot.node("questions").choices[0]
    assert f"The right level for this sign: {s.urgency['same-day'].label}." in referred.feedback
    calf = cases.load_case("blood-thinners").node("calf").choices[0]
    clot = next(p for p in s.precautions if p.id == "clot")
    assert clot.advice in calf.safety[0] and set(clot.sources) <= set(calf.sources)
    plan = cases.load_case("three-weeks").node("plan").choices[0]
    stop = next(st for st in s.stop_signs if st.id == "spreading-pain")
    assert stop.sign in plan.safety[0] and s.urgency["see-clinician"].label in plan.safety[0]


def test_a_change_of_urgency_in_the_safety_data_changes_the_case(tmp_path, monkeypatch):
    red = yaml.safe_load(safety.RED_FLAGS_FILE.read_text())
    red["urgency"]["same-day"]["label"] = "Phone a doctor this very day"
    red_path = tmp_path / "red_flags.yaml"
    red_path.write_text(yaml.safe_dump(red, sort_keys=False))
    monkeypatch.setattr(safety, "RED_FLAGS_FILE", red_path)
    monkeypatch.setattr(safety.load, "__defaults__", (red_path, safety.PRECAUTIONS_FILE))
    c = cases.load_case("foot-drop")
    assert "Phone a doctor this very day" in c.node("questions").choices[0].feedback
    assert "Phone a doctor this very day" in c.node("intake").choices[0].safety[0]


# --------------------------------------------------------------------------------------------
# Broken case files: one line naming file, node (and choice) and field


def good_case() -> dict:
    return {
        "title": "T",
        "intro": "You are a student.",
        "start": "a",
        "nodes": [
            {"id": "a", "text": "Story.", "choices": [
                {"text": "Ask", "to": "b", "verdict": "best", "feedback": "Good.", "cite": ["bmjbp_ces"]},
                {"text": "Skip", "to": "e2", "verdict": "poor", "feedback": "No.", "precautions": ["red-flags"]},
            ]},
            {"id": "b", "text": "More story.", "choices": [
                {"text": "Refer", "to": "e1", "verdict": "best", "feedback": "Yes.", "flags": ["weakness-worsening"]},
                {"text": "Wait", "to": "a", "verdict": "ok", "feedback": "Back to the start.", "cite": ["nice2016"]},
            ]},
            {"id": "e1", "end": "good", "text": "Good end.", "cite": ["nice2016"]},
            {"id": "e2", "end": "poor", "text": "Poor end.", "precautions": ["red-flags"]},
        ],
    }


def write(tmp_path, data, name="broken.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False))
    return p


def test_the_good_case_loads_and_its_loop_has_an_exit(tmp_path):
    c = cases.load_case(write(tmp_path, good_case(), "good.yaml"))
    assert c.id == "good" and sorted(c.ends) == ["e1", "e2"]
    assert [len(p) for p in c.paths()] == [2, 1]


def node(d, nid):
    return next(n for n in d["nodes"] if n["id"] == nid)


BROKEN = [
    ("to", lambda d: node(d, "a")["choices"][0].update(to="nowhere"),
     "broken.yaml: node a choice 1: to: 'nowhere' is not a node id"),
    ("feedback", lambda d: node(d, "a")["choices"][1].pop("feedback"),
     "broken.yaml: node a choice 2: feedback: is required"),
    ("empty-feedback", lambda d: node(d, "b")["choices"][0].update(feedback=" "),
     "broken.yaml: node b choice 1: feedback: must not be empty"),
    ("cite", lambda d: node(d, "a")["choices"][0].update(cite=["nobody1999"]),
     "broken.yaml: node a choice 1: cite: 'nobody1999' is not a key in book/references.bib"),
    ("end-cite", lambda d: node(d, "e1").update(cite=["nobody1999"]),
     "broken.yaml: node e1: cite: 'nobody1999' is not a key in book/references.bib"),
    ("no-source", lambda d: node(d, "b")["choices"][1].pop("cite"),
     "broken.yaml: node b choice 2: cite: needs at least one source"),
    ("end-no-source", lambda d: node(d, "e1").pop("cite"),
     "broken.yaml: node e1: cite: an end needs at least one source"),
    ("flag", lambda d: node(d, "b")["choices"][0].update(flags=["no-such-flag"]),
     "broken.yaml: node b choice 1: flags: 'no-such-flag' is not a red flag id in red_flags.yaml"),
    ("precaution", lambda d: node(d, "e2").update(precautions=["nope"]),
     "broken.yaml: node e2: precautions: 'nope' is not a precaution id in precautions.yaml"),
    ("stop-sign", lambda d: node(d, "a")["choices"][0].update(stop_signs=["nope"]),
     "broken.yaml: node a choice 1: stop_signs: 'nope' is not a stop sign id in precautions.yaml"),
    ("placeholder", lambda d: node(d, "a")["choices"][0].update(feedback="Go: {urgency:whenever}."),
     "broken.yaml: node a choice 1: feedback: {urgency:whenever}: 'whenever' is not an urgency level"),
    ("flag-placeholder", lambda d: node(d, "b").update(text="{flag:nope}"),
     "broken.yaml: node b: text: {flag:nope}: 'nope' is not a red flag id"),
    ("verdict", lambda d: node(d, "a")["choices"][0].update(verdict="great"),
     "broken.yaml: node a choice 1: verdict: 'great' is not a verdict (one of: best, ok, poor, unsafe)"),
    ("end-kind", lambda d: node(d, "e1").update(end="happy"),
     "broken.yaml: node e1: end: 'happy' is not a kind of end (one of: good, mixed, poor)"),
    ("unknown-field", lambda d: node(d, "a")["choices"][0].update(score=3),
     "broken.yaml: node a choice 1: score: is not a known field"),
    ("unreachable", lambda d: d["nodes"].append({"id": "orphan", "end": "good", "text": "X.", "cite": ["nice2016"]}),
     "broken.yaml: node orphan: id: cannot be reached from the start node 'a'"),
    ("one-choice", lambda d: node(d, "b")["choices"].pop(),
     "broken.yaml: node b: choices: a node that is not an end needs at least two choices"),
    ("end-with-choices", lambda d: node(d, "e1").update(choices=node(d, "a")["choices"]),
     "broken.yaml: node e1: choices: an end has no choices"),
    ("cycle", lambda d: (node(d, "a")["choices"].append(
        {"text": "Refer", "to": "e1", "verdict": "best", "feedback": "Yes.", "cite": ["nice2016"]}),
        node(d, "b")["choices"][0].update(to="c"), node(d, "b")["choices"][1].update(to="c"),
        d["nodes"].append({"id": "c", "text": "Loop.", "choices": [
            {"text": "x", "to": "b", "verdict": "ok", "feedback": "f", "cite": ["nice2016"]},
            {"text": "y", "to": "b", "verdict": "ok", "feedback": "f", "cite": ["nice2016"]}]})),
     "broken.yaml: node b: choices: no path from this node reaches an end (a cycle with no exit)"),
    ("into-cycle", lambda d: (node(d, "a")["choices"].append(
        {"text": "Refer", "to": "e1", "verdict": "best", "feedback": "Yes.", "cite": ["nice2016"]}),
        node(d, "b")["choices"][0].update(to="c"), node(d, "b")["choices"][1].update(to="c"),
        d["nodes"].append({"id": "c", "text": "Loop.", "choices": [
            {"text": "x", "to": "c", "verdict": "ok", "feedback": "f", "cite": ["nice2016"]},
            {"text": "y", "to": "c", "verdict": "ok", "feedback": "f", "cite": ["nice2016"]}]})),
     "broken.yaml: node b: choices: no path from this node reaches an end (it leads only into a cycle with no exit)"),
    ("one-end", lambda d: (node(d, "a")["choices"][1].update(to="e1"), d["nodes"].pop()),
     "broken.yaml: nodes: a case needs at least two ends (found 1)"),
    ("duplicate", lambda d: d["nodes"].append(dict(node(d, "e1"))),
     "broken.yaml: node e1: id: is used by another node"),
    ("bad-id", lambda d: node(d, "e1").update(id="End 1"),
     "broken.yaml: node End 1: id: 'End 1' must be lower-case letters, digits and hyphens"),
    ("start", lambda d: d.update(start="zzz"), "broken.yaml: start: 'zzz' is not a node id"),
    ("no-intro", lambda d: d.pop("intro"), "broken.yaml: intro: is required (non-empty text)"),
    ("top-field", lambda d: d.update(author="me"), "broken.yaml: author: is not a known field"),
]


@pytest.mark.parametrize("name, change, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_case_names_file_node_and_field(tmp_path, name, change, message):
    data = good_case()
    change(data)
    with pytest.raises(CourseDataError) as err:
        cases.load_case(write(tmp_path, data))
    assert str(err.value).startswith(message), str(err.value)
    assert "\n" not in str(err.value)


def test_a_case_file_that_is_not_yaml_names_the_line(tmp_path):
    p = tmp_path / "broken.yaml"
    p.write_text("title: T\nnodes: [\n  - id: a\n")
    with pytest.raises(CourseDataError, match=r"^broken\.yaml: line \d+: is not valid YAML"):
        cases.load_case(p)


def test_the_book_build_validates_the_cases(tmp_path, monkeypatch):
    from sphinx.errors import ExtensionError

    from sciatica_course import sphinx_ext

    assert "sciatica_course.cases:load_all" in sphinx_ext.VALIDATORS
    data = good_case()
    node(data, "e1")["precautions"] = ["no-such-precaution"]
    folder = tmp_path / "cases"
    folder.mkdir()
    write(folder, data, "loop.yaml")
    monkeypatch.setattr(cases, "CASES_DIR", folder)
    monkeypatch.setattr(sphinx_ext, "VALIDATORS", ["sciatica_course.cases:load_all"])
    with pytest.raises(ExtensionError,
                       match=r"course data: loop\.yaml: node e1: precautions: 'no-such-precaution' is not"):
        sphinx_ext.validate_course_data(None)


# --------------------------------------------------------------------------------------------
# The book's form


@pytest.mark.parametrize("cid", CASE_IDS)
def test_book_html_is_deterministic_and_carries_the_whole_case(cid):
    c = cases.load_case(cid)
    html = cases.case_html(c)
    assert html == cases.case_html(cases.load_case(cid))
    assert html.startswith(
        f'<section class="sc-case" id="scc-{cid}" data-case="{cid}" aria-labelledby="scc-{cid}-title">')
    assert "<noscript>" in html and f'id="scc-{cid}-title"' in html
    m = re.search(r'<script type="application/json" class="sc-case-data">(.*?)</script>', html, re.S)
    data = json.loads(m.group(1))
    assert data["start"] == c.start and set(data["nodes"]) == set(c.nodes)
    for nid, n in c.nodes.items():
        d = data["nodes"][nid]
        assert d["text"] == n.text and [x["to"] for x in d["choices"]] == [ch.to for ch in n.choices]
        for x, ch in zip(d["choices"], n.choices):
            assert x["feedback"] == ch.feedback and x["safety"] == list(ch.safety)
            assert x["src"] == cases.sources_line(ch.sources) and x["src"].startswith("Source")
            assert x["words"] == cases.VERDICTS[ch.verdict][1]
        if n.is_end:
            assert d["endWords"] == cases.ENDINGS[n.end] and d["full"] == [bibliography.full(k) for k in n.sources]
    # the text form gives the start and its choices, never feedback
    text = cases.case_text(c)
    assert c.node(c.start).text in text
    assert not any(ch.feedback in text for n in c.nodes.values() for ch in n.choices)


def test_sources_line_uses_the_books_author_year_labels():
    assert cases.sources_line(["cherkin2011"]) == "Source: Cherkin et al. (2011)."
    assert cases.sources_line(["cherkin2011", "furlan2015"]) == "Sources: Cherkin et al. (2011); Furlan et al. (2015)."


def test_case_output_has_the_widget_and_the_html():
    out = cases.case("foot-drop")
    bundle = out._repr_mimebundle_()
    assert bundle["text/html"] == cases.case_html(out.case)
    assert bundle[WIDGET_MIME]["model_id"] == out.case_widget.box.model_id
    assert "text/plain" in bundle and WIDGET_MIME not in cases.case("foot-drop", widget=False)._repr_mimebundle_()


# --------------------------------------------------------------------------------------------
# The JupyterLab form


def test_widget_tree_walks_a_case_with_feedback_back_and_restart():
    import ipywidgets as w

    out = cases.case("blood-thinners")
    cw = out.case_widget
    box = cw.box
    assert isinstance(box, w.VBox)
    kinds = [type(x).__name__ for x in box.children]
    assert kinds == ["HTML", "HTML", "HTML", "HTML", "RadioButtons", "HBox"]
    title, trail, feedback, step, options, buttons = box.children
    assert "Practice case: A client on blood thinners asks for firm pressure" in title.value
    assert [b.description for b in buttons.children] == ["Choose", "Go back one step", "Start again"]
    assert options.description == "What do you do?" and options.value is None
    start = cw.case.node("request")
    assert [label for label, _ in options.options] == [ch.text for ch in start.choices]
    assert "Step 1." in step.value and trail.value == "" and feedback.value == ""
    assert cw.back.disabled and cw.restart.disabled

    # Choose with nothing selected: a prompt, no step taken.
    buttons.children[0].click()
    assert "Choose one of the options first" in feedback.value and cw.current == "request"

    # The best first choice: feedback with its verdict, the precaution in the data's words, sources.
    options.value = 1
    buttons.children[0].click()
    pre = next(p for p in safety.load().precautions if p.id == "blood-thinners")
    assert "Best choice." in feedback.value and pre.advice in feedback.value
    assert "Source: National Center for Complementary and Integrative Health (n.d.)." in feedback.value
    assert cw.current == "calf" and "Step 2." in step.value and "Step 1:" in trail.value
    assert not cw.back.disabled

    # An unsafe choice leads to an end: no more options, the ending and its sources.
    options.value = 2
    buttons.children[0].click()
    assert "Unsafe choice." in feedback.value and cw.current == "end-calf"
    assert "The end of the case. A poor ending." in step.value and "Sutham et al. (2020)" in step.value
    assert options.layout.display == "none" and cw.choose.layout.display == "none"

    # Go back one step: the same choices again, nothing chosen.
    buttons.children[1].click()
    assert cw.current == "calf" and options.value is None and options.layout.display is None
    assert [label for label, _ in options.options] == [ch.text for ch in cw.case.node("calf").choices]
    options.value = 1
    buttons.children[0].click()
    assert cw.current == "end-good" and "A good ending." in step.value

    # Start again: back at step 1 with an empty path.
    buttons.children[2].click()
    assert cw.current == "request" and cw.path == [] and trail.value == "" and cw.restart.disabled


def test_widget_can_follow_every_path_to_its_end():
    for cid in CASE_IDS:
        cw = cases.CaseWidget(cases.load_case(cid))
        for path in cw.case.paths():
            cw.start_again()
            for _nid, n in path:
                assert cw.on_choose(n) is not None
            assert cw.node.is_end and cw.options.layout.display == "none", (cid, path)

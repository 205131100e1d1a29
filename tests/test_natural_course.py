"""Chapter 06's natural-course figure and the before/after simulation (sciatica_course.natural_course).

The natural-course figure plots only VERIFIED dataset values (read back from the plotly figure and
checked against tests/expected_values.csv), one marker style per study. The simulation is seeded and
deterministic; at a true effect of zero an uncontrolled before/after study still reports a large
improvement while the controlled difference stays near zero; the controlled difference tracks the
true effect; the figure's slider steps carry exactly the simulation's numbers (so the static book
shows the same thing as the kernel); and the text alternative lists them.
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import nbformat
import pytest

from sciatica_course import evidence, figures
from sciatica_course import natural_course as nc
from sciatica_course.display import PLOTLY_MIME, CourseFigure

ROOT = Path(__file__).resolve().parents[1]
BASIC_TRACE_TYPES = {"scatter", "bar", "pie"}
OKABE_ITO = {figures.BLACK, figures.ORANGE, figures.SKY, figures.GREEN, figures.YELLOW, figures.BLUE,
             figures.VERMILLION, figures.PURPLE}


@pytest.fixture(scope="module")
def ds() -> evidence.Dataset:
    return evidence.load_all()


@pytest.fixture(scope="module")
def course() -> CourseFigure:
    return nc.natural_course()


@pytest.fixture(scope="module")
def sim() -> CourseFigure:
    return nc.simulation()


def plain(s: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", s).split())


def fmt(x: float) -> str:
    return f"{x:.1f}".replace("-", "\u2212")


# ------------------------------------------------------------------- both figures: house rules
@pytest.mark.parametrize("name", ["natural_course", "simulation"])
def test_figure_carries_everything_a_reader_needs(name):
    cf = getattr(nc, name)()
    assert isinstance(cf, CourseFigure) and cf.fig.layout.title.text
    assert cf.rows and all(len(r) == len(cf.columns) for r in cf.rows)
    assert 1 <= cf.summary.count(". ") + 1 <= 3 and cf.summary.endswith(".")
    bundle = cf._repr_mimebundle_()
    assert set(bundle) == {PLOTLY_MIME, "text/html", "text/plain"}
    json.dumps(bundle[PLOTLY_MIME])
    assert cf.summary in bundle["text/plain"]


@pytest.mark.parametrize("name", ["natural_course", "simulation"])
def test_only_basic_bundle_traces_and_house_colours(name):
    cf = getattr(nc, name)()
    assert {t.type for t in cf.fig.data} <= BASIC_TRACE_TYPES
    colours = set(re.findall(r"#[0-9A-Fa-f]{6}\b", json.dumps(cf.plotly_json()["data"])))
    neutral = {c for c in colours if len({c[1:3].lower(), c[3:5].lower(), c[5:7].lower()}) == 1}
    assert colours - neutral <= OKABE_ITO | {c.lower() for c in OKABE_ITO}, name
    assert "data" not in cf.plotly_json()["layout"]["template"]
    for tr in cf.fig.data:
        assert tr.hovertext is not None and any(tr.hovertext), f"{name}: trace {tr.name} has no hover text"


def test_keys_are_unique_across_the_course():
    keys = [f().key for f in figures.ALL_FIGURES] + [f().key for f in nc.ALL_FIGURES]
    assert len(keys) == len(set(keys))


# --------------------------------------------------------------------------- natural course
def plotted_points(cf: CourseFigure) -> list[tuple[str, float]]:
    """(study, value) for every marker, read back from the figure."""
    out = []
    for tr in cf.fig.data:
        study = plain(tr.name).split(":")[0]
        out += [(study, x) for x in tr.x]
    return out


def test_natural_course_plots_exactly_the_verified_records(course, ds):
    want = [(study, ds.plotted(key, rid).value.value) for key, rid, study, *_ in nc._IMPROVED + nc._UNSATISFACTORY]
    got = plotted_points(course)
    assert sorted(got) == sorted(want)
    assert sorted(v for _, v in got) == [20, 21, 55, 65, 70, 87, 95]


def test_every_plotted_natural_course_value_is_pinned(ds):
    with (ROOT / "tests" / "expected_values.csv").open(newline="", encoding="utf-8") as fh:
        pinned = {(r["study"], r["record"], r["quantity"]): float(r["value"]) for r in csv.DictReader(fh)}
    for key, rid, *_ in nc._IMPROVED + nc._UNSATISFACTORY:
        rec = ds.plotted(key, rid)
        assert rec.verification == "VERIFIED"
        assert math.isclose(pinned[(key, rid, "value")], rec.value.value), (key, rid)


def test_each_study_has_its_own_marker_and_says_who_was_studied(course):
    styles = {}
    for tr in course.fig.data:
        study = plain(tr.name).split(":")[0]
        styles[study] = (tr.marker.color, tr.marker.symbol)
        assert re.search(r"\d{3} ", plain(tr.name)), f"legend entry {tr.name!r} does not give the number of people"
    assert set(styles) == {"Vroomen 1999", "Konstantinou 2018", "Peul 2007", "Peul 2008", "Lequin 2013"}
    assert len(set(styles.values())) == len(styles), "two studies share a marker style"


def test_rows_are_labelled_with_study_and_time_and_panels_with_outcome(course):
    texts = [" ".join(re.sub(r"</?b>", "", a.text).replace("<br>", " ").split()) for a in course.fig.layout.annotations]
    for _, _, study, label, _ in nc._IMPROVED + nc._UNSATISFACTORY:
        assert f"{study}: {label}" in texts
    assert any("Improved or recovered" in t and "higher is better" in t for t in texts)
    assert any("Unsatisfactory" in t and "lower is better" in t for t in texts)


def test_caption_and_text_say_the_studies_measure_different_things(course, ds):
    cap = course.caption
    assert cap.startswith("Source: ")
    assert "different" in cap and "not one curve" in cap
    assert f"{ds.get('peul2007', 'surgery-conservative-1yr').value.value:g}% of the conservative-care group" in cap
    assert "surgery" in cap
    outcomes = [row[2] for row in course.rows]
    assert len(set(outcomes)) >= 4  # the table names each study's own outcome
    for row in course.rows:
        assert re.search(r"\d", row[1]), f"population without numbers: {row[1]}"


def test_no_partly_verified_value_is_plotted(course, ds):
    partly = {r.uid for r in ds if r.verification == "PARTLY VERIFIED"}
    used = {f"{k}/{i}" for k, i, *_ in nc._IMPROVED + nc._UNSATISFACTORY}
    assert not used & partly


# ------------------------------------------------------------------------------- simulation
def test_simulation_is_seeded_and_deterministic():
    a = nc.simulate(1.0)
    nc._patients.cache_clear()
    b = nc.simulate(1.0)
    assert a == b
    assert nc.simulate(1.0, seed=nc.SEED + 1) != a


def test_at_zero_effect_before_after_is_large_but_the_controlled_difference_is_near_zero():
    r = nc.simulate(0.0)
    assert r.before_after > 2.5, r
    assert abs(r.controlled) < 0.4, r
    # Natural recovery alone: the control group improves by about as much as the treated group.
    assert abs((r.control[0] - r.control[nc.WEEKS.index(nc.OUTCOME_WEEK)]) - r.before_after) < 0.5


def test_the_controlled_difference_tracks_the_true_effect():
    runs = nc.results()
    assert [r.effect for r in runs] == list(nc.EFFECTS) and nc.EFFECTS[0] == 0
    base = runs[0].controlled
    for r in runs:
        assert abs(r.controlled - r.effect) < 0.4, r
        # The same patients at every slider position: only the treatment changes.
        assert abs((r.controlled - base) - r.effect) < 0.1, r
        assert r.before_after > r.controlled + 2.5, r
    diffs = [r.controlled for r in runs]
    assert diffs == sorted(diffs)


def test_the_control_group_does_not_depend_on_the_slider():
    assert len({nc.simulate(e).control for e in nc.EFFECTS}) == 1


def test_slider_steps_carry_exactly_the_simulations_numbers(sim):
    slider = sim.fig.layout.sliders[0]
    assert slider.active == 0
    assert [s.label for s in slider.steps] == [fmt(e) for e in nc.EFFECTS]
    for step, e in zip(slider.steps, nc.EFFECTS):
        r = nc.simulate(e)
        data, traces = step.args[0], step.args[1]
        assert step.method == "restyle" and list(traces) == [1, 2]
        assert list(data["y"][0]) == list(r.treated)
        assert list(data["x"][1]) == [r.before_after, r.controlled, r.effect]
        assert data["text"][1] == [f"{fmt(v)} points" for v in (r.before_after, r.controlled, r.effect)]
    # The figure as first drawn is the first step (true effect 0).
    r0 = nc.simulate(0.0)
    assert list(sim.fig.data[0].y) == list(r0.control)
    assert list(sim.fig.data[1].y) == list(r0.treated)
    assert list(sim.fig.data[2].x) == [r0.before_after, r0.controlled, 0.0]


def test_the_book_html_carries_the_slider_steps(sim):
    html = sim.to_html()
    payload = json.loads(re.search(r'<script type="application/json" class="sc-plot-data">(.*?)</script>', html,
                                   re.DOTALL).group(1).replace("<\\/", "</"))
    steps = payload["layout"]["sliders"][0]["steps"]
    assert len(steps) == len(nc.EFFECTS)
    assert steps[-1]["args"][0]["x"][1] == [nc.simulate(nc.EFFECTS[-1]).before_after,
                                            nc.simulate(nc.EFFECTS[-1]).controlled, nc.EFFECTS[-1]]


def test_the_text_alternative_lists_every_slider_value(sim):
    assert len(sim.rows) == len(nc.EFFECTS)
    text = sim.to_text()
    html = sim.to_html()
    for row, r in zip(sim.rows, nc.results()):
        assert row == [f"{fmt(r.effect)} points", f"{fmt(r.before_after)} points", f"{fmt(r.controlled)} points"]
        for cell in row:
            assert cell in text and cell in html
    assert f"{fmt(nc.simulate(0.0).before_after)} points" in sim.summary


def test_the_simulation_is_labelled_as_a_simulation_not_data(sim):
    assert "SIMULATION" in sim.fig.layout.title.text and "not real data" in sim.fig.layout.title.text
    assert "not data" in sim.caption and "not fitted" in sim.caption
    assert "simulation" in sim.summary.lower() and "made-up" in sim.summary
    assert any("not data" in a for a in nc.ASSUMPTIONS)
    assert any("not fitted" in a for a in nc.ASSUMPTIONS)


# ------------------------------------------------------------------------------ in chapter 06
@pytest.fixture(scope="module")
def chapter():
    return nbformat.read(ROOT / "notebooks" / "06-evidence.ipynb", as_version=4)


def test_chapter06_shows_both_figures_in_labelled_hide_input_cells(chapter):
    md = "\n\n".join(c.source for c in chapter.cells if c.cell_type == "markdown")
    for name in ("natural_course", "simulation"):
        idx = [i for i, c in enumerate(chapter.cells)
               if c.cell_type == "code" and re.search(rf"\bnatural_course\.{name}\(\)\s*$", c.source.strip())]
        assert len(idx) == 1, f"chapter 06 should call natural_course.{name}() once, as a cell's last line"
        i = idx[0]
        assert "hide-input" in chapter.cells[i].metadata.get("tags", [])
        prev = chapter.cells[i - 1].source.strip().splitlines()[-1]
        label = re.fullmatch(r"\(([\w-]+)\)=", prev)
        assert label, f"the markdown before natural_course.{name}() must end with a (label)="
        assert re.search(r"\{ref\}`[^`]*<" + re.escape(label.group(1)) + ">`", md)


def test_chapter06_states_the_simulations_assumptions(chapter):
    md = " ".join(" ".join(c.source.split()) for c in chapter.cells if c.cell_type == "markdown")
    low = md.lower()
    assert "simulation" in low and "not data" in low and ("made-up" in low or "made up" in low)
    assert "not fitted" in low or "not a fitted" in low
    assert f"{2 * nc.N_PER_ARM}" in md and f"week {nc.OUTCOME_WEEK}" in md
    for key in ("vroomen1999", "peul2007", "peul2008", "lequin2013", "konstantinou2018"):
        assert f"{key}" in md, f"chapter 06 does not cite {key}"

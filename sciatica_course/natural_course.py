"""How sciatica usually goes, and why that matters when judging a treatment (chapter 06).

Two figures, both :class:`sciatica_course.display.CourseFigure` in the house style of
:mod:`sciatica_course.figures` (imported, not copied):

- :func:`natural_course`: what three published studies (five reports) found about recovery over
  time. Every value comes from the study dataset (``data/studies``), one marker style per report,
  because the studies measured different things in different groups of people and are not one
  curve.
- :func:`simulation`: a seeded simulation of made-up patients whose pain falls on its own. A slider
  (plotly's own, so it works in JupyterLab and in the static book without a kernel; the values for
  every position are computed here and stored in the figure) sets the treatment's true effect,
  including zero. It shows what an uncontrolled before/after study would report and what a
  comparison with a control group shows.

The simulation is an illustration, not data and not a fitted model: :data:`ASSUMPTIONS` lists what
it assumes, and the chapter says the same in words.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import evidence
from .display import CourseFigure
from .figures import (
    BLUE,
    GREEN,
    GREY,
    LEGEND_BELOW,
    ORANGE,
    SKY,
    TEMPLATE,
    VERMILLION,
    _fmt,
    _hover,
    _source,
    _wrap,
    dataset,
)

# ------------------------------------------------------------------------------ natural course
# One row per published result: (key, record id, study label, row label, outcome in plain words).
# Rows are grouped into two panels, because "improved" and "unsatisfactory" point in opposite
# directions and must not share an axis.
_IMPROVED = (
    ("vroomen1999", "improved-2wk-bed-rest", "Vroomen 1999", "2 weeks, bed rest", "said they had improved"),
    ("vroomen1999", "improved-2wk-watchful-waiting", "Vroomen 1999", "2 weeks, waiting", "said they had improved"),
    ("vroomen1999", "improved-12wk", "Vroomen 1999", "12 weeks, both groups", "said they had improved"),
    ("konstantinou2018", "improved-12mo", "Konstantinou 2018", "12 months",
     "had at least 30% less disability"),
    ("peul2007", "recovery-1yr", "Peul 2007", "1 year, both groups", "felt recovered"),
)
_UNSATISFACTORY = (
    ("peul2008", "unsatisfactory-2yr", "Peul 2008", "2 years, all", "had an unsatisfactory outcome"),
    ("lequin2013", "unsatisfactory-5yr", "Lequin 2013", "5 years, followed up", "had an unsatisfactory recovery"),
)
# Each study its own colour and marker shape (Peul 2007, Peul 2008 and Lequin 2013 are one trial
# followed for longer: one colour, three shapes).
_STYLE = {
    "Vroomen 1999": (BLUE, "circle"),
    "Konstantinou 2018": (GREEN, "diamond"),
    "Peul 2007": (VERMILLION, "square"),
    "Peul 2008": (VERMILLION, "triangle-up"),
    "Lequin 2013": (VERMILLION, "x"),
}
# Who was studied, in a few words, for the legend (the full population is in hover and table).
_WHO = {
    "vroomen1999": "183 with sciatica; bed rest or waiting (Netherlands)",
    "konstantinou2018": "609 with leg pain seen by UK family doctors",
    "peul2007": "283 with severe sciatica; surgery or conservative care (Netherlands)",
}
_WHO["peul2008"] = _WHO["lequin2013"] = _WHO["peul2007"]


def _left_align_subplot_titles(fig: go.Figure) -> None:
    """Subplot titles start at the left edge, so a narrow screen does not cut them off."""
    for ann in fig.layout.annotations:
        ann.update(x=0, xanchor="left", xref="paper", font={"size": 14})


def _rows(ds: evidence.Dataset, items) -> list[tuple]:
    return [(ds.plotted(key, rid), study, label, words) for key, rid, study, label, words in items]


def natural_course() -> CourseFigure:
    """Recovery over time in three studies of sciatica (five reports), one marker style per report."""
    ds = dataset()
    improved, unsatisfactory = _rows(ds, _IMPROVED), _rows(ds, _UNSATISFACTORY)
    fig = make_subplots(
        rows=2, cols=1, row_heights=[0.66, 0.34], vertical_spacing=0.2,
        subplot_titles=("Improved or recovered<br>(higher is better)", "Unsatisfactory outcome<br>(lower is better)"),
    )
    _left_align_subplot_titles(fig)
    fig.update_layout(
        template=TEMPLATE, height=820, hovermode="closest",
        title={"text": "How sciatica usually goes: three studies", "x": 0, "xanchor": "left", "y": 1,
               "yanchor": "top", "pad": {"l": 8, "t": 12}},
        legend={**LEGEND_BELOW, "font": {"size": 12}},
        margin={"l": 20, "r": 20, "t": 110, "b": 40},
    )
    table = []
    for panel, rows in ((1, improved), (2, unsatisfactory)):
        # One row per result. The row's label is written above its marker (not as a tick label), so
        # the plot keeps its full width on a phone.
        axis = "" if panel == 1 else str(panel)
        for i, (r, study, label, _) in enumerate(rows):
            fig.add_annotation(x=0, y=i, xref=f"x{axis}", yref=f"y{axis}", text=f"<b>{study}</b>: {label}",
                               showarrow=False, xanchor="left", yanchor="bottom", yshift=9,
                               font={"size": 12, "color": "#1a1a1a"})
        for study in dict.fromkeys(s for _, s, _, _ in rows):
            mine = [(i, r, label, words) for i, (r, s, label, words) in enumerate(rows) if s == study]
            colour, symbol = _STYLE[study]
            rec0 = mine[0][1]
            fig.add_trace(go.Scatter(
                x=[r.value.value for _, r, _, _ in mine], y=[i for i, *_ in mine],
                mode="markers+text", name=_wrap(f"{study}: {_WHO[rec0.key]}", 36), legendgroup=study,
                text=[f"{_fmt(r.value.value)}%" for _, r, _, _ in mine],
                textposition=["middle left" if r.value.value >= 80 else "middle right" for _, r, _, _ in mine],
                textfont={"size": 13, "color": "#1a1a1a"}, cliponaxis=False,
                marker={"size": 14, "symbol": symbol, "color": colour, "line": {"color": colour, "width": 2}},
                **_hover([f"<b>{study}</b>, {label}: {_fmt(r.value.value)}% {words}"
                          f"<br>{_wrap(r.population, 48)}<br>{_wrap(_source(r), 48)}" for _, r, label, words in mine]),
            ), row=panel, col=1)
        for r, study, label, _ in rows:
            table.append([study, r.population, r.outcome, label, f"{_fmt(r.value.value)}%"])
        fig.update_xaxes(range=[0, 104], row=panel, col=1, ticksuffix="%", dtick=25)
        fig.update_yaxes(range=[len(rows) - 0.5, -0.95], showticklabels=False, ticks="", zeroline=False,
                         row=panel, col=1)
    fig.update_xaxes(title_text="% of people in the study", row=2, col=1)
    s1 = ds.plotted("peul2007", "surgery-conservative-1yr")
    s5 = ds.plotted("lequin2013", "surgery-conservative-5yr")
    early = ds.plotted("peul2007", "surgery-early-1yr")
    recs = [r for r, *_ in improved + unsatisfactory]
    caption = (
        _source(*recs) + " Each marker is one study's own result. The studies measured different "
        "things (said they had improved; felt recovered; at least 30% less disability; an unsatisfactory "
        "outcome) in different groups of people, so the points are not one curve and should not be joined. "
        "In the Peul and Lequin trial many people had surgery: "
        f"{_fmt(s1.value.value)}% of the conservative-care group by 1 year and {_fmt(s5.value.value)}% by 5 years "
        f"(and {_fmt(early.value.value)}% of the early-surgery group), so those points show sciatica under "
        "treatment, not left alone."
    )
    summary = (
        "In these studies most people with sciatica got better over weeks to months: in one trial about two in "
        "three said they had improved after 2 weeks and 87% after 12 weeks, with or without bed rest. "
        "Yet about one in five still had an unsatisfactory outcome after 2 and 5 years in another trial, and "
        "in UK family practice 55% were clearly better after a year."
    )
    return CourseFigure("natural_course", fig, summary, caption,
                        ["Study", "Who was studied", "Outcome", "When", "Value"], table)


# ---------------------------------------------------------------------------------- simulation
SEED = 6
N_PER_ARM = 200
WEEKS = tuple(range(0, 13))
OUTCOME_WEEK = 6
EFFECTS = (0.0, 0.5, 1.0, 1.5, 2.0)  # slider positions: the treatment's true effect, in pain points
SLOW_SHARE = 0.2  # share of made-up patients whose pain settles only part of the way
ASSUMPTIONS = (
    "This is a simulation of made-up patients, not data from any study.",
    f"There are {2 * N_PER_ARM} made-up people with sciatica; chance splits them into two groups of "
    f"{N_PER_ARM}: one gets the treatment, the other does not.",
    "Pain is scored from 0 (none) to 10 (worst). At the start it is about 7 out of 10 on average.",
    "Without any treatment, each person's pain falls on its own over a few weeks. About 4 in 5 settle to "
    "mild pain (about 2 to 3 out of 10); about 1 in 5 stay in moderate pain (about 5 to 6 out of 10).",
    "This recovery curve is made up to look roughly like the studies in the first figure. It is not "
    "fitted to them and does not predict anyone's recovery.",
    "Each score also wobbles a little from week to week, as real pain scores do.",
    "The treatment lowers pain by its true effect (set with the slider) from week 1 on, for everyone who "
    "gets it.",
    f"Both the before/after study and the comparison look at week {OUTCOME_WEEK}.",
)


@dataclass(frozen=True)
class SimResult:
    """One run of the simulation for one true effect (pain points, 0-10 scale)."""

    effect: float
    weeks: tuple[int, ...]
    treated: tuple[float, ...]  # average pain per week, treated group
    control: tuple[float, ...]  # average pain per week, control group
    before_after: float  # treated group: average at week 0 minus average at OUTCOME_WEEK
    controlled: float  # at OUTCOME_WEEK: control average minus treated average


def _clip(x: float, lo: float = 0.0, hi: float = 10.0) -> float:
    return min(hi, max(lo, x))


@lru_cache(maxsize=4)
def _patients(seed: int, n_per_arm: int) -> tuple[tuple[tuple[float, ...], ...], tuple[tuple[float, ...], ...]]:
    """Untreated pain scores per person per week for the two groups (the same people for every effect,
    so moving the slider changes only the treatment, never the patients)."""
    rng = random.Random(seed)

    def person() -> tuple[float, ...]:
        start = _clip(rng.gauss(7.0, 1.0), 4.0, 10.0)
        if rng.random() < SLOW_SHARE:
            settle = _clip(rng.gauss(5.5, 1.0), 3.5, start)
        else:
            settle = _clip(rng.gauss(2.5, 0.8), 1.0, start)
        pace = rng.lognormvariate(math.log(3.0), 0.4)  # weeks for most of the fall to happen
        return tuple(_clip(settle + (start - settle) * math.exp(-w / pace) + rng.gauss(0.0, 0.7)) for w in WEEKS)

    people = [person() for _ in range(2 * n_per_arm)]
    return tuple(people[:n_per_arm]), tuple(people[n_per_arm:])


def _mean(xs) -> float:
    xs = list(xs)
    return sum(xs) / len(xs)


def simulate(effect: float, seed: int = SEED, n_per_arm: int = N_PER_ARM) -> SimResult:
    """Average pain per week in each group, and what each kind of study would report."""
    treated_people, control_people = _patients(seed, n_per_arm)
    treated = [[_clip(p - effect) if w > 0 else p for w, p in zip(WEEKS, person)] for person in treated_people]
    t_mean = tuple(round(_mean(col), 2) for col in zip(*treated))
    c_mean = tuple(round(_mean(col), 2) for col in zip(*control_people))
    k = WEEKS.index(OUTCOME_WEEK)
    return SimResult(
        effect=effect, weeks=WEEKS, treated=t_mean, control=c_mean,
        before_after=round(t_mean[0] - t_mean[k], 2), controlled=round(c_mean[k] - t_mean[k], 2),
    )


def results() -> list[SimResult]:
    """The simulation at every slider position."""
    return [simulate(e) for e in EFFECTS]


_BAR_LABELS = ("Before/after<br>(no control)", "Treated vs<br>control", "True effect<br>(slider)")
_BAR_COLOURS = (VERMILLION, GREEN, "#ffffff")
_BAR_PATTERNS = ("/", "", "x")


def _bars(r: SimResult) -> list[float]:
    return [r.before_after, r.controlled, r.effect]


def _bar_hover(r: SimResult) -> list[str]:
    return [f"Before/after study: pain in the treated group fell by {_fmt(r.before_after, 1)} points "
            f"from week 0 to week {OUTCOME_WEEK}",
            f"Comparison: at week {OUTCOME_WEEK} the treated group had {_fmt(r.controlled, 1)} points less "
            "pain than the control group",
            f"True effect built into the simulation: {_fmt(r.effect, 1)} points"]


def _line_hover(values, group: str) -> list[str]:
    return [f"{group}, week {w}: average pain {_fmt(v, 1)} out of 10" for w, v in zip(WEEKS, values)]


def simulation() -> CourseFigure:
    """Simulated patients: an uncontrolled before/after study vs a controlled comparison, with a slider
    for the treatment's true effect (precomputed steps, so it works without a kernel)."""
    runs = results()
    first = runs[0]
    fig = make_subplots(rows=2, cols=1, row_heights=[0.55, 0.45], vertical_spacing=0.2,
                        subplot_titles=("", f"Result at week {OUTCOME_WEEK}"))
    _left_align_subplot_titles(fig)
    fig.update_layout(
        template=TEMPLATE, height=760, hovermode="closest",
        title={"text": "SIMULATION, not real data: judging a treatment", "x": 0, "xanchor": "left", "y": 1,
               "yanchor": "top", "pad": {"l": 8, "t": 12}},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        margin={"l": 20, "r": 20, "t": 110, "b": 40},
    )
    fig.add_trace(go.Scatter(
        x=list(WEEKS), y=list(first.control), mode="lines+markers", name="Control group (no treatment)",
        line={"color": ORANGE, "width": 3, "dash": "dash"}, marker={"symbol": "square", "size": 7, "color": ORANGE},
        **_hover(_line_hover(first.control, "Control group")),
    ), row=1, col=1)
    fig.add_trace(go.Scatter(
        x=list(WEEKS), y=list(first.treated), mode="lines+markers", name="Treated group",
        line={"color": BLUE, "width": 3}, marker={"symbol": "circle", "size": 7, "color": BLUE},
        **_hover(_line_hover(first.treated, "Treated group")),
    ), row=1, col=1)
    fig.add_trace(go.Bar(
        x=_bars(first), y=list(_BAR_LABELS), orientation="h", showlegend=False, name="What each study shows",
        marker={"color": list(_BAR_COLOURS), "pattern": {"shape": list(_BAR_PATTERNS), "fgcolor": "#1a1a1a"},
                "line": {"color": "#1a1a1a", "width": 1}},
        text=[f"{_fmt(v, 1)} points" for v in _bars(first)], textposition="outside", cliponaxis=False,
        **_hover(_bar_hover(first)),
    ), row=2, col=1)
    fig.add_vline(x=OUTCOME_WEEK, line={"color": GREY, "width": 1.5, "dash": "dot"}, row=1, col=1)
    fig.add_annotation(x=OUTCOME_WEEK, y=10, xref="x", yref="y", text="measured here", showarrow=False,
                       xanchor="left", yanchor="top", xshift=4, font={"color": "#555", "size": 11})
    fig.update_xaxes(title_text="Weeks since the start", range=[-0.3, WEEKS[-1] + 0.3], dtick=2, row=1, col=1)
    fig.update_yaxes(title_text="Average pain, 0-10 (lower is better)", range=[0, 10], row=1, col=1)
    top = max(max(_bars(r)) for r in runs)
    fig.update_xaxes(title_text="Points less pain with the treatment",
                     range=[0, math.ceil(top) + 1.5], row=2, col=1)
    fig.update_yaxes(autorange="reversed", row=2, col=1)
    steps = []
    for r in runs:
        steps.append({
            "label": _fmt(r.effect, 1), "method": "restyle",
            "args": [{"y": [list(r.treated), list(_BAR_LABELS)], "x": [list(WEEKS), _bars(r)],
                      "text": [None, [f"{_fmt(v, 1)} points" for v in _bars(r)]],
                      "hovertext": [_line_hover(r.treated, "Treated group"), _bar_hover(r)]},
                     [1, 2]],
        })
    fig.update_layout(sliders=[{
        "active": 0, "steps": steps, "x": 0, "len": 1, "y": -0.06, "yanchor": "top", "pad": {"t": 30, "b": 10},
        "currentvalue": {"prefix": "True effect: ", "suffix": " points", "font": {"size": 14}},
        "bgcolor": "#f2f2f2", "bordercolor": "#444", "activebgcolor": SKY, "font": {"size": 13},
        "tickcolor": "#444",
    }])
    fig.update_layout(margin={"b": 130})
    zero = runs[0]
    summary = (
        f"In this simulation of {2 * N_PER_ARM} made-up patients whose pain falls on its own, a before/after study "
        f"of the treated group reports pain falling by {_fmt(zero.before_after, 1)} points even when the treatment "
        "does nothing. Comparing the treated group with a control group gives a difference close to the true effect "
        "at every slider setting."
    )
    caption = (
        "Simulation by the course, not data: made-up patients, with a recovery curve drawn to look roughly like "
        "the published studies, not fitted to them. "
        f"Seed {SEED}; {N_PER_ARM} people per group; pain on a 0-10 scale; both studies measured at week "
        f"{OUTCOME_WEEK}. The slider sets the treatment's true effect. Bars: the before/after change in the treated "
        "group (hatched), the difference between the groups, and the true effect (outlined)."
    )
    rows = [[f"{_fmt(r.effect, 1)} points", f"{_fmt(r.before_after, 1)} points", f"{_fmt(r.controlled, 1)} points"]
            for r in runs]
    return CourseFigure("natural_course_simulation", fig, summary, caption,
                        ["True effect (slider)", f"Before/after change, treated group (week 0 to {OUTCOME_WEEK})",
                         f"Treated vs control at week {OUTCOME_WEEK}"], rows)


ALL_FIGURES = (natural_course, simulation)

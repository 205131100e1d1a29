"""One function per figure, one house style. Every number comes from the study dataset.

Each function returns a :class:`sciatica_course.display.CourseFigure`; as the last expression of a
notebook cell it displays itself (plotly's renderer in JupyterLab, a light placeholder upgraded by
``static/sciatica-figures.js`` in the book). Interactive choices use plotly's own buttons, so they
work in the static book without a kernel.

House style: Okabe-Ito colours (safe for colour-blind readers) always paired with a second signal
(marker shape, line dash, hatch pattern or a text label); a title; axes with units and the
direction ("lower is better") where one applies; hover text with the exact values; a caption that
names the source in plain text; a one- or two-sentence summary and the plotted numbers as rows for
the text alternative. A small explicit template replaces plotly's default one, which would add
several kilobytes of JSON to every figure.
"""

from __future__ import annotations

import re
import textwrap

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import evidence
from .display import CourseFigure

# Okabe & Ito (2008) colour-blind-safe palette.
BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
)
GREY = "#767676"  # 4.5:1 on white
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

_AXIS = {"gridcolor": "#e6e6e6", "linecolor": "#444", "zerolinecolor": "#444", "automargin": True,
         "ticks": "outside", "showline": True, "title": {"standoff": 8}}
TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": FONT, "size": 14, "color": "#1a1a1a"},
        "colorway": [BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, BLACK],
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"bgcolor": "white", "font": {"family": FONT, "size": 13}},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "margin": {"l": 60, "r": 20, "t": 90, "b": 60},
    }
)
# A legend below the plot sits at the foot of the figure (container coordinates), not at a fraction
# of the plot's height: plotly then makes room for it under the x-axis title and tick labels, so the
# two never overlap, however narrow the screen and however many rows the legend wraps into.
LEGEND_BELOW = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0}


def dataset() -> evidence.Dataset:
    return evidence.load_all()


def _fmt(x: float, decimals: int | None = None) -> str:
    """A number for reading: ``decimals`` fixed places if given (20.0), else as short as it is (16.9);
    the minus sign is U+2212."""
    s = f"{x:.{decimals}f}" if decimals is not None else f"{x:g}"
    return s.replace("-", "\u2212")


def _ci(lo: float, hi: float) -> str:
    return f"{_fmt(lo)} to {_fmt(hi)}"


def _wrap(text: str, width: int = 42) -> str:
    return "<br>".join(textwrap.wrap(text, width, break_on_hyphens=False))


def _fig(title: str, height: int = 440, **layout) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, title={"text": title, "x": 0, "xanchor": "left", "y": 1, "yanchor": "top",
                                                "pad": {"l": 8, "t": 12}},
                      height=height, **layout)
    return fig


def _hover(trace_texts: list[str]) -> dict:
    return {"hovertext": trace_texts, "hoverinfo": "text"}


def _button_menu(buttons: list[dict], label: str) -> dict:
    return {
        "type": "buttons",
        "direction": "right",
        "buttons": buttons,
        "x": 0,
        "xanchor": "left",
        "y": 1.03,
        "yanchor": "bottom",
        "pad": {"t": 0, "b": 24},  # clear of annotations along the top of the plot
        "showactive": True,
        "name": label,
        "bgcolor": "#f2f2f2",
        "bordercolor": "#444",
        "font": {"size": 13},
    }


def _source(*recs: evidence.Record) -> str:
    seen: list[str] = []
    for r in recs:
        # the locator is left out when the short citation already names it ("..., Table 48-1")
        item = r.short_cite if r.short_cite.endswith(r.locator.where) else f"{r.short_cite}, {r.locator.where}"
        if item not in seen:
            seen.append(item)
    return "Source: " + "; ".join(seen) + "."


# --------------------------------------------------------------------------------------- burden
def lbp_burden() -> CourseFigure:
    """People living with low back pain in 2020 and projected for 2050 (WHO / GBD 2021)."""
    ds = dataset()
    recs = [ds.plotted("who2023factsheet", "cases-2020"), ds.plotted("who2023factsheet", "cases-2050")]
    uis = [ds.get("ferreira2023", "ui-2020"), ds.get("ferreira2023", "ui-2050")]
    draw_ui = all(u.plottable for u in uis)
    labels = [r.timepoint for r in recs]
    values = [r.value.value for r in recs]
    fig = _fig("People living with low back pain worldwide", height=420)
    bar = go.Bar(
        x=labels, y=values, name="People with low back pain",
        marker={"color": [BLUE, ORANGE], "pattern": {"shape": ["", "/"], "fgcolor": "#1a1a1a"},
                "line": {"color": "#1a1a1a", "width": 1}},
        text=[f"{_fmt(v)} million" for v in values], textposition="outside",
        **_hover([f"{lab}: {_fmt(v)} million people" for lab, v in zip(labels, values)]),
    )
    if draw_ui:
        bar.error_y = {"type": "data", "symmetric": False,
                       "array": [u.value.high - v for u, v in zip(uis, values)],
                       "arrayminus": [v - u.value.low for u, v in zip(uis, values)], "color": "#1a1a1a"}
    fig.add_trace(bar)
    fig.update_yaxes(title_text="People with low back pain (millions)", rangemode="tozero",
                     range=[0, max(values) * 1.18])
    fig.update_xaxes(title_text="Year (the 2050 bar, hatched, is a projection)")
    caption = _source(*recs[:1]) + " The fact sheet reports Global Burden of Disease 2021 estimates."
    if draw_ui:
        caption += " Error bars: 95% uncertainty intervals (" + _source(uis[0])[8:]
    else:
        caption += (" Uncertainty intervals are not drawn: the course could read them only on a secondary"
                    " page reposting the GBD 2021 paper's abstract, not in the paper itself, so they are"
                    " not treated as checked numbers.")
    summary = (f"About {_fmt(values[0])} million people had low back pain in 2020, and about "
               f"{_fmt(values[1])} million are projected for 2050.")
    rows = [[lab, f"{_fmt(v)} million", "projection" if "2050" in lab else "estimate"]
            for lab, v in zip(labels, values)]
    return CourseFigure("lbp_burden", fig, summary, caption, ["Year", "People with low back pain", "Kind"], rows)


def sciatica_prevalence() -> CourseFigure:
    """The spread of sciatica prevalence estimates (Konstantinou and Dunn 2008) and why they differ."""
    ds = dataset()
    rng = ds.plotted("konstantinou2008", "prevalence-range")
    n_studies = ds.plotted("konstantinou2008", "studies")
    clinical = ds.plotted("konstantinou2008", "clinical-assessment")
    lo, hi = rng.value.low, rng.value.high
    total, n_clin = int(n_studies.value.value), int(clinical.value.value)
    fig = make_subplots(rows=2, cols=1, row_heights=[0.45, 0.55], vertical_spacing=0.36,
                        subplot_titles=("Lowest and highest estimate", "How the studies found sciatica"))
    fig.update_layout(template=TEMPLATE, height=460, showlegend=True,
                      title={"text": f"Sciatica prevalence: {_fmt(lo)}% to {_fmt(hi)}% ({total} studies)",
                             "x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "pad": {"l": 8, "t": 12}},
                      legend=LEGEND_BELOW)
    fig.add_trace(go.Scatter(
        x=[lo, hi], y=["Prevalence"] * 2, mode="lines+markers+text", name="Range of estimates",
        line={"color": BLUE, "width": 6},
        marker={"size": 16, "symbol": ["triangle-right", "triangle-left"], "color": BLUE},
        text=[f"{_fmt(lo)}%", f"{_fmt(hi)}%"], textposition=["bottom center", "bottom center"], cliponaxis=False,
        showlegend=False, **_hover([f"Lowest estimate: {_fmt(lo)}%", f"Highest estimate: {_fmt(hi)}%"]),
    ), row=1, col=1)
    fig.update_xaxes(title_text="Prevalence of sciatica (% of people studied)", range=[0, 50], row=1, col=1)
    fig.update_yaxes(showticklabels=False, row=1, col=1)
    other = total - n_clin
    fig.add_trace(go.Bar(
        y=["Studies"], x=[n_clin], orientation="h", name=f"clinical assessment ({n_clin})",
        marker={"color": GREEN, "line": {"color": "#1a1a1a", "width": 1}},
        **_hover([f"{n_clin} of {total} studies used clinical assessment"]),
    ), row=2, col=1)
    fig.add_trace(go.Bar(
        y=["Studies"], x=[other], orientation="h", name=f"no clinical assessment ({other})",
        marker={"color": "white", "pattern": {"shape": "x", "fgcolor": ORANGE},
                "line": {"color": "#1a1a1a", "width": 1}},
        **_hover([f"{other} of {total} studies did not use clinical assessment"]),
    ), row=2, col=1)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="Number of studies", range=[0, total + 1], row=2, col=1)
    fig.update_yaxes(showticklabels=False, row=2, col=1)
    summary = (f"Across {total} studies, estimates of how many people have sciatica ranged from {_fmt(lo)}% "
               f"to {_fmt(hi)}%. Only {n_clin} of the {total} studies used a clinical assessment, one reason the "
               "estimates are so far apart.")
    caption = (_source(rng) + " Why the estimates differ (the course's reading): studies this far apart are not "
               "counting quite the same thing. They can define sciatica differently, and they found it in "
               f"different ways: only {n_clin} of {total} used a clinical assessment; the other {other} (the course's "
               "subtraction) did not, relying instead on methods such as what people reported.")
    rows = [["Lowest estimate", f"{_fmt(lo)}%"], ["Highest estimate", f"{_fmt(hi)}%"],
            ["Studies in the review", str(total)], ["Studies using clinical assessment", str(n_clin)]]
    return CourseFigure("sciatica_prevalence", fig, summary, caption, ["Quantity", "Value"], rows)


# -------------------------------------------------------------------------------------- anatomy
# Schematic coordinates (not to scale; seen from behind, right leg). Only the drawing lives here;
# every fact shown comes from the dataset.
_ROOTS = {"L4": (3.0, 19.2), "L5": (3.0, 18.2), "S1": (3.0, 17.2), "S2": (3.0, 16.4), "S3": (3.0, 15.6)}
_PLEXUS = (4.4, 14.6)
_FORAMEN = (5.4, 13.9)
_DIVISION = (5.8, 5.5)
_ROOT_COLOURS = {"L4": BLUE, "L5": ORANGE, "S1": GREEN, "S2": GREY, "S3": GREY}
_ROOT_DASH = {"L4": "solid", "L5": "dash", "S1": "dot", "S2": "solid", "S3": "solid"}


def anatomy_explorer() -> CourseFigure:
    """The sciatic nerve from roots L4-S3 to its division; buttons show what L4, L5 and S1 supply."""
    ds = dataset()
    signs = {r.value.root: r for r in (ds.plotted("harrison19", k) for k in ("l4", "l5", "s1"))}
    course = ds.plotted("poutoglidou2020", "course")
    kenhub = ds.plotted("kenhub_sciatic", "course")
    osu = ds.plotted("osu_sciatic", "division")
    fig = _fig("The sciatic nerve, seen from behind", height=660,
               showlegend=False, hovermode="closest", margin={"l": 10, "r": 10, "t": 130, "b": 10})
    # The drawing takes the upper part; the box with the chosen root's details sits below it.
    fig.update_xaxes(visible=False, range=[0, 12], fixedrange=True)
    fig.update_yaxes(visible=False, range=[0, 20.3], fixedrange=True, domain=[0.4, 1])
    # Spine (sacrum and lower lumbar vertebrae) as a grey column.
    fig.add_trace(go.Scatter(x=[2.2, 2.2], y=[15.0, 19.9], mode="lines", line={"color": "#bbbbbb", "width": 18},
                             **_hover(["Lower spine and sacrum (schematic)"])))
    root_idx = {}
    for root, (x, y) in _ROOTS.items():
        root_idx[root] = len(fig.data)
        fig.add_trace(go.Scatter(
            x=[x, _PLEXUS[0]], y=[y, _PLEXUS[1]], mode="lines+markers+text", name=f"{root} root",
            line={"color": _ROOT_COLOURS[root], "width": 3, "dash": _ROOT_DASH[root]},
            marker={"size": [10, 0], "color": _ROOT_COLOURS[root]},
            text=[root, ""], textposition="middle left",
            **_hover([f"{root} nerve root: one of the roots (L4 to S3) that form the sciatic nerve", ""]),
        ))
    # Piriformis muscle: a hatched band; the nerve passes below it.
    fig.add_trace(go.Scatter(
        x=[4.3, 9.6, 9.6, 4.3, 4.3], y=[16.4, 15.7, 14.9, 15.6, 16.4], mode="lines", fill="toself",
        fillcolor="rgba(204,121,167,0.25)", line={"color": PURPLE, "width": 1.5},
        **_hover(["Piriformis muscle: in the typical pattern the nerve leaves the pelvis below it"]),
    ))
    fig.add_annotation(x=9.7, y=15.3, text="piriformis", showarrow=False, xanchor="left", font={"color": "#7a3b63"})
    fig.add_annotation(x=11.8, y=20.2, text="schematic, not to scale", showarrow=False, xanchor="right",
                       yanchor="top", font={"color": GREY, "size": 12})
    fig.add_annotation(x=_FORAMEN[0], y=_FORAMEN[1], text="greater sciatic foramen", showarrow=False,
                       xanchor="left", xshift=12, yshift=-4, font={"color": GREY})
    trunk = [_PLEXUS, _FORAMEN, (5.7, 9.5), _DIVISION]
    fig.add_trace(go.Scatter(
        x=[p[0] for p in trunk], y=[p[1] for p in trunk], mode="lines+markers", line={"color": BLACK, "width": 7},
        marker={"size": [0, 12, 0, 12], "symbol": "diamond", "color": BLACK},
        **_hover(["Roots join to form the sciatic nerve",
                  "Greater sciatic foramen: the nerve leaves the pelvis here, below piriformis",
                  "Back of the thigh: the nerve runs down the posterior thigh",
                  "Division near the top of the popliteal fossa (behind the knee): tibial and common fibular nerves"]),
    ))
    fig.add_trace(go.Scatter(x=[_DIVISION[0], 5.9, 6.0], y=[_DIVISION[1], 3.0, 0.6], mode="lines+text",
                             line={"color": BLACK, "width": 4}, text=["", "", "tibial"], textposition="middle right",
                             **_hover(["", "Tibial nerve", "Tibial nerve"])))
    fig.add_trace(go.Scatter(x=[_DIVISION[0], 7.2, 8.0], y=[_DIVISION[1], 3.6, 2.4], mode="lines+text",
                             line={"color": BLACK, "width": 4, "dash": "dash"}, text=["", "", "common fibular"],
                             textposition="middle right",
                             **_hover(["", "Common fibular (peroneal) nerve", "Common fibular (peroneal) nerve"])))
    fig.add_annotation(x=5.9, y=9.5, text="back of thigh", showarrow=False, xanchor="left", xshift=10,
                       font={"color": GREY})
    fig.add_annotation(x=_DIVISION[0], y=_DIVISION[1], text="divides (popliteal fossa)", showarrow=False,
                       xanchor="left", xshift=12, font={"color": GREY})
    base_annotations = [a.to_plotly_json() for a in fig.layout.annotations]

    def info(text: str) -> dict:
        return {"x": 0.02, "y": 0.36, "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "top",
                "align": "left", "showarrow": False, "text": text, "bordercolor": "#444", "borderwidth": 1,
                "borderpad": 8, "bgcolor": "#fafafa", "font": {"size": 13}}

    overview = ("<b>The whole nerve</b><br>" + _wrap(course.value.text, 40)
                + "<br><br>" + _wrap("Pick L4, L5 or S1 above to see what each root supplies.", 40))
    n = len(fig.data)

    def styling(selected: str | None) -> dict:
        widths, colours = [], []
        for i, tr in enumerate(fig.data):
            root = next((r for r, j in root_idx.items() if j == i), None)
            if root is None:
                widths.append(tr.line.width)
                colours.append(tr.line.color)
            elif selected is None or root == selected:
                widths.append(7 if root == selected else 3)
                colours.append(_ROOT_COLOURS[root])
            else:
                widths.append(2)
                colours.append("#cccccc")
        return {"line.width": widths, "line.color": colours}

    def root_text(root: str) -> str:
        v = signs[root].value
        lines = [f"<b>Root {root}</b>", "what a problem at this root affects:"]
        for name, text in (("Reflex", v.reflex), ("Skin area", v.sensory), ("Muscles", v.motor)):
            wrapped = _wrap(f"{name}: {text}", 40)
            lines.append(f"<b>{name}:</b>" + wrapped[len(name) + 1:])
        return "<br>".join(lines)

    buttons = [{"label": "Whole nerve", "method": "update",
                "args": [styling(None), {"annotations": base_annotations + [info(overview)]}, list(range(n))]}]
    for root in ("L4", "L5", "S1"):
        buttons.append({"label": root, "method": "update",
                        "args": [styling(root), {"annotations": base_annotations + [info(root_text(root))]},
                                 list(range(n))]})
    fig.update_layout(annotations=base_annotations + [info(overview)],
                      updatemenus=[_button_menu(buttons, "Choose a root")])
    summary = ("A schematic of the sciatic nerve: roots L4 to S3 join, the nerve leaves the pelvis through the "
               "greater sciatic foramen below piriformis, runs down the back of the thigh and divides into the "
               "tibial and common fibular nerves near the back of the knee. Buttons show the reflex, skin area "
               "and muscles linked to the L4, L5 and S1 roots.")
    caption = ("Schematic drawn by the course, not to scale. " + _source(signs["L4"], course, kenhub, osu))
    rows = [[root, signs[root].value.reflex, signs[root].value.sensory, signs[root].value.motor] for root in signs]
    return CourseFigure("anatomy_explorer", fig, summary, caption, ["Root", "Reflex", "Skin area", "Muscles"], rows)


def piriformis_variants() -> CourseFigure:
    """How often the sciatic nerve takes a non-typical course relative to piriformis."""
    ds = dataset()
    smoll = ds.plotted("smoll2010", "variant-cadavers")
    pout = ds.plotted("poutoglidou2020", "typical-pooled")
    natsis = ds.plotted("natsis2014", "variant")
    mbaka = ds.plotted("mbaka2022", "typical")
    # (record, label, pooled?, non-typical %, derived note, decimals as the source reports them)
    items = [
        (smoll, f"Smoll 2010<br>pooled, {smoll.n['studies']} studies", True,
         smoll.value.value, None, 1),
        (pout, f"Poutoglidou 2020<br>pooled, {pout.n['articles']} articles", True, round(100 - pout.value.value, 1),
         f"100 \u2212 {_fmt(pout.value.value)}% typical (the course's subtraction)", 0),
        (natsis, f"Natsis 2014<br>{natsis.n['limbs']} limbs", False, natsis.value.value, None, 1),
        (mbaka, f"Mbaka 2022<br>{mbaka.n['cadavers']} cadavers", False, round(100 - mbaka.value.value, 1),
         f"100 \u2212 {_fmt(mbaka.value.value, 1)}% typical (the course's subtraction)", 1),
    ]
    fig = _fig("Sciatic nerve course: how often not typical", height=460,
               legend=LEGEND_BELOW)
    for pooled, colour, symbol, name in ((True, BLUE, "diamond", "pooled analysis"),
                                         (False, ORANGE, "circle", "single cadaver series")):
        group = [it for it in items if it[2] is pooled]
        hover = []
        for rec, label, _, val, derived, nd in group:
            h = f"{rec.short_cite} ({rec.population}): {_fmt(val, nd)}% non-typical"
            if rec.value.ci:
                h += f" (95% CI {_ci(*rec.value.ci)})"
            if derived:
                h += f"<br>derived: {derived}"
            hover.append(h)
        trace = go.Scatter(
            x=[it[3] for it in group], y=[it[1] for it in group], mode="markers+text", name=name,
            marker={"size": 15, "color": colour, "line": {"color": "#1a1a1a", "width": 1},
                    "symbol": [symbol + ("-open" if it[4] else "") for it in group]},
            text=[f"{_fmt(it[3], it[5])}%" for it in group], textposition="top center", **_hover(hover),
        )
        cis = [it[0].value.ci for it in group]
        if any(cis):
            trace.error_x = {"type": "data", "symmetric": False, "color": colour, "thickness": 2,
                             "array": [(ci[1] - it[3]) if ci else 0 for ci, it in zip(cis, group)],
                             "arrayminus": [(it[3] - ci[0]) if ci else 0 for ci, it in zip(cis, group)]}
        fig.add_trace(trace)
    fig.update_xaxes(title_text="Non-typical course relative to piriformis (% of cadavers or limbs)", range=[0, 25])
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=[it[1] for it in items],
                     title_text="Study")
    summary = (f"Pooled across {smoll.n['studies']} cadaver studies, {_fmt(smoll.value.value)}% of cadavers had a "
               f"non-typical relation between the sciatic nerve and piriformis (95% CI {_ci(*smoll.value.ci)}). "
               "Single series range from about 6% to 17%, and a second pooled review found the typical pattern in "
               f"{_fmt(pout.value.value)}%.")
    caption = (_source(smoll, pout, natsis, mbaka) + " Diamonds: pooled analyses; circles: single cadaver "
               "series. Open markers are the course's subtraction from a reported 'typical' share (100 minus "
               "typical), not numbers the authors reported. Studies defined variants in slightly different ways.")
    rows = [[rec.short_cite, "pooled" if pooled else "single series", f"{_fmt(val, nd)}%",
             f"95% CI {_ci(*rec.value.ci)}" if rec.value.ci else (f"derived: {derived}" if derived else "reported")]
            for rec, _, pooled, val, derived, nd in items]
    return CourseFigure("piriformis_variants", fig, summary, caption,
                        ["Study", "Kind", "Non-typical course", "Note"], rows)


# ------------------------------------------------------------------------------------ mechanisms
def _panel(text: str, x: float, y: float, width: int = 34) -> dict:
    return {"x": x, "y": y, "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "top",
            "align": "left", "showarrow": False, "text": _wrap(text, width) if "<" not in text else text,
            "bordercolor": "#444", "borderwidth": 1, "borderpad": 8, "bgcolor": "#fafafa", "font": {"size": 13}}


def cortisol_and_neurotransmitters() -> CourseFigure:
    """Field 2005's averaged before-and-after changes beside the pooled evidence (Moyer 2004)."""
    ds = dataset()
    recs = [ds.plotted("field2005", k) for k in ("cortisol", "serotonin", "dopamine")]
    moyer = ds.plotted("moyer2004", "cortisol-single")
    moyer_n = ds.plotted("moyer2004", "studies")
    moyer2011 = ds.get("moyer2011", "cortisol-summary")
    names = ["Cortisol", "Serotonin", "Dopamine"]
    values = [r.value.value for r in recs]
    fig = _fig("Massage and hormones: two kinds of evidence", height=600,
               margin={"l": 60, "r": 20, "t": 90, "b": 10})
    fig.update_layout(yaxis={"domain": [0.5, 1]})
    fig.add_trace(go.Bar(
        x=names, y=values, name="Field et al. 2005 (averaged before-after changes)",
        marker={"color": [BLUE, ORANGE, GREEN], "pattern": {"shape": "/", "fgcolor": "#1a1a1a", "solidity": 0.2},
                "line": {"color": "#1a1a1a", "width": 1}},
        text=[f"{'+' if v > 0 else ''}{_fmt(v)}%" for v in values], textposition="outside",
        **_hover([f"{r.outcome}: average change {'+' if v > 0 else ''}{_fmt(v)}% (Field et al. 2005; "
                  "authors' own studies, no pooled comparison with controls)" for r, v in zip(recs, values)]),
    ))
    fig.update_yaxes(title_text="Average change after massage (%)", range=[-45, 45], zeroline=True, zerolinewidth=2)
    fig.update_xaxes(title_text="Field et al. 2005: average change (%)")
    fig.add_annotation(_panel(
        "<b>Pooled evidence</b><br>"
        f"{_wrap(moyer.short_cite + f', meta-analysis of {int(moyer_n.value.value)} studies:', 36)}"
        f"<br>{_wrap(moyer.value.text, 36)}", 0.0, 0.27))
    summary = (f"Field and colleagues averaged their own studies and reported cortisol {_fmt(values[0])}%, serotonin "
               f"+{_fmt(values[1])}% and dopamine +{_fmt(values[2])}% after massage, without a pooled comparison "
               f"with controls. A meta-analysis of {int(moyer_n.value.value)} studies found that single "
               "massage sessions did not reduce cortisol.")
    caption = (_source(*recs[:1], moyer) + " Bars (hatched): before-and-after changes averaged across the authors' "
               "own laboratory's studies; the review reports no pooled comparison with control groups. ")
    if moyer2011.plottable:
        caption += f"{moyer2011.short_cite}: {moyer2011.value.text}"
    else:
        caption += (f"A later quantitative review ({moyer2011.short_cite}) is reported to have found a very small, "
                    "non-significant effect on cortisol, but the course read that only on a secondary page, so its "
                    "numbers are not shown.")
    rows = [[f"{r.outcome}", f"{'+' if v > 0 else ''}{_fmt(v)}%", r.short_cite, "averaged before-after change"]
            for r, v in zip(recs, values)]
    rows.append(["cortisol", "not reduced by single sessions", moyer.short_cite,
                 f"meta-analysis of {int(moyer_n.value.value)} studies"])
    return CourseFigure("cortisol_and_neurotransmitters", fig, summary, caption,
                        ["Measure", "Finding", "Source", "Kind of evidence"], rows)


def endorphins() -> CourseFigure:
    """Kaada 1989 (+16%, no control group) beside Day 1987 (no change vs rest)."""
    ds = dataset()
    before, after = ds.plotted("kaada1989", "before"), ds.plotted("kaada1989", "after")
    change = ds.plotted("kaada1989", "change")
    day = ds.plotted("day1987", "result")
    ys = [before.value.mean, after.value.mean]
    fig = _fig("Beta-endorphin: two small studies disagree", height=580, margin={"l": 60, "r": 20, "t": 90, "b": 10})
    fig.update_layout(yaxis={"domain": [0.48, 1]})
    fig.add_trace(go.Scatter(
        x=["Before", "After"], y=ys, mode="lines+markers+text", name="Kaada and Torsteinbø 1989",
        line={"color": BLUE, "width": 3}, marker={"size": 14, "symbol": ["circle", "square"], "color": BLUE},
        text=[_fmt(y, 1) for y in ys], textposition="top center",
        **_hover([f"Before massage: {_fmt(ys[0], 1)} pg per 0.1 ml (n = {before.n['massage']})",
                  f"After massage: {_fmt(ys[1], 1)} pg per 0.1 ml (+{_fmt(change.value.value)}%; no control group)"]),
    ))
    fig.update_yaxes(title_text="Plasma beta-endorphin (pg per 0.1 ml)", range=[0, 28])
    fig.update_xaxes(title_text=f"Kaada 1989: one massage, n = {before.n['massage']}, no control")
    fig.add_annotation(_panel(
        f"<b>{day.short_cite}</b><br>"
        + _wrap(f"Randomised: massage (n = {day.n['massage']}) vs rest (n = {day.n['rest']}).", 36) + "<br>"
        + _wrap(day.value.text, 36), 0.0, 0.27))
    summary = (f"In 12 volunteers without a control group, mean beta-endorphin rose {_fmt(change.value.value)}% "
               f"after one massage ({_fmt(ys[0], 1)} to {_fmt(ys[1], 1)} pg per 0.1 ml). "
               f"A randomised comparison of massage (n = {day.n['massage']}) with rest (n = {day.n['rest']}) "
               "found no significant difference.")
    caption = _source(before, day) + " The claim that massage releases endorphins rests on small, conflicting studies."
    rows = [[before.short_cite, f"n = {before.n['massage']}, no control group",
             f"{_fmt(ys[0], 1)} \u2192 {_fmt(ys[1], 1)} pg/0.1 ml (+{_fmt(change.value.value)}%)"],
            [day.short_cite, f"massage n = {day.n['massage']} vs rest n = {day.n['rest']}",
             "no significant difference"]]
    return CourseFigure("endorphins", fig, summary, caption, ["Study", "Design", "Result"], rows)


# Morelli 1991's six recordings in study order: (record id, axis label, phase).
_MORELLI = (("before-1", "Before 1", "before"), ("before-2", "Before 2", "before"),
            ("during-1", "During 1", "during"), ("during-2", "During 2", "during"),
            ("after-1", "After 1", "after"), ("after-2", "After 2", "after"))
# phase: (colour, marker, legend name)
_PHASE_MARK = {"before": (BLUE, "circle", "before massage"), "during": (ORANGE, "diamond", "during massage"),
               "after": (GREEN, "square", "after massage")}


def h_reflex() -> CourseFigure:
    """Morelli 1991: the calf's H-reflex in six recordings (two before, two during, two after massage)."""
    ds = dataset()
    recs = {rid: ds.plotted("morelli1991", rid) for rid, _, _ in _MORELLI}
    only_during = ds.get("morelli1991", "only-during")
    first = recs["before-1"]
    n = first.n["subjects"]
    fig = _fig("Calf reflex before, during and after massage", height=470,
               legend=LEGEND_BELOW,
               margin={"l": 60, "r": 40, "t": 70, "b": 40})
    # The massage period: a light band behind the two "during" recordings (categories 2 and 3).
    fig.add_shape(type="rect", xref="x", yref="paper", x0=1.5, x1=3.5, y0=0, y1=1, layer="below",
                  fillcolor="rgba(230,159,0,0.12)", line={"width": 0})
    fig.add_annotation(x=2.5, y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                       text="hands on the muscle", font={"size": 12, "color": "#8a5a00"})
    for phase, (colour, symbol, name) in _PHASE_MARK.items():
        mine = [(recs[rid], label) for rid, label, ph in _MORELLI if ph == phase]
        fig.add_trace(go.Scatter(
            x=[label for _, label in mine], y=[r.value.mean for r, _ in mine], mode="markers+text", name=name,
            marker={"size": 14, "symbol": symbol, "color": colour, "line": {"color": "#1a1a1a", "width": 1}},
            error_y={"type": "data", "array": [r.value.sd for r, _ in mine], "color": colour, "thickness": 2,
                     "width": 8},
            text=[_fmt(r.value.mean, 2) for r, _ in mine], textposition="middle right",
            **_hover([f"{r.timepoint}: mean {_fmt(r.value.mean, 2)} mV (SD {_fmt(r.value.sd, 2)}); "
                      f"{n} healthy volunteers" for r, _ in mine]),
        ))
    fig.update_xaxes(title_text="Recording (two before, two during, two after the massage)", type="category",
                     categoryorder="array", categoryarray=[label for _, label, _ in _MORELLI])
    fig.update_yaxes(title_text=f"H-reflex size ({first.scale}), mean and SD", range=[0, 4.2])
    during = [recs[rid].value.mean for rid, _, ph in _MORELLI if ph == "during"]
    others = [recs[rid].value.mean for rid, _, ph in _MORELLI if ph != "during"]
    summary = (f"In {n} healthy volunteers, the calf's reflex averaged {_fmt(max(during), 2)} mV while the muscle was "
               f"being massaged, against {_fmt(min(others), 2)} to {_fmt(max(others), 2)} mV before and after. "
               "It was smaller only while the massage went on.")
    caption = (_source(first) + f" {first.population}. Dots: mean reflex size; bars: standard deviation (SD), "
               "the spread between people. " + only_during.value.text + " The abstract lists the four values "
               "outside massage in order; the course reads them as before 1, before 2, after 1 and after 2, "
               "following the study's before-during-after design.")
    rows = [[label, _fmt(recs[rid].value.mean, 2), _fmt(recs[rid].value.sd, 2)] for rid, label, _ in _MORELLI]
    return CourseFigure("h_reflex", fig, summary, caption, ["Recording", "Mean H-reflex (mV)", "SD (mV)"], rows)


# condition: (colour, hatch pattern, legend name)
_FLOW_MARK = {"rest": (BLUE, "", "rest"), "active": (GREEN, ".", "active recovery (gentle exercise)"),
              "massage": (ORANGE, "/", "massage")}
# (subplot row, col, study key, record id of each condition's mean, SE record suffix or None, axis title)
_FLOW_PANELS = (
    (1, 1, "hinds2004", {"rest": "femoral-rest", "massage": "femoral-massage"}, None, "mL per minute"),
    (1, 2, "hinds2004", {"rest": "skin-flow-rest", "massage": "skin-flow-massage"}, None, "units (arbitrary)"),
    (2, 1, "wiltshire2010", {"rest": "flow-total-passive", "active": "flow-total-active",
                             "massage": "flow-total-massage"}, "-se", "mL in 10 min (SE bars)"),
    (2, 2, "wiltshire2010", {"rest": "lactate-passive", "active": "lactate-active",
                             "massage": "lactate-massage"}, "-se", "mmol (SE bars)"),
)
_FLOW_TITLES = ("Thigh: main artery", "Thigh: skin", "Forearm: blood flow", "Forearm: lactate out")


def _stacked_panels(fig: go.Figure, height: int, gap: float = 0.075) -> dict:
    """The phone layout of a grid of subplots (``layout.meta.narrow``, applied by
    ``static/sciatica-figures.js`` on a narrow screen): one panel under the other, each the full
    width, with its subplot title above it at the left. Panels go in subplot order (row by row)."""
    n = len(fig.layout.annotations)
    h = (1 - gap * (n - 1)) / n
    narrow: dict = {"height": height, "annotations": []}
    for k, ann in enumerate(fig.layout.annotations):
        top = 1 - k * (h + gap)
        suffix = "" if k == 0 else str(k + 1)
        narrow[f"xaxis{suffix}"] = {"domain": [0, 1]}
        narrow[f"yaxis{suffix}"] = {"domain": [round(top - h, 4), round(top, 4)]}
        narrow["annotations"].append({**ann.to_plotly_json(), "x": 0, "xanchor": "left", "y": round(top, 4)})
    return narrow


def blood_flow() -> CourseFigure:
    """Hinds 2004 (thigh artery vs skin, massage vs rest) and Wiltshire 2010 (forearm flow and lactate
    removal after hard exercise: rest, active recovery, massage, with SE bars)."""
    ds = dataset()
    fig = make_subplots(rows=2, cols=2, subplot_titles=_FLOW_TITLES, vertical_spacing=0.2, horizontal_spacing=0.16)
    fig.update_layout(template=TEMPLATE, height=680, barmode="overlay", bargap=0.35,
                      title={"text": "Blood flow: skin vs main artery", "x": 0,
                             "xanchor": "left", "y": 1, "yanchor": "top", "pad": {"l": 8, "t": 12}},
                      legend=LEGEND_BELOW,
                      margin={"l": 60, "r": 20, "t": 90, "b": 90})
    shown: set[str] = set()
    rows, used = [], []
    for row, col, key, ids, se_suffix, ytitle in _FLOW_PANELS:
        tops, labels = [], []
        for cond, rid in ids.items():
            rec = ds.plotted(key, rid)
            se = ds.plotted(key, rid + se_suffix) if se_suffix else None
            used.append(rec)
            colour, pattern, name = _FLOW_MARK[cond]
            mean = rec.value.mean
            spread = f" (SE {_fmt(se.value.value)})" if se else ""
            bar = go.Bar(
                x=[name.split(" ")[0]], y=[mean], name=name, legendgroup=cond, showlegend=cond not in shown,
                marker={"color": colour, "line": {"color": "#1a1a1a", "width": 1},
                        "pattern": {"shape": pattern, "fgcolor": "#1a1a1a", "fillmode": "overlay", "solidity": 0.3}},
                **_hover([f"{rec.short_cite}: {rec.outcome}, {rec.arm}: {_fmt(mean)} {rec.scale}{spread}; "
                          f"{rec.n['subjects']} healthy volunteers"]),
            )
            if se:
                bar.error_y = {"type": "data", "array": [se.value.value], "color": "#1a1a1a", "thickness": 1.5,
                               "width": 6}
            fig.add_trace(bar, row=row, col=col)
            shown.add(cond)
            tops.append(mean + (se.value.value if se else 0))
            labels.append((name.split(" ")[0], _fmt(mean)))
            rows.append([rec.short_cite.split(",")[0], rec.outcome, rec.arm, f"{_fmt(mean)} {rec.scale}",
                         f"SE {_fmt(se.value.value)}" if se else "spread not drawn (SD or SE not stated)"])
        # The value above each bar (above its error bar, so the two never overlap).
        fig.add_trace(go.Scatter(x=[x for x, _ in labels], y=tops, mode="text", text=[t for _, t in labels],
                                 textposition="top center", showlegend=False, hoverinfo="skip", cliponaxis=False,
                                 textfont={"size": 13, "color": "#1a1a1a"}), row=row, col=col)
        top = max(tops)
        fig.update_yaxes(title_text=ytitle, range=[0, top * 1.25], rangemode="tozero", row=row, col=col)
    hinds, wilt = used[0], used[4]
    for col in (1, 2):
        fig.update_xaxes(title_text=f"Hinds 2004, {hinds.n['subjects']} men", tickangle=0, row=1, col=col)
        fig.update_xaxes(title_text=f"Wiltshire 2010, n = {wilt.n['subjects']}", tickangle=0, row=2, col=col)
    fig.update_layout(meta={"narrow": _stacked_panels(fig, height=1300)})
    v = {f"{r.key}/{r.id}": r.value.mean for r in used}
    summary = (f"After thigh exercise, massage left blood flow in the main thigh artery about where rest left it "
               f"({_fmt(v['hinds2004/femoral-massage'])} vs {_fmt(v['hinds2004/femoral-rest'])} mL per minute) but "
               f"raised skin blood flow ({_fmt(v['hinds2004/skin-flow-massage'])} vs "
               f"{_fmt(v['hinds2004/skin-flow-rest'])} units). After hard forearm exercise, less blood passed through "
               f"the forearm with massage than with rest ({_fmt(v['wiltshire2010/flow-total-massage'])} vs "
               f"{_fmt(v['wiltshire2010/flow-total-passive'])} mL in 10 minutes), and less lactate left the muscle "
               f"({_fmt(v['wiltshire2010/lactate-massage'])} vs {_fmt(v['wiltshire2010/lactate-passive'])} mmol).")
    caption = (_source(hinds, wilt) + " All healthy volunteers, not people with back pain or sciatica. Top: "
               f"{hinds.n['subjects']} men, end of massage vs end of rest after thigh exercise; the thigh-artery "
               "difference was not significant. The abstract gives a spread (\u00b1) for each top value without saying "
               "whether it is a standard deviation or a standard error, so no bars are drawn there. Bottom: "
               f"{wilt.n['subjects']} people, 10 minutes of rest, gentle handgrip exercise or massage after 2 minutes "
               "of hard handgrip; error bars are standard errors (SE), as the paper reports them. Skin units are "
               "arbitrary: compare the two bars, not the number with other studies.")
    return CourseFigure("blood_flow", fig, summary, caption,
                        ["Study", "Measure", "Condition", "Mean", "Spread"], rows)


# -------------------------------------------------------------------------------------- trials
_MAJ_OUTCOMES = (("vas", "VAS pain", "VAS pain score"), ("rm", "Roland-Morris", "Roland-Morris disability score"),
                 ("odi", "ODI", "Oswestry Disability Index"))
_MAJ_ARMS = (("dtm", BLUE, "circle", "solid", -0.06), ("nsaid", ORANGE, "square", "dash", 0.06))


def majchrzycki_2014() -> CourseFigure:
    """Majchrzycki 2014: VAS, Roland-Morris and ODI before/after in both arms (mean +/- SD)."""
    ds = dataset()
    fig = _fig("Majchrzycki 2014: before and after (mean \u00b1 SD)", height=480,
               legend=LEGEND_BELOW,
               margin={"l": 60, "r": 20, "t": 140, "b": 60})
    rows, buttons, all_recs = [], [], []
    for k, (code, label, axis) in enumerate(_MAJ_OUTCOMES):
        for arm, colour, symbol, dash, dx in _MAJ_ARMS:
            pre = ds.plotted("majchrzycki2014", f"{code}-{arm}-pre")
            post = ds.plotted("majchrzycki2014", f"{code}-{arm}-post")
            all_recs += [pre, post]
            fig.add_trace(go.Scatter(
                x=[0 + dx, 1 + dx], y=[pre.value.mean, post.value.mean], mode="lines+markers", name=pre.arm,
                legendgroup=arm, visible=(k == 0),
                line={"color": colour, "width": 3, "dash": dash},
                marker={"size": 12, "symbol": symbol, "color": colour},
                error_y={"type": "data", "array": [pre.value.sd, post.value.sd], "color": colour, "thickness": 1.5},
                **_hover([f"{pre.arm}, {label}, before: {_fmt(pre.value.mean)} \u00b1 {_fmt(pre.value.sd)}",
                          f"{pre.arm}, {label}, after 2 weeks: {_fmt(post.value.mean)} \u00b1 {_fmt(post.value.sd)}"]),
            ))
            rows.append([label, pre.arm, f"{_fmt(pre.value.mean)} \u00b1 {_fmt(pre.value.sd)}",
                         f"{_fmt(post.value.mean)} \u00b1 {_fmt(post.value.sd)}"])
        visible = [k2 == k for k2 in range(len(_MAJ_OUTCOMES)) for _ in _MAJ_ARMS]
        buttons.append({"label": label, "method": "update",
                        "args": [{"visible": visible}, {"yaxis.title.text": f"{axis} (lower is better)"}]})
    fig.update_xaxes(tickvals=[0, 1], ticktext=["Before", "After 2 weeks"], range=[-0.4, 1.4], zeroline=False,
                     title_text="Time point (bars: \u00b1 1 SD)")
    fig.update_yaxes(title_text=f"{_MAJ_OUTCOMES[0][2]} (lower is better)", rangemode="tozero")
    fig.update_layout(updatemenus=[_button_menu(buttons, "Choose the outcome")])
    summary = ("In 59 adults with chronic low back pain, pain (VAS) and disability (Roland-Morris, ODI) scores fell "
               "after 2 weeks in both arms, deep tissue massage alone and with an NSAID, with no significant "
               "difference between the arms.")
    caption = (_source(all_recs[0]) + " Both arms received massage: there was no arm without massage, so the trial "
               "cannot show that massage beats no treatment, only that adding an NSAID added no detectable benefit. "
               "Baseline scores differed between arms (for example VAS and ODI), so compare each arm's before and "
               "after, not the arms with each other. Group sizes were not reported in the abstract (59 in total).")
    return CourseFigure("majchrzycki_2014", fig, summary, caption,
                        ["Outcome", "Arm", "Before (mean \u00b1 SD)", "After 2 weeks (mean \u00b1 SD)"], rows)


_CHERKIN = (("rdq", "RDQ", "Roland Disability Questionnaire"), ("bother", "Bothersomeness", "symptom bothersomeness"))
_CHERKIN_ARMS = (("relaxation", "Relaxation", BLUE, "circle"), ("structural", "Structural", ORANGE, "square"))


def cherkin_2011() -> CourseFigure:
    """Cherkin 2011: 10-week adjusted mean differences vs usual care with 95% CIs and the thresholds."""
    ds = dataset()
    fig = _fig("Cherkin 2011: massage vs usual care at 10 weeks", height=400, showlegend=False,
               margin={"l": 60, "r": 20, "t": 140, "b": 60})
    rows, buttons, views, recs_all = [], [], [], []
    for k, (code, label, long) in enumerate(_CHERKIN):
        thr = ds.plotted("cherkin2011", f"{code}-threshold")
        for arm, arm_label, colour, symbol in _CHERKIN_ARMS:
            r = ds.plotted("cherkin2011", f"{code}-{arm}-10wk")
            recs_all.append(r)
            est, (lo, hi) = r.value.estimate, r.value.ci
            fig.add_trace(go.Scatter(
                x=[est], y=[arm_label], mode="markers", name=arm_label, visible=(k == 0), legendgroup=arm,
                marker={"size": 14, "symbol": symbol, "color": colour, "line": {"color": "#1a1a1a", "width": 1}},
                error_x={"type": "data", "symmetric": False, "array": [hi - est], "arrayminus": [est - lo],
                         "color": colour, "thickness": 2.5, "width": 8},
                **_hover([f"{arm_label} massage vs usual care, {long} at 10 weeks: {_fmt(est)} points "
                          f"(95% CI {_ci(lo, hi)}); n = {r.n[arm]} vs {r.n['usual_care']}"]),
            ))
            rows.append([long, arm_label, f"{_fmt(est)}", _ci(lo, hi), f"\u2212{_fmt(thr.value.value)}"])
        t = -thr.value.value
        shapes = [
            {"type": "line", "xref": "x", "yref": "paper", "x0": 0, "x1": 0, "y0": 0, "y1": 1,
             "line": {"color": "#1a1a1a", "width": 1.5}},
            {"type": "line", "xref": "x", "yref": "paper", "x0": t, "x1": t, "y0": 0, "y1": 1,
             "line": {"color": VERMILLION, "width": 2, "dash": "dash"}},
        ]
        annotations = [
            {"x": t, "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom", "xanchor": "left",
             "showarrow": False, "align": "left", "font": {"color": "#a33f00", "size": 12},
             "text": f"clinically<br>meaningful ({_fmt(thr.value.value)})"},
        ]
        axis = f"Difference vs usual care, {label} points (lower is better)"
        views.append({"shapes": shapes, "annotations": annotations, "xaxis.title.text": axis})
        visible = [k2 == k for k2 in range(len(_CHERKIN)) for _ in _CHERKIN_ARMS]
        buttons.append({"label": label, "method": "update", "args": [{"visible": visible}, views[-1]]})
    fig.update_layout(shapes=views[0]["shapes"], annotations=views[0]["annotations"],
                      updatemenus=[_button_menu(buttons, "Choose the outcome")])
    fig.update_xaxes(title_text=views[0]["xaxis.title.text"], range=[-4.5, 0.6], zeroline=False)
    fig.update_yaxes(autorange="reversed", title_text="Massage type")
    r0 = recs_all[0]
    summary = ("At 10 weeks both relaxation and structural massage scored lower (better) than usual care on "
               "function (RDQ) and symptom bothersomeness; the average differences were around the size the "
               "authors considered clinically meaningful.")
    caption = (_source(r0) + f" Adjusted mean differences (massage minus usual care) with 95% confidence intervals; "
               f"n = {r0.n['relaxation']} relaxation, {r0.n['structural']} structural, "
               f"{r0.n['usual_care']} usual care. "
               "Dashed line: the smallest difference the authors considered clinically meaningful "
               "(2 RDQ points; 1.5 bothersomeness points). Participants were not blinded.")
    return CourseFigure("cherkin_2011", fig, summary, caption,
                        ["Outcome", "Massage type", "Difference (points)", "95% CI", "Meaningful threshold"], rows)


def furlan_2015() -> CourseFigure:
    """Forest plot of the verified pooled SMDs from the 2015 Cochrane review."""
    ds = dataset()
    ids = ("acute-pain-inactive-short", "chronic-pain-active-short", "chronic-pain-active-long")
    recs = [ds.plotted("furlan2015", i) for i in ids]
    left_out = [r for r in ds.by_key("furlan2015") if r.value.kind == "difference" and not r.plottable]

    def label(r: evidence.Record) -> str:
        pop = "Acute" if r.population.startswith("acute") else "Sub-acute/chronic"
        studies = f"{r.n['studies']} {'study' if r.n['studies'] == 1 else 'studies'}"
        cert = r.certainty or "not graded"
        cert = "not stated" if cert.startswith("not stated") else cert.split(" (")[0]
        return (f"{pop}<br>vs {r.comparator.split()[0]}, {r.timepoint.split(' (')[0]}<br>"
                f"{r.n['participants']} people, {studies}<br>certainty: {cert}")

    def detail(r: evidence.Record) -> str:
        return (f"{r.population}, massage vs {r.comparator}, {r.timepoint}; {r.n['participants']} people, "
                f"{r.n['studies']} {'study' if r.n['studies'] == 1 else 'studies'}")

    labels = [label(r) for r in recs]
    fig = _fig("Cochrane 2015: massage and pain (pooled SMDs)", height=430,
               margin={"l": 20, "r": 20, "t": 80, "b": 70})
    certs = [r.certainty or "not graded" for r in recs]
    fig.add_trace(go.Scatter(
        x=[r.value.estimate for r in recs], y=labels, mode="markers", name="pooled SMD",
        marker={"size": 14, "symbol": "square", "color": BLUE, "line": {"color": "#1a1a1a", "width": 1}},
        error_x={"type": "data", "symmetric": False, "color": BLUE, "thickness": 2.5, "width": 8,
                 "array": [r.value.ci[1] - r.value.estimate for r in recs],
                 "arrayminus": [r.value.estimate - r.value.ci[0] for r in recs]},
        **_hover([f"{detail(r)}<br>SMD {_fmt(r.value.estimate)} (95% CI {_ci(*r.value.ci)})"
                  f"<br>certainty: {c}" for r, c in zip(recs, certs)]),
        showlegend=False,
    ))
    fig.add_vline(x=0, line={"color": "#1a1a1a", "width": 1.5})
    fig.update_xaxes(title_text="SMD in pain (below 0 favours massage)", range=[-2.2, 0.6])
    fig.update_yaxes(autorange="reversed", title_text="Comparison")
    summary = (f"Massage reduced pain more than an inactive control in the one small trial of acute low back pain "
               f"(SMD {_fmt(recs[0].value.estimate)}), and slightly more than active treatments in sub-acute "
               f"and chronic pain (SMD {_fmt(recs[1].value.estimate)} short term, "
               f"{_fmt(recs[2].value.estimate)} long term; very low certainty).")
    caption = (_source(recs[1], recs[0]).replace("Summary of findings table 2, ", "Summary of findings table 2 and ")
               + " Squares: pooled standardised mean differences; lines: 95% confidence intervals. "
               f"{len(left_out)} further pooled results (massage vs inactive controls in sub-acute/chronic pain, and "
               "function in acute pain) are not plotted: the course could read them only on secondary pages "
               "(PARTLY VERIFIED in the evidence sheet).")
    rows = [[detail(r), _fmt(r.value.estimate), _ci(*r.value.ci), c] for r, c in zip(recs, certs)]
    return CourseFigure("furlan_2015", fig, summary, caption, ["Comparison", "SMD", "95% CI", "Certainty"], rows)


# ---------------------------------------------------------------------------------- guidelines
# The situations the chart's columns show (short label for the axis, full label for hover and table).
_SITUATIONS = {
    "acute": ("Acute or<br>sub-acute<br>LBP", "Acute or sub-acute low back pain"),
    "chronic": ("Chronic<br>LBP", "Chronic low back pain"),
    "sciatica": ("Sciatica<br>(radicular)", "Sciatica (lumbosacral radicular syndrome)"),
    "alone": ("Massage<br>on its own", "Massage on its own, as the only treatment"),
}
# Which situations each guideline record speaks to. The mark is the record's own stance, checked
# against the words in its scope or conditions that put it in that column; in the "on its own"
# column a record whose conditions rule massage out on its own is drawn as "No" (stance "do not use").
# (record key, record id, situation, words that must be in the record's scope or conditions, stance)
_GUIDELINE_CELLS = (
    ("bernstein2017", "manual-therapy", "acute", "low back pain", None),
    ("bernstein2017", "manual-therapy", "chronic", "low back pain", None),
    ("bernstein2017", "manual-therapy", "sciatica", "with or without sciatica", None),
    ("bernstein2017", "manual-therapy", "alone", "never on its own", "do not use"),
    ("qaseem2017", "rec1-acute", "acute", "acute or subacute", None),
    ("qaseem2017", "rec2-chronic", "chronic", "chronic", None),
    ("who2023guideline", "massage", "chronic", "chronic primary low back pain", None),
    ("kngf2021", "massage", "sciatica", "not in radicular syndrome", None),
    ("kngf2021", "massage", "alone", "never as a single intervention", None),
)
_GUIDELINE_RECORDS = tuple(dict.fromkeys((k, i) for k, i, *_ in _GUIDELINE_CELLS))
# stance: (word on the chart, marker symbol, colour)
_STANCE_MARK = {
    "recommended": ("Yes", "circle", BLUE),
    "may be offered": ("May be offered", "diamond", GREEN),
    "consider, with conditions": ("Only with exercise", "triangle-up", ORANGE),
    "not named": ("Not named", "square-open", GREY),
    "do not use": ("No", "x-thin-open", VERMILLION),
}
_NOT_ADDRESSED = ("\u2014", "circle-open", "#aaaaaa")
# Evidence quality, in the guideline's own words, shown under the mark when the strength gives it.
_QUALITY = (("very low certainty", "very low certainty"), ("low-quality evidence", "low-quality"))


def _guideline_cells(ds: evidence.Dataset) -> list[tuple[evidence.Record, str, str]]:
    """(record, situation, stance) for every filled cell, each checked against the record's words."""
    from .errors import CourseDataError

    out = []
    for key, rid, situation, words, stance in _GUIDELINE_CELLS:
        rec = ds.plotted(key, rid)
        v = rec.value
        if words not in v.scope and words not in v.conditions:
            raise CourseDataError(f"{key}.yaml", rid, "value.scope/conditions",
                                  f"the guidelines figure puts it under {situation!r} because of the words "
                                  f"{words!r}, which are no longer in its scope or conditions")
        out.append((rec, situation, stance or v.stance))
    return out


def _guideline_label(guideline: str) -> str:
    """The axis label, short enough for a phone: "NICE NG59 (UK, 2016)" -> "NICE<br>2016" (the full
    name is in the hover text, the caption and the table)."""
    m = re.search(r"\b(\d{4})\)\s*$", guideline)
    return guideline.split()[0] + (f"<br>{m.group(1)}" if m else "")


def _quality(strength: str) -> str:
    return next((short for words, short in _QUALITY if words in strength), "")


def guidelines() -> CourseFigure:
    """What NICE NG59, ACP 2017, WHO 2023 and KNGF 2021 say about massage, situation by situation."""
    ds = dataset()
    cells = _guideline_cells(ds)
    rows_y = list(dict.fromkeys(r.value.guideline for r, _, _ in cells))
    ylab = {g: _guideline_label(g) for g in rows_y}
    filled = {(r.value.guideline, s) for r, s, _ in cells}
    fig = _fig("Guidelines on massage at a glance", height=560, hovermode="closest",
               legend={**LEGEND_BELOW, "title": {"text": ""}},
               margin={"l": 60, "r": 20, "t": 130, "b": 40})
    # One trace per mark, so the legend is the key: shape, colour and word all say the same thing.
    for stance, (word, symbol, colour) in _STANCE_MARK.items():
        mine = [(r, s) for r, s, st in cells if st == stance]
        if not mine:
            continue
        texts = []
        for r, _ in mine:
            q = _quality(r.value.strength) if stance == r.value.stance else ""
            texts.append(_wrap(word, 14) + (f"<br>({q})" if q else ""))
        fig.add_trace(go.Scatter(
            x=[_SITUATIONS[s][0] for _, s in mine], y=[ylab[r.value.guideline] for r, _ in mine],
            mode="markers+text", name=word, text=texts, textposition="bottom center", cliponaxis=False,
            textfont={"size": 12, "color": "#1a1a1a"}, customdata=[[r.key, r.id, s] for r, s in mine],
            marker={"size": 18, "symbol": symbol, "color": colour, "line": {"color": colour, "width": 2.5}},
            **_hover([f"<b>{r.value.guideline}</b>, {_SITUATIONS[s][1].lower()}: {word}<br>{_wrap(r.value.says, 48)}"
                      f"<br>Conditions: {_wrap(r.value.conditions, 48)}<br>Strength: {_wrap(r.value.strength, 48)}"
                      f"<br>{_wrap(_source(r), 48)}" for r, s in mine]),
        ))
    empty = [(g, s) for g in rows_y for s in _SITUATIONS if (g, s) not in filled]
    scope = {r.value.guideline: r.value.scope for r, _, _ in cells}
    word, symbol, colour = _NOT_ADDRESSED
    fig.add_trace(go.Scatter(
        x=[_SITUATIONS[s][0] for _, s in empty], y=[ylab[g] for g, _ in empty], mode="markers+text",
        name=f"{word} not addressed", text=[word] * len(empty), textposition="bottom center",
        textfont={"size": 12, "color": GREY}, customdata=[[g, s] for g, s in empty],
        marker={"size": 9, "symbol": symbol, "color": colour, "line": {"color": colour, "width": 1.5}},
        **_hover([f"<b>{g}</b>, {_SITUATIONS[s][1].lower()}:<br>not addressed by the recommendation the course "
                  f"uses<br>(its scope: {_wrap(scope[g], 48)})" for g, s in empty]),
    ))
    fig.update_xaxes(title_text="Situation", side="top", type="category", fixedrange=True, showgrid=True,
                     categoryorder="array", categoryarray=[v[0] for v in _SITUATIONS.values()],
                     range=[-0.65, len(_SITUATIONS) - 0.5], ticks="", showline=False)
    fig.update_yaxes(title_text="Guideline", type="category", fixedrange=True, showgrid=True,
                     categoryorder="array", categoryarray=[ylab[g] for g in reversed(rows_y)],
                     range=[-0.6, len(rows_y) - 0.5], ticks="", showline=False)
    recs = list(dict.fromkeys(r for r, _, _ in cells))
    summary = ("The guidelines differ: NICE (UK) accepts massage only alongside exercise; the American College of "
               "Physicians names it for acute or subacute pain but not for chronic pain; WHO says it may be offered "
               "for chronic pain (conditional, very low certainty); the Dutch KNGF guideline says not to use it on its "
               "own or in radicular syndrome (sciatica).")
    caption = ("Sources: " + "; ".join(dict.fromkeys(r.short_cite for r in recs)) + ". Each mark has its own shape "
               f"and word; {word} means the recommendation the course uses does not speak to that situation (hover "
               "over a mark for the exact wording, conditions and strength). The NICE row uses the BMJ "
               "summary of the guideline, because the course could read the recommendation's own wording only on "
               "secondary pages; check nice.org.uk for the current version.")
    order = {s: k for k, s in enumerate(_SITUATIONS)}
    ordered = sorted(cells, key=lambda c: (rows_y.index(c[0].value.guideline), order[c[1]]))
    rows = [[r.value.guideline, _SITUATIONS[s][1], _STANCE_MARK[st][0], r.value.conditions, r.value.strength]
            for r, s, st in ordered]
    return CourseFigure("guidelines", fig, summary, caption,
                        ["Guideline", "Situation", "Massage?", "Conditions", "Strength / certainty"], rows)


ALL_FIGURES = (lbp_burden, sciatica_prevalence, anatomy_explorer, piriformis_variants, cortisol_and_neurotransmitters,
               endorphins, h_reflex, blood_flow, majchrzycki_2014, cherkin_2011, furlan_2015, guidelines)

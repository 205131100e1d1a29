"""Every figure plots exactly the dataset's values (read back from the plotly figure), never a
PARTLY VERIFIED one, and carries its title, labelled axes, caption with source, summary and table."""

from __future__ import annotations

import json
import math
import re

import pytest

from sciatica_course import evidence, figures
from sciatica_course.display import PLOTLY_MIME, CourseFigure

OKABE_ITO = {figures.BLACK, figures.ORANGE, figures.SKY, figures.GREEN, figures.YELLOW, figures.BLUE,
             figures.VERMILLION, figures.PURPLE}
CONTRACT = ["lbp_burden", "sciatica_prevalence", "anatomy_explorer", "piriformis_variants",
            "cortisol_and_neurotransmitters", "endorphins", "h_reflex", "blood_flow", "majchrzycki_2014",
            "cherkin_2011", "furlan_2015", "guidelines"]


@pytest.fixture(scope="module")
def ds() -> evidence.Dataset:
    return evidence.load_all()


@pytest.fixture(scope="module")
def built() -> dict[str, CourseFigure]:
    return {name: getattr(figures, name)() for name in CONTRACT}


def close(a, b) -> bool:
    return len(a) == len(b) and all(math.isclose(x, y, abs_tol=1e-9) for x, y in zip(a, b))


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html).replace("  ", " ")


def plain(s: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", s).split())


# ------------------------------------------------------------------------ house rules, all figures
def test_the_contract_names_exist_and_all_figures_is_complete():
    assert [f.__name__ for f in figures.ALL_FIGURES] == CONTRACT


@pytest.mark.parametrize("name", CONTRACT)
def test_figure_carries_everything_a_reader_needs(built, name):
    cf = built[name]
    assert isinstance(cf, CourseFigure) and cf.key == name
    assert cf.fig.layout.title.text
    assert cf.caption.startswith(("Source: ", "Sources: ")) or "Source: " in cf.caption
    assert 1 <= cf.summary.count(". ") + 1 <= 3 and cf.summary.endswith(".")
    assert cf.rows and all(len(r) == len(cf.columns) for r in cf.rows)
    bundle = cf._repr_mimebundle_()
    assert set(bundle) == {PLOTLY_MIME, "text/html", "text/plain"}
    json.dumps(bundle[PLOTLY_MIME])  # plain JSON, nothing Python-only left inside
    assert cf.summary in bundle["text/plain"]


@pytest.mark.parametrize("name", CONTRACT)
def test_xy_figures_label_their_axes(built, name):
    fig = built[name].fig
    if name == "anatomy_explorer":  # a schematic: no value axes
        return
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        if axis.showticklabels is False:
            continue
        assert axis.title.text, f"{name}: an axis has no title"


@pytest.mark.parametrize("name", ["majchrzycki_2014", "cherkin_2011"])
def test_outcome_axes_say_lower_is_better(built, name):
    fig = built[name].fig
    titles = [fig.layout.xaxis.title.text, fig.layout.yaxis.title.text]
    for b in fig.layout.updatemenus[0].buttons:
        titles += [v for k, v in b.args[1].items() if k.endswith("title.text")]
    value_titles = [t for t in titles if t and ("points" in t or "score" in t or "Index" in t)]
    assert len(value_titles) >= 3 and all("lower is better" in t for t in value_titles), value_titles


@pytest.mark.parametrize("name", CONTRACT)
def test_colours_are_okabe_ito_or_neutral(built, name):
    spec = built[name].plotly_json()
    colours = set(re.findall(r"#[0-9A-Fa-f]{6}\b", json.dumps(spec["data"])))
    neutral = {c for c in colours if len({c[1:3], c[3:5], c[5:7]}) == 1}  # greys, black, white
    assert colours - neutral <= {c.upper() for c in OKABE_ITO} | OKABE_ITO, name


@pytest.mark.parametrize("name", CONTRACT)
def test_figure_json_stays_small_without_plotlys_default_template(built, name):
    spec = built[name].plotly_json()
    assert "data" not in spec["layout"]["template"]  # plotly's default template carries trace defaults
    size = len(built[name].to_html().encode())
    assert size < 16_000, f"{name}: {size} bytes of HTML"


@pytest.mark.parametrize("name", CONTRACT)
def test_every_trace_has_exact_hover_text(built, name):
    for tr in built[name].fig.data:
        if tr.type == "table":
            continue
        if tr.hoverinfo == "skip":
            continue
        assert tr.hovertext is not None and any(tr.hovertext), f"{name}: trace {tr.name} has no hover text"


# ----------------------------------------------------------------------- values, figure by figure
def test_lbp_burden_plots_the_who_numbers_and_no_unverified_intervals(built, ds):
    fig = built["lbp_burden"].fig
    want = [ds.get("who2023factsheet", "cases-2020").value.value, ds.get("who2023factsheet", "cases-2050").value.value]
    assert close(fig.data[0].y, want) and list(fig.data[0].y) == [619, 843]
    assert not ds.get("ferreira2023", "ui-2020").plottable
    assert fig.data[0].error_y.array is None  # PARTLY VERIFIED uncertainty intervals are not drawn
    dumped = json.dumps(built["lbp_burden"].plotly_json()) + built["lbp_burden"].caption
    for n in ("554", "694", "759", "933"):
        assert n not in dumped
    assert "secondary" in built["lbp_burden"].caption


def test_sciatica_prevalence_plots_the_range_and_the_assessment_split(built, ds):
    fig = built["sciatica_prevalence"].fig
    rng = ds.get("konstantinou2008", "prevalence-range").value
    assert close(fig.data[0].x, [rng.low, rng.high])
    total = ds.get("konstantinou2008", "studies").value.value
    clinical = ds.get("konstantinou2008", "clinical-assessment").value.value
    assert close([fig.data[1].x[0], fig.data[2].x[0]], [clinical, total - clinical])
    assert "2 of 23" in built["sciatica_prevalence"].summary or "2 of the 23" in built["sciatica_prevalence"].summary


def test_anatomy_buttons_show_each_roots_table_row(built, ds):
    cf = built["anatomy_explorer"]
    buttons = cf.fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["Whole nerve", "L4", "L5", "S1"]
    names = [t.name for t in cf.fig.data]
    for b in buttons[1:]:
        v = ds.get("harrison19", b.label.lower()).value
        box = plain(b.args[1]["annotations"][-1]["text"])
        for part in (v.reflex, v.sensory, v.motor):
            assert plain(part) in box, (b.label, part)
        widths = dict(zip(names, b.args[0]["line.width"]))
        assert widths[f"{b.label} root"] == max(widths[f"{r} root"] for r in ("L4", "L5", "S1", "S2", "S3"))
    assert [r[0] for r in cf.rows] == ["L4", "L5", "S1"]
    labels = " ".join(" ".join(t.hovertext or []) for t in cf.fig.data)
    for landmark in ("greater sciatic foramen", "piriformis", "Tibial", "Common fibular", "popliteal fossa"):
        assert landmark.lower() in labels.lower()
    assert {f"{r} root" for r in ("L4", "L5", "S1", "S2", "S3")} <= set(names)


def test_piriformis_variants_pooled_and_single_series(built, ds):
    fig = built["piriformis_variants"].fig
    pooled, single = fig.data
    assert pooled.name == "pooled analysis" and single.name == "single cadaver series"
    smoll = ds.get("smoll2010", "variant-cadavers").value
    assert math.isclose(pooled.x[0], smoll.value)
    lo, hi = smoll.ci
    assert math.isclose(pooled.x[0] + pooled.error_x.array[0], hi)
    assert math.isclose(pooled.x[0] - pooled.error_x.arrayminus[0], lo)
    assert math.isclose(pooled.x[1], 100 - ds.get("poutoglidou2020", "typical-pooled").value.value)
    assert math.isclose(single.x[0], ds.get("natsis2014", "variant").value.value)
    assert math.isclose(single.x[1], 100 - ds.get("mbaka2022", "typical").value.value)
    # Derived numbers are drawn with open markers and say so.
    assert list(pooled.marker.symbol) == ["diamond", "diamond-open"]
    assert list(single.marker.symbol) == ["circle", "circle-open"]
    assert "derived" in pooled.hovertext[1] and "derived" in single.hovertext[1]


def test_cortisol_bars_are_field_2005_beside_moyer_2004(built, ds):
    cf = built["cortisol_and_neurotransmitters"]
    want = [ds.get("field2005", k).value.value for k in ("cortisol", "serotonin", "dopamine")]
    assert close(cf.fig.data[0].y, want) and list(cf.fig.data[0].y) == [-31, 28, 31]
    assert len(cf.fig.data) == 1  # nothing from Moyer 2011 (PARTLY VERIFIED) is plotted
    panel = plain(cf.fig.layout.annotations[0].text)
    assert plain(ds.get("moyer2004", "cortisol-single").value.text) in panel
    assert "0.05" not in json.dumps(cf.plotly_json()) and "0.52" not in cf.caption


def test_endorphins_kaada_before_after_and_day_no_change(built, ds):
    cf = built["endorphins"]
    assert close(cf.fig.data[0].y, [ds.get("kaada1989", "before").value.mean, ds.get("kaada1989", "after").value.mean])
    panel = plain(cf.fig.layout.annotations[0].text)
    assert "n = 10" in panel and "n = 11" in panel
    assert plain(ds.get("day1987", "result").value.text) in panel
    assert "20.0" in cf.to_text() and "23.2" in cf.to_text() and "no control group" in cf.to_text()


def test_cortisol_caption_describes_field_2005_as_averaged_before_after_changes(built):
    """Field 2005 reports averaged before-and-after changes; it does not say its studies lacked controls."""
    cap = built["cortisol_and_neurotransmitters"].caption
    assert "before-and-after changes averaged" in cap and "no pooled comparison with control groups" in cap
    assert "without control groups" not in cap and "not compared with control groups" not in cap


def test_h_reflex_plots_morelli_1991s_six_means_with_sd_bars(built, ds):
    cf = built["h_reflex"]
    points = {}
    for tr in cf.fig.data:
        for x, y, sd in zip(tr.x, tr.y, tr.error_y.array):
            points[x] = (y, sd, tr.name, tr.marker.symbol)
    order = [label for _, label, _ in figures._MORELLI]
    assert list(cf.fig.layout.xaxis.categoryarray) == order == sorted(points, key=order.index)
    for rid, label, phase in figures._MORELLI:
        v = ds.get("morelli1991", rid).value
        assert close(points[label][:2], [v.mean, v.sd]), label
        assert points[label][2] == f"{phase} massage"
    # the pinned numbers (tests/expected_values.csv), in study order: before, before, during, during, after, after
    assert [points[lab][0] for lab in order] == [2.58, 2.56, 0.76, 0.76, 2.82, 2.89]
    assert [points[lab][1] for lab in order] == [0.75, 0.71, 0.58, 0.61, 1.14, 0.82]
    # phases differ by shape as well as colour; the shaded band covers exactly the two massage recordings
    assert len({p[3] for p in points.values()}) == 3
    (band,) = cf.fig.layout.shapes
    assert (band.x0, band.x1) == (1.5, 3.5) and order[2:4] == ["During 1", "During 2"]
    assert "SD" in cf.fig.layout.yaxis.title.text and "standard deviation" in cf.caption
    assert "healthy volunteers" in cf.caption and "sciatica" in cf.caption and "healthy volunteers" in cf.summary
    assert "0.76" in cf.to_text() and "2.89" in cf.to_text()


def flow_panels(cf: CourseFigure) -> dict[str, dict[str, tuple[float, float | None]]]:
    """The blood-flow figure read back: {x axis: {condition: (bar height, error bar or None)}}."""
    panels: dict[str, dict] = {}
    for tr in cf.fig.data:
        if tr.type != "bar":
            continue
        (x,), (y,) = tr.x, tr.y
        err = tr.error_y.array[0] if tr.error_y.array is not None else None
        panels.setdefault(tr.xaxis, {})[x] = (y, err)
    return panels


def test_blood_flow_plots_hinds_2004_and_wiltshire_2010_with_se_only_where_reported(built, ds):
    cf = built["blood_flow"]
    panels = flow_panels(cf)
    assert list(panels) == ["x", "x2", "x3", "x4"]
    for axis, (_, _, key, ids, se_suffix, _) in zip(panels, figures._FLOW_PANELS):
        assert list(panels[axis]) == [figures._FLOW_MARK[c][2].split(" ")[0] for c in ids]
        for cond, rid in ids.items():
            height, err = panels[axis][figures._FLOW_MARK[cond][2].split(" ")[0]]
            assert math.isclose(height, ds.get(key, rid).value.mean), (key, rid)
            if se_suffix:
                se = ds.get(key, rid + se_suffix)
                assert se.value.unit.endswith("(SE)") and math.isclose(err, se.value.value)
            else:
                assert err is None  # Hinds: the abstract does not say whether its spread is an SD or an SE
    # the pinned numbers (tests/expected_values.csv)
    heights = {a: [h for h, _ in p.values()] for a, p in panels.items()}
    assert heights == {"x": [733, 760], "x2": [6, 150], "x3": [4203, 3584, 3178], "x4": [20.5, 15.4, 14.7]}
    assert [e for _, e in panels["x3"].values()] == [531, 284, 304]
    assert [e for _, e in panels["x4"].values()] == [2.8, 1.9, 1.6]
    # value labels sit above the error bars and carry no hover of their own
    labels = [tr for tr in cf.fig.data if tr.type == "scatter"]
    assert len(labels) == 4 and all(tr.hoverinfo == "skip" and tr.mode == "text" for tr in labels)
    assert list(labels[2].y) == [4203 + 531, 3584 + 284, 3178 + 304]
    assert "SE" in cf.fig.layout.yaxis3.title.text and "SE" in cf.fig.layout.yaxis4.title.text
    assert "standard errors (SE)" in cf.caption and "healthy volunteers" in cf.caption
    assert "sciatica" in cf.caption and "no bars are drawn" in cf.caption
    # each condition has its own colour and hatch; the legend names each once
    legend = [tr.name for tr in cf.fig.data if tr.type == "bar" and tr.showlegend]
    assert sorted(legend) == sorted(m[2] for m in figures._FLOW_MARK.values())
    assert len({(m[0], m[1]) for m in figures._FLOW_MARK.values()}) == 3


def test_majchrzycki_each_outcome_and_arm_is_the_data(built, ds):
    fig = built["majchrzycki_2014"].fig
    assert len(fig.data) == 6
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["VAS pain", "Roland-Morris", "ODI"]
    i = 0
    for k, code in enumerate(("vas", "rm", "odi")):
        for arm in ("dtm", "nsaid"):
            pre = ds.get("majchrzycki2014", f"{code}-{arm}-pre").value
            post = ds.get("majchrzycki2014", f"{code}-{arm}-post").value
            tr = fig.data[i]
            assert close(tr.y, [pre.mean, post.mean]) and close(tr.error_y.array, [pre.sd, post.sd])
            assert tr.visible is (k == 0)
            visible = buttons[k].args[0]["visible"]
            assert visible[i] is True and sum(visible) == 2
            i += 1
    cap = built["majchrzycki_2014"].caption
    assert "no arm without massage" in cap and "Baseline" in cap


def test_cherkin_differences_cis_and_thresholds(built, ds):
    fig = built["cherkin_2011"].fig
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["RDQ", "Bothersomeness"]
    i = 0
    for k, code in enumerate(("rdq", "bother")):
        for arm in ("relaxation", "structural"):
            v = ds.get("cherkin2011", f"{code}-{arm}-10wk").value
            tr = fig.data[i]
            assert close(tr.x, [v.estimate])
            assert math.isclose(tr.x[0] + tr.error_x.array[0], v.ci[1])
            assert math.isclose(tr.x[0] - tr.error_x.arrayminus[0], v.ci[0])
            i += 1
        threshold = ds.get("cherkin2011", f"{code}-threshold").value.value
        dashed = [s for s in buttons[k].args[1]["shapes"] if s["line"].get("dash") == "dash"]
        assert len(dashed) == 1 and dashed[0]["x0"] == dashed[0]["x1"] == -threshold
    assert [s.x0 for s in fig.layout.shapes if s.line.dash == "dash"] == [-2]


def test_furlan_plots_only_the_verified_pooled_smds(built, ds):
    cf = built["furlan_2015"]
    tr = cf.fig.data[0]
    verified = [ds.get("furlan2015", i).value for i in
                ("acute-pain-inactive-short", "chronic-pain-active-short", "chronic-pain-active-long")]
    assert close(tr.x, [v.estimate for v in verified])
    assert close([x + e for x, e in zip(tr.x, tr.error_x.array)], [v.ci[1] for v in verified])
    assert close([x - e for x, e in zip(tr.x, tr.error_x.arrayminus)], [v.ci[0] for v in verified])
    partly = [r for r in ds.by_key("furlan2015") if r.value.kind == "difference" and not r.plottable]
    assert len(partly) == 3
    for r in partly:
        assert not any(math.isclose(x, r.value.estimate) for x in tr.x)
    assert "3 further pooled results" in cf.caption and "PARTLY VERIFIED" in cf.caption
    assert [y.split("certainty: ")[1] for y in tr.y] == ["not stated", "very low", "very low"]


def guideline_marks(cf: CourseFigure) -> tuple[dict, list]:
    """The guidelines chart read back: {(record key, id, situation): (mark, axis x, axis y, text, hover)}
    for the filled cells, and [(guideline, situation, axis x, axis y)] for the empty ones."""
    filled, empty = {}, []
    for tr in cf.fig.data:
        assert tr.type == "scatter" and tr.mode == "markers+text"
        for x, y, text, hover, cd in zip(tr.x, tr.y, tr.text, tr.hovertext, tr.customdata):
            if tr.name.endswith("not addressed"):
                assert text == "\u2014"
                empty.append((cd[0], cd[1], x, y))
            else:
                assert (cd[0], cd[1], cd[2]) not in filled
                filled[(cd[0], cd[1], cd[2])] = (tr.name, x, y, text, hover)
    return filled, empty


def test_guidelines_chart_plots_each_verified_recommendation_as_it_stands(built, ds):
    cf = built["guidelines"]
    filled, empty = guideline_marks(cf)
    word = {stance: mark[0] for stance, mark in figures._STANCE_MARK.items()}
    situations = figures._SITUATIONS
    guidelines = set()
    for (key, rid, situation), (mark, x, y, text, hover) in filled.items():
        rec = ds.get(key, rid)
        v = rec.value
        assert rec.plottable and v.kind == "recommendation"
        guidelines.add(v.guideline)
        assert y == figures._guideline_label(v.guideline) and x == situations[situation][0]
        assert plain(y) == f"{v.guideline.split()[0]} {v.guideline[-5:-1]}"  # "NICE 2016", from "NICE NG59 (UK, 2016)"
        if situation == "alone" and v.stance != "do not use":
            # drawn as "No" only because the record itself rules massage out on its own
            assert mark == word["do not use"] and "never on its own" in v.conditions
        else:
            assert mark == word[v.stance]
        assert plain(text).startswith(mark)
        assert ("low-quality" in plain(text)) == (mark == "Yes" and "low-quality evidence" in v.strength)
        assert ("very low certainty" in plain(text)) == ("very low certainty" in v.strength)
        for field in (v.says, v.conditions, v.strength, rec.short_cite):
            assert plain(field) in plain(hover), (key, rid, field)
    # each guideline has exactly one mark per situation, filled or empty
    cells = [(ds.get(k, i).value.guideline, s) for k, i, s in filled] + [(g, s) for g, s, _, _ in empty]
    assert sorted(cells) == sorted((g, s) for g in guidelines for s in situations)
    assert guidelines == {"NICE NG59 (UK, 2016)", "ACP (USA, 2017)", "WHO (2023)", "KNGF (Netherlands, 2021)"}
    # what the evidence sheet says, cell by cell (section 8)
    marks = {(k, s): m[0] for (k, _, s), m in filled.items()}
    assert marks[("qaseem2017", "acute")] == "Yes" and marks[("qaseem2017", "chronic")] == "Not named"
    assert marks[("kngf2021", "sciatica")] == "No" and marks[("kngf2021", "alone")] == "No"
    assert marks[("who2023guideline", "chronic")] == "May be offered"
    assert {s for k, s in marks if k == "who2023guideline"} == {"chronic"}  # its scope: chronic primary LBP
    assert {m for (k, _), m in marks.items() if k == "bernstein2017"} == {"Only with exercise", "No"}
    assert ds.get("bernstein2017", "manual-therapy").plottable  # NICE row comes from the VERIFIED BMJ summary
    assert not ds.get("nice2016", "rec-1-2-7").plottable
    assert ("nice2016", "rec-1-2-7") not in {(k, i) for k, i, _ in filled}


def test_guidelines_chart_keys_symbols_and_words_not_colour_alone(built):
    fig = built["guidelines"].fig
    names = [t.name for t in fig.data]
    symbols = [t.marker.symbol for t in fig.data]
    assert len(set(names)) == len(names) == len(set(symbols)) and all(t.showlegend is not False for t in fig.data)
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_guidelines_text_alternative_lists_every_plotted_mark(built, ds):
    cf = built["guidelines"]
    filled, _ = guideline_marks(cf)
    expected = set()
    for (key, rid, situation), (mark, *_rest) in filled.items():
        v = ds.get(key, rid).value
        expected.add((v.guideline, figures._SITUATIONS[situation][1], mark, v.conditions, v.strength))
    assert len(cf.rows) == len(filled) and {tuple(r) for r in cf.rows} == expected
    assert "\u2014" in cf.caption and "BMJ" in cf.caption


def test_guidelines_figure_refuses_a_record_that_no_longer_says_what_puts_it_in_a_column(monkeypatch):
    from sciatica_course.errors import CourseDataError

    cells = list(figures._GUIDELINE_CELLS)
    cells[-1] = ("kngf2021", "massage", "alone", "only on Tuesdays", None)
    monkeypatch.setattr(figures, "_GUIDELINE_CELLS", tuple(cells))
    with pytest.raises(CourseDataError, match=r"^kngf2021\.yaml: massage: .*'only on Tuesdays'"):
        figures.guidelines()


def test_text_alternative_holds_the_plotted_numbers(built, ds):
    text = built["cherkin_2011"].to_text()
    for rid in ("rdq-relaxation-10wk", "bother-structural-10wk"):
        v = ds.get("cherkin2011", rid).value
        assert figures._fmt(v.estimate) in text and figures._ci(*v.ci) in text
    html = built["majchrzycki_2014"].to_html()
    assert "58.3 \u00b1 18.2" in html and "16.6 \u00b1 9.4" in html


def test_a_figure_refuses_a_value_that_is_not_verified(monkeypatch, ds):
    """If a plotted record were downgraded to PARTLY VERIFIED, the figure fails instead of drawing it."""
    rec = ds.get("cherkin2011", "rdq-relaxation-10wk")
    downgraded = rec.model_copy(update={"verification": "PARTLY VERIFIED", "plot": False})
    records = dict(ds.records)
    records[rec.uid] = downgraded
    monkeypatch.setattr(figures, "dataset", lambda: evidence.Dataset(records))
    with pytest.raises(Exception, match=r"cherkin2011\.yaml: record rdq-relaxation-10wk: verification: "
                                        r"PARTLY VERIFIED values cannot be plotted"):
        figures.cherkin_2011()


def test_every_figure_turns_off_plotly_cloud_buttons():
    """The config travels with each figure (JupyterLab's mimetype and the book's HTML payload)."""
    import json as _json
    import re as _re

    from sciatica_course import display, natural_course

    funcs = list(figures.ALL_FIGURES) + list(natural_course.ALL_FIGURES)
    for f in funcs:
        fig = f()
        spec = fig.plotly_json()
        assert spec["config"]["showSendToCloud"] is False and spec["config"]["plotlyServerURL"] == "", f.__name__
        payload = _re.search(r'<script type="application/json" class="sc-plot-data">(.*?)</script>', fig.to_html(),
                             _re.S)
        assert _json.loads(payload.group(1).replace("<\\/", "</"))["config"] == display.PLOTLY_CONFIG, f.__name__


def test_captions_do_not_repeat_their_locator():
    for f in figures.ALL_FIGURES:
        caption = f().caption
        for part in re.findall(r"(Table [\w.-]+), \1", caption):
            pytest.fail(f"{f.__name__}: caption repeats {part!r}")
        assert "Table 48-1, Table 48-1" not in caption, f.__name__

"""Outputs that render in both places a lesson is read.

A Jupyter output can carry several representations of the same thing. Each object here returns a
bundle with a rich one for JupyterLab (a live ipywidget, or plotly's own mimetype) *and* a
self-contained ``text/html`` one for the static book. ``_config.yml`` tells MyST-NB to prefer
``text/html`` in the HTML build, so the book needs no kernel, no widget manager and no CDN:
the HTML is plain markup driven by the small scripts in ``sciatica_course/static``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# plotly.js options for every course figure, in every place it is drawn (the book, the slides and
# JupyterLab all read them from the figure's own payload). plotly.js 4 shows a "Share chart" button
# by default that uploads the chart to a cloud service: never offer a door to another host.
PLOTLY_CONFIG = {"displaylogo": False, "showSendToCloud": False, "plotlyServerURL": ""}


def esc(text: Any) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape(str(text), quote=True)


def html_table(columns: list[str], rows: list[list[Any]], caption: str | None = None) -> str:
    """A small accessible HTML table (header cells with scope)."""
    out = ['<table class="sc-table">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f'<th scope="col">{esc(c)}</th>' for c in columns) + "</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = [f'<th scope="row">{esc(row[0])}</th>'] + [f"<td>{esc(c)}</td>" for c in row[1:]]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def markdown_table(columns: list[str], rows: list[list[Any]]) -> str:
    """The same table as plain text (for ``text/plain`` and for print)."""
    lines = ["| " + " | ".join(map(str, columns)) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
    return "\n".join(lines)


@dataclass
class CourseFigure:
    """A plotly figure with everything a reader needs without seeing it.

    ``fig`` is the plotly figure (tests read the plotted values back from it); ``summary`` is a
    one- or two-sentence text alternative; ``columns``/``rows`` are the plotted numbers as a table;
    ``caption`` names the source. In JupyterLab plotly's own renderer draws ``fig``; in the book the
    ``text/html`` form is a placeholder that ``sciatica-figures.js`` upgrades to the interactive
    figure with the book's own copy of plotly.js, loaded once, only on pages that have a figure.
    """

    key: str
    fig: Any
    summary: str
    caption: str
    columns: list[str]
    rows: list[list[Any]]
    extra: dict = field(default_factory=dict)

    def table_html(self) -> str:
        """The numbers as a table, in a region that scrolls sideways when the table is wider than the
        screen (a phone): focusable, so the arrow keys scroll it, and labelled; a shadow at the edge
        with more columns, and the hint under it (shown by ``sciatica-figures.js`` only while the
        table overflows), say there is more to see."""
        return (f'<div class="sc-table-scroll" role="region" tabindex="0" '
                f'aria-label="{esc(self.fig.layout.title.text or self.key)}: the numbers as a table">'
                f"{html_table(self.columns, self.rows)}</div>"
                '<p class="sc-scroll-hint" hidden>Scroll the table sideways to see every column.</p>')

    def plotly_json(self) -> dict:
        """The figure as plain JSON data (plotly's own encoder; no Python objects left inside),
        with the course's plotly.js options (:data:`PLOTLY_CONFIG`)."""
        spec = json.loads(self.fig.to_json(validate=False))
        spec["config"] = dict(PLOTLY_CONFIG)
        return spec

    def to_html(self) -> str:
        spec = self.plotly_json()
        payload = json.dumps(
            {"data": spec.get("data", []), "layout": spec.get("layout", {}), "config": spec["config"]},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        # "</" cannot appear inside a <script> element.
        payload = payload.replace("</", "<\\/")
        title = self.fig.layout.title.text or self.key
        return (
            f'<figure class="sc-figure" data-figure-key="{esc(self.key)}">'
            f'<div class="sc-plot" role="img" aria-label="{esc(self.summary)}" '
            f'style="min-height:{int(self.fig.layout.height or 420)}px">'
            f'<p class="sc-plot-loading">Interactive figure: {esc(title)}. '
            f"It appears here when the page has loaded; the numbers are in the table below.</p></div>"
            f'<script type="application/json" class="sc-plot-data">{payload}</script>'
            f'<details class="sc-figure-text" open><summary>Figure as text: summary and numbers</summary>'
            f"<p>{esc(self.summary)}</p>{self.table_html()}</details>"
            # Last child: HTML allows <figcaption> only first or last in <figure> (Nu HTML checker).
            f"<figcaption>{esc(self.caption)}</figcaption>"
            f"</figure>"
        )

    def to_text(self) -> str:
        return f"{self.summary}\n\n{markdown_table(self.columns, self.rows)}\n\n{self.caption}"

    def _repr_mimebundle_(self, include=None, exclude=None):
        # The book renders text/html and skips plotly's own mimetype (_config.yml: suppress_warnings).
        return {"text/html": self.to_html(), "text/plain": self.to_text(), PLOTLY_MIME: self.plotly_json()}

    def show(self):
        """Display the figure (the notebook's one-line call)."""
        from IPython.display import display

        display(self)


class Dual:
    """A live ipywidget for JupyterLab plus a static HTML form for the book, in one output."""

    def __init__(self, widget, static_html: str, text: str):
        self.widget, self.static_html, self.text = widget, static_html, text

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.static_html, "text/plain": self.text}
        if self.widget is not None:
            bundle[WIDGET_MIME] = {
                "version_major": 2,
                "version_minor": 0,
                "model_id": self.widget.model_id,
            }
        return bundle

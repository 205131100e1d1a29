/* Upgrades each figure placeholder (.sc-plot) to an interactive plotly figure.
 * plotly.js comes from the book's own _static folder (never a CDN), is requested only on pages
 * that have a figure, and only once a figure is near the viewport, so text pages stay light. It is
 * plotly's basic bundle (scatter, bar and pie traces only; static/vendor/README.md), about a
 * quarter of the full one: every course figure uses only those trace types (tests/test_plotly_bundle.py). */
(function () {
  "use strict";
  var me = document.currentScript;
  var base = me && me.src ? me.src.replace(/[^/]*$/, "") : "_static/";
  var loading = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = base + "vendor/plotly-basic.min.js";
      s.async = true;
      s.onload = function () { resolve(window.Plotly); };
      s.onerror = function () { reject(new Error("plotly.js could not be loaded from " + s.src)); };
      document.head.appendChild(s);
    });
    return loading;
  }

  /* On a narrow screen (a phone) a figure gets a smaller font, tighter side margins and a title
   * broken over two lines, so that titles and labels are not cut off. */
  function splitInTwo(text, longerThan) {
    if (typeof text !== "string" || text.length <= longerThan || text.indexOf("<br>") >= 0) return text;
    var mid = Math.floor(text.length / 2);
    var before = text.lastIndexOf(" ", mid), after = text.indexOf(" ", mid);
    var cut = before < 0 ? after : (after < 0 || mid - before <= after - mid ? before : after);
    return cut > 0 ? text.slice(0, cut) + "<br>" + text.slice(cut + 1) : text;
  }

  function fitNarrow(layout, width) {
    if (width >= 560) return;
    layout.font = Object.assign({}, layout.font, { size: 12 });
    layout.margin = Object.assign({ l: 60, r: 20, t: 90, b: 60 }, layout.margin);
    layout.margin.l = Math.min(layout.margin.l, 40);
    layout.margin.r = Math.min(layout.margin.r, 10);
    var title = layout.title;
    if (title && title.text) {
      var split = splitInTwo(title.text, 28);
      if (split !== title.text) {
        title.text = split;
        layout.margin.t += 22;
        /* plotly anchors a two-line title by its first line: move it down by one line. */
        title.pad = Object.assign({}, title.pad);
        title.pad.t = (title.pad.t || 0) + 18;
      }
      title.font = Object.assign({}, title.font, { size: 15 });
    }
    /* Boxed notes (the other study, the chosen root) in a slightly smaller font. */
    (layout.annotations || []).forEach(function (a) {
      if (a.bordercolor) a.font = Object.assign({}, a.font, { size: 11 });
    });
    /* Axis titles, including those the figure's own buttons switch to. */
    Object.keys(layout).forEach(function (k) {
      var axis = layout[k];
      if (/^[xy]axis\d*$/.test(k) && axis && axis.title && axis.title.text) {
        axis.title.text = splitInTwo(axis.title.text, 34);
      }
    });
    (layout.updatemenus || []).forEach(function (menu) {
      (menu.buttons || []).forEach(function (button) {
        var relayout = button.args && button.args[1];
        if (!relayout) return;
        Object.keys(relayout).forEach(function (k) {
          if (/title\.text$/.test(k)) relayout[k] = splitInTwo(relayout[k], 34);
        });
      });
    });
  }

  function draw(div) {
    if (div.dataset.drawn) return;
    div.dataset.drawn = "pending";
    var dataEl = div.parentNode.querySelector("script.sc-plot-data");
    var spec = JSON.parse(dataEl.textContent);
    loadPlotly().then(function (Plotly) {
      var layout = spec.layout || {};
      layout.autosize = true;
      delete layout.width;
      fitNarrow(layout, div.clientWidth);
      div.innerHTML = "";
      /* The figure's own config (display.PLOTLY_CONFIG: no "Share chart" upload button, no
       * cloud address) plus the page's choices; never let a figure offer another host. */
      var config = Object.assign({}, spec.config || {}, {
        responsive: true, displayModeBar: "hover", showSendToCloud: false, plotlyServerURL: ""
      });
      return Plotly.newPlot(div, spec.data, layout, config);
    }).then(function () {
      div.dataset.drawn = "yes";
      div.classList.add("sc-plot-drawn");
      /* The drawn figure has buttons (plotly's menus and mode bar): role=img would hide them from
       * assistive technology (axe: nested-interactive). A labelled group keeps the text
       * alternative and lets keyboard and screen-reader users reach the controls. */
      div.setAttribute("role", "group");
      div.setAttribute("aria-roledescription", "interactive figure");
    }).catch(function (err) {
      div.dataset.drawn = "failed";
      var p = div.querySelector(".sc-plot-loading");
      if (p) p.textContent = "The interactive figure could not be drawn; its numbers are in the table below.";
      if (window.console) console.warn(err.message);
    });
  }

  function init() {
    var divs = Array.prototype.slice.call(document.querySelectorAll(".sc-plot"));
    if (!divs.length) return;
    if (!("IntersectionObserver" in window)) { divs.forEach(draw); return; }
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { io.unobserve(e.target); draw(e.target); }
      });
    }, { rootMargin: "200px" });
    divs.forEach(function (d) {
      io.observe(d);
      /* A keyboard or touch user who reaches the figure gets it at once. */
      d.addEventListener("pointerenter", function () { draw(d); }, { once: true });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  window.sciaticaFigures = { draw: draw, loadPlotly: loadPlotly };
})();

/* Upgrades each figure placeholder (.sc-plot) to an interactive plotly figure.
 * plotly.js comes from the book's own _static folder (never a CDN), is requested only on pages
 * that have a figure, and only once a figure is near the viewport, so text pages stay light. */
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
      s.src = base + "plotly.min.js";
      s.async = true;
      s.onload = function () { resolve(window.Plotly); };
      s.onerror = function () { reject(new Error("plotly.js could not be loaded from " + s.src)); };
      document.head.appendChild(s);
    });
    return loading;
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
      div.innerHTML = "";
      return Plotly.newPlot(div, spec.data, layout, {
        responsive: true, displaylogo: false, displayModeBar: "hover"
      });
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

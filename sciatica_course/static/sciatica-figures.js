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

  /* A figure may carry its own phone layout in layout.meta.narrow (figures.py), e.g. panels stacked
   * instead of side by side; it is merged into the layout first. Arrays are replaced, not merged. */
  function merge(into, from) {
    Object.keys(from).forEach(function (k) {
      var v = from[k];
      if (v && typeof v === "object" && !Array.isArray(v) && into[k] && typeof into[k] === "object") merge(into[k], v);
      else into[k] = v;
    });
    return into;
  }

  function fitNarrow(layout, width) {
    if (width >= 560) return;
    if (layout.meta && layout.meta.narrow) merge(layout, layout.meta.narrow);
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

  /* After drawing, on a narrow screen or a touch screen, the figure is measured and fixed where the
   * first guess (fitNarrow) was not enough: a title that runs past the figure's edge is wrapped to
   * the width there is; the title moves below plotly's mode bar (always shown on a touch screen)
   * and the plot, legend, menus and notes move below the title; a legend that still covers an axis
   * title goes to the foot of the figure. tests/test_browser_phone.py measures the same boxes. */
  var PAD = 4;
  function box(el) { return el.getBoundingClientRect(); }
  function hits(a, b, gap) {
    gap = gap || 0;
    return a.left < b.right + gap && b.left < a.right + gap && a.top < b.bottom + gap && b.top < a.bottom + gap;
  }
  function visible(el) { var b = box(el); return b.width > 0 && b.height > 0; }
  function plain(text) { return String(text).replace(/<[^>]*>/g, ""); }

  function wrapWords(text, maxChars) {
    var words = String(text).replace(/<br\s*\/?>/gi, " ").split(/\s+/).filter(Boolean);
    var lines = [], line = "";
    words.forEach(function (w) {
      if (line && plain(line + " " + w).length > maxChars) { lines.push(line); line = w; }
      else line = line ? line + " " + w : w;
    });
    if (line) lines.push(line);
    return lines.join("<br>");
  }

  function titleText(layout, key) {
    var parts = key.split("."), obj = layout;
    for (var i = 0; i < parts.length && obj; i++) obj = obj[parts[i]];
    return typeof obj === "string" ? obj : null;
  }

  /* One round of measuring: the layout changes that fix what is wrong, or null if nothing is. */
  function fixes(div, touch, narrow) {
    var layout = div.layout, upd = {}, any = false;
    var svg = div.querySelector("svg.main-svg");
    if (!svg) return null;
    var sb = box(svg);
    var texts = Array.prototype.slice.call(div.querySelectorAll("text")).filter(function (t) {
      var cls = t.getAttribute("class") || "";
      return (cls === "gtitle" || /^[xy]\d*title$/.test(cls) || cls === "annotation-text") &&
        t.textContent.trim() && visible(t);
    });
    /* 1. Titles past the figure's edges (the SVG cuts them off): wrap them to the width there is. */
    texts.forEach(function (t) {
      var cls = t.getAttribute("class"), m = /^([xy])(\d*)title$/.exec(cls);
      if (!m && cls !== "gtitle") return;
      var key = m ? m[1] + "axis" + m[2] + ".title.text" : "title.text";
      var text = titleText(layout, key);
      if (!text) return;
      var b = box(t), vertical = m && m[1] === "y";
      var lo = vertical ? sb.top : sb.left, hi = vertical ? sb.bottom : sb.right;
      var s = vertical ? b.top : b.left, e = vertical ? b.bottom : b.right;
      if (s >= lo + PAD - 1 && e <= hi - PAD + 1) return;
      var mid = (s + e) / 2;
      /* The main title starts at the left; an axis title is centred on its axis. */
      var room = m ? 2 * Math.min(mid - lo, hi - mid) - 2 * PAD : hi - PAD - s;
      var longest = Math.max.apply(null, text.split(/<br\s*\/?>/i).map(function (l) { return plain(l).length; }));
      var maxChars = Math.max(8, Math.floor(room / ((e - s) / longest)));
      var wrapped = wrapWords(text, maxChars);
      if (wrapped !== text) { upd[key] = wrapped; any = true; }
    });
    /* 2. The mode bar (always shown on a touch screen) over the title: move the title below it. */
    var title = div.querySelector("text.gtitle");
    var mb = div.querySelector(".modebar");
    var tb = title && visible(title) ? box(title) : null;
    var down = 0;
    if (touch && mb && visible(mb) && tb && hits(box(mb), tb, 2)) {
      down = Math.ceil(box(mb).bottom - tb.top + 4);
      var pad = (layout.title && layout.title.pad) || {};
      upd["title.pad.t"] = (pad.t || 0) + down;
      any = true;
    }
    /* 3. Whatever lies under the (moved) title: the plot area, legend, menus and notes move down. */
    var others = texts.filter(function (t) { return t !== title; }).map(box);
    var legendBg = div.querySelector("g.legend > rect.bg");
    if (legendBg && visible(legendBg)) others.push(box(legendBg));
    Array.prototype.forEach.call(div.querySelectorAll("g.updatemenu-button, g.slider-container"), function (g) {
      if (visible(g)) others.push(box(g));
    });
    var plotArea = div._fullLayout && div._fullLayout._size;
    var shift = 0;
    if (tb) {
      var bottom = tb.bottom + down + 6;
      if (plotArea) shift = Math.max(shift, bottom - (sb.top + plotArea.t));
      others.forEach(function (o) {
        if (o.top >= tb.top - 2 && o.top < bottom && o.left < tb.right && tb.left < o.right) {
          shift = Math.max(shift, bottom - o.top);
        }
      });
    }
    /* ... and the mode bar over anything else near the top (a legend, menu buttons, a note). */
    if (touch && mb && visible(mb)) {
      var mbb = box(mb);
      others.forEach(function (o) { if (hits(mbb, o, 2)) shift = Math.max(shift, mbb.bottom + 4 - o.top); });
    }
    /* A menu's buttons on a note (the buttons wrap wider on a phone): raise the menu, move the rest down. */
    var menus = layout.updatemenus || [];
    if (menus.length) {
      var need = 0;
      Array.prototype.forEach.call(div.querySelectorAll("g.updatemenu-button"), function (g) {
        if (!visible(g)) return;
        var gb = box(g);
        texts.forEach(function (t) {
          if (t.getAttribute("class") === "annotation-text" && hits(gb, box(t))) {
            need = Math.max(need, Math.ceil(gb.bottom - box(t).top + 4));
          }
        });
      });
      if (need > 0) {
        var mpad = menus[0].pad || {};
        upd["updatemenus[0].pad.b"] = (mpad.b || 0) + need;
        shift += need;
      }
    }
    if (shift > 0.5) {
      shift = Math.ceil(shift);
      var margin = layout.margin || {};
      var t0 = margin.t != null ? margin.t : div._fullLayout.margin.t;
      upd["margin.t"] = t0 + shift;
      upd.height = (layout.height || div._fullLayout.height) + shift;
      any = true;
    }
    /* 4. A legend below the plot that covers an axis title or a note: to the foot of the figure. */
    if (legendBg && visible(legendBg) && plotArea && !(layout.legend && layout.legend.yref === "container")) {
      var lb = box(legendBg);
      var below = lb.top > sb.top + plotArea.t + plotArea.h / 2;
      if (below && texts.some(function (t) { return t !== title && hits(lb, box(t)); })) {
        upd["legend.yref"] = "container"; upd["legend.y"] = 0; upd["legend.yanchor"] = "bottom";
        any = true;
      }
    }
    /* 5. On a phone, a legend at the foot of the figure wraps into many rows: the figure grows by its
     * height instead of squeezing the plot (once; the legend keeps its room on later rounds). */
    if (narrow && legendBg && visible(legendBg) && layout.legend && layout.legend.yref === "container" &&
        !div._scLegendRoom && !upd.height) {
      div._scLegendRoom = true;
      upd.height = (layout.height || div._fullLayout.height) + Math.ceil(box(legendBg).height) + 10;
      any = true;
    }
    return any ? upd : null;
  }

  function settle(div, Plotly, touch, narrow, rounds) {
    var upd = fixes(div, touch, narrow);
    if (!upd || rounds <= 0) return Promise.resolve();
    if (upd.height) div.style.minHeight = upd.height + "px";
    return Plotly.relayout(div, upd).then(function () { return settle(div, Plotly, touch, narrow, rounds - 1); });
  }

  function draw(div) {
    if (div.dataset.drawn) return;
    div.dataset.drawn = "pending";
    var dataEl = div.parentNode.querySelector("script.sc-plot-data");
    var spec = JSON.parse(dataEl.textContent);
    var narrow = div.clientWidth < 560;
    /* A phone or tablet: plotly then shows its mode bar all the time, not only on hover. */
    var touch = narrow || (window.matchMedia && window.matchMedia("(hover: none)").matches);
    var Plotly;
    loadPlotly().then(function (P) {
      Plotly = P;
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
      /* On a phone, a short mode bar: save as image, zoom, pan and reset. */
      if (narrow) config.modeBarButtonsToRemove = ["select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d"];
      return Plotly.newPlot(div, spec.data, layout, config);
    }).then(function () {
      return settle(div, Plotly, touch, narrow, 5);
    }).then(function () {
      /* A menu button that switches the axis title, or a turned phone: measure again. */
      var busy = false;
      function again() {
        if (busy) return;
        busy = true;
        setTimeout(function () {
          settle(div, Plotly, touch, narrow, 5).then(function () { busy = false; }, function () { busy = false; });
        }, 0);
      }
      div.on("plotly_update", again);
      div.on("plotly_relayout", function (ev) { if (!busy && ev && ev.autosize !== undefined) again(); });
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

  /* A table wider than the screen scrolls sideways in its own labelled, focusable region; the hint
   * under it shows only while there is more to see to the side. */
  function markScrollers() {
    Array.prototype.forEach.call(document.querySelectorAll(".sc-table-scroll"), function (el) {
      var hint = el.nextElementSibling;
      if (hint && hint.classList.contains("sc-scroll-hint")) hint.hidden = el.scrollWidth <= el.clientWidth + 1;
    });
  }

  function init() {
    markScrollers();
    window.addEventListener("resize", markScrollers);
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

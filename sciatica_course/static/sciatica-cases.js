/* Branching practice cases in the static book (no kernel, no network).
 *
 * Each case is a <section class="sc-case"> written by sciatica_course/cases.py (case_html), with
 * the whole case as JSON in <script type="application/json" class="sc-case-data">: every node's
 * text, its choices, the feedback, safety facts (already in the words of data/safety) and source
 * lines. This script shows one step at a time:
 *
 * - the step: its story and its choices as buttons in a fieldset ("What do you do?");
 * - after a choice: the feedback in a live region (role=status, aria-live=polite), and focus moves
 *   to the new step, so keyboard and screen-reader users carry on from there;
 * - "Your choices so far" lists the path; "Go back one step" undoes the last choice and
 *   "Start again" returns to the first step (both move focus to the step shown).
 *
 * Nothing is stored: a case is short, unscored and meant to be replayed along other paths, so a
 * saved path would have nothing to offer and could only go stale. All text is set with
 * textContent (never parsed as HTML).
 */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function para(cls, text) {
    return el("p", { className: cls }, text);
  }

  function CaseView(section) {
    var data = JSON.parse(section.querySelector("script.sc-case-data").textContent);
    var root = section.id;
    var path = []; // [{node: id, n: choice number (1-based)}]
    var current = data.start;

    var trailBox = el("div", { className: "sc-case-trail" });
    var trailLabel = el("p", { className: "sc-case-trail-label", id: root + "-trail-label" }, "Your choices so far:");
    var trail = el("ol", { "aria-labelledby": root + "-trail-label" });
    trailBox.appendChild(trailLabel);
    trailBox.appendChild(trail);
    var feedback = el("div", { className: "sc-case-feedback", id: root + "-feedback", role: "status", "aria-live": "polite" });
    var step = el("div", { className: "sc-case-step", id: root + "-step", tabindex: "-1", role: "group",
      "aria-labelledby": root + "-step-label" });
    var tools = el("div", { className: "sc-case-tools", role: "group", "aria-label": "Move through the case" });
    var back = el("button", { type: "button", className: "sc-case-back" }, "Go back one step");
    var restart = el("button", { type: "button", className: "sc-case-restart" }, "Start again");
    tools.appendChild(back);
    tools.appendChild(restart);
    [trailBox, feedback, step, tools].forEach(function (x) { section.appendChild(x); });

    function sourcesBlock(parent, item) {
      (item.safety || []).forEach(function (s) { parent.appendChild(para("sc-case-safety", s)); });
      if (item.src) parent.appendChild(para("sc-case-src", item.src));
    }

    function renderTrail() {
      trail.textContent = "";
      path.forEach(function (p, i) {
        var ch = data.nodes[p.node].choices[p.n - 1];
        trail.appendChild(el("li", null, "Step " + (i + 1) + ": " + ch.text + " (" + ch.words + ")"));
      });
      trailBox.hidden = path.length === 0;
    }

    function renderStep() {
      var node = data.nodes[current];
      step.textContent = "";
      step.setAttribute("data-node", current);
      var label = el("p", { className: "sc-case-stepno", id: root + "-step-label" });
      if (node.end) {
        label.textContent = "The end of this path. " + node.endWords;
        step.className = "sc-case-step sc-case-end sc-end-" + node.end;
      } else {
        label.textContent = "Step " + (path.length + 1) + ".";
        step.className = "sc-case-step";
      }
      step.appendChild(label);
      step.appendChild(para("sc-case-text", node.text));
      sourcesBlock(step, node);
      if (node.end) {
        if (node.full && node.full.length) {
          var refs = el("details", { className: "sc-case-refs" });
          refs.appendChild(el("summary", null, "Full references for this ending"));
          var ul = el("ul");
          node.full.forEach(function (r) { ul.appendChild(el("li", null, r)); });
          refs.appendChild(ul);
          step.appendChild(refs);
        }
        step.appendChild(para("sc-case-again", "Start again, or go back one step, to try another path."));
      } else {
        var fs = el("fieldset", { className: "sc-case-choices" });
        fs.appendChild(el("legend", null, "What do you do?"));
        var ul2 = el("ul");
        node.choices.forEach(function (ch, i) {
          var li = el("li");
          var b = el("button", { type: "button", className: "sc-case-choice", "data-n": String(i + 1) }, ch.text);
          b.addEventListener("click", function () { choose(i + 1); });
          li.appendChild(b);
          ul2.appendChild(li);
        });
        fs.appendChild(ul2);
        step.appendChild(fs);
      }
      back.disabled = path.length === 0;
      restart.disabled = path.length === 0;
      section.setAttribute("data-at", current);
    }

    function render(focus) {
      renderTrail();
      renderStep();
      if (focus) step.focus();
    }

    function choose(n) {
      var node = data.nodes[current];
      var ch = node.choices[n - 1];
      path.push({ node: current, n: n });
      current = ch.to;
      feedback.textContent = "";
      feedback.className = "sc-case-feedback sc-v-" + ch.verdict;
      var head = el("p", { className: "sc-case-verdict" });
      head.appendChild(el("span", { className: "sc-case-icon", "aria-hidden": "true" }, ch.icon + " "));
      head.appendChild(el("strong", null, ch.words));
      head.appendChild(document.createTextNode(" You chose: " + ch.text));
      feedback.appendChild(head);
      feedback.appendChild(para("sc-case-fb", ch.feedback));
      sourcesBlock(feedback, ch);
      render(true);
    }

    function notice(text) {
      feedback.className = "sc-case-feedback sc-case-note";
      feedback.textContent = "";
      feedback.appendChild(para("sc-case-fb", text));
    }

    back.addEventListener("click", function () {
      if (!path.length) return;
      var last = path.pop();
      current = last.node;
      notice("You went back to step " + (path.length + 1) + ". Choose again.");
      render(true);
    });
    restart.addEventListener("click", function () {
      path = [];
      current = data.start;
      notice("You are back at the start of the case.");
      render(true);
    });

    render(false);
    section.classList.add("sc-case-ready");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("section.sc-case"), function (s) {
      if (s.classList.contains("sc-case-ready")) return;
      try {
        CaseView(s);
      } catch (e) {
        s.appendChild(para("sc-case-error", "This case could not be shown: " + e.message));
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

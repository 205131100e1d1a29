/* Quizzes in the static book (no kernel, no network): grading, feedback, score, progress, export.
 *
 * Each quiz is a <section class="sc-quiz"> written by sciatica_course/quiz/render.py. A question's
 * answer, feedback and explanation travel in data-payload (JSON, XOR-ed with the form's id, base64),
 * so they are not in the page text until the learner checks an answer. The grading rules and the
 * messages mirror sciatica_course/quiz/grading.py (tested in Python; the browser test checks this).
 *
 * Progress: localStorage, one entry per chapter ("sciatica-course:v1:ch:<stem>"), with the bank
 * version; a damaged entry is set aside under another key and reported, never thrown.
 * Export: every chapter saved in this browser, as JSON ("sciatica-course-results", version 1) or CSV.
 */
(function () {
  "use strict";

  var PREFIX = "sciatica-course:v1:";
  var MARKS = {
    correct: ["\u2714", "Correct"],
    wrong: ["\u2718", "Not quite"],
    invalid: ["\u26A0", "Check your answer"]
  };

  // ------------------------------------------------------------------ storage (never throws)
  var store = (function () {
    try {
      var s = window.localStorage, k = PREFIX + "probe";
      s.setItem(k, "1");
      s.removeItem(k);
      return s;
    } catch (e) {
      return null;
    }
  })();

  function setAside(key, raw, why) {
    if (!store) return "";
    var aside = PREFIX + "corrupt:" + key.slice(PREFIX.length) + ":" + Date.now();
    try {
      store.setItem(aside, raw);
      store.removeItem(key);
    } catch (e) { /* storage full: leave it */ }
    return why + " It was set aside (" + aside + ") and this quiz starts afresh.";
  }

  function validRecord(r) {
    if (!r || typeof r !== "object" || typeof r.bank !== "string" || !r.answers || typeof r.answers !== "object" || Array.isArray(r.answers)) return false;
    return Object.keys(r.answers).every(function (q) {
      var a = r.answers[q];
      return a && typeof a === "object" && "answer" in a && typeof a.correct === "boolean" &&
        typeof a.attempts === "number" && a.attempts >= 0 && Math.floor(a.attempts) === a.attempts;
    });
  }

  // Returns {record, notice}.
  function loadChapter(stem, bank) {
    var key = PREFIX + "ch:" + stem;
    if (!store) return { record: null, notice: "This browser does not allow saving, so your answers will not be kept after you leave the page." };
    var raw = store.getItem(key);
    if (raw === null) return { record: null, notice: "" };
    var rec;
    try {
      rec = JSON.parse(raw);
    } catch (e) {
      return { record: null, notice: setAside(key, raw, "Your saved answers for this quiz were damaged.") };
    }
    if (!validRecord(rec)) return { record: null, notice: setAside(key, raw, "Your saved answers for this quiz were not in the expected form.") };
    if (rec.bank !== bank) return { record: null, notice: setAside(key, raw, "The questions of this quiz have changed since you last answered them.") };
    return { record: rec, notice: "" };
  }

  function saveChapter(stem, rec) {
    if (!store) return false;
    try {
      store.setItem(PREFIX + "ch:" + stem, JSON.stringify(rec));
      return true;
    } catch (e) {
      return false;
    }
  }

  function getLearner() {
    try { return (store && store.getItem(PREFIX + "learner")) || ""; } catch (e) { return ""; }
  }
  function setLearner(name) {
    try { if (store) store.setItem(PREFIX + "learner", name); } catch (e) { /* ignore */ }
  }

  // ------------------------------------------------------------------ payload
  function decode(code, key) {
    var bin = atob(code), k = new TextEncoder().encode(key), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i) ^ k[i % k.length];
    return JSON.parse(new TextDecoder("utf-8").decode(bytes));
  }

  // ------------------------------------------------------------------ grading (mirrors grading.py)
  function result(status, message, feedback, answer) {
    return { status: status, message: message, feedback: feedback || [], answer: answer === undefined ? null : answer };
  }
  function invalid(msg) { return result("invalid", msg); }
  function fmt(x) { return String(Number(x.toPrecision(6))); }

  function parseNumber(text, unit) {
    if (typeof text === "number") return isFinite(text) ? text : null;
    if (typeof text !== "string") return null;
    var s = text.trim().replace(/\u2212/g, "-");
    if (unit && s.toLowerCase().slice(-unit.length) === unit.toLowerCase()) s = s.slice(0, s.length - unit.length).trim();
    if (/^[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?$/.test(s)) s = s.replace(/[ \u00a0\u202f]/g, "");
    if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(s)) return null;
    var v = parseFloat(s.replace(",", "."));
    return isFinite(v) ? v : null;
  }

  var graders = {
    single: function (p, a) {
      if (!a) return invalid("Choose one answer, then check.");
      var fb = p.fb[a] ? [p.fb[a]] : [];
      return a === p.a ? result("correct", "Correct.", fb, a) : result("wrong", "Not quite.", fb, a);
    },
    truefalse: function (p, a) {
      if (a !== true && a !== false) return invalid("Choose True or False, then check.");
      var f = p.fb[String(a)], fb = f ? [f] : [];
      return a === p.a ? result("correct", "Correct.", fb, a) : result("wrong", "Not quite.", fb, a);
    },
    multiple: function (p, a) {
      if (!a || !a.length) return invalid("Choose at least one answer, then check.");
      var fb = a.filter(function (x) { return p.fb[x]; }).map(function (x) { return p.fb[x]; });
      var hits = a.filter(function (x) { return p.a.indexOf(x) >= 0; }).length;
      var wrong = a.length - hits;
      if (hits === p.a.length && wrong === 0) return result("correct", "Correct: you chose all the right answers and no wrong ones.", fb, a);
      var msg = "Not quite: " + hits + " of " + p.a.length + " right answers chosen";
      msg += wrong ? ", and " + wrong + " that " + (wrong === 1 ? "is" : "are") + " not right." : ".";
      return result("wrong", msg, fb, a);
    },
    numeric: function (p, a) {
      if (a === null || a === undefined || String(a).trim() === "") return invalid("Type a number, then check.");
      var v = parseNumber(a, p.unit), unit = p.unit ? " (in " + p.unit + ")" : "";
      if (v === null) return invalid("'" + String(a).trim() + "' is not a number. Type a number such as 12.5" + unit + ".");
      if (Math.abs(v - p.a) <= p.tol + 1e-9 * Math.max(1, Math.abs(p.a))) return result("correct", "Correct.", [], v);
      return result("wrong", "Not quite: " + fmt(v) + " is " + (v > p.a ? "too high" : "too low") + ".", [], v);
    },
    matching: function (p, a) {
      var lefts = Object.keys(p.a);
      var missing = lefts.filter(function (l) { return !a[l]; });
      if (missing.length) return invalid("Choose a match for every item (missing: " + missing.join(", ") + ").");
      var right = lefts.filter(function (l) { return a[l] === p.a[l]; }).length;
      if (right === lefts.length) return result("correct", "Correct: every match is right.", [], a);
      return result("wrong", "Not quite: " + right + " of " + lefts.length + " matches are right.", [], a);
    },
    ordering: function (p, a) {
      // a: {item id: place as text} from the select boxes, or a saved list of ids.
      var order;
      if (Array.isArray(a)) {
        order = a;
      } else {
        var ids = Object.keys(a), places = {};
        for (var i = 0; i < ids.length; i++) {
          if (!a[ids[i]]) return invalid("Give every step a place, then check.");
          places[ids[i]] = parseInt(a[ids[i]], 10);
        }
        var used = ids.map(function (k) { return places[k]; });
        if (used.some(function (v, j) { return used.indexOf(v) !== j; })) return invalid("Two steps share the same place: give each step its own place.");
        order = ids.slice().sort(function (x, y) { return places[x] - places[y]; });
      }
      if (order.length !== p.a.length) return invalid("Give every step a place, then check.");
      var ok = order.filter(function (x, j) { return x === p.a[j]; }).length;
      if (ok === p.a.length) return result("correct", "Correct: every step is in the right place.", [], order);
      return result("wrong", "Not quite: " + ok + " of " + p.a.length + " steps are in the right place.", [], order);
    }
  };

  // ------------------------------------------------------------------ reading and setting inputs
  function readAnswer(form, type) {
    var body = form.querySelector(".sc-q-body");
    if (type === "single" || type === "truefalse") {
      var r = body.querySelector("input:checked");
      if (!r) return null;
      return type === "truefalse" ? r.value === "true" : r.value;
    }
    if (type === "multiple") {
      return Array.prototype.map.call(body.querySelectorAll("input:checked"), function (x) { return x.value; });
    }
    if (type === "numeric") return body.querySelector("input").value;
    var out = {};
    Array.prototype.forEach.call(body.querySelectorAll("select"), function (s) {
      if (type === "matching") { if (s.value) out[s.getAttribute("data-left")] = s.value; }
      else out[s.getAttribute("data-item")] = s.value;
    });
    return out;
  }

  function setAnswer(form, type, value) {
    var body = form.querySelector(".sc-q-body");
    if (type === "single" || type === "truefalse" || type === "multiple") {
      var chosen = Array.isArray(value) ? value.map(String) : [String(value)];
      Array.prototype.forEach.call(body.querySelectorAll("input"), function (x) { x.checked = chosen.indexOf(x.value) >= 0; });
    } else if (type === "numeric") {
      body.querySelector("input").value = value === null || value === undefined ? "" : String(value);
    } else {
      Array.prototype.forEach.call(body.querySelectorAll("select"), function (s) {
        if (type === "matching") s.value = (value && value[s.getAttribute("data-left")]) || "";
        else s.value = Array.isArray(value) ? String(value.indexOf(s.getAttribute("data-item")) + 1 || "") : "";
      });
    }
  }

  function clearAnswer(form, type) {
    var body = form.querySelector(".sc-q-body");
    Array.prototype.forEach.call(body.querySelectorAll("input"), function (x) {
      if (x.type === "radio" || x.type === "checkbox") x.checked = false; else x.value = "";
    });
    Array.prototype.forEach.call(body.querySelectorAll("select"), function (s) { s.value = ""; });
  }

  // ------------------------------------------------------------------ feedback
  function para(cls, text) {
    var p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    return p;
  }

  function showFeedback(box, p, res, saved) {
    var mark = MARKS[res.status];
    box.textContent = "";
    box.className = "sc-q-feedback sc-fb-" + res.status;
    if (saved) box.appendChild(para("sc-fb-saved", "Your saved answer:"));
    var head = document.createElement("p");
    head.className = "sc-fb-mark";
    var icon = document.createElement("span");
    icon.className = "sc-fb-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = mark[0];
    var word = document.createElement("strong");
    word.textContent = mark[1] + ".";
    var msg = res.message;
    if (msg.toLowerCase().indexOf(mark[1].toLowerCase()) === 0) msg = msg.slice(mark[1].length).replace(/^[.:\s]+/, "");
    head.appendChild(icon);
    head.appendChild(document.createTextNode(" "));
    head.appendChild(word);
    if (msg) head.appendChild(document.createTextNode(" " + msg));
    box.appendChild(head);
    if (res.status === "invalid") return;
    res.feedback.forEach(function (f) { box.appendChild(para("sc-fb-option", f)); });
    var ex = para("sc-fb-explain", " " + p.ex);
    var b = document.createElement("strong");
    b.textContent = "Explanation:";
    ex.insertBefore(b, ex.firstChild);
    box.appendChild(ex);
    if (p.src) box.appendChild(para("sc-fb-source", p.src));
  }

  // ------------------------------------------------------------------ export
  function collectResults(learner) {
    var banks = {}, chapters = {};
    if (store) {
      for (var i = 0; i < store.length; i++) {
        var key = store.key(i);
        if (!key || key.indexOf(PREFIX + "ch:") !== 0) continue;
        var stem = key.slice((PREFIX + "ch:").length), rec;
        try { rec = JSON.parse(store.getItem(key)); } catch (e) { continue; }
        if (!validRecord(rec)) continue;
        var answers = {}, score = 0;
        Object.keys(rec.answers).sort().forEach(function (q) {
          var a = rec.answers[q];
          answers[q] = { answer: a.answer, correct: a.correct, attempts: a.attempts };
          if (a.correct) score++;
        });
        banks[stem] = rec.bank;
        chapters[stem] = { score: score, total: rec.total || Object.keys(answers).length, answers: answers };
      }
    }
    var sortObj = function (o) { var r = {}; Object.keys(o).sort().forEach(function (k) { r[k] = o[k]; }); return r; };
    return {
      format: "sciatica-course-results",
      version: 1,
      learner: learner || "anonymous",
      exported: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      banks: sortObj(banks),
      chapters: sortObj(chapters)
    };
  }

  function csvCell(v) {
    var s;
    if (typeof v === "string") {
      s = v;
      try { JSON.parse(v); s = JSON.stringify(v); } catch (e) { /* plain text stays as it is */ }
    } else {
      s = JSON.stringify(v);
    }
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function toCsv(res) {
    var rows = ["learner,chapter,question_id,answer,correct,attempts"];
    Object.keys(res.chapters).forEach(function (stem) {
      var ans = res.chapters[stem].answers;
      Object.keys(ans).forEach(function (q) {
        var a = ans[q];
        rows.push([csvCell(res.learner), csvCell(stem), csvCell(q), csvCell(a.answer), a.correct ? "true" : "false", String(a.attempts)].join(","));
      });
    });
    return rows.join("\n") + "\n";
  }

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  // ------------------------------------------------------------------ one quiz
  function setup(root) {
    var stem = root.getAttribute("data-stem"), bank = root.getAttribute("data-bank");
    var total = parseInt(root.getAttribute("data-total"), 10);
    var scoreEl = root.querySelector(".sc-quiz-score"), status = root.querySelector(".sc-quiz-status");
    var learnerEl = root.querySelector(".sc-quiz-learner");
    var loaded = loadChapter(stem, bank);
    var rec = loaded.record || { bank: bank, total: total, answers: {} };
    rec.total = total;
    if (loaded.notice && status) status.textContent = loaded.notice;
    if (learnerEl) {
      learnerEl.value = getLearner();
      learnerEl.addEventListener("change", function () { setLearner(learnerEl.value.trim()); });
    }

    function updateScore() {
      var ids = Object.keys(rec.answers);
      var right = ids.filter(function (q) { return rec.answers[q].correct; }).length;
      scoreEl.textContent = "Score: " + right + " of " + total + " correct (" + ids.length + " answered).";
    }

    Array.prototype.forEach.call(root.querySelectorAll("form.sc-q"), function (form) {
      var qid = form.getAttribute("data-qid"), type = form.getAttribute("data-type");
      var box = form.querySelector(".sc-q-feedback"), retry = form.querySelector(".sc-q-retry");
      var p;
      try {
        p = decode(form.getAttribute("data-payload"), form.id);
      } catch (e) {
        box.textContent = "This question could not be loaded.";
        form.querySelector(".sc-q-check").disabled = true;
        return;
      }
      var saved = rec.answers[qid];
      if (saved) {
        var again = graders[type](p, saved.answer);
        if (again.status === "invalid") {
          delete rec.answers[qid];
        } else {
          setAnswer(form, type, saved.answer);
          showFeedback(box, p, again, true);
          retry.hidden = false;
        }
      }
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var res = graders[type](p, readAnswer(form, type));
        if (res.status !== "invalid") {
          var prev = rec.answers[qid];
          rec.answers[qid] = { answer: res.answer, correct: res.status === "correct", attempts: (prev ? prev.attempts : 0) + 1 };
          if (!saveChapter(stem, rec) && status) status.textContent = "Your answer could not be saved in this browser.";
          retry.hidden = false;
          updateScore();
        }
        showFeedback(box, p, res, false);
      });
      retry.addEventListener("click", function () {
        clearAnswer(form, type);
        box.textContent = "";
        box.className = "sc-q-feedback";
        retry.hidden = true;
        var first = form.querySelector(".sc-q-body input, .sc-q-body select");
        if (first) first.focus();
      });
    });
    updateScore();

    var reset = root.querySelector(".sc-quiz-reset");
    if (reset) reset.addEventListener("click", function () {
      rec = { bank: bank, total: total, answers: {} };
      try { if (store) store.removeItem(PREFIX + "ch:" + stem); } catch (e) { /* ignore */ }
      Array.prototype.forEach.call(root.querySelectorAll("form.sc-q"), function (form) {
        clearAnswer(form, form.getAttribute("data-type"));
        var box = form.querySelector(".sc-q-feedback");
        box.textContent = "";
        box.className = "sc-q-feedback";
        form.querySelector(".sc-q-retry").hidden = true;
      });
      updateScore();
      status.textContent = "This quiz was reset. Your answers in other chapters are kept.";
    });

    Array.prototype.forEach.call(root.querySelectorAll(".sc-quiz-export"), function (btn) {
      btn.addEventListener("click", function () {
        var name = learnerEl ? learnerEl.value.trim() : "";
        if (name) setLearner(name);
        var res = collectResults(name);
        var slug = res.learner.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "learner";
        var csv = btn.getAttribute("data-format") === "csv";
        download("sciatica-results-" + slug + (csv ? ".csv" : ".json"), csv ? "text/csv" : "application/json",
          csv ? toCsv(res) : JSON.stringify(res, null, 1));
        var n = Object.keys(res.chapters).length;
        status.textContent = "Downloaded your results for " + n + " chapter" + (n === 1 ? "" : "s") + ". Hand the file to your teacher.";
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("section.sc-quiz"), function (root) {
      try { setup(root); } catch (e) {
        var s = root.querySelector(".sc-quiz-status");
        if (s) s.textContent = "The quiz could not start in this browser.";
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

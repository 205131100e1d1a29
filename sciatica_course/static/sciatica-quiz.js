/* Quizzes in the static book (no kernel, no network): grading, feedback, score, progress, export.
 *
 * Each quiz is a <section class="sc-quiz"> written by sciatica_course/quiz/render.py. A question's
 * answer, feedback and explanation travel in data-payload (JSON, XOR-ed with the form's id, base64),
 * so they are not in the page text until the learner checks an answer. The grading rules and the
 * messages mirror sciatica_course/quiz/grading.py, rule for rule: tests/fixtures/grading_cases.json
 * (every question type, right, wrong and invalid answers) is run against both.
 *
 * Numbers typed by learners are read by readNumber, the grammar of read_answer in grading.py
 * ("1,000", "2,5", "843 million"); tests/fixtures/numeric_cases.json is run against both.
 *
 * Progress: localStorage, one entry per chapter ("sciatica-course:v1:ch:<stem>"), with the bank
 * version; a damaged entry is set aside under another key and reported, never thrown. Saved
 * answers are graded again on load: the marks shown and the score come from that one result, and
 * answers that do not fit their question are set aside with a notice beside the score.
 * Export: every chapter saved in this browser, as JSON ("sciatica-course-results", version 1) or CSV.
 *
 * Confidence and the review deck (issue 16; the rules, documented, are in
 * sciatica_course/quiz/review.py, mirrored here function by function): before checking, a learner
 * may say how sure they are (low, medium, high); marks follow Gardner-Medwin's certainty-based
 * marking (right 1, 2, 3; wrong 0, -2, -6) and a calibration summary follows the questions. A wrong
 * answer, or a right one given with low confidence, puts the question in the review deck (Leitner
 * boxes, intervals 1, 3, 7, 14 and 30 days); the Review page (<section class="sc-review">, written
 * by render.review_html) shows the questions due today. Both are stored with the answer in the
 * chapter's record: {answer, correct, attempts, confidence?, review?: {box, due: "YYYY-MM-DD"},
 * first?: {answer, correct}}.
 * The first checked answer (first) is written at a question's first check and never changed by later
 * checks, "Try again" or the Review page; "Reset this quiz" forgets it with the chapter. A record from
 * before the field has no first answer unless it was checked once (firstOf; the rules are documented
 * in sciatica_course/quiz/progress.py, first_of). A damaged first answer is set aside like a damaged
 * record (the record copied aside first), but only that field is dropped: the answer is kept.
 * One clock: today() reads window.sciaticaClock (a function returning a Date) when a page or a
 * test sets it, else the real date.
 * Tests only: when window.sciaticaQuizTestHooks is true before this script runs,
 * window.sciaticaQuizGraders.grade(form, answer) grades an answer as the form's Check button does
 * (the form's own payload), for answers its inputs cannot give (tests/fixtures/grading_cases.json).
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

  // ------------------------------------------------------------------ the clock, confidence, the deck (review.py)
  function now() {
    var hook = window.sciaticaClock, d = typeof hook === "function" ? hook() : null;
    return d instanceof Date && !isNaN(d.getTime()) ? d : new Date();
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function isoDay(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function today() { return isoDay(now()); }
  function addDays(iso, n) {
    var p = iso.split("-");
    return isoDay(new Date(+p[0], +p[1] - 1, +p[2] + n));
  }
  var LEVELS = ["low", "medium", "high"];
  var MARK = { low: [1, 0], medium: [2, -2], high: [3, -6] };
  var SURE = { low: "not sure", medium: "fairly sure", high: "very sure" };
  var WHEN = { low: "When you were not sure", medium: "When you were fairly sure", high: "When you were very sure" };
  var INTERVALS = { 1: 1, 2: 3, 3: 7, 4: 14, 5: 30 }, LAST_BOX = 5;

  function validConfidence(c) { return c === undefined || c === null || LEVELS.indexOf(c) >= 0; }
  function validReview(r) {
    if (r === undefined || r === null) return true;
    if (!isPlain(r) || Object.keys(r).sort().join() !== "box,due") return false;
    if (typeof r.box !== "number" || !INTERVALS[r.box] || Math.floor(r.box) !== r.box) return false;
    if (typeof r.due !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(r.due)) return false;
    var p = r.due.split("-"), d = new Date(+p[0], +p[1] - 1, +p[2]);
    return isoDay(d) === r.due;
  }
  function extrasOk(a) { return validConfidence(a.confidence) && validReview(a.review); }
  // The first checked answer (progress.py: valid_first, first_of).
  function validFirst(f) {
    if (f === undefined || f === null) return true;
    return isPlain(f) && Object.keys(f).sort().join() === "answer,correct" && typeof f.correct === "boolean";
  }
  function firstOf(prev, answer, correct) {
    if (!prev) return { answer: answer, correct: correct };
    if (prev.first !== undefined && prev.first !== null) {
      return validFirst(prev.first) ? { answer: prev.first.answer, correct: prev.first.correct } : null;
    }
    if (prev.attempts === 1 && typeof prev.correct === "boolean" && "answer" in prev) {
      return { answer: prev.answer, correct: prev.correct };
    }
    return null;
  }
  function mark(correct, conf) { return MARK[conf] ? MARK[conf][correct ? 0 : 1] : null; }
  function markText(correct, conf) {
    var m = mark(correct, conf);
    return m === null ? "" : "Certainty-based mark: " + m + " (" + SURE[conf] + " and " + (correct ? "right" : "wrong") + ").";
  }
  function times(right, total) {
    if (total === 1) return right ? "right the one time" : "wrong the one time";
    return "right " + right + " time" + (right !== 1 ? "s" : "") + " out of " + total;
  }
  // answers: [[correct, confidence], ...]
  function calibrationText(answers) {
    var counts = {}, total = 0, rated = 0;
    answers.forEach(function (a) {
      var m = mark(a[0], a[1]);
      if (m === null) return;
      rated++; total += m;
      counts[a[1]] = counts[a[1]] || [0, 0];
      counts[a[1]][1]++;
      if (a[0]) counts[a[1]][0]++;
    });
    if (!rated) return "";
    var parts = [];
    ["high", "medium", "low"].forEach(function (lv) { if (counts[lv]) parts.push(WHEN[lv] + ", you were " + times(counts[lv][0], counts[lv][1]) + "."); });
    if (counts.high && counts.high[0] * 5 <= counts.high[1] * 4) parts.push("Being very sure pays off only when you are right more than 4 times in 5.");
    parts.push("Certainty-based mark: " + total + " from " + rated + " rated answer" + (rated !== 1 ? "s" : "") + " (at most " + 3 * rated + ").");
    return parts.join(" ");
  }
  function showCalibration(el, answers) {
    if (!el) return;
    var text = calibrationText(answers);
    el.textContent = "";
    if (!text) return;
    var b = document.createElement("strong");
    b.textContent = "How sure you were:";
    var src = document.createElement("small");
    src.textContent = el.getAttribute("data-source") || "";
    el.appendChild(b);
    el.appendChild(document.createTextNode(" " + text + " "));
    el.appendChild(src);
  }
  // A card: {box, due} ("" = due now: a wrong answer saved before the deck existed), or null.
  function cardOf(saved) {
    if (!saved) return null;
    var r = saved.review;
    if (r !== undefined && r !== null) return validReview(r) ? { box: r.box, due: r.due } : null;
    return saved.correct === false ? { box: 1, due: "" } : null;
  }
  function isDue(card, on) { return !card.due || card.due <= on; }
  function schedule(card, correct, conf, on) {
    function dueIn(box) { return { box: box, due: addDays(on, INTERVALS[box]) }; }
    if (!correct) return dueIn(1);
    if (conf === "low") return dueIn(card ? card.box : 1);
    if (!card || !isDue(card, on)) return card;
    if (card.box >= LAST_BOX) return null; // learned: the card leaves the deck
    return dueIn(card.box + 1);
  }
  function nextDue(saved) {
    var t = today(), dates = saved.map(cardOf).filter(function (c) { return c && c.due && !isDue(c, t); })
      .map(function (c) { return c.due; }).sort();
    return dates.length ? dates[0] : "";
  }
  function summaryText(nDue, nChapters, next) {
    if (nDue) return nDue + " question" + (nDue !== 1 ? "s are" : " is") + " due for review today (from " + nChapters +
      " chapter" + (nChapters !== 1 ? "s" : "") + ").";
    return "Nothing is due for review today." + (next ? " Your next review is on " + next + "." : "");
  }
  // The record of one graded answer: the card moves by the rules of review.schedule.
  function answerRecord(prev, res, conf) {
    var correct = res.status === "correct";
    var card = schedule(prev ? cardOf(prev) : null, correct, conf, today());
    var r = { answer: res.answer, correct: correct, attempts: (prev ? prev.attempts : 0) + 1 };
    if (conf) r.confidence = conf;
    if (card) r.review = { box: card.box, due: card.due };
    var first = firstOf(prev, res.answer, correct);
    if (first) r.first = first;
    return r;
  }
  function readConfidence(form) {
    var c = form.querySelector(".sc-q-conf input:checked");
    return c ? c.value : null;
  }
  function setConfidence(form, conf) {
    Array.prototype.forEach.call(form.querySelectorAll(".sc-q-conf input"), function (x) { x.checked = x.value === conf; });
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
  // Numbers as learners type them: the grammar of read_answer in sciatica_course/quiz/grading.py
  // (documented there), rule for rule; tests/fixtures/numeric_cases.json is run against both.
  var SCALES = { thousand: 1e3, million: 1e6, billion: 1e9 };
  var COUNT_OF_ONES_FROM = 1e6, LIMIT = 1e12;
  var UNIT_ALIASES = { "%": ["percent", "per cent"], "percentage points": ["percentage point", "points", "point", "pp"] };
  var SPACES = /[ \t\u00a0\u2007\u2009\u202f]+/g;
  var HEAD = /^([+\-\u2212]?)([0-9.,][0-9., ]*)([\s\S]*)$/;
  var EXP = /^[eE][+-]?[0-9]+/;
  var FORMS = [ // [pattern, thousands separator, decimal mark], tried in this order
    [/^[0-9]+$/, "", ""],
    [/^[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?$/, ",", "."],
    [/^[1-9][0-9]{0,2}( [0-9]{3})+([.,][0-9]+)?$/, " ", ".,"],
    [/^[1-9][0-9]{0,2}(\.[0-9]{3}){2,}(,[0-9]+)?$/, ".", ","],
    [/^[1-9][0-9]{0,2}(\.[0-9]{3})+,[0-9]+$/, ".", ","],
    [/^([0-9]+\.[0-9]*|\.[0-9]+)$/, "", "."],
    [/^([0-9]+,[0-9]*|,[0-9]+)$/, "", ","]
  ];
  var SCALE_WORD = /^(thousand|million|billion)s?(?![a-z])/;
  var RANGE = /^(-|\u2013|\u2014|to )\s*[0-9]/;

  function fmtNumber(v) { // format_number: plain digits, never an exponent
    v = v + 0;
    var whole = Math.abs(v) >= 1 ? String(Math.floor(Math.abs(v))).length : 0;
    var s = v.toFixed(Math.max(0, 15 - whole));
    if (s.indexOf(".") >= 0) s = s.replace(/0+$/, "").replace(/\.$/, "");
    return s === "-0" ? "0" : s;
  }
  function inWords(unit, scale) { return [scale || "", unit || ""].filter(function (x) { return x; }).join(" "); }
  function say(v, unit, scale) {
    var s = fmtNumber(v);
    if (scale) s += " " + scale;
    if (unit) s += unit === "%" && !scale ? unit : " " + unit;
    return s;
  }
  function units(unit) {
    if (!unit) return [];
    var u = unit.toLowerCase();
    return [u].concat(UNIT_ALIASES[u] || []);
  }

  // Returns {value, text, noted} or {error}.
  function readNumber(typed, unit, scale) {
    var terms = inWords(unit, scale), hint = terms ? " (in " + terms + ")" : "";
    if (typed === null || typed === undefined) return { error: "Type a number, then check." };
    if (typeof typed === "number") {
      if (!isFinite(typed) || Math.abs(typed) >= LIMIT) {
        return { error: shown(typed) + " is not a number that can be an answer here." };
      }
      return { value: typed + 0, text: say(typed + 0, unit, scale), noted: false };
    }
    if (typeof typed !== "string") {
      return { error: shown(typed) + " is not a number. Type a number such as 12.5" + hint + "." };
    }
    var t = typed.replace(SPACES, " ").replace(/^ +| +$/g, "");
    if (!t) return { error: "Type a number, then check." };
    var head = HEAD.exec(t);
    if (!head || !/[0-9]/.test(head[2])) return { error: "'" + t + "' is not a number. Type a number such as 12.5" + hint + "." };
    var sign = head[1], raw = head[2], rest = head[3], token = raw.replace(/ +$/, "");
    var form = null;
    for (var i = 0; i < FORMS.length; i++) if (FORMS[i][0].test(token)) { form = FORMS[i]; break; }
    if (!form) return { error: "'" + t + "' could not be read: the separators in '" + token + "' do not fit a number. " +
      "Write fifteen hundred as 1500 or 1,500, and one and a half as 1.5 or 1,5." };
    var group = form[1], mark = form[2];
    var digits = group ? token.split(group).join("") : token;
    if (mark.indexOf(",") >= 0) digits = digits.replace(",", ".");
    var exp = raw === token && !group && mark !== "," ? EXP.exec(rest) : null;
    if (exp) { digits += exp[0]; rest = rest.slice(exp[0].length); }
    rest = rest.replace(/^ +| +$/g, "");
    var number = Number(digits);
    if (sign === "-" || sign === "\u2212") number = -number;
    var typedScale = null, low = rest.toLowerCase(), word = SCALE_WORD.exec(low);
    if (word) { typedScale = word[1]; low = low.slice(word[0].length).replace(/^ +| +$/g, ""); }
    if (low && units(unit).indexOf(low) < 0) {
      if (RANGE.test(low)) return { error: "'" + t + "' looks like a range. Type one number" + hint + ", such as 12.5." };
      return { error: "'" + t + "' could not be read: '" + rest + "' is not understood here. Type the number" + hint + ", such as 12.5." };
    }
    var have = SCALES[scale] || 1, given, converted = false;
    if (typedScale) given = SCALES[typedScale];
    else if (have > 1 && Math.abs(number) >= COUNT_OF_ONES_FROM) { given = 1; converted = true; }
    else given = have;
    var value = (given >= have ? number * (given / have) : number / (have / given)) + 0;
    if (!isFinite(value) || Math.abs(value) >= LIMIT) return { error: "'" + t + "' is too large to be an answer here. Type the number" + hint + ", such as 12.5." };
    var noted = !!typedScale || converted || (sign + token + (exp ? exp[0] : "")) !== fmtNumber(value);
    return { value: value, text: say(value, unit, scale), noted: noted };
  }

  // An answer as a message quotes it (grading.shown): text in quotes, anything else as JSON.
  function shown(a) {
    if (typeof a === "number" && !isFinite(a)) return String(a); // NaN, Infinity: as Python's json writes them
    return typeof a === "string" ? "'" + a + "'" : JSON.stringify(a);
  }
  function isList(a) { return Array.isArray(a); }
  function isPlain(a) { return !!a && typeof a === "object" && !Array.isArray(a); }

  // Every grader checks its answer the way grading.py does: an answer that does not fit the
  // question (an unknown option, a wrong type, a missing match) is "invalid", never "wrong".
  var graders = {
    single: function (p, a) {
      if (a === null || a === undefined || a === "") return invalid("Choose one answer, then check.");
      if (typeof a !== "string" || p.ids.indexOf(a) < 0) return invalid(shown(a) + " is not one of the choices.");
      var fb = p.fb[a] ? [p.fb[a]] : [];
      return a === p.a ? result("correct", "Correct.", fb, a) : result("wrong", "Not quite.", fb, a);
    },
    truefalse: function (p, a) {
      if (typeof a === "string" && (a.trim().toLowerCase() === "true" || a.trim().toLowerCase() === "false")) a = a.trim().toLowerCase() === "true";
      if (a !== true && a !== false) return invalid("Choose True or False, then check.");
      var f = p.fb[String(a)], fb = f ? [f] : [];
      return a === p.a ? result("correct", "Correct.", fb, a) : result("wrong", "Not quite.", fb, a);
    },
    multiple: function (p, a) {
      if (typeof a === "string") a = [a];
      if (!isList(a) || !a.length) return invalid("Choose at least one answer, then check.");
      for (var i = 0; i < a.length; i++) {
        if (typeof a[i] !== "string" || p.ids.indexOf(a[i]) < 0) return invalid(shown(a[i]) + " is not one of the choices.");
      }
      a = p.ids.filter(function (x) { return a.indexOf(x) >= 0; }); // the bank's order, no repeats
      var fb = a.filter(function (x) { return p.fb[x]; }).map(function (x) { return p.fb[x]; });
      var hits = a.filter(function (x) { return p.a.indexOf(x) >= 0; }).length;
      var wrong = a.length - hits;
      if (hits === p.a.length && wrong === 0) return result("correct", "Correct: you chose all the right answers and no wrong ones.", fb, a);
      var msg = "Not quite: " + hits + " of " + p.a.length + " right answers chosen";
      msg += wrong ? ", and " + wrong + " that " + (wrong === 1 ? "is" : "are") + " not right." : ".";
      return result("wrong", msg, fb, a);
    },
    numeric: function (p, a) {
      var r = readNumber(a, p.unit, p.scale);
      if (r.error) return invalid(r.error);
      // A little slack for binary floating point (16.9 - 0.1 must accept 16.8).
      if (Math.abs(r.value - p.a) <= p.tol + 1e-9 * Math.max(1, Math.abs(p.a))) {
        return result("correct", r.noted ? "Correct. Read as " + r.text + "." : "Correct.", [], r.value);
      }
      var hint = r.value > p.a ? "too high" : "too low";
      return result("wrong", r.noted ? "Not quite. Read as " + r.text + ", which is " + hint + "." : "Not quite: " + r.text + " is " + hint + ".", [], r.value);
    },
    matching: function (p, a) {
      if (!isPlain(a)) return invalid("Choose a match for every item, then check.");
      var lefts = p.lefts || Object.keys(p.a); // the order shown
      var missing = lefts.filter(function (l) { return a[l] === undefined || a[l] === null || a[l] === ""; });
      if (missing.length) return invalid("Choose a match for every item (missing: " + missing.join(", ") + ").");
      var unknown = Object.keys(a).filter(function (k) { return lefts.indexOf(k) < 0; }).sort();
      if (unknown.length) return invalid(shown(unknown[0]) + " is not an item of this question.");
      for (var i = 0; i < lefts.length; i++) {
        if (p.choices.indexOf(a[lefts[i]]) < 0) return invalid(shown(a[lefts[i]]) + " is not one of the choices.");
      }
      var normal = {};
      lefts.forEach(function (l) { normal[l] = a[l]; });
      var right = lefts.filter(function (l) { return a[l] === p.a[l]; }).length;
      if (right === lefts.length) return result("correct", "Correct: every match is right.", [], normal);
      return result("wrong", "Not quite: " + right + " of " + lefts.length + " matches are right.", [], normal);
    },
    ordering: function (p, a) {
      // a: {item id: place} from the select boxes, or a saved list of ids.
      var order, n = p.a.length;
      if (isPlain(a)) {
        var ids = Object.keys(a), places = {};
        for (var i = 0; i < ids.length; i++) {
          var v = a[ids[i]];
          if (v === null || v === undefined || v === "") return invalid("Give every step a place, then check.");
          if ((typeof v !== "number" && typeof v !== "string") || !/^\s*[+-]?[0-9]+\s*$/.test(String(v))) {
            return invalid(shown(v) + " is not a place number.");
          }
          places[ids[i]] = parseInt(v, 10);
        }
        if (ids.length !== n || ids.some(function (k) { return p.a.indexOf(k) < 0; })) return invalid("Give every step a place, then check.");
        var used = ids.map(function (k) { return places[k]; });
        if (used.some(function (v, j) { return used.indexOf(v) !== j; })) return invalid("Two steps share the same place: give each step its own place.");
        if (used.some(function (v) { return v < 1 || v > n; })) return invalid("Places must be numbered 1 to " + n + ".");
        a = ids.slice().sort(function (x, y) { return places[x] - places[y]; });
      }
      if (!isList(a) || !a.length || a.some(function (x) { return x === null || x === undefined || x === ""; })) return invalid("Give every step a place, then check.");
      order = a.slice();
      for (var k = 0; k < order.length; k++) {
        if (typeof order[k] !== "string" || p.a.indexOf(order[k]) < 0) {
          return invalid(shown(order[k]) + " is not one of the steps.");
        }
      }
      if (order.some(function (x, j) { return order.indexOf(x) !== j; })) return invalid("Two steps share the same place: give each step its own place.");
      if (order.length !== n) return invalid("Give every step a place, then check.");
      var ok = order.filter(function (x, j) { return x === p.a[j]; }).length;
      if (ok === n) return result("correct", "Correct: every step is in the right place.", [], order);
      return result("wrong", "Not quite: " + ok + " of " + n + " steps are in the right place.", [], order);
    }
  };

  if (window.sciaticaQuizTestHooks === true) {
    window.sciaticaQuizGraders = {
      grade: function (form, answer) {
        return graders[form.getAttribute("data-type")](decode(form.getAttribute("data-payload"), form.id), answer);
      }
    };
  }

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

  function showFeedback(box, p, res, saved, conf) {
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
    msg = msg.charAt(0).toUpperCase() + msg.slice(1);  // "Correct. You chose ...", as widget.py does
    head.appendChild(icon);
    head.appendChild(document.createTextNode(" "));
    head.appendChild(word);
    if (msg) head.appendChild(document.createTextNode(" " + msg));
    box.appendChild(head);
    if (res.status === "invalid") return;
    var cbm = markText(res.status === "correct", conf);
    if (cbm) box.appendChild(para("sc-fb-cbm", cbm));
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
          if (validConfidence(a.confidence) && a.confidence) answers[q].confidence = a.confidence;
          if (a.review && validReview(a.review)) answers[q].review = { box: a.review.box, due: a.review.due };
          if (a.first && validFirst(a.first)) answers[q].first = { answer: a.first.answer, correct: a.first.correct };
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
    var rows = ["learner,chapter,question_id,answer,correct,attempts,confidence,first_answer,first_correct"];
    Object.keys(res.chapters).forEach(function (stem) {
      var ans = res.chapters[stem].answers;
      Object.keys(ans).forEach(function (q) {
        var a = ans[q];
        var f = a.first && validFirst(a.first) ? a.first : null;
        rows.push([csvCell(res.learner), csvCell(stem), csvCell(q), csvCell(a.answer), a.correct ? "true" : "false",
          String(a.attempts), a.confidence || "", f ? csvCell(f.answer) : "", f ? (f.correct ? "true" : "false") : ""]
          .join(","));
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
  // One question's Check and Try again, for a chapter's quiz and for the review deck alike: Check
  // grades the answer; a gradable one is recorded in the chapter's record (``getRec()``: the page
  // may replace its record, e.g. on reset) and saved at once, then ``after(res, conf)`` updates the
  // page's own marks and score. Try again clears the question and puts the focus back in it.
  function wireQuestion(form, type, p, stem, qid, getRec, box, retry, notice, after) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var res = graders[type](p, readAnswer(form, type)), conf = readConfidence(form);
      if (res.status !== "invalid") {
        var rec = getRec();
        rec.answers[qid] = answerRecord(rec.answers[qid], res, conf);
        if (!saveChapter(stem, rec)) notice.textContent = "Your answer could not be saved in this browser.";
        retry.hidden = false;
        after(res, conf);
      }
      showFeedback(box, p, res, false, res.status === "invalid" ? null : conf);
    });
    retry.addEventListener("click", function () {
      clearAnswer(form, type);
      setConfidence(form, null);
      box.textContent = "";
      box.className = "sc-q-feedback";
      retry.hidden = true;
      var first = form.querySelector(".sc-q-body input, .sc-q-body select");
      if (first) first.focus();
    });
  }

  function setup(root) {
    var stem = root.getAttribute("data-stem"), bank = root.getAttribute("data-bank");
    var total = parseInt(root.getAttribute("data-total"), 10);
    var scoreEl = root.querySelector(".sc-quiz-score"), status = root.querySelector(".sc-quiz-status");
    var notice = root.querySelector(".sc-quiz-notice") || status; // beside the score it concerns
    var learnerEl = root.querySelector(".sc-quiz-learner");
    var loaded = loadChapter(stem, bank);
    var rec = loaded.record || { bank: bank, total: total, answers: {} };
    var raw = loaded.record ? store.getItem(PREFIX + "ch:" + stem) : null;
    rec.total = total;
    if (learnerEl) {
      learnerEl.value = getLearner();
      learnerEl.addEventListener("change", function () { setLearner(learnerEl.value.trim()); });
    }

    // One source of truth: `marks` holds each question's graded result (its saved answer graded
    // again on load, or the last check). The feedback shown, the score and the saved "correct"
    // flag all come from it.
    var marks = {}, confs = {}, calEl = root.querySelector(".sc-quiz-calibration");
    function updateScore() {
      var ids = Object.keys(marks);
      var right = ids.filter(function (q) { return marks[q].status === "correct"; }).length;
      scoreEl.textContent = "Score: " + right + " of " + total + " correct (" + ids.length + " answered).";
      showCalibration(calEl, ids.map(function (q) { return [marks[q].status === "correct", confs[q]]; }));
    }

    var numbers = {}, bad = [], badFirst = [];
    Array.prototype.forEach.call(root.querySelectorAll("form.sc-q"), function (form, i) {
      var qid = form.getAttribute("data-qid"), type = form.getAttribute("data-type");
      var box = form.querySelector(".sc-q-feedback"), retry = form.querySelector(".sc-q-retry");
      numbers[qid] = i + 1;
      var p;
      try {
        p = decode(form.getAttribute("data-payload"), form.id);
      } catch (e) {
        box.textContent = "This question could not be loaded.";
        form.querySelector(".sc-q-check").disabled = true;
        return;
      }
      var saved = rec.answers[qid];
      if (saved && !validFirst(saved.first)) badFirst.push(qid); // only the field is dropped, below
      if (saved) {
        var again = graders[type](p, saved.answer);
        if (again.status === "invalid" || (again.status === "correct") !== saved.correct || !extrasOk(saved)) {
          bad.push(qid); // an answer that does not fit this question, a "correct" flag that disagrees, a damaged confidence or card
        } else {
          marks[qid] = again;
          confs[qid] = saved.confidence || null;
          setAnswer(form, type, again.answer);
          setConfidence(form, confs[qid]);
          showFeedback(box, p, again, true, confs[qid]);
          retry.hidden = false;
        }
      }
      wireQuestion(form, type, p, stem, qid, function () { return rec; }, box, retry, notice, function (res, conf) {
        marks[qid] = res;
        confs[qid] = conf;
        updateScore();
      });
    });
    Object.keys(rec.answers).forEach(function (qid) { if (!(qid in numbers)) bad.push(qid); });
    var message = loaded.notice;
    badFirst = badFirst.filter(function (q) { return bad.indexOf(q) < 0; });
    if (bad.length || badFirst.length) {
      // As the progress file in JupyterLab: the whole record is copied aside, only the answers
      // that do not fit are dropped (of a damaged first answer, only that field), the rest are kept.
      var name = function (q) { return q in numbers ? "question " + numbers[q] : "an unknown question"; };
      var names = bad.map(name);
      var aside = PREFIX + "corrupt:ch:" + stem + ":" + Date.now();
      try { store.setItem(aside, raw); } catch (e) { aside = ""; }
      bad.forEach(function (q) { delete rec.answers[q]; });
      badFirst.forEach(function (q) { delete rec.answers[q].first; });
      saveChapter(stem, rec);
      var where = aside ? " (set aside as " + aside + ")" : "";
      var parts = [];
      if (bad.length) parts.push("Your saved answer" + (bad.length === 1 ? "" : "s") + " to " + names.join(", ") +
        (bad.length === 1 ? " was" : " were") + " damaged and " + (bad.length === 1 ? "is" : "are") + " not counted" +
        where + ". Your other answers are kept.");
      if (badFirst.length) parts.push("The first answer kept for " + badFirst.map(name).join(", ") +
        " was damaged and was dropped" + (bad.length ? "" : where) + ". Your answers and score are kept.");
      message = [message].concat(parts).filter(function (m) { return m; }).join(" ");
    }
    if (message && notice) notice.textContent = message;
    updateScore();

    var reset = root.querySelector(".sc-quiz-reset");
    if (reset) reset.addEventListener("click", function () {
      rec = { bank: bank, total: total, answers: {} };
      marks = {};
      confs = {};
      if (notice !== status) notice.textContent = "";
      try { if (store) store.removeItem(PREFIX + "ch:" + stem); } catch (e) { /* ignore */ }
      Array.prototype.forEach.call(root.querySelectorAll("form.sc-q"), function (form) {
        clearAnswer(form, form.getAttribute("data-type"));
        setConfidence(form, null);
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

  // ------------------------------------------------------------------ the Review page
  function setupReview(root) {
    var summary = root.querySelector(".sc-review-summary"), notice = root.querySelector(".sc-quiz-notice");
    var calEl = root.querySelector(".sc-quiz-calibration");
    var on = today(), due = 0, chapters = 0, later = [], messages = [], checked = {};
    function update() {
      var ids = Object.keys(checked);
      summary.textContent = summaryText(due, chapters, nextDue(later)) + (due ? " Answered: " + ids.length + " of " + due + "." : "");
      showCalibration(calEl, ids.map(function (k) { return checked[k]; }));
    }
    if (!store) messages.push("This browser does not allow saving, so there are no saved answers to review.");
    Array.prototype.forEach.call(root.querySelectorAll("section.sc-review-ch"), function (section) {
      var stem = section.getAttribute("data-stem"), bank = section.getAttribute("data-bank");
      if (!store) return;
      var loaded = loadChapter(stem, bank);
      if (loaded.notice) messages.push(section.querySelector(".sc-review-ch-title").textContent + ": " + loaded.notice);
      var rec = loaded.record;
      if (!rec) return;
      var shown = 0;
      Array.prototype.forEach.call(section.querySelectorAll("form.sc-q"), function (form) {
        var qid = form.getAttribute("data-qid"), type = form.getAttribute("data-type"), saved = rec.answers[qid];
        // the chapter's page sets a damaged answer (or first answer) aside
        if (!saved || !extrasOk(saved) || !validFirst(saved.first)) return;
        later.push(saved);
        var card = cardOf(saved);
        if (!card || !isDue(card, on)) return;
        var p;
        try { p = decode(form.getAttribute("data-payload"), form.id); } catch (e) { return; }
        var box = form.querySelector(".sc-q-feedback"), retry = form.querySelector(".sc-q-retry");
        form.hidden = false;
        shown++;
        wireQuestion(form, type, p, stem, qid, function () { return rec; }, box, retry, notice, function (res, conf) {
          checked[stem + "/" + qid] = [res.status === "correct", conf];
          update();
        });
      });
      if (shown) { section.hidden = false; chapters++; due += shown; }
    });
    if (messages.length && notice) notice.textContent = messages.join(" ");
    update();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("section.sc-review"), function (root) {
      try { setupReview(root); } catch (e) {
        var s = root.querySelector(".sc-review-summary");
        if (s) s.textContent = "The review deck could not start in this browser.";
      }
    });
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

/**
 * The report's script, inlined into the page: it reads the data block and draws the charts as
 * SVG — state lanes over time for a run (one lane per availability measure, etcd member, node,
 * Machine, VM, backend…, with step and fault markers), and for a sweep the distribution of each
 * measure (histogram per combination and a CDF overlaying the combinations). It builds every
 * element with createElementNS/textContent/setAttribute, so data can never become markup.
 * Plain ES2017 with no dependencies, so the page works offline in any current browser.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("quorate-data").textContent);
  var FIXED = {
    running: "#2e9e5b", UP: "#2e9e5b", available: "#2e9e5b", active: "#2e9e5b", Ready: "#2e9e5b",
    Running: "#2e9e5b", leader: "#1f5fbf", follower: "#7fa8e0", candidate: "#e0a526", preCandidate: "#f0c96a", learner: "#b9a3e3", stopped: "#3c4248",
    booting: "#e0a526", activating: "#e0a526", "shutting down": "#e0a526", deactivating: "#e0a526",
    Provisioning: "#e0a526", Provisioned: "#9bc98a", Deleting: "#a05a2c", poweredOff: "#c8453b",
    DOWN: "#c8453b", unavailable: "#c8453b", failed: "#c8453b", NotReady: "#c8453b", Failed: "#c8453b",
    deleted: "#5c1a15", removed: "#5c1a15", inactive: "#a7adb4", suspended: "#8a6fbf", Unknown: "#7d8590"
  };
  function colour(state) {
    if (Object.prototype.hasOwnProperty.call(FIXED, state)) return FIXED[state];
    var h = 0;
    for (var i = 0; i < state.length; i++) h = (h * 31 + state.charCodeAt(i)) % 360;
    return "hsl(" + h + ", 45%, 55%)";
  }
  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, cls, anchor) {
    var t = el("text", { x: x, y: y, "class": cls || "label" }, parent);
    if (anchor) t.setAttribute("text-anchor", anchor);
    t.textContent = s;
    return t;
  }
  function tip(parent, s) { el("title", {}, parent).textContent = s; }
  function pad(n, w) { var s = String(n); while (s.length < w) s = "0" + s; return s; }
  function fmt(us) {
    if (us === null || us === undefined) return "-";
    var ms = Math.round(us / 1000);
    if (ms === 0) return "0s";
    if (ms < 1000) return ms + "ms";
    var h = Math.floor(ms / 3600000), m = Math.floor((ms % 3600000) / 60000), s = (ms % 60000) / 1000;
    var sec = (s % 1 === 0 ? String(s) : s.toFixed(3).replace(/0+$/, "")) + "s";
    if (h > 0) return h + "h" + m + "m" + sec;
    if (m > 0) return m + "m" + sec;
    return sec;
  }
  function clock(us) {
    var s = Math.floor(us / 1e6), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (h > 0 ? h + ":" + pad(m, 2) : String(m)) + ":" + pad(s % 60, 2);
  }
  function value(v, unit) { return unit === "us" ? fmt(v) : String(v); }
  var STEPS = [1e6, 2e6, 5e6, 1e7, 15e6, 3e7, 6e7, 12e7, 3e8, 6e8, 9e8, 18e8, 36e8, 72e8, 216e8, 864e8];
  function tickStep(span, most) {
    for (var i = 0; i < STEPS.length; i++) if (span / STEPS[i] <= most) return STEPS[i];
    return STEPS[STEPS.length - 1] * Math.ceil(span / most / STEPS[STEPS.length - 1]);
  }
  function legend(container, states) {
    var div = document.createElement("div");
    div.className = "legend";
    states.forEach(function (s) {
      var item = document.createElement("span");
      item.setAttribute("data-state", s);
      var sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = colour(s);
      item.appendChild(sw);
      item.appendChild(document.createTextNode(s));
      div.appendChild(item);
    });
    container.appendChild(div);
  }

  function lanesOf(d) {
    var lanes = [];
    var byKey = {};
    (d.availability || []).forEach(function (a) {
      var spans = [], at = 0;
      a.windows.forEach(function (w) {
        if (w.fromUs > at) spans.push({ state: "available", fromUs: at, toUs: w.fromUs });
        spans.push({ state: "unavailable", fromUs: w.fromUs, toUs: w.toUs });
        at = w.toUs;
      });
      if (d.durationUs > at) spans.push({ state: "available", fromUs: at, toUs: d.durationUs });
      lanes.push({ group: "availability", track: a.name, spans: spans });
    });
    (d.states || []).forEach(function (s) {
      var key = s.group + "\u0000" + s.track;
      if (!byKey[key]) { byKey[key] = { group: s.group, track: s.track, spans: [] }; lanes.push(byKey[key]); }
      byKey[key].spans.push(s);
    });
    return lanes;
  }

  function renderLanes(root, d) {
    var lanes = lanesOf(d);
    var labelW = 230, plotW = 900, laneH = 16, gap = 5, top = 44, right = 20;
    var rows = [], group = null;
    lanes.forEach(function (l) {
      if (l.group !== group) { rows.push({ header: l.group }); group = l.group; }
      rows.push({ lane: l });
    });
    var height = top + rows.length * (laneH + gap) + 10;
    var svg = el("svg", { width: labelW + plotW + right, height: height, "class": "lanes", role: "img" }, root);
    el("title", {}, svg).textContent = "State of each component over the run";
    var dur = Math.max(1, d.durationUs);
    function x(t) { return labelW + (Math.min(t, dur) / dur) * plotW; }
    var step = tickStep(dur, 10);
    var axis = el("g", { "class": "axis" }, svg);
    for (var t = 0; t <= dur; t += step) {
      el("line", { x1: x(t), x2: x(t), y1: top - 6, y2: height - 6, "class": "grid" }, axis);
      text(axis, x(t), 12, clock(t), "muted", "middle");
    }
    var marks = el("g", { "class": "instants" }, svg);
    text(marks, labelW - 8, 33, "steps and faults", "muted", "end");
    (d.instants || []).forEach(function (i) {
      var cls = "instant tone-" + i.tone;
      var colourOf = i.tone === "step" ? "#0b6bcb" : i.tone === "violation" ? "#8b1a8b" : "#c8453b";
      var g = el("g", { "class": cls, "data-tone": i.tone }, marks);
      if (i.tone === "step") el("path", { d: "M" + (x(i.tUs) - 5) + " 20 h10 l-5 8 z", fill: colourOf }, g);
      else el("circle", { cx: x(i.tUs), cy: 34, r: 3.5, fill: colourOf }, g);
      el("line", { x1: x(i.tUs), x2: x(i.tUs), y1: 38, y2: height - 6, stroke: colourOf, "stroke-opacity": 0.25 }, g);
      tip(g, clock(i.tUs) + "  " + i.text);
    });
    var states = [];
    var y = top;
    rows.forEach(function (r) {
      if (r.header !== undefined) {
        text(svg, 4, y + laneH - 4, r.header, "group-label");
      } else {
        var g = el("g", { "class": "lane", "data-group": r.lane.group, "data-track": r.lane.track }, svg);
        text(g, labelW - 8, y + laneH - 4, r.lane.track, "label", "end");
        r.lane.spans.forEach(function (s) {
          if (states.indexOf(s.state) < 0) states.push(s.state);
          var rect = el("rect", {
            x: x(s.fromUs), y: y, width: Math.max(0.5, x(s.toUs) - x(s.fromUs)), height: laneH,
            fill: colour(s.state), "class": "span", "data-state": s.state
          }, g);
          tip(rect, r.lane.track + ": " + s.state + " from " + clock(s.fromUs) + " to " + clock(s.toUs) + " (" + fmt(s.toUs - s.fromUs) + ")");
        });
      }
      y += laneH + gap;
    });
    legend(root, states);
  }

  function histogram(root, series, unit, title, range) {
    var W = 360, H = 190, L = 44, B = 34, T = 22, R = 10;
    var values = series.values;
    var svg = el("svg", { width: W, height: H, "class": "histogram", "data-series": series.label }, root);
    text(svg, L, 14, title, "label");
    if (values.length === 0) { text(svg, W / 2, H / 2, "no values", "muted", "middle"); return; }
    var lo = range ? range[0] : values[0], hi = range ? range[1] : values[values.length - 1];
    var bins = lo === hi ? 1 : Math.min(20, Math.max(5, Math.ceil(Math.sqrt(values.length))));
    var width = lo === hi ? 1 : (hi - lo) / bins;
    var counts = [];
    for (var b = 0; b < bins; b++) counts.push(0);
    values.forEach(function (v) { counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++; });
    var most = 0;
    counts.forEach(function (c) { if (c > most) most = c; });
    var pw = W - L - R, ph = H - T - B;
    el("line", { x1: L, x2: W - R, y1: T + ph, y2: T + ph, stroke: "#9aa0a6" }, svg);
    counts.forEach(function (c, i) {
      var bh = most === 0 ? 0 : (c / most) * ph;
      var rect = el("rect", { x: L + (i * pw) / bins + 1, y: T + ph - bh, width: Math.max(1, pw / bins - 2), height: bh,
        fill: "#4f7fc4", "class": "bin", "data-count": c }, svg);
      var from = lo + i * width, to = lo === hi ? hi : from + width;
      tip(rect, c + " run" + (c === 1 ? "" : "s") + " in " + value(from, unit) + " – " + value(to, unit));
    });
    text(svg, L, H - B + 14, value(lo, unit), "muted", "start");
    text(svg, W - R, H - B + 14, value(hi, unit), "muted", "end");
    text(svg, L - 4, T + 8, String(most), "muted", "end");
    text(svg, L + pw / 2, H - 4, "runs per bin (" + values.length + " runs" + (series.missing ? ", " + series.missing + " without a value" : "") + ")", "muted", "middle");
  }

  /** [min, max] over every series (each sorted ascending), or null when all are empty. */
  function extent(series) {
    var lo = Infinity, hi = -Infinity;
    series.forEach(function (s) {
      if (s.values.length === 0) return;
      lo = Math.min(lo, s.values[0]);
      hi = Math.max(hi, s.values[s.values.length - 1]);
    });
    return lo === Infinity ? null : [lo, hi];
  }

  var LINE_COLOURS = ["#1f5fbf", "#c8453b", "#2e9e5b", "#e0a526", "#8a6fbf", "#2a9d9f", "#a05a2c", "#d46aa8"];
  function cdf(parent, measure) {
    var root = document.createElement("div");
    parent.appendChild(root);
    var W = 420, H = 210, L = 44, B = 34, T = 22, R = 12;
    var svg = el("svg", { width: W, height: H, "class": "cdf", "data-measure": measure.name }, root);
    text(svg, L, 14, measure.label + " — CDF", "label");
    var range = extent(measure.series);
    if (!range) { text(svg, W / 2, H / 2, "no values", "muted", "middle"); return; }
    var lo = range[0], hi = range[1];
    if (hi === lo) hi = lo + 1;
    var pw = W - L - R, ph = H - T - B;
    function x(v) { return L + ((v - lo) / (hi - lo)) * pw; }
    function y(p) { return T + ph - p * ph; }
    el("line", { x1: L, x2: W - R, y1: y(0), y2: y(0), stroke: "#9aa0a6" }, svg);
    el("line", { x1: L, x2: L, y1: y(0), y2: y(1), stroke: "#9aa0a6" }, svg);
    [0.5, 0.9, 0.99].forEach(function (p) {
      el("line", { x1: L, x2: W - R, y1: y(p), y2: y(p), "class": "grid", "stroke-dasharray": "3 3" }, svg);
      text(svg, L - 4, y(p) + 4, "p" + Math.round(p * 100), "muted", "end");
    });
    measure.series.forEach(function (s, k) {
      var n = s.values.length + (s.missing || 0);
      if (s.values.length === 0 || n === 0) return;
      var d = "M" + x(s.values[0]) + " " + y(0);
      s.values.forEach(function (v, i) { d += " L" + x(v) + " " + y(i / n) + " L" + x(v) + " " + y((i + 1) / n); });
      d += " L" + x(hi) + " " + y(s.values.length / n);
      var path = el("path", { d: d, fill: "none", stroke: LINE_COLOURS[k % LINE_COLOURS.length], "stroke-width": 1.8,
        "class": "cdf-line", "data-series": s.label }, svg);
      tip(path, s.label);
    });
    text(svg, L, H - B + 14, value(lo, measure.unit), "muted", "start");
    text(svg, W - R, H - B + 14, value(hi, measure.unit), "muted", "end");
    text(svg, L + pw / 2, H - 4, "fraction of runs at or below", "muted", "middle");
    if (measure.series.length > 1) {
      var div = document.createElement("div");
      div.className = "legend";
      measure.series.forEach(function (s, k) {
        var item = document.createElement("span");
        var sw = document.createElement("span");
        sw.className = "swatch";
        sw.style.background = LINE_COLOURS[k % LINE_COLOURS.length];
        item.appendChild(sw);
        item.appendChild(document.createTextNode(s.label));
        div.appendChild(item);
      });
      root.appendChild(div);
    }
  }

  function renderDistributions(root, d) {
    d.measures.forEach(function (m) {
      var section = document.createElement("section");
      section.className = "measure";
      section.setAttribute("data-measure", m.name);
      var h = document.createElement("h3");
      h.textContent = m.label;
      section.appendChild(h);
      var box = document.createElement("div");
      box.className = "dists";
      section.appendChild(box);
      cdf(box, m);
      var range = extent(m.series);
      m.series.forEach(function (s) { histogram(box, s, m.unit, s.label, range); });
      root.appendChild(section);
    });
  }

  var lanesRoot = document.getElementById("lanes");
  if (lanesRoot && data.kind === "run") renderLanes(lanesRoot, data);
  var distRoot = document.getElementById("distributions");
  if (distRoot && data.kind === "sweep") renderDistributions(distRoot, data);
  document.documentElement.setAttribute("data-rendered", "true");
})();
`;

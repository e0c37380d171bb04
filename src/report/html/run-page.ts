/**
 * The HTML report of one run: what ran and the verdict, the state lanes over time (availability,
 * then each etcd member, node, Machine, VM and backend as the trace has them, with the steps and
 * faults marked), the expectations with their quotes, broken invariants, and the timeline in words.
 */
import { formatClock as clock } from "../../sim/time.js";
import { count } from "../plural.js";
import { escapeHtml } from "./escape.js";
import { page, table, td } from "./page.js";
import type { RunDocument } from "./run-document.js";

/** Timeline tones drawn as markers above the lanes. */
const MARKED_TONES = new Set(["step", "fault", "violation"]);

/** The page for a run document. */
export function renderRunHtml(doc: RunDocument): string {
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(doc.experiment)}</h1>`);
  parts.push(
    `<p class="meta">model ${escapeHtml(doc.model)} · seed ${escapeHtml(doc.seed)} · simulated ${escapeHtml(doc.duration)} · ${escapeHtml(doc.eventsProcessed)} events</p>`,
  );
  if (doc.description) parts.push(`<p class="description">${escapeHtml(doc.description)}</p>`);
  const passed = doc.expectations.filter((e) => e.passed).length;
  parts.push(
    `<p><span class="verdict ${doc.passed ? "pass" : "fail"}">${doc.passed ? "PASSED" : "FAILED"}</span> ` +
      `${passed}/${count(doc.expectations.length, "expectation")}${doc.findings.length ? `, ${count(doc.findings.length, "invariant violation")}` : ""}</p>`,
  );
  const changed = doc.parameters.filter((p) => p.origin !== "model");
  if (changed.length > 0) {
    parts.push("<h2>Parameters set for this run</h2>");
    parts.push(
      table(
        ["parameter", "value", "set by"],
        changed.map((p) => [td(p.key), td(p.value), td(p.origin)]),
      ),
    );
  }
  parts.push("<h2>Timeline</h2>");
  if (doc.states === undefined)
    parts.push(
      '<p class="note">This result has no state lanes (written by an older quorate); only availability is drawn.</p>',
    );
  parts.push('<div id="lanes" class="chart"></div>');
  parts.push("<h2>Availability</h2>");
  parts.push(
    table(
      ["measure", "unavailable", "windows"],
      doc.availability.map((a) => [
        td(a.name),
        td(
          a.unavailableUs === 0 ? "always available" : a.unavailable,
          a.unavailableUs === 0 ? "pass" : "fail",
        ),
        td(a.windows.map((w) => `${clock(w.fromUs)}–${clock(w.toUs)}`).join(", ")),
      ]),
    ),
  );
  const metrics = Object.entries(doc.metrics);
  if (metrics.length > 0)
    parts.push(
      table(
        ["metric", "value"],
        metrics.map(([k, v]) => [td(k), td(v === null ? "-" : v, "num")]),
      ),
    );
  parts.push("<h2>Expectations</h2>");
  parts.push(
    table(
      ["", "condition", "expected", "observed", "source"],
      doc.expectations.map((e) => [
        td(e.passed ? "PASS" : "FAIL", e.passed ? "pass" : "fail"),
        `<td><code>${escapeHtml(e.that)}</code></td>`,
        td(e.expected),
        td(e.observed),
        td(e.quote ?? "", "quote"),
      ]),
      "expectations",
    ),
  );
  if (doc.findings.length > 0) {
    parts.push("<h2>Invariants violated</h2>");
    parts.push(
      table(
        ["time", "invariant", "message"],
        doc.findings.map((f) => [td(clock(f.t)), td(f.invariant), td(f.message)]),
      ),
    );
  }
  parts.push("<h2>What happened</h2>");
  parts.push(
    table(
      ["time", "event"],
      doc.timeline.map((t) => [td(t.time, "time"), td(t.text, `tone-${t.tone}`)]),
      "timeline",
    ),
  );
  const data = {
    kind: "run",
    durationUs: doc.durationUs,
    availability: doc.availability.map((a) => ({ name: a.name, windows: a.windows })),
    states: doc.states ?? [],
    instants: doc.timeline
      .filter((t) => MARKED_TONES.has(t.tone))
      .map((t) => ({ tUs: t.tUs, tone: t.tone, text: t.text })),
  };
  return page(`${doc.experiment} (seed ${doc.seed}) — quorate`, parts.join("\n"), data);
}

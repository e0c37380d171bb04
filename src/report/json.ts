/**
 * The `--format json` document: one JSON object describing a run, for pipelines. Its fields are
 * documented in the README ("JSON output"); keep the two in step.
 */
import { formatClock, formatDuration } from "../sim/time.js";
import type { RunResult } from "../world/result.js";
import { stateSpans } from "./state-tracks.js";
import "./state-tracks-infra.js";
import "./state-tracks-cluster.js";
import { timelineEntries } from "./timeline.js";

/** Version of this document's shape. */
export const RESULT_FORMAT = "quorate.dev/run-result/v1";

export function renderJson(result: RunResult): string {
  const doc = {
    format: RESULT_FORMAT,
    experiment: result.experiment,
    ...(result.description !== undefined ? { description: result.description } : {}),
    model: result.model,
    seed: result.seed,
    durationUs: result.durationUs,
    duration: formatDuration(result.durationUs),
    passed: result.passed,
    parameters: result.parameters,
    availability: result.availability.map((a) => ({
      name: a.name,
      unavailableUs: a.unavailableUs,
      unavailable: formatDuration(a.unavailableUs),
      windows: a.windows.map((w) => ({ fromUs: w.from, toUs: w.to })),
    })),
    metrics: result.metrics,
    expectations: result.expectations,
    findings: result.findings,
    timeline: timelineEntries(result).map(({ record: r, line }) => ({
      tUs: r.t,
      time: formatClock(r.t),
      kind: r.kind,
      subject: r.subject,
      tone: line.tone,
      text: line.text,
    })),
    states: stateSpans(result.records, result.durationUs),
    eventsProcessed: result.eventsProcessed,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

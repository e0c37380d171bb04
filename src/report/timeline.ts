/**
 * The timeline of a run: the records a person would care about, from the start of the experiment
 * on (the world's set-up at 0 s is left out), each with its words. Text and JSON reports share it.
 */
import type { TraceRecord } from "../sim/trace.js";
import type { RunResult } from "../world/result.js";
import { type Described, describe } from "./describe.js";
import { foldApiFlaps } from "./fold-flaps.js";
import "./describe-capi.js";
import "./describe-etcd.js";
import "./describe-infra.js";
import "./describe-kube.js";
import "./describe-openshift.js";
import "./describe-runbook.js";

export interface TimelineEntry {
  readonly record: TraceRecord;
  readonly line: Described;
}

export function timelineEntries(result: Pick<RunResult, "records">): TimelineEntry[] {
  const start = result.records.findIndex((r) => r.kind === "run.start");
  const out: TimelineEntry[] = [];
  for (let i = Math.max(0, start); i < result.records.length; i++) {
    const record = result.records[i]!;
    const line = describe(record);
    if (line) out.push({ record, line });
  }
  return foldApiFlaps(out);
}

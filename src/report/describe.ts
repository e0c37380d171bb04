/**
 * Words for trace records: how a timeline line reads for each kind of record, in the vocabulary
 * people know from the real tools (vCenter power states, HAProxy log lines, etcd log lines,
 * kubectl). Each layer's kinds get a describer here; a record with no describer is not shown in
 * the timeline (it is still in the JSONL trace).
 */
import { formatDuration } from "../sim/time.js";
import type { TraceRecord } from "../sim/trace.js";

/** How a line is coloured: a fault, a recovery, an operator step, a notable change, or detail. */
export type Tone = "fault" | "recovery" | "step" | "change" | "detail" | "violation";

export interface Described {
  readonly tone: Tone;
  readonly text: string;
}

type Describer = (r: TraceRecord) => Described | undefined;

const describers = new Map<string, Describer>();

/** Registers the words for one record kind. */
export function describeKind(kind: string, d: Describer): void {
  describers.set(kind, d);
}

/** The timeline line for a record, or undefined when it is not shown. */
export function describe(r: TraceRecord): Described | undefined {
  return describers.get(r.kind)?.(r);
}

const str = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

describeKind("step", (r) => ({
  tone: "step",
  text: `step: ${str(r.action)}${r.target ? ` ${str(r.target)}` : ""}${r.note ? ` (${str(r.note)})` : ""}`,
}));
describeKind("step.failed", (r) => ({
  tone: "violation",
  text: `step ${str(r.action)} failed: ${str(r.reason)}`,
}));
describeKind("invariant.violated", (r) => ({
  tone: "violation",
  text: `INVARIANT VIOLATED ${str(r.invariant)}: ${str(r.message)}`,
}));
describeKind("run.end", (r) => ({
  tone: "detail",
  text: `end of run after ${formatDuration(r.t)} (${str(r.events)} events)`,
}));

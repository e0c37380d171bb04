/**
 * The run as a Chrome trace event file (the JSON "Trace Event Format" that ui.perfetto.dev and
 * chrome://tracing open): one process per group of things (availability, etcd members, nodes,
 * Machines, VMs, load balancer, services) and one thread per thing, named with `process_name` /
 * `thread_name` metadata events; a complete ("X") event for every span a lane spent in one state
 * (state-tracks.ts), availability as available/unavailable spans, and thread-scoped instant ("i")
 * events for the experiment's steps and faults on an "experiment" process. Timestamps are the
 * simulation's microseconds, the format's native unit.
 */
import type { RunResult } from "../world/result.js";
import { type StateSpan, stateSpans } from "./state-tracks.js";
import "./state-tracks-infra.js";
import "./state-tracks-cluster.js";
import { timelineEntries } from "./timeline.js";

/** One trace event (the subset of fields this file uses). */
export interface TraceEvent {
  readonly name: string;
  readonly ph: "X" | "i" | "M";
  readonly pid: number;
  readonly tid?: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly s?: "t";
  readonly cat?: string;
  readonly args?: Readonly<Record<string, unknown>>;
}

/** The whole document. */
export interface PerfettoTrace {
  readonly displayTimeUnit: "ms";
  readonly traceEvents: readonly TraceEvent[];
  readonly otherData: Readonly<Record<string, string | number | boolean>>;
}

/** Name of the process that holds steps and faults. */
export const EXPERIMENT_PROCESS = "experiment";
/** Name of the process that holds availability lanes. */
export const AVAILABILITY_PROCESS = "availability";

/** Timeline tones shown as instants, and the thread each goes on. */
const INSTANT_THREADS: ReadonlyMap<string, string> = new Map([
  ["step", "steps"],
  ["fault", "faults"],
  ["violation", "violations"],
]);

/** Builds the trace of a run. */
export function perfettoTrace(result: RunResult): PerfettoTrace {
  const events: TraceEvent[] = [];
  const pids = new Map<string, number>();
  const tids = new Map<string, number>();
  const processOf = (group: string): number => {
    let pid = pids.get(group);
    if (pid === undefined) {
      pid = pids.size + 1;
      pids.set(group, pid);
      events.push({ name: "process_name", ph: "M", pid, args: { name: group } });
      events.push({ name: "process_sort_index", ph: "M", pid, args: { sort_index: pid } });
    }
    return pid;
  };
  const threadOf = (group: string, track: string): { pid: number; tid: number } => {
    const pid = processOf(group);
    const key = `${group}\u0000${track}`;
    let tid = tids.get(key);
    if (tid === undefined) {
      tid = tids.size + 1;
      tids.set(key, tid);
      events.push({ name: "thread_name", ph: "M", pid, tid, args: { name: track } });
      events.push({ name: "thread_sort_index", ph: "M", pid, tid, args: { sort_index: tid } });
    }
    return { pid, tid };
  };

  // Instants first, so the experiment process comes first in the viewer.
  for (const { record, line } of timelineEntries(result)) {
    const thread = INSTANT_THREADS.get(line.tone);
    if (thread === undefined) continue;
    const { pid, tid } = threadOf(EXPERIMENT_PROCESS, thread);
    events.push({
      name: line.text,
      ph: "i",
      s: "t",
      ts: record.t,
      pid,
      tid,
      cat: record.kind,
      args: { kind: record.kind, subject: record.subject },
    });
  }
  const spans: StateSpan[] = [];
  for (const a of result.availability) {
    let at = 0;
    for (const w of a.windows) {
      if (w.from > at) spans.push(span(AVAILABILITY_PROCESS, a.name, "available", at, w.from));
      spans.push(span(AVAILABILITY_PROCESS, a.name, "unavailable", w.from, w.to));
      at = w.to;
    }
    if (result.durationUs > at)
      spans.push(span(AVAILABILITY_PROCESS, a.name, "available", at, result.durationUs));
  }
  spans.push(...stateSpans(result.records, result.durationUs));
  for (const s of spans) {
    const { pid, tid } = threadOf(s.group, s.track);
    events.push({
      name: s.state,
      ph: "X",
      ts: s.fromUs,
      dur: s.toUs - s.fromUs,
      pid,
      tid,
      cat: s.group,
      args: { state: s.state },
    });
  }
  return {
    displayTimeUnit: "ms",
    traceEvents: events,
    otherData: {
      experiment: result.experiment,
      model: result.model,
      seed: result.seed,
      durationUs: result.durationUs,
      passed: result.passed,
    },
  };
}

/** The trace as JSON text: one event per line, so the file diffs and greps well. */
export function renderPerfetto(result: RunResult): string {
  const trace = perfettoTrace(result);
  const events = trace.traceEvents.map((e) => JSON.stringify(e)).join(",\n");
  return `{"displayTimeUnit":"ms","otherData":${JSON.stringify(trace.otherData)},"traceEvents":[\n${events}\n]}\n`;
}

function span(group: string, track: string, state: string, fromUs: number, toUs: number): StateSpan {
  return { group, track, state, fromUs, toUs };
}

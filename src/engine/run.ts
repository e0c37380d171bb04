/**
 * Runs a prepared experiment: starts its runbook (src/engine/runbook.ts: steps, waits, triggers),
 * advances simulated time to the end of the run, and derives the result (availability, metrics,
 * expectation verdicts) from the trace.
 */
import { evaluateExpectations, recoveredAt } from "../observe/expectations.js";
import { emitInitialLaneStates } from "../observe/lanes.js";
import { LiveSignals } from "../observe/live.js";
import { computeMetrics, metricKey, metricSpecs } from "../observe/metrics.js";
import { mapSeries, windows } from "../observe/series.js";
import { signalSeries } from "../observe/signals.js";
import { describe as describeDistribution } from "../sim/distribution.js";
import { formatDuration } from "../sim/time.js";
import type { TraceSink } from "../sim/trace.js";
import type { ParameterValue } from "../world/parameters.js";
import type { AvailabilityMetric, RunResult } from "../world/result.js";
import type { World } from "../world/world.js";
import type { PreparedRun } from "./prepare.js";
import { Runbook } from "./runbook.js";

export interface RunOptions {
  /** Stop early (the CLI's --until); default the experiment's duration. */
  readonly untilUs?: number;
  /** More trace sinks (a JSONL file). They are closed at the end of the run. */
  readonly sinks?: readonly TraceSink[];
  /**
   * Instants at which to look at the world (the CLI's `--at`): the run pauses there, after every
   * event of that instant, and calls `fn`.
   */
  readonly checkpoints?: readonly { readonly atUs: number; readonly fn: (world: World) => void }[];
}

/** Runs to the end and returns the result. */
export function executeRun(prepared: PreparedRun, options: RunOptions = {}): RunResult {
  const { sim, world, plan } = prepared;
  for (const sink of options.sinks ?? []) sim.trace.addSink(sink);
  const endUs = Math.min(options.untilUs ?? plan.durationUs, plan.durationUs);
  // Conditions the runbook waits on follow the trace as it is written (records of building the
  // world included), so waits and triggers react at the instant a condition changes.
  const live = new LiveSignals(world, prepared.memory.records);
  sim.trace.addSink(live);
  const runbook = new Runbook(plan, sim, world, live, endUs);
  // Let the world settle at 0 s (initial boots, listeners) before the experiment begins; the
  // timeline shows what happens from `run.start` on.
  sim.runUntil(0);
  // Every Node and Machine gets a state lane in the reports from 0 s (src/observe/lanes.ts).
  emitInitialLaneStates(sim, world, prepared.memory.records);
  sim.emit("run.start", "run", {
    experiment: plan.name,
    model: prepared.model.name,
    seed: prepared.seed,
    durationUs: endUs,
  });
  runbook.start();
  const checkpoints = [...(options.checkpoints ?? [])].sort((a, b) => a.atUs - b.atUs);
  for (const c of checkpoints) {
    if (c.atUs > endUs) break;
    sim.runUntil(c.atUs);
    c.fn(world);
  }
  sim.runUntil(endUs);
  runbook.finish();
  world.finish();
  sim.emit("run.end", "run", { events: sim.eventsProcessed });
  sim.trace.close();

  const records = prepared.memory.records;
  const metricValues = computeMetrics(world, records, endUs);
  const expectations = evaluateExpectations(plan, world, records, endUs, metricValues);
  const availability = availabilityMetrics(world, records, endUs);
  const findings = records
    .filter((r) => r.kind === "invariant.violated")
    .map((r) => ({ t: r.t, invariant: String(r.invariant), message: String(r.message) }));
  const metrics: Record<string, number | null> = {};
  for (const a of availability) metrics[`${a.name}.unavailableUs`] = a.unavailableUs;
  // Layers report scalar metrics as `metric {name, value}` records (e.g. lostWrites, elections).
  // A declared metric appears once, under its result key (durations end in `Us`: the record
  // `lostWritesSpan` becomes `lostWritesSpanUs`, not both).
  const specs = metricSpecs(world);
  for (const r of records) {
    if (r.kind !== "metric") continue;
    const spec = specs.get(String(r.name));
    if (spec === undefined || metricKey(spec) === r.name) metrics[String(r.name)] = r.value as number | null;
  }
  for (const [name, spec] of specs) metrics[metricKey(spec)] = metricValues.get(name) ?? null;
  const recovery = recoveryTime(world, records, plan.steps[0]?.atUs, endUs);
  if (recovery !== undefined) metrics.recoveryUs = recovery;
  return {
    experiment: plan.name,
    ...(plan.description !== undefined ? { description: plan.description } : {}),
    model: prepared.model.name,
    seed: prepared.seed,
    durationUs: endUs,
    parameters: prepared.params.overridden().map((p) => ({
      key: p.spec.key,
      value: formatParameter(p.value, p.spec.unit),
      origin: p.origin,
    })),
    records,
    availability,
    metrics,
    expectations,
    findings,
    eventsProcessed: sim.eventsProcessed,
    passed: expectations.every((e) => e.passed) && findings.length === 0,
  };
}

/**
 * Recovery time: from the first step (the incident) until `recovery.complete` holds again (every
 * desired Machine Running, Node Ready, etcd member healthy and voting, pod available), when the
 * model has that signal; null when it never recovered within the run.
 */
function recoveryTime(
  world: World,
  records: RunResult["records"],
  incidentUs: number | undefined,
  endUs: number,
): number | null | undefined {
  const spec = world.signals.get("recovery.complete");
  if (!spec || incidentUs === undefined) return undefined;
  const series = mapSeries(signalSeries(spec, world, records, undefined), (v) => v === true);
  const at = recoveredAt(series, incidentUs, endUs);
  return at === undefined ? null : at - incidentUs;
}

/** The availability windows every summary shows, for the signals this world has. */
function availabilityMetrics(
  world: World,
  records: RunResult["records"],
  endUs: number,
): AvailabilityMetric[] {
  const out: AvailabilityMetric[] = [];
  for (const name of ["endpoint.available", "api.available", "writes.available", "service.available"]) {
    const spec = world.signals.get(name);
    if (!spec || spec.measured?.(world) === false) continue;
    const series = signalSeries(spec, world, records, undefined);
    const down = windows(series, (v) => v === false, endUs);
    out.push({
      name: name.replace(/\.available$/, ""),
      unavailableUs: down.reduce((s, w) => s + (w.to - w.from), 0),
      windows: down,
    });
  }
  return out;
}

/** A parameter value as a person writes it. */
export function formatParameter(v: ParameterValue, unit: string): string {
  if (typeof v === "object") return describeDistribution(v, formatDuration);
  if (typeof v === "number" && unit === "µs") return formatDuration(v);
  return unit && typeof v === "number" ? `${v} ${unit}` : String(v);
}

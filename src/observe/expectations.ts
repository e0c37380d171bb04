/**
 * Verdicts on an experiment's `expect:` entries, as pure functions of the trace:
 *
 * - `at: T` — the condition has the value at instant T;
 * - `between: [A, B]` — it has the value at every instant of [A, B];
 * - `within: B` / `after: A` — it *comes to* have the value at some instant in [A, B]:
 *   - with `after: A`: the instant it became true must not be before A (if it already held at A,
 *     the start of that stretch is what is observed, and it fails unless that is A itself);
 *   - without `after`, the window opens when the incident starts (the first step). If the
 *     condition holds then, what counts is its recovery: the first instant it holds again after
 *     it first stops holding (or the window's start, if it never stops). So
 *     `recovery.complete within: 20m` means "whole again within 20 minutes", and
 *     `writes.available within: 5m` passes when writes never stopped.
 *   The observed value is that instant; it must be no later than B.
 * - no time — a metric (`lostWrites == 0`, `writes.unavailable < 20s`) or a count
 *   (`events(step.failed) == 0`) is checked once, at the end of the run; the observed value is
 *   the number.
 *
 * After the `expect:` entries come the runbook's own verdicts: one failed verdict for each
 * `waitFor` with `onTimeout: fail` that gave up (a `wait.timedOut` record), so a runbook whose
 * wait never ended fails the run.
 */
import type { ExperimentPlan, PlannedExpectation } from "../scenario/plan.js";
import { formatDuration } from "../sim/time.js";
import type { TraceRecord } from "../sim/trace.js";
import type { ExpectationVerdict } from "../world/result.js";
import type { World } from "../world/world.js";
import { bindExpression, isBindProblem } from "./bind.js";
import { test } from "./condition.js";
import { computeMetrics, formatMetric } from "./metrics.js";
import { firstTimeAfter, holdsThroughout, type Series, valueAt } from "./series.js";
import { conditionSeries, signalSeries } from "./signals.js";

/**
 * Evaluates every expectation of a plan against the trace of a run that ended at `endUs`, then
 * adds the verdicts of runbook waits that timed out. `metrics` are the run's metric values by
 * name (computed from the trace when not given).
 */
export function evaluateExpectations(
  plan: ExperimentPlan,
  world: World,
  records: readonly TraceRecord[],
  endUs: number,
  metrics?: ReadonlyMap<string, number | null>,
): ExpectationVerdict[] {
  const incidentStartUs = plan.steps[0]?.atUs ?? 0;
  let values = metrics;
  const metricValues = () => {
    values ??= computeMetrics(world, records, endUs);
    return values;
  };
  const out = plan.expectations.map((e) =>
    evaluateOne(e, world, records, endUs, incidentStartUs, metricValues),
  );
  for (const r of records) if (r.kind === "wait.timedOut" && r.onTimeout === "fail") out.push(waitVerdict(r));
  return out;
}

/** The failed verdict of a wait that gave up (a `wait.timedOut` record from src/engine/runbook.ts). */
function waitVerdict(r: TraceRecord): ExpectationVerdict {
  const timeoutUs = typeof r.timeoutUs === "number" ? r.timeoutUs : undefined;
  const atEnd = r.reason === "end of run";
  return {
    that: `waitFor ${String(r.condition)}`,
    expected:
      timeoutUs !== undefined
        ? `met within ${fmt(timeoutUs)} (${String(r.step)})`
        : `met before the run ends (${String(r.step)})`,
    observed: atEnd
      ? `still waiting when the run ended at ${fmt(r.t)} (after ${fmt(Number(r.waitedUs))})`
      : `timed out after ${fmt(Number(r.waitedUs))} at ${fmt(r.t)}`,
    passed: false,
    ...(typeof r.line === "number" ? { line: r.line } : {}),
  };
}

function evaluateOne(
  e: PlannedExpectation,
  world: World,
  records: readonly TraceRecord[],
  endUs: number,
  incidentStartUs: number,
  metrics: () => ReadonlyMap<string, number | null>,
): ExpectationVerdict {
  const base = { that: e.that, line: e.line, ...(e.quote !== undefined ? { quote: e.quote } : {}) };
  const b = bindExpression(e.that, world);
  if (isBindProblem(b)) {
    return { ...base, expected: "-", observed: b.error, passed: false };
  }
  const want = describeWant(e);
  if (b.kind === "metric") {
    const { condition, metric } = b.bound;
    const expected = `${want} over the whole run`;
    const value = metrics().get(metric.name) ?? null;
    const observed = `${metric.name} = ${formatMetric(value, metric.unit)}`;
    if (value === null) return { ...base, expected, observed, passed: false };
    const truth = condition.op !== undefined ? test(condition, value) === (e.is ?? true) : value === e.is;
    return { ...base, expected, observed, passed: truth };
  }
  const series = conditionSeries(b.bound, world, records, e.is);
  const w = e.window;
  switch (w.kind) {
    case "end": {
      const expected = `${want} at the end of the run`;
      const raw =
        b.bound.condition.events !== undefined
          ? valueAt(signalSeries(b.bound.spec, world, records, b.bound.condition.subject), endUs)
          : undefined;
      const ok = valueAt(series, endUs);
      return {
        ...base,
        expected,
        observed: raw !== undefined ? `${raw} ${raw === 1 ? "record" : "records"}` : ok ? "yes" : "no",
        passed: ok,
      };
    }
    case "at": {
      if (w.atUs > endUs)
        return {
          ...base,
          expected: `${want} at ${fmt(w.atUs)}`,
          observed: "run ended before",
          passed: false,
        };
      const ok = valueAt(series, w.atUs);
      return { ...base, expected: `${want} at ${fmt(w.atUs)}`, observed: ok ? "yes" : "no", passed: ok };
    }
    case "between": {
      const expected = `${want} throughout ${fmt(w.startUs)}..${fmt(w.endUs)}`;
      if (w.endUs > endUs)
        return { ...base, expected, observed: `run ended at ${fmt(endUs)}`, passed: false };
      const r = holdsThroughout(series, (v) => v, w.startUs, w.endUs);
      return {
        ...base,
        expected,
        observed: r.holds
          ? "held"
          : `broken at ${fmt(r.firstViolation!)}${describeSpan(series, r.firstViolation!)}`,
        passed: r.holds,
      };
    }
    case "eventually": {
      const explicitAfter = w.notBeforeUs > 0;
      const from = explicitAfter ? w.notBeforeUs : incidentStartUs;
      const by = Math.min(w.byUs, endUs);
      const expected = explicitAfter
        ? `${want} first between ${fmt(from)} and ${fmt(w.byUs)}`
        : `${want} by ${fmt(w.byUs)}`;
      const reached = reachedAt(series, from, endUs, explicitAfter);
      if (reached === undefined) return { ...base, expected, observed: "never", passed: false };
      const passed = reached <= by && (!explicitAfter || reached >= from);
      const observed =
        explicitAfter && reached < from ? `already since ${fmt(reached)}` : `at ${fmt(reached)}`;
      return { ...base, expected, observed, passed };
    }
  }
}

/**
 * When a boolean series recovered after an incident that began at `fromUs`: the first instant it
 * holds again after it first stops holding (or `fromUs` if it never stopped); undefined if it never
 * recovered before `endUs`. The same rule as `within:` without `after:`.
 */
export function recoveredAt(series: Series<boolean>, fromUs: number, endUs: number): number | undefined {
  return reachedAt(series, fromUs, endUs, false);
}

/** When the condition was reached, by the rules in the header. */
function reachedAt(
  series: Series<boolean>,
  from: number,
  endUs: number,
  explicitAfter: boolean,
): number | undefined {
  const holds = (v: boolean) => v;
  if (!valueAt(series, from)) return firstTimeAfter(series, holds, from, endUs);
  if (explicitAfter) return stretchStart(series, from);
  const dip = firstTimeAfter(series, (v) => !v, from, endUs);
  return dip === undefined ? from : firstTimeAfter(series, holds, dip, endUs);
}

/** Start of the stretch of `true` that contains instant t (t must be in one). */
function stretchStart(series: Series<boolean>, t: number): number {
  let start = 0;
  for (const c of series.changes) {
    if (c.t > t) break;
    if (c.v) start = c.t;
  }
  return start;
}

function describeWant(e: PlannedExpectation): string {
  if (e.is === undefined) return "true";
  return `is ${String(e.is)}`;
}

/** ` (until 2m3s)` — how long a violation lasted, to help read a failure. */
function describeSpan(series: Series<boolean>, from: number): string {
  for (const c of series.changes) if (c.t > from && c.v) return ` (until ${fmt(c.t)})`;
  return "";
}

/**
 * Times in verdicts are read by people: millisecond precision is plenty. Cut to the millisecond,
 * not rounded, as the timeline's clock (formatClock) and every clock does, so the same instant
 * reads the same in both (107 002 579 µs: `01:47.002` and `1m47.002s`).
 */
function fmt(us: number): string {
  return formatDuration(Math.floor(us / 1000) * 1000);
}

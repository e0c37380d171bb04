/**
 * Recovery time of a run: how long after the incident began (the first step) the world's
 * `recovery.complete` signal was reached, with the same rule as an expectation `recovery.complete
 * within: D` (src/observe/expectations.ts): if it holds when the incident starts, what counts is
 * the first instant it holds again after it first stops holding. Worlds without that signal (the
 * infrastructure-only models) have no recovery time; the layers that define "whole again"
 * (etcd quorum, nodes Ready, Machines Running) register it.
 */
import type { PreparedRun } from "../engine/prepare.js";
import { firstTimeAfter, valueAt } from "../observe/series.js";
import { bindCondition, conditionSeries, isConditionProblem } from "../observe/signals.js";
import type { TraceRecord } from "../sim/trace.js";

/** The signal that says the cluster is whole again. */
export const RECOVERY_SIGNAL = "recovery.complete";

/**
 * Microseconds from the first step to recovery; null when the run ended before recovery;
 * undefined when the world has no recovery signal.
 */
export function recoveryUs(run: PreparedRun, records: readonly TraceRecord[]): number | null | undefined {
  if (!run.world.signals.has(RECOVERY_SIGNAL)) return undefined;
  const bound = bindCondition(RECOVERY_SIGNAL, run.world);
  if (isConditionProblem(bound)) return undefined;
  const series = conditionSeries(bound, run.world, records, undefined);
  const startUs = run.plan.steps[0]?.atUs ?? 0;
  const endUs = run.sim.now;
  let reached: number | undefined;
  if (!valueAt(series, startUs)) reached = firstTimeAfter(series, (v) => v, startUs, endUs);
  else {
    const dip = firstTimeAfter(series, (v) => !v, startUs, endUs);
    reached = dip === undefined ? startUs : firstTimeAfter(series, (v) => v, dip, endUs);
  }
  return reached === undefined ? null : reached - startUs;
}

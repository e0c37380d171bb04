/**
 * One run of a sweep, the same in a worker thread and in the main thread: prepare the experiment
 * with the combination's overrides and the seed, run it, and keep only the compact run line.
 * The same (file, overrides, seed) gives the same line in any thread or process (docs/design.md,
 * core rule 1), which is what makes a sweep's result independent of the number of workers.
 */
import type { CliOverride } from "../engine/prepare.js";
import { prepareRun } from "../engine/prepare.js";
import { executeRun } from "../engine/run.js";
import { formatInputErrors } from "../scenario/errors.js";
import { recoveryUs } from "./recovery.js";
import type { RunLine } from "./run-line.js";

/** What a worker is asked to do. Plain data: it crosses the thread boundary by structured clone. */
export interface RunTask {
  readonly file: string;
  readonly seed: number;
  readonly combination: number;
  /** The shared `--set` overrides followed by the combination's, already read as values. */
  readonly overrides: readonly CliOverride[];
}

/** Runs one task. Input problems were ruled out before the sweep started; one here is a bug. */
export function runTask(task: RunTask): RunLine {
  const prepared = prepareRun(task.file, { seed: task.seed, overrides: task.overrides });
  if (!prepared.ok)
    throw new Error(
      `seed ${task.seed}: the experiment no longer loads\n${formatInputErrors(prepared.errors)}`,
    );
  const result = executeRun(prepared.run);
  const availability: Record<string, number> = {};
  const duplicates = new Set<string>();
  for (const a of result.availability) {
    availability[a.name] = a.unavailableUs;
    duplicates.add(`${a.name}.unavailableUs`);
  }
  const metrics: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(result.metrics)) {
    if (!duplicates.has(name)) metrics[name] = value;
  }
  if (!("recoveryUs" in metrics)) {
    const r = recoveryUs(prepared.run, result.records);
    if (r !== undefined) metrics.recoveryUs = r;
  }
  return {
    type: "run",
    combination: task.combination,
    seed: task.seed,
    passed: result.passed,
    expectations: result.expectations.map((e) => ({ passed: e.passed, observed: e.observed })),
    availability,
    metrics,
    findings: result.findings.length,
    events: result.eventsProcessed,
  };
}

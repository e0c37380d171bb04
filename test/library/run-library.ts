/** Runs an experiment of the library for one seed and lists what failed (empty: it passed). */
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { formatInputErrors } from "../../src/scenario/index.js";
import type { RunResult } from "../../src/world/result.js";

/** The run's result, throwing the located errors when the file is refused. */
export function runExperiment(file: string, seed: number): RunResult {
  const prepared = prepareRun(file, { seed });
  if (!prepared.ok) throw new Error(formatInputErrors(prepared.errors));
  return executeRun(prepared.run);
}

/** `that: observed` for every expectation that failed, and every broken invariant. */
export function failures(result: RunResult): string[] {
  return [
    ...result.expectations.filter((e) => !e.passed).map((e) => `${e.that}: ${e.observed}`),
    ...result.findings.map((f) => `invariant ${f.invariant}: ${f.message}`),
  ];
}

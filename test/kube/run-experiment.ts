/** Runs an experiment file through the engine, as `quorate run` does, and returns the failed expectations. */
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { formatInputErrors } from "../../src/scenario/index.js";
import type { RunResult } from "../../src/world/result.js";

/** The run's result and its failed expectations (`that: observed`). */
export function runExperiment(file: string, seed: number): { result: RunResult; failed: string[] } {
  const prepared = prepareRun(file, { seed });
  if (!prepared.ok) throw new Error(formatInputErrors(prepared.errors));
  const result = executeRun(prepared.run);
  const failed = result.expectations.filter((e) => !e.passed).map((e) => `${e.that}: ${e.observed}`);
  return { result, failed };
}

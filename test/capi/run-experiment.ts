/** Runs an experiment file through the engine, as `quorate run` does. */
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { formatInputErrors } from "../../src/scenario/index.js";
import type { RunResult } from "../../src/world/result.js";
import type { World } from "../../src/world/world.js";

/** The run's result, its failed expectations, and views rendered at checkpoints. */
export function runExperiment(
  file: string,
  seed: number,
  checkpoints: readonly { readonly atUs: number; readonly fn: (w: World) => void }[] = [],
): { result: RunResult; failed: string[] } {
  const prepared = prepareRun(file, { seed });
  if (!prepared.ok) throw new Error(formatInputErrors(prepared.errors));
  const result = executeRun(prepared.run, { checkpoints });
  const failed = result.expectations.filter((e) => !e.passed).map((e) => `${e.that}: ${e.observed}`);
  return { result, failed };
}

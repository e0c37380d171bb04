/** Pieces the sweep commands share: the plan options, the summary file name, input errors. */
import type { Argv } from "yargs";
import { SweepInputError } from "../../sweep/input-error.js";
import { UsageError } from "../exit.js";

/** The summary a finished sweep (or merge) leaves in its output directory. */
export const SUMMARY_FILE = "summary.json";

/** Options every form of a sweep shares (the sweep itself and k8s-job). */
export function sweepPlanOptions<T>(y: Argv<T>) {
  return y
    .option("seeds", {
      type: "string",
      demandOption: true,
      describe: "Seeds to run: a range (1..1000), a seed (17) or a list (1..100,500)",
    })
    .option("vary", {
      type: "string",
      array: true,
      describe: "Try each value of a parameter: key=v1,v2,... (repeatable; every combination runs)",
    })
    .option("set", {
      type: "string",
      array: true,
      describe: "Override a model parameter in every run: key=value (repeatable)",
    });
}

/** Runs `fn`, turning a SweepInputError into the CLI's bad-input error (exit 2). */
export function withSweepInput<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SweepInputError) throw new UsageError(e.message);
    throw e;
  }
}

/** `quorate run FILE`: runs one experiment and reports what happened. */
import { writeFileSync } from "node:fs";
import type { CommandModule } from "yargs";
import { prepareRun } from "../../engine/prepare.js";
import { executeRun } from "../../engine/run.js";
import { renderJson } from "../../report/json.js";
import { renderText } from "../../report/text.js";
import { JsonlFileSink } from "../../sim/jsonl.js";
import { DurationError, parseDuration } from "../../sim/time.js";
import { EXIT_EXPECTATION_FAILED, EXIT_OK, UsageError } from "../exit.js";
import { inputFailure } from "../input-errors.js";
import { parseOverrides } from "../overrides.js";

interface RunArgs {
  file: string;
  seed?: number;
  until?: string;
  set?: string[];
  format: string;
  trace?: string;
}

export function runCommand(setExit: (code: number) => void): CommandModule<object, RunArgs> {
  return {
    command: "run <file>",
    describe: "Run an experiment and print its timeline and verdict",
    builder: (y) =>
      y
        .positional("file", { type: "string", demandOption: true, describe: "Experiment file (YAML)" })
        .option("seed", {
          type: "number",
          describe: "Seed of the run (default: the file's spec.seed, else 1)",
        })
        .option("until", { type: "string", describe: "Stop at this simulated time (e.g. 10m)" })
        .option("set", {
          type: "string",
          array: true,
          describe: "Override a model parameter: key=value (repeatable)",
        })
        .option("format", { choices: ["text", "json"], default: "text", describe: "Output format" })
        .option("trace", {
          type: "string",
          describe: "Write every trace record to this JSONL file",
        }) as never,
    handler: (args) => {
      const seed = checkSeed(args.seed);
      const untilUs = args.until !== undefined ? parseUntil(args.until) : undefined;
      const prepared = prepareRun(args.file, {
        ...(seed !== undefined ? { seed } : {}),
        overrides: parseOverrides(args.set),
      });
      if (!prepared.ok) throw inputFailure(prepared.errors);
      const sink = args.trace !== undefined ? openTrace(args.trace) : undefined;
      let result: ReturnType<typeof executeRun>;
      try {
        result = executeRun(prepared.run, {
          ...(untilUs !== undefined ? { untilUs } : {}),
          sinks: sink ? [sink] : [],
        });
      } catch (e) {
        sink?.abort();
        throw e;
      }
      writeOut(args.format === "json" ? renderJson(result) : renderText(result));
      setExit(result.passed ? EXIT_OK : EXIT_EXPECTATION_FAILED);
    },
  };
}

function checkSeed(seed: number | undefined): number | undefined {
  if (seed === undefined) return undefined;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
    throw new UsageError(`--seed ${seed}: expected a whole number from 0 to 4294967295`);
  }
  return seed;
}

function parseUntil(text: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    if (e instanceof DurationError) throw new UsageError(`--until ${text}: ${e.message}. Hint: ${e.hint}`);
    throw e;
  }
}

function openTrace(path: string): JsonlFileSink {
  try {
    return new JsonlFileSink(path);
  } catch (e) {
    throw new UsageError(`--trace ${path}: cannot write there (${(e as Error).message})`);
  }
}

function writeOut(text: string): void {
  writeFileSync(1, text);
}

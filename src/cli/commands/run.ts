/** `quorate run FILE`: runs one experiment and reports what happened (or shows views at instants). */
import type { CommandModule } from "yargs";
import { prepareRun } from "../../engine/prepare.js";
import { executeRun } from "../../engine/run.js";
import { renderJson } from "../../report/json.js";
import { renderPerfetto } from "../../report/perfetto.js";
import { renderText } from "../../report/text.js";
import { findView, viewNames } from "../../report/views/index.js";
import { didYouMean } from "../../scenario/suggest.js";
import { JsonlFileSink } from "../../sim/jsonl.js";
import { DurationError, formatDuration, parseDuration } from "../../sim/time.js";
import type { World } from "../../world/world.js";
import { EXIT_EXPECTATION_FAILED, EXIT_OK, UsageError } from "../exit.js";
import { inputFailure } from "../input-errors.js";
import { checkOutputFile, writeOutputFile } from "../output-file.js";
import { parseOverrides } from "../overrides.js";
import { writeStdout } from "../stdout.js";

interface RunArgs {
  file: string;
  seed?: string | string[];
  until?: string;
  set?: string[];
  format: string;
  trace?: string;
  perfetto?: string;
  at?: string[];
  show?: string;
}

export function runCommand(setExit: (code: number) => void): CommandModule<object, RunArgs> {
  return {
    command: "run <file>",
    describe: "Run an experiment and print its timeline and verdict",
    builder: (y) =>
      y
        .positional("file", { type: "string", demandOption: true, describe: "Experiment file (YAML)" })
        .option("seed", {
          // Read as text, so a refusal can echo what was typed (a number option turns `abc` into NaN).
          type: "string",
          describe: "Seed of the run (default: the file's spec.seed, else 1)",
        })
        .option("until", { type: "string", describe: "Stop at this simulated time (e.g. 10m)" })
        .option("set", {
          type: "string",
          array: true,
          describe: "Override a model parameter: key=value (repeatable)",
        })
        .option("format", { choices: ["text", "json"], default: "text", describe: "Output format" })
        .option("trace", { type: "string", describe: "Write every trace record to this JSONL file" })
        .option("perfetto", {
          type: "string",
          describe: "Write the run as a Chrome trace (JSON) for ui.perfetto.dev or chrome://tracing",
        })
        .option("at", {
          type: "string",
          array: true,
          describe: "Print views of the world at these instants (e.g. --at 5m) instead of the report",
        })
        .option("show", {
          type: "string",
          describe: `Views to print with --at, comma-separated (${viewNames().join(", ")}); default all`,
        }) as never,
    handler: (args) => {
      const seed = checkSeed(args.seed);
      const untilUs = args.until !== undefined ? parseInstant(args.until, "--until") : undefined;
      const instants = (args.at ?? []).map((a) => parseInstant(a, "--at"));
      if (args.show !== undefined && instants.length === 0)
        throw new UsageError("--show needs --at (e.g. --at 5m)");
      const shown = parseShow(args.show);
      const prepared = prepareRun(args.file, {
        ...(seed !== undefined ? { seed } : {}),
        overrides: parseOverrides(args.set),
      });
      if (!prepared.ok) throw inputFailure(prepared.errors);
      checkInstants(args.at ?? [], instants, prepared.run.plan.durationUs, untilUs);
      if (args.perfetto !== undefined) checkOutputFile("--perfetto", args.perfetto);
      const sink = args.trace !== undefined ? openTrace(args.trace) : undefined;
      const snapshots: string[] = [];
      let result: ReturnType<typeof executeRun>;
      try {
        result = executeRun(prepared.run, {
          ...(untilUs !== undefined ? { untilUs } : {}),
          sinks: sink ? [sink] : [],
          checkpoints: instants.map((atUs) => ({
            atUs,
            fn: (world) => snapshots.push(renderViews(world, shown)),
          })),
        });
      } catch (e) {
        sink?.abort();
        throw e;
      }
      if (instants.length > 0) {
        writeOut(snapshots.join("\n"));
        setExit(EXIT_OK);
        return;
      }
      if (args.perfetto !== undefined) writeOutputFile("--perfetto", args.perfetto, renderPerfetto(result));
      writeOut(args.format === "json" ? renderJson(result) : renderText(result));
      setExit(result.passed ? EXIT_OK : EXIT_EXPECTATION_FAILED);
    },
  };
}

/** The `--seed` as typed → the seed, or a refusal that quotes the input. */
function checkSeed(raw: string | string[] | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw))
    throw new UsageError(`--seed given ${raw.length} times (${raw.join(", ")}); give it once`);
  const text = raw.trim();
  const seed = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(seed) || seed > 2 ** 32 - 1) {
    throw new UsageError(
      `--seed ${JSON.stringify(raw)}: expected a whole number from 0 to 4294967295. Hint: e.g. --seed 7; \`quorate sweep --seeds 1..100\` runs many`,
    );
  }
  return seed;
}

function parseInstant(text: string, flag: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    if (e instanceof DurationError) throw new UsageError(`${flag} ${text}: ${e.message}. Hint: ${e.hint}`);
    throw e;
  }
}

/**
 * Refuses an `--at` instant the run never reaches (after `spec.duration`, or after `--until`),
 * before anything runs: a view that would silently be missing looks like a bug.
 */
function checkInstants(
  texts: readonly string[],
  instants: readonly number[],
  durationUs: number,
  untilUs: number | undefined,
): void {
  const endUs = Math.min(durationUs, untilUs ?? durationUs);
  const byUntil = untilUs !== undefined && untilUs < durationUs;
  instants.forEach((atUs, i) => {
    if (atUs <= endUs) return;
    const end = formatDuration(endUs);
    const hint = byUntil
      ? `--until ${end} stops the run there; give an instant up to ${end}, or a later --until`
      : `the run lasts ${end} (spec.duration); give an instant up to ${end}, or lengthen spec.duration`;
    throw new UsageError(
      `--at ${texts[i] ?? formatDuration(atUs)} is after the end of the run (${end}). Hint: ${hint}`,
    );
  });
}

function parseShow(text: string | undefined): string[] {
  if (text === undefined) return viewNames();
  const names = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const n of names) {
    if (!findView(n)) {
      const hint = didYouMean(n, viewNames());
      throw new UsageError(
        `--show: unknown view "${n}"; expected some of ${viewNames().join(", ")}${hint ? `. Hint: ${hint}` : ""}`,
      );
    }
  }
  return names;
}

/** The chosen views at the world's current instant. */
function renderViews(world: World, names: readonly string[]): string {
  const parts = [`== at ${formatDuration(world.sim.now)} ==`];
  for (const n of names) parts.push(`\n# ${n}\n${findView(n)?.render(world) ?? "(not in this model)"}`);
  return `${parts.join("\n")}\n`;
}

function openTrace(path: string): JsonlFileSink {
  try {
    return new JsonlFileSink(path);
  } catch (e) {
    throw new UsageError(`--trace ${path}: cannot write there (${(e as Error).message})`);
  }
}

function writeOut(text: string): void {
  writeStdout(text);
}

/**
 * `quorate sweep FILE --seeds 1..1000 [--vary key=v1,v2]... [--workers N] [--out DIR] [--resume]
 * [--shard i/n | --shards n]`: runs every (seed × combination) in worker threads and prints the
 * summary and runbook verdict. `quorate sweep merge DIR` and `quorate sweep k8s-job FILE` are
 * subcommands (sweep-merge.ts, sweep-k8s-job.ts). Exit codes: 0 every expectation held in every
 * seed, 1 not, 2 bad input (before any run, no files), 130 interrupted (finished runs are saved);
 * a shard exits 0 once its file is written (the verdict belongs to `merge`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Argv, CommandModule } from "yargs";
import { count } from "../../report/plural.js";
import { renderSweepJson } from "../../report/sweep-json.js";
import { renderSweepText } from "../../report/sweep-text.js";
import { writeFileAtomic } from "../../sweep/atomic-file.js";
import { SweepInputError } from "../../sweep/input-error.js";
import { checkOutput, openOutput } from "../../sweep/output-dir.js";
import { planSweep, type SweepPlan } from "../../sweep/plan.js";
import { createExecutor, defaultWorkers } from "../../sweep/pool.js";
import { runSweep } from "../../sweep/run-sweep.js";
import { formatSeeds } from "../../sweep/seed-range.js";
import { checkShard, parseShard, type Shard, shardFromEnvironment } from "../../sweep/shard.js";
import { summarise } from "../../sweep/summary.js";
import { EXIT_EXPECTATION_FAILED, EXIT_OK, UsageError } from "../exit.js";
import { inputFailure } from "../input-errors.js";
import { writeStdout } from "../stdout.js";
import { sweepK8sJobCommand } from "./sweep-k8s-job.js";
import { sweepMergeCommand } from "./sweep-merge.js";
import { createProgress, progressWanted } from "./sweep-progress.js";
import { SUMMARY_FILE, sweepPlanOptions, withSweepInput } from "./sweep-shared.js";

/** Exit code of a sweep stopped with Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;
/** At most this many worker threads. */
const MAX_WORKERS = 256;

interface SweepArgs {
  file: string;
  seeds: string;
  vary?: string[];
  set?: string[];
  workers?: number;
  out?: string;
  resume: boolean;
  shard?: string;
  shards?: number;
  format: string;
  "print-shard": boolean;
}

/** The `sweep` command and its subcommands. */
export function sweepCommand(setExit: (code: number) => void): CommandModule {
  return {
    command: "sweep",
    describe: "Run an experiment over many seeds and parameter values; print the runbook verdict",
    builder: (y: Argv) =>
      y
        .command(sweepMergeCommand(setExit))
        .command(sweepK8sJobCommand(setExit))
        .command(sweepRunCommand(setExit))
        .demandCommand(1, "Name an experiment file (quorate sweep FILE --seeds 1..100), or merge / k8s-job"),
    handler: () => {},
  };
}

function sweepRunCommand(setExit: (code: number) => void): CommandModule<object, SweepArgs> {
  return {
    command: "$0 <file>",
    describe: "Run FILE for every seed × combination",
    builder: (y) =>
      sweepPlanOptions(
        y.positional("file", { type: "string", demandOption: true, describe: "Experiment file (YAML)" }),
      )
        .option("workers", {
          type: "number",
          describe: `Worker threads (default: the cores available, here ${defaultWorkers()}; 0 runs in the main thread)`,
        })
        .option("out", {
          type: "string",
          describe: "Directory for the results (runs appended as they finish; summary.json at the end)",
        })
        .option("resume", {
          type: "boolean",
          default: false,
          describe: "Continue the sweep whose results are in --out, skipping runs already there",
        })
        .option("shard", { type: "string", describe: "Run only part i of n of the seeds: i/n (0-based)" })
        .option("shards", {
          type: "number",
          describe: "Split into n shards and run the one in JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs)",
        })
        .option("format", { choices: ["text", "json"], default: "text", describe: "Summary format" })
        .option("print-shard", {
          type: "boolean",
          default: false,
          describe: "With a shard: print its result file on stdout when done (for kubectl logs)",
        }) as never,
    handler: async (args) => {
      setExit(await sweep(args));
    },
  };
}

async function sweep(args: SweepArgs): Promise<number> {
  const shard = shardOf(args);
  if (args.resume && args.out === undefined) throw new UsageError("--resume needs --out DIR");
  if (shard && args.out === undefined)
    throw new UsageError("a shard writes its results to a directory: add --out DIR");
  if (args["print-shard"] && !shard) throw new UsageError("--print-shard needs --shard or --shards");
  const workers = args.workers ?? defaultWorkers();
  if (!Number.isSafeInteger(workers) || workers < 0 || workers > MAX_WORKERS)
    throw new UsageError(`--workers ${args.workers}: expected a whole number from 0 to ${MAX_WORKERS}`);

  const plan = withSweepInput(() => {
    const r = planSweep({
      file: args.file,
      seeds: args.seeds,
      set: args.set ?? [],
      vary: args.vary ?? [],
      ...(shard ? { shard } : {}),
    });
    if (!r.ok) throw inputFailure(r.errors);
    return r.plan;
  });
  const outDir = args.out;
  const output =
    outDir === undefined
      ? undefined
      : withSweepInput(() => {
          checkOutput(outDir, plan.header, args.resume);
          return openOutput(outDir, plan.header);
        });
  const quiet = args["print-shard"];
  const progress = createProgress(plan.tasks.length, output?.done.length ?? 0, progressWanted() && !quiet);
  let failing = output?.done.filter((r) => !r.passed).length ?? 0;
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
  };
  process.on("SIGINT", onSigint);
  const executor = createExecutor(output?.finished ? 0 : workers);
  const started = process.hrtime.bigint();
  let outcome: Awaited<ReturnType<typeof runSweep>>;
  try {
    outcome = await runSweep({
      plan,
      executor,
      ...(output ? { output } : {}),
      onRun: (line, done) => {
        if (!line.passed) failing++;
        progress.update(done, failing);
      },
      shouldStop: () => interrupted,
    });
  } finally {
    progress.stop();
    process.off("SIGINT", onSigint);
    await executor.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const ran = outcome.runs.length - outcome.resumed;
  if (!quiet && ran > 0) {
    process.stderr.write(
      `quorate: ${count(ran, "run")} in ${seconds.toFixed(1)}s ` +
        `(${(ran / seconds).toFixed(1)} runs/s, ${workers === 0 ? "main thread" : count(workers, "worker")})` +
        (outcome.resumed > 0 ? `; ${outcome.resumed} taken over from the earlier attempt` : "") +
        "\n",
    );
  }
  if (!outcome.complete) {
    process.stderr.write(
      `quorate: interrupted after ${outcome.runs.length} of ${count(plan.tasks.length, "run")}` +
        (outDir !== undefined
          ? `; they are saved in ${outDir} — continue with the same command and --resume\n`
          : " (nothing saved: use --out DIR to keep results)\n"),
    );
    return EXIT_INTERRUPTED;
  }
  if (shard) return finishShard(plan, shard, outcome.resultsPath!, args["print-shard"], outDir!);
  const summary = summarise(plan.header, outcome.runs);
  const json = renderSweepJson(summary);
  if (outDir !== undefined) writeFileAtomic(join(outDir, SUMMARY_FILE), json);
  writeStdout(args.format === "json" ? json : renderSweepText(summary));
  return summary.passed ? EXIT_OK : EXIT_EXPECTATION_FAILED;
}

function finishShard(plan: SweepPlan, shard: Shard, path: string, print: boolean, outDir: string): number {
  if (print) {
    writeStdout(readFileSync(path));
    return EXIT_OK;
  }
  const combos = plan.combinations.length;
  writeStdout(
    `shard ${shard.index}/${shard.count}: ${count(plan.tasks.length, "run")} (seeds ${formatSeeds(plan.seeds) || "none"} × ${count(combos, "combination")}) in ${path}\n` +
      `when every shard is done: quorate sweep merge ${outDir}\n`,
  );
  return EXIT_OK;
}

/** The shard from --shard, or from --shards and JOB_COMPLETION_INDEX. */
function shardOf(args: SweepArgs): Shard | undefined {
  return withSweepInput(() => {
    if (args.shard !== undefined) {
      const s = parseShard(args.shard);
      if (args.shards !== undefined && args.shards !== s.count)
        throw new SweepInputError(`--shard ${args.shard} and --shards ${args.shards} disagree`);
      return s;
    }
    if (args.shards === undefined) return undefined;
    checkShard(0, args.shards, `--shards ${args.shards}`);
    return shardFromEnvironment(args.shards, process.env);
  });
}

/**
 * Runs a planned sweep: hands the runs not yet done to the executor, a bounded number at a time,
 * appends each line to the output file the moment it arrives, and stops handing out work when
 * asked (Ctrl-C); runs already in flight are finished and kept.
 */
import type { RunTask } from "./execute.js";
import type { OpenedOutput } from "./output-dir.js";
import type { SweepPlan } from "./plan.js";
import type { RunExecutor } from "./pool.js";
import { finalPath, finishResults } from "./results-file.js";
import { type RunLine, runKey } from "./run-line.js";

/** What to run, where to, and whom to tell. */
export interface SweepRunOptions {
  readonly plan: SweepPlan;
  readonly executor: RunExecutor;
  /** Where lines go (omit to keep results in memory only). */
  readonly output?: OpenedOutput;
  /** Called after each finished run with the counts so far (including resumed runs). */
  readonly onRun?: (line: RunLine, done: number, total: number) => void;
  /** Polled before each new task; true stops handing out work. */
  readonly shouldStop?: () => boolean;
}

/** What a sweep run ended with. */
export interface SweepOutcome {
  /** Every run of this process's part of the sweep that is done (resumed ones included). */
  readonly runs: readonly RunLine[];
  /** Runs taken over from an earlier attempt. */
  readonly resumed: number;
  /** Every planned run is done. */
  readonly complete: boolean;
  /** The final result file, when complete and writing to a directory. */
  readonly resultsPath?: string;
}

/** Runs the sweep. Rejects with the first run's error (a bug), after saving the finished runs. */
export async function runSweep(options: SweepRunOptions): Promise<SweepOutcome> {
  const { plan, executor, output } = options;
  const runs: RunLine[] = [...(output?.done ?? [])];
  const done = new Set(runs.map((r) => runKey(r.combination, r.seed)));
  const todo: RunTask[] = plan.tasks.filter((t) => !done.has(runKey(t.combination, t.seed)));
  const total = plan.tasks.length;
  const window = Math.max(1, executor.threads) * 4;
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  let failure: unknown;
  const stop = () => failure !== undefined || (options.shouldStop?.() ?? false);

  const launch = (task: RunTask): void => {
    const p = executor
      .run(task)
      .then((line) => {
        output?.live?.append(line);
        runs.push(line);
        options.onRun?.(line, runs.length, total);
      })
      .catch((e: unknown) => {
        failure ??= e;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  try {
    while (next < todo.length && !stop()) {
      while (inFlight.size < window && next < todo.length && !stop()) launch(todo[next++]!);
      await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    output?.live?.close();
  }
  if (failure !== undefined) throw failure;
  const complete = runs.length === total;
  let resultsPath: string | undefined;
  if (complete && output && !output.finished)
    resultsPath = finishResults(output.dir, output.base, plan.header, runs);
  else if (output?.finished) resultsPath = finalPath(output.dir, output.base);
  return {
    runs,
    resumed: output?.done.length ?? 0,
    complete,
    ...(resultsPath !== undefined ? { resultsPath } : {}),
  };
}

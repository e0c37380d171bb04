/**
 * Where a sweep's runs execute: a piscina pool of worker threads (one isolate each, so CPU-bound
 * seeds run in parallel; ../shared/reference/peers-perf-style.md §5.2), or the main thread
 * (`--workers 0`, for debugging and for tests that import the TypeScript sources directly).
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { packageRoot } from "../scenario/package-root.js";
import { type RunTask, runTask } from "./execute.js";
import type { RunLine } from "./run-line.js";

/** Runs tasks and hands back their lines. */
export interface RunExecutor {
  /** Worker threads (0 for the main thread). */
  readonly threads: number;
  run(task: RunTask): Promise<RunLine>;
  /** Stops the threads; pending tasks are abandoned. */
  close(): Promise<void>;
}

/** The default number of workers: the cores this process may use. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** An executor with `threads` worker threads, or the main thread when `threads` is 0. */
export function createExecutor(threads: number): RunExecutor {
  return threads === 0 ? inlineExecutor() : threadExecutor(threads);
}

/** A piscina pool of exactly `threads` threads, started up front. */
export function threadExecutor(threads: number): RunExecutor {
  const pool = new Piscina<RunTask, RunLine>({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    // Seeds are short CPU-bound tasks; keep the threads for the whole sweep.
    idleTimeout: 60_000,
  });
  return {
    threads,
    run: (task) => pool.run(task),
    close: () => pool.destroy(),
  };
}

/** Runs each task in the main thread, one event-loop turn apart so signals and progress get through. */
export function inlineExecutor(): RunExecutor {
  return {
    threads: 0,
    run: (task) =>
      new Promise((resolve, reject) => {
        setImmediate(() => {
          try {
            resolve(runTask(task));
          } catch (e) {
            reject(e);
          }
        });
      }),
    close: async () => {},
  };
}

/**
 * The compiled worker module. Beside this module after a build (dist/src/sweep/worker.js); when
 * this module runs from the TypeScript sources (vitest), the built copy in dist/ is used.
 */
export function workerFile(): string {
  const beside = new URL("./worker.js", import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside.href;
  const built = join(packageRoot(), "dist", "src", "sweep", "worker.js");
  if (existsSync(built)) return pathToFileURL(built).href;
  throw new Error(`cannot find the sweep worker (${fileURLToPath(beside)}); run \`npm run build\` first`);
}

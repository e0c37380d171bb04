/**
 * The piscina worker: each worker thread imports this module once and runs one task per call.
 * Every thread builds its own worlds, so nothing is shared between runs but the files on disk.
 */
import { type RunTask, runTask } from "./execute.js";
import type { RunLine } from "./run-line.js";

/** Runs one seed of one combination (piscina calls the default export). */
export default function runInWorker(task: RunTask): RunLine {
  return runTask(task);
}

/**
 * A sweep's output directory. Before the first run: refuse a directory that already holds this
 * file's results unless `--resume` was given, refuse to resume a different sweep, and only then
 * create the directory and the partial file, so bad input never leaves files behind.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { SweepInputError } from "./input-error.js";
import { finalPath, indexRuns, LiveResults, partialPath, readResultsFile } from "./results-file.js";
import type { RunLine, SweepHeader } from "./run-line.js";
import { sweepIdentity } from "./run-line.js";
import { shardFileBase } from "./shard.js";

/** The state of an output directory after opening it. */
export interface OpenedOutput {
  readonly dir: string;
  /** `runs` or `shard-<i>-of-<n>`. */
  readonly base: string;
  /** Runs already done (from a previous, interrupted attempt). */
  readonly done: readonly RunLine[];
  /** The file new runs are appended to; undefined when the results are already final. */
  readonly live: LiveResults | undefined;
  /** True when the final file already exists (an earlier attempt finished). */
  readonly finished: boolean;
}

/**
 * Checks the directory without changing anything. Throws SweepInputError for a directory that
 * holds results (without `resume`), a different sweep, or a path that is not a directory.
 */
export function checkOutput(dir: string, header: SweepHeader, resume: boolean): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new SweepInputError(`--out ${dir}: exists and is not a directory`);
  const base = shardFileBase(header.shard ?? undefined);
  for (const path of [finalPath(dir, base), partialPath(dir, base)]) {
    if (!existsSync(path)) continue;
    if (!resume) {
      throw new SweepInputError(
        `--out ${dir}: already holds results of a sweep (${path}); add --resume to continue it, or choose another directory`,
      );
    }
    const content = readResultsFile(path);
    if (sweepIdentity(content.header) !== sweepIdentity(header) || !sameShard(content.header, header)) {
      throw new SweepInputError(
        `--resume: ${path} holds a different sweep (experiment file, model profile, seeds, --set, --vary or shard differ); choose another --out`,
      );
    }
  }
}

/** Opens the directory for a checked sweep (after {@link checkOutput}). */
export function openOutput(dir: string, header: SweepHeader): OpenedOutput {
  const base = shardFileBase(header.shard ?? undefined);
  const final = finalPath(dir, base);
  if (existsSync(final)) {
    const content = readResultsFile(final);
    indexRuns(content.runs, final);
    return { dir, base, done: content.runs, live: undefined, finished: true };
  }
  mkdirSync(dir, { recursive: true });
  const partial = partialPath(dir, base);
  if (existsSync(partial)) {
    const content = readResultsFile(partial);
    indexRuns(content.runs, partial);
    return { dir, base, done: content.runs, live: LiveResults.reopen(partial, content), finished: false };
  }
  return { dir, base, done: [], live: LiveResults.create(partial, header), finished: false };
}

function sameShard(a: SweepHeader, b: SweepHeader): boolean {
  return a.shard?.index === b.shard?.index && a.shard?.count === b.shard?.count;
}

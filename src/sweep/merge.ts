/**
 * Combining a sweep's result files. A directory holds either `runs.jsonl` (one machine) or
 * `shard-<i>-of-<n>.jsonl` for i = 0…n−1 (one per Indexed Job pod); `quorate sweep merge` reads
 * them, checks they belong to one sweep, that no shard is missing and no run appears twice, and
 * hands back the runs with the header of the whole sweep — from which the summary is the same,
 * byte for byte, as that of a single-machine run.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { SweepInputError } from "./input-error.js";
import { finalPath, indexRuns, partialPath, readResultsFile } from "./results-file.js";
import { type RunLine, runKey, type SweepHeader, sweepIdentity } from "./run-line.js";
import { parseSeedRange } from "./seed-range.js";

/** The runs of a whole sweep. */
export interface LoadedSweep {
  /** The sweep's header, with `shard: null`. */
  readonly header: SweepHeader;
  readonly runs: readonly RunLine[];
  /** The files read. */
  readonly files: readonly string[];
  /** Planned runs that are not in the files, as `combination:seed` keys (empty when complete). */
  readonly missing: readonly string[];
}

const SHARD_FILE = /^shard-(\d+)-of-(\d+)\.jsonl$/;

/**
 * Loads a sweep from a directory (or one result file). Throws SweepInputError when nothing is
 * there, files disagree, a shard is missing, or a run appears twice.
 */
export function loadSweep(path: string): LoadedSweep {
  if (!existsSync(path)) throw new SweepInputError(`${path}: no such file or directory`);
  if (!statSync(path).isDirectory()) return fromFiles([path]);
  const names = readdirSync(path).sort();
  const shards = names
    .map((n) => SHARD_FILE.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], index: Number(m[1]), count: Number(m[2]) }));
  if (shards.length === 0) {
    const single = finalPath(path, "runs");
    if (existsSync(single)) return fromFiles([single]);
    const partial = partialPath(path, "runs");
    const hint = existsSync(partial)
      ? ` (${partial} is an unfinished sweep: continue it with quorate sweep … --out ${path} --resume)`
      : "";
    throw new SweepInputError(`${path}: no sweep results here (no runs.jsonl or shard-*-of-*.jsonl)${hint}`);
  }
  const counts = new Set(shards.map((s) => s.count));
  if (counts.size > 1)
    throw new SweepInputError(`${path}: shard files of different splits (${[...counts].join(", ")} shards)`);
  const count = shards[0]!.count;
  const have = new Set(shards.map((s) => s.index));
  const absent: string[] = [];
  for (let i = 0; i < count; i++) {
    if (have.has(i)) continue;
    const partial = partialPath(path, `shard-${i}-of-${count}`);
    absent.push(existsSync(partial) ? `${i} (unfinished: ${partial})` : String(i));
  }
  if (absent.length > 0)
    throw new SweepInputError(
      `${path}: missing shard${absent.length > 1 ? "s" : ""} ${absent.join(", ")} of ${count}`,
    );
  return fromFiles(shards.sort((a, b) => a.index - b.index).map((s) => join(path, s.name)));
}

function fromFiles(files: readonly string[]): LoadedSweep {
  let header: SweepHeader | undefined;
  const runs: RunLine[] = [];
  for (const file of files) {
    const content = readResultsFile(file);
    if (header && sweepIdentity(header) !== sweepIdentity(content.header))
      throw new SweepInputError(`${file}: belongs to a different sweep than ${files[0]}`);
    header ??= { ...content.header, shard: null };
    runs.push(...content.runs);
  }
  if (!header) throw new SweepInputError("no result files");
  const byKey = indexRuns(runs, files.length === 1 ? files[0]! : "the shard files");
  const missing: string[] = [];
  const seeds = parseSeedRange(header.seeds);
  for (const c of header.combinations) {
    for (const seed of seeds) {
      if (!byKey.has(runKey(c.index, seed))) missing.push(runKey(c.index, seed));
    }
  }
  return { header, runs, files, missing };
}

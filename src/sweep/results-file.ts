/**
 * Reading and writing a sweep's result files (format in run-line.ts).
 *
 * While a sweep runs, each finished run is appended to `<base>.partial.jsonl` at once (one write
 * per line), so an interrupted sweep loses nothing and `--resume` skips what is there. A line cut
 * short by a crash is dropped when the file is read back. When every run is done, the runs are
 * sorted by (combination, seed) and written to `<base>.jsonl` atomically, and the partial file is
 * removed: the final file's bytes depend only on the sweep, never on timing or worker count.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-file.js";
import { SweepInputError } from "./input-error.js";
import {
  asHeader,
  asRunLine,
  compareRuns,
  headerLine,
  type RunLine,
  runKey,
  runLine,
  type SweepHeader,
} from "./run-line.js";

/** What a result file holds. */
export interface ResultsContent {
  readonly header: SweepHeader;
  readonly runs: RunLine[];
  /** Bytes of an unfinished last line (a crash mid-write), 0 normally. */
  readonly torn: number;
}

/** The file a finished sweep (or shard) leaves: `<dir>/<base>.jsonl`. */
export function finalPath(dir: string, base: string): string {
  return join(dir, `${base}.jsonl`);
}

/** The file runs are appended to while the sweep runs: `<dir>/<base>.partial.jsonl`. */
export function partialPath(dir: string, base: string): string {
  return join(dir, `${base}.partial.jsonl`);
}

/**
 * Reads a result file. Throws SweepInputError when it cannot be read, has no sweep header, or a
 * line other than the last is damaged; a damaged last line (a crash mid-write) is reported in
 * `torn` and left out.
 */
export function readResultsFile(path: string): ResultsContent {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new SweepInputError(`${path}: cannot read it (${(e as Error).message})`);
  }
  const endsWithNewline = text.endsWith("\n");
  const lines = text.split("\n");
  const tail = lines.pop() ?? "";
  const torn = endsWithNewline ? 0 : Buffer.byteLength(tail);
  const header = asHeader(parseJson(lines[0]));
  if (!header) {
    if (lines.length === 0 && torn > 0) throw new SweepInputError(`${path}: the file ends inside its header`);
    throw new SweepInputError(`${path}: not a quorate sweep result file (no sweep header on line 1)`);
  }
  const runs: RunLine[] = [];
  for (let i = 1; i < lines.length; i++) {
    const run = asRunLine(parseJson(lines[i]));
    if (!run) throw new SweepInputError(`${path}:${i + 1}: damaged line; expected one run as JSON`);
    runs.push(run);
  }
  return { header, runs, torn };
}

/** Runs keyed by (combination, seed); a repeated run is refused. */
export function indexRuns(runs: readonly RunLine[], where: string): Map<string, RunLine> {
  const byKey = new Map<string, RunLine>();
  for (const r of runs) {
    const key = runKey(r.combination, r.seed);
    if (byKey.has(key))
      throw new SweepInputError(`${where}: combination ${r.combination} seed ${r.seed} appears twice`);
    byKey.set(key, r);
  }
  return byKey;
}

/** A partial file open for appending. */
export class LiveResults {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Creates the partial file with its header. */
  static create(path: string, header: SweepHeader): LiveResults {
    const fd = openSync(path, "wx");
    writeSync(fd, headerLine(header));
    return new LiveResults(path, fd);
  }

  /**
   * Opens an existing partial file to continue it, after cutting off a torn last line. The caller
   * has checked its header.
   */
  static reopen(path: string, content: ResultsContent): LiveResults {
    const fd = openSync(path, "r+");
    if (content.torn > 0) {
      ftruncateSync(fd, fstatSync(fd).size - content.torn);
    }
    closeSync(fd);
    return new LiveResults(path, openSync(path, "a"));
  }

  /** Appends one run (a single write, so a line is either whole or the last, torn one). */
  append(run: RunLine): void {
    if (this.fd === undefined) throw new Error("results file already closed");
    writeSync(this.fd, runLine(run));
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The bytes of a finished result file: header, then runs sorted by (combination, seed). */
export function renderResults(header: SweepHeader, runs: readonly RunLine[]): string {
  const sorted = [...runs].sort(compareRuns);
  return headerLine(header) + sorted.map(runLine).join("");
}

/** Writes the finished file atomically and removes the partial one. */
export function finishResults(
  dir: string,
  base: string,
  header: SweepHeader,
  runs: readonly RunLine[],
): string {
  const path = finalPath(dir, base);
  writeFileAtomic(path, renderResults(header, runs));
  const partial = partialPath(dir, base);
  if (existsSync(partial)) unlinkSync(partial);
  return path;
}

function parseJson(line: string | undefined): unknown {
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

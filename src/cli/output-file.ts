/**
 * Output files named on the command line (`--perfetto out.json`, `--html out.html`): checked
 * before the work starts, so a bad path is refused with exit 2 before anything runs, and written
 * atomically, so a failure never leaves a half-written file under the requested name.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { writeFileAtomic } from "../sweep/atomic-file.js";
import { UsageError } from "./exit.js";

/** Refuses a path whose directory does not exist or that names a directory. */
export function checkOutputFile(flag: string, path: string): void {
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`${flag} ${path}: the directory ${dir} does not exist`);
  if (existsSync(path) && statSync(path).isDirectory())
    throw new UsageError(`${flag} ${path}: is a directory; name a file`);
}

/** Writes the file whole or not at all. */
export function writeOutputFile(flag: string, path: string, content: string): void {
  try {
    writeFileAtomic(path, content);
  } catch (e) {
    throw new UsageError(`${flag} ${path}: cannot write there (${(e as Error).message})`);
  }
}

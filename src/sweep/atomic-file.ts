/**
 * Output files appear whole or not at all: content goes to a temporary file beside the target
 * (named after the process and thread, so parallel writers never share one) and is renamed into
 * place, which is atomic on one file system. A crash leaves at most a `.partial` file behind,
 * never a half-written file under the requested name.
 */
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { threadId } from "node:worker_threads";

let written = 0;

/** Writes `content` to `path` atomically. Throws the file system's error (the caller words it). */
export function writeFileAtomic(path: string, content: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${threadId}-${written++}.partial`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  }
}

/**
 * A trace sink that writes JSON Lines to a file. It writes to a temporary file beside the target
 * and renames it into place on close, so an interrupted or failed run never leaves a half-written
 * trace under the requested name; `abort()` removes the temporary file.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { threadId } from "node:worker_threads";
import { type TraceRecord, type TraceSink, toJsonLine } from "./trace.js";

const FLUSH_BYTES = 1 << 20;

/** Sinks opened by this thread so far; part of the temporary name so two sinks never share one. */
let sinksOpened = 0;

export class JsonlFileSink implements TraceSink {
  private readonly tmpPath: string;
  private fd: number | undefined;
  private buffer: string[] = [];
  private bufferedChars = 0;

  constructor(readonly path: string) {
    // pid + worker thread + counter: parallel seeds in worker threads of one process, or two
    // sinks for the same path, must not write into the same temporary file.
    this.tmpPath = join(
      dirname(path),
      `.${basename(path)}.${process.pid}-${threadId}-${sinksOpened++}.partial`,
    );
    this.fd = openSync(this.tmpPath, "w");
  }

  write(record: TraceRecord): void {
    const line = toJsonLine(record);
    this.buffer.push(line);
    this.bufferedChars += line.length;
    if (this.bufferedChars >= FLUSH_BYTES) this.flush();
  }

  /** Flushes and moves the file into place. */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
    renameSync(this.tmpPath, this.path);
  }

  /** Discards everything written: the target file is not created. */
  abort(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    try {
      unlinkSync(this.tmpPath);
    } catch {
      // already gone
    }
  }

  private flush(): void {
    if (this.fd === undefined || this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(""));
    this.buffer = [];
    this.bufferedChars = 0;
  }
}

/**
 * A trace sink that writes JSON Lines to a file. It writes to a temporary file beside the target
 * and renames it into place on close, so an interrupted or failed run never leaves a half-written
 * trace under the requested name; `abort()` removes the temporary file.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type TraceRecord, type TraceSink, toJsonLine } from "./trace.js";

const FLUSH_BYTES = 1 << 20;

export class JsonlFileSink implements TraceSink {
  private readonly tmpPath: string;
  private fd: number | undefined;
  private buffer: string[] = [];
  private bufferedChars = 0;

  constructor(readonly path: string) {
    this.tmpPath = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
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

/**
 * Writing a command's whole output to standard output, synchronously (so it is all out before the
 * process exits with its code). A pipe may be in non-blocking mode (a parent such as a test runner
 * or a shell pipeline can set it so); then a write can take only part of the text or fail with
 * EAGAIN while the reader is busy, so the rest is written once the pipe has room. A reader that
 * went away (`quorate run … | head`, EPIPE) ends the output quietly, as command-line tools do.
 */
import { writeSync } from "node:fs";

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `data` to fd 1 (standard output). */
export function writeStdout(data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset, bytes.length - offset);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        // The pipe is full: wait a moment for the reader (Atomics.wait sleeps without spinning).
        Atomics.wait(pause, 0, 0, 2);
        continue;
      }
      if (code === "EPIPE") return;
      throw e;
    }
  }
}

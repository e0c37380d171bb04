/**
 * Standard output on a non-blocking pipe: partial writes and EAGAIN are retried until every byte
 * is out (once seen as "internal error: EAGAIN: resource temporarily unavailable, write" when a
 * run's JSON went into a busy pipe), and a reader that went away (EPIPE) ends the output quietly.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const written: Buffer[] = [];
let script: ("eagain" | "epipe" | "ebadf" | number)[] = [];

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    writeSync: (fd: number, buf: Uint8Array, offset: number, length: number) => {
      expect(fd).toBe(1);
      const step = script.shift() ?? length;
      if (step === "eagain") throw Object.assign(new Error("EAGAIN"), { code: "EAGAIN" });
      if (step === "epipe") throw Object.assign(new Error("EPIPE"), { code: "EPIPE" });
      if (step === "ebadf") throw Object.assign(new Error("EBADF"), { code: "EBADF" });
      const n = Math.min(step, length);
      written.push(Buffer.from(buf.subarray(offset, offset + n)));
      return n;
    },
  };
});

const { writeStdout } = await import("../../src/cli/stdout.js");

describe("writeStdout", () => {
  beforeEach(() => {
    written.length = 0;
    script = [];
  });

  it("writes everything through partial writes and EAGAIN", () => {
    const text = `${"x".repeat(70_000)}é\n`;
    script = [1000, "eagain", "eagain", 30_000, "eagain", 5];
    writeStdout(text);
    expect(Buffer.concat(written).toString("utf8")).toBe(text);
  });

  it("stops quietly when the reader has gone (EPIPE)", () => {
    script = [10, "epipe"];
    expect(() => writeStdout("0123456789abcdef")).not.toThrow();
    expect(Buffer.concat(written).toString()).toBe("0123456789");
  });

  it("passes other errors on", () => {
    script = ["ebadf"];
    expect(() => writeStdout("text")).toThrow("EBADF");
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JsonlFileSink } from "../../src/sim/jsonl.js";
import { Trace, type TraceRecord, toJsonLine } from "../../src/sim/trace.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "quorate-jsonl-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function records(n: number): TraceRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    t: i * 1_000,
    kind: "client.write",
    subject: `client-${i % 4}`,
    ok: i % 7 !== 0,
    key: `/registry/leases/kube-node-lease/node-${i}`,
  }));
}

describe("JsonlFileSink", () => {
  it("writes one JSON line per record, byte for byte what toJsonLine gives", () => {
    const path = join(dir, "trace.jsonl");
    const sink = new JsonlFileSink(path);
    const rs = records(100);
    for (const r of rs) sink.write(r);
    sink.close();
    expect(readFileSync(path, "utf8")).toBe(rs.map(toJsonLine).join(""));
    expect(readdirSync(dir)).toEqual(["trace.jsonl"]);
  });

  it("shows nothing under the final name until close(), even after megabytes were flushed", () => {
    const path = join(dir, "big.jsonl");
    const sink = new JsonlFileSink(path);
    const rs = records(30_000); // > 1 MiB, so the buffer is flushed to the temporary file several times
    for (const r of rs) sink.write(r);
    expect(existsSync(path)).toBe(false);
    const partial = readdirSync(dir);
    expect(partial).toHaveLength(1);
    expect(partial[0]).toMatch(/^\.big\.jsonl\..*\.partial$/);
    expect(readFileSync(join(dir, partial[0]!), "utf8").length).toBeGreaterThan(1 << 20);
    sink.close();
    expect(readFileSync(path, "utf8")).toBe(rs.map(toJsonLine).join(""));
    expect(readdirSync(dir)).toEqual(["big.jsonl"]);
  });

  it("abort() leaves no file at all: neither the target nor the partial one", () => {
    const path = join(dir, "aborted.jsonl");
    const sink = new JsonlFileSink(path);
    for (const r of records(30_000)) sink.write(r);
    sink.abort();
    expect(readdirSync(dir)).toEqual([]);
    sink.close(); // closing after abort must not resurrect anything
    expect(readdirSync(dir)).toEqual([]);
  });

  it("keeps an earlier trace at the same path intact when the new run aborts, and replaces it on close", () => {
    const path = join(dir, "run.jsonl");
    writeFileSync(path, "previous run\n");
    const aborted = new JsonlFileSink(path);
    aborted.write(records(1)[0]!);
    aborted.abort();
    expect(readFileSync(path, "utf8")).toBe("previous run\n");

    const finished = new JsonlFileSink(path);
    const rs = records(3);
    for (const r of rs) finished.write(r);
    expect(readFileSync(path, "utf8")).toBe("previous run\n");
    finished.close();
    expect(readFileSync(path, "utf8")).toBe(rs.map(toJsonLine).join(""));
  });

  it("close() twice, or abort() after close(), changes nothing", () => {
    const path = join(dir, "twice.jsonl");
    const sink = new JsonlFileSink(path);
    sink.write(records(1)[0]!);
    sink.close();
    sink.close();
    sink.abort();
    expect(readFileSync(path, "utf8")).toBe(toJsonLine(records(1)[0]!));
  });

  it("lets two sinks for the same path in one process work without mixing their lines", () => {
    const path = join(dir, "shared.jsonl");
    const a = new JsonlFileSink(path);
    const b = new JsonlFileSink(path);
    const ra = records(20_000);
    const rb = records(5).map((r) => ({ ...r, subject: "other" }));
    for (const r of ra) a.write(r);
    for (const r of rb) b.write(r);
    a.close();
    expect(readFileSync(path, "utf8")).toBe(ra.map(toJsonLine).join(""));
    b.close();
    expect(readFileSync(path, "utf8")).toBe(rb.map(toJsonLine).join(""));
  });

  it("receives a run's records through Trace and is finished by Trace.close()", () => {
    const path = join(dir, "via-trace.jsonl");
    const trace = new Trace().addSink(new JsonlFileSink(path));
    trace.emit(0, "run.start", "world", { seed: 1 });
    trace.emit(5_000_000, "run.end", "world", { events: 42 });
    expect(existsSync(path)).toBe(false);
    trace.close();
    expect(readFileSync(path, "utf8")).toBe(
      '{"t":0,"kind":"run.start","subject":"world","seed":1}\n' +
        '{"t":5000000,"kind":"run.end","subject":"world","events":42}\n',
    );
  });
});

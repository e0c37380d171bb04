import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemorySink, Trace, type TraceRecord, type TraceSink, toJsonLine } from "../../src/sim/trace.js";

describe("Trace", () => {
  it("builds records as {t, kind, subject, ...fields}, in that key order", () => {
    const trace = new Trace();
    const r = trace.emit(1_500, "raft.role", "member-1", { role: "leader", term: 2 });
    expect(Object.keys(r)).toEqual(["t", "kind", "subject", "role", "term"]);
    expect(trace.emit(2_000, "vm.power", "cp-0")).toEqual({ t: 2_000, kind: "vm.power", subject: "cp-0" });
    expect(trace.length).toBe(2);
  });

  it("refuses a field that would replace t, kind or subject", () => {
    const trace = new Trace();
    for (const key of ["t", "kind", "subject"]) {
      expect(() => trace.emit(1, "etcd.role", "cp-0", { [key]: "x" })).toThrow(
        /may not be named t, kind or subject/,
      );
    }
    expect(trace.length).toBe(0);
  });

  it("sends each record to every sink, and a new sink only sees what comes after it", () => {
    const early = new MemorySink();
    const late = new MemorySink();
    const trace = new Trace().addSink(early);
    trace.emit(1, "a", "x");
    trace.addSink(late);
    const second = trace.emit(2, "b", "y");
    expect(early.records.map((r) => r.kind)).toEqual(["a", "b"]);
    expect(late.records).toEqual([second]);
    expect(late.records[0]).toBe(early.records[1]);
  });

  it("close() closes the sinks that can be closed", () => {
    const closed: string[] = [];
    const closing: TraceSink = { write() {}, close: () => closed.push("closing") };
    const plain: TraceSink = { write() {} };
    new Trace().addSink(plain).addSink(closing).close();
    expect(closed).toEqual(["closing"]);
  });
});

describe("MemorySink", () => {
  it("keeps records in order and filters them by kind", () => {
    const sink = new MemorySink();
    const trace = new Trace().addSink(sink);
    trace.emit(1, "raft.role", "m1");
    trace.emit(2, "vm.power", "cp-0");
    trace.emit(3, "raft.term", "m1");
    trace.emit(4, "raft.role", "m2");
    expect(sink.ofKind("raft.role").map((r) => r.t)).toEqual([1, 4]);
    expect(sink.ofKind("raft.role", "raft.term").map((r) => r.t)).toEqual([1, 3, 4]);
    expect(sink.ofKind("none")).toEqual([]);
  });
});

describe("toJsonLine", () => {
  it("writes exactly these bytes", () => {
    const r: TraceRecord = { t: 1_500, kind: "raft.role", subject: "member-1", role: "leader", term: 2 };
    expect(toJsonLine(r)).toBe(
      '{"t":1500,"kind":"raft.role","subject":"member-1","role":"leader","term":2}\n',
    );
  });

  it("writes Maps as objects, Sets as arrays and bigints as strings", () => {
    const r: TraceRecord = {
      t: 0,
      kind: "etcd.members",
      subject: "cluster",
      votes: new Map([
        ["m1", true],
        ["m2", false],
      ]),
      voters: new Set(["m1", "m2"]),
      revision: 12345678901234567890n,
    };
    expect(toJsonLine(r)).toBe(
      '{"t":0,"kind":"etcd.members","subject":"cluster","votes":{"m1":true,"m2":false},' +
        '"voters":["m1","m2"],"revision":"12345678901234567890"}\n',
    );
  });

  it("is one line per record, stable through a parse and re-serialise (for field names that are not integers)", () => {
    const fieldName = fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((k) => !/^\d+$/.test(k) && !["t", "kind", "subject", "__proto__"].includes(k));
    fc.assert(
      fc.property(
        fc.nat(),
        fc.string(),
        fc.string(),
        fc.dictionary(fieldName, fc.jsonValue()),
        (t, kind, subject, fields) => {
          const line = toJsonLine(new Trace().emit(t, kind, subject, fields));
          expect(line.endsWith("\n")).toBe(true);
          expect(line.slice(0, -1)).not.toContain("\n");
          expect(toJsonLine(JSON.parse(line) as TraceRecord)).toBe(line);
        },
      ),
    );
  });
});

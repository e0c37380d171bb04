import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Disk } from "../../src/infra/disk.js";
import { constant } from "../../src/sim/distribution.js";
import { MILLISECOND, SECOND } from "../../src/sim/time.js";
import { simWithTrace } from "./helpers.js";

function diskWith(latencyUs = 2 * MILLISECOND) {
  const { sim, sink } = simWithTrace(1);
  const disk = new Disk(sim, "cp-1/disk", { fsyncLatency: constant(latencyUs) });
  return { sim, sink, disk };
}

describe("Disk fsync", () => {
  it("completes an fsync after its latency", () => {
    const { sim, disk } = diskWith();
    const done: number[] = [];
    disk.fsync(() => done.push(sim.now));
    sim.runUntil(SECOND);
    expect(done).toEqual([2_000]);
    expect(disk.stats()).toMatchObject({ fsyncs: 1, fsyncTotalUs: 2_000, fsyncMaxUs: 2_000 });
  });

  it("serialises fsyncs: each waits for the one before (property over random issue times)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 40 }),
        (issueTimes) => {
          const { sim, disk } = diskWith(3_000);
          const completions: number[] = [];
          const sorted = [...issueTimes].sort((a, b) => a - b);
          for (const t of sorted) sim.at(t, () => disk.fsync(() => completions.push(sim.now)));
          sim.runUntil(10 * SECOND);
          expect(completions.length).toBe(sorted.length);
          let free = 0;
          sorted.forEach((t, i) => {
            const expected = Math.max(t, free) + 3_000;
            expect(completions[i]).toBe(expected);
            free = expected;
          });
        },
      ),
    );
  });

  it("slows fsyncs under the slow-disk fault (factor and added latency) until cleared", () => {
    const { sim, disk, sink } = diskWith(2_000);
    const done: number[] = [];
    disk.slow({ factor: 10, extra: SECOND });
    disk.fsync(() => done.push(sim.now));
    sim.runUntil(10 * SECOND);
    disk.clearSlow();
    const t0 = sim.now;
    disk.fsync(() => done.push(sim.now - t0));
    sim.runUntil(20 * SECOND);
    expect(done).toEqual([20_000 + SECOND, 2_000]);
    expect(sink.ofKind("disk.slow").map((r) => [r.subject, r.factor, r.extra, r.on])).toEqual([
      ["cp-1/disk", 10, "1s", true],
      ["cp-1/disk", undefined, undefined, false],
    ]);
  });

  it("draws fsync latencies from the default distribution within the etcd guidance", () => {
    const { sim } = simWithTrace(5);
    const disk = new Disk(sim, "d");
    const latencies: number[] = [];
    let last = 0;
    const next = (): void => {
      disk.fsync(() => {
        latencies.push(sim.now - last);
        last = sim.now;
        if (latencies.length < 2_000) next();
      });
    };
    next();
    sim.runUntil(3_600 * SECOND);
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    expect(p99).toBeLessThan(10 * MILLISECOND);
    expect(latencies[1_000]).toBeGreaterThan(500);
  });
});

describe("Disk durability", () => {
  it("reads back what was written, and keeps it through a power loss once fsynced", () => {
    const { sim, disk } = diskWith();
    disk.write("member/wal", "0001", { index: 1 });
    disk.fsync(() => undefined);
    sim.runUntil(SECOND);
    disk.write("member/wal", "0002", { index: 2 });
    expect(disk.read("member/wal", "0002")).toEqual({ index: 2 });
    disk.crash();
    expect(disk.read("member/wal", "0001")).toEqual({ index: 1 });
    expect(disk.read("member/wal", "0002")).toBeUndefined();
    expect(disk.stats().lostWrites).toBe(1);
  });

  it("makes durable only the writes issued before the fsync", () => {
    const { sim, disk } = diskWith();
    disk.write("d", "a", 1);
    disk.fsync(() => undefined);
    disk.write("d", "b", 2);
    sim.runUntil(SECOND);
    expect(disk.readDurable("d", "a")).toBe(1);
    expect(disk.readDurable("d", "b")).toBeUndefined();
    expect(disk.unsyncedWrites).toBe(1);
  });

  it("never runs the callbacks of fsyncs cut short by a power loss", () => {
    const { sim, disk, sink } = diskWith();
    const done: number[] = [];
    disk.write("d", "k", 1);
    disk.fsync(() => done.push(1));
    disk.fsync(() => done.push(2));
    sim.runUntil(1_000);
    disk.crash();
    sim.runUntil(SECOND);
    expect(done).toEqual([]);
    expect(disk.read("d", "k")).toBeUndefined();
    expect(sink.ofKind("disk.crash").map((r) => [r.lostWrites, r.droppedFsyncs])).toEqual([[1, 2]]);
    disk.fsync(() => done.push(3));
    sim.runUntil(2 * SECOND);
    expect(done).toEqual([3]);
  });

  it("removes a key durably after fsync", () => {
    const { sim, disk } = diskWith();
    disk.write("d", "k", 1);
    disk.fsync(() => undefined);
    sim.runUntil(SECOND);
    disk.remove("d", "k");
    expect(disk.has("d", "k")).toBe(false);
    disk.crash();
    expect(disk.read("d", "k")).toBe(1);
    disk.remove("d", "k");
    disk.fsync(() => undefined);
    sim.runUntil(2 * SECOND);
    disk.crash();
    expect(disk.has("d", "k")).toBe(false);
  });

  it("loses a whole directory on wipe, durable or not, and nothing else", () => {
    const { sim, disk, sink } = diskWith();
    disk.write("etcd", "wal", 1);
    disk.write("kubelet", "pki", 2);
    disk.fsync(() => undefined);
    sim.runUntil(SECOND);
    disk.write("etcd", "snap", 3);
    disk.wipe("etcd");
    expect(disk.keys("etcd")).toEqual([]);
    expect(disk.dirs()).toEqual(["kubelet"]);
    disk.fsync(() => undefined);
    sim.runUntil(2 * SECOND);
    disk.crash();
    expect(disk.read("etcd", "snap")).toBeUndefined();
    expect(disk.read("etcd", "wal")).toBeUndefined();
    expect(disk.read("kubelet", "pki")).toBe(2);
    expect(sink.ofKind("disk.wipe").map((r) => [r.dir, r.keys])).toEqual([["etcd", 2]]);
  });

  it("holds fsync callbacks while paused and runs them on resume", () => {
    const { sim, disk } = diskWith(2_000);
    const done: number[] = [];
    disk.write("d", "k", 1);
    disk.fsync(() => done.push(sim.now));
    disk.pause();
    sim.runUntil(SECOND);
    expect(done).toEqual([]);
    expect(disk.readDurable("d", "k")).toBe(1);
    disk.resume();
    sim.runUntil(2 * SECOND);
    expect(done).toEqual([SECOND]);
  });

  it("keeps exactly the writes an fsync covered through any mix of writes, fsyncs, crashes and wipes", () => {
    type Op =
      | { op: "write"; dir: string; key: string; value: number }
      | { op: "remove"; dir: string; key: string }
      | { op: "fsync" }
      | { op: "fsyncLater" }
      | { op: "crash" }
      | { op: "wipe"; dir: string };
    const dir = fc.constantFrom("a", "b");
    const key = fc.constantFrom("x", "y", "z");
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant("write" as const), dir, key, value: fc.nat(99) }),
      fc.record({ op: fc.constant("remove" as const), dir, key }),
      fc.record({ op: fc.constant("fsync" as const) }),
      fc.record({ op: fc.constant("fsyncLater" as const) }),
      fc.record({ op: fc.constant("crash" as const) }),
      fc.record({ op: fc.constant("wipe" as const), dir }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const { sim, disk } = diskWith(MILLISECOND);
        // Reference: durable values, and the writes not yet durable in issue order.
        const durable = new Map<string, number>();
        let pending: { dir: string; key: string; value: number | undefined }[] = [];
        for (const o of ops) {
          switch (o.op) {
            case "write":
              disk.write(o.dir, o.key, o.value);
              pending.push({ dir: o.dir, key: o.key, value: o.value });
              break;
            case "remove":
              disk.remove(o.dir, o.key);
              pending.push({ dir: o.dir, key: o.key, value: undefined });
              break;
            case "fsync":
              disk.fsync(() => {});
              sim.runUntil(sim.now + SECOND);
              for (const w of pending) {
                if (w.value === undefined) durable.delete(`${w.dir}/${w.key}`);
                else durable.set(`${w.dir}/${w.key}`, w.value);
              }
              pending = [];
              break;
            case "fsyncLater":
              // Issued, then cut short by the crash or covered by a later fsync.
              disk.fsync(() => {});
              break;
            case "crash":
              disk.crash();
              pending = [];
              break;
            case "wipe":
              disk.wipe(o.dir);
              for (const k of [...durable.keys()]) if (k.startsWith(`${o.dir}/`)) durable.delete(k);
              pending = pending.filter((w) => w.dir !== o.dir);
              break;
          }
          expect(disk.unsyncedWrites).toBe(pending.length);
          for (const d of ["a", "b"])
            for (const k of ["x", "y", "z"]) expect(disk.readDurable(d, k)).toBe(durable.get(`${d}/${k}`));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("refuses any use once destroyed with its VM", () => {
    const { disk } = diskWith();
    disk.write("d", "k", 1);
    disk.destroy();
    expect(disk.destroyed).toBe(true);
    expect(() => disk.read("d", "k")).toThrow(/destroyed/);
    expect(() => disk.fsync(() => undefined)).toThrow(/destroyed/);
  });
});

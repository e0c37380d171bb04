import { describe, expect, it } from "vitest";
import type { WatchEvent } from "../../src/etcd/client-api.js";
import { MvccStore, WorkloadValue } from "../../src/etcd/mvcc.js";

describe("MvccStore", () => {
  it("numbers writes with revisions and keeps create/mod revision and version per key", () => {
    const s = new MvccStore();
    const ev: WatchEvent[] = [];
    expect(s.revision).toBe(1);
    s.apply({ type: "put", key: "/a", value: 1, bytes: 1 }, ev);
    s.apply({ type: "put", key: "/a", value: 2, bytes: 1 }, ev);
    s.apply({ type: "put", key: "/b", value: 3, bytes: 1 }, ev);
    const a = s.getKey("/a")!;
    expect([a.createRevision, a.modRevision, a.version, a.value]).toEqual([2, 3, 2, 2]);
    expect(s.revision).toBe(4);
    // Deleting a missing key does not move the revision.
    s.apply({ type: "delete", key: "/zzz", prefix: false }, ev);
    expect(s.revision).toBe(4);
    s.apply({ type: "delete", key: "/", prefix: true }, ev);
    expect(s.revision).toBe(5);
    expect(s.keyCount).toBe(0);
    expect(ev.map((e) => e.type)).toEqual(["put", "put", "put", "delete", "delete"]);
  });

  it("ranges over a prefix in key order with a limit", () => {
    const s = new MvccStore();
    for (const k of ["/r/c", "/r/a", "/x", "/r/b"]) s.apply({ type: "put", key: k, value: k, bytes: 1 }, []);
    const r = s.range("/r/", true, 2);
    expect(r.kvs.map((kv) => kv.key)).toEqual(["/r/a", "/r/b"]);
    expect(r.count).toBe(3);
  });

  it("runs transactions atomically at one revision", () => {
    const s = new MvccStore();
    s.apply({ type: "put", key: "/k", value: "v1", bytes: 2 }, []);
    const r = s.apply(
      {
        type: "txn",
        compares: [{ key: "/k", target: "value", op: "=", operand: "v1" }],
        success: [
          { type: "put", key: "/k", value: "v2", bytes: 2 },
          { type: "put", key: "/k2", value: "x", bytes: 1 },
        ],
        failure: [],
      },
      [],
    ) as { succeeded: boolean; revision: number };
    expect(r.succeeded).toBe(true);
    expect(s.getKey("/k")!.modRevision).toBe(s.getKey("/k2")!.modRevision);
    const miss = s.apply(
      {
        type: "txn",
        compares: [{ key: "/none", target: "version", op: ">", operand: 0 }],
        success: [],
        failure: [],
      },
      [],
    ) as { succeeded: boolean };
    expect(miss.succeeded).toBe(false);
  });

  it("tracks workload writes and restores from an image without sharing state", () => {
    const s = new MvccStore();
    for (let i = 1; i <= 5; i++)
      s.apply({ type: "put", key: `/w/${i % 2}`, value: new WorkloadValue(i), bytes: 8 }, []);
    const img = s.image();
    s.apply({ type: "put", key: "/w/9", value: new WorkloadValue(6), bytes: 8 }, []);
    const t = new MvccStore();
    t.restore(img);
    expect(t.appliedWrites.size).toBe(5);
    expect(s.appliedWrites.size).toBe(6);
    expect(t.revision).toBe(img.revision);
    expect(t.eventsSince(img.revision, () => true)).toBe("compacted");
    expect(t.eventsSince(img.revision + 1, () => true)).toEqual([]);
  });

  it("keeps a bounded history for watches", () => {
    const s = new MvccStore(3);
    for (let i = 0; i < 10; i++) s.apply({ type: "put", key: "/h", value: i, bytes: 1 }, []);
    expect(s.eventsSince(2, () => true)).toBe("compacted");
    const recent = s.eventsSince(s.revision - 2, () => true);
    expect(recent === "compacted" ? [] : recent.map((e) => e.kv.value)).toEqual([7, 8, 9]);
  });
});

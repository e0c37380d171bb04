import { describe, expect, it } from "vitest";
import { EtcdNetworkClient } from "../../src/etcd/client.js";
import type { Callback, EtcdClient, PutResponse, Result } from "../../src/etcd/client-api.js";
import { ETCD_UNIT } from "../../src/etcd/etcd-unit.js";
import { ClientWorkload } from "../../src/etcd/workload.js";
import { WriteLedger } from "../../src/etcd/write-ledger.js";
import { Simulation } from "../../src/sim/simulation.js";
import { MILLISECOND, SECOND } from "../../src/sim/time.js";
import { MemorySink, Trace } from "../../src/sim/trace.js";
import { awaitLeader, call, testCluster } from "./helpers.js";

describe("network client", () => {
  it("fails over at once when an endpoint refuses (the request never reached a server)", () => {
    const t = testCluster({ seed: 31 });
    const leader = awaitLeader(t);
    const follower = t.names.find((n) => n !== leader.host)!;
    t.systemd.get(follower)!.kill(ETCD_UNIT);
    const c = new EtcdNetworkClient(t.sim, t.network, "client", { endpoints: [follower, leader.host] });
    const r = call(t, (d) => c.put("/f", 1, 1, d));
    expect(r.ok).toBe(true);
    expect(r.atUs - r.startUs).toBeLessThan(50 * MILLISECOND);
  });

  it("an unreachable endpoint costs one deadline, then leaves the rotation until it answers a connect", () => {
    const t = testCluster({ seed: 32 });
    const leader = awaitLeader(t);
    const follower = t.names.find((n) => n !== leader.host)!;
    t.hypervisor.powerOff(follower);
    const others = t.names.filter((n) => n !== follower);
    const c = new EtcdNetworkClient(t.sim, t.network, "client", {
      endpoints: [follower, ...others],
      requestTimeoutUs: 2 * SECOND,
    });
    const first = call(t, (d) => c.put("/u", 1, 1, d));
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.error.message).toBe("context deadline exceeded");
    const later: Result<PutResponse>[] = [];
    for (let i = 0; i < 6; i++) later.push(call(t, (d) => c.put(`/u${i}`, i, 1, d)));
    expect(later.every((r) => r.ok)).toBe(true);
  });

  it("fails each unanswered request at exactly its own deadline, in deadline order", () => {
    const t = testCluster({ seed: 34 });
    awaitLeader(t);
    // Nothing answers a powered-off VM: every request waits for its deadline.
    for (const n of t.names) t.hypervisor.powerOff(n);
    const c = new EtcdNetworkClient(t.sim, t.network, "client", { endpoints: t.names });
    const failed: [string, number][] = [];
    const start = t.sim.now;
    const send = (name: string, atUs: number, timeoutUs?: number) =>
      t.sim.at(start + atUs, () =>
        c.put(
          `/${name}`,
          1,
          1,
          (r) => failed.push([r.ok ? "ok" : `${name} ${r.error.message}`, t.sim.now - start]),
          {
            ...(timeoutUs !== undefined ? { timeoutUs } : {}),
          },
        ),
      );
    send("a", 0); // default 10 s
    send("b", 1 * SECOND, 2 * SECOND);
    send("c", 2 * SECOND, 30 * SECOND);
    send("d", 3 * SECOND, 1 * SECOND);
    send("e", 12 * SECOND, 1 * SECOND); // after the others expired: the timer is armed again
    t.sim.runUntil(start + 60 * SECOND);
    const exceeded = "context deadline exceeded";
    expect(failed).toEqual([
      [`b ${exceeded}`, 3 * SECOND],
      [`d ${exceeded}`, 4 * SECOND],
      [`a ${exceeded}`, 10 * SECOND],
      [`e ${exceeded}`, 13 * SECOND],
      [`c ${exceeded}`, 32 * SECOND],
    ]);
  });

  it("waits for a ready endpoint when none is (wait-for-ready), up to its deadline", () => {
    const t = testCluster({ seed: 33 });
    awaitLeader(t);
    for (const n of t.names) t.systemd.get(n)!.kill(ETCD_UNIT);
    const c = new EtcdNetworkClient(t.sim, t.network, "client", {
      endpoints: t.names,
      requestTimeoutUs: 30 * SECOND,
    });
    t.sim.after(3 * SECOND, () => {
      for (const n of t.names) t.systemd.get(n)!.start(ETCD_UNIT);
    });
    const r = call(t, (d) => c.put("/w", 1, 1, d), 40 * SECOND);
    expect(r.ok).toBe(true);
    expect(r.atUs - r.startUs).toBeGreaterThan(3 * SECOND);
  });
});

/** A scripted client: each put answers after `latencyUs` with the result `script(seq)` gives. */
class ScriptedClient implements EtcdClient {
  n = 0;
  constructor(
    private readonly sim: Simulation,
    private readonly script: (
      n: number,
      issuedAt: number,
    ) => { latencyUs: number; result: Result<PutResponse> },
  ) {}
  put(_k: string, _v: unknown, _b: number, done: Callback<PutResponse>): void {
    const s = this.script(++this.n, this.sim.now);
    this.sim.after(s.latencyUs, () => done(s.result));
  }
  get(): void {}
  delete(): void {}
  txn(): void {}
  watch() {
    return { cancel() {} };
  }
}

function workloadWith(script: ConstructorParameters<typeof ScriptedClient>[1]) {
  const sink = new MemorySink();
  const sim = new Simulation({ seed: 1, trace: new Trace().addSink(sink) });
  const client = new ScriptedClient(sim, script);
  const w = new ClientWorkload(
    sim,
    client,
    {
      writesPerSec: 100,
      linearizableReadsPerSec: 0,
      serializableReadsPerSec: 0,
      valueBytes: 8,
      keys: 10,
      startUs: 0,
      statsIntervalUs: 0,
    },
    new WriteLedger(),
  );
  w.start();
  sim.runUntil(60 * SECOND);
  return sink.records.filter((r) => r.kind === "writes.available");
}

const OK: Result<PutResponse> = { ok: true, value: { revision: 1 } };
const TIMEOUT: Result<PutResponse> = {
  ok: false,
  error: { code: "requestTimedOut", message: "etcdserver: request timed out" },
};
const DEADLINE: Result<PutResponse> = {
  ok: false,
  error: { code: "deadlineExceeded", message: "context deadline exceeded" },
};

describe("workload availability (by issue time)", () => {
  it("a window of writes that fail late (7 s timeouts) is placed at their issue times", () => {
    const recs = workloadWith((_n, t) =>
      t >= 10 * SECOND && t < 11 * SECOND
        ? { latencyUs: 7 * SECOND, result: TIMEOUT }
        : { latencyUs: 2 * MILLISECOND, result: OK },
    );
    expect(recs).toHaveLength(2);
    expect(recs[0]!.available).toBe(false);
    expect(Number(recs[0]!.atUs)).toBeGreaterThanOrEqual(10 * SECOND);
    expect(Number(recs[0]!.atUs)).toBeLessThan(10 * SECOND + 100 * MILLISECOND);
    expect(recs[0]!.t).toBeGreaterThan(17 * SECOND); // known only when the first of them timed out
    expect(Number(recs[1]!.atUs)).toBeGreaterThanOrEqual(11 * SECOND);
    expect(Number(recs[1]!.atUs)).toBeLessThan(11 * SECOND + 100 * MILLISECOND);
  });

  it("one unreachable endpoint among three does not make writes unavailable", () => {
    const recs = workloadWith((n) =>
      n % 3 === 0 ? { latencyUs: 10 * SECOND, result: DEADLINE } : { latencyUs: 1000, result: OK },
    );
    expect(recs).toEqual([]);
  });

  it("slow successes count as unavailable", () => {
    const recs = workloadWith((_n, t) =>
      t >= 20 * SECOND && t < 22 * SECOND
        ? { latencyUs: 3 * SECOND, result: OK }
        : { latencyUs: 1000, result: OK },
    );
    expect(recs.map((r) => r.available)).toEqual([false, true]);
    expect(String(recs[0]!.error)).toMatch(/^slow: took 3s$/);
  });
});

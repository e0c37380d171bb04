/**
 * The API availability probe answers "would a request issued at this instant succeed?": requests
 * go out every interval even while earlier ones hang, outcomes are taken in issue order, and each
 * change is dated by the issue time of the request that showed it (src/kube/dataplane/probes.ts).
 * Unit tests against a fake apiserver on a small network, then one on the whole cluster.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GuestClock } from "../../src/infra/guest.js";
import { Network } from "../../src/infra/network.js";
import type { ApiStatus } from "../../src/kube/api/status.js";
import { OK, transport } from "../../src/kube/api/status.js";
import { APISERVER_PORT, type ToClient, type ToServer } from "../../src/kube/api/wire.js";
import type { ApiEndpoint } from "../../src/kube/client/endpoint.js";
import { ApiProbe } from "../../src/kube/dataplane/probes.js";
import { ProcessScope } from "../../src/kube/process-scope.js";
import { constant } from "../../src/sim/distribution.js";
import { Simulation } from "../../src/sim/simulation.js";
import { MILLISECOND, MINUTE, SECOND } from "../../src/sim/time.js";
import { IssueOrder } from "../../src/util/issue-order.js";
import { vipHolderPoweredOff } from "./harness.js";

const INTERVAL = SECOND;
const TIMEOUT = 5 * SECOND;

type Mode = "answer" | "hang" | { readonly status: ApiStatus; readonly afterUs: number };

interface ProbeRecord {
  readonly t: number;
  readonly ok: boolean;
  readonly message: string;
  readonly atUs: number;
}

/** A fake apiserver per host: answers OK after 1 ms, swallows requests, or answers an error. */
function probeRig(hosts: readonly string[], pick: (i: number) => string = () => hosts[0]!) {
  const sim = new Simulation({ seed: 1 });
  const network = new Network(sim, {
    latency: constant(250),
    bandwidthBytesPerSec: Number.POSITIVE_INFINITY,
  });
  network.addHost("admin");
  const modes = new Map<string, Mode>();
  const listen = (h: string): void => {
    network.listen<ToServer>(h, APISERVER_PORT, (m) => {
      if (m.t !== "req") return;
      const mode = modes.get(h) ?? "answer";
      if (mode === "hang") return;
      const status = mode === "answer" ? OK : mode.status;
      const delay = mode === "answer" ? MILLISECOND : mode.afterUs;
      sim.after(delay, () => {
        const res: ToClient = { t: "res", conn: m.conn, id: m.id, res: { status } };
        network.send(h, "admin", m.port, res, 200);
      });
    });
  };
  for (const h of hosts) {
    network.addHost(h);
    listen(h);
  }
  let n = 0;
  const endpoint: ApiEndpoint = {
    description: "fake",
    resolve: () => ({ host: pick(n++), address: "192.168.3.100", proxied: hosts.length > 1 }),
  };
  const records: ProbeRecord[] = [];
  const probe = new ApiProbe(
    network,
    "admin",
    new ProcessScope(new GuestClock(sim)),
    endpoint,
    { dialTimeoutUs: 30 * SECOND, readIdleTimeoutUs: 30 * SECOND, pingTimeoutUs: 15 * SECOND },
    TIMEOUT,
    (kind, _subject, f) => {
      expect(kind).toBe("kube.api.probe");
      // Without `atUs` a change takes effect when it is recorded (as the signal folds it).
      const atUs = typeof f.atUs === "number" ? f.atUs : sim.now;
      records.push({ t: sim.now, ok: f.ok as boolean, message: String(f.message), atUs });
    },
  );
  probe.start(INTERVAL);
  /** Unavailable windows by issue time, as the `api.available` signal folds the records. */
  const windows = (endUs: number): { from: number; to: number }[] => {
    const out: { from: number; to: number }[] = [];
    for (const r of records) {
      if (!r.ok) out.push({ from: r.atUs, to: endUs });
      else if (out.length > 0) out[out.length - 1]!.to = r.atUs;
    }
    return out;
  };
  return { sim, network, modes, listen, probe, records, windows };
}

const total = (ws: readonly { from: number; to: number }[]) => ws.reduce((s, w) => s + (w.to - w.from), 0);

describe("the API probe dates outages by issue time", () => {
  it("shows a hang of N seconds as N seconds of unavailability from the first request that hung", () => {
    const rig = probeRig(["cp-0"]);
    const t0 = 10 * SECOND + 500 * MILLISECOND;
    const n = 8 * SECOND;
    rig.sim.runUntil(t0);
    rig.modes.set("cp-0", "hang");
    rig.sim.runUntil(t0 + n);
    rig.modes.set("cp-0", "answer");
    rig.sim.runUntil(t0 + MINUTE);
    const ws = rig.windows(rig.sim.now);
    expect(ws).toHaveLength(1);
    // The first request sent after the hang began (probes go out every second from 0).
    expect(ws[0]!.from).toBe(11 * SECOND);
    expect(ws[0]!.to - ws[0]!.from).toBe(n);
    // Known only when that request timed out.
    const down = rig.records.find((r) => !r.ok)!;
    expect(down.t - down.atUs).toBeGreaterThanOrEqual(TIMEOUT);
    expect(down.message).toContain("Client.Timeout 5s");
    expect(rig.probe.outstanding).toBeLessThanOrEqual(1);
  });

  it("keeps probing while a request hangs, and folds the later successes after it", () => {
    const rig = probeRig(["cp-0"]);
    rig.sim.runUntil(20 * SECOND + 100 * MILLISECOND);
    rig.modes.set("cp-0", "hang");
    rig.sim.runUntil(21 * SECOND + 100 * MILLISECOND); // exactly one request (at 21 s) hangs
    rig.modes.set("cp-0", "answer");
    rig.sim.runUntil(25 * SECOND + 500 * MILLISECOND);
    // Requests at 22–25 s were answered, but wait behind the one still hanging.
    expect(rig.records).toEqual([]);
    expect(rig.probe.outstanding).toBe(5);
    expect(rig.probe.verdict().ok).toBe(true);
    rig.sim.runUntil(40 * SECOND);
    expect(rig.records.map((r) => [r.ok, r.atUs])).toEqual([
      [false, 21 * SECOND],
      [true, 22 * SECOND],
    ]);
    expect(rig.probe.outstanding).toBeLessThanOrEqual(1);
    expect(rig.probe.verdict()).toMatchObject({ ok: true, sinceUs: 22 * SECOND });
  });

  it("counts a refused connection from the first refused request, known at once (as before)", () => {
    const rig = probeRig(["cp-0"]);
    rig.sim.runUntil(10 * SECOND + 500 * MILLISECOND);
    rig.network.unlisten("cp-0", APISERVER_PORT);
    rig.sim.runUntil(15 * SECOND + 500 * MILLISECOND);
    rig.listen("cp-0");
    rig.sim.runUntil(30 * SECOND);
    const ws = rig.windows(rig.sim.now);
    expect(ws).toHaveLength(1);
    // Within a round trip of the first refused request and of the first answered one.
    expect(Math.abs(ws[0]!.from - 11 * SECOND)).toBeLessThan(10 * MILLISECOND);
    expect(Math.abs(ws[0]!.to - 16 * SECOND)).toBeLessThan(10 * MILLISECOND);
    const down = rig.records.find((r) => !r.ok)!;
    expect(down.t - down.atUs).toBeLessThan(10 * MILLISECOND);
    expect(down.message).toBe("dial tcp 192.168.3.100:6443: connect: connection refused");
    expect(rig.probe.verdict().ok).toBe(true);
  });

  it("dates an error the apiserver answered late by the request's issue time", () => {
    const rig = probeRig(["cp-0"]);
    rig.sim.runUntil(10 * SECOND + 500 * MILLISECOND);
    const status = transport("etcdserver: request timed out");
    rig.modes.set("cp-0", { status, afterUs: 3 * SECOND });
    rig.sim.runUntil(14 * SECOND + 500 * MILLISECOND);
    rig.modes.set("cp-0", "answer");
    rig.sim.runUntil(30 * SECOND);
    expect(rig.windows(rig.sim.now)).toEqual([{ from: 11 * SECOND, to: 15 * SECOND }]);
    expect(rig.records[0]).toMatchObject({ ok: false, message: "etcdserver: request timed out" });
  });

  it("with one dead backend behind a round-robin balancer, counts each request it swallowed for one interval", () => {
    const hosts = ["cp-0", "cp-1", "cp-2"];
    const rig = probeRig(hosts, (i) => hosts[i % 3]!);
    rig.sim.runUntil(10 * SECOND + 500 * MILLISECOND);
    // The VM is off: its requests hang (the balancer still hands it connections).
    rig.network.setHostState("cp-1", "down");
    rig.sim.runUntil(40 * SECOND + 500 * MILLISECOND);
    rig.network.setHostState("cp-1", "up");
    rig.listen("cp-1");
    rig.sim.runUntil(MINUTE);
    const ws = rig.windows(rig.sim.now);
    // Probes at 11..40 s; cp-1 gets those at 13, 16, …, 40 s (probe i goes to hosts[i % 3]).
    expect(ws.map((w) => w.from / SECOND)).toEqual([13, 16, 19, 22, 25, 28, 31, 34, 37, 40]);
    for (const w of ws) expect(w.to - w.from).toBe(INTERVAL);
    expect(total(ws)).toBe(10 * SECOND);
    expect(rig.records[0]!.message).toMatch(/EOF|Client.Timeout/);
  });
});

describe("IssueOrder", () => {
  it("hands outcomes to the fold in issue order whatever the completion order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 60 }),
        fc.func(fc.nat()),
        (gaps, key) => {
          const folded: [number, number][] = [];
          const order = new IssueOrder<number>((o, at) => folded.push([o, at]));
          let now = 0;
          const issued: [number, number][] = [];
          for (const g of gaps) {
            now += g;
            const seq = order.issue(now);
            issued.push([seq, now]);
          }
          // Complete in an arbitrary order (sorted by a random key), some twice.
          const completion = [...issued].sort((a, b) => key(a[0]) - key(b[0]) || a[0] - b[0]);
          for (const [seq] of completion) {
            order.complete(seq, seq * 10);
            order.complete(seq, -1);
          }
          expect(folded).toEqual(issued.map(([seq, at]) => [seq * 10, at]));
          expect(order.pending).toBe(0);
        },
      ),
    );
  });

  it("holds later outcomes until the earlier request completes", () => {
    const folded: number[] = [];
    const order = new IssueOrder<string>((_o, at) => folded.push(at));
    const a = order.issue(1);
    const b = order.issue(2);
    const c = order.issue(3);
    order.complete(c, "c");
    order.complete(b, "b");
    expect(folded).toEqual([]);
    expect(order.pending).toBe(3);
    order.complete(a, "a");
    expect(folded).toEqual([1, 2, 3]);
  });
});

describe("the API probe on a cluster", () => {
  it("marks the API down from the first request sent after the kube-vip holder's VM died, not 5 s later", () => {
    const { h, t0, moved } = vipHolderPoweredOff();
    expect(moved).toBeDefined();
    h.sim.runUntil(moved! + 20 * SECOND);
    const recs = h.since(t0, "kube.api.probe");
    const at = (r: { t: number; atUs?: unknown }) => (typeof r.atUs === "number" ? r.atUs : r.t);
    const down = recs.find((r) => r.ok === false);
    const up = recs.find((r) => r.ok === true);
    expect(down).toBeDefined();
    expect(up).toBeDefined();
    // Issued within one probe interval of the power-off; known one timeout later.
    expect(at(down!)).toBeGreaterThanOrEqual(t0);
    expect(at(down!)).toBeLessThanOrEqual(t0 + INTERVAL);
    expect(down!.t - at(down!)).toBeGreaterThanOrEqual(TIMEOUT);
    // Back with the first request sent after the VIP moved (the new holder answers ARP at once).
    expect(at(up!)).toBeGreaterThan(moved! - INTERVAL);
    expect(at(up!)).toBeLessThanOrEqual(moved! + 2 * INTERVAL);
    expect(recs.filter((r) => r.ok === false)).toHaveLength(1);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tcpConnectCheck } from "../../src/infra/health-check.js";
import { Hypervisor } from "../../src/infra/hypervisor.js";
import { CAPV_V07_HAPROXY, HAPROXY_DEFAULT_CHECKS } from "../../src/infra/lb-config.js";
import { type HealthCheck, LoadBalancer } from "../../src/infra/loadbalancer.js";
import { Network } from "../../src/infra/network.js";
import { constant } from "../../src/sim/distribution.js";
import { SECOND } from "../../src/sim/time.js";
import { simWithTrace } from "./helpers.js";

const API = 6443;

/** Three control-plane VMs running kube-apiserver on 6443 behind CAPV's HAProxy. */
function capvWorld() {
  const { sim, sink } = simWithTrace(1);
  const net = new Network(sim, { latency: constant(1_000) });
  net.addHost("haproxy");
  const hv = new Hypervisor(sim, { network: net, bootDuration: constant(30 * SECOND) });
  const names = ["cp-1", "cp-2", "cp-3"];
  for (const n of names) {
    const vm = hv.create(n, { running: true });
    vm.onBooted(() => net.listen(n, API, () => undefined));
  }
  sim.runUntil(0);
  const lb = new LoadBalancer(sim, {
    ...CAPV_V07_HAPROXY,
    check: tcpConnectCheck(net, "haproxy"),
    backends: names.map((n) => ({ name: n, host: n, port: API })),
  });
  return { sim, sink, net, hv, lb };
}

/** A check whose answers come from a script (true = pass), answered at once. */
function scripted(results: boolean[], log: number[], now: () => number): HealthCheck {
  let i = 0;
  return (_b, done) => {
    log.push(now());
    done(results[i++] ?? true);
  };
}

describe("LoadBalancer health checks", () => {
  it("marks a backend whose apiserver was killed DOWN after exactly `fall` refused checks (~30 s)", () => {
    const { sim, sink, net, lb } = capvWorld();
    sim.runUntil(5 * SECOND);
    net.unlisten("cp-1", API);
    sim.runUntil(35 * SECOND);
    const down = sink.ofKind("lb.backend");
    expect(down.length).toBe(1);
    expect(down[0]).toMatchObject({ subject: "kube_api_backend/cp-1", from: "UP", to: "DOWN", active: 2 });
    expect(down[0]!.t).toBeGreaterThanOrEqual(30 * SECOND);
    expect(down[0]!.t).toBeLessThan(30 * SECOND + 100_000);
    expect(down[0]!.message).toBe(
      'Server kube_api_backend/cp-1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 2ms. 2 active and 0 backup servers left.',
    );
    expect(sink.ofKind("lb.check").map((r) => r.status)).toEqual(["2/3 UP", "1/3 UP"]);
    expect(lb.snapshot()[0]).toMatchObject({
      status: "DOWN",
      failedChecks: 3,
      downTransitions: 1,
      lastCheckText: "L4CON in 2ms",
    });
  });

  it("takes longer for a powered-off VM: each check waits out the 9 s connect timeout", () => {
    const { sim, sink, hv } = capvWorld();
    sim.runUntil(5 * SECOND);
    hv.powerOff("cp-1");
    sim.runUntil(120 * SECOND);
    const down = sink.ofKind("lb.backend")[0]!;
    // checks start at 10.002 s, 29.002 s, 48.002 s; each times out after 9 s
    expect(down.t).toBe(57_002_000);
    expect(down.reason).toBe("Layer4 timeout");
  });

  it("brings a backend back UP after exactly `rise` successful checks", () => {
    const { sim, sink, net, lb } = capvWorld();
    sim.runUntil(5 * SECOND);
    net.unlisten("cp-1", API);
    sim.runUntil(40 * SECOND);
    expect(lb.isUp("cp-1")).toBe(false);
    net.listen("cp-1", API, () => undefined);
    sim.runUntil(200 * SECOND);
    const transitions = sink.ofKind("lb.backend").map((r) => [r.to, r.t]);
    expect(transitions.map(([to]) => to)).toEqual(["DOWN", "UP"]);
    const successes = sink.ofKind("lb.check").filter((r) => r.ok === true);
    expect(successes.map((r) => r.status)).toEqual(["1/5 DOWN", "2/5 DOWN", "3/5 DOWN", "4/5 DOWN"]);
    const upAt = transitions[1]![1] as number;
    expect(upAt - (successes[0]!.t as number)).toBe(4 * (10 * SECOND + 2_000));
  });

  it("matches a consecutive-count model and HAProxy's interval rules for any check results (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }),
        (rise, fall, results) => {
          const { sim } = simWithTrace(1);
          const starts: number[] = [];
          const lb = new LoadBalancer(sim, {
            name: "be",
            rise,
            fall,
            interUs: 10 * SECOND,
            fastinterUs: 1 * SECOND,
            downinterUs: 5 * SECOND,
            check: scripted(results, starts, () => sim.now),
            backends: [{ name: "s", host: "h", port: 1 }],
          });
          let up = true;
          let streak = 0;
          let fully = true;
          for (let i = 0; i < results.length; i++) {
            sim.runUntilTrue(() => starts.length > i);
            const ok = results[i]!;
            if (up) {
              streak = ok ? 0 : streak + 1;
              if (streak >= fall) {
                up = false;
                streak = 0;
              }
            } else {
              streak = ok ? streak + 1 : 0;
              if (streak >= rise) {
                up = true;
                streak = 0;
              }
            }
            fully = streak === 0;
            expect(lb.isUp("s")).toBe(up);
            sim.runUntilTrue(() => starts.length > i + 1, sim.now + 20 * SECOND);
            if (starts.length > i + 1) {
              const gap = starts[i + 1]! - starts[i]!;
              const expected = !fully ? 1 * SECOND : up ? 10 * SECOND : 5 * SECOND;
              expect(gap).toBe(expected);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("fails a check that does not answer within the timeout, and ignores its late answer", () => {
    const { sim, sink } = simWithTrace(1);
    const pending: ((ok: boolean) => void)[] = [];
    const lb = new LoadBalancer(sim, {
      name: "be",
      fall: 1,
      check: (_b, done) => pending.push(done),
      backends: [{ name: "s", host: "h", port: 1 }],
    });
    sim.runUntil(2 * SECOND);
    expect(lb.isUp("s")).toBe(false);
    pending[0]!(true);
    expect(lb.isUp("s")).toBe(false);
    expect(sink.ofKind("lb.backend")[0]).toMatchObject({ t: 2 * SECOND, reason: "Layer4 timeout" });
  });

  it("uses HAProxy's defaults when nothing is set: inter 2 s, rise 2, fall 3", () => {
    const { sim } = simWithTrace(1);
    const lb = new LoadBalancer(sim, { name: "be", check: (_b, done) => done(true) });
    expect(lb.checkSettings).toEqual(HAPROXY_DEFAULT_CHECKS);
  });

  it("staggers the first checks of the backends over `inter`", () => {
    const { sim } = simWithTrace(1);
    const firstCheck = new Map<string, number>();
    new LoadBalancer(sim, {
      name: "be",
      interUs: 9 * SECOND,
      check: (b, done) => {
        if (!firstCheck.has(b.name)) firstCheck.set(b.name, sim.now);
        done(true);
      },
      backends: ["a", "b", "c"].map((n) => ({ name: n, host: n, port: 1 })),
    });
    sim.runUntil(10 * SECOND);
    expect([...firstCheck.entries()]).toEqual([
      ["a", 0],
      ["b", 3 * SECOND],
      ["c", 6 * SECOND],
    ]);
  });

  it("starts backends in the configured init-state", () => {
    const states = (initState: "fully-up" | "up" | "down" | "fully-down", results: boolean[]) => {
      const { sim } = simWithTrace(1);
      const log: number[] = [];
      const lb = new LoadBalancer(sim, {
        name: "be",
        rise: 3,
        fall: 3,
        initState,
        check: scripted(results, log, () => sim.now),
        backends: [{ name: "s", host: "h", port: 1 }],
      });
      const seen = [lb.isUp("s")];
      for (let i = 0; i < results.length; i++) {
        sim.runUntilTrue(() => log.length > i);
        seen.push(lb.isUp("s"));
      }
      return seen;
    };
    expect(states("fully-up", [false, false, false])).toEqual([true, true, true, false]);
    expect(states("up", [false])).toEqual([true, false]);
    expect(states("down", [true])).toEqual([false, true]);
    expect(states("fully-down", [true, true, true])).toEqual([false, false, false, true]);
  });
});

describe("LoadBalancer balancing", () => {
  it("`first` sends every connection to the first UP backend, then to the next when it goes DOWN", () => {
    const { sim, sink, net, lb } = capvWorld();
    sim.runUntil(SECOND);
    const picks = Array.from({ length: 5 }, () => lb.pick()?.name);
    expect(picks).toEqual(["cp-1", "cp-1", "cp-1", "cp-1", "cp-1"]);
    net.unlisten("cp-1", API);
    sim.runUntil(60 * SECOND);
    expect(lb.pick()?.name).toBe("cp-2");
    net.unlisten("cp-2", API);
    net.unlisten("cp-3", API);
    sim.runUntil(120 * SECOND);
    expect(lb.pick()).toBeUndefined();
    expect(lb.upCount).toBe(0);
    expect(sink.ofKind("lb.available").map((r) => [r.available, r.message])).toEqual([
      [true, "backend kube_api_backend has 1 server(s) available"],
      [false, "backend kube_api_backend has no server available!"],
    ]);
  });

  it("`roundrobin` takes UP backends in turn and skips DOWN ones", () => {
    const { sim } = simWithTrace(1);
    const healthy = new Set(["a", "b", "c"]);
    const lb = new LoadBalancer(sim, {
      name: "be",
      fall: 1,
      check: (b, done) => done(healthy.has(b.name)),
      backends: ["a", "b", "c"].map((n) => ({ name: n, host: n, port: 1 })),
    });
    expect(Array.from({ length: 4 }, () => lb.pick()?.name)).toEqual(["a", "b", "c", "a"]);
    expect(lb.peek()?.name).toBe("b");
    healthy.delete("b");
    sim.runUntil(3 * SECOND);
    expect(Array.from({ length: 4 }, () => lb.pick()?.name)).toEqual(["c", "a", "c", "a"]);
  });

  it("adds and removes backends", () => {
    const { sim, sink } = simWithTrace(1);
    const lb = new LoadBalancer(sim, { name: "be", balance: "first", check: (_b, done) => done(true) });
    expect(lb.pick()).toBeUndefined();
    lb.addBackend({ name: "cp-4", host: "cp-4", port: API });
    expect(lb.pick()).toEqual({ name: "cp-4", host: "cp-4", port: API });
    expect(() => lb.addBackend({ name: "cp-4", host: "x", port: 1 })).toThrow(/already exists/);
    expect(lb.removeBackend("cp-4")).toBe(true);
    expect(lb.removeBackend("cp-4")).toBe(false);
    expect(lb.pick()).toBeUndefined();
    expect(sink.ofKind("lb.backendAdded", "lb.backendRemoved", "lb.available").map((r) => r.kind)).toEqual([
      "lb.backendAdded",
      "lb.available",
      "lb.backendRemoved",
      "lb.available",
    ]);
  });
});

describe("LoadBalancer dashboard", () => {
  it("shows HAProxy-style status, last check and downtime per backend", () => {
    const { sim, sink, net, lb } = capvWorld();
    sim.runUntil(5 * SECOND);
    net.unlisten("cp-1", API);
    sim.runUntil(15 * SECOND);
    expect(lb.snapshot()[0]).toMatchObject({ name: "cp-1", status: "UP", statusText: "UP 2/3", health: 6 });
    sim.runUntil(35 * SECOND);
    net.listen("cp-1", API, () => undefined);
    sim.runUntil(45 * SECOND);
    const row = lb.snapshot()[0]!;
    expect(row).toMatchObject({ status: "DOWN", statusText: "DOWN 1/5", lastCheckText: "L4OK in 2ms" });
    const downAt = sink.ofKind("lb.backend")[0]!.t;
    expect(downAt).toBe(30_008_000);
    expect(row.downtimeUs).toBe(45 * SECOND - downAt);
    expect(lb.snapshot().map((r) => r.statusText)).toEqual(["DOWN 1/5", "UP", "UP"]);
  });
});

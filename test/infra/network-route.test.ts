/**
 * The network's fast paths must not change what happens: `route()` + `sendVia` behave exactly like
 * `send` by name (same deliveries at the same instants, same drops, same counters, same random
 * draws), and the per-link cache of receive handlers follows every listener change.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Network } from "../../src/infra/network.js";
import { Simulation } from "../../src/sim/simulation.js";
import { MILLISECOND, SECOND } from "../../src/sim/time.js";

const PORTS = [2379, 2380] as const;
const HOSTS = ["a", "b", "c"] as const;

type Op =
  | {
      readonly kind: "send";
      readonly at: number;
      readonly from: number;
      readonly to: number;
      readonly port: number;
      readonly size: number;
    }
  | { readonly kind: "partition"; readonly at: number; readonly host: number }
  | { readonly kind: "heal"; readonly at: number }
  | { readonly kind: "loss"; readonly at: number; readonly host: number; readonly percent: number }
  | { readonly kind: "delay"; readonly at: number; readonly host: number; readonly ms: number }
  | {
      readonly kind: "down" | "up" | "unlisten" | "listen";
      readonly at: number;
      readonly host: number;
      readonly port: number;
    };

/** Plays `ops` on a fresh network, sending by name or by route; returns every observable outcome. */
function play(ops: readonly Op[], viaRoute: boolean): { log: string[]; counters: unknown } {
  const sim = new Simulation({ seed: "route-test" });
  const net = new Network(sim, {
    latency: { kind: "uniform", min: 1 * MILLISECOND, max: 3 * MILLISECOND },
    bandwidthBytesPerSec: 1_000_000,
  });
  const log: string[] = [];
  const listen = (h: string, port: number, tag: string): void => {
    net.listen(h, port, (m: unknown, from: string) =>
      log.push(`${sim.now} ${tag}@${h}:${port} <- ${from} ${String(m)}`),
    );
  };
  for (const h of HOSTS) {
    net.addHost(h);
    // c does not serve 2379 until some op starts a listener there: sends to it are refused.
    for (const p of PORTS) if (h !== "c" || p !== 2379) listen(h, p, "v0");
  }
  const routes = new Map<string, ReturnType<Network["route"]>>();
  let version = 0;
  let n = 0;
  for (const op of ops) {
    sim.at(op.at, () => {
      switch (op.kind) {
        case "send": {
          const from = HOSTS[op.from]!;
          const to = HOSTS[op.to]!;
          const msg = `m${++n}`;
          const onRefused = (host: string, port: number): void => {
            log.push(`${sim.now} refused ${msg} ${host}:${port}`);
          };
          if (viaRoute) {
            const key = `${from}>${to}:${op.port}`;
            let r = routes.get(key);
            if (r === undefined) {
              r = net.route(from, to, op.port);
              routes.set(key, r);
            }
            net.sendVia(r, msg, op.size, { onRefused });
          } else net.send(from, to, op.port, msg, op.size, { onRefused });
          return;
        }
        case "partition":
          net.heal();
          net.partition([[HOSTS[op.host]!], HOSTS.filter((_, i) => i !== op.host)]);
          return;
        case "heal":
          net.heal();
          return;
        case "loss":
          net.setHostLoss(HOSTS[op.host]!, op.percent / 100);
          return;
        case "delay":
          net.delay(HOSTS[op.host]!, op.ms * MILLISECOND);
          return;
        case "down":
          net.setHostState(HOSTS[op.host]!, "down");
          return;
        case "up":
          net.setHostState(HOSTS[op.host]!, "up");
          return;
        case "unlisten":
          net.unlisten(HOSTS[op.host]!, op.port);
          return;
        case "listen":
          if (net.hostState(HOSTS[op.host]!) === "up" && !net.isListening(HOSTS[op.host]!, op.port))
            listen(HOSTS[op.host]!, op.port, `v${++version}`);
          return;
      }
    });
  }
  sim.runUntil(10 * SECOND);
  return {
    log,
    counters: { total: net.counters(), ab: net.linkCounters("a", "b"), ca: net.linkCounters("c", "a") },
  };
}

const host = fc.integer({ min: 0, max: 2 });
const at = fc.integer({ min: 0, max: 200_000 });
const port = fc.constantFrom(...PORTS);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant("send" as const),
      at,
      from: host,
      to: host,
      port,
      size: fc.integer({ min: 0, max: 5_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("partition" as const), at, host }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("heal" as const), at }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("loss" as const),
      at,
      host,
      percent: fc.integer({ min: 0, max: 50 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("delay" as const),
      at,
      host,
      ms: fc.integer({ min: 0, max: 5 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom("down" as const, "up" as const, "unlisten" as const, "listen" as const),
      at,
      host,
      port,
    }),
  },
);

describe("Network routes", () => {
  it("sendVia on a route does exactly what send by name does, under faults (property)", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 120 }), (ops) => {
        const byName = play(ops, false);
        const byRoute = play(ops, true);
        expect(byRoute).toEqual(byName);
      }),
      { numRuns: 100 },
    );
  });

  it("delivers to whichever handler listens now: the handler cache follows close, unlisten and restarts", () => {
    const sim = new Simulation({ seed: 1 });
    const net = new Network(sim, { latency: { kind: "constant", value: MILLISECOND } });
    net.addHost("a");
    net.addHost("b");
    const got: string[] = [];
    const first = net.listen("b", 2380, (m: string) => got.push(`first ${m}`));
    const r = net.route("a", "b", 2380);
    net.sendVia(r, "1");
    sim.runUntil(2 * MILLISECOND);
    first.close();
    net.listen("b", 2380, (m: string) => got.push(`second ${m}`));
    net.sendVia(r, "2");
    sim.runUntil(4 * MILLISECOND);
    net.unlisten("b", 2380);
    net.sendVia(r, "3"); // refused: nothing listens
    sim.runUntil(6 * MILLISECOND);
    net.listen("b", 2380, (m: string) => got.push(`third ${m}`));
    net.setHostState("b", "down"); // closes every socket on b
    net.setHostState("b", "up");
    net.sendVia(r, "4"); // refused again: the restarted host listens on nothing yet
    sim.runUntil(8 * MILLISECOND);
    net.listen("b", 2380, (m: string) => got.push(`fourth ${m}`));
    net.sendVia(r, "5");
    sim.runUntil(SECOND);
    expect(got).toEqual(["first 1", "second 2", "fourth 5"]);
    expect(net.counters()).toMatchObject({ sent: 5, delivered: 3, refused: 2 });
  });

  it("refuses a route to an unknown host", () => {
    const sim = new Simulation({ seed: 1 });
    const net = new Network(sim);
    net.addHost("a");
    expect(() => net.route("a", "nowhere", 2380)).toThrow(/unknown host "nowhere"/);
    expect(() => net.send("nowhere", "a", 2380, "x")).toThrow(/unknown host "nowhere"/);
  });
});

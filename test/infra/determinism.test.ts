import { describe, expect, it } from "vitest";
import { tcpConnectCheck } from "../../src/infra/health-check.js";
import { Hypervisor } from "../../src/infra/hypervisor.js";
import { CAPV_V07_HAPROXY } from "../../src/infra/lb-config.js";
import { LoadBalancer } from "../../src/infra/loadbalancer.js";
import { Network } from "../../src/infra/network.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { toJsonLine } from "../../src/sim/trace.js";
import { simWithTrace } from "./helpers.js";

/** A small world with every random element in play; returns its trace as JSONL plus counters. */
function run(seed: number): string {
  const { sim, sink } = simWithTrace(seed);
  const net = new Network(sim);
  net.addHost("haproxy");
  const hv = new Hypervisor(sim, { network: net });
  const names = ["cp-1", "cp-2", "cp-3"];
  for (const n of names) {
    const vm = hv.create(n, { running: true });
    vm.onBooted(() => {
      net.listen(n, 6443, () => undefined);
      net.listen(n, 2380, (msg: number, from) => {
        vm.disk.write("etcd", `from-${from}`, msg);
        vm.disk.fsync(() => net.send(n, from, 2380, msg + 1, 200));
      });
    });
  }
  new LoadBalancer(sim, {
    ...CAPV_V07_HAPROXY,
    check: tcpConnectCheck(net, "haproxy"),
    backends: names.map((n) => ({ name: n, host: n, port: 6443 })),
  });
  sim.at(SECOND, () => net.send("cp-1", "cp-2", 2380, 0, 200));
  sim.at(2 * SECOND, () => net.setHostLoss("cp-3", 0.2));
  sim.at(30 * SECOND, () => hv.powerOff("cp-2", "chaos"));
  sim.at(90 * SECOND, () => hv.powerOn("cp-2", "operator"));
  sim.runUntil(5 * MINUTE);
  return sink.records.map(toJsonLine).join("") + JSON.stringify(net.counters());
}

describe("infrastructure determinism", () => {
  it("produces a byte-identical trace for the same seed and a different one for another seed", () => {
    const a = run(11);
    expect(run(11)).toBe(a);
    expect(run(12)).not.toBe(a);
    expect(a).toContain('"kind":"lb.backend"');
    expect(a).toContain('"kind":"vm.booted"');
  });
});

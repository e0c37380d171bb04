/** Small builders shared by the infrastructure tests. */

import { Network, type NetworkOptions } from "../../src/infra/network.js";
import { constant } from "../../src/sim/distribution.js";
import { Simulation } from "../../src/sim/simulation.js";
import { MemorySink, Trace } from "../../src/sim/trace.js";

/** A simulation whose trace is kept in memory. */
export function simWithTrace(seed: number | string = 1): { sim: Simulation; sink: MemorySink } {
  const sink = new MemorySink();
  const sim = new Simulation({ seed, trace: new Trace().addSink(sink) });
  return { sim, sink };
}

/** A network with hosts `names`, constant 1 ms latency and unlimited bandwidth unless overridden. */
export function netWith(
  names: readonly string[],
  options: NetworkOptions = {},
  seed: number | string = 1,
): { sim: Simulation; net: Network; sink: MemorySink } {
  const { sim, sink } = simWithTrace(seed);
  const net = new Network(sim, {
    latency: constant(1_000),
    bandwidthBytesPerSec: Number.POSITIVE_INFINITY,
    ...options,
  });
  for (const n of names) net.addHost(n);
  return { sim, net, sink };
}

/** Records what each host receives on `port`: `[time, from, message]`. */
export function recordOn(
  net: Network,
  sim: Simulation,
  hosts: readonly string[],
  port: number,
): Map<string, [number, string, unknown][]> {
  const got = new Map<string, [number, string, unknown][]>();
  for (const h of hosts) {
    const list: [number, string, unknown][] = [];
    got.set(h, list);
    net.listen(h, port, (m, from) => list.push([sim.now, from, m]));
  }
  return got;
}

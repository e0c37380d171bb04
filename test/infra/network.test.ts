import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Network } from "../../src/infra/network.js";
import type { ProbeResult } from "../../src/infra/network-types.js";
import { constant } from "../../src/sim/distribution.js";
import { MILLISECOND, SECOND } from "../../src/sim/time.js";
import { netWith, recordOn, simWithTrace } from "./helpers.js";

const PORT = 2380;

describe("Network delivery", () => {
  it("delivers to the listening handler after the link latency, with the sender's name", () => {
    const { sim, net } = netWith(["a", "b"]);
    const got = recordOn(net, sim, ["b"], PORT);
    net.send("a", "b", PORT, "hello");
    sim.runUntil(SECOND);
    expect(got.get("b")).toEqual([[1_000, "a", "hello"]]);
    expect(net.counters()).toMatchObject({ sent: 1, delivered: 1, dropped: 0 });
  });

  it("uses a per-pair latency override in both directions and the default elsewhere", () => {
    const { sim, net } = netWith(["a", "b", "c"]);
    net.setLink("a", "b", { latency: constant(5 * MILLISECOND) });
    const got = recordOn(net, sim, ["a", "b", "c"], PORT);
    net.send("a", "b", PORT, 1);
    net.send("b", "a", PORT, 2);
    net.send("a", "c", PORT, 3);
    sim.runUntil(SECOND);
    expect(got.get("b")![0]![0]).toBe(5_000);
    expect(got.get("a")![0]![0]).toBe(5_000);
    expect(got.get("c")![0]![0]).toBe(1_000);
  });

  it("keeps each (from, to) stream in order under random latencies (property)", () => {
    const hosts = ["h0", "h1", "h2", "h3"];
    const sendArb = fc.record({
      from: fc.integer({ min: 0, max: 3 }),
      to: fc.integer({ min: 0, max: 3 }),
      atUs: fc.integer({ min: 0, max: 20_000 }),
      size: fc.integer({ min: 0, max: 50_000 }),
    });
    fc.assert(
      fc.property(fc.array(sendArb, { minLength: 1, maxLength: 60 }), fc.integer(), (sends, seed) => {
        const { sim, net } = netWith(
          hosts,
          { latency: { kind: "uniform", min: 0, max: 10 * MILLISECOND }, bandwidthBytesPerSec: 10_000_000 },
          seed,
        );
        const arrivals: { from: string; to: string; seq: number; t: number }[] = [];
        for (const h of hosts) {
          net.listen<number>(h, PORT, (seq, from) => arrivals.push({ from, to: h, seq, t: sim.now }));
        }
        const sentAt = new Map<number, number>();
        sends.forEach((s, seq) => {
          sim.at(s.atUs, () => {
            sentAt.set(seq, sim.now);
            net.send(hosts[s.from]!, hosts[s.to]!, PORT, seq, s.size);
          });
        });
        sim.runUntil(10 * SECOND);
        expect(arrivals.length).toBe(sends.length);
        const lastSeqByPair = new Map<string, number>();
        const sendOrder = [...sentAt.entries()]
          .sort((x, y) => x[1] - y[1] || x[0] - y[0])
          .map(([seq]) => seq);
        const rank = new Map(sendOrder.map((seq, i) => [seq, i]));
        for (const a of arrivals) {
          const key = `${a.from}->${a.to}`;
          const r = rank.get(a.seq)!;
          const prev = lastSeqByPair.get(key);
          if (prev !== undefined) expect(r).toBeGreaterThan(prev);
          lastSeqByPair.set(key, r);
          expect(a.t).toBeGreaterThanOrEqual(sentAt.get(a.seq)!);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("produces the same delivery times for the same seed, and different ones for another seed", () => {
    const run = (seed: number): number[] => {
      const { sim, net } = netWith(
        ["a", "b", "c"],
        { latency: { kind: "lognormal", p50: 300, p99: 2_000 } },
        seed,
      );
      const times: number[] = [];
      for (const h of ["a", "b", "c"]) net.listen(h, PORT, () => times.push(sim.now));
      for (let i = 0; i < 50; i++) {
        sim.at(i * 100, () => {
          net.send("a", "b", PORT, i);
          net.send("b", "c", PORT, i);
          net.send("c", "a", PORT, i);
        });
      }
      sim.runUntil(SECOND);
      return times;
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it("draws each link's latencies from its own stream, so traffic elsewhere does not change them", () => {
    const times = (extraTraffic: boolean): number[] => {
      const { sim, net } = netWith(["a", "b", "c"], { latency: { kind: "uniform", min: 0, max: 5_000 } }, 3);
      const got: number[] = [];
      net.listen("b", PORT, () => got.push(sim.now));
      net.listen("c", PORT, () => undefined);
      for (let i = 0; i < 20; i++) {
        sim.at(i * 10_000, () => {
          if (extraTraffic) net.send("a", "c", PORT, i);
          net.send("a", "b", PORT, i);
        });
      }
      sim.runUntil(SECOND);
      return got;
    };
    expect(times(true)).toEqual(times(false));
  });
});

describe("Network bandwidth", () => {
  it("takes size / bandwidth for a large transfer: 78 MB at 10 MB/s ≈ 7.8 s", () => {
    const { sim, net } = netWith(["leader", "follower"], { bandwidthBytesPerSec: 10_000_000 });
    const got = recordOn(net, sim, ["follower"], PORT);
    net.send("leader", "follower", PORT, "snapshot", 78_000_000);
    sim.runUntil(20 * SECOND);
    expect(got.get("follower")![0]![0]).toBe(7_800_000 + 1_000);
  });

  it("serialises messages on a connection: a heartbeat behind a snapshot waits for it", () => {
    const { sim, net } = netWith(["a", "b"], { bandwidthBytesPerSec: 10_000_000 });
    const got = recordOn(net, sim, ["b"], PORT);
    net.send("a", "b", PORT, "snap1", 10_000_000);
    net.send("a", "b", PORT, "snap2", 10_000_000);
    net.send("a", "b", PORT, "heartbeat", 100);
    sim.runUntil(10 * SECOND);
    expect(got.get("b")!.map(([t, , m]) => [m, t])).toEqual([
      ["snap1", 1_001_000],
      ["snap2", 2_001_000],
      ["heartbeat", 2_001_010],
    ]);
  });

  it("does not hold up another connection (channel) of the same pair", () => {
    const { sim, net } = netWith(["a", "b"], { bandwidthBytesPerSec: 10_000_000 });
    const got = recordOn(net, sim, ["b"], PORT);
    net.send("a", "b", PORT, "snapshot", 50_000_000, { channel: 1 });
    net.send("a", "b", PORT, "heartbeat", 100);
    sim.runUntil(10 * SECOND);
    expect(got.get("b")!.map(([, , m]) => m)).toEqual(["heartbeat", "snapshot"]);
    expect(got.get("b")![0]![0]).toBe(1_010);
  });

  it("applies a per-link bandwidth override", () => {
    const { sim, net } = netWith(["a", "b", "c"], { bandwidthBytesPerSec: 100_000_000 });
    net.setLink("a", "b", { bandwidthBytesPerSec: 1_000_000 });
    const got = recordOn(net, sim, ["b", "c"], PORT);
    net.send("a", "b", PORT, "x", 1_000_000);
    net.send("a", "c", PORT, "y", 1_000_000);
    sim.runUntil(10 * SECOND);
    expect(got.get("b")![0]![0]).toBe(1_001_000);
    expect(got.get("c")![0]![0]).toBe(11_000);
  });
});

describe("Network partitions", () => {
  it("drops exactly the messages between different groups (property)", () => {
    const hosts = ["h0", "h1", "h2", "h3", "h4", "h5"];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 6, maxLength: 6 }), (assignment) => {
        const { sim, net } = netWith(hosts);
        const groups: string[][] = [[], [], []];
        assignment.forEach((g, i) => {
          if (g >= 0) groups[g]!.push(hosts[i]!);
        });
        const nonEmpty = groups.filter((g) => g.length > 0);
        fc.pre(nonEmpty.length >= 2);
        net.partition(nonEmpty);
        const delivered = new Set<string>();
        for (const h of hosts) net.listen(h, PORT, (_m, from) => delivered.add(`${from}->${h}`));
        for (const a of hosts) for (const b of hosts) if (a !== b) net.send(a, b, PORT, null);
        sim.runUntil(SECOND);
        let cross = 0;
        for (let i = 0; i < 6; i++) {
          for (let j = 0; j < 6; j++) {
            if (i === j) continue;
            const gi = assignment[i]!;
            const gj = assignment[j]!;
            const cut = gi >= 0 && gj >= 0 && gi !== gj;
            if (cut) cross++;
            expect(delivered.has(`${hosts[i]}->${hosts[j]}`)).toBe(!cut);
          }
        }
        expect(net.counters().droppedPartitioned).toBe(cross);
      }),
      { numRuns: 200 },
    );
  });

  it("drops messages in flight when a partition starts, and delivers again after heal", () => {
    const { sim, net, sink } = netWith(["a", "b", "c"]);
    const got = recordOn(net, sim, ["b"], PORT);
    net.send("a", "b", PORT, "in-flight");
    sim.runUntil(500);
    const id = net.partition([["a"], ["b", "c"]]);
    sim.runUntil(2_000);
    net.send("a", "b", PORT, "during");
    sim.runUntil(3_000);
    net.heal(id);
    net.send("a", "b", PORT, "after");
    sim.runUntil(SECOND);
    expect(got.get("b")!.map(([, , m]) => m)).toEqual(["after"]);
    expect(sink.ofKind("net.partition", "net.heal").map((r) => [r.t, r.kind])).toEqual([
      [500, "net.partition"],
      [3_000, "net.heal"],
    ]);
    expect(net.activePartitions()).toEqual([]);
  });

  it("refuses a host listed in two groups", () => {
    const { net } = netWith(["a", "b"]);
    expect(() => net.partition([["a"], ["a", "b"]])).toThrow(/two groups/);
  });
});

describe("Network blackhole, delay and loss faults", () => {
  it("blackholes a host in both directions, and only that host", () => {
    const { sim, net, sink } = netWith(["a", "b", "c"]);
    const got = recordOn(net, sim, ["a", "b", "c"], PORT);
    net.blackhole("b");
    net.send("a", "b", PORT, "a->b");
    net.send("b", "a", PORT, "b->a");
    net.send("a", "c", PORT, "a->c");
    sim.runUntil(SECOND);
    expect(got.get("b")).toEqual([]);
    expect(got.get("a")).toEqual([]);
    expect(got.get("c")!.map(([, , m]) => m)).toEqual(["a->c"]);
    net.clearBlackhole("b");
    net.send("a", "b", PORT, "later");
    sim.runUntil(2 * SECOND);
    expect(got.get("b")!.map(([, , m]) => m)).toEqual(["later"]);
    expect(sink.ofKind("net.blackhole").map((r) => [r.subject, r.port, r.on])).toEqual([
      ["b", "all", true],
      ["b", "all", false],
    ]);
  });

  it("blackholes only the peer port when given one (BLACKHOLE_PEER_PORT_TX_RX)", () => {
    const { sim, net } = netWith(["a", "b"]);
    const peer = recordOn(net, sim, ["a", "b"], 2380);
    const client = recordOn(net, sim, ["a", "b"], 2379);
    net.blackhole("b", 2380);
    net.send("a", "b", 2380, "peer in");
    net.send("b", "a", 2380, "peer out");
    net.send("a", "b", 2379, "client in");
    net.send("b", "a", 2379, "client out");
    sim.runUntil(SECOND);
    expect(peer.get("a")).toEqual([]);
    expect(peer.get("b")).toEqual([]);
    expect(client.get("b")!.map(([, , m]) => m)).toEqual(["client in"]);
    expect(client.get("a")!.map(([, , m]) => m)).toEqual(["client out"]);
    expect(net.counters().droppedBlackholed).toBe(2);
  });

  it("drops messages in flight to a host that becomes blackholed", () => {
    const { sim, net } = netWith(["a", "b"]);
    const got = recordOn(net, sim, ["b"], PORT);
    net.send("a", "b", PORT, "x");
    sim.runUntil(100);
    net.blackhole("b");
    sim.runUntil(SECOND);
    expect(got.get("b")).toEqual([]);
  });

  it("adds a delay fault's latency on the host's links, per end, until cleared", () => {
    const { sim, net, sink } = netWith(["a", "b", "c"]);
    const got = recordOn(net, sim, ["a", "b", "c"], PORT);
    net.delay("b", 100 * MILLISECOND, PORT);
    net.delay("c", 10 * MILLISECOND);
    net.send("a", "b", PORT, "to b");
    net.send("b", "a", PORT, "from b");
    net.send("b", "c", PORT, "b to c");
    net.send("a", "c", 9999, "other port");
    sim.runUntil(SECOND);
    expect(got.get("b")![0]![0]).toBe(101_000);
    expect(got.get("a")![0]![0]).toBe(101_000);
    expect(got.get("c")![0]![0]).toBe(111_000);
    net.clearDelay("b", PORT);
    const t0 = sim.now;
    net.send("a", "b", PORT, "after");
    sim.runUntil(2 * SECOND);
    expect(got.get("b")![1]![0]).toBe(t0 + 1_000);
    expect(sink.ofKind("net.delay").map((r) => [r.subject, r.port, r.extra, r.on])).toEqual([
      ["b", 2380, "100ms", true],
      ["c", "all", "10ms", true],
      ["b", 2380, undefined, false],
    ]);
  });

  it("loses about the configured fraction of messages, and all of them at probability 1", () => {
    const { sim, net, sink } = netWith(["a", "b"]);
    let delivered = 0;
    net.listen("b", PORT, () => delivered++);
    net.setHostLoss("b", 0.3);
    for (let i = 0; i < 10_000; i++) net.send("a", "b", PORT, i);
    sim.runUntil(SECOND);
    expect(delivered).toBeGreaterThan(6_700);
    expect(delivered).toBeLessThan(7_300);
    expect(net.counters().droppedLost).toBe(10_000 - delivered);
    net.setLink("a", "b", { lossProbability: 1 }, false);
    net.setHostLoss("b", 0);
    for (let i = 0; i < 100; i++) net.send("a", "b", PORT, i);
    sim.runUntil(2 * SECOND);
    expect(net.linkCounters("a", "b").droppedLost).toBe(10_000 - delivered + 100);
    expect(sink.ofKind("net.loss").map((r) => [r.subject, r.probability])).toEqual([
      ["b", 0.3],
      ["a->b", 1],
      ["b", 0],
    ]);
  });

  it("leaves a host's traffic to itself alone under partitions and blackholes", () => {
    const { sim, net } = netWith(["a", "b"]);
    const got = recordOn(net, sim, ["a"], 2379);
    net.partition([["a"], ["b"]]);
    net.blackhole("a");
    net.send("a", "a", 2379, "local");
    sim.runUntil(SECOND);
    expect(got.get("a")!.map(([, , m]) => m)).toEqual(["local"]);
  });

  it("clears every fault at once", () => {
    const { sim, net } = netWith(["a", "b", "c"]);
    const got = recordOn(net, sim, ["b", "c"], PORT);
    net.partition([["a"], ["b"]]);
    net.blackhole("c");
    net.delay("b", SECOND);
    net.setHostLoss("c", 1);
    net.clearAllFaults();
    net.send("a", "b", PORT, 1);
    net.send("a", "c", PORT, 2);
    sim.runUntil(SECOND);
    expect(got.get("b")![0]![0]).toBe(1_000);
    expect(got.get("c")![0]![0]).toBe(1_000);
  });
});

describe("Network hosts going down", () => {
  it("drops messages in flight to a host that goes down, even if it is back up by delivery time", () => {
    const { sim, net } = netWith(["a", "b"]);
    net.listen("b", PORT, () => undefined);
    net.send("a", "b", PORT, "x");
    sim.runUntil(100);
    net.setHostState("b", "down");
    net.setHostState("b", "up");
    let got = 0;
    net.listen("b", PORT, () => got++);
    sim.runUntil(SECOND);
    expect(got).toBe(0);
    expect(net.counters().droppedHostDown).toBe(1);
  });

  it("closes a host's listening sockets when it goes down and refuses new ones until it is up", () => {
    const { net } = netWith(["a"]);
    net.listen("a", PORT, () => undefined);
    expect(net.isListening("a", PORT)).toBe(true);
    net.setHostState("a", "down");
    expect(net.isListening("a", PORT)).toBe(false);
    expect(() => net.listen("a", PORT, () => undefined)).toThrow(/host is down/);
    net.setHostState("a", "up");
    expect(() => net.listen("a", PORT, () => undefined)).not.toThrow();
    expect(() => net.listen("a", PORT, () => undefined)).toThrow(/address already in use/);
  });

  it("keeps sockets of a frozen (suspended) host but loses packets sent to it meanwhile", () => {
    const { sim, net } = netWith(["a", "b"]);
    const got = recordOn(net, sim, ["b"], PORT);
    net.setHostState("b", "frozen");
    net.send("a", "b", PORT, "lost");
    sim.runUntil(SECOND);
    net.setHostState("b", "up");
    net.send("a", "b", PORT, "after");
    sim.runUntil(2 * SECOND);
    expect(got.get("b")!.map(([, , m]) => m)).toEqual(["after"]);
  });

  it("loses a message sent while the receiver is down even if it is up again by delivery time", () => {
    const { sim, net } = netWith(["a", "b"]);
    net.setHostState("b", "down");
    net.send("a", "b", PORT, "x");
    net.setHostState("b", "up");
    const got = recordOn(net, sim, ["b"], PORT);
    sim.runUntil(SECOND);
    expect(got.get("b")).toEqual([]);
    expect(net.counters()).toMatchObject({ sent: 1, delivered: 0, droppedHostDown: 1 });
  });

  it("does not let a host that is down send", () => {
    const { sim, net } = netWith(["a", "b"]);
    const got = recordOn(net, sim, ["b"], PORT);
    net.setHostState("a", "down");
    net.send("a", "b", PORT, "x");
    sim.runUntil(SECOND);
    expect(got.get("b")).toEqual([]);
  });

  it("lets a new connection start fresh after a restart instead of waiting behind a lost transfer", () => {
    const { sim, net } = netWith(["a", "b"], { bandwidthBytesPerSec: 1_000_000 });
    const got = recordOn(net, sim, ["b"], PORT);
    net.send("a", "b", PORT, "big", 10_000_000);
    sim.runUntil(SECOND);
    net.setHostState("b", "down");
    net.setHostState("b", "up");
    net.listen("b", PORT, (m) => got.get("b")!.push([sim.now, "a", m]));
    net.send("a", "b", PORT, "small");
    sim.runUntil(20 * SECOND);
    expect(got.get("b")).toEqual([[SECOND + 1_000, "a", "small"]]);
  });

  it("refuses unknown hosts with a clear error", () => {
    const { net } = netWith(["a"]);
    expect(() => net.send("a", "nope", PORT, null)).toThrow(/unknown host "nope"/);
    expect(() => net.addHost("a")).toThrow(/already exists/);
  });
});

describe("Network refused vs timeout", () => {
  it("tells the sender its message was refused when the host is up but nothing listens", () => {
    const { sim, net } = netWith(["a", "b"]);
    const refused: [number, string, number][] = [];
    const onRefused = (to: string, port: number) => refused.push([sim.now, to, port]);
    net.send("a", "b", PORT, "x", 0, { onRefused });
    sim.runUntil(SECOND);
    expect(refused).toEqual([[2_000, "b", PORT]]);
    expect(net.counters().refused).toBe(1);
  });

  it("says nothing to the sender when the host is down (the sender's own timeout applies)", () => {
    const { sim, net } = netWith(["a", "b"]);
    const refused: string[] = [];
    net.setHostState("b", "down");
    net.send("a", "b", PORT, "x", 0, { onRefused: (to) => refused.push(to) });
    sim.runUntil(SECOND);
    expect(refused).toEqual([]);
  });

  it("probes: ok when listening, refused when not, timeout when off or blackholed", () => {
    const { sim, net } = netWith(["lb", "up", "closed", "off", "holed"]);
    net.listen("up", 6443, () => undefined);
    net.listen("holed", 6443, () => undefined);
    net.setHostState("off", "down");
    net.blackhole("holed");
    const results = new Map<string, [ProbeResult, number][]>();
    for (const h of ["up", "closed", "off", "holed"]) {
      results.set(h, []);
      net.probe("lb", h, 6443, 5 * SECOND, (r, d) => results.get(h)!.push([r, d]));
    }
    sim.runUntil(10 * SECOND);
    expect(Object.fromEntries(results)).toEqual({
      up: [["ok", 2_000]],
      closed: [["refused", 2_000]],
      off: [["timeout", 5 * SECOND]],
      holed: [["timeout", 5 * SECOND]],
    });
  });

  it("times a probe out when the answer would arrive after the timeout", () => {
    const { sim, net } = netWith(["a", "b"]);
    net.listen("b", 6443, () => undefined);
    net.delay("b", SECOND);
    const results: ProbeResult[] = [];
    net.probe("a", "b", 6443, 1_500 * MILLISECOND, (r) => results.push(r));
    sim.runUntil(10 * SECOND);
    expect(results).toEqual(["timeout"]);
  });
});

describe("Network defaults", () => {
  it("uses the documented defaults: sub-millisecond LAN latency and 1 Gbit/s", () => {
    const { sim } = simWithTrace(1);
    const net = new Network(sim);
    net.addHost("a");
    net.addHost("b");
    const times: number[] = [];
    net.listen("b", PORT, () => times.push(sim.now));
    net.send("a", "b", PORT, "snapshot", 125_000_000);
    sim.runUntil(10 * SECOND);
    expect(times[0]).toBeGreaterThanOrEqual(SECOND);
    expect(times[0]).toBeLessThan(SECOND + 5 * MILLISECOND);
  });
});

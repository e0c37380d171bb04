/**
 * Lazy ticking (src/raft/tick-driver.ts) must be invisible: a cluster driven lazily produces
 * exactly the outputs (every Ready, every Raft event, at the same simulated instant) and the final
 * state that eager ticking — a wake-up at every tick — produces, under random timing, faults,
 * proposals, reads, leadership transfers and crashes. Plus unit tests of the driver's clock and of
 * the core's `ticksUntilActive` contract.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RaftNode } from "../../src/raft/raft.js";
import type { Ready } from "../../src/raft/ready.js";
import { TickDriver, type TickMode } from "../../src/raft/tick-driver.js";
import type { ConfChange, Entry, HardState, Message } from "../../src/raft/types.js";
import { Simulation } from "../../src/sim/simulation.js";

// ---------------------------------------------------------------------------------------------
// A small simulated cluster. Every event that touches node j happens at a time ≡ j (mod SLOTS):
// its tick phase, message arrivals (latency ≡ to − from), proposals and crashes. Two events at the
// same instant therefore concern the same node, so the kernel's tie-breaking between the wake-ups
// (scheduled at different moments in the two modes) and other nodes' events can never reorder
// anything; only the driver's own semantics are compared.

const SLOTS = 8;
const PERIOD_US = 10_000; // a multiple of SLOTS

interface Schedule {
  readonly seed: number;
  readonly members: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly latencySlots: readonly [number, number];
  readonly lossPercent: number;
  readonly actions: readonly Action[];
}

type Action =
  | {
      readonly at: number;
      readonly kind: "propose" | "read" | "campaign" | "crash" | "restart";
      readonly node: number;
    }
  | { readonly at: number; readonly kind: "transfer"; readonly node: number; readonly to: number }
  | { readonly at: number; readonly kind: "isolate"; readonly node: number }
  | { readonly at: number; readonly kind: "heal" };

interface Disk {
  hardState: HardState;
  entries: Entry[];
}

interface Host {
  readonly id: number;
  node: RaftNode | null;
  driver: TickDriver | null;
  readonly disk: Disk;
  readonly out: string[];
}

/** Runs `s` with ticks driven in `mode`; returns each node's output transcript and final state. */
function runSchedule(
  s: Schedule,
  mode: TickMode,
): { transcripts: string[][]; finals: string[]; events: number } {
  const sim = new Simulation({ seed: `tick-driver-${s.seed}` });
  const voters = Array.from({ length: s.members }, (_, i) => i + 1);
  const hosts: Host[] = voters.map((id) => ({
    id,
    node: null,
    driver: null,
    disk: { hardState: { term: 0, vote: 0, commit: 0 }, entries: [] },
    out: [],
  }));
  const isolated = new Set<number>();
  const netRng = sim.rng.stream("net");
  const stamp = (): string => `t=${sim.now}`;

  const deliver = (m: Message): void => {
    const h = hosts[m.to - 1]!;
    if (h.node === null || isolated.has(m.to) || isolated.has(m.from)) return;
    input(h, (n) => n.step(m));
  };

  const send = (h: Host, m: Message): void => {
    if (isolated.has(h.id) || isolated.has(m.to)) return;
    if (netRng.int(0, 99) < s.lossPercent) return;
    const [lo, hi] = s.latencySlots;
    const residue = (((m.to - h.id) % SLOTS) + SLOTS) % SLOTS;
    sim.after(SLOTS * netRng.int(lo, hi) + residue, deliver, m);
  };

  const persist = (disk: Disk, rd: Ready): void => {
    if (rd.hardState !== null) disk.hardState = rd.hardState;
    for (const e of rd.entries) {
      disk.entries.length = Math.min(disk.entries.length, e.index - 1);
      disk.entries.push(e);
    }
  };

  const processReady = (h: Host): void => {
    const node = h.node!;
    while (node.hasReady()) {
      const rd = node.ready();
      persist(h.disk, rd);
      h.out.push(`${stamp()} ${describeReady(rd)}`);
      for (const m of rd.messages) send(h, m);
      for (const e of rd.committedEntries)
        if (e.type === "confChange") node.applyConfChange(e.data as ConfChange);
      node.advance(rd);
    }
  };

  const input = (h: Host, fn: (n: RaftNode) => unknown): void => {
    const node = h.node!;
    const driver = h.driver!;
    if (driver.catchUp() > 0) processReady(h);
    const result = fn(node);
    if (result !== undefined) h.out.push(`${stamp()} -> ${String(result)}`);
    processReady(h);
    driver.rearm();
  };

  const start = (h: Host, restart: boolean): void => {
    const rng = sim.rng.stream(`timeouts/${h.id}`);
    const node = new RaftNode(
      {
        id: h.id,
        randomInt: (max) => rng.int(0, max - 1),
        electionTicks: s.electionTicks,
        heartbeatTicks: s.heartbeatTicks,
        preVote: s.preVote,
        checkQuorum: s.checkQuorum,
        maxEntriesPerMsg: 2,
      },
      restart
        ? { hardState: h.disk.hardState, entries: [...h.disk.entries] }
        : { bootstrap: { voters, learners: [] } },
    );
    node.onEvent = (e) => h.out.push(`${stamp()} event ${JSON.stringify(e)}`);
    h.node = node;
    // Phase ≡ id (mod SLOTS), so every tick of this node lands on its own residue.
    const phase = sim.now + SLOTS * (1 + netRng.int(0, PERIOD_US / SLOTS - 1)) + h.id - (sim.now % SLOTS);
    h.driver = new TickDriver(sim, node, {
      periodUs: PERIOD_US,
      firstTickAtUs: phase,
      onTicked: () => processReady(h),
      mode,
    });
    processReady(h);
    h.driver.rearm();
  };

  for (const h of hosts) start(h, false);

  let proposals = 0;
  for (const a of s.actions) {
    const atUs = a.at * SLOTS + ("node" in a ? a.node : 0);
    sim.at(atUs, () => {
      if (a.kind === "heal") {
        isolated.clear();
        return;
      }
      if (a.kind === "isolate") {
        isolated.add(a.node);
        return;
      }
      const h = hosts[a.node - 1]!;
      if (a.kind === "restart") {
        if (h.node === null) start(h, true);
        return;
      }
      if (h.node === null) return;
      switch (a.kind) {
        case "propose":
          input(h, (n) => n.propose(`p${++proposals}`, 8));
          return;
        case "read":
          input(h, (n) => n.readIndex(`r${proposals}`));
          return;
        case "campaign":
          input(h, (n) => n.campaign());
          return;
        case "transfer":
          input(h, (n) => n.transferLeader(a.to));
          return;
        case "crash":
          h.driver!.stop();
          h.node = null;
          h.driver = null;
          h.out.push(`${stamp()} crashed`);
          return;
      }
    });
  }
  const endUs = (s.actions.reduce((m, a) => Math.max(m, a.at), 0) + 1) * SLOTS + 40 * PERIOD_US;
  sim.runUntil(endUs);
  const finals = hosts.map((h) => {
    if (h.node === null) return "down";
    if (h.driver!.catchUp() > 0) processReady(h);
    return JSON.stringify(h.node.status());
  });
  return { transcripts: hosts.map((h) => h.out), finals, events: sim.eventsProcessed };
}

function describeReady(rd: Ready): string {
  const parts: string[] = [];
  if (rd.softState !== null) parts.push(`soft ${rd.softState.role}/${rd.softState.leader}`);
  if (rd.hardState !== null)
    parts.push(`hard ${rd.hardState.term}/${rd.hardState.vote}/${rd.hardState.commit}`);
  if (rd.entries.length > 0) parts.push(`entries ${rd.entries.map((e) => `${e.term}.${e.index}`).join(",")}`);
  if (rd.committedEntries.length > 0)
    parts.push(`apply ${rd.committedEntries.map((e) => e.index).join(",")}`);
  for (const m of rd.messages) {
    parts.push(
      `${m.type} ${m.from}->${m.to} t${m.term} i${m.index}/${m.logTerm} c${m.commit} n${m.entries.length}${m.reject ? ` rej${m.rejectHint}` : ""}${m.context === null ? "" : ` ctx${String(m.context)}`}`,
    );
  }
  for (const r of rd.readStates) parts.push(`read ${String(r.requestId)}@${r.index}`);
  return parts.join(" | ");
}

const schedule: fc.Arbitrary<Schedule> = fc
  .record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    members: fc.integer({ min: 1, max: 5 }),
    electionTicks: fc.integer({ min: 2, max: 12 }),
    heartbeatFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    preVote: fc.boolean(),
    checkQuorum: fc.boolean(),
    latencyLo: fc.integer({ min: 0, max: 3000 }),
    latencySpread: fc.integer({ min: 0, max: 3000 }),
    lossPercent: fc.integer({ min: 0, max: 20 }),
    actions: fc.array(
      fc.record({
        at: fc.integer({ min: 1, max: 400_000 }), // in slots: up to 3.2 s
        kind: fc.constantFrom(
          "propose",
          "propose",
          "propose",
          "read",
          "campaign",
          "crash",
          "restart",
          "transfer",
          "isolate",
          "heal",
        ),
        node: fc.integer({ min: 1, max: 5 }),
        to: fc.integer({ min: 1, max: 5 }),
      }),
      { maxLength: 60 },
    ),
  })
  .map((r) => ({
    seed: r.seed,
    members: r.members,
    electionTicks: r.electionTicks,
    heartbeatTicks: Math.max(
      1,
      Math.min(r.electionTicks - 1, Math.round(r.heartbeatFraction * (r.electionTicks - 1))),
    ),
    preVote: r.preVote,
    checkQuorum: r.checkQuorum,
    latencySlots: [1 + r.latencyLo, 1 + r.latencyLo + r.latencySpread] as const,
    lossPercent: r.lossPercent,
    actions: r.actions.map((a): Action => {
      const node = 1 + ((a.node - 1) % r.members);
      if (a.kind === "heal") return { at: a.at, kind: "heal" };
      if (a.kind === "transfer")
        return { at: a.at, kind: "transfer", node, to: 1 + ((a.to - 1) % r.members) };
      return { at: a.at, kind: a.kind, node };
    }),
  }));

describe("TickDriver: lazy ticking is invisible", () => {
  it("gives every node the same outputs at the same instants, and the same final state, as eager ticking", () => {
    fc.assert(
      fc.property(schedule, (s) => {
        const eager = runSchedule(s, "eager");
        const lazy = runSchedule(s, "lazy");
        expect(lazy.transcripts).toEqual(eager.transcripts);
        expect(lazy.finals).toEqual(eager.finals);
        // Never more kernel events than eager ticking (equal when every tick matters, e.g. a
        // single-voter leader with heartbeatTicks 1); the fault-free test below checks the saving.
        expect(lazy.events).toBeLessThanOrEqual(eager.events);
      }),
      { numRuns: 60 },
    );
  });

  it("elects a leader and replicates in a fault-free run (the transcripts are not trivially equal)", () => {
    const s: Schedule = {
      seed: 7,
      members: 3,
      electionTicks: 10,
      heartbeatTicks: 5,
      preVote: true,
      checkQuorum: true,
      latencySlots: [1250, 1875],
      lossPercent: 0,
      actions: [50_000, 60_000, 70_000].map((at) => ({ at, kind: "propose" as const, node: 1 })),
    };
    const lazy = runSchedule(s, "lazy");
    const eager = runSchedule(s, "eager");
    expect(lazy.transcripts).toEqual(eager.transcripts);
    const leaders = lazy.finals.filter((f) => f.includes('"role":"leader"'));
    expect(leaders).toHaveLength(1);
    expect(lazy.transcripts.flat().some((l) => l.includes("MsgHeartbeat "))).toBe(true);
    expect(lazy.events * 2).toBeLessThan(eager.events);
  });
});

// ---------------------------------------------------------------------------------------------

/** A fake node that records when it was ticked and says a tick matters every `every` ticks. */
class FakeNode {
  readonly tickedAt: number[] = [];
  every = 5;
  private count = 0;
  constructor(private readonly sim: Simulation) {}
  tick(): void {
    this.count++;
    this.tickedAt.push(this.sim.now);
  }
  ticksUntilActive(): number {
    return this.every - (this.count % this.every);
  }
}

describe("TickDriver clock", () => {
  it("applies tick n at first + (n−1)·period, before any input at the same instant", () => {
    const sim = new Simulation({ seed: 1 });
    const node = new FakeNode(sim);
    const woken: number[] = [];
    const d = new TickDriver(sim, node, {
      periodUs: 100,
      firstTickAtUs: 30,
      onTicked: () => woken.push(sim.now),
    });
    // An input at exactly a tick's time sees that tick applied first.
    sim.at(230, () => {
      expect(d.catchUp()).toBe(3); // ticks 30, 130 and 230 (the wake-up for tick 5 is at 430)
      d.rearm();
    });
    sim.runUntil(1000);
    expect(d.catchUp()).toBe(0); // 930 was the last tick due
    expect(d.ticks).toBe(10);
    expect(d.nextTickAtUs).toBe(1030);
    // Wake-ups only at ticks 5 and 10 (every 5th matters); the others were caught up lazily.
    expect(woken).toEqual([430, 930]);
    expect(node.tickedAt).toEqual([230, 230, 230, 430, 430, 930, 930, 930, 930, 930]);
  });

  it("wakes at every tick in eager mode, and never after stop()", () => {
    const sim = new Simulation({ seed: 1 });
    const node = new FakeNode(sim);
    node.every = 1000;
    const woken: number[] = [];
    const d = new TickDriver(sim, node, {
      periodUs: 10,
      firstTickAtUs: 5,
      onTicked: () => woken.push(sim.now),
      mode: "eager",
    });
    sim.runUntil(50);
    expect(woken).toEqual([5, 15, 25, 35, 45]);
    d.stop();
    sim.runUntil(500);
    expect(woken).toHaveLength(5);
    expect(d.catchUp()).toBe(0);
    expect(sim.pendingEvents).toBe(0);
  });

  it("moves its wake-up earlier when an input makes an earlier tick matter, and never schedules for Infinity", () => {
    const sim = new Simulation({ seed: 1 });
    const node = new FakeNode(sim);
    node.every = Number.POSITIVE_INFINITY;
    const woken: number[] = [];
    const d = new TickDriver(sim, node, {
      periodUs: 10,
      firstTickAtUs: 10,
      onTicked: () => woken.push(sim.now),
    });
    expect(d.wakeAtUs).toBe(Number.POSITIVE_INFINITY);
    sim.at(35, () => {
      d.catchUp();
      node.every = 2; // 3 ticks so far: the 4th matters
      d.rearm();
    });
    sim.runUntil(45);
    expect(woken).toEqual([40]);
    expect(d.wakeAtUs).toBe(60);
    // Re-arming with a tick overdue is a host bug, not something to paper over.
    node.every = Number.POSITIVE_INFINITY;
    d.catchUp();
    sim.runUntil(1000);
    node.every = 3;
    expect(() => d.rearm()).toThrow(/catchUp/);
  });
});

describe("RaftNode.ticksUntilActive", () => {
  it("ticks before the announced one change nothing but counters", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 11 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (electionTicks, hb, checkQuorum, seed) => {
          const heartbeatTicks = Math.min(hb, electionTicks - 1);
          let draws = seed;
          const node = new RaftNode(
            { id: 1, randomInt: (max) => draws++ % max, electionTicks, heartbeatTicks, checkQuorum },
            { bootstrap: { voters: [1], learners: [] } },
          );
          const events: unknown[] = [];
          node.onEvent = (e) => events.push(e);
          const drain = (): void => {
            while (node.hasReady()) {
              const rd = node.ready();
              for (const e of rd.committedEntries)
                if (e.type === "confChange") node.applyConfChange(e.data as ConfChange);
              node.advance(rd);
            }
          };
          // Walk through follower → (single voter) leader, checking the contract at each step.
          for (let round = 0; round < 6; round++) {
            drain();
            events.length = 0;
            const k = node.ticksUntilActive();
            expect(k).toBeGreaterThanOrEqual(1);
            const before = JSON.stringify(node.status());
            for (let i = 1; i < k; i++) node.tick();
            expect(node.hasReady()).toBe(false);
            expect(events).toEqual([]);
            expect(JSON.stringify(node.status())).toBe(before);
            node.tick(); // the active one: campaigns (and wins) or heartbeats
          }
          expect(node.role).toBe("leader");
        },
      ),
      { numRuns: 100 },
    );
  });
});

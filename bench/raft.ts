/**
 * `npm run bench -- raft`: the Raft core on the simulation kernel and the simulated network, in
 * ongardie/raftscope's configuration (../shared/reference/etcd-raft.md §7): 5 members, one-way
 * latency uniform 10–15 ms, election timeout 100–200 ms, heartbeat 50 ms, 10 proposals/s to the
 * leader, 1,000 simulated seconds. raftscope runs this at about 470× real time and 90 k messages
 * per wall second headless; the target here is ≥ 20,000× real time.
 *
 * Time: one Raft tick is 10 ms (heartbeat every 5 ticks, election timeout drawn from [10, 20)
 * ticks = 100–190 ms, etcd's [E, 2E) rule); each member ticks at its own fixed phase. Ticking is
 * lazy (src/raft/tick-driver.ts): a kernel event only for ticks that do something (the leader's
 * heartbeat and check-quorum ticks, a follower's election deadline, re-armed lazily when it turns
 * out early), with the skipped ticks applied before every other input, so the outputs are exactly
 * those of ticking every 10 ms (test/raft/tick-driver.test.ts; the correctness run below also
 * compares the two). That halves the kernel events: ≈ 460 per simulated second for ≈ 400 messages.
 * Messages go through the network model (`Network.sendVia` on prepared routes: latency draws,
 * FIFO per connection, fault checks, counters). Persistence is instantaneous: this measures Raft
 * and the kernel, not the disk model (bench/soak.ts covers the whole member).
 *
 * Reference, measured in the same run: a bare message loop on the same kernel and network — each
 * delivered message is answered by one message to another host, with as many messages in flight
 * as the Raft run averages — for the same number of messages. The ratio says how much of the
 * budget Raft itself takes.
 *
 * Correctness check: a leader exists at the end, at least 99 % of the proposals are committed,
 * and every member applied the same entries (the Raft invariant checker watches a separate 200 s
 * run, which is also repeated with eager ticking and must give the same messages and commits).
 */
import { Network } from "../src/infra/network.js";
import { observeEvent, observeReady, RaftInvariantChecker } from "../src/raft/invariants.js";
import { RaftNode } from "../src/raft/raft.js";
import { TickDriver, type TickMode } from "../src/raft/tick-driver.js";
import type { Message } from "../src/raft/types.js";
import type { Rng } from "../src/sim/rng.js";
import { Simulation } from "../src/sim/simulation.js";
import { MILLISECOND, SECOND } from "../src/sim/time.js";
import type { Benchmark, BenchOptions, BenchResult } from "./benchmark.js";
import { alternate, median, timed } from "./measure.js";

/** Simulated seconds per round unless `--size` says otherwise. */
export const RAFT_BENCH_SECONDS = 1000;
/** Target speed (the acceptance number). */
export const RAFT_TARGET_SPEED = 20_000;

const MEMBERS = 5;
const TICK_US = 10 * MILLISECOND;
const PORT = 2380;

/** What one run of the Raft cluster did. */
export interface RaftRunOutcome {
  readonly simSeconds: number;
  readonly messages: number;
  readonly proposals: number;
  readonly committed: number;
  readonly leaderAtEnd: boolean;
  readonly sameLogs: boolean;
  readonly violations: number;
  readonly events: number;
}

/** The members, bootstrapped as voters, their election timeouts drawn from `rng`. */
function newMembers(rng: Rng): RaftNode[] {
  const voters = Array.from({ length: MEMBERS }, (_, i) => i + 1);
  return voters.map(
    (id) =>
      new RaftNode(
        { id, randomInt: (max) => rng.int(0, max - 1), electionTicks: 10, heartbeatTicks: 5 },
        { bootstrap: { voters, learners: [] } },
      ),
  );
}

/**
 * From 1 s on, every 100 ms: a 16-byte proposal to whichever member leads (its skipped ticks
 * applied first), then `handle(i)` for its Ready. Returns how many proposals were appended so far.
 */
function proposeEvery100ms(
  sim: Simulation,
  nodes: readonly RaftNode[],
  drivers: readonly TickDriver[],
  process: (i: number) => void,
  handle: (i: number) => void,
): () => number {
  let proposals = 0;
  const propose = (): void => {
    for (let i = 0; i < MEMBERS; i++) {
      const driver = drivers[i]!;
      if (driver.catchUp() > 0) process(i);
      if (nodes[i]!.role === "leader") {
        if (nodes[i]!.propose(proposals + 1, 16) === "appended") {
          proposals++;
          handle(i);
        }
        driver.rearm();
        break;
      }
      driver.rearm();
    }
    sim.after(100 * MILLISECOND, propose);
  };
  sim.after(SECOND, propose);
  return () => proposals;
}

/** Runs the raftscope-like cluster for `simSeconds`; `checked` adds the invariant checker. */
export function runRaftCluster(
  simSeconds: number,
  seed = 1,
  checked = false,
  tickMode: TickMode = "lazy",
): RaftRunOutcome {
  const sim = new Simulation({ seed: `raft-bench-${seed}` });
  const net = new Network(sim, {
    latency: { kind: "uniform", min: 10 * MILLISECOND, max: 15 * MILLISECOND },
    bandwidthBytesPerSec: Number.POSITIVE_INFINITY,
  });
  const checker = checked ? new RaftInvariantChecker() : null;
  const hosts = Array.from({ length: MEMBERS }, (_, i) => `n${i + 1}`);
  const applied = new Array<number>(MEMBERS).fill(0);
  let committedProposals = 0;
  const rng = sim.rng.stream("raft-bench/timeouts");
  const nodes = newMembers(rng);
  for (const host of hosts) net.addHost(host);
  if (checker !== null) for (const node of nodes) node.onEvent = (e) => observeEvent(checker, node, e);
  // Prepared routes between every pair (Network.sendVia skips the lookups by host name).
  const routes = hosts.map((from) => hosts.map((to) => net.route(from, to, PORT)));
  const process = (i: number): void => {
    const node = nodes[i]!;
    while (node.hasReady()) {
      const rd = node.ready();
      if (checker !== null) observeReady(checker, node, rd);
      const msgs = rd.messages;
      for (let k = 0; k < msgs.length; k++) {
        const m = msgs[k]!;
        net.sendVia(routes[i]![m.to - 1]!, m, 0);
      }
      const ce = rd.committedEntries;
      for (let k = 0; k < ce.length; k++) {
        const e = ce[k]!;
        if (e.type === "confChange") node.applyConfChange(e.data as never);
        else if (i === 0 && e.data !== null) committedProposals++;
      }
      if (ce.length > 0) applied[i] = ce[ce.length - 1]!.index;
      node.advance(rd);
    }
  };
  const drivers: TickDriver[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const node = nodes[i]!;
    // Each member ticks every 10 ms at its own phase; only ticks that matter wake the kernel.
    const driver = new TickDriver(sim, node, {
      periodUs: TICK_US,
      firstTickAtUs: 1 + Math.floor(rng.float() * TICK_US),
      onTicked: () => process(i),
      mode: tickMode,
    });
    drivers.push(driver);
    net.listen(hosts[i]!, PORT, (m: Message) => {
      if (driver.catchUp() > 0) process(i);
      node.step(m);
      process(i);
      driver.rearm();
    });
    process(i);
  }
  const proposals = proposeEvery100ms(sim, nodes, drivers, process, process);
  sim.runUntil(simSeconds * SECOND);
  // Let the last proposals commit and apply everywhere.
  const endProposals = proposals();
  sim.runUntil(simSeconds * SECOND + SECOND);
  for (let i = 0; i < MEMBERS; i++) if (drivers[i]!.catchUp() > 0) process(i);
  const leaderAtEnd = nodes.some((n) => n.role === "leader");
  const sameLogs = applied.every((a) => a === applied[0]);
  const counters = net.counters();
  return {
    simSeconds,
    messages: counters.delivered,
    proposals: endProposals,
    committed: committedProposals,
    leaderAtEnd,
    sameLogs,
    violations: checker?.violationCount ?? 0,
    events: sim.eventsProcessed,
  };
}

/**
 * The Raft core's own cost, with delivery free: the same five members, tick driver and proposals,
 * but every message is handed to its destination at once from a FIFO (no kernel event, no network
 * model, no latency draw). With zero latency fewer appends race heartbeats, so the message mix is
 * not the timed run's; what it gives is the core's time per message (step, Ready, advance, lazy
 * ticks), the floor under any delivery design. Returns the messages delivered.
 */
export function runRaftCoreSynchronous(simSeconds: number, seed = 1): number {
  const sim = new Simulation({ seed: `raft-bench-core-${seed}` });
  const rng = sim.rng.stream("raft-bench/timeouts");
  const nodes = newMembers(rng);
  const drivers: TickDriver[] = [];
  const queue: Message[] = [];
  let delivered = 0;
  const process = (i: number): void => {
    const node = nodes[i]!;
    while (node.hasReady()) {
      const rd = node.ready();
      for (let k = 0; k < rd.messages.length; k++) queue.push(rd.messages[k]!);
      const ce = rd.committedEntries;
      for (let k = 0; k < ce.length; k++) {
        const e = ce[k]!;
        if (e.type === "confChange") node.applyConfChange(e.data as never);
      }
      node.advance(rd);
    }
  };
  const pump = (): void => {
    for (let head = 0; head < queue.length; head++) {
      const m = queue[head]!;
      const j = m.to - 1;
      delivered++;
      if (drivers[j]!.catchUp() > 0) process(j);
      nodes[j]!.step(m);
      process(j);
      drivers[j]!.rearm();
    }
    queue.length = 0;
  };
  for (let i = 0; i < MEMBERS; i++) {
    drivers.push(
      new TickDriver(sim, nodes[i]!, {
        periodUs: TICK_US,
        firstTickAtUs: 1 + Math.floor(rng.float() * TICK_US),
        onTicked: () => {
          process(i);
          pump();
        },
      }),
    );
  }
  proposeEvery100ms(sim, nodes, drivers, process, (i) => {
    process(i);
    pump();
  });
  sim.runUntil(simSeconds * SECOND);
  return delivered;
}

/**
 * The reference: `messages` messages through the same kernel and network, each delivery answered
 * by one new message to the next host, `inFlight` of them at a time.
 */
export function runMessageLoop(messages: number, inFlight: number): number {
  const sim = new Simulation({ seed: "raft-bench-reference" });
  const net = new Network(sim, {
    latency: { kind: "uniform", min: 10 * MILLISECOND, max: 15 * MILLISECOND },
    bandwidthBytesPerSec: Number.POSITIVE_INFINITY,
  });
  const hosts = Array.from({ length: MEMBERS }, (_, i) => `n${i + 1}`);
  let delivered = 0;
  for (const host of hosts) net.addHost(host);
  for (let i = 0; i < MEMBERS; i++) {
    const route = net.route(hosts[i]!, hosts[(i + 1) % MEMBERS]!, PORT);
    net.listen(hosts[i]!, PORT, (m: { n: number }) => {
      if (++delivered >= messages) {
        sim.stop();
        return;
      }
      net.sendVia(route, { n: m.n + 1 }, 0);
    });
  }
  for (let k = 0; k < inFlight; k++)
    net.send(hosts[k % MEMBERS]!, hosts[(k + 1) % MEMBERS]!, PORT, { n: 0 }, 0);
  sim.runUntil(Number.POSITIVE_INFINITY);
  return delivered;
}

/** The Raft benchmark. */
export const raftBenchmark: Benchmark = {
  name: "raft",
  description:
    "5 Raft members, raftscope's timing (10–15 ms latency, 100–200 ms election, 50 ms heartbeat), 10 proposals/s, 1,000 simulated s; vs a bare message loop",
  run(options: BenchOptions): BenchResult {
    const simSeconds = options.size ?? RAFT_BENCH_SECONDS;
    // Correctness first, with the invariant checker on (not timed).
    const checkedRun = runRaftCluster(Math.min(simSeconds, 200), 1, true);
    const eagerRun = runRaftCluster(Math.min(simSeconds, 200), 1, true, "eager");
    const outcomes: RaftRunOutcome[] = [];
    let msgCount = 0;
    let inFlight = 30;
    const [raftRates, refRates, coreRates] = alternate(
      [
        {
          name: "raft",
          round: () => {
            const { seconds, value } = timed(() => runRaftCluster(simSeconds, 1 + outcomes.length));
            outcomes.push(value);
            msgCount = value.messages;
            // Average messages in flight: deliveries × mean latency ÷ simulated time.
            inFlight = Math.max(1, Math.round((value.messages * 12.5 * MILLISECOND) / (simSeconds * SECOND)));
            return value.messages / seconds;
          },
        },
        {
          name: "reference",
          round: () => {
            const n = msgCount > 0 ? msgCount : 200 * simSeconds;
            const { seconds } = timed(() => runMessageLoop(n, inFlight));
            return n / seconds;
          },
        },
        {
          name: "core only",
          round: () => {
            const { seconds, value } = timed(() => runRaftCoreSynchronous(simSeconds, 1 + outcomes.length));
            return value / seconds;
          },
        },
      ],
      options.rounds,
      options.log,
      [() => runRaftCluster(Math.min(simSeconds, 100), 99)],
    );
    const msgsPerSec = median(raftRates!);
    const refPerSec = median(refRates!);
    const corePerSec = median(coreRates!);
    const last = outcomes[outcomes.length - 1]!;
    const messagesPerSimSecond = last.messages / last.simSeconds;
    const speed = msgsPerSec / messagesPerSimSecond;
    const notes: string[] = [];
    let ok = true;
    for (const o of [checkedRun, eagerRun, ...outcomes]) {
      if (!o.leaderAtEnd || !o.sameLogs || o.violations > 0 || o.committed < o.proposals * 0.99) {
        ok = false;
        notes.push(
          `check failed: leader ${o.leaderAtEnd}, same logs ${o.sameLogs}, violations ${o.violations}, committed ${o.committed}/${o.proposals}`,
        );
      }
    }
    if (
      eagerRun.messages !== checkedRun.messages ||
      eagerRun.committed !== checkedRun.committed ||
      eagerRun.proposals !== checkedRun.proposals
    ) {
      ok = false;
      notes.push(
        `lazy ticking changed the run: ${checkedRun.messages} messages / ${checkedRun.committed} committed vs ${eagerRun.messages} / ${eagerRun.committed} eager`,
      );
    }
    // The target's budget per message, against the two costs every message has in this design.
    const budgetNs = 1e9 / (RAFT_TARGET_SPEED * messagesPerSimSecond);
    const coreNs = 1e9 / corePerSec;
    const deliveryNs = 1e9 / refPerSec;
    if (speed < RAFT_TARGET_SPEED) {
      notes.push(`${Math.round(speed)}× real time is below the target ${RAFT_TARGET_SPEED}×`);
      notes.push(
        `the target allows ${Math.round(budgetNs)} ns per message; delivery through kernel and network alone costs ${Math.round(deliveryNs)} ns and the Raft core with free delivery ${Math.round(coreNs)} ns (docs/benchmarks.md)`,
      );
    }
    return {
      metrics: [
        { key: "simSecondsPerWallSecond", label: "speed", value: Math.round(speed), unit: "× real time" },
        {
          key: "messagesPerWallSecond",
          label: "Raft messages",
          value: Math.round(msgsPerSec),
          unit: "msgs/s",
        },
        {
          key: "referenceMessagesPerWallSecond",
          label: "bare message loop",
          value: Math.round(refPerSec),
          unit: "msgs/s",
        },
        {
          key: "ratio",
          label: "Raft / reference",
          value: Math.round((msgsPerSec / refPerSec) * 1000) / 1000,
          unit: "×",
        },
        {
          key: "coreOnlyMessagesPerWallSecond",
          label: "Raft core, delivery free",
          value: Math.round(corePerSec),
          unit: "msgs/s",
        },
        { key: "budgetNsPerMessage", label: "target budget", value: Math.round(budgetNs), unit: "ns/msg" },
        {
          key: "deliveryNsPerMessage",
          label: "kernel + network",
          value: Math.round(deliveryNs),
          unit: "ns/msg",
        },
        { key: "coreNsPerMessage", label: "Raft core", value: Math.round(coreNs), unit: "ns/msg" },
        {
          key: "messagesPerSimSecond",
          label: "messages per simulated s",
          value: Math.round(messagesPerSimSecond),
          unit: "",
        },
        {
          key: "eventsPerSimSecond",
          label: "events per simulated s",
          value: Math.round(last.events / last.simSeconds),
          unit: "",
        },
      ],
      notes,
      ok,
    };
  },
};

/**
 * Randomized runs of a cluster for the property tests, in TigerBeetle-simulator style: a safety
 * phase with faults chosen by the seed (message loss, duplication and reordering, partitions,
 * crashes with restart from disk, log compaction, leadership transfers, and disk loss modelled as
 * member replacement), then a liveness phase with every fault healed, in which a leader must
 * emerge and all logs converge within a bound. The invariant checker watches every step.
 */
import type { InvariantFinding } from "../../src/raft/invariants.js";
import type { NodeId } from "../../src/raft/types.js";
import { Rng } from "../../src/sim/rng.js";
import { Cluster } from "./harness.js";

/** Fault mix and size of one run. */
export interface ChaosOptions {
  readonly seed: number;
  readonly voters: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Election timeout E in ticks (heartbeat is 1 tick). Small values mean more elections per step. */
  readonly electionTicks: number;
  readonly safetySteps: number;
  /** Probability that a delivered message is lost instead. */
  readonly dropRate: number;
  /** Probability that a delivered message is also kept on the wire (delivered again later). */
  readonly dupRate: number;
  /** Relative weights of the fault actions (0 disables). */
  readonly crashWeight: number;
  readonly partitionWeight: number;
  readonly compactWeight: number;
  readonly transferWeight: number;
  readonly replaceWeight: number;
  readonly maxEntriesPerMsg: number;
  readonly maxInflightMsgs: number;
  /** Ticks allowed for convergence once faults are healed. */
  readonly livenessTicks: number;
  /** Debug hook called after every liveness tick. */
  readonly onLivenessTick?: (c: Cluster, tick: number) => void;
}

/** What a run produced. */
export interface ChaosResult {
  readonly findings: readonly InvariantFinding[];
  readonly converged: boolean;
  readonly ticksToConverge: number;
  /** Every command any member applied, by index. */
  readonly everApplied: ReadonlyMap<number, string>;
  /** Commands lost: applied somewhere once but missing from the final state. */
  readonly lost: readonly string[];
  readonly finalItems: readonly string[];
  readonly problem: string | null;
}

/** Runs one randomized scenario. */
export function runChaos(o: ChaosOptions): ChaosResult {
  const rng = new Rng(`raft-chaos:${o.seed}`);
  const timeouts = new Rng(`raft-chaos-timeouts:${o.seed}`);
  const c = new Cluster();
  c.timeoutFor = () => (max) => timeouts.int(0, max - 1);
  const everApplied = new Map<number, string>();
  let problem: string | null = null;
  c.onApply = (_m, e) => {
    if (e.type !== "normal" || e.data === null) return;
    const prev = everApplied.get(e.index);
    if (prev !== undefined && prev !== e.data)
      problem ??= `index ${e.index} applied as ${prev} and ${String(e.data)}`;
    everApplied.set(e.index, String(e.data));
  };
  const voters = Array.from({ length: o.voters }, (_, i) => i + 1);
  const options = {
    preVote: o.preVote,
    checkQuorum: o.checkQuorum,
    electionTicks: o.electionTicks,
    maxEntriesPerMsg: o.maxEntriesPerMsg,
    maxInflightMsgs: o.maxInflightMsgs,
  };
  c.bootstrap({ voters, learners: [] }, options);
  const crashed = new Set<NodeId>();
  let nextProposal = 1;
  let nextId = 100;
  // Disk-loss replacement in progress: `victim` destroyed, to be removed, then `newcomer` added.
  let replacing: { victim: NodeId; newcomer: NodeId; added: boolean } | null = null;

  const liveIds = (): NodeId[] => c.ids().filter((id) => c.member(id).raft !== null);
  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : rng.choice(xs));

  /** Drives a pending replacement one step: remove the victim, then add the newcomer. */
  const driveReplacement = (): void => {
    if (replacing === null) return;
    const leaderId = c.leader();
    if (leaderId === 0) return;
    const leader = c.node(leaderId);
    const cs = leader.confState();
    if (cs.voters.includes(replacing.victim)) {
      leader.proposeConfChange({ type: "remove", nodeId: replacing.victim }, 8);
      return;
    }
    if (!cs.voters.includes(replacing.newcomer)) {
      // (Re-)propose until it is applied: an uncommitted proposal can be lost with its leader.
      const r = leader.proposeConfChange({ type: "addVoter", nodeId: replacing.newcomer }, 8);
      if (r === "appended" && !replacing.added) {
        c.addBlank(replacing.newcomer, options);
        replacing.added = true;
      }
      return;
    }
    if (replacing.added) replacing = null;
  };

  const weights: [string, number][] = [
    ["tick", 12],
    ["ready", 20],
    ["deliver", 35],
    ["burst", 4],
    ["propose", 10],
    ["crash", o.crashWeight],
    ["restart", o.crashWeight],
    ["partition", o.partitionWeight],
    ["heal", o.partitionWeight],
    ["compact", o.compactWeight],
    ["transfer", o.transferWeight],
    ["replace", o.replaceWeight],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);

  try {
    for (let step = 0; step < o.safetySteps && problem === null; step++) {
      let r = rng.float() * total;
      let action = "tick";
      for (const [name, w] of weights) {
        if (r < w) {
          action = name;
          break;
        }
        r -= w;
      }
      switch (action) {
        case "tick": {
          const id = pick(liveIds());
          if (id !== undefined) c.node(id).tick();
          break;
        }
        case "ready": {
          const id = pick(liveIds());
          if (id !== undefined) c.processReady(id);
          break;
        }
        case "deliver": {
          if (c.inflight.length === 0) break;
          const i = rng.int(0, c.inflight.length - 1);
          const m = c.inflight[i]!;
          if (rng.chance(o.dupRate)) {
            // leave it on the wire: it will be delivered again
          } else {
            c.inflight.splice(i, 1);
          }
          if (rng.chance(o.dropRate)) {
            if (m.type === "MsgSnap") c.members.get(m.from)?.raft?.reportSnapshot(m.to, false);
          } else {
            c.deliver(m);
          }
          break;
        }
        case "burst": {
          // A calm moment: every member processes its Ready and the wire is flushed (still lossy).
          c.processAll();
          const batch = c.inflight;
          c.inflight = [];
          for (const m of batch) {
            if (rng.chance(o.dropRate)) {
              if (m.type === "MsgSnap") c.members.get(m.from)?.raft?.reportSnapshot(m.to, false);
            } else c.deliver(m);
          }
          break;
        }
        case "propose": {
          // Clients mostly find the leader; some requests land on followers and get forwarded.
          const leaderId = c.leader();
          const id = leaderId !== 0 && rng.chance(0.7) ? leaderId : pick(liveIds());
          if (id !== undefined) c.propose(id, `p${nextProposal++}`);
          break;
        }
        case "crash": {
          const id = pick(liveIds());
          if (id !== undefined) {
            c.crash(id);
            crashed.add(id);
          }
          break;
        }
        case "restart": {
          const id = pick([...crashed].filter((x) => c.members.has(x)));
          if (id !== undefined) {
            c.restart(id);
            crashed.delete(id);
          }
          break;
        }
        case "partition": {
          const ids = c.ids();
          const a = ids.filter(() => rng.chance(0.5));
          c.heal();
          c.partition([a, ids.filter((x) => !a.includes(x))]);
          break;
        }
        case "heal":
          c.heal();
          break;
        case "compact": {
          const id = pick(liveIds());
          if (id === undefined) break;
          const node = c.node(id);
          if (node.applied >= node.firstIndex) c.compact(id, rng.int(node.firstIndex, node.applied));
          break;
        }
        case "transfer": {
          const leaderId = c.leader();
          if (leaderId === 0) break;
          const to = pick(c.node(leaderId).confState().voters);
          if (to !== undefined) c.node(leaderId).transferLeader(to);
          break;
        }
        case "replace": {
          if (replacing !== null) {
            driveReplacement();
            break;
          }
          const leaderId = c.leader();
          if (leaderId === 0) break;
          const cs = c.node(leaderId).confState();
          if (cs.voters.length < 3) break;
          const victim = pick(cs.voters.filter((v) => v !== leaderId));
          if (victim === undefined) break;
          // The victim's disk is gone for good: it never comes back under its id.
          c.destroy(victim);
          crashed.delete(victim);
          replacing = { victim, newcomer: nextId++, added: false };
          driveReplacement();
          break;
        }
      }
      if (!c.checker.ok) break;
    }

    // Liveness: heal everything, restart every crashed member, finish a pending replacement.
    c.heal();
    for (const id of crashed) if (c.members.has(id)) c.restart(id);
    crashed.clear();
    let converged = false;
    let ticks = 0;
    for (; ticks < o.livenessTicks && problem === null && c.checker.ok; ticks++) {
      driveReplacement();
      c.tickAll();
      c.stabilize();
      o.onLivenessTick?.(c, ticks);
      if (replacing === null && isConverged(c)) {
        converged = true;
        break;
      }
    }
    const leaderId = c.leader();
    const finalItems = leaderId === 0 ? [] : c.member(leaderId).app.items;
    const finalSet = new Set(finalItems);
    const lost = [...everApplied.values()].filter((d) => !finalSet.has(d));
    return {
      findings: c.checker.findings,
      converged,
      ticksToConverge: ticks,
      everApplied,
      lost,
      finalItems,
      problem,
    };
  } catch (err) {
    return {
      findings: c.checker.findings,
      converged: false,
      ticksToConverge: -1,
      everApplied,
      lost: [],
      finalItems: [],
      problem: `threw: ${(err as Error).stack ?? String(err)}`,
    };
  }
}

/** One leader everyone follows; every log equal, fully committed and applied. */
function isConverged(c: Cluster): boolean {
  const leaderId = c.leader();
  if (leaderId === 0) return false;
  const leader = c.node(leaderId);
  if (leader.commit !== leader.lastIndex) return false;
  const cs = leader.confState();
  for (const v of cs.voters) if (!c.members.has(v) || c.member(v).raft === null) return false;
  const items = c.member(leaderId).app.items.join(",");
  for (const id of c.ids()) {
    const r = c.member(id).raft;
    if (r === null) return false;
    if (!cs.voters.includes(id) && !cs.learners.includes(id)) continue;
    if (r.term !== leader.term || r.leader !== leaderId) return false;
    if (r.lastIndex !== leader.lastIndex || r.commit !== leader.commit || r.applied !== r.commit)
      return false;
    if (r.termAt(r.lastIndex) !== leader.termAt(leader.lastIndex)) return false;
    if (c.member(id).app.items.join(",") !== items) return false;
  }
  return true;
}

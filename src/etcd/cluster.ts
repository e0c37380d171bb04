/**
 * The etcd cluster as a whole, seen from outside every member: the registry the world and the
 * tests use. It observes every member process (as their {@link MemberObserver}) and:
 *
 * - runs the Raft safety checker (src/raft/invariants.ts) on every member's events and Ready
 *   batches, one checker per cluster lineage (a restore or --force-new-cluster starts a new
 *   lineage whose terms start again), and turns violations into `invariant.violated` records;
 * - records roles (`etcd.role {member, role, term, leader}` on every role or leader change, and
 *   `stopped` when a process ends), membership changes (`etcd.member`, once per change), and the
 *   cluster's state (`etcd.cluster {leader, term, quorum, healthy, voters}` whenever it changes);
 * - remembers each VM's last keyspace and whether its data directory is intact, for the
 *   lost-write check, and whether the experiment destroyed data (majority data-dir loss, restore
 *   from a backup, --force-new-cluster), in which case lost writes are measured, not flagged.
 *
 * Cluster state, precisely (docs/etcd.md):
 * - `leader`: a running member in the Raft role leader that a quorum of the voters (itself
 *   included) follow right now: running, same term, same leader, peer port reachable both ways;
 * - `quorum`: a quorum of the voters are running and can all reach each other (they have, or
 *   can elect, a leader);
 * - `healthy`: members (voters and learners) following that leader, the leader included — what
 *   `etcdctl endpoint health` would call healthy; 0 without a leader.
 */
import type { Network } from "../infra/network.js";
import type { RaftEvent } from "../raft/events.js";
import { observeEvent, observeReady, RaftInvariantChecker } from "../raft/invariants.js";
import type { Ready } from "../raft/ready.js";
import { type ConfChange, NONE, type NodeId } from "../raft/types.js";
import type { Simulation } from "../sim/simulation.js";
import type { TraceRecord, TraceSink } from "../sim/trace.js";
import type { EtcdMember, MemberSetup } from "./member.js";
import type { MemberObserver } from "./member-observer.js";
import type { MvccStore } from "./mvcc.js";
import { entryContentKey } from "./proposals.js";
import type { EtcdUnitConfig } from "./unit-config.js";
import { PEER_PORT } from "./wire.js";

/** The cluster state the signals follow. */
export interface ClusterState {
  readonly leader: string;
  readonly term: number;
  readonly quorum: boolean;
  readonly healthy: number;
  readonly voters: number;
}

/** Why acknowledged writes may legitimately be gone. */
export interface DataDestruction {
  readonly t: number;
  readonly reason: string;
}

interface HostData {
  /** Keyspace of the latest process on the VM (kept after it stops: it is what its disk holds). */
  store: MvccStore | undefined;
  incarnation: number;
  applied: number;
  intact: boolean;
  /** After a wipe: the commit index the member must reach to hold the cluster's data again. */
  mustReach: number;
}

/** Bounded: Raft observations below every running member's applied index are dropped this often. */
const FORGET_EVERY_READIES = 2048;

/** The registry of one world's etcd members. */
export class EtcdCluster implements MemberObserver {
  /** Running member processes by VM name. */
  readonly members = new Map<string, EtcdMember>();
  /** The `etcd` unit flags of each VM. */
  readonly units = new Map<string, EtcdUnitConfig>();
  /** What each VM's member processes are built with. */
  readonly setups = new Map<string, MemberSetup>();
  /** Leader elections seen (one per lineage and term). */
  elections = 0;
  /** Data destruction events, in order. */
  readonly destructions: DataDestruction[] = [];

  private readonly checkers = new Map<number, RaftInvariantChecker>();
  private readonly reported = new Map<number, number>();
  private readonly incarnations = new Map<string, number>();
  private nextIncarnation = 1;
  private readonly hostData = new Map<string, HostData>();
  private readonly leaderTerms = new Set<string>();
  private readonly confSeen = new Set<string>();
  private readiesSinceForget = 0;
  private evaluatePending = false;
  private last: ClusterState = { leader: "", term: 0, quorum: true, healthy: 0, voters: 0 };
  private readonly evaluateFn = (): void => {
    this.evaluatePending = false;
    this.evaluate();
  };

  constructor(
    private readonly sim: Simulation,
    private readonly network: Network,
  ) {
    const sink: TraceSink = { write: (r) => this.onRecord(r) };
    sim.trace.addSink(sink);
  }

  /** The current cluster state (as last evaluated). */
  get state(): ClusterState {
    return this.last;
  }

  /** The member process running on `host`, if any. */
  member(host: string): EtcdMember | undefined {
    return this.members.get(host);
  }

  /** The running member that leads the newest lineage (highest term), if any. */
  leader(): EtcdMember | undefined {
    let best: EtcdMember | undefined;
    const inc = this.currentIncarnation();
    for (const m of this.members.values()) {
      const r = m.raft;
      if (r === null || r.role !== "leader" || m.incarnation !== inc) continue;
      if (best === undefined || r.term > best.raft!.term) best = m;
    }
    return best;
  }

  /** The newest lineage among running members (0 when none runs). */
  currentIncarnation(): number {
    let inc = 0;
    for (const m of this.members.values()) if (m.raft !== null && m.incarnation > inc) inc = m.incarnation;
    return inc;
  }

  /** Total invariant violations so far. */
  get violations(): number {
    let n = 0;
    for (const c of this.checkers.values()) n += c.violationCount;
    return n;
  }

  /** Every violation found so far (at most 100 per lineage). */
  findings(): string[] {
    const out: string[] = [];
    for (const c of this.checkers.values()) for (const f of c.findings) out.push(`${f.kind}: ${f.message}`);
    return out;
  }

  /** Records that the experiment destroyed data (restore, force-new-cluster, majority data loss). */
  markDataDestroyed(reason: string): void {
    this.destructions.push({ t: this.sim.now, reason });
    this.sim.emit("etcd.dataLoss", "etcd", { reason });
  }

  /** True when data was destroyed at or before `t`. */
  dataDestroyedBy(t: number): boolean {
    return this.destructions.length > 0 && this.destructions[0]!.t <= t;
  }

  /**
   * The keyspace that holds the cluster's data now: of the VMs whose data directory is intact and
   * belongs to the newest lineage, the one that has applied the most. Undefined when none does.
   */
  survivingStore(): MvccStore | undefined {
    let inc = 0;
    for (const d of this.hostData.values())
      if (d.intact && d.store !== undefined && d.incarnation > inc) inc = d.incarnation;
    let best: HostData | undefined;
    for (const d of this.hostData.values()) {
      if (!d.intact || d.store === undefined || d.incarnation !== inc) continue;
      if (best === undefined || d.applied > best.applied) best = d;
    }
    return best?.store;
  }

  // ---------------------------------------------------------------- MemberObserver

  started(m: EtcdMember): void {
    this.members.set(m.host, m);
    // Once a member has bootstrapped, later starts with an empty data dir join the existing
    // cluster (kubeadm's joined members and OpenShift's etcd pods run with `existing`).
    const unit = this.units.get(m.host);
    if (unit !== undefined) unit.initialClusterState = "existing";
    const d = this.data(m.host);
    d.store = m.store;
    d.incarnation = m.incarnation;
    d.applied = m.raft?.applied ?? 0;
    if (d.mustReach <= d.applied) d.intact = true;
    this.traceRole(m);
    this.scheduleEvaluate();
  }

  stopped(m: EtcdMember, how: "terminated" | "killed" | "exited"): void {
    if (this.members.get(m.host) === m) this.members.delete(m.host);
    const d = this.data(m.host);
    if (m.raft !== null) d.applied = m.raft.applied;
    this.sim.emit("etcd.role", m.host, {
      member: m.name,
      role: "stopped",
      term: m.raft?.term ?? 0,
      leader: "",
      how,
    });
    this.scheduleEvaluate();
  }

  leadershipChanged(m: EtcdMember): void {
    const r = m.raft;
    if (r !== null && r.role === "leader") {
      const key = `${m.incarnation}:${r.term}`;
      if (!this.leaderTerms.has(key)) {
        this.leaderTerms.add(key);
        this.elections++;
      }
    }
    this.traceRole(m);
    this.scheduleEvaluate();
  }

  raftEvent(m: EtcdMember, e: RaftEvent): void {
    const raft = m.raft;
    if (raft === null) return;
    observeEvent(this.checker(m.incarnation), raft, e);
    if (e.type === "roleChanged" && e.role === "leader") this.report(m.incarnation);
  }

  readyTaken(m: EtcdMember, rd: Ready): void {
    const raft = m.raft!;
    const inc = m.incarnation;
    const checker = this.checker(inc);
    const before = checker.violationCount;
    observeReady(checker, raft, rd);
    if (checker.violationCount !== before) this.report(inc);
    const d = this.data(m.host);
    if (rd.committedEntries.length > 0)
      d.applied = rd.committedEntries[rd.committedEntries.length - 1]!.index;
    else if (rd.snapshot !== null) d.applied = rd.snapshot.index;
    if (!d.intact && d.store === m.store && d.applied >= d.mustReach) d.intact = true;
    if (++this.readiesSinceForget >= FORGET_EVERY_READIES) {
      this.readiesSinceForget = 0;
      this.forget();
    }
  }

  confChangeApplied(m: EtcdMember, cc: ConfChange, index: number): void {
    const key = `${m.incarnation}:${index}`;
    if (!this.confSeen.has(key)) {
      this.confSeen.add(key);
      const info = m.membership.details(cc.nodeId);
      const change =
        cc.type === "remove"
          ? "removed"
          : cc.type === "addLearner"
            ? "learnerAdded"
            : cc.type === "promoteLearner"
              ? "promoted"
              : "added";
      const cs = m.raft?.confState();
      this.sim.emit("etcd.member", info?.host ?? "etcd", {
        change,
        member: info?.name || info?.host || "",
        id: info?.id.hex ?? "",
        voters: cs?.voters.length ?? 0,
        learners: cs?.learners.length ?? 0,
        // The members a new cluster starts with are written as conf changes without a request.
        bootstrap: cc.context === undefined && cc.type === "addVoter",
      });
    }
    this.scheduleEvaluate();
  }

  membershipChanged(_m: EtcdMember): void {
    this.scheduleEvaluate();
  }

  incarnationOf(clusterId: string): number {
    let n = this.incarnations.get(clusterId);
    if (n === undefined) {
      n = this.nextIncarnation++;
      this.incarnations.set(clusterId, n);
    }
    return n;
  }

  newIncarnation(clusterId: string): number {
    const n = this.nextIncarnation++;
    this.incarnations.set(clusterId, n);
    this.markDataDestroyed("--force-new-cluster");
    return n;
  }

  lineageOfHost(host: string): number | undefined {
    return this.members.get(host)?.incarnation;
  }

  /** A restore starts a new lineage without going through a member (etcdutl writes the data dir). */
  restoredIncarnation(clusterId: string): number {
    const n = this.nextIncarnation++;
    this.incarnations.set(clusterId, n);
    return n;
  }

  // ---------------------------------------------------------------- internals

  private data(host: string): HostData {
    let d = this.hostData.get(host);
    if (d === undefined) {
      d = { store: undefined, incarnation: 0, applied: 0, intact: true, mustReach: 0 };
      this.hostData.set(host, d);
    }
    return d;
  }

  private checker(incarnation: number): RaftInvariantChecker {
    let c = this.checkers.get(incarnation);
    if (c === undefined) {
      c = new RaftInvariantChecker({ contentKey: (e) => entryContentKey(e.data, e.type === "confChange") });
      this.checkers.set(incarnation, c);
    }
    return c;
  }

  private report(incarnation: number): void {
    const c = this.checker(incarnation);
    const done = this.reported.get(incarnation) ?? 0;
    for (let i = done; i < c.findings.length; i++) {
      const f = c.findings[i]!;
      this.sim.emit("invariant.violated", "etcd", {
        invariant: f.kind,
        message: f.message,
        lineage: incarnation,
      });
    }
    this.reported.set(incarnation, c.findings.length);
  }

  private forget(): void {
    const byInc = new Map<number, number>();
    for (const m of this.members.values()) {
      const r = m.raft;
      if (r === null) continue;
      const cur = byInc.get(m.incarnation);
      if (cur === undefined || r.applied < cur) byInc.set(m.incarnation, r.applied);
    }
    for (const [inc, min] of byInc) this.checkers.get(inc)?.forgetBelow(min);
  }

  private traceRole(m: EtcdMember): void {
    const r = m.raft;
    if (r === null) return;
    const role = r.isLearner && r.role === "follower" ? "learner" : r.role;
    const leader = r.leader === NONE ? "" : (m.membership.details(r.leader)?.name ?? m.hexOf(r.leader));
    this.sim.emit("etcd.role", m.host, { member: m.name, role, term: r.term, leader });
  }

  /** The trace tells the registry about wipes, VM deletions and network changes. */
  private onRecord(r: TraceRecord): void {
    const k = r.kind;
    if (k === "disk.wipe" && r.dir === "etcd") {
      this.dataLost(r.subject.replace(/\/disk$/, ""), "data-dir loss");
    } else if (k === "vm.deleted") {
      this.dataLost(r.subject, "VM deleted");
    }
    if (k.startsWith("net.") || k === "vm.power" || k === "vm.deleted") this.scheduleEvaluate();
  }

  private dataLost(host: string, why: string): void {
    const d = this.hostData.get(host);
    if (d === undefined) return;
    let commit = 0;
    for (const m of this.members.values())
      if (m.raft !== null && m.raft.commit > commit) commit = m.raft.commit;
    d.intact = false;
    d.store = undefined;
    d.mustReach = Math.max(commit, d.applied);
    // Majority data-dir loss: fewer than a quorum of the voters still hold the committed data.
    const leader = this.leader() ?? [...this.members.values()].find((m) => m.raft !== null);
    const voters = leader?.raft?.confState().voters ?? [];
    if (voters.length === 0) return;
    let intact = 0;
    for (const id of voters) {
      const info = leader!.membership.details(id);
      if (info === undefined) continue;
      const hd = this.hostData.get(info.host);
      if (hd === undefined || hd.intact) intact++;
    }
    if (
      intact < Math.floor(voters.length / 2) + 1 &&
      !this.destructions.some((x) => x.reason.startsWith("majority"))
    ) {
      this.markDataDestroyed(`majority data-dir loss (${why} on ${host})`);
    }
  }

  private scheduleEvaluate(): void {
    if (this.evaluatePending) return;
    this.evaluatePending = true;
    this.sim.after(0, this.evaluateFn);
  }

  /** Recomputes the cluster state and records it when it changed. */
  evaluate(): void {
    const inc = this.currentIncarnation();
    const running: EtcdMember[] = [];
    for (const m of this.members.values()) if (m.raft !== null && m.incarnation === inc) running.push(m);
    // The voter set: as the most advanced running member knows it.
    let ref: EtcdMember | undefined;
    for (const m of running) if (ref === undefined || m.raft!.commit > ref.raft!.commit) ref = m;
    const voterIds = ref?.raft?.confState().voters ?? [];
    const q = Math.floor(voterIds.length / 2) + 1;
    const byId = new Map<NodeId, EtcdMember>();
    for (const m of running) byId.set(m.selfId, m);
    const net = this.network;
    const linked = (a: EtcdMember, b: EtcdMember): boolean =>
      a === b ||
      (net.reachable(a.host, b.host, PEER_PORT) === true &&
        net.reachable(b.host, a.host, PEER_PORT) === true);

    const leader = this.leader();
    let leaderName = "";
    let term = 0;
    let healthy = 0;
    if (leader !== undefined) {
      const lr = leader.raft!;
      let voters = 0;
      let followers = 0;
      for (const m of running) {
        const r = m.raft!;
        if (r.term !== lr.term || r.leader !== leader.selfId || !linked(m, leader)) continue;
        followers++;
        if (voterIds.includes(m.selfId)) voters++;
      }
      if (voters >= q && voterIds.length > 0) {
        leaderName = leader.name;
        term = lr.term;
        healthy = followers;
      }
    }
    // Quorum: some group of mutually reachable running voters of quorum size.
    const up = voterIds.map((id) => byId.get(id)).filter((m): m is EtcdMember => m !== undefined);
    let quorum = false;
    for (const a of up) {
      let group = 0;
      for (const b of up) if (linked(a, b)) group++;
      if (group >= q) {
        quorum = true;
        break;
      }
    }
    const next: ClusterState = { leader: leaderName, term, quorum, healthy, voters: voterIds.length };
    const l = this.last;
    if (
      l.leader !== next.leader ||
      l.term !== next.term ||
      l.quorum !== next.quorum ||
      l.healthy !== next.healthy ||
      l.voters !== next.voters
    ) {
      const changed: string[] = [];
      if (l.leader !== next.leader || l.term !== next.term) changed.push("leader");
      if (l.quorum !== next.quorum) changed.push("quorum");
      if (l.healthy !== next.healthy) changed.push("healthy");
      if (l.voters !== next.voters) changed.push("voters");
      this.last = next;
      this.sim.emit("etcd.cluster", "etcd", { ...next, changed });
    }
  }
}

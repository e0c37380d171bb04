/**
 * A deterministic in-test cluster: Raft nodes, each with durable storage and a toy state machine,
 * connected by an in-memory network that can reorder, drop and partition. It plays the host's
 * part of the contract exactly (persist → send → apply → advance) and feeds the invariant checker.
 * Used by the transcript interpreter and the property tests.
 */
import { observeEvent, observeReady, RaftInvariantChecker } from "../../src/raft/invariants.js";
import { RaftNode } from "../../src/raft/raft.js";
import type { Ready } from "../../src/raft/ready.js";
import type { ProposeResult, RaftStartState } from "../../src/raft/requests.js";
import { RaftStorage } from "../../src/raft/storage.js";
import type { ConfChange, ConfState, Entry, Message, NodeId, ReadState } from "../../src/raft/types.js";
import { formatEntries, formatEvent, formatMessage } from "./format.js";

/** Per-node Raft options the harness passes through. */
export interface NodeOptions {
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly maxInflightMsgs?: number;
  readonly maxEntriesPerMsg?: number;
  readonly maxSizePerMsgBytes?: number;
  readonly electionTimeoutRange?: { minTicks: number; maxTicksExclusive: number };
}

/** The application state of a member: applied command data in order, and the index it reflects. */
interface AppState {
  index: number;
  items: string[];
}

/** One member: the live node (null while crashed), its disk, its state machine. */
export class Member {
  raft: RaftNode | null = null;
  readonly storage = new RaftStorage();
  app: AppState = { index: 0, items: [] };
  /** Read states confirmed so far (cleared by whoever consumes them). */
  readonly reads: ReadState[] = [];
  /** Membership it was bootstrapped with (null for a member that joined an existing cluster). */
  bootstrapConf: ConfState | null = null;
  /** Election-timeout draws: a fixed offset, or a random function. */
  timeout: (maxExclusive: number) => number = () => 0;

  constructor(
    readonly id: NodeId,
    readonly options: NodeOptions,
  ) {}

  /** From now on, every election timeout this member draws is `ticks` (clamped to its range). */
  fixTimeout(ticks: number): void {
    const min = this.options.electionTimeoutRange?.minTicks ?? this.options.electionTicks ?? 10;
    this.timeout = (max) => Math.min(Math.max(0, ticks - min), max - 1);
  }
}

/** Where harness output goes; null for silent runs. */
export type Printer = ((line: string) => void) | null;

/** How verbose processing is: everything (messages, persistence, applies) or events only. */
export type Verbosity = "all" | "events" | "none";

/** A cluster of members and the network between them. */
export class Cluster {
  readonly members = new Map<NodeId, Member>();
  /** Messages on the wire, in send order. */
  inflight: Message[] = [];
  readonly checker = new RaftInvariantChecker();
  /** Pairs "from>to" that cannot talk. */
  private readonly blocked = new Set<string>();
  verbosity: Verbosity = "all";
  /** Raft events by node, for assertions. */
  readonly events: string[] = [];
  /** Election-timeout source given to each new member (default: always the minimum). */
  timeoutFor: ((id: NodeId) => (maxExclusive: number) => number) | null = null;
  /** Called for every entry a member applies. */
  onApply: ((member: Member, entry: Entry) => void) | null = null;

  constructor(private readonly out: Printer = null) {}

  private print(line: string, level: "all" | "events"): void {
    if (this.out === null) return;
    if (this.verbosity === "none" || (level === "all" && this.verbosity !== "all")) return;
    this.out(line);
  }

  /** Member ids in ascending order. */
  ids(): NodeId[] {
    return [...this.members.keys()].sort((a, b) => a - b);
  }

  /** Live nodes in id order. */
  live(): RaftNode[] {
    const out: RaftNode[] = [];
    for (const id of this.ids()) {
      const r = this.members.get(id)!.raft;
      if (r !== null) out.push(r);
    }
    return out;
  }

  /** The member `id` (throws if unknown). */
  member(id: NodeId): Member {
    const m = this.members.get(id);
    if (m === undefined) throw new Error(`no member ${id}`);
    return m;
  }

  /** The live node `id` (throws if unknown or crashed). */
  node(id: NodeId): RaftNode {
    const r = this.member(id).raft;
    if (r === null) throw new Error(`member ${id} is down`);
    return r;
  }

  /**
   * Bootstraps a new cluster with this membership (etcd `--initial-cluster-state new`).
   * `timeoutTicks[i]` fixes the election timeout member i (voters, then learners) draws.
   */
  bootstrap(conf: ConfState, options: NodeOptions = {}, timeoutTicks: readonly number[] = []): void {
    const all = [...conf.voters, ...conf.learners];
    for (let i = 0; i < all.length; i++) {
      const m = this.addMember(all[i]!, options);
      const ticks = timeoutTicks[i];
      if (ticks !== undefined) m.fixTimeout(ticks);
      m.bootstrapConf = conf;
      this.start(m, { bootstrap: conf });
    }
  }

  /** Adds a blank member that joins an existing cluster (etcd `--initial-cluster-state existing`). */
  addBlank(id: NodeId, options: NodeOptions = {}): void {
    this.start(this.addMember(id, options), {});
  }

  private addMember(id: NodeId, options: NodeOptions): Member {
    if (this.members.has(id)) throw new Error(`member ${id} exists`);
    const m = new Member(id, options);
    if (this.timeoutFor !== null) m.timeout = this.timeoutFor(id);
    this.members.set(id, m);
    return m;
  }

  private start(m: Member, start: RaftStartState): void {
    const raft = new RaftNode({ id: m.id, randomInt: (max) => m.timeout(max), ...m.options }, start);
    raft.onEvent = (e) => {
      const line = formatEvent(m.id, e);
      this.events.push(line);
      this.print(line, "events");
      observeEvent(this.checker, raft, e);
    };
    m.raft = raft;
  }

  /** Stops a member abruptly: everything not yet persisted is lost (SIGKILL, power off). */
  crash(id: NodeId): void {
    const m = this.member(id);
    m.raft = null;
    m.app = { index: 0, items: [] };
  }

  /** Starts a crashed member from its disk. */
  restart(id: NodeId): void {
    const m = this.member(id);
    if (m.raft !== null) throw new Error(`member ${id} is running`);
    const snap = m.storage.snapshot;
    m.app = snap === null ? { index: 0, items: [] } : cloneApp(snap.data as AppState);
    const empty = snap === null && m.storage.lastIndex() === 0 && m.storage.hardState.term === 0;
    // Crashed before its first write: etcd starts such a member as new again (empty data dir).
    if (empty && m.bootstrapConf !== null) this.start(m, { bootstrap: m.bootstrapConf });
    else this.start(m, m.storage.startState());
  }

  /**
   * Destroys a member with its disk. Raft forbids bringing it back under the same id with an
   * empty disk (it could vote twice or forget acknowledged entries): a lost disk is modelled as
   * removing the member and adding a new one with a new id, as etcd's runbooks do.
   */
  destroy(id: NodeId): void {
    this.members.delete(id);
  }

  // ------------------------------------------------------------- network

  /** Cuts every link between the groups (members not listed keep all links). */
  partition(groups: readonly (readonly NodeId[])[]): void {
    for (let a = 0; a < groups.length; a++) {
      for (let b = 0; b < groups.length; b++) {
        if (a === b) continue;
        for (const x of groups[a]!) for (const y of groups[b]!) this.blocked.add(`${x}>${y}`);
      }
    }
  }

  /** Cuts `id` off from everyone. */
  isolate(id: NodeId): void {
    this.partition([[id], this.ids().filter((x) => x !== id)]);
  }

  /** Cuts the one-way link from → to. */
  cut(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}>${to}`);
  }

  /** Restores every link. */
  heal(): void {
    this.blocked.clear();
  }

  /** True when from → to is cut. */
  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.blocked.size > 0 && this.blocked.has(`${from}>${to}`);
  }

  /**
   * Delivers one message now. Messages to crashed members or across a cut are lost; a snapshot's
   * fate is reported back to the sending leader, as etcd's snapshot sender does.
   */
  deliver(m: Message): boolean {
    const dest = this.members.get(m.to)?.raft ?? null;
    const ok = dest !== null && !this.isBlocked(m.from, m.to);
    if (!ok) {
      this.print(`  dropped ${formatMessage(m)}`, "all");
      if (m.type === "MsgSnap") this.members.get(m.from)?.raft?.reportSnapshot(m.to, false);
      return false;
    }
    dest.step(m);
    if (m.type === "MsgSnap") this.members.get(m.from)?.raft?.reportSnapshot(m.to, true);
    return true;
  }

  /** Delivers every message currently on the wire (not those sent meanwhile) in order. */
  deliverAll(filter?: (m: Message) => boolean): number {
    const batch = this.inflight;
    this.inflight = [];
    let n = 0;
    for (const m of batch) {
      if (filter !== undefined && !filter(m)) {
        this.inflight.push(m);
        continue;
      }
      this.deliver(m);
      n++;
    }
    return n;
  }

  /** Drops matching messages from the wire. */
  drop(filter: (m: Message) => boolean): number {
    const before = this.inflight.length;
    this.inflight = this.inflight.filter((m) => {
      const d = filter(m);
      if (d) this.print(`  dropped ${formatMessage(m)}`, "all");
      return !d;
    });
    return before - this.inflight.length;
  }

  // ------------------------------------------------------------- host loop

  /** Processes one Ready of `id` if it has one: persist, send, apply, advance. */
  processReady(id: NodeId): boolean {
    const m = this.member(id);
    const raft = m.raft;
    if (raft === null || !raft.hasReady()) return false;
    const rd = raft.ready();
    observeReady(this.checker, raft, rd);
    this.printReady(id, rd);
    m.storage.save(rd);
    for (const msg of rd.messages) {
      // Like etcd, send the leader's state at its applied index ("merged snapshot").
      if (msg.type === "MsgSnap")
        msg.snapshot = raft.mergedSnapshot(cloneApp(m.app), 1000 + 10 * m.app.items.length);
      this.inflight.push(msg);
    }
    if (rd.snapshot !== null) m.app = cloneApp(rd.snapshot.data as AppState);
    for (const e of rd.committedEntries) this.apply(m, raft, e);
    for (const r of rd.readStates) m.reads.push(r);
    raft.advance(rd);
    return true;
  }

  private apply(m: Member, raft: RaftNode, e: Entry): void {
    if (e.index !== m.app.index + 1) {
      throw new Error(`member ${m.id} applies ${e.index} after ${m.app.index}`);
    }
    m.app.index = e.index;
    this.onApply?.(m, e);
    if (e.type === "confChange") raft.applyConfChange(e.data as ConfChange);
    else if (e.data !== null) m.app.items.push(String(e.data));
  }

  private printReady(id: NodeId, rd: Ready): void {
    if (this.out === null || this.verbosity !== "all") return;
    const empty =
      rd.hardState === null &&
      rd.snapshot === null &&
      rd.entries.length === 0 &&
      rd.messages.length === 0 &&
      rd.committedEntries.length === 0 &&
      rd.readStates.length === 0;
    if (empty) return; // only a soft-state change: the event lines already show it
    this.print(`${id} ready:`, "all");
    if (rd.hardState !== null) {
      const hs = rd.hardState;
      this.print(`  persist hardState term=${hs.term} vote=${hs.vote} commit=${hs.commit}`, "all");
    }
    if (rd.snapshot !== null)
      this.print(`  persist snapshot ${rd.snapshot.index}/${rd.snapshot.term}`, "all");
    if (rd.entries.length > 0) this.print(`  persist entries ${formatEntries(rd.entries)}`, "all");
    for (const msg of rd.messages) this.print(`  send ${formatMessage(msg)}`, "all");
    if (rd.committedEntries.length > 0) this.print(`  apply ${formatEntries(rd.committedEntries)}`, "all");
    for (const r of rd.readStates) this.print(`  read ${r.requestId} at index ${r.index}`, "all");
  }

  /** Processes every live member's Ready until none has one. */
  processAll(): boolean {
    let any = false;
    for (let progress = true; progress; ) {
      progress = false;
      for (const id of this.ids()) {
        while (this.processReady(id)) {
          progress = true;
          any = true;
        }
      }
    }
    return any;
  }

  /**
   * Runs the cluster without ticking until it is quiet: process all Ready, deliver everything
   * on the wire, repeat. Returns the number of rounds.
   */
  stabilize(maxRounds = 1000): number {
    for (let round = 0; round < maxRounds; round++) {
      const worked = this.processAll();
      if (this.inflight.length === 0 && !worked) return round;
      this.deliverAll();
    }
    throw new Error(`cluster did not stabilize within ${maxRounds} rounds`);
  }

  /** Ticks every live member once. */
  tickAll(): void {
    for (const r of this.live()) r.tick();
  }

  // ------------------------------------------------------------- requests

  /** Proposes `data` at member `id`. */
  propose(id: NodeId, data: string): ProposeResult {
    return this.node(id).propose(data, data.length);
  }

  /** Proposes a membership change at member `id`. */
  proposeConfChange(id: NodeId, change: ConfChange): ProposeResult {
    return this.node(id).proposeConfChange(change, 8);
  }

  /** Leader: snapshot at its applied index and compact the log to `index`. */
  compact(id: NodeId, index: number): boolean {
    const m = this.member(id);
    const raft = this.node(id);
    const snap = raft.createSnapshot(raft.applied, cloneApp(m.app), 1000 + 10 * m.app.items.length);
    if (snap !== null) m.storage.saveSnapshot(snap);
    const ok = raft.compact(index);
    if (ok) m.storage.compact(index);
    return ok;
  }

  /** The current leader (highest term wins if several believe they lead), or 0. */
  leader(): NodeId {
    let best = 0;
    let bestTerm = -1;
    for (const r of this.live()) {
      if (r.role === "leader" && r.term > bestTerm) {
        best = r.id;
        bestTerm = r.term;
      }
    }
    return best;
  }
}

function cloneApp(app: AppState): AppState {
  return { index: app.index, items: app.items.slice() };
}

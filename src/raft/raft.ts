/**
 * The pure Raft state machine of one etcd member, modelled on etcd-io/raft's semantics
 * (../shared/reference/etcd-raft.md §1.3–1.5, §1.11–1.12, §3). No I/O, no clock, no kernel imports.
 *
 * Inputs: `tick()` (one heartbeat interval passed), `step(message)` (a message arrived), and local
 * requests: `campaign`, `propose`, `proposeConfChange`, `readIndex`, `transferLeader`,
 * `reportSnapshot`, `reportUnreachable`, `applyConfChange`, `createSnapshot`, `compact`.
 * Outputs: a {@link Ready} batch from `ready()`, plus optional {@link RaftEvent}s for logs.
 *
 * ## Host contract (persist → send → apply → advance)
 * After any input, while `hasReady()`:
 * 1. `const rd = node.ready()`;
 * 2. persist `rd.snapshot`, `rd.entries` (replacing any stored entries at the same or later
 *    indexes) and `rd.hardState`; fsync if `rd.mustSync` — this is where simulated disk time goes.
 *    Term, vote and entries are thus durable before the messages that depend on them leave;
 * 3. send `rd.messages`; for each MsgSnap first set `m.snapshot = node.mergedSnapshot(image, bytes)`
 *    (etcd sends its state at the applied index), hand it to the snapshot sender, and call
 *    `reportSnapshot` when the transfer ends;
 * 4. apply `rd.snapshot`, then `rd.committedEntries` (calling `applyConfChange` on conf changes),
 *    and answer `rd.readStates` once applied ≥ their index;
 * 5. `node.advance(rd)`.
 * Inputs may keep arriving between `ready()` and `advance()` (e.g. during an fsync); batches must
 * be advanced in the order they were taken. The leader counts its own copy of an entry only once
 * it has been advanced (persisted), like etcd-io/raft v3.6.
 *
 * Restart after a crash: build a new node from what was persisted (`hardState`, `snapshot`,
 * `entries`); committed entries after the snapshot are handed out again for the host to re-apply
 * (membership is rebuilt by re-applying conf changes, as etcd does).
 *
 * Not modelled: joint consensus (etcd uses one-at-a-time changes), ReadOnlyLeaseBased,
 * async storage writes, MaxUncommittedEntriesSize, forget-leader, proposal batching limits.
 */
import { type RaftConfig, type ResolvedRaftConfig, resolveConfig } from "./config.js";
import type { RaftEvent, RaftEventListener } from "./events.js";
import { RaftAssertionError, RaftLog, TERM_UNAVAILABLE } from "./log.js";
import { newMessage, voteResponseType } from "./messages.js";
import type { Progress } from "./progress.js";
import { ReadOnlyQueue } from "./read-only.js";
import type { Ready } from "./ready.js";
import type { ProposeResult, RaftStartState, ReadIndexResult } from "./requests.js";
import type { ProgressStatus, RaftStatus } from "./status.js";
import { ProgressTracker } from "./tracker.js";
import {
  CAMPAIGN_TRANSFER,
  type ConfChange,
  type ConfState,
  type Entry,
  type EntryType,
  type Message,
  NO_ENTRIES,
  NONE,
  type NodeId,
  type ReadRequestId,
  type ReadState,
  type Role,
  type Snapshot,
} from "./types.js";

interface WaitingRead {
  readonly from: NodeId;
  readonly requestId: ReadRequestId;
}

type CampaignKind = "preElection" | "election" | "transfer";

/** One Raft member. */
export class RaftNode {
  /** This node's id. */
  readonly id: NodeId;
  /** Resolved configuration. */
  readonly config: ResolvedRaftConfig;
  /** Receives notable decisions (for logs and traces); null to skip building them. */
  onEvent: RaftEventListener | null = null;

  private termValue = 0;
  private voteValue: NodeId = NONE;
  private leaderValue: NodeId = NONE;
  private roleValue: Role = "follower";
  private readonly log = new RaftLog();
  private readonly tracker: ProgressTracker;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private leadTransferee: NodeId = NONE;
  private pendingConfIndex = 0;
  private readonly readOnly = new ReadOnlyQueue();
  private waitingReads: WaitingRead[] = [];
  private latestSnapshot: Snapshot | null = null;
  private promotable = false;
  private learner = false;
  /** Outgoing messages since the last Ready: `outbox[0..outboxLength)` (reused, never shrunk). */
  private readonly outbox: Message[] = [];
  private outboxLength = 0;
  private readStates: ReadState[] = [];
  private prevLeader: NodeId = NONE;
  private prevRole: Role = "follower";
  private prevTerm = 0;
  private prevVote: NodeId = NONE;
  private prevCommit = 0;

  constructor(config: RaftConfig, start: RaftStartState = {}) {
    this.config = resolveConfig(config);
    this.id = this.config.id;
    this.tracker = new ProgressTracker(this.config.maxInflightMsgs, this.config.maxInflightBytes);
    const restarting =
      start.hardState !== undefined || start.snapshot != null || (start.entries?.length ?? 0) > 0;
    if (start.bootstrap !== undefined && restarting) {
      throw new RaftAssertionError("bootstrap and restart state are exclusive");
    }
    if (start.bootstrap !== undefined) {
      // Term 1 and the committed bootstrap entries are new: the first Ready persists them.
      this.bootstrap(start.bootstrap);
    } else {
      this.restart(start);
      this.prevTerm = this.termValue;
      this.prevVote = this.voteValue;
      this.prevCommit = this.log.committed;
    }
    this.refreshMembership();
  }

  private bootstrap(conf: ConfState): void {
    let index = 0;
    for (const nodeId of conf.voters) this.log.push(confEntry(1, ++index, { type: "addVoter", nodeId }));
    for (const nodeId of conf.learners) this.log.push(confEntry(1, ++index, { type: "addLearner", nodeId }));
    this.log.committed = index;
    this.tracker.reset(conf, index + 1);
    this.becomeFollower(1, NONE);
  }

  private restart(start: RaftStartState): void {
    const snap = start.snapshot ?? null;
    if (snap !== null) {
      this.log.offsetIndex = snap.index;
      this.log.offsetTerm = snap.term;
      this.log.committed = snap.index;
      this.latestSnapshot = snap;
      this.tracker.reset(snap.confState, snap.index + 1);
    }
    this.log.loadPersisted(start.entries ?? NO_ENTRIES);
    const hs = start.hardState;
    if (hs !== undefined) {
      if (hs.commit > this.log.lastIndex()) {
        throw new RaftAssertionError(
          `persisted commit ${hs.commit} is beyond the last persisted index ${this.log.lastIndex()}`,
        );
      }
      if (hs.commit > this.log.committed) this.log.committed = hs.commit;
      this.termValue = hs.term;
      this.voteValue = hs.vote;
    }
    const applied = Math.max(snap?.index ?? 0, start.applied ?? 0);
    if (applied > this.log.committed)
      throw new RaftAssertionError(`applied ${applied} beyond commit ${this.log.committed}`);
    this.log.applied = applied;
    this.log.applying = applied;
    this.becomeFollower(this.termValue, NONE);
  }

  // ---------------------------------------------------------------- observers

  /** Current term. */
  get term(): number {
    return this.termValue;
  }
  /** Vote cast in the current term (NONE if none). */
  get vote(): NodeId {
    return this.voteValue;
  }
  /** Leader this node currently follows (itself when leader), or NONE. */
  get leader(): NodeId {
    return this.leaderValue;
  }
  /** Current role. */
  get role(): Role {
    return this.roleValue;
  }
  /** True when this node is a learner (receives the log, never votes or campaigns). */
  get isLearner(): boolean {
    return this.learner;
  }
  /** Highest index known committed. */
  get commit(): number {
    return this.log.committed;
  }
  /** Highest index the host reported applied. */
  get applied(): number {
    return this.log.applied;
  }
  /** Last index in the log. */
  get lastIndex(): number {
    return this.log.lastIndex();
  }
  /** First index still held as an entry (after compaction: snapshot index + 1). */
  get firstIndex(): number {
    return this.log.firstIndex();
  }
  /** Term of the entry at `index`, or -1 if it is compacted away or not present. */
  termAt(index: number): number {
    return this.log.term(index);
  }
  /** The entry at `index` if held. */
  entryAt(index: number): Entry | undefined {
    return this.log.entry(index);
  }
  /** Held entries in [lo, hi] (clamped to what is held). */
  entries(lo: number, hi: number): Entry[] {
    return this.log.range(Math.max(lo, this.log.firstIndex()), Math.min(hi, this.log.lastIndex()));
  }
  /** The latest snapshot (made by the host or received from a leader), if any. */
  get snapshot(): Snapshot | null {
    return this.latestSnapshot;
  }
  /** Current membership. */
  confState(): ConfState {
    return this.tracker.confState();
  }
  /** Leader: the progress of `id` (live object, read only), for promotion readiness checks. */
  progressOf(id: NodeId): Progress | undefined {
    return this.tracker.get(id);
  }
  /**
   * Leader: whether learner `id` is in sync enough to be promoted — its match is at least
   * `readyPercent` of the leader's (etcd `readyPercentThreshold = 0.9`, refusing otherwise with
   * "can only promote a learner member which is in sync with leader").
   */
  learnerInSync(id: NodeId, readyPercent = 0.9): boolean {
    if (this.roleValue !== "leader") return false;
    const pr = this.tracker.get(id);
    const self = this.tracker.get(this.id);
    if (pr === undefined || self === undefined || !pr.isLearner) return false;
    return pr.match >= self.match * readyPercent;
  }

  /** True while a snapshot is being sent to some follower (etcd pauses log compaction then). */
  snapshotInFlight(): boolean {
    if (this.roleValue !== "leader") return false;
    for (const pr of this.tracker.members) if (pr.state === "snapshot") return true;
    return false;
  }

  /** A snapshot of everything observers show (allocates; not for hot paths). */
  status(): RaftStatus {
    const progress: ProgressStatus[] = [];
    if (this.roleValue === "leader") {
      for (const pr of this.tracker.members) {
        progress.push({
          id: pr.id,
          isLearner: pr.isLearner,
          match: pr.match,
          next: pr.next,
          state: pr.state,
          recentActive: pr.recentActive,
          pendingSnapshot: pr.pendingSnapshot,
          inflight: pr.inflights.count,
        });
      }
    }
    return {
      id: this.id,
      term: this.termValue,
      vote: this.voteValue,
      role: this.roleValue,
      leader: this.leaderValue,
      isLearner: this.learner,
      commit: this.log.committed,
      applied: this.log.applied,
      firstIndex: this.log.firstIndex(),
      lastIndex: this.log.lastIndex(),
      leadTransferee: this.leadTransferee,
      progress,
    };
  }

  // ---------------------------------------------------------------- inputs

  /** One tick (etcd: one heartbeat interval) has passed. */
  tick(): void {
    if (this.roleValue === "leader") this.tickHeartbeat();
    else this.tickElection();
  }

  /**
   * How many `tick()` calls from now until one may do more than count: the k-th tick (k ≥ 1) is
   * the first that can campaign, send heartbeats, run the check-quorum round or end a leadership
   * transfer; ticks 1…k−1 only advance the elapsed-tick counters (Infinity: no tick ever does more,
   * e.g. a learner). Hosts that tick lazily (see `tick-driver.ts`) schedule a wake-up only for that
   * tick and catch the counters up with plain `tick()` calls before every other input, so every
   * input sees exactly the state eager ticking would have produced. Any input may change the
   * answer; ask again after each one.
   */
  ticksUntilActive(): number {
    if (this.roleValue === "leader") {
      const beat = this.config.heartbeatTicks - this.heartbeatElapsed;
      const round = this.config.electionTicks - this.electionElapsed;
      const k = beat < round ? beat : round;
      return k > 1 ? k : 1;
    }
    if (!this.promotable) return Number.POSITIVE_INFINITY;
    const k = this.randomizedElectionTimeout - this.electionElapsed;
    return k > 1 ? k : 1;
  }

  /** Starts an election now (etcd `Campaign`: pre-vote first when enabled). */
  campaign(): void {
    this.hup(this.config.preVote ? "preElection" : "election");
  }

  /** Proposes an application command of `bytes` encoded bytes. */
  propose(data: unknown, bytes: number): ProposeResult {
    return this.proposeEntry("normal", data, bytes);
  }

  /** Proposes a membership change; at most one may be pending (etcd ConfChange v1 semantics). */
  proposeConfChange(change: ConfChange, bytes = 0): ProposeResult {
    return this.proposeEntry("confChange", change, bytes);
  }

  /**
   * Asks for a linearizable read (ReadOnlySafe). The result shows up as a ReadState in a later
   * Ready, or never (the host times out, like etcd's read loop).
   */
  readIndex(requestId: ReadRequestId): ReadIndexResult {
    if (this.roleValue === "leader") {
      this.leaderReadIndex(this.id, requestId);
      return "accepted";
    }
    if (this.roleValue !== "follower" || this.leaderValue === NONE) {
      this.emitDropped("MsgReadIndex", `no leader at term ${this.termValue}; dropping index reading msg`);
      return "dropped";
    }
    const m = newMessage("MsgReadIndex", this.id, this.leaderValue, 0);
    m.context = requestId;
    this.send(m);
    return "accepted";
  }

  /** Asks the leader to hand leadership to `transferee` (etcd `MoveLeader`, used on SIGTERM). */
  transferLeader(transferee: NodeId): void {
    if (this.roleValue === "leader") {
      this.handleTransferLeader(transferee);
      return;
    }
    if (this.roleValue !== "follower" || this.leaderValue === NONE) {
      this.emitDropped(
        "MsgTransferLeader",
        `no leader at term ${this.termValue}; dropping leader transfer msg`,
      );
      return;
    }
    this.send(newMessage("MsgTransferLeader", transferee, this.leaderValue, this.termValue));
  }

  /** Leader: the host finished sending a snapshot to `to` (ok) or gave up (not ok). */
  reportSnapshot(to: NodeId, ok: boolean): void {
    if (this.roleValue !== "leader") return;
    const pr = this.tracker.get(to);
    if (pr === undefined || pr.state !== "snapshot") return;
    if (!ok) pr.pendingSnapshot = 0;
    pr.becomeProbe();
    // Wait for the follower's MsgAppResp (or, after a failure, a heartbeat interval) before probing.
    pr.msgAppFlowPaused = true;
  }

  /** Leader: the transport could not reach `to`; optimistic replication falls back to probing. */
  reportUnreachable(to: NodeId): void {
    if (this.roleValue !== "leader") return;
    const pr = this.tracker.get(to);
    if (pr !== undefined && pr.state === "replicate") pr.becomeProbe();
  }

  /**
   * Applies a committed membership change (call it when the conf-change entry is applied).
   * Returns the new membership. A leader that removed itself steps down.
   */
  applyConfChange(change: ConfChange): ConfState {
    const changed = this.tracker.apply(change, this.log.lastIndex() + 1);
    this.refreshMembership();
    this.emit({ type: "confChangeApplied", term: this.termValue, change, changed });
    if (this.roleValue === "leader") {
      const self = this.tracker.get(this.id);
      if ((self === undefined || self.isLearner) && this.config.stepDownOnRemoval) {
        this.becomeFollower(this.termValue, NONE);
      } else {
        if (this.leadTransferee !== NONE && !this.tracker.isVoter(this.leadTransferee))
          this.abortLeaderTransfer();
        if (this.maybeCommit()) this.bcastAppend();
        else for (const pr of this.tracker.members) if (pr.id !== this.id) this.maybeSendAppend(pr, false);
      }
    }
    return this.tracker.confState();
  }

  /**
   * Records a snapshot of the applied state at `index` (≤ applied) with the current membership;
   * the leader sends it to followers whose entries were compacted. Returns it, or null if `index`
   * is not newer than the last snapshot or not applied yet.
   */
  createSnapshot(index: number, data: unknown, bytes: number): Snapshot | null {
    if (index > this.log.applied || index <= (this.latestSnapshot?.index ?? 0)) return null;
    const term = this.log.term(index);
    if (term === TERM_UNAVAILABLE) return null;
    const snap: Snapshot = { index, term, confState: this.tracker.confState(), data, bytes };
    this.latestSnapshot = snap;
    return snap;
  }

  /**
   * The snapshot a leader actually sends: its state at the current applied index with the current
   * membership. etcd does not send the last stored snapshot but builds a "merged snapshot" at send
   * time (etcd server `createMergedSnapshotMessage`, log line "sending merged snapshot"), so a
   * member added after the last stored snapshot still finds itself in the snapshot's membership.
   * Hosts call this for each MsgSnap in `Ready.messages` before sending it (`m.snapshot = ...`),
   * passing the state machine image at `applied`; otherwise a new member can never install
   * an older snapshot that does not list it.
   */
  mergedSnapshot(data: unknown, bytes: number): Snapshot {
    const index = this.log.applied;
    return { index, term: this.log.term(index), confState: this.tracker.confState(), data, bytes };
  }

  /**
   * Drops entries up to `index` from the log (etcd compacts to applied − snapshotCatchUpEntries).
   * Needs a snapshot at or beyond `index`. Returns false if not allowed.
   */
  compact(index: number): boolean {
    if (this.latestSnapshot === null || this.latestSnapshot.index < index) return false;
    return this.log.compact(index);
  }

  /** A message arrived from the network. Local-only message types are ignored. */
  step(m: Message): void {
    if (m.to !== this.id) return;
    switch (m.type) {
      case "MsgHup":
      case "MsgBeat":
      case "MsgCheckQuorum":
      case "MsgUnreachable":
      case "MsgSnapStatus":
        return;
      default:
        this.stepMessage(m);
    }
  }

  // ---------------------------------------------------------------- Ready

  /** True when `ready()` has something for the host. */
  hasReady(): boolean {
    const log = this.log;
    if (this.outboxLength > 0 || this.readStates.length > 0) return true;
    if (log.pendingSnapshot !== null) return true;
    if (log.lastIndex() > log.handed) return true;
    if (this.canHandCommitted()) return true;
    if (this.leaderValue !== this.prevLeader || this.roleValue !== this.prevRole) return true;
    return (
      this.termValue !== this.prevTerm ||
      this.voteValue !== this.prevVote ||
      log.committed !== this.prevCommit
    );
  }

  private canHandCommitted(): boolean {
    const log = this.log;
    return (
      log.pendingSnapshot === null &&
      log.handedSnapshot === null &&
      Math.min(log.committed, log.lastIndex()) > log.applying
    );
  }

  /** Takes the pending work; see the host contract in the file header. */
  ready(): Ready {
    const log = this.log;
    const softChanged = this.leaderValue !== this.prevLeader || this.roleValue !== this.prevRole;
    const termOrVoteChanged = this.termValue !== this.prevTerm || this.voteValue !== this.prevVote;
    const hardChanged = termOrVoteChanged || log.committed !== this.prevCommit;
    const snapshot = log.pendingSnapshot;
    if (snapshot !== null) {
      log.handedSnapshot = snapshot;
      log.pendingSnapshot = null;
    }
    const last = log.lastIndex();
    let entries: readonly Entry[] = NO_ENTRIES;
    if (last > log.handed) {
      entries = log.range(log.handed + 1, last);
      log.handed = last;
    }
    let committedEntries: readonly Entry[] = NO_ENTRIES;
    if (this.canHandCommitted()) {
      const hi = Math.min(log.committed, last);
      committedEntries = log.range(log.applying + 1, hi);
      log.applying = hi;
    }
    const rd: Ready = {
      softState: softChanged ? { leader: this.leaderValue, role: this.roleValue } : null,
      hardState: hardChanged ? { term: this.termValue, vote: this.voteValue, commit: log.committed } : null,
      snapshot,
      entries,
      committedEntries,
      messages: this.outboxLength > 0 ? this.takeOutbox() : NO_MESSAGES,
      readStates: this.readStates.length > 0 ? this.readStates : NO_READ_STATES,
      mustSync: termOrVoteChanged || entries.length > 0 || snapshot !== null,
    };
    if (this.readStates.length > 0) this.readStates = [];
    this.prevLeader = this.leaderValue;
    this.prevRole = this.roleValue;
    this.prevTerm = this.termValue;
    this.prevVote = this.voteValue;
    this.prevCommit = log.committed;
    return rd;
  }

  /** Queues `m` for the next Ready. */
  private send(m: Message): void {
    this.outbox[this.outboxLength++] = m;
  }

  /**
   * The queued messages as a right-sized array the host may keep (it may hold a batch while the
   * node goes on, during an fsync); the outbox keeps its capacity instead of a fresh array growing
   * per batch.
   */
  private takeOutbox(): Message[] {
    const n = this.outboxLength;
    const box = this.outbox;
    const out = n === 1 ? [box[0]!] : box.slice(0, n);
    // Drop references (a MsgSnap may carry a large image) without shrinking the array.
    for (let i = 0; i < n; i++) box[i] = SENT;
    this.outboxLength = 0;
    return out;
  }

  /** The host persisted, sent and applied `rd` (in the order batches were handed out). */
  advance(rd: Ready): void {
    const log = this.log;
    if (rd.snapshot !== null) {
      if (log.handedSnapshot === rd.snapshot) log.handedSnapshot = null;
      if (rd.snapshot.index > log.applied) log.applied = rd.snapshot.index;
      if (rd.snapshot.index > log.applying) log.applying = rd.snapshot.index;
    }
    const n = rd.entries.length;
    if (n > 0) {
      const lastEntry = rd.entries[n - 1]!;
      log.stableTo(lastEntry.index, lastEntry.term);
    }
    const c = rd.committedEntries.length;
    if (c > 0) {
      const idx = rd.committedEntries[c - 1]!.index;
      if (idx > log.applied) log.applied = idx;
    }
    if (this.roleValue === "leader" && n > 0) {
      // The leader's own durable copy counts towards the quorum only now (etcd-io/raft v3.6).
      const self = this.tracker.get(this.id);
      if (self?.maybeUpdate(log.stable) && this.maybeCommit()) this.bcastAppend();
    }
  }

  // ---------------------------------------------------------------- role changes

  private reset(term: number): void {
    if (this.termValue !== term) {
      this.termValue = term;
      this.voteValue = NONE;
    }
    this.leaderValue = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.tracker.resetVotes();
    const next = this.log.lastIndex() + 1;
    for (const pr of this.tracker.members) {
      pr.resetTo(next);
      if (pr.id === this.id) {
        pr.match = Math.min(this.log.stable, next - 1);
        pr.next = next;
      }
    }
    this.pendingConfIndex = 0;
    this.readOnly.reset();
    if (this.waitingReads.length > 0) this.waitingReads = [];
  }

  /** etcd draws the timeout again exactly here: on becomeFollower/Candidate/Leader (`reset`). */
  private resetRandomizedElectionTimeout(): void {
    const { minTicks, maxTicksExclusive } = this.config.electionTimeoutRange;
    this.randomizedElectionTimeout = minTicks + this.config.randomInt(maxTicksExclusive - minTicks);
  }

  private becomeFollower(term: number, leader: NodeId): void {
    this.reset(term);
    this.leaderValue = leader;
    this.setRole("follower");
  }

  /** A pre-candidate keeps its term, vote and timeout (etcd `becomePreCandidate` does not reset). */
  private becomePreCandidate(): void {
    if (this.roleValue === "leader")
      throw new RaftAssertionError("invalid transition leader -> preCandidate");
    this.tracker.resetVotes();
    this.leaderValue = NONE;
    this.setRole("preCandidate");
  }

  private becomeCandidate(): void {
    if (this.roleValue === "leader") throw new RaftAssertionError("invalid transition leader -> candidate");
    this.reset(this.termValue + 1);
    this.voteValue = this.id;
    this.setRole("candidate");
  }

  private becomeLeader(): void {
    if (this.roleValue === "follower") throw new RaftAssertionError("invalid transition follower -> leader");
    this.reset(this.termValue);
    this.leaderValue = this.id;
    this.setRole("leader");
    const self = this.tracker.get(this.id);
    if (self !== undefined) {
      self.becomeReplicate();
      self.recentActive = true;
    }
    // Conservatively treat any uncommitted tail as possibly holding a conf change.
    this.pendingConfIndex = this.log.lastIndex();
    // Raft §8: commit an entry of the new term so earlier entries commit and reads can be served.
    this.appendEntry("normal", null, 0);
  }

  private setRole(role: Role): void {
    this.roleValue = role;
    this.emit({ type: "roleChanged", term: this.termValue, role, leader: this.leaderValue });
  }

  private refreshMembership(): void {
    const self = this.tracker.get(this.id);
    this.learner = self?.isLearner === true;
    this.promotable = self !== undefined && !self.isLearner;
  }

  private canCampaign(): boolean {
    return this.promotable && this.log.pendingSnapshot === null && this.log.handedSnapshot === null;
  }

  // ---------------------------------------------------------------- ticks

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(this.config.preVote ? "preElection" : "election");
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.config.electionTicks) {
      this.electionElapsed = 0;
      if (this.config.checkQuorum) this.checkQuorum();
      if (this.roleValue === "leader" && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.roleValue !== "leader") return;
    if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  /** CheckQuorum: step down if a quorum was not heard from during the last election timeout. */
  private checkQuorum(): void {
    if (!this.tracker.quorumActive(this.id)) {
      this.emit({ type: "quorumInactive", term: this.termValue });
      this.becomeFollower(this.termValue, NONE);
      return;
    }
    for (const pr of this.tracker.members) if (pr.id !== this.id) pr.recentActive = false;
  }

  // ---------------------------------------------------------------- elections

  private hup(kind: CampaignKind): void {
    if (this.roleValue === "leader") {
      this.emit({ type: "campaignRefused", term: this.termValue, reason: "already leader" });
      return;
    }
    if (!this.canCampaign()) {
      this.emit({ type: "campaignRefused", term: this.termValue, reason: "not promotable" });
      return;
    }
    if (this.log.hasUnappliedConfChange()) {
      this.emit({
        type: "campaignRefused",
        term: this.termValue,
        reason: "pending configuration changes to apply",
      });
      return;
    }
    this.startCampaign(kind);
  }

  private startCampaign(kind: CampaignKind): void {
    let term: number;
    let voteType: "MsgVote" | "MsgPreVote";
    if (kind === "preElection") {
      this.becomePreCandidate();
      voteType = "MsgPreVote";
      term = this.termValue + 1; // pre-votes ask for the next term without taking it
    } else {
      this.becomeCandidate();
      voteType = "MsgVote";
      term = this.termValue;
    }
    this.emit({
      type: "campaignStarted",
      term,
      preVote: kind === "preElection",
      transfer: kind === "transfer",
    });
    this.tracker.recordVote(this.id, true);
    if (this.tracker.tally().result === "won") {
      // Single voter: won at once.
      if (kind === "preElection") this.startCampaign("election");
      else {
        this.becomeLeader();
        this.bcastAppend();
      }
      return;
    }
    const lastIndex = this.log.lastIndex();
    const lastTerm = this.log.lastTerm();
    for (const pr of this.tracker.members) {
      if (pr.isLearner || pr.id === this.id) continue;
      const m = newMessage(voteType, this.id, pr.id, term);
      m.index = lastIndex;
      m.logTerm = lastTerm;
      if (kind === "transfer") m.context = CAMPAIGN_TRANSFER;
      this.send(m);
    }
  }

  private handleVoteRequest(m: Message): void {
    const type = m.type as "MsgVote" | "MsgPreVote";
    // A repeat of our vote, a fresh term with no leader known, or a pre-vote for a later term.
    const canVote =
      this.voteValue === m.from ||
      (this.voteValue === NONE && this.leaderValue === NONE) ||
      (type === "MsgPreVote" && m.term > this.termValue);
    const granted = canVote && this.log.isUpToDate(m.index, m.logTerm);
    // Granting echoes the request's term (so a pre-candidate recognises it); rejecting sends ours.
    const resp = newMessage(voteResponseType(type), this.id, m.from, granted ? m.term : this.termValue);
    resp.reject = !granted;
    this.send(resp);
    if (granted && type === "MsgVote") {
      this.electionElapsed = 0;
      this.voteValue = m.from;
    }
    this.emit({ type: "voteCast", term: this.termValue, msgType: type, candidate: m.from, granted });
  }

  private handleVoteResponse(m: Message): void {
    this.tracker.recordVote(m.from, !m.reject);
    const result = this.tracker.tally().result;
    if (result === "won") {
      if (this.roleValue === "preCandidate") this.startCampaign("election");
      else {
        this.becomeLeader();
        this.bcastAppend();
      }
    } else if (result === "lost") {
      this.becomeFollower(this.termValue, NONE);
    }
  }

  // ---------------------------------------------------------------- stepping

  private stepMessage(m: Message): void {
    const type = m.type;
    if (m.term === 0) {
      // Forwarded proposals and reads carry no term (etcd treats them as local messages);
      // anything else without a term is malformed.
      if (type !== "MsgProp" && type !== "MsgReadIndex") return;
    } else if (m.term > this.termValue) {
      if (type === "MsgVote" || type === "MsgPreVote") {
        const inLease =
          this.config.checkQuorum &&
          this.leaderValue !== NONE &&
          this.electionElapsed < this.config.electionTicks;
        if (inLease && m.context !== CAMPAIGN_TRANSFER) {
          // Leader lease: a leader was heard within the election timeout, so this is a disruption.
          this.emit({
            type: "voteIgnoredInLease",
            term: this.termValue,
            msgType: type,
            candidate: m.from,
            remainingTicks: this.config.electionTicks - this.electionElapsed,
          });
          return;
        }
      }
      if (type === "MsgPreVote" || (type === "MsgPreVoteResp" && !m.reject)) {
        // Pre-votes never change terms; a granted pre-vote response is counted below.
      } else if (type === "MsgApp" || type === "MsgHeartbeat" || type === "MsgSnap") {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.termValue) {
      if (
        (this.config.checkQuorum || this.config.preVote) &&
        (type === "MsgHeartbeat" || type === "MsgApp")
      ) {
        // A stale leader (e.g. back from a partition): tell it our term so it steps down. Without
        // this, with pre-vote or check-quorum it could never learn it was deposed.
        this.send(newMessage("MsgAppResp", this.id, m.from, this.termValue));
      } else if (type === "MsgPreVote") {
        const resp = newMessage("MsgPreVoteResp", this.id, m.from, this.termValue);
        resp.reject = true;
        this.send(resp);
      }
      return;
    }

    if (type === "MsgVote" || type === "MsgPreVote") {
      this.handleVoteRequest(m);
      return;
    }
    switch (this.roleValue) {
      case "leader":
        this.stepLeader(m);
        return;
      case "candidate":
      case "preCandidate":
        this.stepCandidate(m);
        return;
      case "follower":
        this.stepFollower(m);
        return;
    }
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case "MsgProp":
        for (const e of m.entries) this.leaderPropose(e.type, e.data, e.bytes);
        return;
      case "MsgReadIndex":
        if (m.context !== null) this.leaderReadIndex(m.from, m.context);
        return;
      case "MsgTransferLeader":
        this.handleTransferLeader(m.from);
        return;
      case "MsgAppResp":
        this.handleAppendResponse(m);
        return;
      case "MsgHeartbeatResp":
        this.handleHeartbeatResponse(m);
        return;
      default:
        return;
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case "MsgProp":
        this.emitDropped("MsgProp", `no leader at term ${this.termValue}; dropping proposal`);
        return;
      case "MsgApp":
        this.becomeFollower(m.term, m.from);
        this.handleAppend(m);
        return;
      case "MsgHeartbeat":
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case "MsgSnap":
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case "MsgPreVoteResp":
        if (this.roleValue === "preCandidate") this.handleVoteResponse(m);
        return;
      case "MsgVoteResp":
        if (this.roleValue === "candidate") this.handleVoteResponse(m);
        return;
      default:
        return;
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case "MsgProp":
        if (this.leaderValue === NONE) {
          this.emitDropped("MsgProp", `no leader at term ${this.termValue}; dropping proposal`);
          return;
        }
        this.forward(m);
        return;
      case "MsgApp":
        this.electionElapsed = 0;
        this.leaderValue = m.from;
        this.handleAppend(m);
        return;
      case "MsgHeartbeat":
        this.electionElapsed = 0;
        this.leaderValue = m.from;
        this.handleHeartbeat(m);
        return;
      case "MsgSnap":
        this.electionElapsed = 0;
        this.leaderValue = m.from;
        this.handleSnapshot(m);
        return;
      case "MsgTransferLeader":
        if (this.leaderValue === NONE) {
          this.emitDropped(
            "MsgTransferLeader",
            `no leader at term ${this.termValue}; dropping leader transfer msg`,
          );
          return;
        }
        this.forward(m);
        return;
      case "MsgTimeoutNow":
        // Leadership transfer: campaign at once, skipping pre-vote and the voters' lease check.
        this.hup("transfer");
        return;
      case "MsgReadIndex":
        if (this.leaderValue === NONE) {
          this.emitDropped("MsgReadIndex", `no leader at term ${this.termValue}; dropping index reading msg`);
          return;
        }
        this.forward(m);
        return;
      case "MsgReadIndexResp":
        if (m.context !== null) this.readStates.push({ requestId: m.context, index: m.index });
        return;
      default:
        return;
    }
  }

  private forward(m: Message): void {
    const f = newMessage(m.type, m.from === NONE ? this.id : m.from, this.leaderValue, m.term);
    f.entries = m.entries;
    f.context = m.context;
    this.send(f);
  }

  // ---------------------------------------------------------------- follower side

  private handleAppend(m: Message): void {
    const log = this.log;
    if (m.index < log.committed) {
      const resp = newMessage("MsgAppResp", this.id, m.from, this.termValue);
      resp.index = log.committed;
      this.send(resp);
      return;
    }
    const lastNew = log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    const resp = newMessage("MsgAppResp", this.id, m.from, this.termValue);
    if (lastNew >= 0) {
      resp.index = lastNew;
    } else {
      // Fast backtracking: point the leader at the last index that can possibly match.
      const hint = log.findConflictByTerm(Math.min(m.index, log.lastIndex()), m.logTerm);
      const hintTerm = log.term(hint);
      resp.index = m.index;
      resp.reject = true;
      resp.rejectHint = hint;
      resp.logTerm = hintTerm === TERM_UNAVAILABLE ? 0 : hintTerm;
    }
    this.send(resp);
  }

  private handleHeartbeat(m: Message): void {
    this.log.commitTo(m.commit);
    const resp = newMessage("MsgHeartbeatResp", this.id, m.from, this.termValue);
    resp.context = m.context;
    this.send(resp);
  }

  private handleSnapshot(m: Message): void {
    const snap = m.snapshot;
    if (snap === null) return;
    const resp = newMessage("MsgAppResp", this.id, m.from, this.termValue);
    resp.index = this.restore(snap) ? this.log.lastIndex() : this.log.committed;
    this.send(resp);
  }

  private restore(snap: Snapshot): boolean {
    const log = this.log;
    if (snap.index <= log.committed) return false;
    const cs = snap.confState;
    if (!cs.voters.includes(this.id) && !cs.learners.includes(this.id)) return false;
    if (log.matchTerm(snap.index, snap.term)) {
      // We already hold the snapshot's last entry: only the commit index moves.
      log.commitTo(snap.index);
      return false;
    }
    log.restore(snap);
    this.latestSnapshot = snap;
    this.tracker.reset(cs, log.lastIndex() + 1);
    this.refreshMembership();
    this.emit({ type: "snapshotRestored", term: this.termValue, index: snap.index, snapshotTerm: snap.term });
    return true;
  }

  // ---------------------------------------------------------------- leader side

  private appendEntry(type: EntryType, data: unknown, bytes: number): void {
    const entry: Entry = { term: this.termValue, index: this.log.lastIndex() + 1, type, data, bytes };
    this.log.push(entry);
  }

  private proposeEntry(type: EntryType, data: unknown, bytes: number): ProposeResult {
    if (this.roleValue === "leader") return this.leaderPropose(type, data, bytes);
    if (this.roleValue !== "follower" || this.leaderValue === NONE) {
      this.emitDropped("MsgProp", `no leader at term ${this.termValue}; dropping proposal`);
      return "dropped";
    }
    const m = newMessage("MsgProp", this.id, this.leaderValue, 0);
    m.entries = [{ term: 0, index: 0, type, data, bytes }];
    this.send(m);
    return "forwarded";
  }

  private leaderPropose(type: EntryType, data: unknown, bytes: number): ProposeResult {
    if (this.tracker.get(this.id) === undefined) {
      this.emitDropped("MsgProp", "not a member of the configuration; dropping proposal");
      return "dropped";
    }
    if (this.leadTransferee !== NONE) {
      this.emitDropped(
        "MsgProp",
        `transfer leadership to ${this.leadTransferee} is in progress; dropping proposal`,
      );
      return "dropped";
    }
    if (type === "confChange") {
      if (this.pendingConfIndex > this.log.applied) {
        this.emitDropped("MsgProp", "possible unapplied conf change; must apply it first");
        return "confChangePending";
      }
      this.pendingConfIndex = this.log.lastIndex() + 1;
    }
    this.appendEntry(type, data, bytes);
    this.bcastAppend();
    return "appended";
  }

  private maybeCommit(): boolean {
    const mci = this.tracker.committedIndex();
    const log = this.log;
    // Raft §5.4.2: only entries of the current term are committed by counting replicas.
    if (mci > log.committed && log.term(mci) === this.termValue) {
      log.commitTo(mci);
      this.releaseWaitingReads();
      return true;
    }
    return false;
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.log.term(this.log.committed) === this.termValue;
  }

  private bcastAppend(): void {
    for (const pr of this.tracker.members) if (pr.id !== this.id) this.maybeSendAppend(pr, true);
  }

  private bcastHeartbeat(): void {
    const seq = this.readOnly.lastSeq();
    const context = seq === 0 ? null : seq;
    const committed = this.log.committed;
    for (const pr of this.tracker.members) {
      if (pr.id === this.id) continue;
      const m = newMessage("MsgHeartbeat", this.id, pr.id, this.termValue);
      // Never tell a follower to commit past what it is known to hold.
      m.commit = Math.min(pr.match, committed);
      m.context = context;
      pr.sentCommitIndex(m.commit);
      this.send(m);
    }
  }

  /** Sends entries (or an empty append, or a snapshot) to `pr` if flow control allows. */
  private maybeSendAppend(pr: Progress, sendIfEmpty: boolean): boolean {
    if (pr.isPaused()) return false;
    const log = this.log;
    const prevIndex = pr.next - 1;
    const prevTerm = log.term(prevIndex);
    if (prevTerm === TERM_UNAVAILABLE) return this.maybeSendSnapshot(pr);
    let entries: readonly Entry[] = NO_ENTRIES;
    // A throttled replicate stream only sends empty appends, so lost messages cannot stall it.
    if (pr.state !== "replicate" || !pr.inflights.full()) {
      const last = log.lastIndex();
      if (pr.next <= last) {
        entries = log.slice(pr.next, last + 1, this.config.maxSizePerMsgBytes, this.config.maxEntriesPerMsg);
      }
    }
    if (entries.length === 0 && !sendIfEmpty) return false;
    const m = newMessage("MsgApp", this.id, pr.id, this.termValue);
    m.index = prevIndex;
    m.logTerm = prevTerm;
    m.entries = entries;
    m.commit = log.committed;
    this.send(m);
    let bytes = 0;
    for (let i = 0; i < entries.length; i++) bytes += entries[i]!.bytes;
    pr.sentEntries(entries.length, bytes);
    pr.sentCommitIndex(log.committed);
    return true;
  }

  private maybeSendSnapshot(pr: Progress): boolean {
    // etcd: "ignore sending snapshot to %x since it is not recently active".
    if (!pr.recentActive) return false;
    const snap = this.latestSnapshot;
    if (snap === null) return false;
    pr.becomeSnapshot(snap.index);
    const m = newMessage("MsgSnap", this.id, pr.id, this.termValue);
    m.snapshot = snap;
    this.send(m);
    this.emit({ type: "snapshotSent", term: this.termValue, to: pr.id, index: snap.index });
    return true;
  }

  private handleAppendResponse(m: Message): void {
    const pr = this.tracker.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.reject) {
      let probeFrom = m.rejectHint;
      if (m.logTerm > 0) probeFrom = this.log.findConflictByTerm(m.rejectHint, m.logTerm);
      if (pr.maybeDecrTo(m.index, probeFrom)) {
        if (pr.state === "replicate") pr.becomeProbe();
        this.maybeSendAppend(pr, true);
      }
      return;
    }
    if (!(pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === "probe"))) return;
    if (pr.state === "probe") pr.becomeReplicate();
    else if (pr.state === "snapshot" && pr.match + 1 >= this.log.firstIndex()) {
      // The follower caught up through the snapshot (or otherwise): resume normal replication.
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === "replicate") pr.inflights.freeLE(m.index);
    if (this.maybeCommit()) this.bcastAppend();
    else if (pr.canBumpCommit(this.log.committed)) this.maybeSendAppend(pr, true);
    // Flow control may allow several size-limited appends now.
    while (this.maybeSendAppend(pr, false)) {
      /* keep sending */
    }
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) this.sendTimeoutNow(m.from);
  }

  private handleHeartbeatResponse(m: Message): void {
    const pr = this.tracker.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    pr.msgAppFlowPaused = false;
    if (pr.match < this.log.lastIndex() || pr.state === "probe") this.maybeSendAppend(pr, true);
    if (typeof m.context !== "number") return;
    const acks = this.readOnly.recvAck(m.from, m.context);
    if (acks === null || !this.hasQuorumAmong(acks)) return;
    for (const r of this.readOnly.advance(m.context)) this.respondToRead(r.from, r.requestId, r.index);
  }

  private hasQuorumAmong(ids: readonly NodeId[]): boolean {
    let voters = 0;
    for (const id of ids) if (this.tracker.isVoter(id)) voters++;
    return voters >= (this.tracker.voters >> 1) + 1;
  }

  private leaderReadIndex(from: NodeId, requestId: ReadRequestId): void {
    if (this.tracker.isSingleton(this.id)) {
      this.respondToRead(from, requestId, this.log.committed);
      return;
    }
    // A new leader does not know the commit index until it commits an entry of its own term.
    if (!this.committedEntryInCurrentTerm()) {
      this.waitingReads.push({ from, requestId });
      return;
    }
    this.startRead(from, requestId);
  }

  private startRead(from: NodeId, requestId: ReadRequestId): void {
    const seq = this.readOnly.add(this.log.committed, from, requestId);
    this.readOnly.recvAck(this.id, seq);
    // Confirm leadership with a quorum of heartbeat responses carrying `seq`.
    this.bcastHeartbeat();
  }

  private releaseWaitingReads(): void {
    if (this.waitingReads.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const waiting = this.waitingReads;
    this.waitingReads = [];
    for (const w of waiting) this.startRead(w.from, w.requestId);
  }

  private respondToRead(from: NodeId, requestId: ReadRequestId, index: number): void {
    if (from === this.id || from === NONE) {
      this.readStates.push({ requestId, index });
      return;
    }
    const m = newMessage("MsgReadIndexResp", this.id, from, this.termValue);
    m.index = index;
    m.context = requestId;
    this.send(m);
  }

  private handleTransferLeader(transferee: NodeId): void {
    const pr = this.tracker.get(transferee);
    if (pr === undefined || pr.isLearner) {
      this.emitDropped("MsgTransferLeader", `${transferee} is not a voter; ignoring leader transfer`);
      return;
    }
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === transferee) return; // already in progress
      this.abortLeaderTransfer();
    }
    if (transferee === this.id) return; // already leader
    // The transfer must finish within one election timeout (checked in tickHeartbeat).
    this.electionElapsed = 0;
    this.leadTransferee = transferee;
    this.emit({ type: "transfer", term: this.termValue, transferee, phase: "started" });
    if (pr.match === this.log.lastIndex()) this.sendTimeoutNow(transferee);
    else this.maybeSendAppend(pr, true);
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send(newMessage("MsgTimeoutNow", this.id, to, this.termValue));
    this.emit({ type: "transfer", term: this.termValue, transferee: to, phase: "timeoutNowSent" });
  }

  private abortLeaderTransfer(): void {
    if (this.leadTransferee === NONE) return;
    const transferee = this.leadTransferee;
    this.leadTransferee = NONE;
    this.emit({ type: "transfer", term: this.termValue, transferee, phase: "aborted" });
  }

  // ---------------------------------------------------------------- events

  private emit(event: RaftEvent): void {
    if (this.onEvent !== null) this.onEvent(event);
  }

  private emitDropped(what: Message["type"], reason: string): void {
    if (this.onEvent !== null) this.onEvent({ type: "dropped", term: this.termValue, what, reason });
  }
}

const NO_MESSAGES: readonly Message[] = Object.freeze([]) as readonly Message[];
/** Placeholder left in outbox slots already handed to the host. */
const SENT: Message = Object.freeze(newMessage("MsgHup", NONE, NONE, 0)) as Message;
const NO_READ_STATES: readonly ReadState[] = Object.freeze([]) as readonly ReadState[];

function confEntry(term: number, index: number, change: ConfChange): Entry {
  return { term, index, type: "confChange", data: change, bytes: 0 };
}

/**
 * The Raft loop of one member (etcd `server/etcdserver/raft.go` `raftNode.start`,
 * ../shared/reference/etcd-raft.md §1.1): ticks every heartbeat interval on the guest clock, and
 * after every input handles the Ready in etcd's order — the leader sends its messages at once, then
 * the WAL record is written and fsynced, then a follower sends, then committed entries are applied,
 * then `advance`. One Ready is in flight at a time; inputs arriving during an fsync wait in the
 * Raft core. Leader changes are logged and tracked here (watch no-leader timeout, the "previous
 * leader failure" timeout error).
 */
import type { GuestTimer } from "../infra/guest.js";
import { messageBytes } from "../raft/messages.js";
import { RaftNode } from "../raft/raft.js";
import type { Ready } from "../raft/ready.js";
import type { RaftStartState } from "../raft/requests.js";
import { type Message, NONE, type NodeId, type Role, type SoftState } from "../raft/types.js";
import { MILLISECOND } from "../sim/time.js";
import type { EtcdError } from "./client-api.js";
import {
  CONN_READ_TIMEOUT_US,
  electionTicks,
  MAX_NO_LEADER_ELECTIONS,
  MONITOR_VERSION_INTERVAL_US,
} from "./config.js";
import { ERR_NO_LEADER, ERR_TIMEOUT, ERR_TIMEOUT_LEADER_FAIL } from "./errors.js";
import type { EtcdMember } from "./member.js";
import { logRaftEvent } from "./raft-log-lines.js";
import { PEER_PORT } from "./wire.js";

/** etcd polls peer connections every 50 ms before advancing election ticks. */
const TICK_ADVANCE_POLL_US = 50 * MILLISECOND;

/** Drives one member's Raft node: ticks, Ready handling, leader tracking. */
export class RaftLoop {
  private tickTimer: GuestTimer | undefined;
  private readyBusy = false;
  /** The Ready waiting for its fsync (one at a time), and whether its messages already left. */
  private syncing: Ready | null = null;
  private syncingSent = false;
  private leaderElectedAtUs = Number.NEGATIVE_INFINITY;
  private noLeaderSinceUs = -1;
  private lastLeader: NodeId = NONE;
  private lastRole: Role = "follower";

  constructor(private readonly m: EtcdMember) {}

  /** Creates the Raft node from `start` and starts ticking, serving and heart-beating peers. */
  start(start: RaftStartState): void {
    const m = this.m;
    const ticks = electionTicks(m.config);
    const rng = m.rng;
    const raft = new RaftNode(
      {
        id: m.selfId,
        randomInt: (maxExclusive) => rng.int(0, maxExclusive - 1),
        electionTicks: ticks,
        heartbeatTicks: 1,
        preVote: m.config.preVote,
        checkQuorum: true,
      },
      start,
    );
    const hexOf = (id: NodeId): string => m.hexOf(id);
    raft.onEvent = (e) => {
      m.observer.raftEvent(m, e);
      logRaftEvent(m.log, m.idHex, hexOf, e);
    };
    m.raft = raft;
    this.lastRole = raft.role;
    this.lastLeader = raft.leader;
    this.noLeaderSinceUs = m.sim.now;
    m.observer.started(m);
    m.clients.listen();
    // Members of a cluster do not tick in step: start at a random phase of the heartbeat.
    const tick = m.guest.timer(() => this.onTick());
    this.tickTimer = tick;
    tick.start(Math.floor(m.rng.float() * m.config.heartbeatUs) + 1);
    m.peerPort.linkHeartbeats(true);
    m.every(MONITOR_VERSION_INTERVAL_US, () => {
      if (m.raft?.role === "leader") m.versions.round();
    });
    this.process();
    if (m.config.initialElectionTickAdvance) this.adjustTicks();
  }

  /** No more ticks (the process stopped). */
  stop(): void {
    this.tickTimer?.cancel();
  }

  /**
   * `--initial-election-tick-advance` (etcd `adjustTicks`): a single-member cluster fast-forwards
   * E−1 ticks; otherwise, once more than one peer is connected (polled every 50 ms for up to 5 s),
   * E−2 ticks, so a booting member campaigns about two ticks later if it hears no leader.
   */
  private adjustTicks(): void {
    const m = this.m;
    const raft = m.raft!;
    const ticks = electionTicks(m.config);
    const cs = raft.confState();
    if (cs.voters.length + cs.learners.length === 1 && cs.voters[0] === m.selfId) {
      this.advanceTicks(ticks - 1);
      return;
    }
    let polls = Math.floor(CONN_READ_TIMEOUT_US / TICK_ADVANCE_POLL_US);
    const poll = (): void => {
      if (!m.alive) return;
      if (m.peers.activeCount() > 1) {
        this.advanceTicks(ticks - 2);
        return;
      }
      if (--polls > 0) m.after(TICK_ADVANCE_POLL_US, poll);
    };
    m.after(TICK_ADVANCE_POLL_US, poll);
  }

  private advanceTicks(n: number): void {
    const raft = this.m.raft;
    if (raft === null) return;
    this.m.guard(() => {
      for (let i = 0; i < n; i++) raft.tick();
      this.process();
    });
  }

  private onTick(): void {
    const m = this.m;
    if (!m.alive) return;
    const raft = m.raft;
    if (raft === null) return;
    this.tickTimer!.start(m.config.heartbeatUs);
    try {
      raft.tick();
    } catch (e) {
      m.panicked(e);
    }
    if (!m.alive) return;
    m.peers.expire();
    if (raft.leader === NONE && this.noLeaderSinceUs >= 0 && m.watches.size > 0) {
      if (m.sim.now - this.noLeaderSinceUs >= MAX_NO_LEADER_ELECTIONS * m.config.electionTimeoutUs) {
        m.watches.cancelAll(ERR_NO_LEADER);
      }
    }
    m.publisher.maybePublish();
    this.process();
  }

  /** Handles every pending Ready (etcd's raftNode loop); a Raft panic ends the process. */
  process(): void {
    try {
      this.drainReady();
    } catch (e) {
      this.m.panicked(e);
    }
  }

  /** Steps a peer's Raft message into the node and handles the Ready. */
  step(msg: Message): void {
    try {
      this.m.raft!.step(msg);
      this.drainReady();
    } catch (e) {
      this.m.panicked(e);
    }
  }

  /**
   * etcd `parseProposeCtxErr`: a request that started while the previous leader was being lost
   * (within 2 election timeouts before the current leader was elected) times out "possibly due to
   * previous leader failure".
   */
  timeoutError(startedAtUs: number): EtcdError {
    const elected = this.leaderElectedAtUs;
    if (startedAtUs <= elected && startedAtUs >= elected - 2 * this.m.config.electionTimeoutUs) {
      return ERR_TIMEOUT_LEADER_FAIL;
    }
    return ERR_TIMEOUT;
  }

  private drainReady(): void {
    const m = this.m;
    const raft = m.raft;
    if (raft === null) return;
    while (m.alive && !this.readyBusy && raft.hasReady()) {
      const rd = raft.ready();
      m.observer.readyTaken(m, rd);
      if (rd.softState !== null) this.onSoftState(rd.softState);
      // etcd: the leader sends before its own fsync (Raft thesis §10.2.1); others after it.
      const leader = raft.role === "leader";
      if (leader) this.sendMessages(rd.messages);
      if (rd.hardState !== null || rd.entries.length > 0 || rd.snapshot !== null) {
        m.storage.save(rd.hardState, rd.entries, rd.snapshot);
      }
      if (rd.mustSync) {
        this.readyBusy = true;
        this.syncing = rd;
        this.syncingSent = leader;
        m.storage.fsync(this.synced);
        return;
      }
      this.finishReady(rd, leader);
    }
    if (m.applier.removedSelf && m.alive) m.removed();
  }

  private readonly synced = (): void => {
    const rd = this.syncing;
    if (!this.m.alive || rd === null) return;
    this.syncing = null;
    this.readyBusy = false;
    try {
      this.finishReady(rd, this.syncingSent);
      this.drainReady();
    } catch (e) {
      this.m.panicked(e);
    }
  };

  private finishReady(rd: Ready, sent: boolean): void {
    const m = this.m;
    const raft = m.raft!;
    if (!sent) this.sendMessages(rd.messages);
    if (rd.snapshot !== null) m.applier.applySnapshot(rd.snapshot);
    if (rd.committedEntries.length > 0) m.applier.applyEntries(rd.committedEntries);
    const readStates = rd.readStates;
    for (let i = 0; i < readStates.length; i++) {
      const rs = readStates[i]!;
      m.reads.confirmed(Number(rs.requestId), rs.index);
    }
    raft.advance(rd);
    m.applier.maybeSnapshot();
    m.reads.maybeServe();
  }

  private sendMessages(messages: readonly Message[]): void {
    const m = this.m;
    for (let i = 0; i < messages.length; i++) {
      const msg = messages[i]!;
      if (msg.type === "MsgSnap") {
        msg.snapshot = m.raft!.mergedSnapshot(m.applier.snapshotData(), m.dbBytes);
        m.snapshots.send(msg);
        continue;
      }
      const host = m.peerPort.hostOf(msg.to);
      if (host === undefined) continue;
      m.network.send(m.host, host, PEER_PORT, msg, messageBytes(msg), m.peerPort.sendOptions);
    }
  }

  private onSoftState(ss: SoftState): void {
    const m = this.m;
    const raft = m.raft!;
    const prev = this.lastLeader;
    if (ss.leader !== prev) {
      const self = m.idHex;
      const term = raft.term;
      if (ss.leader !== NONE) {
        this.leaderElectedAtUs = m.sim.now;
        this.noLeaderSinceUs = -1;
        if (prev === NONE)
          m.log.info("raft", `raft.node: ${self} elected leader ${m.hexOf(ss.leader)} at term ${term}`);
        else
          m.log.info(
            "raft",
            `raft.node: ${self} changed leader from ${m.hexOf(prev)} to ${m.hexOf(ss.leader)} at term ${term}`,
          );
      } else {
        this.noLeaderSinceUs = m.sim.now;
        m.log.info("raft", `raft.node: ${self} lost leader ${m.hexOf(prev)} at term ${term}`);
      }
      if (prev !== NONE) m.reads.leaderChanged();
    }
    if (ss.role !== this.lastRole && this.lastRole === "leader") {
      m.versions.reset();
      m.snapshots.abandon();
    }
    this.lastLeader = ss.leader;
    this.lastRole = ss.role;
    m.observer.leadershipChanged(m);
  }
}

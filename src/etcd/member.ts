/**
 * One etcd member process (etcd `server/etcdserver`), run as the systemd unit `etcd` on a VM.
 * Sources: ../shared/reference/etcd-raft.md §1 (defaults, timeouts, snapshots, membership, reads,
 * graceful stop); docs/etcd.md describes the model as a whole.
 *
 * Life of a process:
 * - **start**: with data in the VM's `etcd` disk directory it restarts from its snapshot and WAL;
 *   otherwise it bootstraps a new cluster (`--initial-cluster-state new`) or asks the peers for the
 *   membership and joins with an empty log (`existing`). `--force-new-cluster` rewrites the WAL into
 *   a one-member cluster first.
 * - **Raft loop** (etcd `raftNode.start`): ticks every heartbeat interval on the guest clock;
 *   after every input the Ready is handled in etcd's order — the leader sends its messages at once,
 *   then the WAL record is written and fsynced, then a follower sends, then committed entries are
 *   applied, then `advance`. One Ready is in flight at a time; inputs arriving during an fsync wait
 *   in the Raft core.
 * - **client API** on port 2379: writes are proposed and answered when applied (or fail after
 *   ReqTimeout, or at once when the proposal is dropped); linearizable reads go through the read
 *   loop; serializable reads are answered from local state; watches; membership operations with
 *   etcd's strict reconfiguration checks; status and snapshot.
 * - **peer transport** on port 2380: Raft messages, database snapshots on their own connection,
 *   link heartbeats (peer activity), the leader's version monitor.
 * - **stop**: SIGTERM on a leader first transfers leadership to the longest-connected voter and
 *   waits for it (etcd `TryTransferLeadershipOnShutdown`); SIGKILL and guest power loss stop at once.
 *   A member removed from the cluster logs "the member has been permanently removed from the
 *   cluster" and exits.
 */
import type { GuestEvent, GuestTimer } from "../infra/guest.js";
import type { Endpoint, Network } from "../infra/network.js";
import type { RefusedHandler, SendOptions } from "../infra/network-types.js";
import type { Process, ProcessContext } from "../infra/services.js";
import type { RaftEvent } from "../raft/events.js";
import { RaftAssertionError } from "../raft/log.js";
import { messageBytes } from "../raft/messages.js";
import { RaftNode } from "../raft/raft.js";
import type { Ready } from "../raft/ready.js";
import type { RaftStartState } from "../raft/requests.js";
import {
  type ConfChange,
  type Entry,
  type Message,
  NONE,
  type NodeId,
  type Role,
  type Snapshot,
  type SoftState,
} from "../raft/types.js";
import type { Rng } from "../sim/rng.js";
import type { Simulation } from "../sim/simulation.js";
import { MILLISECOND } from "../sim/time.js";
import type { EtcdError, Result, WatchEvent } from "./client-api.js";
import {
  CONN_READ_TIMEOUT_US,
  type EtcdConfig,
  electionTicks,
  HEALTH_INTERVAL_US,
  LINK_HEARTBEAT_US,
  MAX_GAP_APPLY_COMMIT,
  MAX_NO_LEADER_ELECTIONS,
  MONITOR_VERSION_INTERVAL_US,
  READY_PERCENT,
  requestTimeoutUs,
} from "./config.js";
import { DeadlineQueue } from "./deadline-queue.js";
import {
  ERR_CONF_CHANGE_PENDING,
  ERR_LEARNER,
  ERR_MEMBER_NOT_FOUND,
  ERR_NO_LEADER,
  ERR_NOT_LEADER,
  ERR_PROPOSAL_DROPPED,
  ERR_STOPPED,
  ERR_TIMEOUT,
  ERR_TIMEOUT_LEADER_FAIL,
  ERR_TOO_MANY_REQUESTS,
} from "./errors.js";
import { forceNewClusterState } from "./force-new-cluster.js";
import { clientUrlOf, clusterIdOf, memberIdOf, peerUrlOf } from "./ids.js";
import { EtcdLogger } from "./log.js";
import type { MemberHost } from "./member-host.js";
import type { MemberObserver } from "./member-observer.js";
import { type MemberInfo, Membership } from "./membership.js";
import { MvccStore, type WriteOp } from "./mvcc.js";
import { PeerTracker } from "./peer-tracker.js";
import { type ConfChangeRequest, type Proposal, proposalUid, writeBytes } from "./proposals.js";
import { ReadLoop } from "./read-loop.js";
import { checkAdd, checkPromote, checkRemove, type ReconfigView } from "./reconfig.js";
import { SnapshotTransfers } from "./snapshot-transfer.js";
import { type MemberIdentity, MemberStorage, type PersistedState, type SnapshotData } from "./storage.js";
import type { EtcdUnitConfig } from "./unit-config.js";
import { VersionMonitor } from "./version-monitor.js";
import { WatchHub } from "./watch-hub.js";
import {
  CLIENT_PORT,
  type ClientOp,
  type ClientReply,
  type ClientRequest,
  type ClientWire,
  CONTROL_BYTES,
  isPeerControl,
  type MemberListEntry,
  type MemberStatus,
  PEER_PORT,
  type PeerControl,
  type PeerWire,
  type SnapshotFile,
} from "./wire.js";

/** What every member process of a world shares. */
export interface MemberSetup {
  readonly network: Network;
  readonly config: EtcdConfig;
  readonly observer: MemberObserver;
}

/** A request waiting for its entry to be applied (or for ReqTimeout, see {@link DeadlineQueue}). */
interface Waiter {
  readonly reqId: number;
  readonly startedAtUs: number;
  readonly respond: (result: Result<unknown>) => void;
  answered: boolean;
}

/** Polls while joining an existing cluster: how often, and for how long before giving up. */
const JOIN_RETRY_US = 500 * MILLISECOND;
const JOIN_GIVE_UP_US = CONN_READ_TIMEOUT_US;
/** How long a joining member collects membership answers after the first one. */
const JOIN_COLLECT_US = 200 * MILLISECOND;
/** Requests kept while the member is not ready yet (older ones are dropped: their clients gave up). */
const MAX_HELD_REQUESTS = 10_000;
/** etcd polls peer connections every 50 ms before advancing election ticks. */
const TICK_ADVANCE_POLL_US = 50 * MILLISECOND;

function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

function fail(error: EtcdError): Result<never> {
  return { ok: false, error };
}

/** One etcd process. Create it through the `etcd` unit (see `etcdUnitSpec`). */
export class EtcdMember implements Process, MemberHost {
  readonly sim: Simulation;
  readonly network: Network;
  readonly config: EtcdConfig;
  readonly log: EtcdLogger;
  readonly host: string;
  readonly store: MvccStore;
  membership: Membership;
  raft: RaftNode | null = null;
  identity: MemberIdentity | undefined;
  /** Reason the process ended, once it has. */
  endedBy: "terminated" | "killed" | "exited" | undefined;

  private running = true;
  private readonly ctx: ProcessContext;
  private readonly unit: EtcdUnitConfig;
  private readonly observer: MemberObserver;
  private readonly storage: MemberStorage;
  private readonly rng: Rng;
  private readonly peers: PeerTracker;
  private readonly versions: VersionMonitor;
  private readonly reads: ReadLoop;
  private readonly watches: WatchHub;
  private readonly snapshots: SnapshotTransfers;
  private readonly peerEndpoint: Endpoint;
  private clientEndpoint: Endpoint | undefined;
  private tickTimer: GuestTimer | undefined;
  private readonly timers: GuestEvent[] = [];
  private readyBusy = false;
  private readonly waiters = new Map<number, Waiter>();
  private readonly waitDeadlines: DeadlineQueue<Waiter>;
  private nextReqId = 1;
  private diskSnapshotIndex = 0;
  private memSnapshotIndex = 0;
  private leaderElectedAtUs = Number.NEGATIVE_INFINITY;
  private noLeaderSinceUs = -1;
  private lastLeader: NodeId = NONE;
  private lastRole: Role = "follower";
  private removedSelf = false;
  private publishPending = false;
  /** Our attributes were published through Raft: etcd's ReadyNotify; the client API serves from then on. */
  private ready = false;
  /** Client requests that arrived before the member was ready (held, as etcd's listener does). */
  private held: [ClientWire, string][] = [];
  /** Client connections (host, reply port) by {@link connKey}, in the order first seen. */
  private readonly clientConns = new Map<number, readonly [string, number]>();
  /** Small numbers for client hosts, so a connection's key is a number (no string per request). */
  private readonly clientHostNos = new Map<string, number>();
  private readonly eventScratch: WatchEvent[] = [];
  private readonly peerSendOptions: SendOptions;
  private readonly requestTimeoutUs: number;

  constructor(ctx: ProcessContext, unit: EtcdUnitConfig, setup: MemberSetup) {
    this.ctx = ctx;
    this.sim = ctx.sim;
    this.unit = unit;
    this.network = setup.network;
    this.config = setup.config;
    this.observer = setup.observer;
    this.host = ctx.vm.name;
    this.log = new EtcdLogger(this.sim, this.host, unit.name, "");
    this.storage = new MemberStorage(ctx.vm.disk);
    this.rng = this.sim.rng.stream(`etcd/${this.host}`);
    this.store = new MvccStore(this.config.watchHistoryEvents);
    this.membership = new Membership("");
    this.requestTimeoutUs = requestTimeoutUs(this.config);
    this.waitDeadlines = new DeadlineQueue<Waiter>(
      ctx.vm.guest,
      this.requestTimeoutUs,
      (w) => !w.answered,
      (w) => this.expireWaiter(w),
    );
    this.peers = new PeerTracker(this);
    this.versions = new VersionMonitor(this);
    this.watches = new WatchHub(this);
    const member = this;
    this.reads = new ReadLoop(
      this,
      {
        requestReadIndex: (id) => member.requestReadIndex(id),
        get appliedIndex() {
          return member.raft?.applied ?? 0;
        },
      },
      this.requestTimeoutUs,
    );
    this.snapshots = new SnapshotTransfers(
      this,
      {
        reportSnapshot: (to, okay) => {
          this.raft?.reportSnapshot(to, okay);
          this.process();
        },
        stepSnapshot: (m) =>
          this.guard(() => {
            this.raft?.step(m);
            this.process();
          }),
        traceSnapshot: (phase, peer, index, bytes) =>
          this.sim.emit("etcd.snapshot", this.host, {
            member: this.unit.name,
            phase,
            peer: this.hexOf(peer),
            index,
            bytes,
          }),
      },
      (done) => this.storage.fsync(done),
    );
    this.peerSendOptions = {
      onRefused: (toHost) => {
        if (!this.running) return;
        const info = this.membership.byHost(toHost);
        if (info === undefined) return;
        this.peers.refused(info.id.raft);
        this.raft?.reportUnreachable(info.id.raft);
      },
    };
    this.peerEndpoint = this.network.listen(this.host, PEER_PORT, (m: PeerWire, from: string) =>
      this.onPeer(m, from),
    );
    if (this.storage.hasData()) this.restart();
    else if (unit.initialClusterState === "new") this.bootstrapNew();
    else this.join();
  }

  // ---------------------------------------------------------------- MemberHost

  /** Timers of the guest this process runs in. */
  get guest() {
    return this.ctx.vm.guest;
  }

  /** False once the process has stopped. */
  get alive(): boolean {
    return this.running;
  }

  /** This member's Raft id (0 before it knows its identity). */
  get selfId(): NodeId {
    return this.identity?.id.raft ?? 0;
  }

  /** True once the member serves its client API (its attributes were published through Raft). */
  get isReady(): boolean {
    return this.ready;
  }

  /** `--name`. */
  get name(): string {
    return this.unit.name;
  }

  /** The etcd member ID in hex ("" before it is known). */
  get idHex(): string {
    return this.identity?.id.hex ?? "";
  }

  /** Lineage of the cluster this member belongs to (0 before it knows). */
  get incarnation(): number {
    return this.identity?.incarnation ?? 0;
  }

  /** Backend database size: the fixed base plus the keys written in the simulation. */
  get dbBytes(): number {
    return this.config.dbBaseBytes + this.store.dataBytes;
  }

  /** 16-hex ID of `id`, for log lines. */
  hexOf(id: NodeId): string {
    return this.membership.details(id)?.id.hex ?? id.toString(16).padStart(7, "0");
  }

  /** Sends a peer-port message to member `to`. */
  sendPeer(to: NodeId, message: PeerWire, bytes: number, channel = 0, onRefused?: RefusedHandler): void {
    const host = this.hostOf(to);
    if (host === undefined) return;
    this.network.send(this.host, host, PEER_PORT, message, bytes, {
      channel,
      ...(onRefused ? { onRefused } : {}),
    });
  }

  // ---------------------------------------------------------------- start

  private restart(): void {
    let state = this.storage.load()!;
    if (this.unit.forceNewCluster) state = this.forceNewCluster(state);
    this.adopt(state.identity);
    const snap = state.snapshot;
    if (snap !== null) {
      const data = snap.data as SnapshotData;
      this.store.restore(data.store);
      this.membership = Membership.fromImage(data.membership);
      this.diskSnapshotIndex = snap.index;
      this.memSnapshotIndex = snap.index;
    } else {
      this.membership = new Membership(state.identity.clusterId);
    }
    for (const m of state.identity.initialMembers) this.membership.learn(m);
    this.log.info(
      "etcdserver",
      `restarting member ${this.idHex} in cluster ${state.identity.clusterId} at commit index ${state.hardState?.commit ?? 0}`,
    );
    const start: RaftStartState = {
      ...(state.hardState !== undefined ? { hardState: state.hardState } : {}),
      snapshot: snap,
      entries: state.entries,
      applied: snap?.index ?? 0,
    };
    this.startRaft(start);
  }

  /**
   * `--force-new-cluster` (etcd `bootstrap.go`, ../shared/reference §1.6): keep the member and
   * cluster IDs, drop uncommitted entries, and append force-committed removals of every other
   * member. The result is a one-member cluster holding the committed data.
   */
  private forceNewCluster(state: PersistedState): PersistedState {
    const forced = forceNewClusterState(
      state.identity.id.raft,
      state.hardState,
      state.snapshot,
      state.entries,
    );
    this.storage.rewrite(forced.hardState, state.snapshot, forced.entries);
    const identity: MemberIdentity = {
      ...state.identity,
      incarnation: this.observer.newIncarnation(state.identity.clusterId),
    };
    this.storage.writeIdentity(identity);
    this.storage.fsync(() => {});
    this.log.info(
      "etcdserver",
      `forcing restart member ${identity.id.hex} in cluster ${identity.clusterId} at commit index ${forced.hardState.commit}`,
    );
    return { identity, hardState: forced.hardState, snapshot: state.snapshot, entries: forced.entries };
  }

  private bootstrapNew(): void {
    const infos = this.unit.initialCluster.map((im) => this.memberInfoFor(im.name, im.host, this.unit.token));
    const me = infos.find((i) => i.name === this.unit.name);
    if (me === undefined) {
      this.fatal(`couldn't find local name "${this.unit.name}" in the initial cluster configuration`);
      return;
    }
    const clusterId = clusterIdOf(infos.map((i) => i.id.hex));
    const identity: MemberIdentity = {
      name: this.unit.name,
      id: me.id,
      clusterId,
      incarnation: this.observer.incarnationOf(clusterId),
      initialMembers: infos,
    };
    this.adopt(identity);
    this.storage.writeIdentity(identity);
    this.membership = new Membership(clusterId);
    for (const i of infos) this.membership.learn(i);
    this.log.info("etcdserver", `starting member ${me.id.hex} in cluster ${clusterId}`);
    const voters = infos.map((i) => i.id.raft).sort((a, b) => a - b);
    this.startRaft({ bootstrap: { voters, learners: [] } });
  }

  /** `--initial-cluster-state existing` with an empty data dir: fetch the membership from peers. */
  private join(): void {
    const startedAt = this.sim.now;
    const ask = (): void => {
      if (!this.running || this.raft !== null) return;
      if (this.sim.now - startedAt >= JOIN_GIVE_UP_US) {
        this.fatal(
          "cannot fetch cluster info from peer urls: could not retrieve cluster information from the given URLs",
        );
        return;
      }
      for (const im of this.unit.initialCluster) {
        if (im.host === this.host) continue;
        this.network.send(
          this.host,
          im.host,
          PEER_PORT,
          { kind: "membersRequest", replyHost: this.host },
          CONTROL_BYTES,
        );
      }
      this.after(JOIN_RETRY_US, ask);
    };
    ask();
  }

  /**
   * etcd takes the first peer's answer; the simulator waits {@link JOIN_COLLECT_US} after it for
   * the others and takes the most recent view, so a peer that lags behind a `member add` (its
   * membership still shows the old member on this host) does not give the new member a removed ID.
   */
  private joinAnswer(m: Extract<PeerControl, { kind: "membersResponse" }>): void {
    if (this.raft !== null || this.identity !== undefined) return;
    const best = this.joinBest;
    if (best === undefined || m.applied > best.applied) this.joinBest = m;
    if (best !== undefined) return;
    this.after(JOIN_COLLECT_US, () => {
      const chosen = this.joinBest;
      if (chosen !== undefined) this.joined(chosen);
    });
  }

  private joinBest: Extract<PeerControl, { kind: "membersResponse" }> | undefined;

  private joined(m: Extract<PeerControl, { kind: "membersResponse" }>): void {
    if (this.raft !== null || this.identity !== undefined) return;
    const me = m.membership.members.find((i) => i.host === this.host);
    if (me === undefined) {
      this.fatal(
        `member "${this.unit.name}" has no entry in the existing cluster's membership (was it added with member add?)`,
      );
      return;
    }
    const identity: MemberIdentity = {
      name: this.unit.name,
      id: me.id,
      clusterId: m.membership.clusterId,
      incarnation: m.incarnation,
      initialMembers: m.membership.members,
    };
    this.adopt(identity);
    this.storage.writeIdentity(identity);
    this.membership = new Membership(identity.clusterId);
    for (const i of m.membership.members) this.membership.learn(i);
    this.log.info("etcdserver", `joining existing cluster ${identity.clusterId} as member ${me.id.hex}`);
    this.startRaft({});
  }

  private memberInfoFor(name: string, host: string, token: string): MemberInfo {
    const address = this.network.hostAddress(host);
    const peerUrl = peerUrlOf(address);
    return {
      id: memberIdOf([peerUrl], token),
      name,
      host,
      peerUrl,
      clientUrl: clientUrlOf(address),
      isLearner: false,
    };
  }

  private adopt(identity: MemberIdentity): void {
    this.identity = identity;
    this.log.identify(identity.name, identity.id.hex);
  }

  private startRaft(start: RaftStartState): void {
    const ticks = electionTicks(this.config);
    const rng = this.rng;
    const raft = new RaftNode(
      {
        id: this.selfId,
        randomInt: (maxExclusive) => rng.int(0, maxExclusive - 1),
        electionTicks: ticks,
        heartbeatTicks: 1,
        preVote: this.config.preVote,
        checkQuorum: true,
      },
      start,
    );
    raft.onEvent = (e) => this.onRaftEvent(e);
    this.raft = raft;
    this.lastRole = raft.role;
    this.lastLeader = raft.leader;
    this.noLeaderSinceUs = this.sim.now;
    this.observer.started(this);
    this.clientEndpoint = this.network.listen(this.host, CLIENT_PORT, (m: ClientWire, from: string) =>
      this.onClient(m, from),
    );
    // Members of a cluster do not tick in step: start at a random phase of the heartbeat.
    const tick = this.guest.timer(() => this.onTick());
    this.tickTimer = tick;
    tick.start(Math.floor(this.rng.float() * this.config.heartbeatUs) + 1);
    this.linkHeartbeats(true);
    this.every(MONITOR_VERSION_INTERVAL_US, () => {
      if (this.raft?.role === "leader") this.versions.round();
    });
    this.process();
    if (this.config.initialElectionTickAdvance) this.adjustTicks();
  }

  /**
   * `--initial-election-tick-advance` (etcd `adjustTicks`): a single-member cluster fast-forwards
   * E−1 ticks; otherwise, once more than one peer is connected (polled every 50 ms for up to 5 s),
   * E−2 ticks, so a booting member campaigns about two ticks later if it hears no leader.
   */
  private adjustTicks(): void {
    const raft = this.raft!;
    const ticks = electionTicks(this.config);
    const cs = raft.confState();
    if (cs.voters.length + cs.learners.length === 1 && cs.voters[0] === this.selfId) {
      this.advanceTicks(ticks - 1);
      return;
    }
    let polls = Math.floor(CONN_READ_TIMEOUT_US / TICK_ADVANCE_POLL_US);
    const poll = (): void => {
      if (!this.running) return;
      if (this.peers.activeCount() > 1) {
        this.advanceTicks(ticks - 2);
        return;
      }
      if (--polls > 0) this.after(TICK_ADVANCE_POLL_US, poll);
    };
    this.after(TICK_ADVANCE_POLL_US, poll);
  }

  private advanceTicks(n: number): void {
    const raft = this.raft;
    if (raft === null) return;
    this.guard(() => {
      for (let i = 0; i < n; i++) raft.tick();
      this.process();
    });
  }

  // ---------------------------------------------------------------- timers

  private after(delayUs: number, fn: () => void): void {
    const ev = this.guest.after(delayUs, () => {
      if (this.running) fn();
    });
    if (this.timers.length > 64) this.pruneTimers();
    this.timers.push(ev);
  }

  private every(periodUs: number, fn: () => void): void {
    const loop = (): void => {
      fn();
      this.after(periodUs, loop);
    };
    this.after(periodUs, loop);
  }

  private pruneTimers(): void {
    let n = 0;
    for (const t of this.timers) if (!t.done) this.timers[n++] = t;
    this.timers.length = n;
  }

  /** Peers to keep streams with: the members, or before the membership is applied, the initial ones. */
  private peerIds(): NodeId[] {
    const ids = new Set<NodeId>();
    for (const m of this.membership.list()) ids.add(m.id.raft);
    if (ids.size === 0) for (const m of this.identity?.initialMembers ?? []) ids.add(m.id.raft);
    ids.delete(this.selfId);
    for (const id of ids) if (this.membership.isRemoved(id)) ids.delete(id);
    return [...ids];
  }

  private linkHeartbeats(hello: boolean): void {
    for (const id of this.peerIds()) {
      this.sendPeer(
        id,
        { kind: "linkHeartbeat", from: this.selfId, hello },
        CONTROL_BYTES,
        0,
        this.peerSendOptions.onRefused,
      );
    }
    if (hello) this.every(LINK_HEARTBEAT_US, () => this.linkHeartbeats(false));
  }

  private onTick(): void {
    if (!this.running) return;
    const raft = this.raft;
    if (raft === null) return;
    this.tickTimer!.start(this.config.heartbeatUs);
    try {
      raft.tick();
    } catch (e) {
      this.panicked(e);
    }
    if (!this.running) return;
    this.peers.expire();
    if (raft.leader === NONE && this.noLeaderSinceUs >= 0 && this.watches.size > 0) {
      if (this.sim.now - this.noLeaderSinceUs >= MAX_NO_LEADER_ELECTIONS * this.config.electionTimeoutUs) {
        this.watches.cancelAll(ERR_NO_LEADER);
      }
    }
    this.maybePublish();
    this.process();
  }

  // ---------------------------------------------------------------- the Raft loop

  /** Handles every pending Ready (etcd's raftNode loop); a Raft panic ends the process. */
  private process(): void {
    try {
      this.drainReady();
    } catch (e) {
      this.panicked(e);
    }
  }

  private drainReady(): void {
    const raft = this.raft;
    if (raft === null) return;
    while (this.running && !this.readyBusy && raft.hasReady()) {
      const rd = raft.ready();
      this.observer.readyTaken(this, rd);
      if (rd.softState !== null) this.onSoftState(rd.softState);
      // etcd: the leader sends before its own fsync (Raft thesis §10.2.1); others after it.
      const leader = raft.role === "leader";
      if (leader) this.sendMessages(rd.messages);
      if (rd.hardState !== null || rd.entries.length > 0 || rd.snapshot !== null) {
        this.storage.save(rd.hardState, rd.entries, rd.snapshot);
      }
      if (rd.mustSync) {
        this.readyBusy = true;
        this.syncing = rd;
        this.syncingSent = leader;
        this.storage.fsync(this.synced);
        return;
      }
      this.finishReady(rd, leader);
    }
    if (this.removedSelf && this.running) this.removed();
  }

  /** The Ready waiting for its fsync (one at a time), and whether its messages already left. */
  private syncing: Ready | null = null;
  private syncingSent = false;
  private readonly synced = (): void => {
    const rd = this.syncing;
    if (!this.running || rd === null) return;
    this.syncing = null;
    this.readyBusy = false;
    try {
      this.finishReady(rd, this.syncingSent);
      this.drainReady();
    } catch (e) {
      this.panicked(e);
    }
  };

  private finishReady(rd: Ready, sent: boolean): void {
    const raft = this.raft!;
    if (!sent) this.sendMessages(rd.messages);
    if (rd.snapshot !== null) this.applySnapshot(rd.snapshot);
    if (rd.committedEntries.length > 0) this.applyEntries(rd.committedEntries);
    const readStates = rd.readStates;
    for (let i = 0; i < readStates.length; i++) {
      const rs = readStates[i]!;
      this.reads.confirmed(Number(rs.requestId), rs.index);
    }
    raft.advance(rd);
    this.maybeSnapshot();
    this.reads.maybeServe();
  }

  private sendMessages(messages: readonly Message[]): void {
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      if (m.type === "MsgSnap") {
        m.snapshot = this.raft!.mergedSnapshot(this.snapshotData(), this.dbBytes);
        this.snapshots.send(m);
        continue;
      }
      const host = this.hostOf(m.to);
      if (host === undefined) continue;
      this.network.send(this.host, host, PEER_PORT, m, messageBytes(m), this.peerSendOptions);
    }
  }

  private onSoftState(ss: SoftState): void {
    const raft = this.raft!;
    const prev = this.lastLeader;
    if (ss.leader !== prev) {
      const self = this.idHex;
      const term = raft.term;
      if (ss.leader !== NONE) {
        this.leaderElectedAtUs = this.sim.now;
        this.noLeaderSinceUs = -1;
        if (prev === NONE)
          this.log.info("raft", `raft.node: ${self} elected leader ${this.hexOf(ss.leader)} at term ${term}`);
        else
          this.log.info(
            "raft",
            `raft.node: ${self} changed leader from ${this.hexOf(prev)} to ${this.hexOf(ss.leader)} at term ${term}`,
          );
      } else {
        this.noLeaderSinceUs = this.sim.now;
        this.log.info("raft", `raft.node: ${self} lost leader ${this.hexOf(prev)} at term ${term}`);
      }
      if (prev !== NONE) this.reads.leaderChanged();
    }
    if (ss.role !== this.lastRole && this.lastRole === "leader") {
      this.versions.reset();
      this.snapshots.abandon();
    }
    this.lastLeader = ss.leader;
    this.lastRole = ss.role;
    this.observer.leadershipChanged(this);
  }

  private onRaftEvent(e: RaftEvent): void {
    this.observer.raftEvent(this, e);
    const self = this.idHex;
    switch (e.type) {
      case "roleChanged": {
        const word = e.role === "preCandidate" ? "pre-candidate" : e.role;
        this.log.info("raft", `${self} became ${word} at term ${e.term}`);
        return;
      }
      case "campaignStarted":
        if (!e.preVote) this.log.info("raft", `${self} is starting a new election at term ${e.term}`);
        return;
      case "quorumInactive":
        this.log.warn("raft", `${self} stepped down to follower since quorum is not active`);
        return;
      case "transfer":
        if (e.phase === "started")
          this.log.info(
            "raft",
            `${self} [term ${e.term}] starts to transfer leadership to ${this.hexOf(e.transferee)}`,
          );
        else if (e.phase === "timeoutNowSent")
          this.log.info(
            "raft",
            `${self} sends MsgTimeoutNow to ${this.hexOf(e.transferee)} immediately as it already has up-to-date log`,
          );
        else
          this.log.info(
            "raft",
            `${self} [term ${e.term}] abort previous leadership transfer to ${this.hexOf(e.transferee)}`,
          );
        return;
      case "snapshotRestored":
        this.log.info(
          "raft",
          `${self} [commit: ${e.index}] restored snapshot [index: ${e.index}, term: ${e.snapshotTerm}]`,
        );
        return;
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- apply

  private applySnapshot(snap: Snapshot): void {
    const data = snap.data as SnapshotData | null;
    this.log.info("etcdserver", `applying snapshot at index ${snap.index}...`);
    if (data !== null) {
      this.store.restore(data.store);
      this.membership.reset(data.membership);
    }
    this.diskSnapshotIndex = snap.index;
    this.memSnapshotIndex = snap.index;
    this.watches.cancelAll({ code: "compacted", message: "mvcc: required revision has been compacted" });
    this.observer.membershipChanged(this);
    this.log.info("etcdserver", `finished applying incoming snapshot at index ${snap.index}`);
  }

  private applyEntries(entries: readonly Entry[]): void {
    const events = this.eventScratch;
    events.length = 0;
    const self = this.selfId;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.type === "confChange") {
        this.applyConfChange(e);
        continue;
      }
      const p = e.data as Proposal | null;
      if (p === null) continue;
      if (p.kind === "write") {
        const result = this.store.apply(p.op, events);
        if (p.origin === self) this.resolve(p.reqId, ok(result));
      } else {
        this.membership.publish(p.origin, p.name, p.clientUrl);
        if (p.origin === self && p.reqId === this.publishReqId) {
          this.publishPending = false;
          this.resolve(p.reqId, ok(null));
          this.log.info("etcdserver", `published local member to cluster through raft (name ${p.name})`);
          this.becomeReady();
        }
        this.observer.membershipChanged(this);
      }
    }
    if (events.length > 0) this.watches.dispatch(events, this.store.revision);
  }

  private applyConfChange(e: Entry): void {
    const cc = e.data as ConfChange;
    const raft = this.raft!;
    this.membership.apply(cc);
    raft.applyConfChange(cc);
    const info = this.membership.details(cc.nodeId);
    const hex = info?.id.hex ?? cc.nodeId.toString(16);
    const cluster = this.membership.clusterId;
    switch (cc.type) {
      case "addVoter":
      case "addLearner":
        this.log.info(
          "membership",
          `added ${cc.type === "addLearner" ? "learner " : ""}member ${hex} [${info?.peerUrl ?? "?"}] to cluster ${cluster}`,
        );
        break;
      case "promoteLearner":
        this.log.info("membership", `promote member ${hex} in cluster ${cluster}`);
        break;
      case "remove":
        this.log.info("membership", `removed member ${hex} from cluster ${cluster}`);
        this.peers.forget(cc.nodeId);
        if (cc.nodeId === this.selfId) this.removedSelf = true;
        break;
    }
    this.observer.confChangeApplied(this, cc, e.index);
    const req = cc.context as ConfChangeRequest | undefined;
    if (req !== undefined && req.origin === this.selfId) this.resolve(req.reqId, ok(this.memberList()));
  }

  /** Disk snapshot every `snapshot-count` entries; in-memory compaction (3.6) every 100. */
  private maybeSnapshot(): void {
    const raft = this.raft!;
    const applied = raft.applied;
    if (applied - this.diskSnapshotIndex > this.config.snapshotCount) {
      const snap = raft.createSnapshot(applied, this.snapshotData(), this.dbBytes);
      if (snap !== null) {
        this.storage.writeSnapshot(snap);
        this.storage.fsync(() => {});
        this.diskSnapshotIndex = applied;
        this.memSnapshotIndex = applied;
        this.log.info("etcdserver", `saved snapshot at index ${applied}`);
        this.compactLog(applied);
      }
      return;
    }
    const every = this.config.memorySnapshotCount;
    if (every > 0 && applied - this.memSnapshotIndex >= every) {
      if (raft.createSnapshot(applied, null, 0) !== null) {
        this.memSnapshotIndex = applied;
        this.compactLog(applied);
      }
    }
  }

  private compactLog(applied: number): void {
    const raft = this.raft!;
    if (this.snapshots.sending || raft.snapshotInFlight()) return; // "skip compaction since there is an inflight snapshot"
    const index = applied - this.config.snapshotCatchUpEntries;
    if (index > raft.firstIndex) raft.compact(index);
  }

  private snapshotData(): SnapshotData {
    return { store: this.store.image(), membership: this.membership.image() };
  }

  // ---------------------------------------------------------------- peers

  private onPeer(m: PeerWire, fromHost: string): void {
    if (!this.running) return;
    if (!isPeerControl(m)) {
      this.onRaftMessage(m, fromHost);
      return;
    }
    switch (m.kind) {
      case "membersRequest":
        if (this.raft !== null && this.membership.list().length > 0) {
          this.network.send(
            this.host,
            m.replyHost,
            PEER_PORT,
            {
              kind: "membersResponse",
              membership: this.membership.image(),
              incarnation: this.incarnation,
              applied: this.raft.applied,
            },
            CONTROL_BYTES,
          );
        }
        return;
      case "membersResponse":
        this.joinAnswer(m);
        return;
      default:
        break;
    }
    if (this.raft === null) return;
    switch (m.kind) {
      case "linkHeartbeat":
        if (!this.acceptFrom(m.from, fromHost)) return;
        this.peers.heard(m.from);
        if (m.hello)
          this.sendPeer(m.from, { kind: "linkHeartbeat", from: this.selfId, hello: false }, CONTROL_BYTES);
        return;
      case "snapshotHeader":
        if (!this.acceptFrom(m.from, fromHost)) return;
        this.peers.heard(m.from);
        this.snapshots.receivingHeader(m.from, m.index, m.bytes);
        return;
      case "snapshotBody":
        if (!this.acceptFrom(m.message.from, fromHost)) return;
        this.peers.heard(m.message.from);
        this.snapshots.receivedBody(m.message);
        return;
      case "snapshotAck":
        this.peers.heard(m.from);
        this.snapshots.acked(m.from, m.index, m.ok);
        return;
      case "versionRequest":
        if (!this.acceptFrom(m.from, fromHost)) return;
        this.sendPeer(
          m.from,
          { kind: "versionResponse", from: this.selfId, version: this.config.version },
          CONTROL_BYTES,
        );
        return;
      case "versionResponse":
        this.versions.answered(m.from);
        return;
      case "memberRemoved":
        if (m.id === this.selfId) this.removed();
        return;
      case "promoteForward":
        this.handlePromote(m.idHex, (result) =>
          this.sendPeer(m.origin, { kind: "promoteResult", reqId: m.reqId, result }, CONTROL_BYTES),
        );
        return;
      case "promoteResult":
        this.resolve(m.reqId, m.result);
        return;
    }
  }

  private onRaftMessage(m: Message, fromHost: string): void {
    const raft = this.raft;
    if (raft === null) return;
    if (!this.acceptFrom(m.from, fromHost)) return;
    this.peers.heard(m.from);
    try {
      raft.step(m);
      this.drainReady();
    } catch (e) {
      this.panicked(e);
    }
  }

  /**
   * Runs Raft work; a broken Raft assumption is etcd's `panic` (e.g. a member that lost its data
   * but kept its ID hears a commit index beyond its empty log: "tocommit(9) is out of range
   * [lastIndex(0)]. Was the raft log corrupted, truncated, or lost?"). The process dies and
   * systemd restarts it.
   */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.panicked(e);
    }
  }

  private panicked(e: unknown): void {
    if (!(e instanceof RaftAssertionError)) throw e;
    if (!this.running) return;
    this.log.error("raft", `panic: ${e.message}`);
    this.exitWith(`panic: ${e.message}`);
  }

  /**
   * rafthttp refuses a removed member with 410 Gone (it exits when it hears so) and checks the
   * cluster ID header of everything else. A sender this member does not know yet is accepted when
   * it belongs to the same cluster: a member that fell behind must hear from members added after
   * its progress, or it could never catch up (etcd delivers those through the pipeline handler).
   */
  private acceptFrom(id: NodeId, fromHost: string): boolean {
    const m = this.membership;
    if (m.isRemoved(id)) {
      this.network.send(this.host, fromHost, PEER_PORT, { kind: "memberRemoved", id }, CONTROL_BYTES);
      return false;
    }
    if (m.has(id) || m.details(id) !== undefined) return true;
    if (this.observer.lineageOfHost(fromHost) !== this.incarnation) return false;
    this.learnedHosts.set(id, fromHost);
    return true;
  }

  /** Hosts of members this one does not know yet but heard from (so it can answer them). */
  private readonly learnedHosts = new Map<NodeId, string>();

  /** The host of member `id`, if known. */
  private hostOf(id: NodeId): string | undefined {
    return this.membership.details(id)?.host ?? this.learnedHosts.get(id);
  }

  // ---------------------------------------------------------------- client API

  private onClient(m: ClientWire, from: string): void {
    if (!this.running) return;
    const conn = this.connKey(from, m.replyPort);
    if (!this.clientConns.has(conn)) this.clientConns.set(conn, [from, m.replyPort]);
    if (!this.ready) {
      // etcd's client listener accepts connections but serves nothing until the server is ready.
      if (this.held.length < MAX_HELD_REQUESTS) this.held.push([m, from]);
      return;
    }
    switch (m.kind) {
      case "ping":
        this.reply(from, m.replyPort, { kind: "pong", id: m.id });
        return;
      case "watchCreate":
        this.watches.create(from, m.replyPort, m.watchId, m.key, m.prefix, m.fromRevision, this.store);
        return;
      case "watchCancel":
        this.watches.cancel(from, m.replyPort, m.watchId);
        return;
      case "request":
        this.handleRequest(m, from);
        return;
    }
  }

  /** A number naming the connection from `host`'s port `port` (ports are below 2^16). */
  private connKey(host: string, port: number): number {
    let no = this.clientHostNos.get(host);
    if (no === undefined) {
      no = this.clientHostNos.size;
      this.clientHostNos.set(host, no);
    }
    return no * 65536 + port;
  }

  private reply(host: string, port: number, message: ClientReply, bytes = CONTROL_BYTES): void {
    this.network.send(this.host, host, port, message, bytes);
  }

  private handleRequest(req: ClientRequest, from: string): void {
    const respond = (result: Result<unknown>, bytes = CONTROL_BYTES): void => {
      if (this.running) this.reply(from, req.replyPort, { kind: "response", id: req.id, result }, bytes);
    };
    const op = req.op;
    switch (op.type) {
      case "put":
        this.proposeWrite({ type: "put", key: op.key, value: op.value, bytes: op.bytes }, respond);
        return;
      case "delete":
        this.proposeWrite({ type: "delete", key: op.key, prefix: op.prefix }, respond);
        return;
      case "txn":
        this.proposeWrite(
          { type: "txn", compares: op.compares, success: op.success, failure: op.failure },
          respond,
        );
        return;
      case "range":
        this.range(op, respond);
        return;
      case "memberList":
        respond(ok(this.memberList()));
        return;
      case "memberAdd":
        this.memberAdd(op.host, op.peerUrl, op.learner, respond);
        return;
      case "memberRemove":
        this.memberRemove(op.idHex, respond);
        return;
      case "memberPromote":
        this.memberPromote(op.idHex, respond);
        return;
      case "status":
        respond(ok(this.status()));
        return;
      case "snapshot": {
        const file = this.snapshotFile();
        respond(ok(file), file.bytes);
        return;
      }
      case "moveLeader":
        this.moveLeader(op.idHex, respond);
        return;
    }
  }

  private range(
    op: Extract<ClientOp, { type: "range" }>,
    respond: (r: Result<unknown>, bytes?: number) => void,
  ): void {
    const serve = (): void => {
      const r = this.store.range(op.key, op.prefix, op.limit, op.keysOnly);
      let bytes = CONTROL_BYTES;
      for (const kv of r.kvs) bytes += kv.bytes + kv.key.length + 32;
      respond(ok(r), bytes);
    };
    // A serializable range is served from local state, without consensus (may be stale).
    if (op.serializable) {
      serve();
      return;
    }
    if (this.raft?.isLearner) {
      respond(fail(ERR_LEARNER));
      return;
    }
    this.reads.add(serve, (e) => respond(fail(e)));
  }

  private requestReadIndex(id: number): void {
    const raft = this.raft;
    if (raft === null) return;
    raft.readIndex(id);
    this.process();
  }

  private proposeWrite(op: WriteOp, respond: (r: Result<unknown>) => void): void {
    const raft = this.raft;
    if (raft === null) {
      respond(fail(ERR_STOPPED));
      return;
    }
    if (raft.isLearner) {
      respond(fail(ERR_LEARNER));
      return;
    }
    if (raft.commit - raft.applied > MAX_GAP_APPLY_COMMIT) {
      respond(fail(ERR_TOO_MANY_REQUESTS));
      return;
    }
    const reqId = this.nextReqId++;
    const proposal: Proposal = { kind: "write", uid: proposalUid(), origin: this.selfId, reqId, op };
    const r = raft.propose(proposal, writeBytes(op));
    if (r === "dropped" || r === "confChangePending") {
      respond(fail(ERR_PROPOSAL_DROPPED));
      return;
    }
    this.wait(reqId, respond);
    this.process();
  }

  /** Registers a waiter answered when the request's entry applies, or with a timeout error. */
  private wait(reqId: number, respond: (r: Result<unknown>) => void): void {
    const w: Waiter = { reqId, startedAtUs: this.sim.now, respond, answered: false };
    this.waiters.set(reqId, w);
    this.waitDeadlines.add(w);
  }

  /** ReqTimeout passed with no answer. */
  private expireWaiter(w: Waiter): void {
    if (!this.running) return;
    w.answered = true;
    this.waiters.delete(w.reqId);
    w.respond(fail(this.timeoutError(w.startedAtUs)));
  }

  private resolve(reqId: number, result: Result<unknown>): void {
    const w = this.waiters.get(reqId);
    if (w === undefined) return;
    this.waiters.delete(reqId);
    w.answered = true;
    w.respond(result);
  }

  /**
   * etcd `parseProposeCtxErr`: a request that started while the previous leader was being lost
   * (within 2 election timeouts before the current leader was elected) times out "possibly due to
   * previous leader failure".
   */
  private timeoutError(startedAtUs: number): EtcdError {
    const elected = this.leaderElectedAtUs;
    if (startedAtUs <= elected && startedAtUs >= elected - 2 * this.config.electionTimeoutUs) {
      return ERR_TIMEOUT_LEADER_FAIL;
    }
    return ERR_TIMEOUT;
  }

  // ---------------------------------------------------------------- membership operations

  /** `etcdctl member list`: served from this member's view (etcd ≥ 3.5 default). */
  memberList(): MemberListEntry[] {
    return this.membership.list().map((m) => ({
      idHex: m.id.hex,
      status: m.name === "" ? "unstarted" : "started",
      name: m.name,
      peerUrl: m.peerUrl,
      clientUrl: m.clientUrl,
      isLearner: m.isLearner,
    }));
  }

  private reconfigView(): ReconfigView {
    return {
      strict: this.config.strictReconfigCheck,
      maxLearners: this.config.maxLearners,
      self: this.selfId,
      members: this.membership.list(),
      connectedSince: (id, t) => this.peers.connectedSince(id, t),
      isActive: (id) => this.peers.activeSince(id) >= 0,
      healthSinceUs: this.sim.now - HEALTH_INTERVAL_US,
      addNeedsAllConnected: this.config.version !== "3.6",
    };
  }

  private proposeConf(change: ConfChange, respond: (r: Result<unknown>) => void, reqId: number): void {
    const r = this.raft!.proposeConfChange(change, 256);
    if (r === "dropped") {
      respond(fail(ERR_PROPOSAL_DROPPED));
      return;
    }
    if (r === "confChangePending") {
      respond(fail(ERR_CONF_CHANGE_PENDING));
      return;
    }
    this.wait(reqId, respond);
    this.process();
  }

  private memberAdd(
    host: string,
    peerUrl: string,
    learner: boolean,
    respond: (r: Result<unknown>) => void,
  ): void {
    if (this.raft === null) {
      respond(fail(ERR_STOPPED));
      return;
    }
    const problem = checkAdd(this.reconfigView(), peerUrl, learner);
    if (problem !== null) {
      respond(fail(problem));
      return;
    }
    const address = this.network.hostAddress(host);
    const id = memberIdOf([peerUrl], this.unit.token, this.sim.now);
    const member: MemberInfo = {
      id,
      name: "",
      host,
      peerUrl,
      clientUrl: clientUrlOf(address),
      isLearner: learner,
    };
    const reqId = this.nextReqId++;
    const context: ConfChangeRequest = { member, origin: this.selfId, reqId };
    this.proposeConf({ type: learner ? "addLearner" : "addVoter", nodeId: id.raft, context }, respond, reqId);
  }

  private memberRemove(idHex: string, respond: (r: Result<unknown>) => void): void {
    if (this.raft === null) {
      respond(fail(ERR_STOPPED));
      return;
    }
    const target = this.membership.list().find((m) => m.id.hex === idHex);
    if (target === undefined) {
      respond(fail(ERR_MEMBER_NOT_FOUND));
      return;
    }
    const problem = checkRemove(this.reconfigView(), target.id.raft);
    if (problem !== null) {
      respond(fail(problem));
      return;
    }
    const reqId = this.nextReqId++;
    const context: ConfChangeRequest = { member: target, origin: this.selfId, reqId };
    this.proposeConf({ type: "remove", nodeId: target.id.raft, context }, respond, reqId);
  }

  /** Promotion is decided by the leader (only it knows the learner's progress): forward if needed. */
  private memberPromote(idHex: string, respond: (r: Result<unknown>) => void): void {
    const raft = this.raft;
    if (raft === null) {
      respond(fail(ERR_STOPPED));
      return;
    }
    if (raft.role === "leader") {
      this.handlePromote(idHex, respond);
      return;
    }
    if (raft.leader === NONE) {
      respond(fail(ERR_NO_LEADER));
      return;
    }
    const reqId = this.nextReqId++;
    this.wait(reqId, respond);
    this.sendPeer(raft.leader, { kind: "promoteForward", origin: this.selfId, reqId, idHex }, CONTROL_BYTES);
  }

  private handlePromote(idHex: string, respond: (r: Result<unknown>) => void): void {
    const raft = this.raft;
    if (raft === null || raft.role !== "leader") {
      respond(fail(ERR_NOT_LEADER));
      return;
    }
    const target = this.membership.list().find((m) => m.id.hex === idHex);
    if (target === undefined) {
      respond(fail(ERR_MEMBER_NOT_FOUND));
      return;
    }
    const problem = checkPromote(
      this.reconfigView(),
      target.id.raft,
      raft.learnerInSync(target.id.raft, READY_PERCENT),
    );
    if (problem !== null) {
      respond(fail(problem));
      return;
    }
    const reqId = this.nextReqId++;
    const context: ConfChangeRequest = { member: target, origin: this.selfId, reqId };
    this.proposeConf({ type: "promoteLearner", nodeId: target.id.raft, context }, respond, reqId);
  }

  private publishReqId = -1;

  /**
   * Every start, once a leader is known, the member publishes its name and client URL through Raft
   * (etcd `publishV3`, retried until it succeeds); a member added with `member add` gets its name
   * this way ("unstarted" → "started"). etcd serves clients only after this succeeds
   * (`ReadyNotify`), so a member that restarts into a cluster without quorum never serves.
   */
  private maybePublish(): void {
    const raft = this.raft;
    if (raft === null || this.ready || this.publishPending || raft.leader === NONE) return;
    const me = this.membership.get(this.selfId);
    if (me === undefined) return;
    const reqId = this.nextReqId++;
    const p: Proposal = {
      kind: "publish",
      uid: proposalUid(),
      origin: this.selfId,
      reqId,
      name: this.unit.name,
      clientUrl: me.clientUrl,
    };
    if (raft.propose(p, 128) === "dropped") return;
    this.publishPending = true;
    this.publishReqId = reqId;
    this.wait(reqId, (r) => {
      if (!r.ok) this.publishPending = false;
    });
    this.process();
  }

  private becomeReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.log.info("embed", "ready to serve client requests");
    const held = this.held;
    this.held = [];
    for (const [m, from] of held) this.onClient(m, from);
  }

  private moveLeader(idHex: string, respond: (r: Result<unknown>) => void): void {
    const raft = this.raft;
    if (raft === null || raft.role !== "leader") {
      respond(fail(ERR_NOT_LEADER));
      return;
    }
    const target = this.membership.list().find((m) => m.id.hex === idHex);
    if (target === undefined || target.isLearner) {
      respond(fail(ERR_MEMBER_NOT_FOUND));
      return;
    }
    this.transferTo(target.id.raft, (done) => respond(done ? ok(null) : fail(ERR_TIMEOUT)));
  }

  /** Transfers leadership and calls `done(true)` once another member leads, `done(false)` at ReqTimeout. */
  private transferTo(to: NodeId, done: (ok: boolean) => void): void {
    const raft = this.raft!;
    const deadline = this.sim.now + this.requestTimeoutUs;
    raft.transferLeader(to);
    this.process();
    const poll = (): void => {
      const r = this.raft;
      if (r !== null && r.leader !== this.selfId && r.leader !== NONE) {
        done(true);
        return;
      }
      if (this.sim.now >= deadline) {
        done(false);
        return;
      }
      this.after(this.config.heartbeatUs, poll);
    };
    this.after(this.config.heartbeatUs, poll);
  }

  // ---------------------------------------------------------------- status and snapshot

  /** `etcdctl endpoint status` for this member. */
  status(): MemberStatus {
    const raft = this.raft;
    return {
      idHex: this.idHex,
      name: this.unit.name,
      version: this.config.version,
      dbSizeBytes: this.dbBytes,
      leaderHex: raft && raft.leader !== NONE ? this.hexOf(raft.leader) : "0",
      isLearner: raft?.isLearner ?? false,
      raftTerm: raft?.term ?? 0,
      raftIndex: raft?.commit ?? 0,
      raftAppliedIndex: raft?.applied ?? 0,
      revision: this.store.revision,
      errors: [],
    };
  }

  /** `etcdctl snapshot save`: the backend database as it is now (not linearizable). */
  snapshotFile(): SnapshotFile {
    return {
      fromMember: this.unit.name,
      revision: this.store.revision,
      raftIndex: this.raft?.applied ?? 0,
      bytes: this.dbBytes,
      takenAtUs: this.sim.now,
      store: this.store.image(),
    };
  }

  // ---------------------------------------------------------------- stop

  /**
   * SIGTERM (etcd `Stop` → `TryTransferLeadershipOnShutdown`): a leader of several voters hands
   * leadership to the longest-connected voter and waits for it (up to ReqTimeout), then stops.
   */
  terminate(exited: () => void): void {
    if (!this.running) {
      exited();
      return;
    }
    const raft = this.raft;
    if (raft !== null && raft.role === "leader" && raft.confState().voters.length > 1) {
      let best: NodeId = NONE;
      let bestSince = Number.POSITIVE_INFINITY;
      for (const id of raft.confState().voters) {
        if (id === this.selfId) continue;
        const since = this.peers.activeSince(id);
        if (since >= 0 && since < bestSince) {
          best = id;
          bestSince = since;
        }
      }
      if (best !== NONE) {
        this.log.info("etcdserver", `leadership transfer starting: ${this.idHex} → ${this.hexOf(best)}`);
        this.transferTo(best, (done) => {
          if (done) this.log.info("etcdserver", "leadership transfer finished");
          else
            this.log.warn("etcdserver", "failed to transfer leadership before shutdown (request timed out)");
          this.shutdown("terminated");
          exited();
        });
        return;
      }
    }
    this.shutdown("terminated");
    exited();
  }

  /** SIGKILL, or the guest died: stop at once. */
  kill(): void {
    this.shutdown("killed");
  }

  private removed(): void {
    if (!this.running) return;
    this.log.error("etcdserver", "the member has been permanently removed from the cluster");
    this.log.error("etcdserver", "the data-dir used by this member must be removed");
    this.exitWith("removed from the cluster");
  }

  private fatal(message: string): void {
    this.log.error("etcdmain", message);
    this.exitWith(message);
  }

  private exitWith(reason: string): void {
    this.shutdown("exited");
    this.ctx.exit(reason);
  }

  private shutdown(how: "terminated" | "killed" | "exited"): void {
    if (!this.running) return;
    this.running = false;
    this.endedBy = how;
    this.tickTimer?.cancel();
    for (const t of this.timers) this.guest.cancel(t);
    this.timers.length = 0;
    for (const w of this.waiters.values()) w.answered = true;
    this.waiters.clear();
    this.waitDeadlines.clear();
    this.peerEndpoint.close();
    this.clientEndpoint?.close();
    // The kernel closes the process's connections: clients see their streams and requests fail now
    // (a dead guest sends nothing, so this only reaches anyone when the VM is still up).
    const conns = new Map(this.clientConns);
    this.watches.clients((host, port) => {
      const key = this.connKey(host, port);
      if (!conns.has(key)) conns.set(key, [host, port]);
    });
    for (const [host, port] of conns.values())
      this.network.send(this.host, host, port, { kind: "reset" } satisfies ClientReply, 0);
    this.observer.stopped(this, how);
  }
}

/**
 * One etcd member process (etcd `server/etcdserver`), run as the systemd unit `etcd` on a VM.
 * Sources: ../shared/reference/etcd-raft.md §1 (defaults, timeouts, snapshots, membership, reads,
 * graceful stop); docs/etcd.md describes the model as a whole.
 *
 * The process is put together from parts, each in its own file:
 * - **start** (`member-startup.ts`): restart from snapshot and WAL, bootstrap, or join;
 *   `--force-new-cluster`.
 * - **Raft loop** (`raft-loop.ts`): ticks, Ready handling in etcd's order, leader tracking;
 *   committed entries are applied by `entry-applier.ts` and the member's attributes published by
 *   `publisher.ts`.
 * - **client API** on port 2379 (`client-service.ts`): writes, reads, watches, status, snapshot;
 *   membership operations in `membership-requests.ts`; requests waiting for their entry in
 *   `request-waiters.ts`.
 * - **peer transport** on port 2380 (`peer-port.ts`): Raft messages, link heartbeats (peer
 *   activity, `peer-tracker.ts`), database snapshots (`snapshot-transfer.ts`), the leader's
 *   version monitor (`version-monitor.ts`).
 * - **stop** (here): SIGTERM on a leader first transfers leadership to the longest-connected voter
 *   and waits for it (etcd `TryTransferLeadershipOnShutdown`); SIGKILL and guest power loss stop at
 *   once. A member removed from the cluster logs "the member has been permanently removed from the
 *   cluster" and exits.
 */
import type { GuestEvent } from "../infra/guest.js";
import type { Endpoint, Network } from "../infra/network.js";
import type { RefusedHandler } from "../infra/network-types.js";
import type { Process, ProcessContext } from "../infra/services.js";
import { RaftAssertionError } from "../raft/log.js";
import type { RaftNode } from "../raft/raft.js";
import { NONE, type NodeId } from "../raft/types.js";
import type { Rng } from "../sim/rng.js";
import type { Simulation } from "../sim/simulation.js";
import { ClientService } from "./client-service.js";
import { type EtcdConfig, requestTimeoutUs } from "./config.js";
import { EntryApplier } from "./entry-applier.js";
import { EtcdLogger } from "./log.js";
import type { MemberHost } from "./member-host.js";
import type { MemberObserver } from "./member-observer.js";
import { MemberStartup } from "./member-startup.js";
import { Membership } from "./membership.js";
import { MembershipRequests } from "./membership-requests.js";
import { MvccStore } from "./mvcc.js";
import { PeerPort } from "./peer-port.js";
import { PeerTracker } from "./peer-tracker.js";
import { Publisher } from "./publisher.js";
import { RaftLoop } from "./raft-loop.js";
import { ReadLoop } from "./read-loop.js";
import { RequestWaiters } from "./request-waiters.js";
import { SnapshotTransfers } from "./snapshot-transfer.js";
import { type MemberIdentity, MemberStorage } from "./storage.js";
import type { EtcdUnitConfig } from "./unit-config.js";
import { VersionMonitor } from "./version-monitor.js";
import { WatchHub } from "./watch-hub.js";
import {
  type MemberListEntry,
  type MemberStatus,
  PEER_PORT,
  type PeerWire,
  type SnapshotFile,
} from "./wire.js";

/** What every member process of a world shares. */
export interface MemberSetup {
  readonly network: Network;
  readonly config: EtcdConfig;
  readonly observer: MemberObserver;
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

  // The process's parts and what they share (internal: used by the parts, not by other layers).
  /** @internal */ readonly unit: EtcdUnitConfig;
  /** @internal */ readonly observer: MemberObserver;
  /** @internal */ readonly storage: MemberStorage;
  /** @internal */ readonly rng: Rng;
  /** @internal ReqTimeout of proposals, reads and leadership transfers. */ readonly requestTimeoutUs: number;
  /** @internal */ readonly waiters: RequestWaiters;
  /** @internal */ readonly peers: PeerTracker;
  /** @internal */ readonly versions: VersionMonitor;
  /** @internal */ readonly watches: WatchHub;
  /** @internal */ readonly reads: ReadLoop;
  /** @internal */ readonly snapshots: SnapshotTransfers;
  /** @internal */ readonly loop: RaftLoop;
  /** @internal */ readonly applier: EntryApplier;
  /** @internal */ readonly publisher: Publisher;
  /** @internal */ readonly clients: ClientService;
  /** @internal */ readonly ops: MembershipRequests;
  /** @internal */ readonly peerPort: PeerPort;
  /** @internal */ readonly startup: MemberStartup;

  private running = true;
  private readonly ctx: ProcessContext;
  private readonly peerEndpoint: Endpoint;
  private readonly timers: GuestEvent[] = [];

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
    this.loop = new RaftLoop(this);
    this.waiters = new RequestWaiters(
      ctx.vm.guest,
      this.requestTimeoutUs,
      () => this.running,
      (startedAtUs) => this.loop.timeoutError(startedAtUs),
    );
    this.peers = new PeerTracker(this);
    this.versions = new VersionMonitor(this);
    this.watches = new WatchHub(this);
    this.applier = new EntryApplier(this);
    this.publisher = new Publisher(this);
    this.clients = new ClientService(this);
    this.ops = new MembershipRequests(this);
    this.startup = new MemberStartup(this);
    const member = this;
    this.reads = new ReadLoop(
      this,
      {
        requestReadIndex: (id) => member.clients.requestReadIndex(id),
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
          this.loop.process();
        },
        stepSnapshot: (m) =>
          this.guard(() => {
            this.raft?.step(m);
            this.loop.process();
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
    this.peerPort = new PeerPort(this);
    const peerPort = this.peerPort;
    this.peerEndpoint = this.network.listen(this.host, PEER_PORT, (m: PeerWire, from: string) =>
      peerPort.receive(m, from),
    );
    this.startup.start();
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
    return this.clients.ready;
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
    const host = this.peerPort.hostOf(to);
    if (host === undefined) return;
    this.network.send(this.host, host, PEER_PORT, message, bytes, {
      channel,
      ...(onRefused ? { onRefused } : {}),
    });
  }

  // ---------------------------------------------------------------- process timers and failures

  /** @internal Runs `fn` after `delayUs` of guest time while the process runs. */
  after(delayUs: number, fn: () => void): void {
    const ev = this.guest.after(delayUs, () => {
      if (this.running) fn();
    });
    if (this.timers.length > 64) this.pruneTimers();
    this.timers.push(ev);
  }

  /** @internal Runs `fn` every `periodUs` of guest time while the process runs. */
  every(periodUs: number, fn: () => void): void {
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

  /**
   * @internal Runs Raft work; a broken Raft assumption is etcd's `panic` (e.g. a member that lost
   * its data but kept its ID hears a commit index beyond its empty log: "tocommit(9) is out of
   * range [lastIndex(0)]. Was the raft log corrupted, truncated, or lost?"). The process dies and
   * systemd restarts it.
   */
  guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.panicked(e);
    }
  }

  /** @internal A Raft assertion failed: the process panics and exits (anything else is rethrown). */
  panicked(e: unknown): void {
    if (!(e instanceof RaftAssertionError)) throw e;
    if (!this.running) return;
    this.log.error("raft", `panic: ${e.message}`);
    this.exitWith(`panic: ${e.message}`);
  }

  // ---------------------------------------------------------------- membership, status and snapshot

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
        this.ops.transferTo(best, (done) => {
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

  /** @internal This member was removed from the cluster: it exits. */
  removed(): void {
    if (!this.running) return;
    this.log.error("etcdserver", "the member has been permanently removed from the cluster");
    this.log.error("etcdserver", "the data-dir used by this member must be removed");
    this.exitWith("removed from the cluster");
  }

  /** @internal An unrecoverable start-up error: log it and exit. */
  fatal(message: string): void {
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
    this.loop.stop();
    for (const t of this.timers) this.guest.cancel(t);
    this.timers.length = 0;
    this.waiters.clear();
    this.peerEndpoint.close();
    // The kernel closes the process's connections: clients see their streams and requests fail now.
    this.clients.close();
    this.observer.stopped(this, how);
  }
}

/**
 * An in-memory stand-in for an etcd cluster, for unit tests of the Kubernetes layer. Its one
 * keyspace is the members' own `MvccStore` (revisions, versions, txn compares, watch history), so
 * the semantics cannot drift from the real store; what is fake is the cluster around it: it answers
 * through the EtcdClient interface after a simulated latency, with no Raft. Members can be stopped and started; without a quorum of
 * started members it fails like etcd (etcd-raft.md §1.11): writes and linearizable reads time out
 * after ReqTimeout (7 s) with `etcdserver: request timed out`, serializable reads still answer, and
 * watches are cancelled with `etcdserver: no leader` after three election timeouts (3 s).
 * A client whose members are all stopped gets `unavailable` (connection refused).
 */
import type {
  Callback,
  Compare,
  DeleteResponse,
  EtcdClient,
  EtcdError,
  KeyValue,
  PutResponse,
  RangeOptions,
  RangeResponse,
  RequestOptions,
  TxnOp,
  TxnResponse,
  WatchCallbacks,
  WatchEvent,
  WatchHandle,
} from "../../src/etcd/client-api.js";
import { MvccStore, type StoreImage } from "../../src/etcd/mvcc.js";
import type { Simulation } from "../../src/sim/simulation.js";
import { SECOND } from "../../src/sim/time.js";

const TIMED_OUT: EtcdError = { code: "requestTimedOut", message: "etcdserver: request timed out" };
const NO_LEADER: EtcdError = { code: "noLeader", message: "etcdserver: no leader" };
const DEADLINE: EtcdError = { code: "deadlineExceeded", message: "context deadline exceeded" };
const REFUSED: EtcdError = {
  code: "unavailable",
  message: "dial tcp 127.0.0.1:2379: connect: connection refused",
};
const COMPACTED: EtcdError = { code: "compacted", message: "mvcc: required revision has been compacted" };

export interface FakeEtcdOptions {
  readonly members: readonly string[];
  /** One-way answer latency. Default 1 ms. */
  readonly latencyUs?: number;
  /** ReqTimeout. Default 7 s. */
  readonly requestTimeoutUs?: number;
  /** Delay before watches are cancelled without quorum. Default 3 s. */
  readonly noLeaderWatchCancelUs?: number;
  /** Watch history kept. Default 10 000 events. */
  readonly historyCapacity?: number;
}

interface Watcher {
  readonly key: string;
  readonly prefix: boolean;
  readonly member: string;
  readonly callbacks: WatchCallbacks;
  lastDeliveryUs: number;
  cancelled: boolean;
  cancelTimer: number;
}

/** A point-in-time copy (`etcdctl snapshot save`). */
export type FakeSnapshot = StoreImage;

/** A fake etcd cluster with one shared keyspace. */
export class FakeEtcdCluster {
  private readonly store: MvccStore;
  private readonly up = new Map<string, boolean>();
  private readonly watchers = new Set<Watcher>();
  private readonly latencyUs: number;
  private readonly requestTimeoutUs: number;
  private readonly cancelUs: number;
  /** Write transactions applied (successful puts/deletes), for tests. */
  commits = 0;

  constructor(
    private readonly sim: Simulation,
    options: FakeEtcdOptions,
  ) {
    for (const m of options.members) this.up.set(m, true);
    this.latencyUs = options.latencyUs ?? 1_000;
    this.requestTimeoutUs = options.requestTimeoutUs ?? 7 * SECOND;
    this.cancelUs = options.noLeaderWatchCancelUs ?? 3 * SECOND;
    this.store = new MvccStore(options.historyCapacity ?? 10_000);
  }

  /** The keyspace's current revision. */
  get revision(): number {
    return this.store.revision;
  }

  /** True when a majority of members is started. */
  hasQuorum(): boolean {
    let n = 0;
    for (const v of this.up.values()) if (v) n++;
    return n > this.up.size / 2;
  }

  /** Whether a member is started. */
  isUp(member: string): boolean {
    return this.up.get(member) === true;
  }

  /** Stops a member: its watches end at once; quorum may be lost. */
  stop(member: string): void {
    this.up.set(member, false);
    for (const w of [...this.watchers]) if (w.member === member) this.endWatch(w, REFUSED, 0);
    this.quorumChanged();
  }

  /** Starts a member again. */
  start(member: string): void {
    this.up.set(member, true);
    this.quorumChanged();
  }

  /** The current value of a key (test oracle, no latency). */
  peek(key: string): KeyValue | undefined {
    return this.store.getKey(key);
  }

  /** Every key with `prefix`, sorted (test oracle). */
  keys(prefix = ""): string[] {
    return this.store.range(prefix, true).kvs.map((kv) => kv.key);
  }

  /** `etcdctl snapshot save`. */
  snapshot(): FakeSnapshot {
    return this.store.image();
  }

  /** `etcdutl snapshot restore` + restart: the keyspace goes back; history and watches are gone. */
  restore(s: FakeSnapshot): void {
    this.store.restore(s);
    for (const w of [...this.watchers]) this.endWatch(w, COMPACTED, 0);
  }

  /** A client talking to `endpoints` (member names), like clientv3 with an endpoint list. */
  client(endpoints: readonly string[]): EtcdClient {
    return new FakeEtcdClient(this, endpoints);
  }

  // ---- used by the client ----------------------------------------------------------------------

  /** The first started member among `endpoints`. */
  pickMember(endpoints: readonly string[]): string | undefined {
    for (const e of endpoints) if (this.isUp(e)) return e;
    return undefined;
  }

  answer<T>(done: Callback<T>, value: T): void {
    this.sim.after(this.latencyUs, () => done({ ok: true, value }));
  }

  fail<T>(done: Callback<T>, error: EtcdError, afterUs: number): void {
    this.sim.after(afterUs, () => done({ ok: false, error }));
  }

  /** Runs `op` if the cluster can serve a quorum operation, else fails it like etcd. */
  quorumOp<T>(
    endpoints: readonly string[],
    options: RequestOptions | undefined,
    done: Callback<T>,
    op: () => T,
  ): void {
    const member = this.pickMember(endpoints);
    if (member === undefined) {
      this.fail(done, REFUSED, this.latencyUs);
      return;
    }
    const deadline = options?.timeoutUs;
    if (!this.hasQuorum()) {
      if (deadline !== undefined && deadline < this.requestTimeoutUs) this.fail(done, DEADLINE, deadline);
      else this.fail(done, TIMED_OUT, this.requestTimeoutUs);
      return;
    }
    this.answer(done, op());
  }

  range(key: string, options: RangeOptions | undefined): RangeResponse {
    return this.store.range(key, options?.prefix ?? false, options?.limit ?? 0);
  }

  txn(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[]): TxnResponse {
    const events: WatchEvent[] = [];
    const r = this.store.apply({ type: "txn", compares, success, failure }, events);
    if (events.length > 0) this.commit(this.store.revision, events);
    return r as TxnResponse;
  }

  watch(
    endpoints: readonly string[],
    key: string,
    options: { readonly prefix?: boolean; readonly fromRevision?: number },
    callbacks: WatchCallbacks,
  ): WatchHandle {
    const member = this.pickMember(endpoints) ?? endpoints[0] ?? "";
    const w: Watcher = {
      key,
      prefix: options.prefix ?? false,
      member,
      callbacks,
      lastDeliveryUs: 0,
      cancelled: false,
      cancelTimer: -1,
    };
    const handle: WatchHandle = {
      cancel: () => {
        w.cancelled = true;
        if (w.cancelTimer >= 0) this.sim.cancel(w.cancelTimer);
        this.watchers.delete(w);
      },
    };
    if (!this.isUp(member)) {
      this.endWatch(w, REFUSED, this.latencyUs);
      return handle;
    }
    if (!this.hasQuorum()) {
      this.endWatch(w, NO_LEADER, this.latencyUs);
      return handle;
    }
    this.watchers.add(w);
    const from = options.fromRevision ?? 0;
    if (from > 0 && from <= this.revision) {
      const past = this.store.eventsSince(from, (k) => (w.prefix ? k.startsWith(w.key) : k === w.key));
      if (past === "compacted") {
        this.endWatch(w, COMPACTED, this.latencyUs);
        return handle;
      }
      // One delivery per revision, as the events were committed.
      let i = 0;
      while (i < past.length) {
        const rev = past[i]!.kv.modRevision;
        let j = i;
        while (j < past.length && past[j]!.kv.modRevision === rev) j++;
        this.deliver(w, past.slice(i, j), rev);
        i = j;
      }
    }
    return handle;
  }

  // ---- internals -------------------------------------------------------------------------------

  private commit(rev: number, events: WatchEvent[]): void {
    this.commits++;
    for (const w of this.watchers) this.deliver(w, events, rev);
  }

  private deliver(w: Watcher, events: readonly WatchEvent[], rev: number): void {
    const matching = events.filter((e) => (w.prefix ? e.kv.key.startsWith(w.key) : e.kv.key === w.key));
    if (matching.length === 0) return;
    const at = Math.max(this.sim.now + this.latencyUs, w.lastDeliveryUs);
    w.lastDeliveryUs = at;
    this.sim.at(at, () => {
      if (!w.cancelled) w.callbacks.onEvents(matching, rev);
    });
  }

  private endWatch(w: Watcher, error: EtcdError, afterUs: number): void {
    this.watchers.delete(w);
    const at = Math.max(this.sim.now + afterUs, w.lastDeliveryUs);
    w.lastDeliveryUs = at;
    this.sim.at(at, () => {
      if (w.cancelled) return;
      w.cancelled = true;
      w.callbacks.onError(error);
    });
  }

  private quorumChanged(): void {
    const quorum = this.hasQuorum();
    for (const w of this.watchers) {
      if (quorum && w.cancelTimer >= 0) {
        this.sim.cancel(w.cancelTimer);
        w.cancelTimer = -1;
      } else if (!quorum && w.cancelTimer < 0) {
        w.cancelTimer = this.sim.after(this.cancelUs, () => {
          w.cancelTimer = -1;
          if (!this.hasQuorum() && this.watchers.has(w)) this.endWatch(w, NO_LEADER, 0);
        });
      }
    }
  }
}

class FakeEtcdClient implements EtcdClient {
  constructor(
    private readonly cluster: FakeEtcdCluster,
    private readonly endpoints: readonly string[],
  ) {}

  put(
    key: string,
    value: unknown,
    bytes: number,
    done: Callback<PutResponse>,
    options?: RequestOptions,
  ): void {
    this.cluster.quorumOp(this.endpoints, options, done, () => {
      const r = this.cluster.txn([], [{ type: "put", key, value, bytes }], []);
      return (r.responses[0] as { response: PutResponse }).response;
    });
  }

  get(key: string, done: Callback<RangeResponse>, options?: RangeOptions & RequestOptions): void {
    if (options?.serializable) {
      if (this.cluster.pickMember(this.endpoints) === undefined) this.cluster.fail(done, REFUSED, 1_000);
      else this.cluster.answer(done, this.cluster.range(key, options));
      return;
    }
    this.cluster.quorumOp(this.endpoints, options, done, () => this.cluster.range(key, options));
  }

  delete(
    key: string,
    done: Callback<DeleteResponse>,
    options?: { readonly prefix?: boolean } & RequestOptions,
  ): void {
    this.cluster.quorumOp(this.endpoints, options, done, () => {
      const r = this.cluster.txn([], [{ type: "delete", key, prefix: options?.prefix ?? false }], []);
      return (r.responses[0] as { response: DeleteResponse }).response;
    });
  }

  txn(
    compares: readonly Compare[],
    success: readonly TxnOp[],
    failure: readonly TxnOp[],
    done: Callback<TxnResponse>,
    options?: RequestOptions,
  ): void {
    this.cluster.quorumOp(this.endpoints, options, done, () => this.cluster.txn(compares, success, failure));
  }

  watch(
    key: string,
    options: { readonly prefix?: boolean; readonly fromRevision?: number },
    callbacks: WatchCallbacks,
  ): WatchHandle {
    return this.cluster.watch(this.endpoints, key, options, callbacks);
  }
}

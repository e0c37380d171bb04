/**
 * An in-memory stand-in for an etcd cluster, for unit tests of the Kubernetes layer. It keeps one
 * keyspace (revisions, versions, txn compares, watch history) and answers through the EtcdClient
 * interface after a simulated latency. Members can be stopped and started; without a quorum of
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
  TxnOpResponse,
  TxnResponse,
  WatchCallbacks,
  WatchEvent,
  WatchHandle,
} from "../../src/etcd/client-api.js";
import { compareKv } from "../../src/etcd/mvcc.js";
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
export interface FakeSnapshot {
  readonly revision: number;
  readonly kvs: ReadonlyMap<string, KeyValue>;
}

/** A fake etcd cluster with one shared keyspace. */
export class FakeEtcdCluster {
  revision = 1;
  private kvs = new Map<string, KeyValue>();
  private history: { rev: number; events: WatchEvent[] }[] = [];
  /** Events at or below this revision are no longer in history. */
  private compactedRev = 0;
  private readonly up = new Map<string, boolean>();
  private readonly watchers = new Set<Watcher>();
  private readonly latencyUs: number;
  private readonly requestTimeoutUs: number;
  private readonly cancelUs: number;
  private readonly historyCapacity: number;
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
    this.historyCapacity = options.historyCapacity ?? 10_000;
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
    return this.kvs.get(key);
  }

  /** Every key with `prefix`, sorted (test oracle). */
  keys(prefix = ""): string[] {
    return [...this.kvs.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  /** `etcdctl snapshot save`. */
  snapshot(): FakeSnapshot {
    return { revision: this.revision, kvs: new Map(this.kvs) };
  }

  /** `etcdutl snapshot restore` + restart: the keyspace goes back; history and watches are gone. */
  restore(s: FakeSnapshot): void {
    this.kvs = new Map(s.kvs);
    this.revision = s.revision;
    this.history = [];
    this.compactedRev = s.revision;
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
    let kvs: KeyValue[];
    if (options?.prefix) {
      kvs = [];
      for (const [k, v] of this.kvs) if (k.startsWith(key)) kvs.push(v);
      kvs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    } else {
      const v = this.kvs.get(key);
      kvs = v ? [v] : [];
    }
    const count = kvs.length;
    if (options?.limit !== undefined && options.limit > 0) kvs = kvs.slice(0, options.limit);
    return { kvs, revision: this.revision, count };
  }

  txn(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[]): TxnResponse {
    const ok = compares.every((c) => compareKv(this.kvs.get(c.key), c));
    const ops = ok ? success : failure;
    const writes = ops.some((o) => o.type !== "range");
    const rev = writes ? this.revision + 1 : this.revision;
    const events: WatchEvent[] = [];
    const responses: TxnOpResponse[] = ops.map((o) => {
      if (o.type === "range")
        return { type: "range", response: this.range(o.key, { prefix: o.prefix ?? false }) };
      if (o.type === "put") return { type: "put", response: this.put(o.key, o.value, o.bytes, rev, events) };
      return { type: "delete", response: this.del(o.key, o.prefix ?? false, rev, events) };
    });
    if (writes && events.length > 0) this.commit(rev, events);
    return { succeeded: ok, revision: this.revision, responses };
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
      if (from <= this.compactedRev) {
        this.endWatch(w, COMPACTED, this.latencyUs);
        return handle;
      }
      for (const h of this.history) if (h.rev >= from) this.deliver(w, h.events, h.rev);
    }
    return handle;
  }

  // ---- internals -------------------------------------------------------------------------------

  private put(key: string, value: unknown, bytes: number, rev: number, events: WatchEvent[]): PutResponse {
    const prev = this.kvs.get(key);
    const kv: KeyValue = {
      key,
      value,
      bytes,
      createRevision: prev?.createRevision ?? rev,
      modRevision: rev,
      version: (prev?.version ?? 0) + 1,
    };
    this.kvs.set(key, kv);
    events.push(prev ? { type: "put", kv, prevKv: prev } : { type: "put", kv });
    return prev ? { revision: rev, prevKv: prev } : { revision: rev };
  }

  private del(key: string, prefix: boolean, rev: number, events: WatchEvent[]): DeleteResponse {
    const gone: KeyValue[] = [];
    if (prefix) {
      for (const [k, v] of this.kvs) if (k.startsWith(key)) gone.push(v);
    } else {
      const v = this.kvs.get(key);
      if (v) gone.push(v);
    }
    for (const v of gone) {
      this.kvs.delete(v.key);
      events.push({ type: "delete", kv: { ...v, modRevision: rev, value: undefined }, prevKv: v });
    }
    return { revision: rev, deleted: gone.length, prevKvs: gone };
  }

  private commit(rev: number, events: WatchEvent[]): void {
    this.revision = rev;
    this.commits++;
    this.history.push({ rev, events });
    if (this.history.length > this.historyCapacity) this.compactedRev = this.history.shift()!.rev;
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

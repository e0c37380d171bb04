/**
 * The etcd v3 client API as quorate's layers use it (a subset of clientv3: Put, Range, DeleteRange,
 * Txn, Watch), event-driven: every call answers once through a callback in simulated time.
 *
 * Two implementations share this interface: the network client (requests travel to a member's
 * client port 2379 and take simulated time) used by the workload, kube-apiserver and operators,
 * and in-memory fakes for unit tests of the layers above. kube-apiserver in the stacked topology
 * gets a client with one endpoint, its local member (kubeadm sets
 * `--etcd-servers=https://127.0.0.1:2379`, capi-kube.md §5).
 *
 * Errors use etcd's own words (etcd-raft.md §1.11), e.g. `etcdserver: request timed out`.
 */
import type { Micros } from "../sim/time.js";

/** A key's current value and its MVCC revisions. */
export interface KeyValue {
  readonly key: string;
  /** Immutable (frozen) value; etcd stores bytes, the simulator stores the object. */
  readonly value: unknown;
  /** Size of the value as stored, for DB size and snapshot transfer times. */
  readonly bytes: number;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
}

/** Why a request failed. `message` is etcd's error string. */
export type EtcdErrorCode =
  /** No member answered (connection refused, member down, endpoint unreachable): gRPC Unavailable. */
  | "unavailable"
  /** The client's own deadline passed (context deadline exceeded). */
  | "deadlineExceeded"
  /** `etcdserver: request timed out` (server ReqTimeout, 5 s + 2 × election timeout). */
  | "requestTimedOut"
  /** `etcdserver: no leader`. */
  | "noLeader"
  /** `etcdserver: leader changed`. */
  | "leaderChanged"
  /** `etcdserver: request timed out, possibly due to previous leader failure`. */
  | "timeoutDueToLeaderFail"
  /** `etcdserver: raft proposal dropped`. */
  | "proposalDropped"
  /** `mvcc: required revision has been compacted`. */
  | "compacted"
  /** Membership errors: `etcdserver: unhealthy cluster`, `re-configuration failed due to not enough started members`, … */
  | "reconfig"
  /** Anything else, e.g. `etcdserver: too many learner members in cluster`. */
  | "other";

export interface EtcdError {
  readonly code: EtcdErrorCode;
  readonly message: string;
  /**
   * For a request that got no answer (deadline, reset): the endpoint it was waiting on, so a
   * measuring client can tell one unreachable endpoint from all of them failing.
   */
  readonly endpoint?: string;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: EtcdError };
export type Callback<T> = (result: Result<T>) => void;

export interface PutResponse {
  /** The store's revision after the put. */
  readonly revision: number;
  readonly prevKv?: KeyValue;
}

export interface RangeResponse {
  readonly kvs: readonly KeyValue[];
  /** The store's revision at the time of the read. */
  readonly revision: number;
  /** Number of keys in the range (before `limit`). */
  readonly count: number;
}

export interface DeleteResponse {
  readonly revision: number;
  readonly deleted: number;
  readonly prevKvs: readonly KeyValue[];
}

/** A Txn comparison (`mod_revision("k") = 5`, `version("k") = 0` for "does not exist"). */
export interface Compare {
  readonly key: string;
  readonly target: "version" | "createRevision" | "modRevision" | "value";
  readonly op: "=" | "!=" | "<" | ">";
  readonly operand: unknown;
}

export type TxnOp =
  | { readonly type: "put"; readonly key: string; readonly value: unknown; readonly bytes: number }
  | { readonly type: "delete"; readonly key: string; readonly prefix?: boolean }
  | { readonly type: "range"; readonly key: string; readonly prefix?: boolean };

export type TxnOpResponse =
  | { readonly type: "put"; readonly response: PutResponse }
  | { readonly type: "delete"; readonly response: DeleteResponse }
  | { readonly type: "range"; readonly response: RangeResponse };

export interface TxnResponse {
  readonly succeeded: boolean;
  readonly revision: number;
  readonly responses: readonly TxnOpResponse[];
}

export interface RangeOptions {
  /** Every key with this prefix. */
  readonly prefix?: boolean;
  /** Served from the member's local state without consensus (may be stale). Default false. */
  readonly serializable?: boolean;
  readonly limit?: number;
  /** Only keys and revisions (etcdctl --keys-only). */
  readonly keysOnly?: boolean;
}

export interface RequestOptions {
  /** Client-side deadline for this call; default the client's request timeout. */
  readonly timeoutUs?: Micros;
}

export interface WatchEvent {
  readonly type: "put" | "delete";
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
}

export interface WatchHandle {
  cancel(): void;
}

/** What a watcher is told. A watch ends after `onError` (etcd cancels watches without a leader). */
export interface WatchCallbacks {
  onEvents(events: readonly WatchEvent[], revision: number): void;
  onError(error: EtcdError): void;
}

/** The client API. Every callback runs exactly once (watch callbacks: until cancelled or failed). */
export interface EtcdClient {
  put(
    key: string,
    value: unknown,
    bytes: number,
    done: Callback<PutResponse>,
    options?: RequestOptions,
  ): void;
  get(key: string, done: Callback<RangeResponse>, options?: RangeOptions & RequestOptions): void;
  delete(
    key: string,
    done: Callback<DeleteResponse>,
    options?: { readonly prefix?: boolean } & RequestOptions,
  ): void;
  txn(
    compares: readonly Compare[],
    success: readonly TxnOp[],
    failure: readonly TxnOp[],
    done: Callback<TxnResponse>,
    options?: RequestOptions,
  ): void;
  /** Watches a key or prefix from `fromRevision` (0: from now). */
  watch(
    key: string,
    options: { readonly prefix?: boolean; readonly fromRevision?: number },
    callbacks: WatchCallbacks,
  ): WatchHandle;
}

/**
 * The MVCC keyspace of one member (etcd `server/storage/mvcc`, ../shared/reference/etcd-raft.md
 * and etcd's API guarantees): a global revision that every write transaction increases by one, each
 * key's create/mod revision and version, range reads (one key or a prefix), delete, and
 * transactions with compare-and-swap. Watches need recent history, so the store keeps the last
 * events in a ring; asking for anything older is `mvcc: required revision has been compacted`.
 *
 * Simplifications (docs/etcd.md): no multi-version reads at a past revision; history is a bounded
 * ring instead of compaction by revision; leases and sub-revisions are not modelled.
 *
 * The store also remembers which workload writes it has applied (their sequence numbers, as
 * ranges): this is what the lost-write check compares against. It travels with snapshots and
 * backups exactly like the data it describes.
 */
import type {
  Compare,
  DeleteResponse,
  KeyValue,
  PutResponse,
  RangeResponse,
  TxnOp,
  TxnOpResponse,
  TxnResponse,
  WatchEvent,
} from "./client-api.js";
import { SeqSet } from "./seq-set.js";

/** The value the client workload writes: its sequence number, so lost writes can be found. */
export class WorkloadValue {
  constructor(readonly seq: number) {
    Object.freeze(this);
  }
}

/** A write applied through Raft. */
export type WriteOp =
  | { readonly type: "put"; readonly key: string; readonly value: unknown; readonly bytes: number }
  | { readonly type: "delete"; readonly key: string; readonly prefix: boolean }
  | {
      readonly type: "txn";
      readonly compares: readonly Compare[];
      readonly success: readonly TxnOp[];
      readonly failure: readonly TxnOp[];
    };

/** What applying a write returns. */
export type WriteResult = PutResponse | DeleteResponse | TxnResponse;

/** A point-in-time copy of the keyspace (snapshot data, backup file contents). Never mutated. */
export interface StoreImage {
  readonly revision: number;
  readonly kvs: ReadonlyMap<string, KeyValue>;
  readonly dataBytes: number;
  readonly appliedWrites: SeqSet;
}

/** Approximate stored bytes of a key: its name plus the revision bookkeeping bbolt keeps. */
function keyBytes(key: string): number {
  return key.length + 32;
}

/** One member's keyspace. */
export class MvccStore {
  private rev = 1;
  private kvs: Map<string, KeyValue> = new Map();
  private bytes = 0;
  private applied = new SeqSet();
  /** Watch history ring. */
  private readonly histRev: number[] = [];
  private readonly histEvent: WatchEvent[] = [];
  private histHead = 0;
  private histCount = 0;
  /** Every event at a revision ≤ this has fallen out of history. */
  private compactedRev = 0;

  constructor(private readonly historyCapacity = 10_000) {}

  /** The current revision (etcd's `header.revision`). */
  get revision(): number {
    return this.rev;
  }

  /** Bytes of keys and values stored (without the database's fixed overhead). */
  get dataBytes(): number {
    return this.bytes;
  }

  /** Number of keys. */
  get keyCount(): number {
    return this.kvs.size;
  }

  /** Workload writes this store reflects. */
  get appliedWrites(): SeqSet {
    return this.applied;
  }

  /** The oldest revision a watch may start from (older ones are compacted). */
  get oldestWatchableRevision(): number {
    return this.compactedRev + 1;
  }

  /** Current value of `key`. */
  getKey(key: string): KeyValue | undefined {
    return this.kvs.get(key);
  }

  /** Reads one key or a prefix, keys sorted as etcd returns them. */
  range(key: string, prefix = false, limit = 0, keysOnly = false): RangeResponse {
    let kvs: KeyValue[];
    if (!prefix) {
      const kv = this.kvs.get(key);
      kvs = kv ? [kv] : [];
    } else {
      kvs = [];
      for (const [k, kv] of this.kvs) if (k.startsWith(key)) kvs.push(kv);
      kvs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    const count = kvs.length;
    if (limit > 0 && kvs.length > limit) kvs = kvs.slice(0, limit);
    if (keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: undefined, bytes: 0 }));
    return { kvs, revision: this.rev, count };
  }

  /** Applies a write; `events` receives the watch events it produced. */
  apply(op: WriteOp, events: WatchEvent[]): WriteResult {
    switch (op.type) {
      case "put": {
        const rev = this.rev + 1;
        const prev = this.putAt(op.key, op.value, op.bytes, rev, events);
        this.rev = rev;
        return prev ? { revision: rev, prevKv: prev } : { revision: rev };
      }
      case "delete": {
        const rev = this.rev + 1;
        const prevKvs = this.deleteAt(op.key, op.prefix, rev, events);
        if (prevKvs.length > 0) this.rev = rev;
        return { revision: this.rev, deleted: prevKvs.length, prevKvs };
      }
      case "txn":
        return this.txn(op.compares, op.success, op.failure, events);
    }
  }

  private txn(
    compares: readonly Compare[],
    success: readonly TxnOp[],
    failure: readonly TxnOp[],
    events: WatchEvent[],
  ): TxnResponse {
    const succeeded = compares.every((c) => compareKv(this.kvs.get(c.key), c));
    const ops = succeeded ? success : failure;
    const rev = this.rev + 1;
    let wrote = false;
    const responses: TxnOpResponse[] = [];
    for (const op of ops) {
      switch (op.type) {
        case "put": {
          const prev = this.putAt(op.key, op.value, op.bytes, rev, events);
          wrote = true;
          responses.push({
            type: "put",
            response: prev ? { revision: rev, prevKv: prev } : { revision: rev },
          });
          break;
        }
        case "delete": {
          const prevKvs = this.deleteAt(op.key, op.prefix ?? false, rev, events);
          if (prevKvs.length > 0) wrote = true;
          responses.push({ type: "delete", response: { revision: rev, deleted: prevKvs.length, prevKvs } });
          break;
        }
        case "range":
          responses.push({ type: "range", response: this.range(op.key, op.prefix ?? false) });
          break;
      }
    }
    if (wrote) this.rev = rev;
    return { succeeded, revision: this.rev, responses };
  }

  private putAt(
    key: string,
    value: unknown,
    bytes: number,
    rev: number,
    events: WatchEvent[],
  ): KeyValue | undefined {
    const prev = this.kvs.get(key);
    const kv: KeyValue = {
      key,
      value,
      bytes,
      createRevision: prev ? prev.createRevision : rev,
      modRevision: rev,
      version: prev ? prev.version + 1 : 1,
    };
    this.kvs.set(key, kv);
    this.bytes += bytes - (prev ? prev.bytes : -keyBytes(key));
    if (value instanceof WorkloadValue) this.applied.add(value.seq);
    const ev: WatchEvent = prev ? { type: "put", kv, prevKv: prev } : { type: "put", kv };
    this.record(rev, ev);
    events.push(ev);
    return prev;
  }

  private deleteAt(key: string, prefix: boolean, rev: number, events: WatchEvent[]): KeyValue[] {
    const victims: KeyValue[] = [];
    if (!prefix) {
      const kv = this.kvs.get(key);
      if (kv) victims.push(kv);
    } else {
      for (const [k, kv] of this.kvs) if (k.startsWith(key)) victims.push(kv);
      victims.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    for (const kv of victims) {
      this.kvs.delete(kv.key);
      this.bytes -= kv.bytes + keyBytes(kv.key);
      const tomb: KeyValue = {
        key: kv.key,
        value: undefined,
        bytes: 0,
        createRevision: 0,
        modRevision: rev,
        version: 0,
      };
      const ev: WatchEvent = { type: "delete", kv: tomb, prevKv: kv };
      this.record(rev, ev);
      events.push(ev);
    }
    return victims;
  }

  private record(rev: number, ev: WatchEvent): void {
    const cap = this.historyCapacity;
    if (cap <= 0) {
      this.compactedRev = rev;
      return;
    }
    if (this.histCount < cap) {
      this.histRev.push(rev);
      this.histEvent.push(ev);
      this.histCount++;
      return;
    }
    const dropped = this.histRev[this.histHead]!;
    if (dropped > this.compactedRev) this.compactedRev = dropped;
    this.histRev[this.histHead] = rev;
    this.histEvent[this.histHead] = ev;
    this.histHead = (this.histHead + 1) % cap;
  }

  /**
   * Events with revision ≥ `fromRevision` whose key matches, oldest first; or "compacted" when
   * part of that history is gone.
   */
  eventsSince(fromRevision: number, match: (key: string) => boolean): WatchEvent[] | "compacted" {
    if (fromRevision <= this.compactedRev) return "compacted";
    const out: WatchEvent[] = [];
    const n = this.histCount;
    const cap = this.histRev.length;
    for (let i = 0; i < n; i++) {
      const at = (this.histHead + i) % cap;
      if (this.histRev[at]! >= fromRevision) {
        const ev = this.histEvent[at]!;
        if (match(ev.kv.key)) out.push(ev);
      }
    }
    return out;
  }

  /** A copy of the keyspace (the store may change afterwards; the image never does). */
  image(): StoreImage {
    return Object.freeze({
      revision: this.rev,
      kvs: new Map(this.kvs),
      dataBytes: this.bytes,
      appliedWrites: this.applied.clone(),
    });
  }

  /**
   * Replaces the whole keyspace by an image (a snapshot from the leader, a restored backup). The
   * history before it is gone: watches must start at the image's revision or later.
   */
  restore(image: StoreImage): void {
    this.rev = image.revision;
    this.kvs = new Map(image.kvs);
    this.bytes = image.dataBytes;
    this.applied = image.appliedWrites.clone();
    this.histRev.length = 0;
    this.histEvent.length = 0;
    this.histHead = 0;
    this.histCount = 0;
    this.compactedRev = image.revision;
  }
}

/** An empty keyspace image (a new cluster). */
export function emptyImage(): StoreImage {
  return Object.freeze({ revision: 1, kvs: new Map(), dataBytes: 0, appliedWrites: new SeqSet() });
}

/**
 * One Txn comparison against a key's current value (etcd's `Compare`): version, create and mod
 * revisions of a missing key are 0; a missing key never matches a value comparison.
 */
export function compareKv(kv: KeyValue | undefined, c: Compare): boolean {
  let actual: unknown;
  switch (c.target) {
    case "version":
      actual = kv?.version ?? 0;
      break;
    case "createRevision":
      actual = kv?.createRevision ?? 0;
      break;
    case "modRevision":
      actual = kv?.modRevision ?? 0;
      break;
    case "value":
      if (kv === undefined) return false;
      actual = kv.value;
      break;
  }
  switch (c.op) {
    case "=":
      return actual === c.operand;
    case "!=":
      return actual !== c.operand;
    case "<":
      return (actual as number) < (c.operand as number);
    case ">":
      return (actual as number) > (c.operand as number);
  }
}

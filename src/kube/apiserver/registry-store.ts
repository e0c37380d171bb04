/**
 * kube-apiserver's storage layer over etcd (k8s.io/apiserver `pkg/storage/etcd3/store.go`): objects
 * live at their registry key, their resourceVersion is the key's mod_revision, and every write is an
 * etcd transaction that compares revisions, so concurrent writers cannot overwrite each other:
 *
 * - create: `txn(version(key) = 0) put` — else 409 AlreadyExists;
 * - update: `txn(mod_revision(key) = rv) put` — else 409 Conflict (optimistic concurrency);
 * - guaranteed update (patches, bindings, graceful deletes): read, mutate, `txn(mod_revision = seen)
 *   put else get`, and retry with the fresh object when another write got in between;
 * - delete: `txn(mod_revision = seen) delete`, with an optional uid precondition.
 *
 * Reads always set resourceVersion from the key's mod_revision, whatever the stored value carries
 * (the apiserver clears it before storage; the model saves that copy on updates, the hot path). Each call passes the request's remaining time to etcd as its deadline, so a
 * request never outlives `--request-timeout`.
 */
import type { EtcdClient, KeyValue, Result, TxnResponse } from "../../etcd/client-api.js";
import type { Micros } from "../../sim/time.js";
import {
  type ApiStatus,
  alreadyExists,
  CREATED,
  conflict,
  fromEtcdError,
  notFound,
  OK,
} from "../api/status.js";
import type { AnyObject } from "../objects/index.js";
import { listPrefix, type ResourceInfo, resourceOfKind, storageKey } from "../storage/resources.js";

/** A store call's outcome: a status, and the object or list when it succeeded. */
export interface StoreResult {
  readonly status: ApiStatus;
  readonly object?: AnyObject;
  readonly items?: readonly AnyObject[];
  /** The etcd revision the answer reflects. */
  readonly revision?: number;
}

/** Mutation for a guaranteed update: the new object, undefined for "no change", or a refusal. */
export type Mutation = (current: AnyObject) => AnyObject | undefined | ApiStatus;

/** Retries of a guaranteed update before giving up with the conflict (a bound; real code loops). */
const MAX_GUARANTEED_UPDATE_ATTEMPTS = 5;

/** The object with `resourceVersion` set (a shallow copy; the rest is shared). */
export function withResourceVersion<T extends AnyObject>(obj: T, rv: number): T {
  if (obj.metadata.resourceVersion === rv) return obj;
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: rv } };
}

/** The object as stored in a key-value pair, with its resourceVersion. */
export function decode(kv: KeyValue): AnyObject {
  return withResourceVersion(kv.value as AnyObject, kv.modRevision);
}

function isStatus(x: AnyObject | ApiStatus | undefined): x is ApiStatus {
  return x !== undefined && (x as ApiStatus).code !== undefined && (x as AnyObject).metadata === undefined;
}

/** Storage for every resource of one apiserver, over its etcd client. */
export class RegistryStore {
  constructor(private readonly etcd: EtcdClient) {}

  /** Quorum read of one object. */
  get(
    info: ResourceInfo,
    namespace: string,
    name: string,
    timeoutUs: Micros,
    done: (r: StoreResult) => void,
  ): void {
    const key = storageKey(info, namespace, name);
    this.etcd.get(
      key,
      (r) => {
        if (!r.ok) return done({ status: fromEtcdError(r.error) });
        const kv = r.value.kvs[0];
        if (!kv) return done({ status: notFound(info.resource, name), revision: r.value.revision });
        done({ status: OK, object: decode(kv), revision: r.value.revision });
      },
      { timeoutUs },
    );
  }

  /** Quorum read of a whole resource or namespace. */
  list(
    info: ResourceInfo,
    namespace: string | undefined,
    timeoutUs: Micros,
    done: (r: StoreResult) => void,
  ): void {
    this.etcd.get(
      listPrefix(info, namespace),
      (r) => {
        if (!r.ok) return done({ status: fromEtcdError(r.error) });
        const items = r.value.kvs.map(decode);
        done({ status: OK, items, revision: r.value.revision });
      },
      { prefix: true, timeoutUs },
    );
  }

  /** Creates `obj` if its key is free. */
  create(obj: AnyObject, timeoutUs: Micros, done: (r: StoreResult) => void): void {
    const info = resourceOfKind(obj.kind);
    const key = storageKey(info, obj.metadata.namespace, obj.metadata.name);
    const stored = withResourceVersion(obj, 0);
    this.etcd.txn(
      [{ key, target: "version", op: "=", operand: 0 }],
      [{ type: "put", key, value: stored, bytes: info.bytes }],
      [],
      (r) => {
        if (!r.ok) return done({ status: fromEtcdError(r.error) });
        if (!r.value.succeeded) return done({ status: alreadyExists(info.resource, obj.metadata.name) });
        done({
          status: CREATED,
          object: withResourceVersion(stored, r.value.revision),
          revision: r.value.revision,
        });
      },
      { timeoutUs },
    );
  }

  /** Replaces the object if it still has `obj.metadata.resourceVersion` (409 Conflict otherwise). */
  update(obj: AnyObject, timeoutUs: Micros, done: (r: StoreResult) => void): void {
    const info = resourceOfKind(obj.kind);
    const key = storageKey(info, obj.metadata.namespace, obj.metadata.name);
    const rv = obj.metadata.resourceVersion;
    const stored = obj;
    this.etcd.txn(
      [{ key, target: "modRevision", op: "=", operand: rv }],
      [{ type: "put", key, value: stored, bytes: info.bytes }],
      [{ type: "range", key }],
      (r) => {
        if (!r.ok) return done({ status: fromEtcdError(r.error) });
        if (!r.value.succeeded) {
          const exists = rangeResult(r.value) !== undefined;
          return done({
            status: exists
              ? conflict(info.resource, obj.metadata.name)
              : notFound(info.resource, obj.metadata.name),
          });
        }
        done({
          status: OK,
          object: withResourceVersion(stored, r.value.revision),
          revision: r.value.revision,
        });
      },
      { timeoutUs },
    );
  }

  /**
   * Read-modify-write with retries: starts from `guess` (the watch cache's copy) when given, as the
   * real store does, and re-reads from etcd whenever the revision moved.
   */
  guaranteedUpdate(
    info: ResourceInfo,
    namespace: string,
    name: string,
    mutate: Mutation,
    guess: AnyObject | undefined,
    timeoutUs: Micros,
    done: (r: StoreResult) => void,
  ): void {
    const key = storageKey(info, namespace, name);
    const attempt = (current: AnyObject | undefined, left: number): void => {
      if (current === undefined) {
        this.get(info, namespace, name, timeoutUs, (r) => {
          if (!r.object) return done(r);
          attempt(r.object, left);
        });
        return;
      }
      const next = mutate(current);
      if (isStatus(next)) {
        done({ status: next });
        return;
      }
      if (next === undefined) {
        done({ status: OK, object: current });
        return;
      }
      const stored = next;
      this.etcd.txn(
        [{ key, target: "modRevision", op: "=", operand: current.metadata.resourceVersion }],
        [{ type: "put", key, value: stored, bytes: info.bytes }],
        [{ type: "range", key }],
        (r) => {
          if (!r.ok) return done({ status: fromEtcdError(r.error) });
          if (r.value.succeeded) {
            return done({
              status: OK,
              object: withResourceVersion(stored, r.value.revision),
              revision: r.value.revision,
            });
          }
          const fresh = rangeResult(r.value);
          if (fresh === undefined) return done({ status: notFound(info.resource, name) });
          if (left <= 1) return done({ status: conflict(info.resource, name) });
          attempt(decode(fresh), left - 1);
        },
        { timeoutUs },
      );
    };
    attempt(guess, MAX_GUARANTEED_UPDATE_ATTEMPTS);
  }

  /**
   * Removes the object. With `expected`, only if it is still that revision; with `uid`, only if it
   * is still that object (metav1.Preconditions).
   */
  delete(
    info: ResourceInfo,
    namespace: string,
    name: string,
    preconditions: { readonly uid?: string; readonly current?: AnyObject },
    timeoutUs: Micros,
    done: (r: StoreResult) => void,
  ): void {
    const key = storageKey(info, namespace, name);
    const run = (current: AnyObject): void => {
      if (preconditions.uid !== undefined && preconditions.uid !== current.metadata.uid) {
        done({ status: conflict(info.resource, name) });
        return;
      }
      this.etcd.txn(
        [{ key, target: "modRevision", op: "=", operand: current.metadata.resourceVersion }],
        [{ type: "delete", key }],
        [{ type: "range", key }],
        (r: Result<TxnResponse>) => {
          if (!r.ok) return done({ status: fromEtcdError(r.error) });
          if (r.value.succeeded) return done({ status: OK, object: current, revision: r.value.revision });
          const fresh = rangeResult(r.value);
          if (fresh === undefined) return done({ status: notFound(info.resource, name) });
          run(decode(fresh));
        },
        { timeoutUs },
      );
    };
    if (preconditions.current) {
      run(preconditions.current);
      return;
    }
    this.get(info, namespace, name, timeoutUs, (r) => {
      if (!r.object) return done(r);
      run(r.object);
    });
  }
}

/** The key-value pair a failed txn's `range` op read, if the key exists. */
function rangeResult(t: TxnResponse): KeyValue | undefined {
  const op = t.responses[0];
  return op?.type === "range" ? op.response.kvs[0] : undefined;
}

/**
 * kube-apiserver's watch cache for one resource (k8s.io/apiserver `pkg/storage/cacher`): it lists the
 * resource's prefix from etcd, then follows an etcd watch, keeping every object and a window of
 * recent events in memory. Informers list with `resourceVersion=0` and watch from the cache, so
 * most reads never touch etcd.
 *
 * When the etcd watch breaks the cacher reacts as upstream does (`Cacher.startCaching`: when the
 * reflector's ListAndWatch returns, the cache is marked not ready and all watchers are terminated,
 * then it relists): for errors etcd sends on the watch stream (`etcdserver: no leader` when quorum is
 * lost, `compacted`), the cache goes *pending*, ends every watch and relists with back-off. A plain
 * connection failure to the member (member stopped, port unreachable) is retried inside the etcd
 * client (clientv3 re-dials a broken watch stream unless the error is a halting one), so the cache
 * stays ready with its last contents and keeps serving `resourceVersion=0` reads — stale — while
 * writes and quorum reads fail.
 */
import type { EtcdClient, EtcdError, KeyValue, WatchEvent, WatchHandle } from "../../etcd/client-api.js";
import type { Micros } from "../../sim/time.js";
import { SECOND } from "../../sim/time.js";
import type { ApiWatchEvent, WatchEventType } from "../api/request.js";
import { type ApiStatus, gone, OK, tooLargeResourceVersion, tooManyRequests } from "../api/status.js";
import type { AnyObject } from "../objects/index.js";
import type { Pod } from "../objects/pod.js";
import type { ResourceInfo } from "../storage/resources.js";
import { decode, withResourceVersion } from "./registry-store.js";

/** What a watcher wants to see. */
export interface WatchFilter {
  readonly namespace?: string;
  /** fieldSelector spec.nodeName (pods). */
  readonly nodeName?: string;
  /** fieldSelector metadata.name. */
  readonly name?: string;
}

/** Where a watcher's events go. */
export interface WatchSink {
  events(events: readonly ApiWatchEvent[]): void;
  /** The watch ended (cache went pending, apiserver stopping). */
  ended(status: ApiStatus): void;
}

/** A registered watcher; `stop` unregisters it. */
export interface CacheWatch {
  stop(): void;
}

/** Timers the cache needs, bound to the apiserver process (they die with it). */
export interface CacheClock {
  readonly now: Micros;
  after(delayUs: Micros, fn: () => void): void;
}

/** Something told about every change the cache sees (the run's observer). */
export interface CacheListener {
  /** Whether it wants this resource's changes at all (objects are decoded only for someone). */
  wants?(info: ResourceInfo): boolean;
  changed(info: ResourceInfo, type: WatchEventType, object: AnyObject, revision: number): void;
  replaced(info: ResourceInfo, items: readonly AnyObject[], revision: number): void;
}

/**
 * One stored version of an object, decoded from its key-value pair only when someone reads it:
 * most changes (node lease renewals) are never read from two of the three apiservers' caches.
 */
class Slot {
  private obj: AnyObject | undefined;

  constructor(
    private readonly kv: KeyValue | undefined,
    private readonly deletedFrom?: Slot,
    private readonly deletedAt = 0,
  ) {}

  get object(): AnyObject {
    if (this.obj === undefined) {
      this.obj = this.kv ? decode(this.kv) : withResourceVersion(this.deletedFrom!.object, this.deletedAt);
    }
    return this.obj;
  }
}

interface CacheEvent {
  readonly revision: number;
  readonly type: WatchEventType;
  readonly slot: Slot;
  readonly prev: Slot | undefined;
}

interface Watcher {
  readonly filter: WatchFilter;
  readonly sink: WatchSink;
  active: boolean;
}

const RETRY_MIN_US = SECOND;
const RETRY_MAX_US = 30 * SECOND;

/** Events kept for watches that start in the past (the real window is sized dynamically; a bound). */
export const WATCH_CACHE_HISTORY = 1_000;

/** The watch cache of one resource on one apiserver. */
export class WatchCache {
  private readyState = false;
  private readonly objects = new Map<string, Slot>();
  private rev = 0;
  /** Recent events: `history[historyStart..]` (the window); older entries await compaction. */
  private history: CacheEvent[] = [];
  private historyStart = 0;
  private oldestRev = 0;
  private readonly watchers = new Set<Watcher>();
  private etcdWatch: WatchHandle | undefined;
  private stopped = false;
  private retryUs = RETRY_MIN_US;
  private epoch = 0;

  constructor(
    readonly info: ResourceInfo,
    private readonly etcd: EtcdClient,
    private readonly clock: CacheClock,
    private readonly listener: CacheListener | undefined,
  ) {}

  /** True once listed and while following etcd (may be stale when etcd is unreachable). */
  get ready(): boolean {
    return this.readyState;
  }

  /** The newest revision the cache has seen. */
  get revision(): number {
    return this.rev;
  }

  /** Starts the first list. */
  start(): void {
    this.relist();
  }

  /** Stops following etcd and ends every watch. */
  stop(): void {
    this.stopped = true;
    this.etcdWatch?.cancel();
    this.etcdWatch = undefined;
    this.terminateWatchers(OK);
  }

  /** One object by key (namespace/name or name). */
  get(key: string): AnyObject | undefined {
    return this.objects.get(key)?.object;
  }

  /** Every object matching the filter, in key order of the last list then arrival order. */
  list(filter: WatchFilter): AnyObject[] {
    const out: AnyObject[] = [];
    for (const slot of this.objects.values()) {
      const o = slot.object;
      if (matches(o, filter)) out.push(o);
    }
    return out;
  }

  /**
   * Registers a watcher for events after `fromRv` (0: from now). 410 Gone when `fromRv` is older
   * than the window, 429 while the cache is pending.
   */
  watch(fromRv: number, filter: WatchFilter, sink: WatchSink): { status: ApiStatus; watch?: CacheWatch } {
    if (!this.readyState) return { status: tooManyRequests() };
    if (fromRv > 0 && fromRv < this.oldestRev) return { status: gone(fromRv, this.oldestRev) };
    // A version the cache has not reached (an etcd restore took the store back in time): the real
    // cacher waits up to 3 s for it, then answers "Too large resource version".
    if (fromRv > this.rev) return { status: tooLargeResourceVersion(fromRv, this.rev) };
    const w: Watcher = { filter, sink, active: true };
    if (fromRv > 0 && fromRv < this.rev) {
      const replay: ApiWatchEvent[] = [];
      for (let i = this.historyStart; i < this.history.length; i++) {
        const e = this.history[i]!;
        if (e.revision <= fromRv) continue;
        const ev = translate(e, filter);
        if (ev) replay.push(ev);
      }
      if (replay.length > 0) sink.events(replay);
    }
    this.watchers.add(w);
    return {
      status: OK,
      watch: {
        stop: () => {
          w.active = false;
          this.watchers.delete(w);
        },
      },
    };
  }

  /** Number of registered watchers (for tests and metrics). */
  get watcherCount(): number {
    return this.watchers.size;
  }

  // ---- internals -------------------------------------------------------------------------------

  private relist(): void {
    if (this.stopped) return;
    const epoch = ++this.epoch;
    this.etcd.get(
      this.info.prefix,
      (r) => {
        if (this.stopped || epoch !== this.epoch) return;
        if (!r.ok) return this.retryLater(() => this.relist());
        this.objects.clear();
        const notify = this.listener !== undefined && (this.listener.wants?.(this.info) ?? true);
        const items: AnyObject[] = [];
        for (const kv of r.value.kvs) {
          const slot = new Slot(kv);
          this.objects.set(keyFromStorageKey(kv.key, this.info), slot);
          if (notify) items.push(slot.object);
        }
        this.rev = r.value.revision;
        this.history = [];
        this.historyStart = 0;
        this.oldestRev = this.rev;
        this.readyState = true;
        this.retryUs = RETRY_MIN_US;
        if (notify) this.listener?.replaced(this.info, items, this.rev);
        this.follow();
      },
      { prefix: true },
    );
  }

  private follow(): void {
    if (this.stopped) return;
    const epoch = this.epoch;
    this.etcdWatch = this.etcd.watch(
      this.info.prefix,
      { prefix: true, fromRevision: this.rev + 1 },
      {
        onEvents: (events, revision) => {
          if (this.stopped || epoch !== this.epoch) return;
          this.retryUs = RETRY_MIN_US;
          this.apply(events, revision);
        },
        onError: (error) => {
          if (this.stopped || epoch !== this.epoch) return;
          this.etcdWatch = undefined;
          this.watchFailed(error);
        },
      },
    );
  }

  private watchFailed(error: EtcdError): void {
    if (error.code === "unavailable" || error.code === "deadlineExceeded") {
      // The client re-dials: the cache keeps its contents and stays ready.
      this.retryLater(() => this.follow());
      return;
    }
    this.readyState = false;
    this.terminateWatchers(tooManyRequests());
    this.retryLater(() => this.relist());
  }

  private retryLater(fn: () => void): void {
    const delay = this.retryUs;
    this.retryUs = Math.min(this.retryUs * 2, RETRY_MAX_US);
    this.clock.after(delay, () => {
      if (!this.stopped) fn();
    });
  }

  private apply(events: readonly WatchEvent[], revision: number): void {
    const batch: CacheEvent[] = [];
    for (const e of events) {
      const key = keyFromStorageKey(e.kv.key, this.info);
      const prev = this.objects.get(key);
      if (e.type === "delete") {
        if (!prev) continue;
        this.objects.delete(key);
        const slot = new Slot(undefined, prev, e.kv.modRevision);
        batch.push({ revision: e.kv.modRevision, type: "DELETED", slot, prev });
      } else {
        const slot = new Slot(e.kv);
        this.objects.set(key, slot);
        batch.push({ revision: e.kv.modRevision, type: prev ? "MODIFIED" : "ADDED", slot, prev });
      }
    }
    this.rev = Math.max(this.rev, revision);
    const notify = this.listener !== undefined && (this.listener.wants?.(this.info) ?? true);
    for (const e of batch) {
      this.history.push(e);
      if (notify) this.listener?.changed(this.info, e.type, e.slot.object, e.revision);
    }
    // The window slides by moving its start; the array is compacted once per window's worth of
    // events, so a change costs O(1) however long the window is.
    const drop = this.history.length - this.historyStart - WATCH_CACHE_HISTORY;
    if (drop > 0) {
      this.historyStart += drop;
      this.oldestRev = this.history[this.historyStart - 1]!.revision;
      if (this.historyStart >= WATCH_CACHE_HISTORY) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    if (batch.length === 0 || this.watchers.size === 0) return;
    for (const w of this.watchers) {
      let out: ApiWatchEvent[] | undefined;
      for (const e of batch) {
        const ev = translate(e, w.filter);
        if (!ev) continue;
        if (out === undefined) out = [];
        out.push(ev);
      }
      if (out && w.active) w.sink.events(out);
    }
  }

  private terminateWatchers(status: ApiStatus): void {
    const all = [...this.watchers];
    this.watchers.clear();
    for (const w of all) {
      w.active = false;
      w.sink.ended(status);
    }
  }
}

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped. */
export function keyOf(o: AnyObject): string {
  return o.metadata.namespace === "" ? o.metadata.name : `${o.metadata.namespace}/${o.metadata.name}`;
}

function keyFromStorageKey(key: string, info: ResourceInfo): string {
  return key.slice(info.prefix.length);
}

function matches(o: AnyObject, f: WatchFilter): boolean {
  if (f.namespace !== undefined && f.namespace !== "" && o.metadata.namespace !== f.namespace) return false;
  if (f.name !== undefined && o.metadata.name !== f.name) return false;
  if (f.nodeName !== undefined && (o as Pod).spec?.nodeName !== f.nodeName) return false;
  return true;
}

/**
 * The event a filtered watcher sees (field-selector semantics): an object entering the filter is
 * ADDED, one leaving it is DELETED.
 */
function translate(e: CacheEvent, f: WatchFilter): ApiWatchEvent | undefined {
  const object = e.slot.object;
  const now = matches(object, f);
  if (e.type === "DELETED") return now ? { type: "DELETED", object } : undefined;
  const before = e.prev !== undefined && matches(e.prev.object, f);
  if (now) return { type: before ? "MODIFIED" : "ADDED", object };
  return before ? { type: "DELETED", object } : undefined;
}

/**
 * An informer: client-go's Reflector plus its local store (k8s.io/client-go `tools/cache`). It lists
 * a resource with `resourceVersion=0` (served from the apiserver's watch cache), then watches from
 * the list's version, keeping a local copy of every object and telling handlers about each add,
 * update and delete. Controllers read only this copy, so they keep acting on what they last saw when
 * the API goes away.
 *
 * A watch that ends normally is resumed from the last version seen; a 410 Gone (the version fell
 * out of the apiserver's window) starts over with a fresh list at once, and any other failure (the
 * connection lost, the cache not ready, a version the apiserver has not seen after an etcd
 * restore) lists again after a back-off, exponential from 800 ms to 30 s with jitter (the
 * reflector's back-off manager). A list replaces the local copy: objects that are gone are deleted,
 * objects brought back by a restore are added.
 */
import type { Rng } from "../../sim/rng.js";
import { MILLISECOND, SECOND } from "../../sim/time.js";
import type { ApiRequest, ApiWatchEvent } from "../api/request.js";
import type { ApiStatus } from "../api/status.js";
import type { AnyObject } from "../objects/index.js";
import { objectKey } from "../objects/meta.js";
import type { ProcessScope } from "../process-scope.js";
import type { Resource } from "../storage/resources.js";
import type { ApiClient, ClientWatch } from "./client.js";

/** What an informer follows. */
export interface InformerSpec {
  readonly resource: Resource;
  readonly namespace?: string;
  /** fieldSelector spec.nodeName. */
  readonly nodeName?: string;
  /** fieldSelector metadata.name. */
  readonly name?: string;
}

/** Change notifications (ResourceEventHandler). */
export interface InformerHandlers<T extends AnyObject> {
  added?(obj: T): void;
  updated?(old: T, obj: T): void;
  deleted?(obj: T): void;
}

const BACKOFF_MIN_US = 800 * MILLISECOND;
const BACKOFF_MAX_US = 30 * SECOND;

/** A local, watched copy of one resource. */
export class Informer<T extends AnyObject> {
  private readonly objects = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private lastRv = 0;
  private synced = false;
  private running = false;
  private watch: ClientWatch | undefined;
  private backoffUs = BACKOFF_MIN_US;
  private generation = 0;
  private readonly baseRequest: Omit<ApiRequest, "verb">;

  constructor(
    private readonly client: ApiClient,
    private readonly scope: ProcessScope,
    private readonly rng: Rng,
    readonly spec: InformerSpec,
  ) {
    this.baseRequest = {
      resource: spec.resource,
      ...(spec.namespace !== undefined ? { namespace: spec.namespace } : {}),
      ...(spec.nodeName !== undefined ? { fieldNodeName: spec.nodeName } : {}),
      ...(spec.name !== undefined ? { fieldName: spec.name } : {}),
      userAgent: client.userAgent,
    };
  }

  /** Adds handlers; they see objects already in the store as adds. */
  addHandlers(h: InformerHandlers<T>): void {
    this.handlers.push(h);
    if (h.added) for (const o of this.objects.values()) h.added(o);
  }

  /** True once the first list arrived (cache.WaitForCacheSync). */
  get hasSynced(): boolean {
    return this.synced;
  }

  /** The object with key `namespace/name` (or `name`). */
  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  /** Every object in the store. */
  list(): IterableIterator<T> {
    return this.objects.values();
  }

  /** Number of objects in the store. */
  get size(): number {
    return this.objects.size;
  }

  /** Starts listing and watching. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.relist();
  }

  /** Stops watching; the store keeps its contents. */
  stop(): void {
    this.running = false;
    this.generation++;
    this.watch?.stop();
    this.watch = undefined;
  }

  /**
   * Puts a freshly written object into the store at once (controllers do this with their own
   * writes, like the scheduler's assume cache and the controllers' expectations).
   */
  assume(obj: T): void {
    const key = objectKey(obj);
    const old = this.objects.get(key);
    if (old && old.metadata.resourceVersion >= obj.metadata.resourceVersion) return;
    this.objects.set(key, obj);
    // Handlers see the change now; the watch event for the same version is then a no-op.
    if (!old) for (const h of this.handlers) h.added?.(obj);
    else for (const h of this.handlers) h.updated?.(old, obj);
  }

  // ---- internals -------------------------------------------------------------------------------

  private relist(): void {
    if (!this.running) return;
    const gen = ++this.generation;
    this.client.request({ verb: "list", ...this.baseRequest, resourceVersion: 0 }, (res) => {
      if (gen !== this.generation || !this.running) return;
      if (res.status.code !== 200 || !res.items) return this.retry(() => this.relist());
      this.replace(res.items as T[], res.resourceVersion ?? 0);
      this.backoffUs = BACKOFF_MIN_US;
      this.startWatch();
    });
  }

  private startWatch(): void {
    if (!this.running) return;
    const gen = this.generation;
    this.watch = this.client.watch(
      { verb: "watch", ...this.baseRequest, resourceVersion: this.lastRv },
      {
        events: (events) => {
          if (gen !== this.generation) return;
          this.backoffUs = BACKOFF_MIN_US;
          this.apply(events);
        },
        ended: (status) => {
          if (gen !== this.generation) return;
          this.watch = undefined;
          this.watchEnded(status);
        },
      },
    );
  }

  private watchEnded(status: ApiStatus): void {
    if (!this.running) return;
    // A watch closed normally is resumed; anything else makes the reflector's ListAndWatch return,
    // and it lists again (after a back-off unless the version was merely too old).
    if (status.code === 200) {
      this.startWatch();
      return;
    }
    if (status.code === 410) {
      this.relist();
      return;
    }
    this.retry(() => this.relist());
  }

  private retry(fn: () => void): void {
    const delay = Math.round(this.backoffUs * (1 + this.rng.float()));
    this.backoffUs = Math.min(this.backoffUs * 2, BACKOFF_MAX_US);
    const gen = this.generation;
    this.scope.after(delay, () => {
      if (this.running && gen === this.generation) fn();
    });
  }

  private replace(items: readonly T[], rv: number): void {
    this.synced = true;
    this.lastRv = rv;
    const seen = new Set<string>();
    for (const o of items) {
      const key = objectKey(o);
      seen.add(key);
      const old = this.objects.get(key);
      this.objects.set(key, o);
      if (!old) for (const h of this.handlers) h.added?.(o);
      else if (old.metadata.resourceVersion !== o.metadata.resourceVersion)
        for (const h of this.handlers) h.updated?.(old, o);
    }
    for (const [key, o] of [...this.objects]) {
      if (seen.has(key)) continue;
      this.objects.delete(key);
      for (const h of this.handlers) h.deleted?.(o);
    }
  }

  private apply(events: readonly ApiWatchEvent[]): void {
    for (const e of events) {
      const o = e.object as T;
      const key = objectKey(o);
      if (o.metadata.resourceVersion > this.lastRv) this.lastRv = o.metadata.resourceVersion;
      const old = this.objects.get(key);
      if (e.type === "DELETED") {
        if (!old) continue;
        this.objects.delete(key);
        for (const h of this.handlers) h.deleted?.(old);
      } else {
        if (
          old &&
          old.metadata.resourceVersion === o.metadata.resourceVersion &&
          old.metadata.uid === o.metadata.uid
        ) {
          continue;
        }
        this.objects.set(key, o);
        if (!old) for (const h of this.handlers) h.added?.(o);
        else for (const h of this.handlers) h.updated?.(old, o);
      }
    }
  }
}

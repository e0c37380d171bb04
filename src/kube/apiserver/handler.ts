/**
 * Request handling inside one kube-apiserver, independent of the network: each verb becomes watch
 * cache reads or etcd calls through the registry store.
 *
 * - get/list with `resourceVersion=0` are served from the watch cache; when the cache is not ready
 *   they are delegated to etcd (ResilientWatchCacheInitialization); without a resourceVersion they
 *   are quorum reads from etcd, so `kubectl get` fails without etcd quorum.
 * - create/update/patch/delete/binding are etcd transactions with revision compares.
 * - deleting a pod that runs on a node is graceful: the apiserver sets deletionTimestamp and
 *   deletionGracePeriodSeconds and the kubelet removes the object once the containers stopped
 *   (pod strategy CheckGracefulDelete: unscheduled or finished pods go at once).
 * - `/readyz` and `/livez` run the etcd check: a read of the `health` key with a 2 s timeout
 *   (`--etcd-healthcheck-timeout`, capi-kube.md §5).
 */
import type { EtcdClient } from "../../etcd/client-api.js";
import type { Rng } from "../../sim/rng.js";
import type { Micros } from "../../sim/time.js";
import type { ApiRequest, ApiResponse } from "../api/request.js";
import { type ApiStatus, invalid, notFound, OK } from "../api/status.js";
import type { AnyObject, Pod } from "../objects/index.js";
import { type Resource, resourceInfo } from "../storage/resources.js";
import { type AdmissionSettings, admitCreate } from "./admission.js";
import { RegistryStore, type StoreResult } from "./registry-store.js";
import { type CacheWatch, keyOf, type WatchCache, type WatchFilter, type WatchSink } from "./watch-cache.js";

export interface HandlerSettings extends AdmissionSettings {
  /** `--request-timeout` (60 s). */
  readonly requestTimeoutUs: Micros;
  /** `--etcd-healthcheck-timeout` (2 s). */
  readonly etcdHealthTimeoutUs: Micros;
}

/** Replies once. */
export type Reply = (res: ApiResponse) => void;

const HEALTH_KEY = "health";

/** The verbs of one apiserver over its etcd client and its watch caches. */
export class ApiHandler {
  private readonly store: RegistryStore;

  constructor(
    private readonly etcd: EtcdClient,
    private readonly caches: ReadonlyMap<Resource, WatchCache>,
    private readonly settings: HandlerSettings,
    private readonly clock: { readonly now: Micros },
    private readonly rng: Rng,
  ) {
    this.store = new RegistryStore(etcd);
  }

  /** Handles every verb except watch. */
  handle(req: ApiRequest, reply: Reply): void {
    const timeoutUs = this.settings.requestTimeoutUs;
    switch (req.verb) {
      case "readyz":
      case "livez":
        this.checkEtcd((ok, message) =>
          reply({ status: ok ? OK : { code: 500, reason: "InternalError", message } }),
        );
        return;
      case "watch":
        reply({ status: invalid("watch is not a plain request") });
        return;
    }
    if (req.resource === undefined) {
      reply({ status: invalid("no resource") });
      return;
    }
    const info = resourceInfo(req.resource);
    const ns = info.namespaced ? (req.namespace ?? "default") : "";
    const cache = this.caches.get(req.resource);
    const done = (r: StoreResult) => reply(toResponse(r));
    if (req.subresource === "binding") {
      // POST pods/<name>/binding: the scheduler's bind, refused when the pod is already bound.
      const name = req.name ?? "";
      const node = req.targetNode ?? "";
      const guess = cache?.ready ? cache.get(`${ns}/${name}`) : undefined;
      const mutate = (cur: AnyObject) => bind(cur as Pod, node, this.clock.now);
      this.store.guaranteedUpdate(info, ns, name, mutate, guess, timeoutUs, done);
      return;
    }
    switch (req.verb) {
      case "get": {
        const name = req.name ?? "";
        if (req.resourceVersion === 0 && cache?.ready) {
          const o = cache.get(ns === "" ? name : `${ns}/${name}`);
          reply(o ? { status: OK, object: o } : { status: notFound(info.resource, name) });
          return;
        }
        this.store.get(info, ns, name, timeoutUs, done);
        return;
      }
      case "list": {
        const filter = filterOf(req, info.namespaced);
        if (req.resourceVersion === 0 && cache?.ready) {
          reply({ status: OK, items: cache.list(filter), resourceVersion: cache.revision });
          return;
        }
        this.store.list(info, info.namespaced ? req.namespace : undefined, timeoutUs, (r) => {
          if (!r.items) {
            done(r);
            return;
          }
          const items = r.items.filter((o) => matchesFilter(o, filter));
          reply({
            status: r.status,
            items,
            ...(r.revision !== undefined ? { resourceVersion: r.revision } : {}),
          });
        });
        return;
      }
      case "create": {
        if (!req.body) {
          reply({ status: invalid("no body") });
          return;
        }
        const obj = admitCreate(req.body, this.clock.now, this.rng, this.settings);
        this.store.create(obj, timeoutUs, done);
        return;
      }
      case "update": {
        if (!req.body) {
          reply({ status: invalid("no body") });
          return;
        }
        this.store.update(this.bumpGeneration(req.body, cache), timeoutUs, done);
        return;
      }
      case "patch": {
        const patch = req.patch;
        if (!patch) {
          reply({ status: invalid("no patch") });
          return;
        }
        const name = req.name ?? "";
        const guess = cache?.ready ? cache.get(ns === "" ? name : `${ns}/${name}`) : undefined;
        this.store.guaranteedUpdate(info, ns, name, patch, guess, timeoutUs, done);
        return;
      }
      case "delete":
        this.delete(req, ns, cache, done);
        return;
    }
  }

  /** Registers a watch on the resource's cache; the status says whether it started. */
  watch(req: ApiRequest, sink: WatchSink): { status: ApiStatus; watch?: CacheWatch } {
    const cache = req.resource !== undefined ? this.caches.get(req.resource) : undefined;
    if (!cache) return { status: invalid("not watchable") };
    return cache.watch(req.resourceVersion ?? 0, filterOf(req, cache.info.namespaced), sink);
  }

  /** The etcd health check behind /livez and /readyz. */
  checkEtcd(done: (ok: boolean, message: string) => void): void {
    this.etcd.get(
      HEALTH_KEY,
      (r) => done(r.ok, r.ok ? "ok" : `[-]etcd failed: reason withheld (${r.error.message})`),
      { timeoutUs: this.settings.etcdHealthTimeoutUs },
    );
  }

  private delete(
    req: ApiRequest,
    ns: string,
    cache: WatchCache | undefined,
    done: (r: StoreResult) => void,
  ): void {
    const info = resourceInfo(req.resource!);
    const name = req.name ?? "";
    const timeoutUs = this.settings.requestTimeoutUs;
    const uid = req.preconditionUid;
    const preconditions = uid !== undefined ? { uid } : {};
    if (info.kind !== "Pod" || req.gracePeriodSeconds === 0) {
      this.store.delete(info, ns, name, preconditions, timeoutUs, done);
      return;
    }
    const guess = cache?.ready ? cache.get(`${ns}/${name}`) : undefined;
    let immediate: AnyObject | undefined;
    this.store.guaranteedUpdate(
      info,
      ns,
      name,
      (cur) => {
        const pod = cur as Pod;
        if (uid !== undefined && pod.metadata.uid !== uid) return notFound(info.resource, name);
        const grace = req.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds;
        if (
          pod.spec.nodeName === "" ||
          pod.status.phase === "Succeeded" ||
          pod.status.phase === "Failed" ||
          grace === 0
        ) {
          immediate = pod;
          return undefined;
        }
        const m = pod.metadata;
        if (m.deletionTimestampUs !== undefined && (m.deletionGracePeriodSeconds ?? 0) <= grace)
          return undefined;
        return {
          ...pod,
          metadata: {
            ...m,
            deletionTimestampUs: this.clock.now + grace * 1_000_000,
            deletionGracePeriodSeconds: grace,
          },
        };
      },
      guess,
      timeoutUs,
      (r) => {
        if (immediate !== undefined && r.status.code === 200) {
          return this.store.delete(info, ns, name, { ...preconditions, current: immediate }, timeoutUs, done);
        }
        done(r);
      },
    );
  }

  private bumpGeneration(obj: AnyObject, cache: WatchCache | undefined): AnyObject {
    if (obj.kind !== "Deployment" && obj.kind !== "ReplicaSet") return obj;
    const stored = cache?.get(keyOf(obj));
    if (!stored || stored.metadata.resourceVersion !== obj.metadata.resourceVersion) return obj;
    if ((stored as typeof obj).spec === obj.spec) return obj;
    return { ...obj, metadata: { ...obj.metadata, generation: obj.metadata.generation + 1 } };
  }
}

function bind(pod: Pod, node: string, now: Micros): Pod | ApiStatus {
  if (pod.spec.nodeName !== "") {
    return {
      code: 409,
      reason: "Conflict",
      message: `pod ${pod.metadata.name} is already assigned to node "${pod.spec.nodeName}"`,
    };
  }
  return {
    ...pod,
    spec: { ...pod.spec, nodeName: node },
    status: {
      ...pod.status,
      conditions: [
        ...pod.status.conditions.filter((c) => c.type !== "PodScheduled"),
        { type: "PodScheduled", status: "True", lastTransitionTimeUs: now },
      ],
    },
  };
}

function filterOf(req: ApiRequest, namespaced: boolean): WatchFilter {
  return {
    ...(namespaced && req.namespace !== undefined ? { namespace: req.namespace } : {}),
    ...(req.fieldNodeName !== undefined ? { nodeName: req.fieldNodeName } : {}),
    ...(req.fieldName !== undefined ? { name: req.fieldName } : {}),
  };
}

function matchesFilter(o: AnyObject, f: WatchFilter): boolean {
  if (f.name !== undefined && o.metadata.name !== f.name) return false;
  if (f.nodeName !== undefined && (o as Pod).spec?.nodeName !== f.nodeName) return false;
  return true;
}

function toResponse(r: StoreResult): ApiResponse {
  return {
    status: r.status,
    ...(r.object !== undefined ? { object: r.object } : {}),
    ...(r.items !== undefined ? { items: r.items } : {}),
    ...(r.revision !== undefined ? { resourceVersion: r.revision } : {}),
  };
}

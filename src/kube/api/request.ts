/**
 * Requests and responses between Kubernetes clients and kube-apiserver, as the simulator carries
 * them over the network on port 6443. A request names a verb and a resource like a REST call
 * (`GET /api/v1/namespaces/default/pods?resourceVersion=0`); a response carries a status and the
 * object or list.
 *
 * `patch` requests carry a function that computes the new object from the stored one, applied by
 * the apiserver inside its optimistic-concurrency retry loop (GuaranteedUpdate in k8s.io/apiserver
 * `pkg/storage/etcd3/store.go`): the model's stand-in for strategic-merge and JSON patches, which
 * clients like the kubelet use precisely so they never see a conflict.
 */
import type { AnyObject } from "../objects/index.js";
import type { Resource } from "../storage/resources.js";
import type { ApiStatus } from "./status.js";

export type Verb = "get" | "list" | "create" | "update" | "patch" | "delete" | "watch" | "readyz" | "livez";

/** A server-side mutation: the new object, or undefined to leave the stored one as it is. */
export type PatchFn = (current: AnyObject) => AnyObject | undefined;

export interface ApiRequest {
  readonly verb: Verb;
  readonly resource?: Resource;
  readonly namespace?: string;
  readonly name?: string;
  readonly body?: AnyObject;
  /**
   * get/list: `0` means "any version" and is served from the watch cache; undefined means the most
   * recent version (a quorum read from etcd), as in the real API. watch: events after this version.
   */
  readonly resourceVersion?: number;
  /** fieldSelector `spec.nodeName=<node>` (the kubelet's pod watch). */
  readonly fieldNodeName?: string;
  /** fieldSelector `metadata.name=<name>`. */
  readonly fieldName?: string;
  /** `status` (the kubelet and controllers update status only), `binding` (the scheduler). */
  readonly subresource?: "status" | "binding";
  readonly patch?: PatchFn;
  /** For `binding`: the node the pod goes to. */
  readonly targetNode?: string;
  /** delete: 0 removes the object at once; otherwise the pod's grace period applies. */
  readonly gracePeriodSeconds?: number;
  /** delete: only if the stored object still has this uid. */
  readonly preconditionUid?: string;
  /** Who sends it (`kubelet/worker-0`), for traces. */
  readonly userAgent?: string;
}

export interface ApiResponse {
  readonly status: ApiStatus;
  readonly object?: AnyObject;
  readonly items?: readonly AnyObject[];
  /** The list's or the store's revision. */
  readonly resourceVersion?: number;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

/** One change a watcher is told about. */
export interface ApiWatchEvent {
  readonly type: WatchEventType;
  readonly object: AnyObject;
}

/**
 * API outcomes as kube-apiserver reports them (metav1.Status `code` and `reason`, k8s.io/apimachinery
 * `pkg/api/errors`), plus the transport failures a client sees before any status exists, worded
 * the way kubectl prints them (seed 003: "The connection to the server was refused - did you
 * specify the right host or port?").
 */
import type { EtcdError } from "../../etcd/client-api.js";

/** metav1.StatusReason values the model produces; `Transport` is a client-side connection failure. */
export type StatusReason =
  | "OK"
  | "Created"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "Gone"
  | "InternalError"
  | "Timeout"
  | "ServiceUnavailable"
  | "TooManyRequests"
  | "Transport";

export interface ApiStatus {
  /** HTTP status code; 0 when the request never got an answer (transport failure). */
  readonly code: number;
  readonly reason: StatusReason;
  readonly message: string;
}

export const OK: ApiStatus = Object.freeze({ code: 200, reason: "OK", message: "" });
export const CREATED: ApiStatus = Object.freeze({ code: 201, reason: "Created", message: "" });

/** True for 2xx. */
export function isSuccess(s: ApiStatus): boolean {
  return s.code >= 200 && s.code < 300;
}

/** 404: `pods "nginx-x" not found`. */
export function notFound(resource: string, name: string): ApiStatus {
  return { code: 404, reason: "NotFound", message: `${resource} "${name}" not found` };
}

/** 409 on create: `pods "x" already exists`. */
export function alreadyExists(resource: string, name: string): ApiStatus {
  return { code: 409, reason: "AlreadyExists", message: `${resource} "${name}" already exists` };
}

/** 409 on update with a stale resourceVersion (optimistic concurrency). */
export function conflict(resource: string, name: string): ApiStatus {
  return {
    code: 409,
    reason: "Conflict",
    message: `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
  };
}

/** 410: a watch asked for a resourceVersion older than the watch cache's window. */
export function gone(rv: number, oldest: number): ApiStatus {
  return {
    code: 410,
    reason: "Gone",
    message: `too old resource version: ${rv} (${oldest})`,
  };
}

/** 504 for a watch from a resourceVersion the watch cache has not seen (apiserver `storage.NewTooLargeResourceVersionError`). */
export function tooLargeResourceVersion(rv: number, current: number): ApiStatus {
  return {
    code: 504,
    reason: "Timeout",
    message: `Timeout: Too large resource version: ${rv}, current: ${current}`,
  };
}

/** 422 for a request the model refuses (e.g. binding an already bound pod). */
export function invalid(message: string): ApiStatus {
  return { code: 422, reason: "Invalid", message };
}

/** 429 while the watch cache is not initialised (ResilientWatchCacheInitialization). */
export function tooManyRequests(): ApiStatus {
  return { code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later." };
}

/** 504 when the request outlives kube-apiserver's `--request-timeout`. */
export function timeout(): ApiStatus {
  return {
    code: 504,
    reason: "Timeout",
    message: "Timeout: request did not complete within requested timeout - context deadline exceeded",
  };
}

/**
 * How kube-apiserver reports a failed etcd call: a client deadline becomes 504, everything else a
 * 500 carrying etcd's own error string (`etcdserver: request timed out`), as the etcd3 store passes
 * storage errors through (k8s.io/apiserver `pkg/storage/etcd3`, `interpretWatchError`/`InternalError`).
 */
export function fromEtcdError(e: EtcdError): ApiStatus {
  if (e.code === "deadlineExceeded") return timeout();
  return { code: 500, reason: "InternalError", message: `Internal error occurred: ${e.message}` };
}

/** Transport failure (no HTTP status): dial refused, dial timeout, connection lost, client timeout. */
export function transport(message: string): ApiStatus {
  return { code: 0, reason: "Transport", message };
}

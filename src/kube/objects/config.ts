/**
 * ConfigMap and Secret (core/v1), as far as the bootstrap-token machinery uses them: the bootstrap
 * token Secrets in kube-system and the `cluster-info` ConfigMap in kube-public, which the
 * bootstrapsigner controller signs with each valid token (`jws-kubeconfig-<token-id>`) so that
 * `kubeadm join` can verify the cluster (capi-kube.md §6).
 */
import type { KubeObject, ObjectMeta, StringMap } from "./meta.js";

export interface ConfigMap extends KubeObject {
  readonly kind: "ConfigMap";
  readonly metadata: ObjectMeta;
  readonly data: StringMap;
}

export interface Secret extends KubeObject {
  readonly kind: "Secret";
  readonly metadata: ObjectMeta;
  /** e.g. `bootstrap.kubernetes.io/token`. */
  readonly type: string;
  readonly data: StringMap;
}

/** Secret type of bootstrap tokens. */
export const BOOTSTRAP_TOKEN_SECRET_TYPE = "bootstrap.kubernetes.io/token";
/** Name prefix of bootstrap token Secrets (`bootstrap-token-<token-id>`). */
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = "bootstrap-token-";
/** Key prefix of the signatures in cluster-info. */
export const JWS_KEY_PREFIX = "jws-kubeconfig-";

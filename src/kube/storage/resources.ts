/**
 * The resources kube-apiserver serves and where each lives in etcd. The key layout is the one a
 * kubeadm cluster shows with `etcdctl get /registry --prefix --keys-only`: namespaced objects at
 * `/registry/<resource>/<namespace>/<name>`, cluster-scoped at `/registry/<resource>/<name>`, with
 * the historical prefixes kube-apiserver still uses (Nodes under `minions`, Services under
 * `services/specs`, Endpoints under `services/endpoints`; kubernetes `pkg/kubeapiserver`
 * storage factory resource prefixes).
 *
 * `bytes` is the size the simulator charges for one stored object (etcd DB size, snapshot and
 * network transfer times): typical protobuf sizes, an assumption (a Node with its image list is the
 * largest, a Lease the smallest).
 */
import type { Kind } from "../objects/meta.js";

/** A resource name as in the API path (`pods`, `nodes`). */
export type Resource =
  | "nodes"
  | "leases"
  | "pods"
  | "replicasets"
  | "deployments"
  | "services"
  | "endpoints"
  | "configmaps"
  | "secrets";

export interface ResourceInfo {
  readonly resource: Resource;
  readonly kind: Kind;
  /** etcd key prefix, ending in `/`. */
  readonly prefix: string;
  readonly namespaced: boolean;
  /** Bytes charged per stored object (assumption). */
  readonly bytes: number;
  /** Short name kubectl accepts (`no`, `po`, `rs`, `deploy`). */
  readonly shortName: string;
}

const TABLE: readonly ResourceInfo[] = [
  {
    resource: "nodes",
    kind: "Node",
    prefix: "/registry/minions/",
    namespaced: false,
    bytes: 6_000,
    shortName: "no",
  },
  {
    resource: "leases",
    kind: "Lease",
    prefix: "/registry/leases/",
    namespaced: true,
    bytes: 350,
    shortName: "lease",
  },
  {
    resource: "pods",
    kind: "Pod",
    prefix: "/registry/pods/",
    namespaced: true,
    bytes: 3_000,
    shortName: "po",
  },
  {
    resource: "replicasets",
    kind: "ReplicaSet",
    prefix: "/registry/replicasets/",
    namespaced: true,
    bytes: 2_000,
    shortName: "rs",
  },
  {
    resource: "deployments",
    kind: "Deployment",
    prefix: "/registry/deployments/",
    namespaced: true,
    bytes: 2_000,
    shortName: "deploy",
  },
  {
    resource: "services",
    kind: "Service",
    prefix: "/registry/services/specs/",
    namespaced: true,
    bytes: 800,
    shortName: "svc",
  },
  {
    resource: "endpoints",
    kind: "Endpoints",
    prefix: "/registry/services/endpoints/",
    namespaced: true,
    bytes: 1_000,
    shortName: "ep",
  },
  {
    resource: "configmaps",
    kind: "ConfigMap",
    prefix: "/registry/configmaps/",
    namespaced: true,
    bytes: 1_500,
    shortName: "cm",
  },
  {
    resource: "secrets",
    kind: "Secret",
    prefix: "/registry/secrets/",
    namespaced: true,
    bytes: 600,
    shortName: "secret",
  },
];

const BY_RESOURCE = new Map<Resource, ResourceInfo>(TABLE.map((r) => [r.resource, r]));
const BY_KIND = new Map<Kind, ResourceInfo>(TABLE.map((r) => [r.kind, r]));

/** Every resource, in a fixed order. */
export const RESOURCES: readonly ResourceInfo[] = TABLE;

/** The resource's entry. */
export function resourceInfo(resource: Resource): ResourceInfo {
  return BY_RESOURCE.get(resource)!;
}

/** The resource that stores objects of `kind`. */
export function resourceOfKind(kind: Kind): ResourceInfo {
  return BY_KIND.get(kind)!;
}

/** Resolves what a person types after `kubectl get` (plural, singular or short name). */
export function parseResourceName(text: string): Resource | undefined {
  const t = text.toLowerCase();
  for (const r of TABLE) {
    if (r.resource === t || r.shortName === t || r.kind.toLowerCase() === t) return r.resource;
  }
  return undefined;
}

/** The etcd key of an object: `/registry/pods/default/nginx-x`, `/registry/minions/cp-0`. */
export function storageKey(info: ResourceInfo, namespace: string, name: string): string {
  return info.namespaced ? `${info.prefix}${namespace}/${name}` : `${info.prefix}${name}`;
}

/** The etcd prefix of a list: the whole resource, or one namespace of it. */
export function listPrefix(info: ResourceInfo, namespace: string | undefined): string {
  return info.namespaced && namespace !== undefined && namespace !== ""
    ? `${info.prefix}${namespace}/`
    : info.prefix;
}

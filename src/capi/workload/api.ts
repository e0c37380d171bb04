/**
 * The workload cluster as the Cluster API controllers reach it: only through its control-plane
 * endpoint (capi-kube.md §1.4, §2.3). This is the port the controllers program against; the world
 * binds it to the simulated Kubernetes and etcd layers (src/world/capi-workload.ts), tests bind it
 * to a double.
 *
 * - `probe` is the ClusterCache health probe, `GET /` with a timeout;
 * - `connect` opens what ClusterCache keeps per cluster: a cached client whose Node informer the
 *   controllers read (stale while the endpoint is gone, dropped on disconnect), plus the remote
 *   calls — cordon, drain, Node deletion, bootstrap tokens, and etcd calls through a port-forward
 *   to the etcd Pod on a control-plane Node (CAPI reaches etcd this way, proposal §"Etcd (stacked)");
 * - `renewControllerLease` is the self-hosted controller-manager's leader-election renewal, a write
 *   through the workload API from inside the cluster.
 */
import type { Micros } from "../../sim/time.js";
import type { EtcdMemberView } from "../kcp/control-plane-state.js";
import type { NodeView } from "../objects/node-view.js";

/** A remote call's answer: the value, or the error text the client would log. */
export type ApiResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

/** Health of one control-plane static Pod, as KCP reads the mirror Pod (capi-kube.md §2.4). */
export type PodHealth = "Running" | "Provisioning" | "Failed" | "DoesNotExist" | "Unknown";

/** The static Pods KCP checks on each control-plane Node. */
export type ControlPlaneComponent = "kube-apiserver" | "kube-controller-manager" | "kube-scheduler" | "etcd";

/** What the etcd member list through one member says. */
export interface EtcdMemberList {
  readonly members: readonly EtcdMemberView[];
  /** The leader's member name (from the status call), when known. */
  readonly leader: string | undefined;
}

/** How a drain pass treats the Node's Pods. */
export interface DrainOptions {
  /** Eviction grace period; undefined: each Pod's own terminationGracePeriodSeconds. */
  readonly gracePeriodSeconds?: number;
  /** Ignore Pods whose deletion started longer ago than this (0: never ignore). */
  readonly skipDeletedOlderThanUs: number;
}

/** An open cached client to the workload cluster. */
export interface WorkloadConnection {
  /** True once the Node informer listed (cache.WaitForCacheSync). */
  readonly synced: boolean;
  /** The cached Node, if the informer has it. */
  node(name: string): NodeView | undefined;
  /** Every cached Node. */
  nodes(): readonly NodeView[];
  /** Called with a Node's name when it is added, changes or is deleted. */
  onNodeEvent(fn: (name: string) => void): void;
  /** The control-plane static Pods of a Node as the cache has them (undefined: not cached). */
  controlPlanePods(node: string): ReadonlyMap<ControlPlaneComponent, PodHealth> | undefined;
  /** `kubectl cordon`. */
  cordon(node: string, done: (r: ApiResult<null>) => void): void;
  /**
   * One drain pass: evict every Pod of the Node; answers how many Pods still hold the drain. For
   * an unreachable Node the options say which grace period to evict with and after how long a Pod
   * already being deleted is ignored (CAPI's `SkipWaitForDeleteTimeoutSeconds`).
   */
  drain(
    node: string,
    options: DrainOptions,
    done: (r: ApiResult<{ readonly remaining: number }>) => void,
  ): void;
  /** `kubectl delete node`. */
  deleteNode(node: string, done: (r: ApiResult<null>) => void): void;
  /** Creates a bootstrap token Secret valid for `ttlUs` (CABPK, capi-kube.md §6). */
  createBootstrapToken(
    ttlUs: Micros,
    done: (r: ApiResult<{ readonly tokenId: string; readonly expiresAtUs: Micros }>) => void,
  ): void;
  /** The token Secret's expiration, or undefined when the Secret is gone (expired and cleaned up). */
  getBootstrapToken(
    tokenId: string,
    done: (r: ApiResult<{ readonly expiresAtUs: Micros } | undefined>) => void,
  ): void;
  /** Writes a new expiration into the token Secret. */
  refreshBootstrapToken(tokenId: string, expiresAtUs: Micros, done: (r: ApiResult<null>) => void): void;
  /** `etcdctl member list` (and status for the leader) through the etcd Pod on `viaNode`. */
  etcdMembers(viaNode: string, done: (r: ApiResult<EtcdMemberList>) => void): void;
  /** `etcdctl move-leader` through the leader's etcd Pod. */
  etcdMoveLeader(viaNode: string, toMember: string, done: (r: ApiResult<null>) => void): void;
  /** `etcdctl member remove` through the etcd Pod on `viaNode`. */
  etcdRemoveMember(viaNode: string, member: string, done: (r: ApiResult<null>) => void): void;
  /** Stops the informers. */
  close(): void;
}

/** The workload cluster behind its endpoint. */
export interface WorkloadClusterApi {
  /** ClusterCache health probe: `GET /` through the endpoint within `timeoutUs`. */
  probe(timeoutUs: Micros, done: (ok: boolean) => void): void;
  /** Opens a cached client (starts a Node informer through the endpoint). */
  connect(): WorkloadConnection;
  /** A self-hosted controller-manager's leader-lease renewal through the workload API. */
  renewControllerLease(done: (ok: boolean) => void): void;
}

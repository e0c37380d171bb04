/**
 * What `kubeadm join` on a new VM talks to (capi-kube.md §6): the cluster-info ConfigMap and the
 * bootstrap token through the control-plane endpoint, etcd for a control-plane join, and the local
 * components it starts. The world binds this to the Kubernetes and etcd layers
 * (src/world/capi-workload.ts); tests bind it to a double.
 */
import type { Vm } from "../../infra/vm.js";
import type { ApiResult } from "../workload/api.js";

/** The join's view of the cluster. */
export interface JoinEnvironment {
  /**
   * `GET /api/v1/namespaces/kube-public/configmaps/cluster-info` (anonymous, through the endpoint)
   * from `host`: whether it carries a JWS signature for `tokenId` (the bootstrapsigner controller
   * signs it with every valid token and removes signatures of expired or deleted ones).
   */
  fetchClusterInfo(
    host: string,
    tokenId: string,
    done: (r: ApiResult<{ readonly signed: boolean }>) => void,
  ): void;
  /** TLS bootstrap with the token: answers an error when the token Secret is gone or expired. */
  tlsBootstrap(host: string, tokenId: string, done: (r: ApiResult<null>) => void): void;
  /**
   * kubeadm's `check-etcd` and `control-plane-join/etcd` phases: check the cluster is healthy, then
   * `member add --learner` for `member` (refused without quorum: "etcdserver: unhealthy cluster";
   * with a learner already present: "etcdserver: too many learner members in cluster").
   */
  etcdAddLearner(host: string, member: string, done: (r: ApiResult<null>) => void): void;
  /** Writes the etcd static Pod manifest: the member on `vm` starts and joins as the learner. */
  startEtcd(vm: Vm, member: string): void;
  /** `member promote` once the learner caught up (refused while it has not). */
  etcdPromote(host: string, member: string, done: (r: ApiResult<null>) => void): void;
  /**
   * kubelet-start (and, for a control plane, the static Pods): the kubelet starts on `vm` and
   * registers the Node `nodeName`; the units are enabled, so they come back after a reboot.
   */
  startNode(vm: Vm, nodeName: string, controlPlane: boolean): void;
}

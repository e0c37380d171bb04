/**
 * Where a Kubernetes client sends its requests: the kubeconfig's `server`. kubeadm points the
 * control-plane components at their local apiserver and the kubelets (and people) at the
 * control-plane endpoint, which is a load balancer (HAProxy, CAPV before v1.8) or a virtual IP held
 * by kube-vip (capi-kube.md §4.4, §5). Each new connection asks the endpoint where it leads now.
 */
import type { LoadBalancer } from "../../infra/loadbalancer.js";
import type { Network } from "../../infra/network.js";
import type { HostName } from "../../infra/network-types.js";
import type { Micros } from "../../sim/time.js";

/** Where a new connection goes, or why it cannot be made. */
export type Resolution =
  | {
      readonly host: HostName;
      /** What the client dialled, for error messages (`dial tcp 192.168.3.101:6443`). */
      readonly address: string;
      /** True when a load balancer sits between client and apiserver (errors read "EOF"). */
      readonly proxied: boolean;
    }
  | { readonly error: string; readonly afterUs: Micros };

/** A kubeconfig `server`. */
export interface ApiEndpoint {
  /** e.g. `https://192.168.3.100:6443 (haproxy)`. */
  readonly description: string;
  resolve(): Resolution;
}

/** One apiserver by host (the local apiserver, or a single master as in seed 003). */
export function hostEndpoint(network: Network, host: HostName): ApiEndpoint {
  return {
    description: `https://${network.hostAddress(host)}:6443`,
    resolve: () => ({ host, address: network.hostAddress(host), proxied: false }),
  };
}

/**
 * Through the HAProxy-style load balancer: the backend it picks for a new connection. With every
 * backend DOWN, HAProxy accepts and closes the connection at once, which clients report as EOF.
 */
export function loadBalancerEndpoint(lb: LoadBalancer, address: string): ApiEndpoint {
  return {
    description: `https://${address}:6443 (haproxy ${lb.name})`,
    resolve: () => {
      const b = lb.pick();
      if (!b) return { error: `Get "https://${address}:6443": EOF`, afterUs: 1_000 };
      return { host: b.host, address, proxied: true };
    },
  };
}

/** Who holds a virtual IP now (kube-vip answers ARP for it on the holder). */
export interface VipHolder {
  readonly address: string;
  readonly holder: HostName | undefined;
}

/**
 * Through a kube-vip virtual IP: the node that holds it. With no holder nothing answers ARP, so a
 * dial waits out its timeout.
 */
export function vipEndpoint(vip: VipHolder, dialTimeoutUs: Micros): ApiEndpoint {
  return {
    description: `https://${vip.address}:6443 (kube-vip)`,
    resolve: () => {
      const h = vip.holder;
      if (h === undefined) {
        return { error: `dial tcp ${vip.address}:6443: i/o timeout`, afterUs: dialTimeoutUs };
      }
      return { host: h, address: vip.address, proxied: false };
    },
  };
}

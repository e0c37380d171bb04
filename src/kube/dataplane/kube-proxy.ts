/**
 * kube-proxy on a node: it follows Services and Endpoints through the API and keeps the forwarding
 * rules (iptables) for each Service's ready endpoints. The rules stay as they are when the API is
 * unreachable, which is why Services keep working while the control plane is down (seed 003).
 * Modelled as a process that runs with the guest (in kubeadm it is a DaemonSet pod; like every
 * container it survives a kubelet stop).
 */
import type { Network } from "../../infra/network.js";
import type { Process } from "../../infra/services.js";
import type { Vm } from "../../infra/vm.js";
import type { Rng } from "../../sim/rng.js";
import { ApiClient, type ClientSettings } from "../client/client.js";
import type { ApiEndpoint } from "../client/endpoint.js";
import { Informer } from "../client/informer.js";
import type { Endpoints } from "../objects/index.js";
import type { EndpointAddress } from "../objects/service.js";
import type { ProcessScope } from "../process-scope.js";

/** What a kube-proxy is built from. */
export interface KubeProxyContext {
  readonly network: Network;
  readonly vm: Vm;
  readonly scope: ProcessScope;
  readonly endpoint: ApiEndpoint;
  readonly clientSettings: ClientSettings;
  readonly rng: Rng;
}

/** One kube-proxy process. */
export class KubeProxy implements Process {
  private readonly endpoints: Informer<Endpoints>;

  constructor(private readonly ctx: KubeProxyContext) {
    const client = new ApiClient(
      ctx.network,
      ctx.vm.name,
      ctx.scope,
      ctx.endpoint,
      ctx.clientSettings,
      `kube-proxy/${ctx.vm.name}`,
    );
    this.endpoints = new Informer<Endpoints>(client, ctx.scope, ctx.rng, { resource: "endpoints" });
    this.endpoints.start();
  }

  /** True once the first list of Endpoints arrived. */
  get synced(): boolean {
    return this.endpoints.hasSynced;
  }

  /** The ready endpoints this node forwards a Service's traffic to (`namespace/name`). */
  backends(service: string): readonly EndpointAddress[] {
    return this.endpoints.get(service)?.addresses ?? [];
  }

  terminate(exited: () => void): void {
    this.ctx.scope.end();
    exited();
  }

  kill(): void {
    this.ctx.scope.end();
  }
}

/**
 * Every setting of the Kubernetes layer in one value, built from the parameter registry
 * (src/world/parameters.ts, where each default has its unit and source) by the world, or directly
 * by tests.
 */
import type { Distribution } from "../sim/distribution.js";
import type { Micros } from "../sim/time.js";
import type { ApiServerSettings } from "./apiserver/server.js";
import type { ClientSettings } from "./client/client.js";
import type { LeaderElectionSettings } from "./client/leader-election.js";
import type { ProbeSpec } from "./component.js";
import type { ControllerSettings } from "./controllers/context.js";
import type { KubeletSettings } from "./node/kubelet.js";
import type { SystemDeployment } from "./objects/addons.js";

/** How control-plane components run: kubeadm static pods, or systemd units (seed 003). */
export type ComponentLayout = "staticPods" | "systemd";

/** What clients outside the control plane dial: HAProxy, a kube-vip VIP, or the first control plane. */
export type EndpointKind = "haproxy" | "kube-vip" | "direct";

/** Stacked etcd (apiserver → local member) or external etcd (apiserver → every member). */
export type EtcdTopology = "stacked" | "external";

/** The workload the cluster runs from the start (seed 003's nginx Deployment and NodePort Service). */
export interface WorkloadSettings {
  readonly name: string;
  readonly namespace: string;
  readonly deployments: number;
  readonly replicas: number;
  readonly image: string;
  readonly port: number;
  readonly nodePort: number;
}

/** The settings of the Kubernetes layer. */
export interface KubeSettings {
  /** Kubernetes minor version, e.g. `1.33`. */
  readonly version: string;
  readonly components: ComponentLayout;
  readonly endpoint: EndpointKind;
  readonly etcdTopology: EtcdTopology;
  /** Address of the control-plane endpoint (the HAProxy frontend or the kube-vip VIP). */
  readonly endpointAddress: string;
  /** How old the cluster is when the run starts (object AGE columns). */
  readonly clusterAgeUs: Micros;
  /** Zones the nodes are spread over (1: no zone label). */
  readonly zones: number;
  readonly client: ClientSettings;
  readonly apiserver: ApiServerSettings;
  readonly kubelet: KubeletSettings;
  readonly controllers: ControllerSettings;
  readonly leaderElection: LeaderElectionSettings;
  readonly kubeVip: LeaderElectionSettings;
  readonly apiserverProbes: { readonly startup: ProbeSpec; readonly liveness: ProbeSpec };
  /** Start-up of a component container or unit. */
  readonly componentStartDelay: Distribution;
  /** systemd `RestartSec` of the component units (Restart=always). */
  readonly systemdRestartUs: Micros;
  readonly workload: WorkloadSettings;
  /** Add-on Deployments running from the start (CoreDNS, CSI controller, …; `kube.systemDeployments`). */
  readonly systemDeployments: readonly SystemDeployment[];
  /** API and Service probes: interval and timeout. */
  readonly probeIntervalUs: Micros;
  readonly probeTimeoutUs: Micros;
}

/** `v1.33.0` for `1.33`. */
export function kubeletVersion(version: string): string {
  return `v${version}.0`;
}

/** The minor version number (33 for `1.33`). */
export function minorVersion(version: string): number {
  const m = /^1\.(\d+)$/.exec(version);
  return m ? Number(m[1]) : 0;
}

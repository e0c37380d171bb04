/**
 * The Kubernetes layer of a world (models with `layers: [infra, etcd, kube]`): a kubeadm cluster on
 * the world's VMs running on the world's etcd (src/kube/cluster.ts), its settings from the
 * parameters, the HAProxy load balancer with `GET /readyz` checks replacing the infrastructure
 * layer's placeholder TCP check (or no load balancer with kube-vip), kubectl on the admin host, and
 * the role targets `kube.controllerManagerLeader`, `kube.schedulerLeader` and `kube.vipHolder`.
 *
 * The layer hangs off the world in a WeakMap ({@link kubeOf}).
 */
import { EtcdNetworkClient } from "../etcd/client.js";
import { LoadBalancer } from "../infra/loadbalancer.js";
import { KubeCluster } from "../kube/cluster.js";
import { Kubectl } from "../kube/kubectl.js";
import { SYSTEM_DEPLOYMENT_SETS } from "../kube/objects/addons.js";
import { type KubeSettings, minorVersion } from "../kube/settings.js";
import { SECOND } from "../sim/time.js";
import { ADMIN_HOST, etcdOf } from "./etcd-world.js";
import { LB_HOST } from "./infra-world.js";
import type { ParameterSet } from "./parameter-set.js";
import type { World } from "./world.js";

/** The control-plane endpoint address (CAPV clusters use a VIP or an HAProxy frontend address). */
export const CONTROL_PLANE_ENDPOINT = "192.168.3.100";

/** What the Kubernetes layer adds to a world. */
export interface KubeLayer {
  readonly cluster: KubeCluster;
  readonly kubectl: Kubectl;
  readonly settings: KubeSettings;
}

const layers = new WeakMap<World, KubeLayer>();

/** The Kubernetes layer of a world, if it has one. */
export function kubeOf(world: World): KubeLayer | undefined {
  return layers.get(world);
}

/** The layer's settings from the parameters (version-dependent defaults applied). */
export function kubeSettingsFrom(p: ParameterSet): KubeSettings {
  const version = p.string("kube.version");
  const explicit = (key: string) => p.get(key).origin !== "default";
  const grace = explicit("kube.kcm.nodeMonitorGracePeriod")
    ? p.duration("kube.kcm.nodeMonitorGracePeriod")
    : minorVersion(version) >= 32
      ? 50 * SECOND
      : 40 * SECOND;
  const livenessPeriod = p.duration("kube.apiserver.livenessPeriod");
  const probeBase = {
    initialDelayUs: p.duration("kube.apiserver.livenessInitialDelay"),
    periodUs: livenessPeriod,
    timeoutUs: p.duration("kube.apiserver.livenessTimeout"),
  };
  return {
    version,
    components: p.string("kube.components") as KubeSettings["components"],
    endpoint: p.string("kube.endpoint") as KubeSettings["endpoint"],
    etcdTopology: p.string("kube.etcdTopology") as KubeSettings["etcdTopology"],
    endpointAddress: CONTROL_PLANE_ENDPOINT,
    clusterAgeUs: p.duration("kube.clusterAge"),
    zones: p.integer("kube.zones"),
    client: {
      dialTimeoutUs: p.duration("kube.client.dialTimeout"),
      readIdleTimeoutUs: p.duration("kube.client.readIdleTimeout"),
      pingTimeoutUs: p.duration("kube.client.pingTimeout"),
    },
    apiserver: {
      requestTimeoutUs: p.duration("kube.apiserver.requestTimeout"),
      etcdHealthTimeoutUs: p.duration("kube.apiserver.etcdHealthcheckTimeout"),
      notReadyTolerationSeconds: p.integer("kube.apiserver.defaultNotReadyTolerationSeconds"),
      unreachableTolerationSeconds: p.integer("kube.apiserver.defaultUnreachableTolerationSeconds"),
      startupUs: p.duration("kube.apiserver.startDuration"),
    },
    kubelet: {
      kubeletVersion: `v${version}.0`,
      nodeStatusUpdateFrequencyUs: p.duration("kube.kubelet.nodeStatusUpdateFrequency"),
      nodeStatusReportFrequencyUs: p.duration("kube.kubelet.nodeStatusReportFrequency"),
      nodeLeaseDurationSeconds: p.integer("kube.kubelet.nodeLeaseDurationSeconds"),
      podStartDelay: p.distribution("kube.kubelet.podStartDuration"),
      podStopDelay: p.distribution("kube.kubelet.podStopDuration"),
      cniStartDelay: p.distribution("kube.cni.startDuration"),
      crashLoopBackoffInitialUs: p.duration("kube.kubelet.crashLoopBackOffInitial"),
      crashLoopBackoffMaxUs: p.duration("kube.kubelet.crashLoopBackOffMax"),
    },
    controllers: {
      nodeMonitorPeriodUs: p.duration("kube.kcm.nodeMonitorPeriod"),
      nodeMonitorGracePeriodUs: grace,
      nodeStartupGracePeriodUs: p.duration("kube.kcm.nodeStartupGracePeriod"),
      nodeEvictionRate: p.number("kube.kcm.nodeEvictionRate"),
      secondaryNodeEvictionRate: p.number("kube.kcm.secondaryNodeEvictionRate"),
      unhealthyZoneThreshold: p.number("kube.kcm.unhealthyZoneThreshold"),
      largeClusterSizeThreshold: p.integer("kube.kcm.largeClusterSizeThreshold"),
    },
    leaderElection: {
      leaseDurationUs: p.duration("kube.leaderElection.leaseDuration"),
      renewDeadlineUs: p.duration("kube.leaderElection.renewDeadline"),
      retryPeriodUs: p.duration("kube.leaderElection.retryPeriod"),
    },
    kubeVip: {
      leaseDurationUs: p.duration("kube.kubeVip.leaseDuration"),
      renewDeadlineUs: p.duration("kube.kubeVip.renewDeadline"),
      retryPeriodUs: p.duration("kube.kubeVip.retryPeriod"),
    },
    apiserverProbes: {
      startup: { ...probeBase, failureThreshold: p.integer("kube.apiserver.startupFailureThreshold") },
      liveness: { ...probeBase, failureThreshold: p.integer("kube.apiserver.livenessFailureThreshold") },
    },
    componentStartDelay: p.distribution("kube.component.startDuration"),
    systemdRestartUs: p.duration("kube.component.restartSec"),
    workload: {
      name: "nginx",
      namespace: "default",
      deployments: p.integer("kube.workload.deployments"),
      replicas: p.integer("kube.workload.replicas"),
      image: "nginx:1.27",
      port: 80,
      nodePort: p.integer("kube.workload.nodePort"),
    },
    systemDeployments: SYSTEM_DEPLOYMENT_SETS.get(p.string("kube.systemDeployments")) ?? [],
    probeIntervalUs: p.duration("kube.probe.interval"),
    probeTimeoutUs: p.duration("kube.probe.timeout"),
  };
}

/** Installs Kubernetes on an infrastructure world that has the etcd layer. */
export function installKubeLayer(world: World): KubeLayer {
  const etcd = etcdOf(world);
  if (!etcd) throw new Error("the kube layer needs the etcd layer (spec.layers: [infra, etcd, kube])");
  const { sim, network, params } = world;
  const settings = kubeSettingsFrom(params);
  const cps = world.topology.controlPlanes;
  const infraLb = world.loadBalancer;
  infraLb?.stop();
  world.loadBalancer = undefined;
  const cluster = new KubeCluster({
    sim,
    network,
    hypervisor: world.hypervisor,
    controlPlanes: cps,
    workers: world.topology.workers,
    services: world.services,
    settings,
    adminHost: ADMIN_HOST,
    lbHost: LB_HOST,
    etcdFor: (host, schedule) =>
      new EtcdNetworkClient(sim, network, host, {
        endpoints: settings.etcdTopology === "stacked" ? [host] : cps,
        schedule,
      }),
    makeLoadBalancer: (check, backends) => {
      const lb = new LoadBalancer(sim, {
        name: infraLb?.name ?? "kube_api_backend",
        balance: params.string("lb.balance") === "first" ? "first" : "roundrobin",
        interUs: params.duration("lb.inter"),
        downinterUs: params.duration("lb.downinter"),
        rise: params.integer("lb.rise"),
        fall: params.integer("lb.fall"),
        timeoutCheckUs: params.duration("lb.checkTimeout"),
        timeoutConnectUs: params.duration("lb.connectTimeout"),
        check,
        backends,
      });
      world.loadBalancer = lb;
      return lb;
    },
  });
  cluster.install();
  const kubectl = new Kubectl({
    adminClient: () => cluster.adminClient(),
    endpointAddress: settings.endpoint === "direct" ? network.hostAddress(cps[0]!) : settings.endpointAddress,
    get now() {
      return sim.now;
    },
    after: (d, fn) => void sim.after(d, fn),
    emit: (k, s, f) => void sim.emit(k, s, f),
  });

  const hostOf = (identity: string | undefined) => identity?.split("_")[0];
  const leaderHost = (lease: string) => () => {
    const map = lease === "kube-controller-manager" ? cluster.controllerManagers : cluster.schedulers;
    for (const [host, c] of map) if (c.elector.isLeader) return hostOf(host);
    return undefined;
  };
  world.addRole("kube.controllerManagerLeader", {
    kinds: ["vm", "host"],
    summary: "the control-plane VM whose kube-controller-manager holds the leader lease",
    resolve: leaderHost("kube-controller-manager"),
  });
  world.addRole("kube.schedulerLeader", {
    kinds: ["vm", "host"],
    summary: "the control-plane VM whose kube-scheduler holds the leader lease",
    resolve: leaderHost("kube-scheduler"),
  });
  world.addRole("kube.vipHolder", {
    kinds: ["vm", "host"],
    summary: "the control-plane VM that holds the kube-vip virtual IP",
    resolve: () => cluster.vip?.holder,
  });

  const layer: KubeLayer = { cluster, kubectl, settings };
  layers.set(world, layer);
  return layer;
}

/**
 * The Cluster API layer of a world (models with `layers: [infra, etcd, kube, capi]`): the CAPI
 * controllers of one workload cluster (src/capi/manager.ts) bound to the simulated Kubernetes and
 * etcd layers (capi-workload.ts), placed in a separate management cluster on the host `mgmt` or
 * self-hosted (`capi.placement`), with the running cluster adopted at the start: one Machine per
 * existing VM (named like the VM and its Node), the KubeadmControlPlane, a MachineDeployment and
 * its MachineSet, and MachineHealthChecks for both.
 *
 * It also keeps the world's VM plumbing right for VMs CAPI creates (a systemd per new VM), removes
 * a deleted control-plane Machine's HAProxy backend (CAPV's HAProxyLoadBalancer controller rewrote
 * the backends from the control-plane Machines), and watches whether the cluster is whole again:
 * `capi.recovery {complete}` when every desired Machine is Running with a Ready Node, the etcd
 * cluster has exactly the desired voting members, all following a leader, and every desired pod of
 * the workload is available.
 *
 * The layer hangs off the world in a WeakMap ({@link capiOf}); roles `capi.controlPlaneMachines`
 * and `capi.workerMachines` name the Machines that exist when a step runs.
 */
import { type AdoptionSpec, CapiManager } from "../capi/manager.js";
import { defaultMhcSpec } from "../capi/objects/build.js";
import type { Machine } from "../capi/objects/machine.js";
import type { MachineHealthCheckSpec } from "../capi/objects/machine-health-check.js";
import type { StringMap } from "../capi/objects/meta.js";
import type { PlacementMode } from "../capi/placement.js";
import { type CapiSettings, DEFAULT_CAPI_SETTINGS } from "../capi/settings.js";
import type { CapiVersion } from "../capi/version.js";
import type { Node } from "../kube/objects/index.js";
import { SECOND } from "../sim/time.js";
import { servicesFor } from "./capi-node-join.js";
import { CapiWorkloadBinding } from "./capi-workload.js";
import { etcdOf } from "./etcd-world.js";
import { kubeOf } from "./kube-world.js";
import type { ParameterSet } from "./parameter-set.js";
import type { World } from "./world.js";

/** Host of the management cluster's controllers. */
export const MGMT_HOST = "mgmt";

/** What the CAPI layer adds to a world. */
export interface CapiLayer {
  readonly manager: CapiManager;
  readonly binding: CapiWorkloadBinding;
  readonly spec: AdoptionSpec;
}

const layers = new WeakMap<World, CapiLayer>();

/** The CAPI layer of a world, if it has one. */
export function capiOf(world: World): CapiLayer | undefined {
  return layers.get(world);
}

/** The layer's settings from the parameters. */
export function capiSettingsFrom(p: ParameterSet): CapiSettings {
  const d = DEFAULT_CAPI_SETTINGS;
  const kubeVersion = p.string("kube.version");
  const vmop = p.string("capi.infrastructure") === "vmop";
  return {
    ...d,
    version: p.string("capi.version") as CapiVersion,
    kubernetesVersion: `v${kubeVersion}.0`,
    placement: p.string("capi.placement") as PlacementMode,
    syncPeriodUs: p.duration("capi.syncPeriod"),
    probeIntervalUs: p.duration("capi.clusterCache.probeInterval"),
    probeTimeoutUs: p.duration("capi.clusterCache.probeTimeout"),
    probeFailureThreshold: p.integer("capi.clusterCache.failureThreshold"),
    remoteConditionsGracePeriodUs: p.duration("capi.remoteConditionsGracePeriod"),
    drainRetryUs: p.duration("capi.drainRetryInterval"),
    tokenTtlUs: p.duration("capi.bootstrapTokenTTL"),
    mhcEnabled: p.boolean("capi.mhc.enabled"),
    infra: {
      ...d.infra,
      provider: vmop ? "vmop" : "capv",
      cloneMode: (vmop ? p.string("vmop.cloneMode") : p.string("capv.cloneMode")) as
        | "linkedClone"
        | "fullClone",
      linkedCloneDuration: p.distribution("capv.linkedCloneDuration"),
      fullCloneDuration: p.distribution("capv.fullCloneDuration"),
      capvSyncPeriodUs: p.duration("capv.syncPeriod"),
      ipPollUs: p.duration("capv.ipPollInterval"),
      capvFailsMissingVm: ["0.7", "1.7"].includes(p.string("capv.version")),
      vmopSyncPeriodUs: p.duration("vmop.syncPeriod"),
      vmopPowerWatch: p.boolean("vmop.powerStateWatch"),
      vmopWatchDelay: p.distribution("vmop.watchDelay"),
      vcenterTask: p.distribution("capv.vcenterTaskDuration"),
    },
    join: {
      ...d.join,
      cloudInit: p.distribution("kubeadm.cloudInitDuration"),
      discoveryTimeoutUs: p.duration("kubeadm.discoveryTimeout"),
      discoveryRetryUs: p.duration("kubeadm.discoveryRetryInterval"),
      rerunAfterUs: p.duration("kubeadm.rerunAfter"),
      controlPlaneSetup: p.distribution("kubeadm.controlPlaneSetupDuration"),
      learnerSync: p.distribution("kubeadm.learnerSyncDuration"),
    },
  };
}

function mhcSpec(p: ParameterSet, cluster: string, selector: StringMap): MachineHealthCheckSpec {
  const base = defaultMhcSpec(cluster, selector, p.duration("capi.mhc.unhealthyTimeout"));
  return {
    ...base,
    checks: { ...base.checks, nodeStartupTimeoutUs: p.duration("capi.mhc.nodeStartupTimeout") },
    remediation: { triggerIf: { unhealthyLessThanOrEqualTo: `${p.integer("capi.mhc.maxUnhealthy")}%` } },
  };
}

/** Installs the CAPI layer on a world that has the etcd and kube layers. */
export function installCapiLayer(world: World): CapiLayer {
  const kube = kubeOf(world);
  const etcd = etcdOf(world);
  if (!kube || !etcd)
    throw new Error("the capi layer needs the etcd and kube layers (spec.layers: [infra, etcd, kube, capi])");
  const { sim, params: p } = world;
  const settings = capiSettingsFrom(p);
  world.network.addHost(MGMT_HOST);
  const binding = new CapiWorkloadBinding(world, kube, etcd, MGMT_HOST);
  const clusterName = world.modelName;
  const manager = new CapiManager(sim, world.hypervisor, binding, binding, settings, clusterName);
  const base = {
    clusterName,
    kcpName: `${clusterName}-control-plane`,
    deploymentName: `${clusterName}-md-0`,
    controlPlaneVms: world.topology.controlPlanes,
    workerVms: world.topology.workers,
    ageUs: p.duration("kube.clusterAge"),
  };
  const sel = CapiManager.selectors(base);
  const maxRetry = p.integer("capi.kcp.maxRetry");
  const maxInFlight = p.integer("capi.md.maxInFlight");
  const spec: AdoptionSpec = {
    ...base,
    controlPlaneMhc: mhcSpec(p, clusterName, sel.controlPlane),
    workerMhc: mhcSpec(p, clusterName, sel.workers),
    ...(maxInFlight > 0 ? { maxInFlight } : {}),
  };
  manager.adopt(spec);
  const kcp = manager.store.get("KubeadmControlPlane", spec.kcpName)!;
  manager.store.update({
    ...kcp,
    spec: {
      ...kcp.spec,
      remediation: {
        retryPeriodUs: p.duration("capi.kcp.retryPeriod"),
        minHealthyPeriodUs: p.duration("capi.kcp.minHealthyPeriod"),
        ...(maxRetry >= 0 ? { maxRetry } : {}),
      },
    },
  });

  // Every VM CAPI creates gets its systemd, ready for the units kubeadm join installs.
  world.hypervisor.onCreated((vm) => {
    if (sim.now > 0 || !world.services.has(vm.name)) servicesFor(world, vm);
  });
  // CAPV's HAProxyLoadBalancer drops a deleted control-plane Machine's backend.
  manager.store.watch("Machine", (old, m) => {
    if (m || !old || world.loadBalancer === undefined) return;
    if (world.loadBalancer.snapshot().some((b) => b.name === old.metadata.name))
      world.loadBalancer.removeBackend(old.metadata.name);
  });

  kube.cluster.whenPhase("running", () => {
    manager.start();
    startRecoveryMonitor(world, manager);
  });

  const machinesOf = (owner: "KubeadmControlPlane" | "MachineSet") => () =>
    manager.store
      .list("Machine")
      .filter((m) => m.metadata.owner?.kind === owner && m.metadata.deletionTimestampUs === undefined)
      .map((m) => m.metadata.name);
  world.addRole("capi.controlPlaneMachines", {
    kinds: ["vm", "host"],
    summary: "the control-plane Machines that exist (and are not deleting) when the step runs, oldest first",
    resolve: machinesOf("KubeadmControlPlane"),
  });
  world.addRole("capi.workerMachines", {
    kinds: ["vm", "host"],
    summary: "the worker Machines that exist (and are not deleting) when the step runs, oldest first",
    resolve: machinesOf("MachineSet"),
  });

  const layer: CapiLayer = { manager, binding, spec };
  layers.set(world, layer);
  return layer;
}

/** What "the cluster is whole again" is made of, at one instant. */
export interface RecoveryState {
  readonly complete: boolean;
  readonly machinesRunning: number;
  readonly machinesDesired: number;
  readonly nodesReady: number;
  readonly etcdVoters: number;
  readonly etcdHealthy: number;
  readonly podsAvailable: number;
  readonly podsDesired: number;
}

/** Evaluates recovery from the world's state (management objects, API state, etcd registry). */
export function recoveryState(world: World, manager: CapiManager): RecoveryState {
  const kube = kubeOf(world);
  const etcd = etcdOf(world);
  const store = manager.store;
  const kcp = store.list("KubeadmControlPlane")[0];
  const ms = store.list("MachineSet")[0];
  const desired = (kcp?.spec.replicas ?? 0) + (ms?.spec.replicas ?? 0);
  const machines = store.list("Machine");
  const live = machines.filter((m) => m.metadata.deletionTimestampUs === undefined);
  const running = live.filter((m) => m.status.phase === "Running" && m.status.nodeRef !== undefined);
  const nodes = new Map<string, Node>();
  for (const n of kube?.cluster.observer.objects<Node>("nodes") ?? []) nodes.set(n.metadata.name, n);
  const ready = (m: Machine) =>
    nodes
      .get(m.status.nodeRef!.name)
      ?.status.conditions.some((c) => c.type === "Ready" && c.status === "True") === true;
  const nodesReady = running.filter(ready).length;
  const state = etcd?.cluster.state;
  const wl = kube?.settings.workload;
  const podsDesired = wl && world.topology.workers.length > 0 ? wl.deployments * wl.replicas : 0;
  const podsAvailable = kube?.cluster.observer.podCounts.available ?? 0;
  const cpDesired = kcp?.spec.replicas ?? 0;
  const complete =
    machines.length === desired &&
    running.length === desired &&
    nodesReady === desired &&
    state?.quorum === true &&
    state.voters === cpDesired &&
    state.healthy === cpDesired &&
    podsAvailable >= podsDesired;
  return {
    complete,
    machinesRunning: running.length,
    machinesDesired: desired,
    nodesReady,
    etcdVoters: state?.voters ?? 0,
    etcdHealthy: state?.healthy ?? 0,
    podsAvailable,
    podsDesired,
  };
}

/** Checks recovery every second and writes `capi.recovery` when it changes. */
function startRecoveryMonitor(world: World, manager: CapiManager): void {
  let last: boolean | undefined;
  const tick = () => {
    const s = recoveryState(world, manager);
    if (s.complete !== last) {
      last = s.complete;
      world.sim.emit("capi.recovery", world.modelName, { ...s });
    }
    world.sim.after(SECOND, tick);
  };
  tick();
}

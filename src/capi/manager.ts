/**
 * The Cluster API layer of one workload cluster: the management store, the ClusterCache, where the
 * controllers run, and the controllers themselves — Machine, MachineSet, KubeadmControlPlane,
 * MachineHealthCheck, the kubeadm bootstrap provider and the infrastructure provider (CAPV or VM
 * Operator) — with the watches that wake them, as controller-runtime wires them:
 *
 * - a Machine change wakes the Machine, its owner, its bootstrap config and every MHC;
 * - an infrastructure or bootstrap object's status change wakes its Machine;
 * - a Node change in the ClusterCache wakes the Machine that references it and every MHC (KCP does
 *   not watch Nodes; it requeues every 20 s while components are unhealthy);
 * - VM Operator's property watcher wakes a VirtualMachine seconds after its VM's power state
 *   changes or the VM disappears (CAPV has no such watch);
 * - every controller resyncs every key at its sync period (10 min; VM Operator 30 min).
 *
 * `adopt` describes a cluster that is already running when the run starts: one Machine per
 * existing VM (named like the VM, Running, with its Node), the KubeadmControlPlane, a
 * MachineDeployment with its MachineSet, and the MachineHealthChecks.
 */
import type { Hypervisor } from "../infra/hypervisor.js";
import { sample } from "../sim/distribution.js";
import type { Simulation } from "../sim/simulation.js";
import type { Micros } from "../sim/time.js";
import { reconcileKubeadmConfig } from "./bootstrap/controller.js";
import type { JoinEnvironment } from "./bootstrap/join-environment.js";
import type { CapiContext } from "./context.js";
import { reconcileCapvVm } from "./infra/capv.js";
import { reconcileVirtualMachine } from "./infra/vmop.js";
import { reconcileKcp } from "./kcp/controller.js";
import { reconcileMachine } from "./machine/controller.js";
import { reconcileMachineSet } from "./machineset/controller.js";
import { reconcileMhc } from "./mhc/controller.js";
import { generateName } from "./names.js";
import {
  DEFAULT_DELETION,
  newCluster,
  newInfraMachine,
  newKubeadmConfig,
  newKubeadmControlPlane,
  newMachine,
  newMachineHealthCheck,
  newMachineSet,
} from "./objects/build.js";
import type { Condition } from "./objects/conditions.js";
import type { Machine } from "./objects/machine.js";
import type { MachineHealthCheckSpec } from "./objects/machine-health-check.js";
import {
  KCP_CLEANUP_HOOK,
  LABEL_CLUSTER_NAME,
  LABEL_CONTROL_PLANE,
  LABEL_DEPLOYMENT_NAME,
} from "./objects/meta.js";
import { ControllerPlacement } from "./placement.js";
import { Controller } from "./runtime/controller.js";
import type { CapiSettings } from "./settings.js";
import { ManagementStore } from "./store.js";
import { capiFeatures } from "./version.js";
import type { WorkloadClusterApi } from "./workload/api.js";
import { ClusterCache } from "./workload/cluster-cache.js";

/** The running cluster to describe at the start. */
export interface AdoptionSpec {
  readonly clusterName: string;
  /** Name of the KubeadmControlPlane (`<cluster>-control-plane`). */
  readonly kcpName: string;
  /** Name of the MachineDeployment (`<cluster>-md-0`); its MachineSet gets a random suffix. */
  readonly deploymentName: string;
  readonly controlPlaneVms: readonly string[];
  readonly workerVms: readonly string[];
  /** How long ago the cluster was created (its objects' age; its join tokens long expired). */
  readonly ageUs: Micros;
  readonly controlPlaneMhc?: MachineHealthCheckSpec;
  readonly workerMhc?: MachineHealthCheckSpec;
  /** MachineDeployment `maxInFlight`. */
  readonly maxInFlight?: number;
}

/** Every controller of the layer. */
export interface CapiControllers {
  readonly machine: Controller;
  readonly machineSet: Controller;
  readonly kcp: Controller;
  readonly mhc: Controller;
  readonly bootstrap: Controller;
  readonly infra: Controller;
}

/** The Cluster API layer. */
export class CapiManager {
  readonly store: ManagementStore;
  readonly cache: ClusterCache;
  readonly placement: ControllerPlacement;
  readonly ctx: CapiContext;
  readonly controllers: CapiControllers;

  constructor(
    private readonly sim: Simulation,
    readonly hypervisor: Hypervisor,
    api: WorkloadClusterApi,
    join: JoinEnvironment,
    readonly settings: CapiSettings,
    clusterName: string,
  ) {
    this.store = new ManagementStore(sim);
    this.cache = new ClusterCache(sim, api, {
      cluster: clusterName,
      intervalUs: settings.probeIntervalUs,
      timeoutUs: settings.probeTimeoutUs,
      failureThreshold: settings.probeFailureThreshold,
    });
    this.placement = new ControllerPlacement(sim, settings.placement, api);
    const features = capiFeatures(settings.version);
    this.ctx = {
      sim,
      store: this.store,
      cache: this.cache,
      hypervisor,
      join,
      settings,
      features,
      clusterName,
      names: sim.rng.stream("capi/names"),
      timing: sim.rng.stream("capi/timing"),
    };
    const ctx = this.ctx;
    const keys = (kind: Parameters<ManagementStore["list"]>[0]) => () =>
      this.store.list(kind).map((o) => o.metadata.name);
    const sync = settings.syncPeriodUs;
    const rng = (n: string) => sim.rng.stream(`capi/resync/${n}`);
    const infraIsVmop = settings.infra.provider === "vmop";
    this.controllers = {
      machine: new Controller(
        sim,
        { name: "machine", syncPeriodUs: sync, keys: keys("Machine"), rng: rng("machine") },
        (k) => reconcileMachine(ctx, k),
      ),
      machineSet: new Controller(
        sim,
        { name: "machineset", syncPeriodUs: sync, keys: keys("MachineSet"), rng: rng("machineset") },
        (k) => reconcileMachineSet(ctx, k),
      ),
      kcp: new Controller(
        sim,
        {
          name: "kubeadmcontrolplane",
          syncPeriodUs: sync,
          keys: keys("KubeadmControlPlane"),
          rng: rng("kcp"),
        },
        (k) => reconcileKcp(ctx, k),
      ),
      mhc: new Controller(
        sim,
        {
          name: "machinehealthcheck",
          syncPeriodUs: sync,
          keys: keys("MachineHealthCheck"),
          rng: rng("mhc"),
          rateLimitUs: features.mhcRateLimitUs,
        },
        (k) => reconcileMhc(ctx, k),
      ),
      bootstrap: new Controller(
        sim,
        { name: "kubeadmconfig", syncPeriodUs: sync, keys: keys("KubeadmConfig"), rng: rng("kubeadmconfig") },
        (k) => reconcileKubeadmConfig(ctx, k),
      ),
      infra: new Controller(
        sim,
        {
          name: infraIsVmop ? "virtualmachine" : "vspherevm",
          syncPeriodUs: infraIsVmop ? settings.infra.vmopSyncPeriodUs : settings.infra.capvSyncPeriodUs,
          keys: keys("InfraMachine"),
          rng: rng("infra"),
        },
        (k) => (infraIsVmop ? reconcileVirtualMachine(ctx, k) : reconcileCapvVm(ctx, k)),
      ),
    };
    this.wire();
  }

  private all(): Controller[] {
    return Object.values(this.controllers);
  }

  private mhcsAll(): void {
    if (!this.settings.mhcEnabled) return;
    for (const m of this.store.list("MachineHealthCheck")) this.controllers.mhc.enqueue(m.metadata.name);
  }

  private ownerOf(m: Machine): void {
    const o = m.metadata.owner;
    if (o?.kind === "KubeadmControlPlane") this.controllers.kcp.enqueue(o.name);
    if (o?.kind === "MachineSet") this.controllers.machineSet.enqueue(o.name);
  }

  private wire(): void {
    const c = this.controllers;
    this.store.watch("Machine", (old, m) => {
      const x = (m ?? old)!;
      if (m) c.machine.enqueue(m.metadata.name);
      else c.machine.forget(x.metadata.name);
      this.ownerOf(x);
      if (m && old && m.status.nodeRef !== old.status.nodeRef)
        c.bootstrap.enqueue(m.spec.bootstrapConfigName);
      this.mhcsAll();
    });
    this.store.watch("InfraMachine", (old, im) => {
      if (
        im &&
        (!old || old.metadata.deletionTimestampUs !== im.metadata.deletionTimestampUs || old.spec !== im.spec)
      ) {
        c.infra.enqueue(im.metadata.name);
      }
      if (!im && old) c.infra.forget(old.metadata.name);
      const owner = (im ?? old)?.metadata.owner;
      if (owner?.kind === "Machine" && (!im || !old || im.status !== old.status))
        c.machine.enqueue(owner.name);
    });
    this.store.watch("KubeadmConfig", (old, cfg) => {
      if (cfg && (!old || old.metadata.deletionTimestampUs !== cfg.metadata.deletionTimestampUs))
        c.bootstrap.enqueue(cfg.metadata.name);
      if (cfg && old && cfg.status.dataSecretCreated !== old.status.dataSecretCreated) {
        c.infra.enqueue(cfg.metadata.name);
        if (cfg.metadata.owner) c.machine.enqueue(cfg.metadata.owner.name);
      }
    });
    this.store.watch("KubeadmControlPlane", (old, k) => {
      if (k && (!old || old.spec !== k.spec || old.metadata.annotations !== k.metadata.annotations))
        c.kcp.enqueue(k.metadata.name);
    });
    this.store.watch("MachineSet", (old, ms) => {
      if (ms && (!old || old.spec !== ms.spec)) c.machineSet.enqueue(ms.metadata.name);
    });
    this.store.watch("MachineHealthCheck", (old, m) => {
      if (m && (!old || old.spec !== m.spec)) c.mhc.enqueue(m.metadata.name);
    });
    this.store.watch("Cluster", (old, cl) => {
      if (cl && old && old.spec !== cl.spec)
        for (const m of this.store.list("Machine")) c.machine.enqueue(m.metadata.name);
      this.mhcsAll();
      for (const k of this.store.list("KubeadmControlPlane")) c.kcp.enqueue(k.metadata.name);
    });
    this.cache.onNodeEvent((node) => {
      for (const m of this.store.list("Machine")) {
        if (m.status.nodeRef?.name === node || (m.status.nodeRef === undefined && m.metadata.name === node))
          c.machine.enqueue(m.metadata.name);
      }
      this.mhcsAll();
    });
    this.cache.onConnectionChange(() => {
      for (const m of this.store.list("Machine")) c.machine.enqueue(m.metadata.name);
      for (const k of this.store.list("KubeadmControlPlane")) c.kcp.enqueue(k.metadata.name);
      this.mhcsAll();
    });
    if (this.settings.infra.provider === "vmop" && this.settings.infra.vmopPowerWatch) {
      this.hypervisor.onPowerChange((vm) => {
        if (!this.store.has("InfraMachine", vm.name)) return;
        c.infra.enqueueAfter(vm.name, sample(this.settings.infra.vmopWatchDelay, this.ctx.timing));
      });
    }
    this.placement.onChange((running) => {
      for (const ctl of this.all()) {
        if (running) ctl.resume();
        else ctl.pause();
      }
    });
  }

  /** Starts probing, leader election and the first reconcile of every object. */
  start(): void {
    this.cache.start();
    this.placement.start();
    const c = this.controllers;
    for (const m of this.store.list("Machine")) c.machine.enqueue(m.metadata.name);
    for (const k of this.store.list("KubeadmControlPlane")) c.kcp.enqueue(k.metadata.name);
    for (const s of this.store.list("MachineSet")) c.machineSet.enqueue(s.metadata.name);
    for (const b of this.store.list("KubeadmConfig")) c.bootstrap.enqueue(b.metadata.name);
    for (const i of this.store.list("InfraMachine")) c.infra.enqueue(i.metadata.name);
    this.mhcsAll();
  }

  /** Describes the running cluster at the start of the run (see the file comment). */
  adopt(spec: AdoptionSpec): void {
    const now = this.sim.now;
    const born = now - spec.ageUs;
    const s = this.store;
    const f = this.ctx.features;
    s.create(
      newCluster({
        name: spec.clusterName,
        nowUs: born,
        endpoint: "control-plane-endpoint:6443",
        readyAtUs: born,
      }),
    );
    s.create(
      newKubeadmControlPlane({
        name: spec.kcpName,
        clusterName: spec.clusterName,
        replicas: spec.controlPlaneVms.length,
        nowUs: born,
        version: this.settings.kubernetesVersion,
      }),
    );
    const msName = generateName(spec.deploymentName, this.ctx.names);
    s.create({
      kind: "MachineDeployment",
      metadata: {
        name: spec.deploymentName,
        uid: "",
        creationTimestampUs: born,
        labels: { [LABEL_CLUSTER_NAME]: spec.clusterName },
        annotations: {},
        resourceVersion: 0,
      },
      spec: { clusterName: spec.clusterName, replicas: spec.workerVms.length, machineSetName: msName },
      status: {
        replicas: spec.workerVms.length,
        readyReplicas: spec.workerVms.length,
        availableReplicas: spec.workerVms.length,
      },
    });
    s.create(
      newMachineSet({
        name: msName,
        clusterName: spec.clusterName,
        replicas: spec.workerVms.length,
        nowUs: born,
        deploymentName: spec.deploymentName,
        version: this.settings.kubernetesVersion,
        ...(spec.maxInFlight !== undefined ? { maxInFlight: spec.maxInFlight } : {}),
      }),
    );
    const ms = s.get("MachineSet", msName)!;
    const healthy = (at: Micros, cp: boolean): Condition[] => {
      const t = (type: string, reason: string): Condition => ({
        type,
        status: "True",
        reason,
        message: "",
        lastTransitionTimeUs: at,
      });
      const out = [
        t("BootstrapConfigReady", "Ready"),
        t("InfrastructureReady", "Ready"),
        t("NodeReady", "KubeletReady"),
        t("NodeHealthy", "NodeHealthy"),
      ];
      if (cp) {
        out.push(
          t("APIServerPodHealthy", "Running"),
          t("ControllerManagerPodHealthy", "Running"),
          t("SchedulerPodHealthy", "Running"),
          t("EtcdPodHealthy", "Running"),
          t("EtcdMemberHealthy", "Healthy"),
        );
      }
      return out;
    };
    const add = (vmName: string, cp: boolean) => {
      const vm = this.hypervisor.require(vmName);
      const owner = { kind: "Machine" as const, name: vmName };
      const cfg = newKubeadmConfig(vmName, cp, born, owner);
      s.create({
        ...cfg,
        status: {
          dataSecretCreated: true,
          tokenId: tokenIdFor(vmName),
          tokenExpiresAtUs: born + this.settings.tokenTtlUs,
        },
      });
      const im = newInfraMachine({
        name: vmName,
        provider: this.settings.infra.provider,
        cloneMode: this.settings.infra.cloneMode,
        nowUs: born,
        owner,
      });
      s.create({
        ...im,
        status: {
          ...im.status,
          ready: true,
          biosUUID: vm.uuid,
          addresses: [vm.address],
          powerState: "poweredOn",
        },
      });
      const labels: Record<string, string> = cp ? { [LABEL_CONTROL_PLANE]: "" } : { ...ms.spec.selector };
      const annotations: Record<string, string> =
        cp && f.etcdRemovalInPreTerminateHook ? { [KCP_CLEANUP_HOOK]: "" } : {};
      const m = newMachine({
        name: vmName,
        clusterName: spec.clusterName,
        nowUs: born,
        owner: cp
          ? { kind: "KubeadmControlPlane", name: spec.kcpName }
          : { kind: "MachineSet", name: msName },
        labels,
        annotations,
        version: this.settings.kubernetesVersion,
        deletion: DEFAULT_DELETION,
      });
      s.create({
        ...m,
        spec: { ...m.spec, providerID: `vsphere://${vm.uuid}` },
        status: {
          ...m.status,
          phase: "Running",
          bootstrapReady: true,
          infrastructureReady: true,
          nodeRef: { name: vmName },
          addresses: [vm.address],
          conditions: healthy(born, cp),
        },
      });
    };
    for (const v of spec.controlPlaneVms) add(v, true);
    for (const v of spec.workerVms) add(v, false);
    if (this.settings.mhcEnabled) {
      if (spec.controlPlaneMhc)
        s.create(
          newMachineHealthCheck(`${spec.clusterName}-control-plane-unhealthy-5m`, spec.controlPlaneMhc, born),
        );
      if (spec.workerMhc)
        s.create(newMachineHealthCheck(`${spec.clusterName}-md-0-unhealthy-5m`, spec.workerMhc, born));
    }
  }

  /** The MHC selectors `adopt` uses: control-plane Machines, and the deployment's Machines. */
  static selectors(spec: Pick<AdoptionSpec, "deploymentName">): {
    controlPlane: Record<string, string>;
    workers: Record<string, string>;
  } {
    return {
      controlPlane: { [LABEL_CONTROL_PLANE]: "" },
      workers: { [LABEL_DEPLOYMENT_NAME]: spec.deploymentName },
    };
  }
}

/** A stable six-character token ID for an adopted Machine (its token expired long ago). */
function tokenIdFor(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  let s = "";
  for (let i = 0; i < 6; i++) {
    s += alphabet[h % 36];
    h = Math.floor(h / 36) + 7919 * (i + 1);
  }
  return s;
}

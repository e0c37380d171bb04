/**
 * The timings and switches of the Cluster API model, each a parameter of the world
 * (src/world/capi-parameters.ts lists their defaults and sources; docs/capi.md explains them).
 */
import type { Distribution } from "../sim/distribution.js";
import type { Micros } from "../sim/time.js";
import type { PlacementMode } from "./placement.js";
import type { CapiVersion } from "./version.js";

/** CAPV or VM Operator settings. */
export interface InfraSettings {
  /** Which controller owns the VMs: CAPV (govmomi) or VM Operator (vSphere Supervisor / TKGS). */
  readonly provider: "capv" | "vmop";
  readonly cloneMode: "linkedClone" | "fullClone";
  /** Linked and full clone durations (vmpooler PR #333: 5–10 s and 90–180 s, capi-kube.md §4.3). */
  readonly linkedCloneDuration: Distribution;
  readonly fullCloneDuration: Distribution;
  /** CAPV's `--sync-period` (10 min): without an event, a VSphereVM is reconciled this often. */
  readonly capvSyncPeriodUs: Micros;
  /** CAPV requeue while waiting for the VM's IP (10 s). */
  readonly ipPollUs: Micros;
  /** CAPV < 1.8 marks a VM not found by BIOS UUID as failed (failureReason UpdateError). */
  readonly capvFailsMissingVm: boolean;
  /** VM Operator's resync period (30 min). */
  readonly vmopSyncPeriodUs: Micros;
  /** VM Operator's vSphere property watcher (AsyncSignalEnabled): power changes are seen in seconds. */
  readonly vmopPowerWatch: boolean;
  /** Delay from a power change in vCenter to VM Operator's reconcile, with the watcher. */
  readonly vmopWatchDelay: Distribution;
  /** vSphere task latency for power on/off and destroy. */
  readonly vcenterTask: Distribution;
}

/** kubeadm join on a new VM. */
export interface JoinSettings {
  /** cloud-init up to the start of `kubeadm join` after the guest booted. */
  readonly cloudInit: Distribution;
  /** kubeadm's discovery timeout (5 min). */
  readonly discoveryTimeoutUs: Micros;
  /** Interval between discovery attempts ("will try again", about 5 s). */
  readonly discoveryRetryUs: Micros;
  /** Pause before the bootstrap script runs kubeadm join again after a failure (15 s in seed 001). */
  readonly rerunAfterUs: Micros;
  /** Control-plane join: certificates, manifests and the control-plane static Pods starting. */
  readonly controlPlaneSetup: Distribution;
  /** Time for a learner to catch up before kubeadm promotes it. */
  readonly learnerSync: Distribution;
}

/** Everything the CAPI layer is configured with. */
export interface CapiSettings {
  readonly version: CapiVersion;
  /** Kubernetes version of the workload cluster (`v1.32.3`), for KCP rules that depend on it. */
  readonly kubernetesVersion: string;
  readonly placement: PlacementMode;
  /** The CAPI managers' `--sync-period` (10 min). */
  readonly syncPeriodUs: Micros;
  /** ClusterCache health probe. */
  readonly probeIntervalUs: Micros;
  readonly probeTimeoutUs: Micros;
  readonly probeFailureThreshold: number;
  /** `--remote-conditions-grace-period` (5 min): Machine Node conditions go Unknown after it. */
  readonly remoteConditionsGracePeriodUs: Micros;
  /** Drain retry interval (20 s). */
  readonly drainRetryUs: Micros;
  /** CABPK bootstrap token TTL (15 min). */
  readonly tokenTtlUs: Micros;
  /** MHC enabled at all (the 2020-era CAPV templates had none). */
  readonly mhcEnabled: boolean;
  readonly infra: InfraSettings;
  readonly join: JoinSettings;
}

const s = 1_000_000;
const uniform = (min: number, max: number): Distribution => ({ kind: "uniform", min, max });

/**
 * Defaults of every setting, with their sources (the parameter registry, src/world/capi-parameters.ts,
 * repeats them with units; docs/capi.md explains them).
 */
export const DEFAULT_CAPI_SETTINGS: CapiSettings = {
  version: "1.13",
  kubernetesVersion: "v1.32.3",
  placement: "separate",
  // core/main.go `--sync-period` (capi-kube.md §1.4).
  syncPeriodUs: 600 * s,
  // controllers/clustercache: interval 10 s, timeout 5 s, failure threshold 5 (capi-kube.md §1.4).
  probeIntervalUs: 10 * s,
  probeTimeoutUs: 5 * s,
  probeFailureThreshold: 5,
  // core/main.go `--remote-conditions-grace-period` 5 min.
  remoteConditionsGracePeriodUs: 300 * s,
  // machine controller `drainRetryInterval` 20 s (capi-kube.md §3.2).
  drainRetryUs: 20 * s,
  // CABPK `--bootstrap-token-ttl` 15 min (capi-kube.md §6).
  tokenTtlUs: 900 * s,
  mhcEnabled: true,
  infra: {
    provider: "capv",
    cloneMode: "linkedClone",
    linkedCloneDuration: uniform(5 * s, 10 * s),
    fullCloneDuration: uniform(90 * s, 180 * s),
    // CAPV pkg/manager/constants.go DefaultSyncPeriod 10 min (capi-kube.md §4.1).
    capvSyncPeriodUs: 600 * s,
    // CAPV vspherevm_controller requeue while waiting for an IP; VMOP PoweredOnVMHasIPRequeueDelay (§4.3).
    ipPollUs: 10 * s,
    capvFailsMissingVm: false,
    // VM Operator pkg/config/default.go sync period 30 min (capi-kube.md §4.1).
    vmopSyncPeriodUs: 1800 * s,
    vmopPowerWatch: true,
    // Assumption: the property watcher's update plus the reconcile, a few seconds ("within seconds", seed 001).
    vmopWatchDelay: uniform(1 * s, 5 * s),
    // Assumption: a vCenter power or destroy task takes about a second.
    vcenterTask: uniform(0.5 * s, 2 * s),
  },
  join: {
    // Assumption: cloud-init's early stages before runcmd.
    cloudInit: uniform(10 * s, 30 * s),
    // kubeadm DefaultDiscoveryTimeout 5 min (capi-kube.md §6).
    discoveryTimeoutUs: 300 * s,
    // "will try again" lines about every 5 s (kind #2798 logs, capi-kube.md §6).
    discoveryRetryUs: 5 * s,
    // CABPK's cloud-init runs kubeadm join once; TKGS's script re-runs it (seed 001: 15 s later).
    rerunAfterUs: 0,
    // kubeadm init logs "All control plane components are healthy after 24–28 s" (capi-kube.md §4.3).
    controlPlaneSetup: uniform(20 * s, 40 * s),
    // Assumption: a learner with a small keyspace catches up in seconds.
    learnerSync: uniform(5 * s, 15 * s),
  },
};

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
  /** kubelet start to Node registered and Ready (CNI, node status). */
  readonly nodeReady: Distribution;
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

/**
 * The Cluster API layer's parameters (spread into the registry in parameters.ts): `capi.*` for the
 * core controllers, MachineHealthCheck and KubeadmControlPlane, `capv.*` and `vmop.*` for the
 * infrastructure providers, `kubeadm.*` for the join on a new VM. Each with its default, unit and
 * source (../shared/reference/capi-kube.md); docs/capi.md explains them and the version switches.
 */
import type { Distribution } from "../sim/distribution.js";
import { HOUR, MINUTE, SECOND } from "../sim/time.js";
import type { ParameterSpec } from "./parameters.js";

const uniform = (min: number, max: number): Distribution => ({ kind: "uniform", min, max });

const duration = (key: string, defaultUs: number, summary: string, source: string): ParameterSpec => ({
  key,
  type: { kind: "duration" },
  default: defaultUs,
  unit: "µs",
  summary,
  source,
});

const distribution = (key: string, d: Distribution, summary: string, source: string): ParameterSpec => ({
  key,
  type: { kind: "distribution" },
  default: d,
  unit: "µs",
  summary,
  source,
});

/** Cluster API parameters. */
export const CAPI_PARAMETERS: readonly ParameterSpec[] = [
  {
    key: "capi.version",
    type: {
      kind: "enum",
      values: ["1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.13", "1.14"],
    },
    default: "1.13",
    unit: "",
    summary:
      "Cluster API minor release: fast drain of unreachable Nodes (≥ 1.8), etcd member removal in the pre-terminate hook (≥ 1.9), MHC rate limit 15 s and KCP's relaxed scale-up (≥ 1.13), failureReason remediation and v1beta1 messages (≤ 1.10)",
    source:
      "CAPI release tags v1.8.0–v1.14.0; unreachable drain commit debbc3a4de, v1.8.0 (capi-kube.md §1.2, §1.4, §2.2, §2.3, §3.2)",
  },
  {
    key: "capi.placement",
    type: { kind: "enum", values: ["separate", "self-hosted"] },
    default: "separate",
    unit: "",
    summary:
      "Where the CAPI controllers run: a separate management cluster (always available), or the workload cluster itself (they stop when it loses quorum)",
    source:
      "seed 000 (self-hosted CAPV: 'CAPV can't do anything because it isn't alive anymore'); TKGS Supervisor (seed 001)",
  },
  {
    key: "capi.infrastructure",
    type: { kind: "enum", values: ["capv", "vmop"] },
    default: "capv",
    unit: "",
    summary:
      "Infrastructure provider: CAPV (govmomi, VSphereVM) or vSphere VM Operator (TKGS VirtualMachine)",
    source: "CAPV pkg/services/govmomi and pkg/services/vmoperator (capi-kube.md §4.1)",
  },
  duration(
    "capi.syncPeriod",
    10 * MINUTE,
    "Resync period of the CAPI controllers (--sync-period)",
    "CAPI core/main.go --sync-period default 10m (capi-kube.md §1.4)",
  ),
  duration(
    "capi.clusterCache.probeInterval",
    10 * SECOND,
    "ClusterCache health probe interval (GET / on the workload API)",
    "CAPI controllers/clustercache/cluster_cache.go (capi-kube.md §1.4)",
  ),
  duration(
    "capi.clusterCache.probeTimeout",
    5 * SECOND,
    "ClusterCache health probe timeout",
    "CAPI controllers/clustercache/cluster_cache.go (capi-kube.md §1.4)",
  ),
  {
    key: "capi.clusterCache.failureThreshold",
    type: { kind: "integer", min: 1, max: 100 },
    default: 5,
    unit: "probes",
    summary: "Consecutive failed probes before the ClusterCache disconnects (MHC and KCP go blind)",
    source: "CAPI controllers/clustercache/cluster_accessor.go (capi-kube.md §1.4)",
  },
  duration(
    "capi.remoteConditionsGracePeriod",
    5 * MINUTE,
    "After this long without a successful probe, Machine and KCP health conditions go Unknown",
    "CAPI core/main.go --remote-conditions-grace-period 5m (capi-kube.md §1.4)",
  ),
  duration(
    "capi.drainRetryInterval",
    20 * SECOND,
    "Requeue interval while a Node drain is not complete",
    "CAPI machine controller drainRetryInterval (capi-kube.md §3.2)",
  ),
  duration(
    "capi.bootstrapTokenTTL",
    15 * MINUTE,
    "TTL of the bootstrap token CABPK creates for a new Machine (refreshed only until it has a Node)",
    "CABPK --bootstrap-token-ttl, DefaultTokenTTL = 15m (capi-kube.md §6)",
  ),
  {
    key: "capi.mhc.enabled",
    type: { kind: "boolean" },
    default: true,
    unit: "",
    summary: "Whether MachineHealthChecks exist for the control plane and the workers",
    source: "CAPI book healthchecking.md; 2020-era CAPV templates shipped without MHC (seed 000)",
  },
  duration(
    "capi.mhc.unhealthyTimeout",
    5 * MINUTE,
    "How long Ready=Unknown or Ready=False must last before MHC marks the Machine unhealthy",
    "CAPI book quick-start MHC: Ready Unknown/False 300s; seed 001: 'for more than 5m0s' (capi-kube.md §1.1)",
  ),
  duration(
    "capi.mhc.nodeStartupTimeout",
    10 * MINUTE,
    "How long a Machine may go without a Node before MHC marks it unhealthy (0 disables)",
    "CAPI DefaultNodeStartupTimeoutSeconds = 600 (capi-kube.md §1.1)",
  ),
  {
    key: "capi.mhc.maxUnhealthy",
    type: { kind: "integer", min: 0, max: 100 },
    default: 100,
    unit: "%",
    summary: "MHC short-circuit: remediate only while at most this share of the Machines is unhealthy",
    source: "CAPI defaultMaxUnhealthy = 100%; the book's worker example uses 40% (capi-kube.md §1.1, §1.3)",
  },
  {
    key: "capi.kcp.maxRetry",
    type: { kind: "integer", min: -1, max: 100 },
    default: -1,
    unit: "retries",
    summary: "KCP remediation maxRetry (-1: unset, unlimited)",
    source: "KCP spec.remediation.maxRetry, default unset (capi-kube.md §2.5)",
  },
  duration(
    "capi.kcp.retryPeriod",
    0,
    "KCP remediation retryPeriod: minimum time between retries for the same problem",
    "KCP spec.remediation.retryPeriodSeconds default 0 (capi-kube.md §2.5)",
  ),
  duration(
    "capi.kcp.minHealthyPeriod",
    HOUR,
    "KCP remediation minHealthyPeriod: a failure this soon after a remediation is a retry",
    "KCP DefaultMinHealthyPeriodSeconds = 3600 (capi-kube.md §2.5)",
  ),
  {
    key: "capi.md.maxInFlight",
    type: { kind: "integer", min: 0, max: 1000 },
    default: 0,
    unit: "Machines",
    summary: "MachineDeployment remediation maxInFlight (0: unlimited)",
    source: "MachineDeployment spec.remediation.maxInFlight, default unlimited (capi-kube.md §1.4)",
  },
  {
    key: "capv.version",
    type: { kind: "enum", values: ["0.7", "1.7", "1.8", "1.13"] },
    default: "1.13",
    unit: "",
    summary:
      "CAPV release: before 1.8 a VM deleted out of band sets failureReason UpdateError ('The vm was removed from infra')",
    source: "CAPV commit 43cf6d0db (v1.8.0) made NotFoundByBIOSUUID transient (capi-kube.md §4.2)",
  },
  {
    key: "capv.cloneMode",
    type: { kind: "enum", values: ["linkedClone", "fullClone"] },
    default: "linkedClone",
    unit: "",
    summary: "How a Machine's VM is cloned from its template",
    source: "CAPV cloneMode defaults to linkedClone when the template has a snapshot (capi-kube.md §4.3)",
  },
  distribution(
    "capv.linkedCloneDuration",
    uniform(5 * SECOND, 10 * SECOND),
    "Duration of a linked clone",
    "puppetlabs/vmpooler PR #333: 'A linked clone may take 5-10 seconds' (capi-kube.md §4.3)",
  ),
  distribution(
    "capv.fullCloneDuration",
    uniform(90 * SECOND, 180 * SECOND),
    "Duration of a full clone",
    "puppetlabs/vmpooler PR #333 reports 90–180 s for a full clone (capi-kube.md §4.3)",
  ),
  duration(
    "capv.syncPeriod",
    10 * MINUTE,
    "CAPV resync: without an event, a VM powered off out of band is powered on again at the next one",
    "CAPV pkg/manager/constants.go DefaultSyncPeriod 10m; no vCenter watch (capi-kube.md §4.1)",
  ),
  duration(
    "capv.ipPollInterval",
    10 * SECOND,
    "Requeue while a powered-on VM has no IP yet",
    "CAPV controllers/vspherevm_controller.go; VM Operator PoweredOnVMHasIPRequeueDelay (capi-kube.md §4.3)",
  ),
  distribution(
    "capv.vcenterTaskDuration",
    uniform(500_000, 2 * SECOND),
    "Duration of a vCenter power-on, power-off or destroy task",
    "assumption: vCenter tasks on one VM take about a second",
  ),
  duration(
    "vmop.syncPeriod",
    30 * MINUTE,
    "VM Operator resync period",
    "vmware-tanzu/vm-operator pkg/config/default.go (capi-kube.md §4.1)",
  ),
  {
    key: "vmop.powerStateWatch",
    type: { kind: "boolean" },
    default: true,
    unit: "",
    summary:
      "VM Operator's vSphere property watcher (AsyncSignal): power changes and deletions are noticed within seconds",
    source:
      "vm-operator pkg/util/vsphere/watcher/watcher.go, AsyncSignalEnabled default true (capi-kube.md §4.1)",
  },
  distribution(
    "vmop.watchDelay",
    uniform(SECOND, 5 * SECOND),
    "From a power change in vCenter to VM Operator's reconcile, with the watcher",
    "seed 001: 'VM powered on immediately after a few seconds'",
  ),
  {
    key: "vmop.cloneMode",
    type: { kind: "enum", values: ["linkedClone", "fullClone"] },
    default: "linkedClone",
    unit: "",
    summary: "How VM Operator deploys a VirtualMachine's VM",
    source: "seed 001: 'in less than a minute a new VM with the same name gets deployed'",
  },
  distribution(
    "kubeadm.cloudInitDuration",
    uniform(10 * SECOND, 30 * SECOND),
    "From the guest booting to cloud-init running kubeadm join",
    "assumption: cloud-init's early stages take tens of seconds",
  ),
  duration(
    "kubeadm.discoveryTimeout",
    5 * MINUTE,
    "kubeadm join discovery timeout (waiting for the JWS signature in cluster-info)",
    "kubeadm DefaultDiscoveryTimeout = 5m (capi-kube.md §6)",
  ),
  duration(
    "kubeadm.discoveryRetryInterval",
    5 * SECOND,
    "Interval between cluster-info fetches during discovery ('will try again')",
    "kind #2798, #3401 logs: about every 5-6 s (capi-kube.md §6)",
  ),
  duration(
    "kubeadm.rerunAfter",
    0,
    "Pause before the bootstrap script runs a failed kubeadm join again (0: never, as CABPK's cloud-init)",
    "seed 001 (TKGS): the script re-runs 'kubeadm join phase preflight' 15 s after the error",
  ),
  distribution(
    "kubeadm.controlPlaneSetupDuration",
    uniform(20 * SECOND, 40 * SECOND),
    "Control-plane join before the etcd phase: certificates, manifests, components starting",
    "kubeadm logs 'All control plane components are healthy after 24-28 seconds' (capi-kube.md §4.3)",
  ),
  distribution(
    "kubeadm.learnerSyncDuration",
    uniform(5 * SECOND, 15 * SECOND),
    "Time a new etcd learner takes to catch up before kubeadm promotes it",
    "assumption: a small keyspace replicates in seconds; kubeadm EtcdLearnerMode (capi-kube.md §6)",
  ),
];

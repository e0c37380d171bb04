/**
 * Cluster API version switches. Several behaviours the simulator models changed between CAPI
 * releases; a model picks the release with the `capi.version` parameter and every controller asks
 * this table instead of comparing version strings itself. Each switch cites where the change is
 * documented (../shared/reference/capi-kube.md).
 */

/** The CAPI minor releases the model distinguishes. */
export const CAPI_VERSIONS = [
  "1.5",
  "1.6",
  "1.7",
  "1.8",
  "1.9",
  "1.10",
  "1.11",
  "1.12",
  "1.13",
  "1.14",
] as const;

/** A CAPI minor release. */
export type CapiVersion = (typeof CAPI_VERSIONS)[number];

/** Behaviours that depend on the CAPI release. */
export interface CapiFeatures {
  /**
   * KCP removes the etcd member in the Machine's `kcp-cleanup` pre-terminate hook, after drain
   * and volume detach (CAPI ≥ 1.9, commit 518fce7f3f, capi-kube.md §2.3). Before, it removed the
   * member (after forwarding leadership) and then deleted the Machine in one reconcile.
   */
  readonly etcdRemovalInPreTerminateHook: boolean;
  /**
   * The MachineHealthCheck controller's rate-limit interval: at most one reconcile of an MHC per
   * interval (CAPI ≥ 1.13: 15 s, commit 5cea86ec6b; 0 before, capi-kube.md §1.4).
   */
  readonly mhcRateLimitUs: number;
  /**
   * KCP may create the replacement Machine while a remediation is in progress even when other
   * Machines are unhealthy, as long as the projected control plane stays healthy
   * (`checkHealthinessWhileRemediationInProgress`, PR #13352, CAPI ≥ 1.13, capi-kube.md §2.2).
   */
  readonly kcpRelaxedScaleUpWhileRemediating: boolean;
  /**
   * `Machine.status.failureReason`/`failureMessage` make MHC mark the Machine unhealthy at once
   * (CAPI ≤ 1.10, v1beta1 era; removed on main, capi-kube.md §1.2).
   */
  readonly mhcRemediatesFailureReason: boolean;
  /**
   * MHC condition messages in the v1beta2 form ("Condition Ready on Node is reporting status
   * Unknown with reason NodeStatusUnknown for more than 5m0s") rather than the v1beta1 form seed
   * 001 quotes ("Condition Ready on node is reporting status Unknown for more than 5m0s").
   * v1beta2 arrived in CAPI 1.11 (capi-kube.md §1.1).
   */
  readonly v1beta2Messages: boolean;
  /**
   * KCP judges `EtcdMemberHealthy` by connecting to each member's own etcd Pod (CAPI ≤ 1.9,
   * `getCurrentEtcdMembers` per Node); from 1.10 it lists members through the first reachable
   * member, so a listed voting member without alarms is healthy even when its VM is off
   * (`workload_cluster_conditions.go`, CAPI v1.8.0 vs v1.10.0).
   */
  readonly etcdHealthPerMember: boolean;
  /**
   * Draining an unreachable Node (Ready=Unknown): Pods are evicted with this grace period
   * (undefined: the Pod's own) and Pods whose deletion started longer ago than `skip…` are
   * ignored. CAPI ≥ 1.8 uses 1 s and 1 s, so the drain ends at once; before, the skip timeout was
   * 5 minutes, so a drain waited up to 5 minutes for Pods that can never go (commit debbc3a4de
   * "fix: delayed MHC replacement of unreachable nodes", first in v1.8.0; issue #10705).
   */
  readonly unreachableDrainGraceSeconds: number | undefined;
  readonly unreachableDrainSkipUs: number;
}

const ORDER: ReadonlyMap<CapiVersion, number> = new Map(CAPI_VERSIONS.map((v, i) => [v, i]));

/** True when `v` is `min` or newer. */
export function atLeast(v: CapiVersion, min: CapiVersion): boolean {
  return ORDER.get(v)! >= ORDER.get(min)!;
}

/** The behaviours of one CAPI release. */
export function capiFeatures(v: CapiVersion): CapiFeatures {
  return {
    etcdRemovalInPreTerminateHook: atLeast(v, "1.9"),
    mhcRateLimitUs: atLeast(v, "1.13") ? 15_000_000 : 0,
    kcpRelaxedScaleUpWhileRemediating: atLeast(v, "1.13"),
    mhcRemediatesFailureReason: !atLeast(v, "1.11"),
    v1beta2Messages: atLeast(v, "1.11"),
    etcdHealthPerMember: !atLeast(v, "1.10"),
    unreachableDrainGraceSeconds: atLeast(v, "1.8") ? 1 : undefined,
    unreachableDrainSkipUs: atLeast(v, "1.8") ? 1_000_000 : 300_000_000,
  };
}

/** Parses a version string such as `1.13` or `v1.13.2` to the release it belongs to. */
export function parseCapiVersion(text: string): CapiVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (!m) return undefined;
  const v = `${m[1]}.${m[2]}`;
  return (CAPI_VERSIONS as readonly string[]).includes(v) ? (v as CapiVersion) : undefined;
}

/**
 * MachineHealthCheck (cluster.x-k8s.io/v1beta2): which Machines to watch, when they are unhealthy,
 * and when remediation is allowed at all (`api/core/v1beta2/machinehealthcheck_types.go`,
 * capi-kube.md §1.1). Durations are held in microseconds; the API holds whole seconds.
 */
import type { Micros } from "../../sim/time.js";
import type { Condition, ConditionStatus } from "./conditions.js";
import type { CapiMeta, StringMap } from "./meta.js";

/** A condition that, held for `timeoutUs`, makes the Machine unhealthy. */
export interface UnhealthyCondition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly timeoutUs: Micros;
}

/** An absolute count or a percentage (`"40%"`), as intstr.IntOrString. */
export type IntOrPercent = number | `${number}%`;

export interface MachineHealthCheckSpec {
  readonly clusterName: string;
  /** `matchLabels`; the controller adds `cluster.x-k8s.io/cluster-name`. */
  readonly selector: StringMap;
  readonly checks: {
    /** Default 10 min; 0 disables the check (webhook minimum 30 s). */
    readonly nodeStartupTimeoutUs: Micros;
    readonly unhealthyNodeConditions: readonly UnhealthyCondition[];
    readonly unhealthyMachineConditions: readonly UnhealthyCondition[];
  };
  readonly remediation: {
    readonly triggerIf: {
      /** `maxUnhealthy`; default "100%" (no short-circuit). */
      readonly unhealthyLessThanOrEqualTo?: IntOrPercent;
      /** `unhealthyRange` "[min-max]"; takes precedence over the limit above. */
      readonly unhealthyInRange?: string;
    };
  };
}

export interface MachineHealthCheckStatus {
  readonly expectedMachines: number;
  readonly currentHealthy: number;
  readonly remediationsAllowed: number;
  readonly targets: readonly string[];
  readonly conditions: readonly Condition[];
}

export interface MachineHealthCheck {
  readonly kind: "MachineHealthCheck";
  readonly metadata: CapiMeta;
  readonly spec: MachineHealthCheckSpec;
  readonly status: MachineHealthCheckStatus;
}

/** Condition type on MHCs: False (TooManyUnhealthy) while the short-circuit holds. */
export const MHC_REMEDIATION_ALLOWED = "RemediationAllowed";

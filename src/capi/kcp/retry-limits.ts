/**
 * KCP's remediation retry limits (`checkRetryLimits`, remediation.go, capi-kube.md §2.1): a Machine
 * that fails within `minHealthyPeriod` (default 1 h) of the remediation that created it is a retry
 * of the same problem and inherits the retry count; a retry must wait `retryPeriod` (default 0)
 * and is refused once `retryCount ≥ maxRetry` (default unlimited).
 */
import { formatDuration, type Micros } from "../../sim/time.js";
import type { KcpRemediationSpec } from "../objects/kubeadm-control-plane.js";
import type { RemediationData } from "./remediation-data.js";

/** The outcome: allowed with the data to record, or refused with CAPI's reason and message. */
export type RetryCheck =
  | { readonly allowed: true; readonly data: RemediationData }
  | {
      readonly allowed: false;
      readonly data: RemediationData;
      readonly reason: "RemediationDeferred" | "CannotBeRemediated";
      readonly message: string;
    };

/** Checks the retry limits for remediating `machineName` whose `remediation-for` is `last`. */
export function checkRetryLimits(
  machineName: string,
  last: RemediationData | undefined,
  spec: KcpRemediationSpec,
  nowUs: Micros,
): RetryCheck {
  const fresh: RemediationData = { machine: machineName, timestampUs: nowUs, retryCount: 0 };
  if (last === undefined) return { allowed: true, data: fresh };
  const lastTime = last.timestampUs;
  const isRetry = lastTime + spec.minHealthyPeriodUs > nowUs;
  if (!isRetry) return { allowed: true, data: fresh };
  const carried: RemediationData = { ...fresh, retryCount: last.retryCount };
  if (lastTime + spec.retryPeriodUs > nowUs) {
    return {
      allowed: false,
      data: carried,
      reason: "RemediationDeferred",
      message: `KubeadmControlPlane can't remediate this machine because the operation already failed in the latest ${formatDuration(spec.retryPeriodUs)} (RetryPeriodSeconds)`,
    };
  }
  if (spec.maxRetry !== undefined && carried.retryCount >= spec.maxRetry) {
    return {
      allowed: false,
      data: carried,
      reason: "CannotBeRemediated",
      message: `KubeadmControlPlane can't remediate this machine because the operation already failed ${spec.maxRetry} times (MaxRetry)`,
    };
  }
  return { allowed: true, data: { ...carried, retryCount: carried.retryCount + 1 } };
}

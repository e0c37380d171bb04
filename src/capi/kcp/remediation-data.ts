/**
 * The bookkeeping of KCP remediation, kept in annotations as CAPI does: while a remediated
 * Machine's replacement is not created yet, KCP carries `remediation-in-progress`; the replacement
 * then carries `remediation-for` with the same `{machine, timestamp, retryCount}`, so a failure of
 * the replacement within minHealthyPeriod counts as a retry (remediation.go `RemediationData`,
 * capi-kube.md §2.1).
 */
import type { Micros } from "../../sim/time.js";

/** `{machine, timestamp, retryCount}`. */
export interface RemediationData {
  readonly machine: string;
  readonly timestampUs: Micros;
  readonly retryCount: number;
}

/** The annotation value (JSON with the keys CAPI uses; the time in µs). */
export function formatRemediationData(d: RemediationData): string {
  return JSON.stringify({ machine: d.machine, timestamp: d.timestampUs, retryCount: d.retryCount });
}

/** Reads an annotation value; undefined when it is not valid. */
export function parseRemediationData(text: string | undefined): RemediationData | undefined {
  if (text === undefined) return undefined;
  try {
    const o = JSON.parse(text) as { machine?: unknown; timestamp?: unknown; retryCount?: unknown };
    if (
      typeof o.machine !== "string" ||
      typeof o.timestamp !== "number" ||
      typeof o.retryCount !== "number"
    ) {
      return undefined;
    }
    return { machine: o.machine, timestampUs: o.timestamp, retryCount: o.retryCount };
  } catch {
    return undefined;
  }
}

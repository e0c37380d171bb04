/**
 * MachineHealthCheck's short-circuit: remediation happens only while the number of unhealthy
 * Machines stays within `unhealthyLessThanOrEqualTo` (maxUnhealthy, default 100 %) or inside
 * `unhealthyInRange` ("[min-max]", which takes precedence). Unhealthy here is
 * `expectedMachines − currentHealthy`, so Machines still starting, Machines whose timer is running
 * and deleting Machines all count (isAllowedRemediation / unhealthyMachineCount in
 * machinehealthcheck_controller.go, capi-kube.md §1.3). A percentage is of expectedMachines,
 * rounded down (`GetScaledValueFromIntOrPercent(…, false)`).
 */
import type { IntOrPercent } from "../objects/machine-health-check.js";

/** The short-circuit decision. */
export interface RemediationAllowance {
  readonly allowed: boolean;
  /** `status.remediationsAllowed` (0 when blocked). */
  readonly remediationsAllowed: number;
  /** The message of `RemediationAllowed=False` (TooManyUnhealthy) when blocked. */
  readonly message?: string;
}

/** maxUnhealthy as a number of Machines (percentages of `expected`, rounded down). */
export function scaledMaxUnhealthy(value: IntOrPercent, expected: number): number {
  if (typeof value === "number") return value;
  const pct = Number(value.slice(0, -1));
  return Math.floor((pct * expected) / 100);
}

/** Parses "[min-max]"; undefined when malformed or max < min (the controller errors then). */
export function parseUnhealthyRange(text: string): { min: number; max: number } | undefined {
  const m = /^\[(\d+)-(\d+)\]$/.exec(text.trim());
  if (!m) return undefined;
  const min = Number(m[1]);
  const max = Number(m[2]);
  return max >= min ? { min, max } : undefined;
}

/**
 * Whether remediation is allowed for an MHC with `expected` targets of which `currentHealthy`
 * are healthy. `unhealthyCountForMessage` is the number of targets found unhealthy (the message
 * reports it, as CAPI does, although the decision uses expected − currentHealthy).
 */
export function remediationAllowance(
  triggerIf: { readonly unhealthyLessThanOrEqualTo?: IntOrPercent; readonly unhealthyInRange?: string },
  expected: number,
  currentHealthy: number,
  unhealthyCountForMessage: number,
): RemediationAllowance {
  const unhealthy = expected - currentHealthy;
  const range = triggerIf.unhealthyInRange;
  if (range !== undefined && range !== "") {
    const r = parseUnhealthyRange(range);
    if (r && unhealthy >= r.min && unhealthy <= r.max) {
      return { allowed: true, remediationsAllowed: r.max - unhealthy };
    }
    return {
      allowed: false,
      remediationsAllowed: 0,
      message: `Remediation is not allowed, the number of not started or unhealthy machines does not fall within the range (total: ${expected}, unhealthy: ${unhealthyCountForMessage}, unhealthyRange: ${range})`,
    };
  }
  const limit = triggerIf.unhealthyLessThanOrEqualTo ?? "100%";
  const max = scaledMaxUnhealthy(limit, expected);
  if (unhealthy <= max) return { allowed: true, remediationsAllowed: max - unhealthy };
  return {
    allowed: false,
    remediationsAllowed: 0,
    message: `Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: ${expected}, unhealthy: ${unhealthyCountForMessage}, maxUnhealthy: ${String(limit)})`,
  };
}

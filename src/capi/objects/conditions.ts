/**
 * Conditions as Cluster API writes them (metav1.Condition in v1beta2): type, status, reason,
 * message and the time the status last changed. `lastTransitionTime` only moves when the status
 * changes, which matters: MachineHealthCheck counts its timeouts from it (capi-kube.md §1.2), and
 * `conditions.Set` in `util/conditions` keeps the old time when only reason or message change.
 */
import type { Micros } from "../../sim/time.js";

/** A condition's status. */
export type ConditionStatus = "True" | "False" | "Unknown";

/** One condition. */
export interface Condition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTimeUs: Micros;
}

/** A condition to set; the transition time is filled in by {@link setCondition}. */
export type ConditionInput = Omit<Condition, "lastTransitionTimeUs">;

/** The condition of `type`, if present. */
export function getCondition(conditions: readonly Condition[], type: string): Condition | undefined {
  for (const c of conditions) if (c.type === type) return c;
  return undefined;
}

/** True when the condition is present and True (`conditions.IsTrue`). */
export function isTrue(conditions: readonly Condition[], type: string): boolean {
  return getCondition(conditions, type)?.status === "True";
}

/** True when the condition is present and False (`conditions.IsFalse`). */
export function isFalse(conditions: readonly Condition[], type: string): boolean {
  return getCondition(conditions, type)?.status === "False";
}

/**
 * The list with `c` set: replaced in place if a condition of that type exists (keeping its
 * lastTransitionTime when the status did not change), appended otherwise. Returns the same array
 * when nothing changed, so callers can skip writes.
 */
export function setCondition(
  conditions: readonly Condition[],
  c: ConditionInput,
  nowUs: Micros,
): readonly Condition[] {
  const i = conditions.findIndex((x) => x.type === c.type);
  if (i < 0) return [...conditions, { ...c, lastTransitionTimeUs: nowUs }];
  const old = conditions[i]!;
  if (old.status === c.status && old.reason === c.reason && old.message === c.message) return conditions;
  const next = conditions.slice();
  next[i] = { ...c, lastTransitionTimeUs: old.status === c.status ? old.lastTransitionTimeUs : nowUs };
  return next;
}

/** The list without the condition of `type` (the same array if absent). */
export function deleteCondition(conditions: readonly Condition[], type: string): readonly Condition[] {
  const i = conditions.findIndex((x) => x.type === type);
  if (i < 0) return conditions;
  return conditions.filter((x) => x.type !== type);
}

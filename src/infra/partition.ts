/**
 * Network partitions between named groups of hosts, like Jepsen's and Chaos Mesh's partition
 * nemeses: hosts in different groups of the same partition cannot exchange packets; hosts not named
 * in a partition are unaffected by it. Several partitions may be active at once; a pair is cut when
 * any of them separates it.
 */
import type { HostName } from "./network-types.js";

/** One active partition. */
export interface Partition {
  /** Identifier given at creation (for `heal(id)` and the trace). */
  readonly id: string;
  /** The groups as given. */
  readonly groups: readonly (readonly HostName[])[];
  /** Group index of each named host. */
  readonly groupOf: ReadonlyMap<HostName, number>;
}

/** Builds a partition, refusing a host listed in two groups or fewer than two groups. */
export function makePartition(id: string, groups: readonly (readonly HostName[])[]): Partition {
  if (groups.length < 2) throw new Error(`partition ${id}: needs at least two groups (got ${groups.length})`);
  const groupOf = new Map<HostName, number>();
  groups.forEach((group, index) => {
    for (const host of group) {
      if (groupOf.has(host)) throw new Error(`partition ${id}: host "${host}" is listed in two groups`);
      groupOf.set(host, index);
    }
  });
  return { id, groups: groups.map((g) => [...g]), groupOf };
}

/** True when some partition in `active` puts `a` and `b` in different groups. */
export function separated(active: readonly Partition[], a: HostName, b: HostName): boolean {
  for (let i = 0; i < active.length; i++) {
    const groupOf = active[i]!.groupOf;
    const ga = groupOf.get(a);
    if (ga === undefined) continue;
    const gb = groupOf.get(b);
    if (gb !== undefined && ga !== gb) return true;
  }
  return false;
}

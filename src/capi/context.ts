/**
 * What every Cluster API controller shares: the simulation, the management store, the workload
 * cluster's ClusterCache, the hypervisor (for the infrastructure providers), the settings and the
 * behaviours of the configured CAPI release, a seeded stream for generated names, and helpers to
 * write objects and trace records.
 */
import type { Hypervisor } from "../infra/hypervisor.js";
import type { Rng } from "../sim/rng.js";
import type { Simulation } from "../sim/simulation.js";
import type { JoinEnvironment } from "./bootstrap/join-environment.js";
import type { Cluster } from "./objects/cluster.js";
import type { CapiSettings } from "./settings.js";
import type { ManagementStore } from "./store.js";
import type { CapiFeatures } from "./version.js";
import type { ClusterCache } from "./workload/cluster-cache.js";

/** The shared context of the controllers of one workload cluster. */
export interface CapiContext {
  readonly sim: Simulation;
  readonly store: ManagementStore;
  readonly cache: ClusterCache;
  readonly hypervisor: Hypervisor;
  readonly join: JoinEnvironment;
  readonly settings: CapiSettings;
  readonly features: CapiFeatures;
  /** Name of the Cluster object. */
  readonly clusterName: string;
  /** Generated names (`<owner>-<random>`). */
  readonly names: Rng;
  /** Durations (vCenter tasks, clone, cloud-init). */
  readonly timing: Rng;
}

/** The Cluster object (it always exists while the layer runs). */
export function clusterOf(ctx: CapiContext): Cluster | undefined {
  return ctx.store.get("Cluster", ctx.clusterName);
}

/** True when the Cluster is paused (`spec.paused`): controllers leave its objects alone. */
export function isClusterPaused(ctx: CapiContext): boolean {
  return clusterOf(ctx)?.spec.paused ?? false;
}

/**
 * What every controller in kube-controller-manager shares: the API client, the shared informers
 * (one watch per resource for the whole process, as client-go's SharedInformerFactory), the process
 * scope and the settings.
 */
import type { Rng } from "../../sim/rng.js";
import type { Micros } from "../../sim/time.js";
import type { ApiClient } from "../client/client.js";
import { Informer } from "../client/informer.js";
import type {
  ConfigMap,
  Deployment,
  Endpoints,
  Lease,
  Node,
  Pod,
  ReplicaSet,
  Secret,
  Service,
} from "../objects/index.js";
import { NODE_LEASE_NAMESPACE } from "../objects/lease.js";
import type { ProcessScope } from "../process-scope.js";

/** kube-controller-manager flags the model uses (capi-kube.md §5). */
export interface ControllerSettings {
  /** `--node-monitor-period` (5 s). */
  readonly nodeMonitorPeriodUs: Micros;
  /** `--node-monitor-grace-period` (40 s before 1.32, 50 s from 1.32). */
  readonly nodeMonitorGracePeriodUs: Micros;
  /** `--node-startup-grace-period` (60 s). */
  readonly nodeStartupGracePeriodUs: Micros;
  /** `--node-eviction-rate` (0.1 nodes/s per zone). */
  readonly nodeEvictionRate: number;
  /** `--secondary-node-eviction-rate` (0.01). */
  readonly secondaryNodeEvictionRate: number;
  /** `--unhealthy-zone-threshold` (0.55). */
  readonly unhealthyZoneThreshold: number;
  /** `--large-cluster-size-threshold` (50). */
  readonly largeClusterSizeThreshold: number;
}

/** Emits a trace record. */
export type Emit = (kind: string, subject: string, fields: Record<string, unknown>) => void;

/** The shared informers of one kube-controller-manager. */
export class SharedInformers {
  readonly nodes: Informer<Node>;
  readonly leases: Informer<Lease>;
  readonly pods: Informer<Pod>;
  readonly replicaSets: Informer<ReplicaSet>;
  readonly deployments: Informer<Deployment>;
  readonly services: Informer<Service>;
  readonly endpoints: Informer<Endpoints>;
  readonly secrets: Informer<Secret>;
  readonly configMaps: Informer<ConfigMap>;

  constructor(client: ApiClient, scope: ProcessScope, rng: Rng) {
    this.nodes = new Informer(client, scope, rng, { resource: "nodes" });
    this.leases = new Informer(client, scope, rng, { resource: "leases", namespace: NODE_LEASE_NAMESPACE });
    this.pods = new Informer(client, scope, rng, { resource: "pods" });
    this.replicaSets = new Informer(client, scope, rng, { resource: "replicasets" });
    this.deployments = new Informer(client, scope, rng, { resource: "deployments" });
    this.services = new Informer(client, scope, rng, { resource: "services" });
    this.endpoints = new Informer(client, scope, rng, { resource: "endpoints" });
    this.secrets = new Informer(client, scope, rng, { resource: "secrets", namespace: "kube-system" });
    this.configMaps = new Informer(client, scope, rng, { resource: "configmaps", namespace: "kube-public" });
  }

  /** Starts every informer. */
  start(): void {
    for (const i of this.all()) i.start();
  }

  /** True once every informer has listed (WaitForCacheSync). */
  get synced(): boolean {
    return this.all().every((i) => i.hasSynced);
  }

  private all() {
    return [
      this.nodes,
      this.leases,
      this.pods,
      this.replicaSets,
      this.deployments,
      this.services,
      this.endpoints,
      this.secrets,
      this.configMaps,
    ] as const;
  }
}

/** Everything a controller gets. */
export interface ControllerContext {
  readonly client: ApiClient;
  readonly scope: ProcessScope;
  readonly rng: Rng;
  readonly informers: SharedInformers;
  readonly settings: ControllerSettings;
  readonly emit: Emit;
}

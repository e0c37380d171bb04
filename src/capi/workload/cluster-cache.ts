/**
 * CAPI's ClusterCache for one workload cluster (controllers/clustercache/cluster_cache.go,
 * cluster_accessor.go, capi-kube.md §1.4): it probes `GET /` on the workload API every 10 s with a
 * 5 s timeout; after 5 consecutive failures it drops the connection, and the controllers get
 * `ErrClusterNotConnected` ("connection to the workload cluster is down") — MachineHealthCheck and
 * KCP are blind until a probe succeeds and the cache is rebuilt. While the probes fail but before
 * the threshold, the controllers keep reading the last cached Nodes.
 *
 * Trace: `capi.clusterCache {connected, message}` when the connection drops or comes back.
 */
import type { Simulation } from "../../sim/simulation.js";
import { type Micros, SECOND } from "../../sim/time.js";
import type { WorkloadClusterApi, WorkloadConnection } from "./api.js";

/** The health probe's settings. */
export interface ClusterCacheOptions {
  readonly cluster: string;
  /** Probe interval. Default 10 s. */
  readonly intervalUs?: Micros;
  /** Probe timeout. Default 5 s. */
  readonly timeoutUs?: Micros;
  /** Consecutive failures before disconnecting. Default 5. */
  readonly failureThreshold?: number;
}

/** The error controllers report while disconnected. */
export const ERR_CLUSTER_NOT_CONNECTED = "ErrClusterNotConnected: connection to the workload cluster is down";

/** The cache of one workload cluster. */
export class ClusterCache {
  private connection: WorkloadConnection | undefined;
  private failures = 0;
  private lastSuccessUs: Micros;
  private readonly nodeListeners: ((name: string) => void)[] = [];
  private readonly connectListeners: ((connected: boolean) => void)[] = [];
  private timer = -1;
  private stopped = false;

  constructor(
    private readonly sim: Simulation,
    private readonly api: WorkloadClusterApi,
    private readonly options: ClusterCacheOptions,
  ) {
    this.lastSuccessUs = sim.now;
  }

  /** Connects at once (the run starts with a connected management cluster) and starts probing. */
  start(): void {
    this.open();
    this.schedule();
  }

  /** Stops probing and drops the connection. */
  stop(): void {
    this.stopped = true;
    if (this.timer >= 0) this.sim.cancel(this.timer);
    this.connection?.close();
    this.connection = undefined;
  }

  /** The cached client, or undefined when not connected (or not synced yet). */
  client(): WorkloadConnection | undefined {
    const c = this.connection;
    return c?.synced ? c : undefined;
  }

  /** True while a connection is held. */
  get connected(): boolean {
    return this.connection !== undefined;
  }

  /** Last successful probe (for the remote-conditions grace period). */
  get lastProbeSuccessUs(): Micros {
    return this.lastSuccessUs;
  }

  /** Consecutive failed probes. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Node add/update/delete in the cached cluster. */
  onNodeEvent(fn: (name: string) => void): void {
    this.nodeListeners.push(fn);
  }

  /** The connection dropped (false) or came back (true). */
  onConnectionChange(fn: (connected: boolean) => void): void {
    this.connectListeners.push(fn);
  }

  private open(): void {
    const c = this.api.connect();
    this.connection = c;
    c.onNodeEvent((n) => {
      if (this.connection === c) for (const l of this.nodeListeners) l(n);
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.sim.after(this.options.intervalUs ?? 10 * SECOND, () => this.probe());
  }

  private probe(): void {
    // A ticker: the next probe is due one interval after this one started, however long it takes.
    this.schedule();
    this.api.probe(this.options.timeoutUs ?? 5 * SECOND, (ok) => {
      if (this.stopped) return;
      if (ok) {
        this.failures = 0;
        this.lastSuccessUs = this.sim.now;
        if (!this.connection) {
          this.open();
          this.sim.emit("capi.clusterCache", this.options.cluster, {
            connected: true,
            message: "connection to the workload cluster is up",
          });
          for (const l of this.connectListeners) l(true);
        }
      } else {
        this.failures++;
        if (this.connection && this.failures >= (this.options.failureThreshold ?? 5)) {
          this.connection.close();
          this.connection = undefined;
          this.sim.emit("capi.clusterCache", this.options.cluster, {
            connected: false,
            message: `health probe failed ${this.failures} times: connection to the workload cluster is down`,
          });
          for (const l of this.connectListeners) l(false);
        }
      }
    });
  }
}

/**
 * What users feel, measured separately for the control plane and the data plane (seed 003: the API
 * can be down while "our nginx pods are still serving").
 *
 * - API probe: every interval a client outside the cluster sends `GET
 *   /api/v1/namespaces/default/services/kubernetes` (a quorum read, as `kubectl get` does) through
 *   the control-plane endpoint on a new connection, with a timeout. Trace `kube.api.probe {ok,
 *   message}` whenever the outcome flips.
 * - Service probe: every interval a client sends a request to the workload Service's NodePort on
 *   the first worker whose guest is running with a kube-proxy (as a load balancer in front of the
 *   NodePorts would pick a serving node); that node's kube-proxy forwards it to one of the ready
 *   endpoints it knows (chosen at random), and the request succeeds if a container with that IP
 *   runs on a live guest reachable from the entry node. Trace `kube.service.probe {ok, message}` on
 *   flips.
 */
import type { Network } from "../../infra/network.js";
import type { Vm } from "../../infra/vm.js";
import type { Rng } from "../../sim/rng.js";
import type { Micros } from "../../sim/time.js";
import { type ApiStatus, OK } from "../api/status.js";
import { ApiClient, type ClientSettings } from "../client/client.js";
import type { ApiEndpoint } from "../client/endpoint.js";
import type { ContainerRuntime } from "../node/runtime.js";
import type { EndpointAddress } from "../objects/service.js";
import type { ProcessScope } from "../process-scope.js";
import type { KubeProxy } from "./kube-proxy.js";

type Emit = (kind: string, subject: string, fields: Record<string, unknown>) => void;

/** The API probe's latest outcome: what a `kubectl get` issued now would most likely meet. */
export interface ApiVerdict {
  readonly ok: boolean;
  /** The failing request's status (OK while the API answers). */
  readonly status: ApiStatus;
  /** When the current outcome began (µs). */
  readonly sinceUs: Micros;
}

/** The API availability probe. */
export class ApiProbe {
  /** The signal starts true (a settled cluster), so only changes are traced. */
  private last = true;
  private inFlight = false;
  private lastStatus: ApiStatus = OK;
  private sinceUs: Micros = 0;

  constructor(
    private readonly network: Network,
    private readonly host: string,
    private readonly scope: ProcessScope,
    private readonly endpoint: ApiEndpoint,
    private readonly settings: ClientSettings,
    private readonly timeoutUs: Micros,
    private readonly emit: Emit,
  ) {}

  /** Starts probing every `intervalUs`. */
  start(intervalUs: Micros): void {
    this.scope.every(intervalUs, () => this.probe(), 0);
  }

  /** The latest outcome (views print kubectl's error rather than stale objects while it fails). */
  verdict(): ApiVerdict {
    return { ok: this.last, status: this.lastStatus, sinceUs: this.sinceUs };
  }

  private probe(): void {
    if (this.inFlight) return;
    this.inFlight = true;
    const client = new ApiClient(
      this.network,
      this.host,
      this.scope,
      this.endpoint,
      { ...this.settings, dialTimeoutUs: this.timeoutUs },
      "api-probe",
    );
    client.request(
      { verb: "get", resource: "services", namespace: "default", name: "kubernetes" },
      (res) => {
        client.close();
        this.inFlight = false;
        const ok = res.status.code === 200;
        this.lastStatus = res.status;
        if (ok === this.last) return;
        this.last = ok;
        this.sinceUs = this.scope.now;
        this.emit("kube.api.probe", "api", { ok, message: ok ? "ok" : res.status.message });
      },
      this.timeoutUs,
    );
  }
}

/** Where the service probe looks things up. */
export interface DataPlane {
  /** Worker VMs in order. */
  readonly workers: readonly string[];
  vm(name: string): Vm | undefined;
  kubeProxy(node: string): KubeProxy | undefined;
  runtime(node: string): ContainerRuntime | undefined;
}

/** One Service request's outcome, with how many of the entry node's backends would fail. */
export interface ServiceCheck {
  readonly ok: boolean;
  readonly message: string;
  /** Ready endpoints the entry node's kube-proxy forwards to (0 when it has none or no entry). */
  readonly backends: number;
  /** Of those, how many a request would fail on (container gone, guest dead, no route). */
  readonly dead: number;
  /** The first dead backend's failure, when some are dead. */
  readonly deadMessage?: string;
}

/**
 * The Service availability probe. Each flip of the outcome is a `kube.service.probe {ok, message}`
 * record, so the availability numbers count every failed request window. While only some backends
 * are dead (a pod on a dead node still listed as ready), requests fail at random; the probe then
 * also writes `kube.service.backends {dead, backends, message}` whenever the dead count changes
 * into, within or out of that partial state, and marks the flips of such a stretch `partial: true`
 * so a timeline can show one "failing intermittently" line instead of one line per flap.
 */
export class ServiceProbe {
  private last = true;
  /** `dead/backends` at the last probe while partial, "" otherwise. */
  private partialKey = "";
  /** A probe since the last flip saw the partial state. */
  private partialSinceFlip = false;

  constructor(
    private readonly network: Network,
    private readonly plane: DataPlane,
    private readonly service: string,
    private readonly port: number,
    private readonly rng: Rng,
    private readonly scope: ProcessScope,
    private readonly emit: Emit,
  ) {}

  /** Starts probing every `intervalUs`. */
  start(intervalUs: Micros): void {
    this.scope.every(intervalUs, () => this.probe(), 0);
  }

  /** One request's outcome now. */
  check(): ServiceCheck {
    // Like a load balancer in front of the NodePorts, the client skips nodes that do not serve
    // the port (guest down, or no kube-proxy: e.g. a re-created VM that never joined).
    let entry: string | undefined;
    let proxy: KubeProxy | undefined;
    let firstRunning: string | undefined;
    for (const w of this.plane.workers) {
      if (!this.plane.vm(w)?.isGuestRunning) continue;
      firstRunning ??= w;
      proxy = this.plane.kubeProxy(w);
      if (proxy) {
        entry = w;
        break;
      }
    }
    const none = (message: string): ServiceCheck => ({ ok: false, message, backends: 0, dead: 0 });
    if (firstRunning === undefined) return none("no worker node is running");
    if (entry === undefined || !proxy)
      return none(`${firstRunning}:${this.port}: connection refused (kube-proxy not running)`);
    const backends = proxy.backends(this.service);
    if (backends.length === 0) return none(`${entry}: no endpoints for service ${this.service}`);
    const chosen = this.rng.int(0, backends.length - 1);
    let dead = 0;
    let deadMessage: string | undefined;
    let failure: string | undefined;
    for (let i = 0; i < backends.length; i++) {
      const why = this.failure(entry, backends[i]!);
      if (why === undefined) continue;
      dead++;
      deadMessage ??= why;
      if (i === chosen) failure = why;
    }
    const n = backends.length;
    const base = { backends: n, dead, ...(deadMessage !== undefined ? { deadMessage } : {}) };
    if (failure !== undefined) return { ok: false, message: failure, ...base };
    return { ok: true, message: `200 OK from ${backends[chosen]!.podName}`, ...base };
  }

  /** Why a request forwarded to `b` from `entry` fails, or undefined when it is answered. */
  private failure(entry: string, b: EndpointAddress): string | undefined {
    const vm = this.plane.vm(b.nodeName);
    const rt = this.plane.runtime(b.nodeName);
    if (!vm?.isGuestRunning || !rt?.byAddress(b.ip))
      return `${b.ip}:${this.port} (pod ${b.podName} on ${b.nodeName}): i/o timeout`;
    if (this.network.reachable(entry, b.nodeName, this.port) !== true)
      return `${b.ip}:${this.port} (pod ${b.podName}): no route from ${entry}`;
    return undefined;
  }

  private probe(): void {
    const r = this.check();
    const partial = r.dead > 0 && r.dead < r.backends;
    const key = partial ? `${r.dead}/${r.backends}` : "";
    if (key !== this.partialKey) {
      // Into, within or out of a partial outage: one line for the whole stretch.
      this.emit("kube.service.backends", this.service, {
        dead: r.dead,
        backends: r.backends,
        message: r.dead > 0 ? (r.deadMessage ?? r.message) : r.ok ? "" : r.message,
      });
      this.partialKey = key;
    }
    if (partial) this.partialSinceFlip = true;
    if (r.ok === this.last) return;
    this.last = r.ok;
    this.emit("kube.service.probe", this.service, {
      ok: r.ok,
      message: r.ok ? "Welcome to nginx!" : r.message,
      ...(this.partialSinceFlip ? { partial: true } : {}),
    });
    this.partialSinceFlip = partial;
  }
}

/**
 * What users feel, measured separately for the control plane and the data plane (seed 003: the API
 * can be down while "our nginx pods are still serving").
 *
 * - API probe: every interval a client outside the cluster sends `GET
 *   /api/v1/namespaces/default/services/kubernetes` (a quorum read, as `kubectl get` does) through
 *   the control-plane endpoint on a new connection, with a timeout — on schedule, whether or not
 *   earlier requests are still waiting, as a synthetic monitor does. Outcomes are taken in issue
 *   order ({@link IssueOrder}), so the signal says whether a request *issued* at an instant
 *   succeeded: a request that hangs until its timeout marks the API unavailable from when it was
 *   sent, not from when it gave up. Trace `kube.api.probe {ok, message, atUs}` whenever the
 *   outcome flips (`atUs`: the issue time of the request that showed it; the record is written
 *   when that is known, up to one timeout later).
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
import { IssueOrder } from "../../util/issue-order.js";
import type { ApiRequest } from "../api/request.js";
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
  /** Issue time of the request that began the current outcome (µs). */
  readonly sinceUs: Micros;
}

/** The probe request: `kubectl get service kubernetes -n default`. */
const PROBE_REQUEST: ApiRequest = {
  verb: "get",
  resource: "services",
  namespace: "default",
  name: "kubernetes",
};

/**
 * The API availability probe. Each request is independent (its own connection and timeout, like
 * a prober's), so while one hangs the next still go out every interval; their outcomes are folded
 * in issue order.
 *
 * Every failed request counts, whatever its kind: an error answered by an apiserver (`etcdserver:
 * request timed out`), a refused connection (seed 003's single master: down from the first
 * refused request, as before), and a request that hung until its timeout. So a hang of N seconds
 * shows as about N seconds of unavailability from the issue time of the first request that hung.
 * Behind a round-robin load balancer with one dead backend that it still counts as UP, the
 * requests sent to that backend hang (src/kube/client/endpoint.ts: the LB hands the connection to
 * the backend, no retry or redispatch is modelled) while the others succeed: each failed request
 * then makes an unavailable window of about one interval, from its issue time to the next success
 * — the share of requests that failed, which is what a user whose connection went to that node
 * sees (seed 001: "not available for a few seconds"). Unlike the etcd workload, which fails over
 * between endpoints itself, no run of failures is required: the client has a single endpoint.
 */
export class ApiProbe {
  /** The signal starts true (a settled cluster), so only changes are traced. */
  private last = true;
  private lastStatus: ApiStatus = OK;
  private sinceUs: Micros = 0;
  private readonly order = new IssueOrder<ApiStatus>((status, issuedAtUs) => this.fold(status, issuedAtUs));
  private readonly clientSettings: ClientSettings;

  constructor(
    private readonly network: Network,
    private readonly host: string,
    private readonly scope: ProcessScope,
    private readonly endpoint: ApiEndpoint,
    settings: ClientSettings,
    private readonly timeoutUs: Micros,
    private readonly emit: Emit,
  ) {
    this.clientSettings = { ...settings, dialTimeoutUs: timeoutUs };
  }

  /** Starts probing every `intervalUs`. */
  start(intervalUs: Micros): void {
    this.scope.every(intervalUs, () => this.probe(), 0);
  }

  /**
   * The latest outcome known (views print kubectl's error rather than stale objects while it
   * fails). It lags by the requests still outstanding: up to one timeout.
   */
  verdict(): ApiVerdict {
    return { ok: this.last, status: this.lastStatus, sinceUs: this.sinceUs };
  }

  /** Requests sent and not yet folded (for tests). */
  get outstanding(): number {
    return this.order.pending;
  }

  private probe(): void {
    const seq = this.order.issue(this.scope.now);
    const client = new ApiClient(
      this.network,
      this.host,
      this.scope,
      this.endpoint,
      this.clientSettings,
      "api-probe",
    );
    client.request(
      PROBE_REQUEST,
      (res) => {
        client.close();
        this.order.complete(seq, res.status);
      },
      this.timeoutUs,
    );
  }

  private fold(status: ApiStatus, issuedAtUs: Micros): void {
    const ok = status.code === 200;
    this.lastStatus = status;
    if (ok === this.last) return;
    this.last = ok;
    this.sinceUs = issuedAtUs;
    this.emit("kube.api.probe", "api", { ok, message: ok ? "ok" : status.message, atUs: issuedAtUs });
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

/**
 * What users feel, measured separately for the control plane and the data plane (seed 003: the API
 * can be down while "our nginx pods are still serving").
 *
 * - API probe: every interval a client outside the cluster sends `GET
 *   /api/v1/namespaces/default/services/kubernetes` (a quorum read, as `kubectl get` does) through
 *   the control-plane endpoint on a new connection, with a timeout. Trace `kube.api.probe {ok,
 *   message}` whenever the outcome flips.
 * - Service probe: every interval a client sends a request to the workload Service's NodePort on
 *   the first worker whose guest is running; that node's kube-proxy forwards it to one of the ready
 *   endpoints it knows (chosen at random), and the request succeeds if a container with that IP
 *   runs on a live guest reachable from the entry node. Trace `kube.service.probe {ok, message}` on
 *   flips.
 */
import type { Network } from "../../infra/network.js";
import type { Vm } from "../../infra/vm.js";
import type { Rng } from "../../sim/rng.js";
import type { Micros } from "../../sim/time.js";
import { ApiClient, type ClientSettings } from "../client/client.js";
import type { ApiEndpoint } from "../client/endpoint.js";
import type { ContainerRuntime } from "../node/runtime.js";
import type { ProcessScope } from "../process-scope.js";
import type { KubeProxy } from "./kube-proxy.js";

type Emit = (kind: string, subject: string, fields: Record<string, unknown>) => void;

/** The API availability probe. */
export class ApiProbe {
  /** The signal starts true (a settled cluster), so only changes are traced. */
  private last = true;
  private inFlight = false;

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
        if (ok === this.last) return;
        this.last = ok;
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

/** The Service availability probe. */
export class ServiceProbe {
  private last = true;

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
  check(): { ok: boolean; message: string } {
    const entry = this.plane.workers.find((w) => this.plane.vm(w)?.isGuestRunning);
    if (entry === undefined) return { ok: false, message: "no worker node is running" };
    const proxy = this.plane.kubeProxy(entry);
    if (!proxy)
      return { ok: false, message: `${entry}:${this.port}: connection refused (kube-proxy not running)` };
    const backends = proxy.backends(this.service);
    if (backends.length === 0)
      return { ok: false, message: `${entry}: no endpoints for service ${this.service}` };
    const b = backends[this.rng.int(0, backends.length - 1)]!;
    const vm = this.plane.vm(b.nodeName);
    const rt = this.plane.runtime(b.nodeName);
    if (!vm?.isGuestRunning || !rt?.byAddress(b.ip)) {
      return { ok: false, message: `${b.ip}:${this.port} (pod ${b.podName} on ${b.nodeName}): i/o timeout` };
    }
    if (this.network.reachable(entry, b.nodeName, this.port) !== true) {
      return { ok: false, message: `${b.ip}:${this.port} (pod ${b.podName}): no route from ${entry}` };
    }
    return { ok: true, message: `200 OK from ${b.podName}` };
  }

  private probe(): void {
    const r = this.check();
    if (r.ok === this.last) return;
    this.last = r.ok;
    this.emit("kube.service.probe", this.service, {
      ok: r.ok,
      message: r.ok ? "Welcome to nginx!" : r.message,
    });
  }
}

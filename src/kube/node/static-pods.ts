/**
 * Static pods: the control-plane components kubeadm runs from `/etc/kubernetes/manifests`. The
 * kubelet starts a container per manifest, restarts it when it exits (CrashLoopBackOff: 10 s
 * doubling to 5 min, reset after 10 min of running, kubernetes `pkg/kubelet/kubelet.go`
 * MaxContainerBackOff), kills it when its manifest is removed, and probes kube-apiserver's `/livez`:
 * a startup probe first (period 10 s, failure threshold 24), then the liveness probe (initial delay
 * 10 s, period 10 s, timeout 15 s, failure threshold 8; kubeadm `cmd/kubeadm/app/util/staticpod/
 * utils.go`, capi-kube.md §5). So an apiserver whose etcd stays down is killed after about 8 × 10 s
 * and restarted, over and over.
 *
 * All of this is kubelet work: while the kubelet is stopped, static containers keep running as they
 * are, exited ones stay dead, and nothing is probed.
 *
 * What the kubelet would report for each static pod (`view`) feeds its mirror pod (`mirror-pods.ts`):
 * running or waiting (CrashLoopBackOff while a back-off runs), the restart count (kept by the
 * runtime, so it survives kubelet restarts and reboots), and readiness. kubeadm also gives
 * kube-apiserver a readiness probe on `/readyz` (period 1 s, threshold 3); it is not run separately:
 * the container is ready once its startup probe passed and while its latest `/livez` probe
 * succeeded (the model's `/livez` and `/readyz` answer alike once the apiserver serves), so
 * readiness follows a failing apiserver within one liveness period (10 s) instead of 3 s.
 */
import { sample } from "../../sim/distribution.js";
import type { Micros } from "../../sim/time.js";
import { MINUTE, SECOND } from "../../sim/time.js";
import { ApiClient } from "../client/client.js";
import type { ProbeSpec, StaticPodSpec } from "../component.js";
import { ProcessScope } from "../process-scope.js";
import type { KubeletContext } from "./kubelet.js";
import type { Container } from "./runtime.js";

/** What the kubelet knows of one static pod, as its status manager would report it. */
export interface StaticPodView {
  /** The container runs. */
  readonly running: boolean;
  /** Running, past its startup probe, and its latest probe succeeded (always, without probes). */
  readonly ready: boolean;
  /** Container restarts on this VM (0 before the first restart). */
  readonly restartCount: number;
  /** Why a container that is not running waits: ContainerCreating (first start), CrashLoopBackOff. */
  readonly waitingReason?: string;
}

/** How the kubelet hears about its static pods. */
export interface StaticPodHooks {
  /** A static pod's view changed (started, exited, readiness, manifest removed). */
  readonly changed?: (name: string) => void;
  /**
   * True during the settled start-up (the kubelet's API work has not begun): containers started
   * then stand for ones that have run for the cluster's age, past their startup probes.
   */
  readonly settling?: () => boolean;
}

/** Crash-loop back-off settings. */
export interface StaticPodSettings {
  readonly crashLoopBackoffInitialUs: Micros;
  readonly crashLoopBackoffMaxUs: Micros;
}

/** A container that ran this long resets its back-off (kubelet backOffPeriod reset). */
const BACKOFF_RESET_US = 10 * MINUTE;
/** kubelet `fileCheckFrequency`: how often manifests are re-read. */
const FILE_CHECK_US = 20 * SECOND;

interface PodState {
  readonly spec: StaticPodSpec;
  starting: boolean;
  restartCount: number;
  nextStartUs: Micros;
  probeFailures: number;
  startupDone: boolean;
  probing: number;
  ready: boolean;
  waitingReason: string | undefined;
}

/** The static pods of one kubelet. */
export class StaticPods {
  private readonly states = new Map<string, PodState>();
  private readonly prober: ApiClient;

  constructor(
    private readonly ctx: KubeletContext,
    private readonly settings: StaticPodSettings,
    private readonly hooks: StaticPodHooks = {},
  ) {
    this.prober = new ApiClient(
      ctx.network,
      ctx.vm.name,
      ctx.scope,
      ctx.localEndpoint,
      ctx.clientSettings,
      "kube-probe",
    );
    const off = ctx.runtime.onExit((c, reason) => this.exited(c, reason));
    ctx.scope.onEnd(off);
    ctx.scope.every(FILE_CHECK_US, () => this.sync(), 0);
  }

  /** Pod uid of a node's static pod (stable across restarts). */
  static uid(name: string, node: string): string {
    return `static-${name}-${node}`;
  }

  /** Reconciles running containers with the manifests. */
  sync(): void {
    const ctx = this.ctx;
    const node = ctx.vm.name;
    const wanted = new Set<string>();
    for (const spec of ctx.manifests()) {
      wanted.add(spec.name);
      let st = this.states.get(spec.name);
      if (!st) {
        st = {
          spec,
          starting: false,
          restartCount: 0,
          nextStartUs: 0,
          probeFailures: 0,
          startupDone: false,
          probing: 0,
          ready: false,
          waitingReason: undefined,
        };
        this.states.set(spec.name, st);
        // A container already running (kubelet restart) is adopted: probing resumes.
        if (ctx.runtime.get(StaticPods.uid(spec.name, node))) {
          st.ready = true;
          this.startProbes(st, true);
        }
        this.changed(spec.name);
      }
      if (!ctx.runtime.get(StaticPods.uid(spec.name, node))) this.maybeStart(st);
    }
    for (const c of [...ctx.runtime.list()]) {
      if (c.staticName !== undefined && !wanted.has(c.staticName)) {
        ctx.runtime.remove(c.podUid, "manifest removed");
        this.emit(c.staticName, "killed", "static pod manifest removed");
        this.states.delete(c.staticName);
        this.changed(c.staticName);
      }
    }
    for (const name of [...this.states.keys()]) {
      if (!wanted.has(name)) {
        this.states.delete(name);
        this.changed(name);
      }
    }
  }

  /** What the kubelet reports for a static pod; undefined when it has no such manifest (yet). */
  view(name: string): StaticPodView | undefined {
    const st = this.states.get(name);
    if (!st) return undefined;
    const uid = StaticPods.uid(name, this.ctx.vm.name);
    const restarts = this.ctx.runtime.restartCount(uid);
    const running = this.ctx.runtime.get(uid) !== undefined;
    const waitingReason = running
      ? undefined
      : restarts === undefined
        ? "ContainerCreating"
        : st.waitingReason;
    return {
      running,
      ready: running && st.ready,
      restartCount: restarts ?? 0,
      ...(waitingReason !== undefined ? { waitingReason } : {}),
    };
  }

  private changed(name: string): void {
    this.hooks.changed?.(name);
  }

  private maybeStart(st: PodState): void {
    const ctx = this.ctx;
    if (st.starting || !ctx.runtime.up) return;
    const now = ctx.scope.now;
    if (now < st.nextStartUs) {
      st.starting = true;
      ctx.scope.after(st.nextStartUs - now, () => {
        st.starting = false;
        this.maybeStart(st);
      });
      return;
    }
    st.starting = true;
    ctx.scope.after(sample(st.spec.startDelay, ctx.rng), () => {
      st.starting = false;
      if (!this.isWanted(st.spec.name) || !ctx.runtime.up) return;
      const node = ctx.vm.name;
      const uid = StaticPods.uid(st.spec.name, node);
      if (ctx.runtime.get(uid)) return;
      const scope = new ProcessScope(ctx.vm.guest);
      const process = st.spec.factory({
        vm: ctx.vm,
        scope,
        exit: (reason) => {
          scope.end();
          ctx.runtime.exited(uid, reason);
        },
      });
      if (!scope.alive) return;
      const container: Container = {
        podUid: uid,
        namespace: "kube-system",
        podName: `${st.spec.name}-${node}`,
        ip: ctx.vm.address,
        startedAtUs: ctx.scope.now,
        staticName: st.spec.name,
        process,
      };
      ctx.runtime.add(container);
      ctx.runtime.countStart(uid);
      this.emit(st.spec.name, "started", st.restartCount > 0 ? `restart ${st.restartCount}` : "");
      st.waitingReason = undefined;
      const settled = this.hooks.settling?.() ?? false;
      st.ready = settled || !st.spec.probes;
      this.startProbes(st, settled);
      this.changed(st.spec.name);
    });
  }

  private isWanted(name: string): boolean {
    return this.ctx.manifests().some((s) => s.name === name);
  }

  private exited(c: Container, reason: string): void {
    if (c.staticName === undefined || reason === "guest stopped" || reason === "manifest removed") return;
    const st = this.states.get(c.staticName);
    if (!st) return;
    st.probing++;
    const ran = this.ctx.scope.now - c.startedAtUs;
    if (ran >= BACKOFF_RESET_US) st.restartCount = 0;
    st.restartCount++;
    const s = this.settings;
    // The first restart is immediate; later ones wait 10 s, 20 s, … up to the cap (kubelet doBackOff).
    const backoff =
      st.restartCount <= 1
        ? 0
        : Math.min(s.crashLoopBackoffInitialUs * 2 ** (st.restartCount - 2), s.crashLoopBackoffMaxUs);
    st.nextStartUs = this.ctx.scope.now + backoff;
    if (!reason.startsWith("Liveness") && !reason.startsWith("Startup"))
      this.emit(c.staticName, "exited", reason);
    st.ready = false;
    st.waitingReason = backoff > 0 ? "CrashLoopBackOff" : undefined;
    this.changed(c.staticName);
    this.maybeStart(st);
  }

  private startProbes(st: PodState, adopted: boolean): void {
    const probes = st.spec.probes;
    if (!probes) return;
    st.probeFailures = 0;
    st.startupDone = adopted;
    const run = ++st.probing;
    const first = adopted ? probes.liveness.periodUs : Math.max(probes.startup.initialDelayUs, 0);
    this.ctx.scope.after(first, () => this.probe(st, run));
  }

  private probe(st: PodState, run: number): void {
    if (run !== st.probing) return;
    const ctx = this.ctx;
    const uid = StaticPods.uid(st.spec.name, ctx.vm.name);
    if (!ctx.runtime.get(uid)) return;
    const probes = st.spec.probes!;
    const spec: ProbeSpec = st.startupDone ? probes.liveness : probes.startup;
    this.prober.request(
      { verb: "livez", userAgent: "kube-probe" },
      (res) => {
        this.prober.resetConnection("probe done");
        if (run !== st.probing) return;
        if (res.status.code === 200) {
          st.probeFailures = 0;
          st.startupDone = true;
          this.setReady(st, true);
        } else if (++st.probeFailures >= spec.failureThreshold) {
          const kind = st.startupDone ? "Liveness" : "Startup";
          const detail =
            res.status.code > 0
              ? `HTTP probe failed with statuscode: ${res.status.code}`
              : res.status.message;
          const reason = `${kind} probe failed: ${detail}`;
          st.probing++;
          this.emit(st.spec.name, "killed", reason);
          ctx.runtime.remove(uid, reason);
          return;
        } else {
          this.setReady(st, false);
        }
        ctx.scope.after(spec.periodUs, () => this.probe(st, run));
      },
      spec.timeoutUs,
    );
  }

  private setReady(st: PodState, ready: boolean): void {
    if (st.ready === ready) return;
    st.ready = ready;
    this.changed(st.spec.name);
  }

  private emit(name: string, event: string, reason: string): void {
    const node = this.ctx.vm.name;
    this.ctx.emit("kube.container", `${node}/${name}`, {
      node,
      pod: `${name}-${node}`,
      container: name,
      event,
      reason,
    });
  }
}

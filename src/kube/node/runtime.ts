/**
 * The container runtime of one VM (containerd with its shims): which pod containers run there now.
 * Containers belong to the guest, not to the kubelet: they keep running when the kubelet stops
 * (seed 003: "our nginx pods are still serving" with the control plane down) and when containerd
 * itself is stopped (containerd.service uses KillMode=process, so the shims and containers survive);
 * they die when the guest stops. The kubelet starts and stops containers only while containerd is
 * up, and reports the node NotReady while it is down.
 *
 * Trace: `kube.container {pod, event: started | killed | exited, reason}` for static control-plane
 * pods (workload containers are traced through their pods).
 */
import type { Process } from "../../infra/services.js";
import type { Vm } from "../../infra/vm.js";
import type { Micros } from "../../sim/time.js";

/** One running pod sandbox with its container. */
export interface Container {
  readonly podUid: string;
  readonly namespace: string;
  readonly podName: string;
  readonly ip: string;
  readonly startedAtUs: Micros;
  /** A static control-plane pod whose container runs a component process. */
  readonly staticName?: string;
  /** The component's process, for static pods. */
  readonly process?: Process;
}

/** Told when a container disappears (killed, exited, guest stopped). */
export type ContainerListener = (c: Container, reason: string) => void;

/** Containers of one VM. */
export class ContainerRuntime {
  private readonly containers = new Map<string, Container>();
  private readonly byIp = new Map<string, Container>();
  private readonly exitListeners: ContainerListener[] = [];
  /**
   * Container starts per static pod uid. containerd keeps exited containers (with their attempt
   * number) on disk, so the kubelet's restart count survives kubelet restarts and reboots.
   */
  private readonly starts = new Map<string, number>();
  private nextIp = 2;
  /** containerd is running (the CRI answers). */
  up = true;
  /**
   * When the pod network (CNI) is ready on this VM: 0 on a node that has it (its CNI config is on
   * disk and survives reboots), later on a freshly joined node until the CNI agent's DaemonSet pod
   * has started and written the config. Undefined until the kubelet of a new node decides it.
   */
  networkReadyAtUs: Micros | undefined = 0;

  constructor(
    readonly vm: Vm,
    /** `10.244.<n>` — the node's pod network prefix. */
    private readonly podNetPrefix: string,
  ) {
    vm.onStopped(() => {
      const all = [...this.containers.values()];
      this.containers.clear();
      this.byIp.clear();
      for (const c of all) {
        c.process?.kill();
        for (const l of this.exitListeners) l(c, "guest stopped");
      }
    });
  }

  /** True once the pod network is ready (the CRI's NetworkReady condition). */
  networkReady(nowUs: Micros): boolean {
    return this.networkReadyAtUs !== undefined && nowUs >= this.networkReadyAtUs;
  }

  /** The container of a pod, by pod uid. */
  get(podUid: string): Container | undefined {
    return this.containers.get(podUid);
  }

  /** The container serving `ip`, if any. */
  byAddress(ip: string): Container | undefined {
    return this.byIp.get(ip);
  }

  /** Every running container. */
  list(): IterableIterator<Container> {
    return this.containers.values();
  }

  /** Number of running containers. */
  get size(): number {
    return this.containers.size;
  }

  /** A fresh pod IP in the node's range. */
  allocateIp(): string {
    for (let i = 0; i < 253; i++) {
      const n = this.nextIp;
      this.nextIp = n >= 254 ? 2 : n + 1;
      const ip = `${this.podNetPrefix}.${n}`;
      if (!this.byIp.has(ip)) return ip;
    }
    return `${this.podNetPrefix}.255`;
  }

  /** Records a started container. */
  add(c: Container): void {
    this.containers.set(c.podUid, c);
    this.byIp.set(c.ip, c);
  }

  /** Kills a container (its process dies without shutdown code). */
  remove(podUid: string, reason: string): Container | undefined {
    const c = this.containers.get(podUid);
    if (!c) return undefined;
    this.containers.delete(podUid);
    this.byIp.delete(c.ip);
    c.process?.kill();
    for (const l of this.exitListeners) l(c, reason);
    return c;
  }

  /** A container's process exited on its own (a component that lost its lease, a crash). */
  exited(podUid: string, reason: string): void {
    const c = this.containers.get(podUid);
    if (!c) return;
    this.containers.delete(podUid);
    this.byIp.delete(c.ip);
    for (const l of this.exitListeners) l(c, reason);
  }

  /** Records a start of a pod's container and returns its restart count (0 for the first start). */
  countStart(podUid: string): number {
    const n = (this.starts.get(podUid) ?? 0) + 1;
    this.starts.set(podUid, n);
    return n - 1;
  }

  /** The restart count of a pod's latest container; undefined if it never started on this VM. */
  restartCount(podUid: string): number | undefined {
    const n = this.starts.get(podUid);
    return n === undefined ? undefined : n - 1;
  }

  /** Subscribes to container exits. Returns an unsubscribe function. */
  onExit(fn: ContainerListener): () => void {
    this.exitListeners.push(fn);
    return () => {
      const i = this.exitListeners.indexOf(fn);
      if (i >= 0) this.exitListeners.splice(i, 1);
    };
  }
}

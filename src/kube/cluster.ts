/**
 * A Kubernetes cluster on the world's VMs: what kubeadm sets up on each machine, and the handles
 * the world's actions, signals and views use.
 *
 * Every node runs containerd, the kubelet and kube-proxy as systemd units. Each control-plane node
 * also runs kube-apiserver, kube-controller-manager, kube-scheduler (and kube-vip when the
 * endpoint is a VIP), either as static pods from its manifests (kubeadm) or as systemd units (the
 * systemd layout of seed 003). Each apiserver talks to etcd through the client the world gives it
 * (stacked: its local member only). Kubelets and kube-proxies reach the API through the
 * control-plane endpoint; the other control-plane components through their local apiserver.
 *
 * The run starts from a settled cluster: the initial objects are written to etcd first, then the
 * apiservers start and list them, then everything else starts, without start-up delays. Only
 * what happens after that is traced.
 */
import type { EtcdClient } from "../etcd/client-api.js";
import { GuestClock } from "../infra/guest.js";
import type { Hypervisor } from "../infra/hypervisor.js";
import type { BackendTarget } from "../infra/lb-config.js";
import type { HealthCheck, LoadBalancer } from "../infra/loadbalancer.js";
import type { Network } from "../infra/network.js";
import type { Process, ServiceManager, UnitSpec } from "../infra/services.js";
import type { Vm } from "../infra/vm.js";
import { constant } from "../sim/distribution.js";
import type { Simulation } from "../sim/simulation.js";
import { MILLISECOND, type Micros, SECOND } from "../sim/time.js";
import { APISERVER_PORT } from "./api/wire.js";
import { ApiServer } from "./apiserver/server.js";
import { type InitialNode, initialCluster } from "./bootstrap.js";
import { ApiClient } from "./client/client.js";
import { type ApiEndpoint, hostEndpoint, loadBalancerEndpoint, vipEndpoint } from "./client/endpoint.js";
import type { ComponentContext, ComponentFactory, StaticPodSpec } from "./component.js";
import { ControllerManager } from "./control/controller-manager.js";
import { Scheduler } from "./control/scheduler.js";
import { KubeProxy } from "./dataplane/kube-proxy.js";
import { ApiProbe, ServiceProbe } from "./dataplane/probes.js";
import { KubeVip } from "./endpoint/kube-vip.js";
import { VirtualIp } from "./endpoint/vip.js";
import { kubectlError } from "./kubectl.js";
import { Kubelet } from "./node/kubelet.js";
import { ContainerRuntime } from "./node/runtime.js";
import type { AnyObject } from "./objects/index.js";
import { ClusterObserver } from "./observer.js";
import { ProcessScope } from "./process-scope.js";
import type { KubeSettings } from "./settings.js";
import { resourceOfKind, storageKey } from "./storage/resources.js";

/** The control-plane components, by their unit / manifest name. */
export const CONTROL_PLANE_COMPONENTS = [
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
] as const;
/** Units every node has. */
export const NODE_UNITS = ["containerd", "kubelet", "kube-proxy"] as const;

/** Everything the cluster is built on. */
export interface KubeClusterOptions {
  readonly sim: Simulation;
  readonly network: Network;
  readonly hypervisor: Hypervisor;
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
  /** systemd of each VM. */
  readonly services: ReadonlyMap<string, ServiceManager>;
  /**
   * A new etcd client for a process on a control-plane node (stacked: its local member; external:
   * every member), scheduling its timers with `schedule` (the process's guest clock; it returns a
   * function that cancels the timer). Its `close`,
   * if any, runs when the process ends.
   */
  readonly etcdFor: (
    host: string,
    schedule: (delayUs: number, fn: () => void) => () => void,
  ) => EtcdClient & { close?(): void };
  readonly settings: KubeSettings;
  /** A host outside the cluster where kubectl and the probes run. */
  readonly adminHost: string;
  /** HAProxy: builds the load balancer with the given check (the world owns its settings). */
  readonly makeLoadBalancer?: (check: HealthCheck, backends: readonly BackendTarget[]) => LoadBalancer;
  /** Host the load balancer checks from. */
  readonly lbHost?: string;
}

type Emit = (kind: string, subject: string, fields: Record<string, unknown>) => void;

/** The start-up phase a component waits for: the apiservers and kube-vip first, then the rest. */
function phaseOf(component: string): Phase {
  if (component === "kube-apiserver") return "apiservers";
  return component === "kube-vip" ? "endpoint" : "running";
}

/**
 * Start-up phases of the settled start: the initial objects are written, then the apiservers
 * start (`apiservers`), then kube-vip once they serve (`endpoint`), then everything else once the
 * endpoint leads somewhere (`running`).
 */
type Phase = "apiservers" | "endpoint" | "running";

/** How long the settled start waits for every apiserver before starting the rest anyway. */
const SETTLE_LIMIT_US = 2 * SECOND;
/** etcd txn size for the initial write (below etcd's --max-txn-ops 128). */
const BOOTSTRAP_BATCH = 100;

/** The Kubernetes layer of a world. */
export class KubeCluster {
  readonly observer: ClusterObserver;
  readonly settings: KubeSettings;
  /** Static pod manifests per control-plane node (survive reboots, like /etc/kubernetes/manifests). */
  readonly manifests = new Map<string, Set<string>>();
  readonly apiservers = new Map<string, ApiServer>();
  readonly kubelets = new Map<string, Kubelet>();
  readonly kubeProxies = new Map<string, KubeProxy>();
  readonly controllerManagers = new Map<string, ControllerManager>();
  readonly schedulers = new Map<string, Scheduler>();
  readonly kubeVips = new Map<string, KubeVip>();
  readonly vip: VirtualIp | undefined;
  /** The HAProxy load balancer once built. */
  loadBalancer: LoadBalancer | undefined;
  /** The endpoint clients outside the control plane use. */
  readonly endpoint: ApiEndpoint;
  /** The kubeadm init token. */
  token = "";
  /** Revision of etcd after the initial objects were written. */
  bootstrapRevision = 0;
  private readonly runtimes = new Map<string, ContainerRuntime>();
  private readonly emitFn: Emit;
  private phase: "writing" | Phase = "writing";
  private readonly waiting: { phase: Phase; fn: () => void }[] = [];
  private readonly adminScope: ProcessScope;
  private serviceProbe: ServiceProbe | undefined;
  private apiProbe: ApiProbe | undefined;

  constructor(private readonly o: KubeClusterOptions) {
    this.settings = o.settings;
    const sim = o.sim;
    this.emitFn = (kind, subject, fields) => void sim.emit(kind, subject, fields);
    this.observer = new ClusterObserver(this.emitFn, o.settings.workload.namespace);
    this.adminScope = new ProcessScope(new GuestClock(sim));
    const s = o.settings;
    if (s.endpoint === "kube-vip") this.vip = new VirtualIp(s.endpointAddress, this.emitFn);
    this.endpoint = this.makeEndpoint();
  }

  /** Every node name, control planes first. */
  get nodeNames(): string[] {
    return [...this.o.controlPlanes, ...this.o.workers];
  }

  /** True once the initial objects are written and every component started. */
  get running(): boolean {
    return this.phase === "running";
  }

  /** The container runtime of a node's current VM. */
  runtime(node: string): ContainerRuntime | undefined {
    const vm = this.o.hypervisor.vm(node);
    if (!vm) return undefined;
    let rt = this.runtimes.get(node);
    if (!rt || rt.vm !== vm) {
      const index = this.nodeNames.indexOf(node);
      rt = new ContainerRuntime(vm, `10.244.${index >= 0 ? index : this.runtimes.size}`);
      this.runtimes.set(node, rt);
    }
    return rt;
  }

  /** The node's VM. */
  vm(node: string): Vm | undefined {
    return this.o.hypervisor.vm(node);
  }

  /** Emits a trace record. */
  emit(kind: string, subject: string, fields: Record<string, unknown>): void {
    this.emitFn(kind, subject, fields);
  }

  /**
   * Installs the units and manifests on every node and starts the settled start-up: the initial
   * objects are written through `etcdFor(first control plane)` as soon as etcd accepts writes.
   */
  install(): void {
    const s = this.settings;
    const cps = new Set(this.o.controlPlanes);
    for (const node of this.nodeNames) {
      const systemd = this.o.services.get(node);
      if (!systemd) throw new Error(`no systemd for ${node}`);
      const isCp = cps.has(node);
      this.addNodeUnits(systemd, {
        kubelet: (ctx) =>
          this.unitProcess(ctx.vm, ctx.exit, (cc) => this.startKubelet(cc, isCp), "apiservers"),
        kubeProxy: (ctx) => this.unitProcess(ctx.vm, ctx.exit, (cc) => this.startKubeProxy(cc), "running"),
      });
      if (!isCp) continue;
      const components = this.componentFactories();
      if (s.components === "systemd") {
        for (const [name, factory] of components) {
          systemd.add({
            name,
            start: (ctx) => this.unitProcess(ctx.vm, ctx.exit, factory, phaseOf(name)),
            startDelay: s.componentStartDelay,
            restartAfterUs: s.systemdRestartUs,
          });
        }
      } else {
        this.manifests.set(node, new Set(components.keys()));
      }
    }
    this.o.sim.after(0, () => this.writeInitialObjects());
  }

  /**
   * What `kubeadm join` leaves on a VM that joins while the cluster runs (a Cluster API
   * replacement): containerd, the kubelet (which registers `nodeName`) and kube-proxy as enabled
   * units, and on a control plane the static Pod manifests. The VM is new, so it has no CNI config
   * yet (the kubelet waits for the CNI agent, `kube.cni.startDuration`). Units already installed on
   * this VM are kept (a re-run join starts nothing twice).
   */
  joinNode(systemd: ServiceManager, vm: Vm, nodeName: string, controlPlane: boolean): void {
    const s = this.settings;
    if (controlPlane && s.components === "staticPods") {
      this.manifests.set(nodeName, new Set(this.componentFactories().keys()));
    }
    // A VM joining for the first time has no CNI config: its kubelet waits for the CNI agent.
    if (!systemd.has("containerd")) this.runtime(vm.name)!.networkReadyAtUs = undefined;
    // Pod CIDRs of joined nodes follow the VM's creation order, after the initial nodes'.
    const index = 100 + this.o.hypervisor.history().findIndex((v) => v.uuid === vm.uuid);
    const sim = this.o.sim;
    this.addNodeUnits(systemd, {
      kubelet: (ctx) => {
        const scope = new ProcessScope(ctx.vm.guest);
        const kubelet = new Kubelet({
          network: this.o.network,
          vm: ctx.vm,
          scope,
          endpoint: this.endpoint,
          clientSettings: s.client,
          runtime: this.runtime(ctx.vm.name)!,
          settings: s.kubelet,
          rng: sim.rng.stream(`kube/kubelet/${ctx.vm.name}/${vm.uuid}`),
          node: { controlPlane, podCIDR: `10.244.${index % 256}.0/24` },
          manifests: () => this.staticPodSpecs(nodeName),
          localEndpoint: hostEndpoint(this.o.network, ctx.vm.name),
          emit: this.emitFn,
        });
        return this.track(this.kubelets, nodeName, kubelet, scope);
      },
      kubeProxy: (ctx) => {
        const scope = new ProcessScope(ctx.vm.guest);
        const proxy = new KubeProxy({
          network: this.o.network,
          vm: ctx.vm,
          scope,
          endpoint: this.endpoint,
          clientSettings: s.client,
          rng: sim.rng.stream(`kube/kube-proxy/${ctx.vm.name}/${vm.uuid}`),
        });
        return this.track(this.kubeProxies, nodeName, proxy, scope);
      },
    });
  }

  /**
   * containerd, kubelet and kube-proxy units (the same on every node; kubeadm's packages install
   * them enabled).
   */
  private addNodeUnits(
    systemd: ServiceManager,
    units: {
      readonly kubelet: UnitSpec["start"];
      readonly kubeProxy: UnitSpec["start"];
    },
  ): void {
    if (!systemd.has("containerd")) {
      systemd.add({
        name: "containerd",
        start: (ctx) => {
          const rt = this.runtime(ctx.vm.name)!;
          rt.up = true;
          const down = () => {
            rt.up = false;
          };
          return {
            terminate(exited) {
              down();
              exited();
            },
            kill: down,
          };
        },
        startDelay: constant(SECOND),
        restartAfterUs: 5 * SECOND,
      });
    }
    if (!systemd.has("kubelet")) {
      systemd.add({
        name: "kubelet",
        start: units.kubelet,
        startDelay: constant(SECOND),
        restartAfterUs: 10 * SECOND,
      });
    }
    if (!systemd.has("kube-proxy")) {
      systemd.add({
        name: "kube-proxy",
        start: units.kubeProxy,
        startDelay: constant(SECOND),
        restartAfterUs: 5 * SECOND,
      });
    }
  }

  /** Runs `fn` once the cluster has reached `phase` (at once if it has). */
  whenPhase(phase: Phase, fn: () => void): void {
    const order = { writing: 0, apiservers: 1, endpoint: 2, running: 3 };
    if (order[this.phase] >= order[phase]) fn();
    else this.waiting.push({ phase, fn });
  }

  /** The static pod specs of a node now (its manifests). */
  staticPodSpecs(node: string): StaticPodSpec[] {
    const names = this.manifests.get(node);
    if (!names) return [];
    const factories = this.componentFactories();
    const s = this.settings;
    const out: StaticPodSpec[] = [];
    for (const name of names) {
      const factory = factories.get(name);
      if (!factory) continue;
      out.push({
        name,
        factory: (cc) => this.gated(cc, factory, phaseOf(name)),
        startDelay: this.phase === "running" ? s.componentStartDelay : constant(0),
        ...(name === "kube-apiserver" ? { probes: s.apiserverProbes } : {}),
      });
    }
    return out;
  }

  /** A client outside the cluster (kubectl), dialling the control-plane endpoint. */
  adminClient(): ApiClient {
    return new ApiClient(
      this.o.network,
      this.o.adminHost,
      this.adminScope,
      this.endpoint,
      this.settings.client,
      "kubectl",
    );
  }

  /**
   * Whether a kubectl command issued now would reach the API (the API probe's latest outcome), and
   * if not, the error it would print. Undefined before the cluster is running.
   */
  apiVerdict(): { ok: boolean; error: string; sinceUs: Micros } | undefined {
    const v = this.apiProbe?.verdict();
    if (v === undefined) return undefined;
    return {
      ok: v.ok,
      error: v.ok ? "" : kubectlError(v.status, this.settings.endpointAddress),
      sinceUs: v.sinceUs,
    };
  }

  /** The Service probe's current verdict (for tests). */
  serviceCheck(): { ok: boolean; message: string } | undefined {
    return this.serviceProbe?.check();
  }

  // ---- operator actions on components ------------------------------------------------------------

  /** True when `component` runs as a static pod on `node` in this cluster's layout. */
  isStaticPod(node: string, component: string): boolean {
    return (
      this.settings.components === "staticPods" &&
      this.o.controlPlanes.includes(node) &&
      this.componentFactories().has(component)
    );
  }

  /**
   * Stops a component on a node: `systemctl stop <unit>`, or for a static pod moving its manifest
   * out of /etc/kubernetes/manifests (the kubelet then kills the container; with the kubelet down,
   * nothing happens until it is back). Throws with the operator's error for an unknown unit.
   */
  stopComponent(node: string, component: string): void {
    if (this.isStaticPod(node, component)) {
      this.manifests.get(node)?.delete(component);
      this.kubelets.get(node)?.manifestsChanged();
      this.emitFn("kube.manifest", `${node}/${component}`, { node, component, present: false });
      return;
    }
    this.systemd(node).stop(component);
  }

  /** Starts a component again (`systemctl start`, or the manifest back in place). */
  startComponent(node: string, component: string): void {
    if (this.isStaticPod(node, component)) {
      const m = this.manifests.get(node);
      if (m && !m.has(component)) {
        m.add(component);
        this.emitFn("kube.manifest", `${node}/${component}`, { node, component, present: true });
      }
      this.kubelets.get(node)?.manifestsChanged();
      return;
    }
    this.systemd(node).start(component);
  }

  /** Restarts a component (`systemctl restart`, or `crictl stop` of the static pod's container). */
  restartComponent(node: string, component: string): void {
    if (this.isStaticPod(node, component)) {
      const rt = this.runtime(node);
      const uid = `static-${component}-${node}`;
      rt?.remove(uid, "container stopped (crictl stop)");
      return;
    }
    this.systemd(node).restart(component);
  }

  private systemd(node: string): ServiceManager {
    const s = this.o.services.get(node);
    if (!s) throw new Error(`no VM named ${node}`);
    return s;
  }

  // ---- start-up ----------------------------------------------------------------------------------

  private writeInitialObjects(): void {
    const s = this.settings;
    const cps = new Set(this.o.controlPlanes);
    const zone = (i: number) => (s.zones > 1 ? `zone-${String.fromCharCode(97 + (i % s.zones))}` : undefined);
    const nodes: InitialNode[] = this.nodeNames.map((name, i) => {
      const z = zone(i);
      return {
        name,
        address: this.o.hypervisor.vm(name)?.address ?? name,
        controlPlane: cps.has(name),
        podCIDR: `10.244.${i}.0/24`,
        ...(z !== undefined ? { zone: z } : {}),
        allocateIp: () => this.runtime(name)!.allocateIp(),
        staticPods: [...(this.manifests.get(name) ?? [])],
      };
    });
    const init = initialCluster(s, nodes, this.o.sim.rng.stream("kube/bootstrap"), this.o.sim.now);
    this.token = init.token;
    for (const { node, container } of init.containers) this.runtime(node)?.add(container);
    const first = this.o.controlPlanes[0]!;
    const etcd = this.o.etcdFor(first, (d, fn) => {
      const id = this.o.sim.after(d, fn);
      return () => void this.o.sim.cancel(id);
    });
    const batches: AnyObject[][] = [];
    for (let i = 0; i < init.objects.length; i += BOOTSTRAP_BATCH)
      batches.push(init.objects.slice(i, i + BOOTSTRAP_BATCH));
    const write = (i: number): void => {
      const batch = batches[i];
      if (!batch) {
        this.openPhase("apiservers");
        return;
      }
      const ops = batch.map((obj) => {
        const info = resourceOfKind(obj.kind);
        return {
          type: "put" as const,
          key: storageKey(info, obj.metadata.namespace, obj.metadata.name),
          value: obj,
          bytes: info.bytes,
        };
      });
      etcd.txn([], ops, [], (r) => {
        if (!r.ok) {
          this.o.sim.after(100 * MILLISECOND, () => write(i));
          return;
        }
        this.bootstrapRevision = r.value.revision;
        if (i + 1 >= batches.length) etcd.close?.();
        write(i + 1);
      });
    };
    write(0);
  }

  private openPhase(phase: Phase): void {
    this.phase = phase;
    const order = { apiservers: 1, endpoint: 2, running: 3 };
    const now = this.waiting.filter((w) => order[w.phase] <= order[phase]);
    for (const w of now) this.waiting.splice(this.waiting.indexOf(w), 1);
    for (const w of now) w.fn();
    if (phase === "running") return;
    const started = this.o.sim.now;
    const check = (): void => {
      const done =
        phase === "apiservers"
          ? this.o.controlPlanes.every((h) => this.apiservers.get(h)?.serving)
          : this.vip === undefined || this.vip.holder !== undefined;
      if (done || this.o.sim.now - started >= SETTLE_LIMIT_US) {
        if (phase === "apiservers") this.openPhase("endpoint");
        else this.startRunning();
        return;
      }
      this.o.sim.after(MILLISECOND, check);
    };
    check();
  }

  private startRunning(): void {
    this.observer.quiet = false;
    if (this.o.makeLoadBalancer && this.settings.endpoint === "haproxy") {
      const backends = this.o.controlPlanes.map((h) => ({ name: h, host: h, port: APISERVER_PORT }));
      this.loadBalancer = this.o.makeLoadBalancer(this.readyzCheck(), backends);
    }
    this.openPhase("running");
    const s = this.settings;
    this.apiProbe = new ApiProbe(
      this.o.network,
      this.o.adminHost,
      this.adminScope,
      this.endpoint,
      s.client,
      s.probeTimeoutUs,
      this.emitFn,
    );
    this.apiProbe.start(s.probeIntervalUs);
    if (s.workload.deployments > 0) this.startServiceProbe(this.o.sim.now);
  }

  /** The Service probe starts once the kube-proxies have their rules (settled start). */
  private startServiceProbe(since: number): void {
    const s = this.settings;
    const synced = this.nodeNames.every((n) => this.kubeProxies.get(n)?.synced ?? false);
    if (!synced && this.o.sim.now - since < SETTLE_LIMIT_US) {
      this.o.sim.after(MILLISECOND, () => this.startServiceProbe(since));
      return;
    }
    this.serviceProbe = new ServiceProbe(
      this.o.network,
      {
        workers: this.o.workers,
        vm: (n) => this.vm(n),
        kubeProxy: (n) => this.kubeProxies.get(n),
        runtime: (n) => this.runtime(n),
      },
      `${s.workload.namespace}/${s.workload.name}`,
      s.workload.nodePort,
      this.o.sim.rng.stream("kube/service-probe"),
      this.adminScope,
      this.emitFn,
    );
    this.serviceProbe.start(s.probeIntervalUs);
  }

  // ---- components --------------------------------------------------------------------------------

  private makeEndpoint(): ApiEndpoint {
    const s = this.settings;
    if (s.endpoint === "kube-vip") return vipEndpoint(this.vip!, s.client.dialTimeoutUs);
    if (s.endpoint === "direct") return hostEndpoint(this.o.network, this.o.controlPlanes[0]!);
    const lbEndpointOf = () => this.loadBalancer;
    const address = s.endpointAddress;
    return {
      description: `https://${address}:6443 (haproxy)`,
      resolve: () => {
        const lb = lbEndpointOf();
        if (!lb) return { error: `Get "https://${address}:6443": EOF`, afterUs: MILLISECOND };
        return loadBalancerEndpoint(lb, address).resolve();
      },
    };
  }

  /** A systemd unit's process: the component starts once the cluster reached `phase`. */
  private unitProcess(
    vm: Vm,
    exit: (reason: string) => void,
    factory: ComponentFactory,
    phase: Phase,
  ): Process {
    const scope = new ProcessScope(vm.guest);
    // A process that exits on its own stops all its activity before systemd sees it go.
    const exitNow = (reason: string) => {
      scope.end();
      exit(reason);
    };
    return this.gated({ vm, scope, exit: exitNow }, factory, phase);
  }

  /** Builds the component when the phase is reached; until then the process is a placeholder. */
  private gated(cc: ComponentContext, factory: ComponentFactory, phase: Phase): Process {
    let inner: Process | undefined;
    let dead = false;
    this.whenPhase(phase, () => {
      if (!dead && cc.scope.alive) inner = factory(cc);
    });
    return {
      terminate(exited) {
        dead = true;
        if (inner) inner.terminate(exited);
        else {
          cc.scope.end();
          exited();
        }
      },
      kill() {
        dead = true;
        if (inner) inner.kill();
        else cc.scope.end();
      },
    };
  }

  private componentFactories(): Map<string, ComponentFactory> {
    const m = new Map<string, ComponentFactory>();
    m.set("kube-apiserver", (cc) => this.startApiserver(cc));
    m.set("kube-controller-manager", (cc) => this.startControllerManager(cc));
    m.set("kube-scheduler", (cc) => this.startScheduler(cc));
    if (this.settings.endpoint === "kube-vip") m.set("kube-vip", (cc) => this.startKubeVip(cc));
    return m;
  }

  private track<T>(map: Map<string, T>, host: string, value: T, scope: ProcessScope): T {
    map.set(host, value);
    scope.onEnd(() => {
      if (map.get(host) === value) map.delete(host);
    });
    return value;
  }

  private startApiserver(cc: ComponentContext): Process {
    const host = cc.vm.name;
    const settled = this.phase !== "running";
    const etcd = this.o.etcdFor(host, (d, fn) => {
      const ev = cc.scope.after(d, fn);
      return () => cc.scope.cancel(ev);
    });
    cc.scope.onEnd(() => etcd.close?.());
    const server = new ApiServer({
      network: this.o.network,
      host,
      scope: cc.scope,
      etcd,
      settings: this.settings.apiserver,
      rng: this.o.sim.rng.stream(`kube/apiserver/${host}`),
      listener: this.observer,
      emit: this.emitFn,
      settled,
    });
    return this.track(this.apiservers, host, server, cc.scope);
  }

  private startControllerManager(cc: ComponentContext): Process {
    const host = cc.vm.name;
    const s = this.settings;
    const kcm = new ControllerManager({
      network: this.o.network,
      vm: cc.vm,
      scope: cc.scope,
      endpoint: hostEndpoint(this.o.network, host),
      clientSettings: s.client,
      settings: s.controllers,
      leaderElection: s.leaderElection,
      rng: this.o.sim.rng.stream(`kube/kcm/${host}`),
      emit: this.emitFn,
      exit: (reason) => cc.exit(reason),
    });
    return this.track(this.controllerManagers, host, kcm, cc.scope);
  }

  private startScheduler(cc: ComponentContext): Process {
    const host = cc.vm.name;
    const s = this.settings;
    const sched = new Scheduler({
      network: this.o.network,
      vm: cc.vm,
      scope: cc.scope,
      endpoint: hostEndpoint(this.o.network, host),
      clientSettings: s.client,
      leaderElection: s.leaderElection,
      rng: this.o.sim.rng.stream(`kube/scheduler/${host}`),
      emit: this.emitFn,
      exit: (reason) => cc.exit(reason),
    });
    return this.track(this.schedulers, host, sched, cc.scope);
  }

  private startKubeVip(cc: ComponentContext): Process {
    const host = cc.vm.name;
    const s = this.settings;
    const kv = new KubeVip({
      network: this.o.network,
      vm: cc.vm,
      scope: cc.scope,
      endpoint: hostEndpoint(this.o.network, host),
      clientSettings: s.client,
      leaderElection: s.kubeVip,
      vip: this.vip!,
      rng: this.o.sim.rng.stream(`kube/kube-vip/${host}`),
      emit: this.emitFn,
      exit: (reason) => cc.exit(reason),
    });
    return this.track(this.kubeVips, host, kv, cc.scope);
  }

  private startKubelet(cc: ComponentContext, controlPlane: boolean): Process {
    const host = cc.vm.name;
    const s = this.settings;
    const index = this.nodeNames.indexOf(host);
    const kubelet = new Kubelet({
      network: this.o.network,
      vm: cc.vm,
      scope: cc.scope,
      endpoint: this.endpoint,
      clientSettings: s.client,
      runtime: this.runtime(host)!,
      settings: s.kubelet,
      rng: this.o.sim.rng.stream(`kube/kubelet/${host}`),
      node: {
        controlPlane,
        podCIDR: `10.244.${index}.0/24`,
        ...(s.zones > 1 ? { zone: `zone-${String.fromCharCode(97 + (index % s.zones))}` } : {}),
      },
      manifests: () => this.staticPodSpecs(host),
      localEndpoint: hostEndpoint(this.o.network, host),
      // The settled start's container starts are set-up, not events.
      emit: (k, sub, f) => {
        if (this.phase === "running") this.emitFn(k, sub, f);
      },
      whenApiReady: (fn) => this.whenPhase("running", fn),
    });
    return this.track(this.kubelets, host, kubelet, cc.scope);
  }

  private startKubeProxy(cc: ComponentContext): Process {
    const host = cc.vm.name;
    const proxy = new KubeProxy({
      network: this.o.network,
      vm: cc.vm,
      scope: cc.scope,
      endpoint: this.endpoint,
      clientSettings: this.settings.client,
      rng: this.o.sim.rng.stream(`kube/kube-proxy/${host}`),
    });
    return this.track(this.kubeProxies, host, proxy, cc.scope);
  }

  /** HAProxy `option httpchk GET /readyz` against each apiserver, from the LB host. */
  private readyzCheck(): HealthCheck {
    const lbHost = this.o.lbHost ?? this.o.adminHost;
    const scope = new ProcessScope(new GuestClock(this.o.sim));
    return (backend, done, timeouts) => {
      const client = new ApiClient(
        this.o.network,
        lbHost,
        scope,
        hostEndpoint(this.o.network, backend.host),
        { ...this.settings.client, dialTimeoutUs: timeouts.connectTimeoutUs },
        "haproxy",
      );
      client.request(
        { verb: "readyz" },
        (res) => {
          client.close();
          const code = res.status.code;
          if (code === 200) return done(true, { status: "L7OK", code });
          if (code > 0) return done(false, { status: "L7STS", code });
          const m = res.status.message;
          if (m.includes("connection refused"))
            return done(false, { status: "L4CON", info: "Connection refused" });
          if (m.includes("i/o timeout")) return done(false, { status: "L4TOUT" });
          done(false, { status: "L7TOUT" });
        },
        timeouts.totalTimeoutUs,
      );
    };
  }
}

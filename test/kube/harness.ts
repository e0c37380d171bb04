/**
 * A Kubernetes cluster on VMs with the fake etcd, for tests of the layer without the real etcd:
 * the same KubeCluster the world builds, with settings from the parameter registry.
 */
import { GuestClock } from "../../src/infra/guest.js";
import { Hypervisor } from "../../src/infra/hypervisor.js";
import { LoadBalancer } from "../../src/infra/loadbalancer.js";
import { Network } from "../../src/infra/network.js";
import { ServiceManager } from "../../src/infra/services.js";
import { KubeCluster } from "../../src/kube/cluster.js";
import { Kubectl } from "../../src/kube/kubectl.js";
import type { KubeSettings } from "../../src/kube/settings.js";
import { constant } from "../../src/sim/distribution.js";
import { Simulation } from "../../src/sim/simulation.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { MemorySink, Trace, type TraceRecord } from "../../src/sim/trace.js";
import { kubeSettingsFrom } from "../../src/world/kube-world.js";
import { ParameterSet } from "../../src/world/parameter-set.js";
import { FakeEtcdCluster } from "./fake-etcd.js";

export interface HarnessOptions {
  readonly controlPlanes?: number;
  readonly workers?: number;
  readonly seed?: number;
  /** Parameter overrides (`kube.endpoint: "kube-vip"`). */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Settings tweaks after the parameters. */
  readonly tweak?: (s: KubeSettings) => KubeSettings;
}

/** Builds and settles a cluster; returns handles and helpers. */
export function kubeHarness(options: HarnessOptions = {}) {
  const sink = new MemorySink();
  const sim = new Simulation({ seed: options.seed ?? 1, trace: new Trace().addSink(sink) });
  const network = new Network(sim, {
    latency: constant(250),
    bandwidthBytesPerSec: Number.POSITIVE_INFINITY,
  });
  const hypervisor = new Hypervisor(sim, { network, bootDuration: constant(30 * SECOND) });
  const cps = Array.from({ length: options.controlPlanes ?? 3 }, (_, i) => `cp-${i}`);
  const workers = Array.from({ length: options.workers ?? 3 }, (_, i) => `worker-${i}`);
  const services = new Map<string, ServiceManager>();
  for (const n of [...cps, ...workers]) {
    const vm = hypervisor.create(n, { running: true });
    services.set(n, new ServiceManager(sim, vm, { settled: true }));
  }
  network.addHost("admin");
  network.addHost("lb");
  const params = new ParameterSet();
  for (const [k, v] of Object.entries(options.set ?? {})) {
    const problem = params.override(k, v, "experiment", "test");
    if (problem) throw new Error(problem.message);
  }
  let settings = kubeSettingsFrom(params);
  if (options.tweak) settings = options.tweak(settings);
  const etcd = new FakeEtcdCluster(sim, { members: cps });
  let lb: LoadBalancer | undefined;
  const cluster = new KubeCluster({
    sim,
    network,
    hypervisor,
    controlPlanes: cps,
    workers,
    services,
    settings,
    adminHost: "admin",
    lbHost: "lb",
    etcdFor: (host) => etcd.client(settings.etcdTopology === "stacked" ? [host] : cps),
    makeLoadBalancer: (check, backends) => {
      lb = new LoadBalancer(sim, {
        name: "kube_api_backend",
        balance: "first",
        interUs: 10 * SECOND,
        downinterUs: 10 * SECOND,
        rise: 5,
        fall: 3,
        timeoutCheckUs: 5 * SECOND,
        timeoutConnectUs: 9 * SECOND,
        check,
        backends,
      });
      return lb;
    },
  });
  cluster.install();
  const kubectl = new Kubectl({
    adminClient: () => cluster.adminClient(),
    endpointAddress: settings.endpoint === "direct" ? network.hostAddress(cps[0]!) : settings.endpointAddress,
    get now() {
      return sim.now;
    },
    after: (d, fn) => void sim.after(d, fn),
    emit: (k, s, f) => void sim.emit(k, s, f),
  });
  sim.runUntil(SECOND);
  const since = (t: number, ...kinds: string[]): TraceRecord[] =>
    sink.records.filter((r) => r.t >= t && (kinds.length === 0 || kinds.includes(r.kind)));
  /** Runs until `pred` holds or `limitUs` more time passed; returns when it held (or undefined). */
  const until = (pred: () => boolean, limitUs: number): number | undefined => {
    const ok = sim.runUntilTrue(pred, sim.now + limitUs);
    return ok ? sim.now : undefined;
  };
  const lastKubectl = () => [...sink.records].reverse().find((r) => r.kind === "kubectl");
  return {
    sim,
    sink,
    network,
    hypervisor,
    cluster,
    etcd,
    kubectl,
    services,
    cps,
    workers,
    settings,
    get lb() {
      return lb;
    },
    since,
    until,
    lastKubectl,
    clock: new GuestClock(sim),
  };
}

/**
 * A kube-vip cluster whose VIP holder's VM is powered off 30 s in; runs until another control
 * plane holds the VIP (at most a minute). `t0` is the power-off, `moved` when the VIP moved.
 */
export function vipHolderPoweredOff() {
  const h = kubeHarness({ set: { "kube.endpoint": "kube-vip" } });
  h.sim.runUntil(30 * SECOND);
  const holder = h.cluster.vip!.holder!;
  const t0 = h.sim.now;
  h.hypervisor.powerOff(holder);
  const moved = h.until(() => h.cluster.vip!.holder !== holder, MINUTE);
  return { h, holder, t0, moved };
}

/** A CAPI layer over the fake workload cluster, on real simulated VMs. */
import { type AdoptionSpec, CapiManager } from "../../src/capi/manager.js";
import { defaultMhcSpec } from "../../src/capi/objects/build.js";
import { isTrue } from "../../src/capi/objects/conditions.js";
import { type CapiSettings, DEFAULT_CAPI_SETTINGS } from "../../src/capi/settings.js";
import { Hypervisor } from "../../src/infra/hypervisor.js";
import { Simulation } from "../../src/sim/simulation.js";
import { HOUR, MINUTE } from "../../src/sim/time.js";
import { MemorySink, Trace } from "../../src/sim/trace.js";
import { FakeWorkload } from "./fake-workload.js";

export interface HarnessOptions {
  readonly seed?: number;
  readonly controlPlanes?: number;
  readonly workers?: number;
  readonly settings?: Partial<CapiSettings>;
  readonly infra?: Partial<CapiSettings["infra"]>;
  readonly join?: Partial<CapiSettings["join"]>;
  readonly mhcTimeoutUs?: number;
}

export interface Harness {
  readonly sim: Simulation;
  readonly memory: MemorySink;
  readonly hypervisor: Hypervisor;
  readonly workload: FakeWorkload;
  readonly capi: CapiManager;
  /** Desired Machines all Running with Ready Nodes and every etcd member a live voter. */
  converged(): boolean;
  records(kind: string): ReturnType<MemorySink["ofKind"]>;
}

export function harness(o: HarnessOptions = {}): Harness {
  const memory = new MemorySink();
  const sim = new Simulation({ seed: o.seed ?? 1, trace: new Trace().addSink(memory) });
  const hypervisor = new Hypervisor(sim, {});
  const cps = Array.from({ length: o.controlPlanes ?? 3 }, (_, i) => `cp-${i}`);
  const workers = Array.from({ length: o.workers ?? 3 }, (_, i) => `worker-${i}`);
  for (const n of [...cps, ...workers]) hypervisor.create(n, { running: true });
  const workload = new FakeWorkload(sim, hypervisor);
  for (const n of cps) workload.addNode(n, true);
  for (const n of workers) workload.addNode(n, false);
  const settings: CapiSettings = {
    ...DEFAULT_CAPI_SETTINGS,
    ...o.settings,
    infra: { ...DEFAULT_CAPI_SETTINGS.infra, ...o.infra },
    join: { ...DEFAULT_CAPI_SETTINGS.join, ...o.join },
  };
  const capi = new CapiManager(sim, hypervisor, workload, workload, settings, "c1");
  const spec: AdoptionSpec = {
    clusterName: "c1",
    kcpName: "c1-control-plane",
    deploymentName: "c1-md-0",
    controlPlaneVms: cps,
    workerVms: workers,
    ageUs: 24 * HOUR,
  };
  const sel = CapiManager.selectors(spec);
  capi.adopt({
    ...spec,
    controlPlaneMhc: defaultMhcSpec("c1", sel.controlPlane, o.mhcTimeoutUs ?? 5 * MINUTE),
    workerMhc: defaultMhcSpec("c1", sel.workers, o.mhcTimeoutUs ?? 5 * MINUTE),
  });
  capi.start();
  sim.runUntil(0);
  return {
    sim,
    memory,
    hypervisor,
    workload,
    capi,
    records: (kind) => memory.ofKind(kind),
    converged() {
      const machines = capi.store.list("Machine");
      const kcp = capi.store.list("KubeadmControlPlane")[0]!;
      const ms = capi.store.list("MachineSet")[0]!;
      const cp = machines.filter((m) => m.metadata.owner?.kind === "KubeadmControlPlane");
      const wk = machines.filter((m) => m.metadata.owner?.kind === "MachineSet");
      if (cp.length !== kcp.spec.replicas || wk.length !== ms.spec.replicas) return false;
      for (const m of machines) {
        if (m.metadata.deletionTimestampUs !== undefined || m.status.phase !== "Running" || !m.status.nodeRef)
          return false;
        const n = workload.nodes.get(m.status.nodeRef.name);
        if (n?.status.conditions[0]?.status !== "True") return false;
        const vm = hypervisor.vm(m.metadata.name);
        if (!vm?.isGuestRunning) return false;
        if (!isTrue(m.status.conditions, "NodeReady")) return false;
      }
      const voters = workload.members.filter((x) => !x.isLearner);
      if (workload.members.length !== kcp.spec.replicas || voters.length !== kcp.spec.replicas) return false;
      return (
        cp.every((m) => workload.members.some((x) => x.name === m.status.nodeRef!.name)) && workload.quorum()
      );
    },
  };
}

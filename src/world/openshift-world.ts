/**
 * The OpenShift layer of a world (models with `layers: [infra, etcd, openshift]`): etcd runs as a
 * static pod on each master ({@link EtcdStaticPods}: the kubelet restarts a crashed etcd after its
 * crash-loop back-off), the cluster-etcd-operator rolls out revisions and scales etcd back up
 * ({@link ClusterEtcdOperator}), and the recovery scripts run on a master. Adds the actions
 * `ocp.forceRedeployment`, `ocp.clusterBackup`, `ocp.quorumRestore` and `ocp.clusterRestore`
 * (openshift-vocabulary.ts), and the machine API of an IPI cluster ({@link MachineApi}: one Machine
 * per master, `ocp.machineDelete` and `ocp.machineCreate`, whose new VMs join as new masters). The
 * signals `ocp.revision`, `ocp.rolloutInProgress` and `ocp.machinesRunning`, and the roles
 * `ocp.runningMasters`, `ocp.masters` and `ocp.newMasters`.
 * Sources: seed 004; ../shared/reference/capi-kube.md §8. docs/openshift.md describes the model.
 */

import { ClusterEtcdOperator } from "../etcd/openshift/cluster-etcd-operator.js";
import { MACHINE_KIND, type Machine, MachineApi } from "../etcd/openshift/machine-api.js";
import {
  clusterBackup,
  clusterRestore,
  quorumRestore,
  type RecoveryScriptContext,
} from "../etcd/openshift/recovery-scripts.js";
import { EtcdStaticPods } from "../etcd/openshift/static-pods.js";
import { OperatorError } from "../etcd/operator.js";
import { sample } from "../sim/distribution.js";
import { MINUTE } from "../sim/time.js";
import { addEtcdHost, removeEtcdHost } from "./etcd-member-host.js";
import { etcdOf } from "./etcd-world.js";
import { StepError, type World, type WorldStep } from "./world.js";

/** Everything the OpenShift layer adds to a world. */
export interface OpenshiftLayer {
  readonly pods: EtcdStaticPods;
  readonly ceo: ClusterEtcdOperator;
  readonly scripts: RecoveryScriptContext;
  readonly machines: MachineApi;
}

const layers = new WeakMap<World, OpenshiftLayer>();

/** The OpenShift layer of a world, if it has one. */
export function openshiftOf(world: World): OpenshiftLayer | undefined {
  return layers.get(world);
}

function target(step: WorldStep): string {
  if (step.target === undefined) throw new StepError(`${step.action} needs a target`);
  return step.target;
}

function layerOf(world: World): OpenshiftLayer {
  const layer = layers.get(world);
  if (layer === undefined) throw new StepError("this model has no openshift layer");
  return layer;
}

/** Installs the OpenShift layer on a world that already has the etcd layer. */
export function installOpenshiftLayer(world: World): OpenshiftLayer {
  const etcd = etcdOf(world);
  if (etcd === undefined) throw new Error("the openshift layer needs the etcd layer");
  const { sim, params: p } = world;
  const masters = world.topology.controlPlanes;
  const podSyncRetry = p.distribution("ocp.podSyncRetry");
  const kubeletRng = sim.rng.stream("openshift/kubelet");
  const pods = new EtcdStaticPods(sim, world.services, masters, {
    initialUs: p.duration("ocp.crashLoopBackOff"),
    maxUs: p.duration("ocp.crashLoopBackOffMax"),
    // "If a container has run for 10 minutes without any problems, the kubelet resets the
    // restart back-off timer" (Kubernetes docs, Pod Lifecycle).
    resetAfterUs: 10 * MINUTE,
    podSyncRetryUs: () => sample(podSyncRetry, kubeletRng),
  });
  const ceo = new ClusterEtcdOperator(
    sim,
    etcd.operator,
    etcd.cluster,
    world.hypervisor,
    world.services,
    pods,
    masters,
    {
      reconcileUs: p.duration("ocp.reconcileInterval"),
      installerUs: p.duration("ocp.installerDuration"),
      retryUs: p.duration("ocp.memberAddRetry"),
    },
  );
  ceo.start();
  const rng = sim.rng.stream("openshift/scripts");
  const stop = p.distribution("ocp.podStopDuration");
  const scripts: RecoveryScriptContext = {
    sim,
    operator: etcd.operator,
    ceo,
    pods,
    hypervisor: world.hypervisor,
    systemd: world.services,
    podStopUs: () => sample(stop, rng),
  };
  const machineRng = sim.rng.stream("openshift/machine-api");
  const clone = p.distribution("ocp.machineCloneDuration");
  const task = p.distribution("ocp.vcenterTaskDuration");
  const machines = new MachineApi(
    {
      sim,
      hypervisor: world.hypervisor,
      cloneUs: () => sample(clone, machineRng),
      taskUs: () => sample(task, machineRng),
      // The clone boots as a new master (the profile's boot duration) with the etcd static pod,
      // which the cluster-etcd-operator starts once it has added the member.
      createVm: (name) => {
        const vm = addEtcdHost(world, etcd, name);
        pods.addMaster(name);
        ceo.addMaster(name);
        return vm;
      },
      vmDestroyed: (m) => {
        if (m.vm === undefined) return;
        ceo.removeMaster(m.vm);
        removeEtcdHost(etcd, m.vm);
      },
    },
    world.modelName,
    masters,
  );
  const layer: OpenshiftLayer = { pods, ceo, scripts, machines };
  layers.set(world, layer);

  const add = (name: string, fn: (w: World, s: WorldStep) => void) =>
    world.addAction(name, (w, s) => {
      try {
        fn(w, s);
      } catch (e) {
        if (e instanceof OperatorError) throw new StepError(e.message);
        throw e;
      }
    });
  add("ocp.forceRedeployment", (w, s) =>
    layerOf(w).ceo.forceRedeployment(typeof s.args.reason === "string" ? s.args.reason : "recovery"),
  );
  add("ocp.clusterBackup", (w, s) =>
    clusterBackup(layerOf(w).scripts, target(s), typeof s.args.name === "string" ? s.args.name : undefined),
  );
  add("ocp.quorumRestore", (w, s) => quorumRestore(layerOf(w).scripts, target(s)));
  add("ocp.machineDelete", (w, s) => layerOf(w).machines.delete(target(s)));
  add("ocp.machineCreate", (w, s) => {
    if (typeof s.args.name !== "string")
      throw new StepError("ocp.machineCreate needs the new Machine's name");
    layerOf(w).machines.create(s.args.name, target(s));
  });
  add("ocp.clusterRestore", (w, s) =>
    clusterRestore(
      layerOf(w).scripts,
      target(s),
      typeof s.args.backup === "string" ? s.args.backup : undefined,
    ),
  );

  world.addRole("ocp.runningMasters", {
    kinds: ["vm", "host"],
    summary: "every master whose node is up (ocp.runningMasters[0]: the first; 'the only remaining master')",
    resolve: (w) => machineVms(machines.list()).filter((h) => w.hypervisor.vm(h)?.isGuestRunning === true),
  });
  world.addRole("ocp.masters", {
    kinds: ["vm", "host"],
    summary:
      "the VM of every master Machine that exists and is not being deleted, oldest first (installation's masters, then new ones)",
    resolve: () => machineVms(machines.list().filter((m) => m.deletionTimestampUs === undefined)),
  });
  world.addRole("ocp.newMasters", {
    kinds: ["vm", "host"],
    summary:
      "the VMs of the Machines ocp.machineCreate made, in creation order, once cloned (ocp.newMasters[0]: the first new master)",
    resolve: () => machineVms(machines.created().filter((m) => !m.deleted)),
  });
  world.addSignal({
    name: "ocp.revision",
    type: "number",
    summary: "The etcd static-pod revision every master has been rolled out to (1 at the start)",
    initial: () => 1,
    kinds: ["ocp.operator"],
    next: (_v, r) => (r.phase === "rolloutDone" ? (r.revision as number) : undefined),
  });
  world.addSignal({
    name: "ocp.rolloutInProgress",
    type: "boolean",
    summary: "The cluster-etcd-operator is rolling out a new etcd revision",
    initial: () => false,
    kinds: ["ocp.operator"],
    next: (_v, r) => (r.phase === "rolloutStarted" ? true : r.phase === "rolloutDone" ? false : undefined),
  });
  world.addSignal({
    name: "ocp.machinesRunning",
    type: "number",
    summary: "Master Machines in phase Running (their VM booted and joined as a master node)",
    initial: () => masters.length,
    kinds: [MACHINE_KIND],
    next: (v, r) =>
      r.phase === "running"
        ? (v as number) + 1
        : r.phase === "deleting" && r.from === "Running"
          ? (v as number) - 1
          : undefined,
  });
  world.addEventKind(
    "ocp.operator",
    "a cluster-etcd-operator step (rolloutStarted, nodeUpdated, rolloutDone, waiting)",
  );
  world.addEventKind(
    "ocp.script",
    "a recovery script's phase on a master (cluster-backup.sh, quorum-restore.sh, cluster-restore.sh)",
  );
  world.addEventKind("ocp.pod", "the kubelet backs off before restarting a crashed etcd static pod");
  world.addEventKind(
    MACHINE_KIND,
    "a master Machine's phase (provisioning, provisioned, running, deleting, poweredOff, deleted, failed)",
  );
  return layer;
}

/** The VMs of these Machines (those still cloning have none yet). */
function machineVms(list: readonly Machine[]): string[] {
  const out: string[] = [];
  for (const m of list) if (m.vm !== undefined) out.push(m.vm);
  return out;
}

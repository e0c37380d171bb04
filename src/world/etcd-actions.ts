/**
 * The etcd actions of experiments (vocabulary in etcd-vocabulary.ts), carried out through the
 * world's {@link EtcdOperator}: systemctl on the etcd unit, etcdctl commands from the admin host,
 * etcdutl restore, --force-new-cluster, data-dir loss and the member-replacement runbook.
 * Refusals (no such VM, etcd running during a restore) become failed steps; etcdctl errors are
 * what etcdctl prints, in the `etcd.etcdctl` record.
 */
import { OperatorError } from "../etcd/operator.js";
import { etcdOf } from "./etcd-world.js";
import { StepError, type World, type WorldStep } from "./world.js";

function target(step: WorldStep): string {
  if (step.target === undefined) throw new StepError(`${step.action} needs a target`);
  return step.target;
}

function guarded(fn: (world: World, step: WorldStep) => void): (world: World, step: WorldStep) => void {
  return (world, step) => {
    try {
      fn(world, step);
    } catch (e) {
      if (e instanceof OperatorError) throw new StepError(e.message);
      throw e;
    }
  };
}

function op(world: World) {
  const layer = etcdOf(world);
  if (layer === undefined) throw new StepError("this model has no etcd layer");
  return layer.operator;
}

/** Registers the etcd actions. */
export function installEtcdActions(world: World): void {
  const add = (name: string, fn: (world: World, step: WorldStep) => void) =>
    world.addAction(name, guarded(fn));
  add("etcd.stop", (w, s) => op(w).stop(target(s)));
  add("etcd.start", (w, s) => op(w).start(target(s)));
  add("etcd.kill", (w, s) => op(w).kill(target(s)));
  add("etcd.wipe", (w, s) => op(w).wipe(target(s)));
  add("etcd.memberAdd", (w, s) => op(w).memberAdd(target(s), s.args.learner === true));
  add("etcd.memberRemove", (w, s) => op(w).memberRemove(target(s)));
  add("etcd.memberPromote", (w, s) => op(w).memberPromote(target(s)));
  add("etcd.memberList", (w) => op(w).memberList());
  add("etcd.endpointHealth", (w) => op(w).endpointHealth());
  add("etcd.endpointStatus", (w) => op(w).endpointStatus());
  add("etcd.snapshotSave", (w, s) =>
    op(w).snapshotSave(target(s), typeof s.args.name === "string" ? s.args.name : undefined),
  );
  add("etcd.snapshotRestore", (w, s) => {
    const members = s.args.members as readonly string[] | undefined;
    if (members !== undefined) {
      for (const m of members) {
        if (!w.topology.controlPlanes.includes(m))
          throw new StepError(`${m} is not a control-plane VM with etcd`);
      }
    }
    op(w).snapshotRestore(target(s), {
      ...(typeof s.args.backup === "string" ? { backup: s.args.backup } : {}),
      ...(members !== undefined ? { members } : {}),
      ...(typeof s.args.token === "string" ? { token: s.args.token } : {}),
    });
  });
  add("etcd.forceNewCluster", (w, s) => op(w).forceNewCluster(target(s)));
  add("etcd.rejoin", (w, s) => op(w).rejoin(target(s)));
}

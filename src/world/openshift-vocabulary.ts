/**
 * The OpenShift half of the action vocabulary (spread into ACTIONS in vocabulary.ts): what seed
 * 004's recovery runbook does on an OpenShift 4 cluster — `oc patch etcd cluster` with a
 * `forceRedeploymentReason`, and the recovery scripts `cluster-backup.sh`, `quorum-restore.sh` and
 * `cluster-restore.sh` on a master (../shared/reference/capi-kube.md §8), and the IPI way to
 * replace a master: `oc delete machine` and `oc apply` of a saved machine yaml under a new name
 * (seed 004 scenarios 3 and 4). Moving `etcd-pod.yaml` away by hand is `etcd.stop` in models with
 * the openshift layer.
 */
import { z } from "zod";
import type { ActionSpec } from "./vocabulary.js";

/** OpenShift actions. */
export const OPENSHIFT_ACTIONS: readonly ActionSpec[] = [
  {
    name: "ocp.forceRedeployment",
    target: "none",
    args: { reason: z.string().min(1).optional().describe("The forceRedeploymentReason text") },
    summary:
      "oc patch etcd cluster forceRedeploymentReason: roll out a new etcd revision master by master, re-adding missing members",
  },
  {
    name: "ocp.clusterBackup",
    target: "vm",
    args: { name: z.string().min(1).optional().describe("Backup name (default snapshot_<time>.db)") },
    summary: "cluster-backup.sh on a master: etcdctl snapshot save of the local member",
  },
  {
    name: "ocp.quorumRestore",
    target: "vm",
    args: {},
    summary:
      "quorum-restore.sh on a master: stop etcd, start it with --force-new-cluster from local data; others rejoin",
  },
  {
    name: "ocp.clusterRestore",
    target: "vm",
    args: { backup: z.string().min(1).optional().describe("Backup name (default the latest)") },
    summary:
      "cluster-restore.sh <backup> on a master: a one-member cluster restored from the snapshot; others rejoin",
  },
  {
    name: "ocp.machineDelete",
    target: "vm",
    args: {},
    summary:
      "oc delete machine (IPI) of a master, named by its VM: the vSphere provider powers the VM off and destroys it; its etcd pod goes with it",
  },
  {
    name: "ocp.machineCreate",
    target: "vm",
    args: {
      name: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
          message:
            "a Machine name is a DNS-1123 label: lower-case letters, digits and '-', e.g. openshift-master-3",
        })
        .max(63)
        .describe("The new Machine's name (also its VM's and node's), e.g. openshift-master-3"),
    },
    summary:
      "oc apply of the target master's saved machine yaml under a new name (IPI): a new VM is cloned with a new name and address and joins as a new master",
  },
];

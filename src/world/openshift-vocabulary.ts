/**
 * The OpenShift half of the action vocabulary (spread into ACTIONS in vocabulary.ts): what seed
 * 004's recovery runbook does on an OpenShift 4 cluster — `oc patch etcd cluster` with a
 * `forceRedeploymentReason`, and the recovery scripts `cluster-backup.sh`, `quorum-restore.sh` and
 * `cluster-restore.sh` on a master (../shared/reference/capi-kube.md §8). Moving
 * `etcd-pod.yaml` away by hand is `etcd.stop` in models with the openshift layer.
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
];

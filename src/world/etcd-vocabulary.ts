/**
 * The etcd half of the action vocabulary (spread into ACTIONS in vocabulary.ts): `systemctl` on the
 * etcd unit, etcdctl membership and snapshot commands, `etcdutl snapshot restore`,
 * `--force-new-cluster`, data-dir loss and the replace-a-member runbook (etcd-raft.md §1.5–1.7,
 * §1.12; seeds 002–004). Targets are VM names (the member running there), `controlPlane[i]`, or the
 * roles `etcd.leader` / `etcd.follower`, resolved when the step runs.
 */
import { z } from "zod";
import type { ActionSpec } from "./vocabulary.js";

const VmName = z.string().min(1).describe("A VM name (the member running on it)");

/** etcd actions. */
export const ETCD_ACTIONS: readonly ActionSpec[] = [
  {
    name: "etcd.stop",
    target: "vm",
    args: {},
    summary: "systemctl stop etcd: SIGTERM; a leader transfers leadership before it stops",
  },
  { name: "etcd.start", target: "vm", args: {}, summary: "systemctl start etcd" },
  { name: "etcd.kill", target: "vm", args: {}, summary: "kill -9 the etcd process (no leadership transfer)" },
  {
    name: "etcd.wipe",
    target: "vm",
    args: {},
    summary: "rm -rf the member's data dir (a running member keeps going until it restarts)",
  },
  {
    name: "etcd.memberAdd",
    target: "vm",
    args: { learner: z.boolean().optional().describe("Add as a non-voting learner (--learner)") },
    summary: "etcdctl member add for the VM's peer URL; then start etcd there with an empty data dir",
  },
  {
    name: "etcd.memberRemove",
    target: "vm",
    args: {},
    summary: "etcdctl member remove of the member on the VM (strict reconfig check applies)",
  },
  {
    name: "etcd.memberPromote",
    target: "vm",
    args: {},
    summary: "etcdctl member promote of the learner on the VM (refused unless ≥ 90 % in sync)",
  },
  {
    name: "etcd.memberList",
    target: "none",
    args: {},
    summary: "etcdctl member list -w table (shown in the timeline)",
  },
  {
    name: "etcd.endpointHealth",
    target: "none",
    args: {},
    summary: "etcdctl endpoint health -w table over every member",
  },
  {
    name: "etcd.endpointStatus",
    target: "none",
    args: {},
    summary: "etcdctl endpoint status -w table over every member",
  },
  {
    name: "etcd.snapshotSave",
    target: "vm",
    args: { name: z.string().min(1).optional().describe("Backup file name (default snapshot-<time>.db)") },
    summary: "etcdctl snapshot save from exactly one endpoint into the backup store",
  },
  {
    name: "etcd.snapshotRestore",
    target: "vm",
    args: {
      backup: z.string().min(1).optional().describe("Backup name (default the latest)"),
      members: z
        .array(VmName)
        .min(1)
        .optional()
        .describe("VMs of the new cluster (default: just the target)"),
      token: z.string().min(1).optional().describe("--initial-cluster-token (default: a new one)"),
    },
    summary: "etcdutl snapshot restore onto the VM's (stopped, wiped) data dir: a new cluster with new IDs",
  },
  {
    name: "etcd.forceNewCluster",
    target: "vm",
    args: {},
    summary: "Restart the member once with --force-new-cluster (a one-member cluster keeping its data)",
  },
  {
    name: "etcd.rejoin",
    target: "vm",
    args: {},
    summary: "Replace the member: stop, member remove, wipe, member add, start with an empty data dir",
  },
];

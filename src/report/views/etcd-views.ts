/**
 * Views of the etcd layer at one instant, as etcdctl prints them: `etcdctl member list -w table`
 * (the leader's view, or any running member's) and `etcdctl endpoint status -w table` of every
 * running member (seed 004's "Check health" commands).
 */
import { endpointStatusTable, memberListTable } from "../../etcd/etcdctl-format.js";
import { clientUrlOf } from "../../etcd/ids.js";
import { etcdOf } from "../../world/etcd-world.js";
import { findView, registerView } from "./registry.js";

registerView({
  name: "etcd-members",
  summary: "etcdctl member list -w table, as the etcd leader (or any running member) sees it",
  render: (world) => {
    const etcd = etcdOf(world);
    if (etcd === undefined) return undefined;
    const m = etcd.cluster.leader() ?? [...etcd.cluster.members.values()].find((x) => x.raft !== null);
    return m === undefined ? "Error: no etcd member is running" : memberListTable(m.memberList());
  },
});

registerView({
  name: "etcd-status",
  summary: "etcdctl endpoint status -w table for every control-plane endpoint",
  render: (world) => {
    const etcd = etcdOf(world);
    if (etcd === undefined) return undefined;
    return endpointStatusTable(
      [...etcd.cluster.units.keys()].map((host) => {
        const endpoint = clientUrlOf(world.network.hostAddress(host));
        const m = etcd.cluster.member(host);
        return m !== undefined && m.raft !== null
          ? { endpoint, status: m.status() }
          : { endpoint, error: "context deadline exceeded" };
      }),
    );
  },
});

registerView({
  name: "etcd",
  summary: "etcd-members and etcd-status together (what an SRE runs first: member list, endpoint status)",
  render: (world) => {
    const members = findView("etcd-members")?.render(world);
    const status = findView("etcd-status")?.render(world);
    return members === undefined && status === undefined ? undefined : `${members ?? ""}\n${status ?? ""}`;
  },
});

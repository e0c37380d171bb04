/**
 * Views of the Cluster API layer at an instant, as kubectl prints them against the management
 * cluster: `kubectl get machines`, `kubectl get kcp`, `kubectl get mhc`, and VM Operator's
 * `kubectl get virtualmachines` (whose POWERSTATE is what VM Operator last observed — seed 001 saw
 * `poweredOn` for a VM that was off). The vCenter VM list is the `vms` view.
 */
import { getCondition } from "../../capi/objects/conditions.js";
import { capiOf } from "../../world/capi-world.js";
import { age, columns } from "./columns.js";
import { registerView } from "./registry.js";

registerView({
  name: "machines",
  summary: "kubectl get machines: NAME, CLUSTER, NODENAME, PHASE, AGE, VERSION",
  render: (world) => {
    const c = capiOf(world);
    if (!c) return undefined;
    const now = world.sim.now;
    return columns(
      ["NAME", "CLUSTER", "NODENAME", "PHASE", "AGE", "VERSION"],
      c.manager.store
        .list("Machine")
        .map((m) => [
          m.metadata.name,
          m.spec.clusterName,
          m.status.nodeRef?.name ?? "",
          m.status.phase,
          age(now - m.metadata.creationTimestampUs),
          m.spec.version,
        ]),
    );
  },
});

registerView({
  name: "kcp",
  summary:
    "kubectl get kcp: INITIALIZED, API SERVER AVAILABLE, REPLICAS, READY, UPDATED, UNAVAILABLE, AGE, VERSION",
  render: (world) => {
    const c = capiOf(world);
    if (!c) return undefined;
    const now = world.sim.now;
    return columns(
      [
        "NAME",
        "CLUSTER",
        "INITIALIZED",
        "API SERVER AVAILABLE",
        "REPLICAS",
        "READY",
        "UPDATED",
        "UNAVAILABLE",
        "AGE",
        "VERSION",
      ],
      c.manager.store.list("KubeadmControlPlane").map((k) => {
        const etcd = getCondition(k.status.conditions, "EtcdClusterHealthy")?.status;
        const available = k.status.readyReplicas > 0 && etcd !== "Unknown" ? "true" : "false";
        return [
          k.metadata.name,
          c.spec.clusterName,
          String(k.status.initialized),
          available,
          String(k.status.replicas),
          String(k.status.readyReplicas),
          String(k.status.updatedReplicas),
          String(Math.max(0, k.status.replicas - k.status.readyReplicas)),
          age(now - k.metadata.creationTimestampUs),
          k.spec.version,
        ];
      }),
    );
  },
});

registerView({
  name: "mhc",
  summary: "kubectl get mhc: EXPECTEDMACHINES, MAXUNHEALTHY, CURRENTHEALTHY, AGE",
  render: (world) => {
    const c = capiOf(world);
    if (!c) return undefined;
    const now = world.sim.now;
    return columns(
      ["NAME", "CLUSTER", "EXPECTEDMACHINES", "MAXUNHEALTHY", "CURRENTHEALTHY", "AGE"],
      c.manager.store
        .list("MachineHealthCheck")
        .map((m) => [
          m.metadata.name,
          m.spec.clusterName,
          String(m.status.expectedMachines),
          String(m.spec.remediation.triggerIf.unhealthyLessThanOrEqualTo ?? "100%"),
          String(m.status.currentHealthy),
          age(now - m.metadata.creationTimestampUs),
        ]),
    );
  },
});

registerView({
  name: "virtualmachines",
  summary:
    "kubectl get virtualmachines / vspherevms (infrastructure objects): POWERSTATE as last observed, IP, AGE",
  render: (world) => {
    const c = capiOf(world);
    if (!c) return undefined;
    const now = world.sim.now;
    return columns(
      ["NAME", "POWERSTATE", "READY", "IP", "AGE"],
      c.manager.store
        .list("InfraMachine")
        .map((im) => [
          im.metadata.name,
          im.status.powerState ?? "",
          String(im.status.ready),
          im.status.addresses[0] ?? "",
          age(now - im.metadata.creationTimestampUs),
        ]),
    );
  },
});

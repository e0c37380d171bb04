/**
 * `kubectl get` look-alikes: pure functions from objects and the current instant to the text kubectl
 * prints (kubectl `pkg/printers/internalversion/printers.go`: printNode, printPod, printDeployment,
 * printReplicaSet).
 *
 * - nodes: STATUS is `Ready` when Ready=True, else `NotReady` (False and Unknown alike), `Unknown`
 *   without a Ready condition, plus `,SchedulingDisabled` when cordoned; ROLES from the
 *   `node-role.kubernetes.io/<role>` labels (`<none>` without);
 * - pods: READY `1/1`, STATUS the phase, or the waiting reason (ContainerCreating), or
 *   `Terminating` once deleted; `-o wide` adds IP and NODE;
 * - deployments READY `ready/desired`, UP-TO-DATE, AVAILABLE; replicasets DESIRED, CURRENT, READY.
 */
import type { Micros } from "../../sim/time.js";
import type { Deployment, Node, Pod, ReplicaSet } from "../objects/index.js";
import { nodeReadyStatus } from "../objects/node.js";
import { isPodReady } from "../objects/pod.js";
import { humanDuration, table } from "./table.js";

const ROLE_PREFIX = "node-role.kubernetes.io/";

/** The STATUS column of a node. */
export function nodeStatusText(n: Node): string {
  const ready = nodeReadyStatus(n);
  const s = ready === undefined ? "Unknown" : ready === "True" ? "Ready" : "NotReady";
  return n.spec.unschedulable ? `${s},SchedulingDisabled` : s;
}

/** `kubectl get nodes`. */
export function getNodes(nodes: readonly Node[], now: Micros, withKind = false): string {
  if (nodes.length === 0) return "No resources found";
  const rows = [...nodes]
    .sort((a, b) => cmp(a.metadata.name, b.metadata.name))
    .map((n) => {
      const roles = Object.keys(n.metadata.labels)
        .filter((k) => k.startsWith(ROLE_PREFIX))
        .map((k) => k.slice(ROLE_PREFIX.length))
        .sort();
      return [
        withKind ? `node/${n.metadata.name}` : n.metadata.name,
        nodeStatusText(n),
        roles.length > 0 ? roles.join(",") : "<none>",
        humanDuration(now - n.metadata.creationTimestampUs),
        n.status.kubeletVersion,
      ];
    });
  return table(["NAME", "STATUS", "ROLES", "AGE", "VERSION"], rows);
}

/** The STATUS column of a pod. */
export function podStatusText(p: Pod): string {
  if (p.metadata.deletionTimestampUs !== undefined) return "Terminating";
  // kubectl prints a waiting container's reason whatever the phase (a restarting container of a
  // Running pod shows ContainerCreating too).
  if (p.status.waitingReason && p.status.phase !== "Succeeded" && p.status.phase !== "Failed")
    return p.status.waitingReason;
  return p.status.phase;
}

/**
 * `kubectl get pods [-o wide]` in one namespace, or with `-A` in every namespace (a NAMESPACE
 * column first, sorted by namespace then name). A ready pod has all its containers ready.
 */
export function getPods(
  pods: readonly Pod[],
  now: Micros,
  wide = false,
  allNamespaces = false,
  namespace = "default",
  withKind = false,
): string {
  if (pods.length === 0)
    return allNamespaces ? "No resources found" : `No resources found in ${namespace} namespace.`;
  const rows = [...pods]
    .sort((a, b) => cmp(a.metadata.namespace, b.metadata.namespace) || cmp(a.metadata.name, b.metadata.name))
    .map((p) => {
      const n = p.spec.containers.length;
      const base = [
        ...(allNamespaces ? [p.metadata.namespace] : []),
        withKind ? `pod/${p.metadata.name}` : p.metadata.name,
        `${isPodReady(p) && p.metadata.deletionTimestampUs === undefined ? n : 0}/${n}`,
        podStatusText(p),
        String(p.status.restartCount),
        humanDuration(now - p.metadata.creationTimestampUs),
      ];
      return wide ? [...base, p.status.podIP || "<none>", p.spec.nodeName || "<none>"] : base;
    });
  const headers = [...(allNamespaces ? ["NAMESPACE"] : []), "NAME", "READY", "STATUS", "RESTARTS", "AGE"];
  return table(wide ? [...headers, "IP", "NODE"] : headers, rows);
}

/**
 * `kubectl get deploy`. `withKind` (several resource types in one command, `get deploy,rs`)
 * prefixes names with their kind, as kubectl does then.
 */
export function getDeployments(
  ds: readonly Deployment[],
  now: Micros,
  namespace = "default",
  withKind = false,
): string {
  if (ds.length === 0) return `No resources found in ${namespace} namespace.`;
  const rows = [...ds]
    .sort((a, b) => cmp(a.metadata.name, b.metadata.name))
    .map((d) => [
      withKind ? `deployment.apps/${d.metadata.name}` : d.metadata.name,
      `${d.status.readyReplicas}/${d.spec.replicas}`,
      String(d.status.updatedReplicas),
      String(d.status.availableReplicas),
      humanDuration(now - d.metadata.creationTimestampUs),
    ]);
  return table(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], rows);
}

/** `kubectl get rs` (`withKind` as for {@link getDeployments}). */
export function getReplicaSets(
  rss: readonly ReplicaSet[],
  now: Micros,
  namespace = "default",
  withKind = false,
): string {
  if (rss.length === 0) return `No resources found in ${namespace} namespace.`;
  const rows = [...rss]
    .sort((a, b) => cmp(a.metadata.name, b.metadata.name))
    .map((r) => [
      withKind ? `replicaset.apps/${r.metadata.name}` : r.metadata.name,
      String(r.spec.replicas),
      String(r.status.replicas),
      String(r.status.readyReplicas),
      humanDuration(now - r.metadata.creationTimestampUs),
    ]);
  return table(["NAME", "DESIRED", "CURRENT", "READY", "AGE"], rows);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

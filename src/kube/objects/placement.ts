/**
 * Whether a pod may run on a node: the kube-scheduler's filter plugins the model has, in the
 * scheduler's order and words (kubernetes `pkg/scheduler/framework/plugins`):
 *
 * - NodeUnschedulable: a cordoned node takes no pods ("node(s) were unschedulable");
 * - TaintToleration: every NoSchedule and NoExecute taint must be tolerated ("node(s) had
 *   untolerated taint {key: value}"); this is how NotReady nodes and control planes are avoided;
 * - NodeAffinity: the node carries every `nodeSelector` label ("node(s) didn't match Pod's node
 *   affinity/selector");
 * - InterPodAffinity: no pod matching a required anti-affinity term is already assigned in the
 *   node's topology domain ("node(s) didn't match pod anti-affinity rules"). Assigned pods count
 *   while they terminate, as they do in the scheduler's cache until their deletion.
 *
 * Pure functions, shared by the scheduler and by the cluster's bootstrap placement.
 */
import { matchesLabels, type StringMap } from "./meta.js";
import type { Node } from "./node.js";
import { type Pod, type PodSpec, tolerates } from "./pod.js";

/**
 * The topology domains (`key=value`) a pod may not join: those holding an assigned pod of its
 * namespace that matches one of its required anti-affinity terms (`assigned` is only read when
 * there are terms). `nodeLabels` gives a node's
 * labels (undefined for a node that no longer exists: its pods occupy no domain).
 */
export function antiAffinityDomains(
  namespace: string,
  spec: PodSpec,
  assigned: () => Iterable<Pod>,
  nodeLabels: (node: string) => StringMap | undefined,
): Set<string> {
  const out = new Set<string>();
  const terms = spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!terms || terms.length === 0) return out;
  for (const p of assigned()) {
    if (p.spec.nodeName === "" || p.metadata.namespace !== namespace) continue;
    for (const t of terms) {
      if (!matchesLabels(t.labelSelector, p.metadata.labels)) continue;
      const value = nodeLabels(p.spec.nodeName)?.[t.topologyKey];
      if (value !== undefined) out.add(`${t.topologyKey}=${value}`);
    }
  }
  return out;
}

/**
 * Why `node` rejects a pod with `spec`, in the scheduler's words, or undefined when it fits.
 * `excluded` comes from {@link antiAffinityDomains}.
 */
export function unfitReason(spec: PodSpec, node: Node, excluded: ReadonlySet<string>): string | undefined {
  if (node.spec.unschedulable) return "node(s) were unschedulable";
  for (const t of node.spec.taints) {
    if (t.effect === "PreferNoSchedule") continue;
    if (!spec.tolerations.some((x) => tolerates(x, t.key, t.effect, t.value)))
      return `node(s) had untolerated taint {${t.key}: ${t.value ?? ""}}`;
  }
  if (spec.nodeSelector && !matchesLabels(spec.nodeSelector, node.metadata.labels))
    return "node(s) didn't match Pod's node affinity/selector";
  if (excluded.size > 0) {
    const terms = spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    for (const t of terms) {
      const value = node.metadata.labels[t.topologyKey];
      if (value !== undefined && excluded.has(`${t.topologyKey}=${value}`))
        return "node(s) didn't match pod anti-affinity rules";
    }
  }
  return undefined;
}

/**
 * The scheduler's FitError message: "0/6 nodes are available: 1 node(s) had untolerated taint
 * {…}, 2 node(s) didn't match pod anti-affinity rules." — reasons counted and sorted as upstream
 * sorts its reason strings.
 */
export function fitErrorMessage(nodes: number, reasons: ReadonlyMap<string, number>): string {
  const parts = [...reasons].map(([reason, n]) => `${n} ${reason}`).sort();
  return `0/${nodes} nodes are available${parts.length > 0 ? `: ${parts.join(", ")}` : ""}.`;
}

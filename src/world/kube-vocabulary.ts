/**
 * The Kubernetes half of the action vocabulary (spread into ACTIONS in vocabulary.ts): stopping and
 * starting control-plane and node components — `systemctl` on their units in the systemd layout,
 * moving static pod manifests in the kubeadm layout — and the kubectl commands of seed 003 (cordon,
 * drain, uncordon, delete pod, scale, delete deployment, get). Targets are VM names (a node's name
 * is its VM's), `controlPlane[i]`, `worker[i]` or roles such as `kube.schedulerLeader`.
 */
import { z } from "zod";
import type { ActionSpec } from "./vocabulary.js";

/** A duration string (vocabulary.ts has the same shape; importing it here would be circular). */
const Duration = z.string().regex(/^(0|(\d+(\.\d+)?(us|µs|ms|s|m|h|d))+)$/, {
  message: "expected a duration like 150ms, 2.5s, 5m or 1h30m",
});

/** Components an experiment can stop and start. */
export const KUBE_COMPONENTS = [
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kube-vip",
  "kubelet",
  "containerd",
  "kube-proxy",
] as const;

const Component = z
  .enum(KUBE_COMPONENTS)
  .describe(
    "The component: a systemd unit, or a static pod in the kubeadm layout (apiserver, controller-manager, scheduler, kube-vip)",
  );

/** Kubernetes actions. */
export const KUBE_ACTIONS: readonly ActionSpec[] = [
  {
    name: "kube.stop",
    target: "vm",
    args: { component: Component },
    summary:
      "Stop a component on a node: systemctl stop, or move its static pod manifest out of /etc/kubernetes/manifests",
  },
  {
    name: "kube.start",
    target: "vm",
    args: { component: Component },
    summary: "Start a component again: systemctl start, or put its static pod manifest back",
  },
  {
    name: "kube.restart",
    target: "vm",
    args: { component: Component },
    summary: "systemctl restart, or crictl stop of the static pod's container (the kubelet starts it again)",
  },
  {
    name: "kubectl.cordon",
    target: "vm",
    args: {},
    summary: "kubectl cordon <node>: no new pods are scheduled there",
  },
  { name: "kubectl.uncordon", target: "vm", args: {}, summary: "kubectl uncordon <node>" },
  {
    name: "kubectl.drain",
    target: "vm",
    args: { timeout: Duration.optional().describe("Give up after this long; default wait forever") },
    summary:
      "kubectl drain <node> --force --ignore-daemonsets: cordon, evict every pod, wait until they are gone",
  },
  {
    name: "kubectl.deletePod",
    target: "none",
    args: {
      pod: z.string().min(1).optional().describe("A pod name"),
      deployment: z
        .string()
        .min(1)
        .optional()
        .describe("Delete pods of this Deployment (the first `count` by name)"),
      node: z.string().min(1).optional().describe("Delete pods on this node"),
      count: z.number().int().min(1).optional().describe("How many (default 1)"),
    },
    summary: "kubectl delete pod: one by name, or the first N of a Deployment's pods or of a node's pods",
  },
  {
    name: "kubectl.scale",
    target: "none",
    args: {
      deployment: z.string().min(1).describe("Deployment name, e.g. nginx"),
      replicas: z.number().int().min(0).describe("New replica count"),
    },
    summary: "kubectl scale deployment <name> --replicas=<n>",
  },
  {
    name: "kubectl.delete",
    target: "none",
    args: {
      kind: z.enum(["deployment", "replicaset", "service", "pod"]).describe("What to delete"),
      name: z.string().min(1).describe("Its name"),
    },
    summary: "kubectl delete <kind> <name> (dependents go by background cascading deletion)",
  },
  {
    name: "kubectl.get",
    target: "none",
    args: {
      resource: z.string().min(1).describe("nodes, pods, deploy, rs, or a comma list like deploy,rs"),
      wide: z.boolean().optional().describe("-o wide"),
      allNamespaces: z
        .boolean()
        .optional()
        .describe("-A: every namespace (add-on pods in kube-system and the like)"),
      namespace: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a namespace name (DNS label), e.g. kube-system")
        .optional()
        .describe("-n: one namespace (default: default; allNamespaces wins, as in kubectl)"),
    },
    summary: "kubectl get <resource>: the output is recorded in the timeline",
  },
];

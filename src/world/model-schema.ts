/**
 * The model profile format (models/*.yaml): an environment — topology and every timing — in
 * which experiments run. Each parameter a profile sets carries the public source of its value.
 */
import { z } from "zod";

const ParameterEntry = z.strictObject({
  value: z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown())]),
  source: z.string().min(1).describe("Where this value comes from (document, flag default, file)"),
  note: z.string().optional(),
});

export const ModelSchema = z.strictObject({
  apiVersion: z.literal("quorate.dev/v1alpha1"),
  kind: z.literal("Model"),
  metadata: z.strictObject({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/),
    description: z.string().optional(),
  }),
  spec: z.strictObject({
    layers: z
      .array(z.enum(["infra", "etcd", "kube", "capi", "openshift"]))
      .refine((l) => !l.includes("kube") || l.includes("etcd"), {
        message: "the kube layer runs on etcd: list etcd too (layers: [infra, etcd, kube])",
      })
      .refine((l) => !l.includes("capi") || l.includes("kube"), {
        message:
          "the capi layer manages a Kubernetes cluster: list etcd and kube too (layers: [infra, etcd, kube, capi])",
      })
      .refine((l) => !l.includes("openshift") || l.includes("etcd"), {
        message:
          "the openshift layer runs etcd's static pods and operator: list etcd too (layers: [infra, etcd, openshift])",
      })
      .default(["infra"])
      .describe(
        "Which layers the world runs: infra (VMs, network, load balancer), etcd (a member on every control-plane VM), kube (a kubeadm Kubernetes cluster on etcd), openshift (etcd static pods and the cluster-etcd-operator, docs/openshift.md); more as they land",
      ),
    parameters: z.record(z.string(), ParameterEntry).default({}),
  }),
});

export type ModelDocument = z.output<typeof ModelSchema>;

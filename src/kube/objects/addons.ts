/**
 * System Deployments (cluster add-ons) that run next to the workload, as their upstream manifests
 * declare them: namespace, replicas, tolerations, nodeSelector and required anti-affinity. They
 * matter for failures because they tolerate the control-plane taint and/or select control-plane
 * nodes, so a control-plane node carries evictable Pods: draining a dead control plane then waits
 * like a worker's drain (CAPI < 1.8 waits up to 5 min for Pods on an unreachable Node,
 * src/capi/version.ts). DaemonSet Pods (kube-proxy, CSI node plugins, the vSphere CPI of CAPV) and
 * static Pods are skipped by a drain and are not listed here.
 *
 * A model picks a set with `kube.systemDeployments` ({@link SYSTEM_DEPLOYMENT_SETS}).
 */
import type { StringMap } from "./meta.js";
import { TAINT_CONTROL_PLANE } from "./node.js";
import type { Affinity, Toleration } from "./pod.js";

/** One add-on Deployment as its manifest declares it. */
export interface SystemDeployment {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  /** Pod template labels, also the Deployment's selector. */
  readonly labels: StringMap;
  readonly containers: readonly { readonly name: string; readonly image: string }[];
  /** A port the Pods serve (unused by the model beyond the Pod spec). */
  readonly port: number;
  readonly tolerations: readonly Toleration[];
  readonly nodeSelector?: StringMap;
  readonly affinity?: Affinity;
  /** Where the manifest comes from. */
  readonly source: string;
}

const CONTROL_PLANE_SELECTOR: StringMap = { "node-role.kubernetes.io/control-plane": "" };
/** Tolerates kubeadm's control-plane taint (and the pre-1.24 `master` one the manifests still list). */
const CONTROL_PLANE_TOLERATIONS: readonly Toleration[] = [
  { key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule" },
  { key: TAINT_CONTROL_PLANE, operator: "Exists", effect: "NoSchedule" },
];

/**
 * kubeadm's CoreDNS: 2 replicas (`coreDNSReplicas = 2`, cmd/kubeadm/app/phases/addons/dns/dns.go),
 * tolerating CriticalAddonsOnly and the control-plane NoSchedule taint, nodeSelector
 * `kubernetes.io/os: linux`, preferred (not required) anti-affinity on the hostname
 * (cmd/kubeadm/app/phases/addons/dns/manifests.go). kubeadm creates it at `init`, when the first
 * control plane is the only node, so both replicas run there and stay (kubernetes/kubeadm#1931,
 * kubernetes-sigs/cluster-api#9639).
 */
export const COREDNS: SystemDeployment = {
  name: "coredns",
  namespace: "kube-system",
  replicas: 2,
  labels: { "k8s-app": "kube-dns" },
  containers: [{ name: "coredns", image: "registry.k8s.io/coredns/coredns:v1.11.3" }],
  port: 53,
  tolerations: [
    { key: "CriticalAddonsOnly", operator: "Exists" },
    { key: TAINT_CONTROL_PLANE, operator: "Equal", effect: "NoSchedule" },
  ],
  nodeSelector: { "kubernetes.io/os": "linux" },
  source:
    "kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go (tolerations, nodeSelector) and dns.go (2 replicas)",
};

const CSI_CONTAINERS = [
  "csi-attacher",
  "vsphere-csi-controller",
  "vsphere-syncer",
  "liveness-probe",
  "csi-provisioner",
  "csi-resizer",
  "csi-snapshotter",
].map((name) => ({ name, image: `vmware.io/${name}` }));

/**
 * The paravirtual vSphere CSI controller of a TKGS guest cluster: one replica in
 * vmware-system-csi, nodeSelector control-plane, tolerating the control-plane taints
 * (kubernetes-sigs/vsphere-csi-driver manifests/guestcluster/1.27/pvcsi.yaml).
 */
export const PVCSI_CONTROLLER: SystemDeployment = {
  name: "vsphere-csi-controller",
  namespace: "vmware-system-csi",
  replicas: 1,
  labels: { app: "vsphere-csi-controller", role: "vsphere-csi" },
  containers: CSI_CONTAINERS,
  port: 2112,
  tolerations: CONTROL_PLANE_TOLERATIONS,
  nodeSelector: CONTROL_PLANE_SELECTOR,
  source: "kubernetes-sigs/vsphere-csi-driver manifests/guestcluster/1.27/pvcsi.yaml",
};

/**
 * The TKGS guest cluster's cloud provider (vsphere-paravirtual CCM): one replica in
 * vmware-system-cloud-provider on a control plane (kubernetes/cloud-provider-vsphere
 * releases/v1.20/vsphere-paravirtual/cloud-controller-manager.yaml selects `master`, the label
 * kubeadm replaced with `control-plane` in 1.24; TKGS names it guest-cluster-cloud-provider).
 */
export const GUEST_CLUSTER_CLOUD_PROVIDER: SystemDeployment = {
  name: "guest-cluster-cloud-provider",
  namespace: "vmware-system-cloud-provider",
  replicas: 1,
  labels: { name: "guest-cluster-cloud-provider" },
  containers: [{ name: "guest-cluster-cloud-provider", image: "vmware.io/cloud-provider-vsphere-manager" }],
  port: 10258,
  tolerations: CONTROL_PLANE_TOLERATIONS,
  nodeSelector: CONTROL_PLANE_SELECTOR,
  source:
    "kubernetes/cloud-provider-vsphere releases/v1.20/vsphere-paravirtual/cloud-controller-manager.yaml",
};

/**
 * The vSphere CSI controller CAPV's flavors install: 3 replicas in vmware-system-csi, nodeSelector
 * control-plane, required anti-affinity on the hostname (one per control plane)
 * (kubernetes-sigs/cluster-api-provider-vsphere packaging/flavorgen/cloudprovider/csi/vsphere-csi-driver.yaml).
 */
export const VSPHERE_CSI_CONTROLLER: SystemDeployment = {
  name: "vsphere-csi-controller",
  namespace: "vmware-system-csi",
  replicas: 3,
  labels: { app: "vsphere-csi-controller", role: "vsphere-csi" },
  containers: CSI_CONTAINERS,
  port: 2112,
  tolerations: CONTROL_PLANE_TOLERATIONS,
  nodeSelector: CONTROL_PLANE_SELECTOR,
  affinity: {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { app: "vsphere-csi-controller" }, topologyKey: "kubernetes.io/hostname" },
      ],
    },
  },
  source:
    "kubernetes-sigs/cluster-api-provider-vsphere packaging/flavorgen/cloudprovider/csi/vsphere-csi-driver.yaml",
};

/** The add-on sets a model can choose with `kube.systemDeployments`. */
export const SYSTEM_DEPLOYMENT_SETS: ReadonlyMap<string, readonly SystemDeployment[]> = new Map([
  ["none", []],
  ["coredns", [COREDNS]],
  ["tkgs", [COREDNS, PVCSI_CONTROLLER, GUEST_CLUSTER_CLOUD_PROVIDER]],
  ["capv", [COREDNS, VSPHERE_CSI_CONTROLLER]],
]);

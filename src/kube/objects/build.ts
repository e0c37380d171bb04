/**
 * Constructors for the objects the control plane creates: what the kubelet registers, what the
 * ReplicaSet controller stamps out of a template, what kubeadm puts in place at init. Each returns a
 * plain immutable value; the apiserver fills uid and creationTimestamp on create, so callers that go
 * through the API pass placeholders (`uid: ""`).
 */
import type { Micros } from "../../sim/time.js";
import type { ConfigMap, Secret } from "./config.js";
import type { Lease } from "./lease.js";
import { NODE_LEASE_NAMESPACE } from "./lease.js";
import { newMeta, type OwnerReference, type StringMap } from "./meta.js";
import {
  LABEL_ROLE_CONTROL_PLANE,
  LABEL_ZONE,
  type Node,
  type NodeCondition,
  TAINT_CONTROL_PLANE,
  type Taint,
} from "./node.js";
import type { Pod, PodSpec } from "./pod.js";
import type { Endpoints, Service } from "./service.js";
import type { Deployment, PodTemplate, ReplicaSet } from "./workloads.js";

/** What a node is when the kubelet registers it. */
export interface NodeInit {
  readonly name: string;
  readonly uid?: string;
  readonly address: string;
  readonly controlPlane: boolean;
  readonly zone?: string;
  readonly kubeletVersion: string;
  readonly podCIDR: string;
  readonly createdAtUs: Micros;
  /** Conditions to start with (the kubelet posts them after registering). */
  readonly conditions?: readonly NodeCondition[];
}

/** A Node as the kubelet registers it (kubeadm adds the control-plane label and taint). */
export function makeNode(init: NodeInit): Node {
  const labels: Record<string, string> = {
    "kubernetes.io/hostname": init.name,
    "kubernetes.io/os": "linux",
  };
  if (init.controlPlane) labels[LABEL_ROLE_CONTROL_PLANE] = "";
  if (init.zone !== undefined) labels[LABEL_ZONE] = init.zone;
  const taints: Taint[] = init.controlPlane ? [{ key: TAINT_CONTROL_PLANE, effect: "NoSchedule" }] : [];
  return {
    kind: "Node",
    metadata: newMeta({
      name: init.name,
      uid: init.uid ?? "",
      creationTimestampUs: init.createdAtUs,
      labels,
    }),
    spec: { unschedulable: false, taints, podCIDR: init.podCIDR },
    status: {
      conditions: init.conditions ?? [],
      addresses: [
        { type: "InternalIP", address: init.address },
        { type: "Hostname", address: init.name },
      ],
      kubeletVersion: init.kubeletVersion,
    },
  };
}

/** The four conditions a healthy kubelet posts. */
export function healthyNodeConditions(now: Micros, since: Micros): NodeCondition[] {
  const ok = (type: NodeCondition["type"], reason: string, message: string): NodeCondition => ({
    type,
    status: "False",
    reason,
    message,
    lastHeartbeatTimeUs: now,
    lastTransitionTimeUs: since,
  });
  return [
    ok("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ok("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ok("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    {
      type: "Ready",
      status: "True",
      reason: "KubeletReady",
      message: "kubelet is posting ready status",
      lastHeartbeatTimeUs: now,
      lastTransitionTimeUs: since,
    },
  ];
}

/** A lease (node heartbeat or leader-election lock). */
export function makeLease(init: {
  readonly name: string;
  readonly namespace: string;
  readonly holder: string;
  readonly durationSeconds: number;
  readonly now: Micros;
  readonly uid?: string;
  readonly createdAtUs?: Micros;
}): Lease {
  return {
    kind: "Lease",
    metadata: newMeta({
      name: init.name,
      namespace: init.namespace,
      uid: init.uid ?? "",
      creationTimestampUs: init.createdAtUs ?? init.now,
    }),
    spec: {
      holderIdentity: init.holder,
      leaseDurationSeconds: init.durationSeconds,
      acquireTimeUs: init.now,
      renewTimeUs: init.now,
      leaseTransitions: 0,
    },
  };
}

/** A node's heartbeat lease, owned by its Node (as the kubelet creates it). */
export function makeNodeLease(node: Node, durationSeconds: number, now: Micros): Lease {
  const lease = makeLease({
    name: node.metadata.name,
    namespace: NODE_LEASE_NAMESPACE,
    holder: node.metadata.name,
    durationSeconds,
    now,
  });
  const owner: OwnerReference = {
    kind: "Node",
    name: node.metadata.name,
    uid: node.metadata.uid,
    controller: false,
  };
  return { ...lease, metadata: { ...lease.metadata, ownerReferences: [owner] } };
}

/** A pod spec for a simple web server container. */
export function webPodSpec(image: string, port: number): PodSpec {
  return {
    nodeName: "",
    containers: [{ name: image.split(":")[0] ?? image, image }],
    tolerations: [],
    terminationGracePeriodSeconds: 30,
    port,
  };
}

/** A new pod from a template, named by the apiserver (`generateName`). */
export function podFromTemplate(
  template: PodTemplate,
  generateName: string,
  namespace: string,
  owner: OwnerReference,
  now: Micros,
): Pod {
  return {
    kind: "Pod",
    metadata: newMeta({
      name: "",
      generateName,
      namespace,
      uid: "",
      creationTimestampUs: now,
      labels: template.labels,
      ownerReferences: [owner],
    }),
    spec: template.spec,
    status: { phase: "Pending", conditions: [], podIP: "", hostIP: "", restartCount: 0 },
  };
}

/** A Deployment with `replicas` of a template selected by `labels`. */
export function makeDeployment(init: {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly labels: StringMap;
  readonly spec: PodSpec;
  readonly now: Micros;
  readonly uid?: string;
}): Deployment {
  return {
    kind: "Deployment",
    metadata: newMeta({
      name: init.name,
      namespace: init.namespace,
      uid: init.uid ?? "",
      creationTimestampUs: init.now,
      labels: init.labels,
    }),
    spec: {
      replicas: init.replicas,
      selector: init.labels,
      template: { labels: init.labels, spec: init.spec },
    },
    status: {
      replicas: 0,
      updatedReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 0,
      observedGeneration: 0,
    },
  };
}

/** A ReplicaSet owned by a Deployment. */
export function makeReplicaSet(init: {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly selector: StringMap;
  readonly template: PodTemplate;
  readonly owner: OwnerReference;
  readonly now: Micros;
  readonly uid?: string;
}): ReplicaSet {
  return {
    kind: "ReplicaSet",
    metadata: newMeta({
      name: init.name,
      namespace: init.namespace,
      uid: init.uid ?? "",
      creationTimestampUs: init.now,
      labels: init.template.labels,
      ownerReferences: [init.owner],
    }),
    spec: { replicas: init.replicas, selector: init.selector, template: init.template },
    status: { replicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 0 },
  };
}

/** A NodePort Service. */
export function makeService(init: {
  readonly name: string;
  readonly namespace: string;
  readonly selector: StringMap;
  readonly port: number;
  readonly nodePort: number;
  readonly clusterIP: string;
  readonly now: Micros;
  readonly uid?: string;
}): Service {
  return {
    kind: "Service",
    metadata: newMeta({
      name: init.name,
      namespace: init.namespace,
      uid: init.uid ?? "",
      creationTimestampUs: init.now,
    }),
    spec: {
      selector: init.selector,
      port: init.port,
      targetPort: init.port,
      nodePort: init.nodePort,
      clusterIP: init.clusterIP,
    },
  };
}

/** Empty Endpoints for a Service. */
export function makeEndpoints(name: string, namespace: string, now: Micros, uid = ""): Endpoints {
  return {
    kind: "Endpoints",
    metadata: newMeta({ name, namespace, uid, creationTimestampUs: now }),
    addresses: [],
    notReadyAddresses: [],
  };
}

/** A ConfigMap. */
export function makeConfigMap(
  name: string,
  namespace: string,
  data: StringMap,
  now: Micros,
  uid = "",
): ConfigMap {
  return { kind: "ConfigMap", metadata: newMeta({ name, namespace, uid, creationTimestampUs: now }), data };
}

/** A Secret. */
export function makeSecret(
  name: string,
  namespace: string,
  type: string,
  data: StringMap,
  now: Micros,
  uid = "",
): Secret {
  return {
    kind: "Secret",
    metadata: newMeta({ name, namespace, uid, creationTimestampUs: now }),
    type,
    data,
  };
}

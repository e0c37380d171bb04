/**
 * The cluster as it stands when a run begins: what `kubeadm init`/`join` and the workload's
 * `kubectl create` left in etcd, and the containers already running. Every node registered and
 * Ready with a fresh lease, the control-plane nodes labelled and tainted by kubeadm, the
 * `kubernetes` Service, kubeadm's bootstrap token and the signed `cluster-info`, and the workload
 * (seed 003: `nginx` Deployment with 3 replicas and a NodePort Service on 31000) with its
 * ReplicaSet, Running pods spread over the workers, and Endpoints; then the profile's add-on
 * Deployments (CoreDNS, CSI controller, …), mostly on the first control plane; last, the mirror pods
 * of the control planes' static pods, Running and Ready since the cluster was made.
 */
import type { Rng } from "../sim/rng.js";
import { HOUR, type Micros } from "../sim/time.js";
import { jwsSignature } from "./controllers/bootstrap.js";
import { templateHash } from "./controllers/deployment.js";
import { newUid, randomString } from "./names.js";
import { settledMirrorPod } from "./node/mirror-pods.js";
import type { Container } from "./node/runtime.js";
import {
  healthyNodeConditions,
  makeConfigMap,
  makeDeployment,
  makeEndpoints,
  makeLease,
  makeNode,
  makeReplicaSet,
  makeSecret,
  makeService,
  webPodSpec,
} from "./objects/build.js";
import { BOOTSTRAP_TOKEN_SECRET_TYPE, JWS_KEY_PREFIX } from "./objects/config.js";
import type { AnyObject, Node, Pod } from "./objects/index.js";
import { NODE_LEASE_NAMESPACE } from "./objects/lease.js";
import { newMeta } from "./objects/meta.js";
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from "./objects/node.js";
import { antiAffinityDomains, unfitReason } from "./objects/placement.js";
import type { PodSpec, Toleration } from "./objects/pod.js";
import { POD_TEMPLATE_HASH_LABEL } from "./objects/workloads.js";
import { type KubeSettings, kubeletVersion } from "./settings.js";

/** A node of the initial cluster. */
export interface InitialNode {
  readonly name: string;
  readonly address: string;
  readonly controlPlane: boolean;
  readonly podCIDR: string;
  readonly zone?: string;
  /** Allocates a pod IP on this node. */
  readonly allocateIp: () => string;
  /** Its static pod manifests (kubeadm control plane), whose mirror pods exist already. */
  readonly staticPods?: readonly string[];
}

/** The initial objects and containers. */
export interface InitialCluster {
  readonly objects: readonly AnyObject[];
  readonly containers: readonly { readonly node: string; readonly container: Container }[];
  /** The kubeadm init token (`<id>.<secret>`). */
  readonly token: string;
}

/** kubeadm's default token TTL (24 h, kubernetes.io kubeadm-token page, capi-kube.md §6). */
const TOKEN_TTL_US = 24 * HOUR;

/** Builds the initial cluster at time `now` (usually 0). */
export function initialCluster(
  settings: KubeSettings,
  nodes: readonly InitialNode[],
  rng: Rng,
  now: Micros,
): InitialCluster {
  const objects: AnyObject[] = [];
  const containers: { node: string; container: Container }[] = [];
  const born = now - settings.clusterAgeUs;
  const uid = () => newUid(rng);
  const version = kubeletVersion(settings.version);

  for (const n of nodes) {
    const node = makeNode({
      name: n.name,
      uid: uid(),
      address: n.address,
      controlPlane: n.controlPlane,
      ...(n.zone !== undefined ? { zone: n.zone } : {}),
      kubeletVersion: version,
      podCIDR: n.podCIDR,
      createdAtUs: born,
      conditions: healthyNodeConditions(now, born),
    });
    objects.push(node);
    objects.push(
      makeLease({
        name: n.name,
        namespace: NODE_LEASE_NAMESPACE,
        holder: n.name,
        durationSeconds: settings.kubelet.nodeLeaseDurationSeconds,
        now,
        uid: uid(),
        createdAtUs: born,
      }),
    );
  }

  objects.push(
    makeService({
      name: "kubernetes",
      namespace: "default",
      selector: {},
      port: 443,
      nodePort: 0,
      clusterIP: "10.96.0.1",
      now: born,
      uid: uid(),
    }),
  );

  // kubeadm init: a bootstrap token and cluster-info signed with it.
  const tokenId = randomString(rng, 6);
  const tokenSecret = randomString(rng, 16);
  const expiresAt = born + TOKEN_TTL_US;
  const kubeconfig = `apiVersion: v1\nclusters:\n- cluster:\n    server: https://${settings.endpointAddress}:6443\n  name: ""\n`;
  const cmData: Record<string, string> = { kubeconfig };
  if (expiresAt > now) {
    objects.push(
      makeSecret(
        `bootstrap-token-${tokenId}`,
        "kube-system",
        BOOTSTRAP_TOKEN_SECRET_TYPE,
        {
          "token-id": tokenId,
          "token-secret": tokenSecret,
          expiration: String(expiresAt),
          "usage-bootstrap-authentication": "true",
          "usage-bootstrap-signing": "true",
        },
        born,
        uid(),
      ),
    );
    cmData[`${JWS_KEY_PREFIX}${tokenId}`] = jwsSignature(kubeconfig, tokenId, tokenSecret);
  }
  objects.push(makeConfigMap("cluster-info", "kube-public", cmData, born, uid()));

  const workers = nodes.filter((n) => !n.controlPlane);
  const tolerations: Toleration[] = [
    {
      key: TAINT_NOT_READY,
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: settings.apiserver.notReadyTolerationSeconds,
    },
    {
      key: TAINT_UNREACHABLE,
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: settings.apiserver.unreachableTolerationSeconds,
    },
  ];
  const w = settings.workload;
  let slot = 0;
  for (let i = 0; i < w.deployments; i++) {
    const name = i === 0 ? w.name : `${w.name}-${i}`;
    const labels = { app: name };
    const spec = webPodSpec(w.image, w.port);
    // Round-robin over the workers, across Deployments (no worker: the pods stay Pending).
    const pods = addSettledDeployment(
      { name, namespace: w.namespace, replicas: w.replicas, labels, spec, podSpec: { ...spec, tolerations } },
      () => (workers.length > 0 ? workers[slot++ % workers.length] : undefined),
      objects,
      containers,
      born,
      rng,
    );
    const addresses = pods
      .filter((p) => p.spec.nodeName !== "")
      .map((p) => ({ ip: p.status.podIP, nodeName: p.spec.nodeName, podName: p.metadata.name }));
    objects.push(
      makeService({
        name,
        namespace: w.namespace,
        selector: labels,
        port: w.port,
        nodePort: w.nodePort + i,
        clusterIP: `10.96.${Math.floor((i + 100) / 250)}.${((i + 100) % 250) + 2}`,
        now: born,
        uid: uid(),
      }),
    );
    addresses.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
    objects.push({ ...makeEndpoints(name, w.namespace, born, uid()), addresses });
  }
  addSystemDeployments(settings, nodes, objects, containers, born, tolerations, rng);
  // Last, so the names drawn before them do not depend on the layout.
  for (const n of nodes) {
    const nodeUid = objects.find((o) => o.kind === "Node" && o.metadata.name === n.name)?.metadata.uid ?? "";
    for (const staticName of n.staticPods ?? []) {
      objects.push(
        settledMirrorPod({
          staticName,
          node: n.name,
          nodeUid,
          hostIP: n.address,
          version,
          createdAtUs: born,
          uid: uid(),
        }),
      );
    }
  }
  return { objects, containers, token: `${tokenId}.${tokenSecret}` };
}

/**
 * The add-on Deployments (`kube.systemDeployments`), written after the workload so the workload's
 * names do not depend on them. Add-ons are applied right after `kubeadm init`, while the first
 * control plane is the only node, and are not rebalanced when nodes join (kubernetes/kubeadm#1931,
 * kubernetes-sigs/cluster-api#9639): each replica runs on the first node, in creation order, that
 * admits it (taints, nodeSelector, required anti-affinity against the replicas placed before it);
 * one that fits nowhere stays Pending for the scheduler.
 */
function addSystemDeployments(
  settings: KubeSettings,
  nodes: readonly InitialNode[],
  objects: AnyObject[],
  containers: { node: string; container: Container }[],
  born: Micros,
  defaultTolerations: readonly Toleration[],
  rng: Rng,
): void {
  const nodeObjects = new Map<string, Node>();
  for (const o of objects) if (o.kind === "Node") nodeObjects.set(o.metadata.name, o);
  const placed: Pod[] = [];
  for (const sd of settings.systemDeployments) {
    const spec: PodSpec = {
      nodeName: "",
      containers: sd.containers,
      tolerations: sd.tolerations,
      ...(sd.nodeSelector !== undefined ? { nodeSelector: sd.nodeSelector } : {}),
      ...(sd.affinity !== undefined ? { affinity: sd.affinity } : {}),
      terminationGracePeriodSeconds: 30,
      port: sd.port,
    };
    const podSpec: PodSpec = { ...spec, tolerations: [...sd.tolerations, ...defaultTolerations] };
    // The first node, in creation order, that admits the pod (required anti-affinity against the
    // add-on pods placed before it, of this and earlier Deployments).
    const firstFit = (): InitialNode | undefined => {
      const excluded = antiAffinityDomains(
        sd.namespace,
        podSpec,
        () => placed,
        (n) => nodeObjects.get(n)?.metadata.labels,
      );
      return nodes.find((n) => {
        const obj = nodeObjects.get(n.name);
        return obj !== undefined && unfitReason(podSpec, obj, excluded) === undefined;
      });
    };
    addSettledDeployment(
      { name: sd.name, namespace: sd.namespace, replicas: sd.replicas, labels: sd.labels, spec, podSpec },
      firstFit,
      objects,
      containers,
      born,
      rng,
      (pod) => placed.push(pod),
    );
  }
}

/** A Deployment the bootstrap writes as settled: its template, and its pods' spec with tolerations. */
interface SettledDeployment {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: PodSpec;
  readonly podSpec: PodSpec;
}

/**
 * Writes a Deployment, its ReplicaSet and one pod per replica, as the controllers would have left
 * them: each pod on the node `place` picks (Running since `born`, its container on the node), or
 * Pending when there is none. Every replica has a pod (a Pending one counts in `replicas`); only the
 * placed ones are ready. Returns the pods; `onPlaced` sees each placed pod as it is placed.
 */
function addSettledDeployment(
  d: SettledDeployment,
  place: () => InitialNode | undefined,
  objects: AnyObject[],
  containers: { node: string; container: Container }[],
  born: Micros,
  rng: Rng,
  onPlaced?: (pod: Pod) => void,
): Pod[] {
  const dUid = newUid(rng);
  const base = makeDeployment({
    name: d.name,
    namespace: d.namespace,
    replicas: d.replicas,
    labels: d.labels,
    spec: d.spec,
    now: born,
    uid: dUid,
  });
  const hash = templateHash(base);
  const rsName = `${d.name}-${hash}`;
  const rsUid = newUid(rng);
  const podLabels = { ...d.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
  let running = 0;
  const pods: Pod[] = [];
  for (let r = 0; r < d.replicas; r++) {
    const podName = `${rsName}-${randomString(rng, 5)}`;
    const podUid = newUid(rng);
    const node = place();
    const metadata = newMeta({
      name: podName,
      namespace: d.namespace,
      uid: podUid,
      creationTimestampUs: born,
      labels: podLabels,
      ownerReferences: [{ kind: "ReplicaSet", name: rsName, uid: rsUid, controller: true }],
    });
    if (!node) {
      pods.push({
        kind: "Pod",
        metadata,
        spec: d.podSpec,
        status: { phase: "Pending", conditions: [], podIP: "", hostIP: "", restartCount: 0 },
      });
      continue;
    }
    const ip = node.allocateIp();
    const pod: Pod = {
      kind: "Pod",
      metadata,
      spec: { ...d.podSpec, nodeName: node.name },
      status: runningStatus(ip, node.address, born),
    };
    running++;
    pods.push(pod);
    onPlaced?.(pod);
    containers.push({
      node: node.name,
      container: { podUid, namespace: d.namespace, podName, ip, startedAtUs: born },
    });
  }
  const rs = makeReplicaSet({
    name: rsName,
    namespace: d.namespace,
    replicas: d.replicas,
    selector: podLabels,
    template: { labels: podLabels, spec: d.spec },
    owner: { kind: "Deployment", name: d.name, uid: dUid, controller: true },
    now: born,
    uid: rsUid,
  });
  objects.push(
    {
      ...base,
      status: {
        replicas: d.replicas,
        updatedReplicas: d.replicas,
        readyReplicas: running,
        availableReplicas: running,
        unavailableReplicas: d.replicas - running,
        observedGeneration: 1,
      },
    },
    {
      ...rs,
      status: {
        replicas: d.replicas,
        readyReplicas: running,
        availableReplicas: running,
        observedGeneration: 1,
      },
    },
    ...pods,
  );
  return pods;
}

/** A Pod's status when it has been Running and Ready since `since`. */
function runningStatus(ip: string, hostIP: string, since: Micros): Pod["status"] {
  return {
    phase: "Running",
    conditions: [
      { type: "PodScheduled", status: "True", lastTransitionTimeUs: since },
      { type: "Initialized", status: "True", lastTransitionTimeUs: since },
      { type: "ContainersReady", status: "True", lastTransitionTimeUs: since },
      { type: "Ready", status: "True", lastTransitionTimeUs: since },
    ],
    podIP: ip,
    hostIP,
    startTimeUs: since,
    restartCount: 0,
  };
}

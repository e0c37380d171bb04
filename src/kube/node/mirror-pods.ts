/**
 * Mirror pods: the API objects through which a kubelet shows its static pods (kubernetes
 * `pkg/kubelet/pod/mirror_client.go`; the kubernetes.io task page "Create static Pods" describes
 * the kubelet creating one per static pod, named after the pod with the node's hostname appended
 * after a hyphen). So `kubectl get pods -n kube-system` on a kubeadm cluster lists
 * `kube-apiserver-cp1`, `kube-scheduler-cp1`, … .
 *
 * - A mirror pod is `<manifest name>-<node>` in kube-system, bound to the node, with the
 *   `kubernetes.io/config.mirror` annotation (the manifest's hash), `kubernetes.io/config.source:
 *   file`, a controller owner reference to its Node (MirrorPodNodeRestriction, KEP 1314) and the
 *   toleration every file-sourced static pod gets, `operator: Exists, effect: NoExecute`
 *   (`pkg/kubelet/config/common.go` applyDefaults adds it so that node problems never evict a
 *   static pod), which keeps the taint eviction controller away from it.
 * - The kubelet creates it through its API client once its pod informer has synced and it knows
 *   its Node's uid, as it does its other writes: with the API away nothing is written and the next
 *   sync (every 10 s) tries again. The apiserver stores a new pod as Pending (the pod strategy
 *   resets the status on create); the kubelet's status manager then reports the static
 *   container's status, and afterwards only when what it reports changes (phase, readiness,
 *   restart count, waiting reason) — the same path and builders as for its other pods
 *   (`pod-status.ts`). A status the API copy lacks (someone else wrote it, e.g. the node lifecycle
 *   controller's Ready=False) is written again, as the status manager's reconcile does.
 * - A mirror pod cannot be deleted for good: one that is deleted (or marked for deletion) while its
 *   manifest is there is deleted at once (grace 0, uid precondition) and created again; the static
 *   container is untouched. A removed manifest deletes its mirror pod.
 * - Nothing else manages mirror pods: the scheduler never sees them unbound, no controller owns
 *   them, drains skip them (`isMirrorPod`), and the pod garbage collector removes them with the
 *   other pods of a deleted Node.
 */
import type { Micros } from "../../sim/time.js";
import type { ApiResponse } from "../api/request.js";
import type { ApiClient } from "../client/client.js";
import type { StaticPodSpec } from "../component.js";
import { newMeta } from "../objects/meta.js";
import type { Pod } from "../objects/pod.js";
import { isPodReady } from "../objects/pod.js";
import { runningStatus, waitingStatus } from "./pod-status.js";
import type { StaticPodView } from "./static-pods.js";

/** Annotation that marks a mirror pod; its value is the static pod's hash (`kubetypes.ConfigMirrorAnnotationKey`). */
export const CONFIG_MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
/** The static pod's hash (`kubetypes.ConfigHashAnnotationKey`). */
export const CONFIG_HASH_ANNOTATION = "kubernetes.io/config.hash";
/** Where the kubelet read the pod from (`kubetypes.ConfigSourceAnnotationKey`): `file` for manifests. */
export const CONFIG_SOURCE_ANNOTATION = "kubernetes.io/config.source";
/** kubeadm's static pods live in kube-system. */
export const STATIC_POD_NAMESPACE = "kube-system";

/** True for a mirror pod (`kubepod.IsMirrorPod`); drains and controllers leave these alone. */
export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata.annotations[CONFIG_MIRROR_ANNOTATION] !== undefined;
}

/** `<manifest name>-<node>`, the name the kubelet gives a static pod and its mirror pod. */
export function mirrorPodName(staticName: string, node: string): string {
  return `${staticName}-${node}`;
}

/**
 * The static pod's hash. The kubelet uses an md5 of the manifest as the static pod's UID; the model
 * has no manifest text, so a fixed 32-hex-digit hash of manifest and node stands for it.
 */
export function staticPodHash(staticName: string, node: string): string {
  const text = `${staticName}/${node}`;
  let out = "";
  for (let round = 0; round < 4; round++) {
    // FNV-1a, seeded differently per round.
    let h = (0x811c9dc5 ^ round) >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, "0");
  }
  return out;
}

/** Ports the components serve on (kubeadm manifests; hostNetwork). */
const PORTS: ReadonlyMap<string, number> = new Map([
  ["kube-apiserver", 6443],
  ["kube-controller-manager", 10257],
  ["kube-scheduler", 10259],
  ["etcd", 2379],
]);

/** What a mirror pod is made from. */
export interface MirrorPodInit {
  readonly staticName: string;
  readonly node: string;
  readonly nodeUid: string;
  /** The node's address: static control-plane pods use the host network. */
  readonly hostIP: string;
  /** `v1.33.0`: the control-plane images' tag. */
  readonly version: string;
  readonly createdAtUs: Micros;
  /** Set by the apiserver on create; given for objects written at start-up. */
  readonly uid?: string;
}

/** A new mirror pod as the kubelet sends it (status Pending, as the apiserver stores it). */
export function makeMirrorPod(init: MirrorPodInit): Pod {
  const hash = staticPodHash(init.staticName, init.node);
  const kubeadmComponent = PORTS.has(init.staticName);
  return {
    kind: "Pod",
    metadata: newMeta({
      name: mirrorPodName(init.staticName, init.node),
      namespace: STATIC_POD_NAMESPACE,
      uid: init.uid ?? "",
      creationTimestampUs: init.createdAtUs,
      // kubeadm's manifests label its components; kube-vip's manifest has no labels.
      labels: kubeadmComponent ? { component: init.staticName, tier: "control-plane" } : {},
      annotations: {
        [CONFIG_HASH_ANNOTATION]: hash,
        [CONFIG_MIRROR_ANNOTATION]: hash,
        [CONFIG_SOURCE_ANNOTATION]: "file",
      },
      ownerReferences: [{ kind: "Node", name: init.node, uid: init.nodeUid, controller: true }],
    }),
    spec: {
      nodeName: init.node,
      containers: [
        {
          name: init.staticName,
          image: kubeadmComponent
            ? `registry.k8s.io/${init.staticName}:${init.version}`
            : `ghcr.io/kube-vip/${init.staticName}`,
        },
      ],
      tolerations: [{ key: "", operator: "Exists", effect: "NoExecute" }],
      terminationGracePeriodSeconds: 30,
      port: PORTS.get(init.staticName) ?? 0,
    },
    status: { phase: "Pending", conditions: [], podIP: "", hostIP: "", restartCount: 0 },
  };
}

/** A mirror pod of a static pod that has been running and ready since `createdAtUs` (start-up). */
export function settledMirrorPod(init: MirrorPodInit): Pod {
  return runningStatus(makeMirrorPod(init), init.createdAtUs, init.hostIP, init.hostIP, 0);
}

/** The mirror pod's status for what the kubelet knows of its static pod. */
export function mirrorStatus(pod: Pod, view: StaticPodView, now: Micros, hostIP: string): Pod {
  if (view.running) return runningStatus(pod, now, hostIP, hostIP, view.restartCount, view.ready);
  if (view.waitingReason !== undefined)
    return waitingStatus(pod, now, hostIP, view.waitingReason, view.restartCount);
  // Restarting at once after a crash: still Running, not ready.
  return runningStatus(pod, now, hostIP, hostIP, view.restartCount, false);
}

/** What `kubectl get pods` shows of a pod's status; equal keys mean nothing to report. */
function reportedKey(pod: Pod): string {
  const s = pod.status;
  return `${s.phase}|${isPodReady(pod) ? 1 : 0}|${s.restartCount}|${s.waitingReason ?? ""}|${s.podIP}`;
}

/** What the mirror pods of one kubelet need. */
export interface MirrorPodsContext {
  readonly client: ApiClient;
  readonly node: string;
  readonly hostIP: string;
  readonly version: string;
  readonly now: () => Micros;
  /** The Node's uid once the kubelet has seen its Node object. */
  readonly nodeUid: () => string | undefined;
  /** The kubelet's pod informer has synced (it knows which mirror pods exist). */
  readonly podsSynced: () => boolean;
  readonly manifests: () => readonly StaticPodSpec[];
  readonly view: (staticName: string) => StaticPodView | undefined;
  /** The kubelet's pod status writer (coalesces writes per pod). */
  readonly postStatus: (pod: Pod, next: (cur: Pod) => Pod, done?: (res: ApiResponse) => void) => void;
}

interface Posted {
  readonly uid: string;
  readonly key: string;
  inFlight: boolean;
  /** resourceVersion the write produced. */
  rv: number;
}

/** The mirror pods of one kubelet's static pods. */
export class MirrorPods {
  /** The mirror pods the pod informer shows, by name. */
  private readonly mirrors = new Map<string, Pod>();
  private readonly creating = new Set<string>();
  private readonly deleting = new Set<string>();
  private readonly posted = new Map<string, Posted>();

  constructor(private readonly ctx: MirrorPodsContext) {}

  /** The pod informer added or updated a mirror pod of this node. */
  observed(pod: Pod): void {
    const name = pod.metadata.name;
    const known = this.mirrors.get(name);
    if (
      known &&
      known.metadata.uid === pod.metadata.uid &&
      known.metadata.resourceVersion > pod.metadata.resourceVersion
    )
      return;
    this.mirrors.set(name, pod);
    this.syncPod(name);
  }

  /** The pod informer saw a mirror pod go. */
  gone(pod: Pod): void {
    const name = pod.metadata.name;
    if (this.mirrors.get(name)?.metadata.uid !== pod.metadata.uid) return;
    this.mirrors.delete(name);
    this.posted.delete(name);
    this.syncPod(name);
  }

  /** A static pod's state changed. */
  staticChanged(staticName: string): void {
    this.syncPod(mirrorPodName(staticName, this.ctx.node));
  }

  /** Periodic sync: create what is missing, report what changed, delete what has no manifest. */
  sync(): void {
    const node = this.ctx.node;
    for (const spec of this.ctx.manifests()) this.syncPod(mirrorPodName(spec.name, node));
    for (const name of [...this.mirrors.keys()]) this.syncPod(name);
  }

  private syncPod(name: string): void {
    const ctx = this.ctx;
    const spec = ctx.manifests().find((s) => mirrorPodName(s.name, ctx.node) === name);
    const mirror = this.mirrors.get(name);
    if (
      mirror &&
      (!spec ||
        mirror.metadata.deletionTimestampUs !== undefined ||
        mirror.metadata.annotations[CONFIG_MIRROR_ANNOTATION] !== staticPodHash(spec.name, ctx.node))
    ) {
      this.delete(mirror);
      return;
    }
    if (!spec) return;
    const view = ctx.view(spec.name);
    if (!view) return;
    if (!mirror) this.create(spec.name);
    else this.report(mirror, view);
  }

  private create(staticName: string): void {
    const ctx = this.ctx;
    const name = mirrorPodName(staticName, ctx.node);
    const nodeUid = ctx.nodeUid();
    if (this.creating.has(name) || nodeUid === undefined || !ctx.podsSynced()) return;
    this.creating.add(name);
    const body = makeMirrorPod({
      staticName,
      node: ctx.node,
      nodeUid,
      hostIP: ctx.hostIP,
      version: ctx.version,
      createdAtUs: ctx.now(),
    });
    ctx.client.request({ verb: "create", resource: "pods", namespace: STATIC_POD_NAMESPACE, body }, (res) => {
      this.creating.delete(name);
      // The created pod is known at once (the informer's copy may come later); its status follows.
      if (res.status.code === 201 && res.object && !this.mirrors.has(name)) this.observed(res.object as Pod);
    });
  }

  private delete(mirror: Pod): void {
    const { name, uid } = mirror.metadata;
    if (this.deleting.has(uid)) return;
    this.deleting.add(uid);
    this.ctx.client.request(
      {
        verb: "delete",
        resource: "pods",
        namespace: STATIC_POD_NAMESPACE,
        name,
        gracePeriodSeconds: 0,
        preconditionUid: uid,
      },
      (res) => {
        this.deleting.delete(uid);
        if (res.status.code === 200 || res.status.code === 404) this.gone(mirror);
      },
    );
  }

  private report(mirror: Pod, view: StaticPodView): void {
    const ctx = this.ctx;
    const now = ctx.now();
    const desired = mirrorStatus(mirror, view, now, ctx.hostIP);
    const key = reportedKey(desired);
    if (key === reportedKey(mirror)) return;
    const name = mirror.metadata.name;
    const uid = mirror.metadata.uid;
    const last = this.posted.get(name);
    // Already sent (or written, and the informer has not caught up): nothing new to say.
    if (
      last &&
      last.uid === uid &&
      last.key === key &&
      (last.inFlight || last.rv > mirror.metadata.resourceVersion)
    )
      return;
    const entry: Posted = { uid, key, inFlight: true, rv: 0 };
    this.posted.set(name, entry);
    ctx.postStatus(
      mirror,
      (cur) => mirrorStatus(cur, view, now, ctx.hostIP),
      (res) => {
        entry.inFlight = false;
        if (res.status.code === 200 && res.object) entry.rv = res.object.metadata.resourceVersion;
      },
    );
  }
}

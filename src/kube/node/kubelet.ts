/**
 * The kubelet of one node (kubernetes `pkg/kubelet`), with the behaviour the failure scenarios
 * depend on:
 *
 * - registers its Node (create, or adopt the existing one);
 * - renews its Lease in `kube-node-lease` every 0.25 × 40 s = 10 s, retrying a failed renewal up to
 *   five times with a short back-off (lease controller `maxUpdateRetries = 5`), and dropping its API
 *   connection after repeated heartbeat failures (`onRepeatedHeartbeatFailure = closeAllConns`);
 * - every `nodeStatusUpdateFrequency` (10 s) reads its Node (from the apiserver cache) and posts the
 *   status when a condition changed or `nodeStatusReportFrequency` (5 min) has passed
 *   (capi-kube.md §5, `pkg/kubelet/apis/config/v1beta1/defaults.go`);
 * - runs the pods bound to it (pod informer with fieldSelector spec.nodeName), reports them Running,
 *   stops the containers of terminating pods and then removes the pod object (grace period 0 with a
 *   uid precondition), and kills containers whose pod is gone;
 * - runs the static control-plane pods from its manifests (`static-pods.ts`) and shows them in the
 *   API as mirror pods (`mirror-pods.ts`).
 *
 * Stopping the kubelet stops all of this, but not the containers (`runtime.ts`).
 */
import type { Network } from "../../infra/network.js";
import type { Process } from "../../infra/services.js";
import type { Vm } from "../../infra/vm.js";
import { type Distribution, sample } from "../../sim/distribution.js";
import type { Rng } from "../../sim/rng.js";
import type { Micros } from "../../sim/time.js";
import { MILLISECOND, SECOND } from "../../sim/time.js";
import type { ApiResponse } from "../api/request.js";
import { ApiClient, type ClientSettings } from "../client/client.js";
import type { ApiEndpoint } from "../client/endpoint.js";
import { Informer } from "../client/informer.js";
import type { StaticPodSpec } from "../component.js";
import { makeLease, makeNode } from "../objects/build.js";
import type { AnyObject, Lease, Node, Pod } from "../objects/index.js";
import { NODE_LEASE_NAMESPACE } from "../objects/lease.js";
import { isPodReady } from "../objects/pod.js";
import type { ProcessScope } from "../process-scope.js";
import { isMirrorPod, MirrorPods } from "./mirror-pods.js";
import { conditionsChanged, desiredConditions, withConditions } from "./node-status.js";
import { creatingStatus, runningStatus } from "./pod-status.js";
import type { ContainerRuntime } from "./runtime.js";
import { type StaticPodSettings, StaticPods } from "./static-pods.js";

/** Kubelet configuration (KubeletConfiguration defaults, capi-kube.md §5). */
export interface KubeletSettings extends StaticPodSettings {
  readonly kubeletVersion: string;
  readonly nodeStatusUpdateFrequencyUs: Micros;
  readonly nodeStatusReportFrequencyUs: Micros;
  readonly nodeLeaseDurationSeconds: number;
  /** Sandbox + container start (image already present). */
  readonly podStartDelay: Distribution;
  /** From SIGTERM to the container's exit. */
  readonly podStopDelay: Distribution;
  /**
   * On a freshly joined node: from the Node's registration until the CNI agent (a DaemonSet pod)
   * has started and the pod network is ready. Undefined: ready at once.
   */
  readonly cniStartDelay?: Distribution;
}

/** What a kubelet is built from. */
export interface KubeletContext {
  readonly network: Network;
  readonly vm: Vm;
  readonly scope: ProcessScope;
  readonly endpoint: ApiEndpoint;
  readonly clientSettings: ClientSettings;
  readonly runtime: ContainerRuntime;
  readonly settings: KubeletSettings;
  readonly rng: Rng;
  readonly node: { readonly controlPlane: boolean; readonly zone?: string; readonly podCIDR: string };
  /** The manifests in /etc/kubernetes/manifests now. */
  readonly manifests: () => readonly StaticPodSpec[];
  /** A client to this node's own apiserver, for probes (the kubelet probes https://127.0.0.1:6443/livez). */
  readonly localEndpoint: ApiEndpoint;
  readonly emit: (kind: string, subject: string, fields: Record<string, unknown>) => void;
  /**
   * Defers the API work (registration, lease, status, pods) until the cluster's apiservers serve,
   * during the settled start-up; static pods start at once. Default: run at once.
   */
  readonly whenApiReady?: (fn: () => void) => void;
}

/** `nodeLeaseRenewIntervalFraction`. */
const RENEW_FRACTION = 0.25;
/** Lease controller `maxUpdateRetries`. */
const LEASE_RETRIES = 5;
/** Registration retry, capped like the kubelet's (7 s). */
const REGISTER_RETRY_US = 7 * SECOND;

/** One kubelet process. */
export class Kubelet implements Process {
  readonly client: ApiClient;
  private readonly pods: Informer<Pod>;
  private readonly staticPods: StaticPods | undefined;
  private readonly mirrorPods: MirrorPods | undefined;
  private readonly name: string;
  /** The Node's uid, once the kubelet has seen its Node (mirror pods' owner reference). */
  private nodeUid: string | undefined;
  /** The API work (registration, lease, pods) has begun; false during the settled start-up. */
  private apiStarted = false;
  private lease: Lease | undefined;
  private lastReportUs = Number.NEGATIVE_INFINITY;
  private registered = false;
  private readonly starting = new Set<string>();
  private readonly stopping = new Set<string>();
  private readonly statusInFlight = new Map<
    string,
    { pod: Pod; next: (cur: Pod) => Pod; done: ((res: ApiResponse) => void) | undefined } | undefined
  >();
  private readonly restarts = new Map<string, number>();
  /** Uids of the pods the informer holds (to find containers whose pod is gone). */
  private readonly knownUids = new Set<string>();

  constructor(private readonly ctx: KubeletContext) {
    this.name = ctx.vm.name;
    this.client = new ApiClient(
      ctx.network,
      this.name,
      ctx.scope,
      ctx.endpoint,
      ctx.clientSettings,
      `kubelet/${this.name}`,
    );
    this.pods = new Informer<Pod>(this.client, ctx.scope, ctx.rng, { resource: "pods", nodeName: this.name });
    this.pods.addHandlers({
      added: (p) => {
        if (isMirrorPod(p)) return this.mirrorPods?.observed(p);
        this.knownUids.add(p.metadata.uid);
        this.syncPod(p);
      },
      updated: (o, p) => {
        if (isMirrorPod(p)) return this.mirrorPods?.observed(p);
        if (o.metadata.uid !== p.metadata.uid) this.knownUids.delete(o.metadata.uid);
        this.knownUids.add(p.metadata.uid);
        this.syncPod(p);
      },
      deleted: (p) => {
        if (isMirrorPod(p)) return this.mirrorPods?.gone(p);
        this.knownUids.delete(p.metadata.uid);
        this.podGone(p);
      },
    });
    if (ctx.node.controlPlane || ctx.manifests().length > 0) {
      const staticPods = new StaticPods(ctx, ctx.settings, {
        changed: (name) => this.mirrorPods?.staticChanged(name),
        settling: () => !this.apiStarted,
      });
      this.staticPods = staticPods;
      this.mirrorPods = new MirrorPods({
        client: this.client,
        node: this.name,
        hostIP: ctx.vm.address,
        version: ctx.settings.kubeletVersion,
        now: () => ctx.scope.now,
        nodeUid: () => this.nodeUid,
        podsSynced: () => this.pods.hasSynced,
        manifests: ctx.manifests,
        view: (name) => staticPods.view(name),
        postStatus: (pod, next, done) => this.postStatus(pod, next, done),
      });
    }
    const startApi = () => {
      if (!ctx.scope.alive) return;
      this.apiStarted = true;
      this.register();
      this.pods.start();
      const s = ctx.settings;
      const renewUs = s.nodeLeaseDurationSeconds * RENEW_FRACTION * SECOND;
      ctx.scope.every(renewUs, () => this.renewLease(0), 0);
      ctx.scope.every(s.nodeStatusUpdateFrequencyUs, () => this.statusTick(), 0);
    };
    if (ctx.whenApiReady) ctx.whenApiReady(startApi);
    else startApi();
  }

  terminate(exited: () => void): void {
    this.ctx.scope.end();
    exited();
  }

  kill(): void {
    this.ctx.scope.end();
  }

  /** The manifests changed (inotify on /etc/kubernetes/manifests). */
  manifestsChanged(): void {
    this.staticPods?.sync();
  }

  // ---- registration, lease, node status ----------------------------------------------------------

  private register(): void {
    const ctx = this.ctx;
    // The kubelet registers its Node with the status it computed (initialNode runs the setters).
    const now = ctx.scope.now;
    const initial = makeNode({
      name: this.name,
      address: ctx.vm.address,
      controlPlane: ctx.node.controlPlane,
      ...(ctx.node.zone !== undefined ? { zone: ctx.node.zone } : {}),
      kubeletVersion: ctx.settings.kubeletVersion,
      podCIDR: ctx.node.podCIDR,
      createdAtUs: now,
    });
    const node = withConditions(
      initial,
      desiredConditions(ctx.runtime.up, ctx.runtime.networkReady(now)),
      now,
    );
    this.client.request({ verb: "create", resource: "nodes", body: node }, (res) => {
      if (res.status.code === 201 || res.status.reason === "AlreadyExists") {
        if (res.status.code === 201 && res.object) this.nodeUid = res.object.metadata.uid;
        this.registered = true;
        this.scheduleNetworkReady();
        // syncNodeStatus and the lease right after registering, as the kubelet does.
        this.renewLease(0);
        this.statusTick();
        return;
      }
      ctx.scope.after(REGISTER_RETRY_US, () => this.register());
    });
  }

  /**
   * A new node's pod network becomes ready once the CNI DaemonSet pod runs there, which the
   * DaemonSet controller creates after the Node registered (the agent is not modelled as a pod).
   */
  private scheduleNetworkReady(): void {
    const rt = this.ctx.runtime;
    if (rt.networkReadyAtUs !== undefined) return;
    const delay = this.ctx.settings.cniStartDelay;
    rt.networkReadyAtUs = this.ctx.scope.now + (delay === undefined ? 0 : sample(delay, this.ctx.rng));
    // Report Ready as soon as the network is (the kubelet's runtime-state check runs every 5 s).
    this.ctx.scope.after(rt.networkReadyAtUs - this.ctx.scope.now, () => this.statusTick());
  }

  private renewLease(attempt: number): void {
    if (!this.registered) return;
    const ctx = this.ctx;
    const now = ctx.scope.now;
    const timeoutUs = ctx.settings.nodeStatusUpdateFrequencyUs;
    const retry = (conflict: boolean) => {
      if (conflict) this.lease = undefined;
      if (attempt + 1 >= LEASE_RETRIES) {
        this.client.resetConnection("heartbeat failed repeatedly");
        return;
      }
      ctx.scope.after(200 * MILLISECOND * 2 ** attempt, () => this.renewLease(attempt + 1));
    };
    const lease = this.lease;
    if (!lease) {
      this.client.request(
        { verb: "get", resource: "leases", namespace: NODE_LEASE_NAMESPACE, name: this.name },
        (res) => {
          if (res.status.code === 200 && res.object) {
            this.lease = res.object as Lease;
            return this.renewLease(attempt);
          }
          if (res.status.code !== 404) return retry(false);
          const fresh = makeLease({
            name: this.name,
            namespace: NODE_LEASE_NAMESPACE,
            holder: this.name,
            durationSeconds: ctx.settings.nodeLeaseDurationSeconds,
            now,
          });
          this.client.request(
            { verb: "create", resource: "leases", namespace: NODE_LEASE_NAMESPACE, body: fresh },
            (r) => {
              if (r.status.code === 201 && r.object) this.lease = r.object as Lease;
              else retry(false);
            },
            timeoutUs,
          );
        },
        timeoutUs,
      );
      return;
    }
    const next: Lease = { ...lease, spec: { ...lease.spec, renewTimeUs: now, holderIdentity: this.name } };
    this.client.request(
      { verb: "update", resource: "leases", body: next },
      (res) => {
        if (res.status.code === 200 && res.object) this.lease = res.object as Lease;
        else retry(res.status.code === 409 || res.status.code === 404);
      },
      timeoutUs,
    );
  }

  private statusTick(): void {
    this.resync();
    if (!this.registered) return;
    const ctx = this.ctx;
    this.client.request(
      { verb: "get", resource: "nodes", name: this.name, resourceVersion: 0 },
      (res) => {
        if (res.status.code !== 200 || !res.object) return;
        const node = res.object as Node;
        if (this.nodeUid !== node.metadata.uid) {
          this.nodeUid = node.metadata.uid;
          this.mirrorPods?.sync();
        }
        const desired = desiredConditions(ctx.runtime.up, ctx.runtime.networkReady(ctx.scope.now));
        const now = ctx.scope.now;
        if (
          !conditionsChanged(node, desired) &&
          now - this.lastReportUs < ctx.settings.nodeStatusReportFrequencyUs
        )
          return;
        this.client.request(
          {
            verb: "patch",
            resource: "nodes",
            name: this.name,
            subresource: "status",
            patch: (cur) => withConditions(cur as Node, desired, ctx.scope.now),
          },
          (r) => {
            if (r.status.code === 200) this.lastReportUs = now;
            else this.client.resetConnection("node status update failed");
          },
          ctx.settings.nodeStatusUpdateFrequencyUs,
        );
      },
      ctx.settings.nodeStatusUpdateFrequencyUs,
    );
  }

  // ---- pods --------------------------------------------------------------------------------------

  /** Periodic pod sync: retry what failed, and kill containers whose pods are gone. */
  private resync(): void {
    for (const p of this.pods.list()) if (!isMirrorPod(p)) this.syncPod(p);
    this.mirrorPods?.sync();
    if (!this.pods.hasSynced) return;
    const rt = this.ctx.runtime;
    const orphans: string[] = [];
    for (const c of rt.list()) {
      if (c.staticName === undefined && !this.knownUids.has(c.podUid)) orphans.push(c.podUid);
    }
    for (const uid of orphans) rt.remove(uid, "pod deleted");
  }

  private syncPod(pod: Pod): void {
    const uid = pod.metadata.uid;
    const rt = this.ctx.runtime;
    const c = rt.get(uid);
    if (pod.metadata.deletionTimestampUs !== undefined) {
      this.terminatePod(pod);
      return;
    }
    if (pod.status.phase === "Succeeded" || pod.status.phase === "Failed") return;
    if (!c) {
      // Pods (other than host-network static pods) need the pod network.
      if (!rt.up || !rt.networkReady(this.ctx.scope.now) || this.starting.has(uid)) return;
      this.startPod(pod);
      return;
    }
    if (pod.status.phase !== "Running" || !isPodReady(pod) || pod.status.podIP !== c.ip) {
      this.postStatus(pod, (cur) =>
        runningStatus(cur, this.ctx.scope.now, c.ip, this.ctx.vm.address, this.restartCount(cur)),
      );
    }
  }

  private restartCount(pod: Pod): number {
    return this.restarts.get(pod.metadata.uid) ?? pod.status.restartCount;
  }

  private startPod(pod: Pod): void {
    const ctx = this.ctx;
    const uid = pod.metadata.uid;
    this.starting.add(uid);
    const wasRunning = pod.status.phase === "Running" || pod.status.podIP !== "";
    if (wasRunning) this.restarts.set(uid, pod.status.restartCount + 1);
    if (pod.status.waitingReason !== "ContainerCreating") {
      this.postStatus(pod, (cur) => creatingStatus(cur, ctx.scope.now, ctx.vm.address));
    }
    ctx.scope.after(sample(ctx.settings.podStartDelay, ctx.rng), () => {
      this.starting.delete(uid);
      const current = this.pods.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
      if (!current || current.metadata.uid !== uid || current.metadata.deletionTimestampUs !== undefined)
        return;
      if (!ctx.runtime.up || ctx.runtime.get(uid)) return;
      const ip = ctx.runtime.allocateIp();
      ctx.runtime.add({
        podUid: uid,
        namespace: pod.metadata.namespace,
        podName: pod.metadata.name,
        ip,
        startedAtUs: ctx.scope.now,
      });
      this.syncPod(current);
    });
  }

  private terminatePod(pod: Pod): void {
    const ctx = this.ctx;
    const uid = pod.metadata.uid;
    if (this.stopping.has(uid)) return;
    this.stopping.add(uid);
    const finish = () => {
      this.client.request(
        {
          verb: "delete",
          resource: "pods",
          namespace: pod.metadata.namespace,
          name: pod.metadata.name,
          gracePeriodSeconds: 0,
          preconditionUid: uid,
        },
        () => this.stopping.delete(uid),
      );
    };
    if (!ctx.runtime.get(uid)) {
      finish();
      return;
    }
    ctx.scope.after(sample(ctx.settings.podStopDelay, ctx.rng), () => {
      ctx.runtime.remove(uid, "pod deleted");
      finish();
    });
  }

  private podGone(pod: Pod): void {
    this.ctx.runtime.remove(pod.metadata.uid, "pod deleted");
    this.restarts.delete(pod.metadata.uid);
  }

  /**
   * Posts a pod status; while one is in flight, the newest wish waits and is sent after it (a
   * replaced wish is never sent, and its `done` is not called).
   */
  private postStatus(pod: Pod, next: (cur: Pod) => Pod, done?: (res: ApiResponse) => void): void {
    const uid = pod.metadata.uid;
    if (this.statusInFlight.has(uid)) {
      this.statusInFlight.set(uid, { pod, next, done });
      return;
    }
    this.statusInFlight.set(uid, undefined);
    this.client.request(
      {
        verb: "patch",
        resource: "pods",
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
        subresource: "status",
        patch: (cur: AnyObject) => (cur.metadata.uid === uid ? next(cur as Pod) : undefined),
      },
      (res) => {
        done?.(res);
        const waiting = this.statusInFlight.get(uid);
        this.statusInFlight.delete(uid);
        if (waiting) this.postStatus(waiting.pod, waiting.next, waiting.done);
      },
      this.ctx.settings.nodeStatusUpdateFrequencyUs,
    );
  }
}

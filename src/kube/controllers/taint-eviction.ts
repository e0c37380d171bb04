/**
 * The taint eviction controller (formerly NoExecuteTaintManager, kubernetes
 * `pkg/controller/tainteviction`): a pod on a node with a NoExecute taint it does not tolerate is
 * deleted at once; a pod that tolerates it for `tolerationSeconds` is deleted when that time has
 * passed since the controller first saw the pod under the taint (the 300 s default tolerations,
 * capi-kube.md §5); removing the taint cancels the pending deletion. Deletion is graceful, so a pod
 * on a dead node stays Terminating until its kubelet comes back.
 *
 * Trace: `kube.pod.evicting {pod, node, taint}` when a pod is deleted for a taint.
 */
import type { Micros } from "../../sim/time.js";
import type { Node, Pod, Taint } from "../objects/index.js";
import { tolerates } from "../objects/pod.js";
import type { ControllerContext } from "./context.js";

interface Scheduled {
  readonly dueUs: Micros;
  readonly startedUs: Micros;
  readonly uid: string;
}

/** Deletes pods from nodes whose NoExecute taints they do not tolerate (long enough). */
export class TaintEvictionController {
  private readonly scheduled = new Map<string, Scheduled>();

  constructor(private readonly ctx: ControllerContext) {}

  /** Hooks the node and pod informers. */
  start(): void {
    const { informers } = this.ctx;
    informers.nodes.addHandlers({
      added: (n) => this.nodeChanged(n),
      updated: (o, n) => {
        if (o.spec.taints !== n.spec.taints) this.nodeChanged(n);
      },
    });
    informers.pods.addHandlers({
      added: (p) => this.podChanged(p),
      updated: (o, p) => {
        if (
          o.spec.nodeName !== p.spec.nodeName ||
          o.metadata.deletionTimestampUs !== p.metadata.deletionTimestampUs
        )
          this.podChanged(p);
      },
      deleted: (p) => this.scheduled.delete(key(p)),
    });
  }

  private nodeChanged(node: Node): void {
    const name = node.metadata.name;
    for (const p of this.ctx.informers.pods.list()) if (p.spec.nodeName === name) this.process(p, node);
  }

  private podChanged(pod: Pod): void {
    if (pod.spec.nodeName === "") return;
    const node = this.ctx.informers.nodes.get(pod.spec.nodeName);
    if (node) this.process(pod, node);
  }

  private process(pod: Pod, node: Node): void {
    const k = key(pod);
    if (pod.metadata.deletionTimestampUs !== undefined) {
      this.scheduled.delete(k);
      return;
    }
    const taints = node.spec.taints.filter((t) => t.effect === "NoExecute");
    if (taints.length === 0) {
      this.scheduled.delete(k);
      return;
    }
    let minSeconds = Number.POSITIVE_INFINITY;
    for (const t of taints) {
      const tol = pod.spec.tolerations.find((x) => tolerates(x, t.key, t.effect, t.value));
      if (!tol) {
        this.evict(pod, t, k);
        return;
      }
      if (tol.tolerationSeconds !== undefined)
        minSeconds = Math.min(minSeconds, Math.max(0, tol.tolerationSeconds));
    }
    if (!Number.isFinite(minSeconds)) {
      this.scheduled.delete(k);
      return;
    }
    const now = this.ctx.scope.now;
    const prev = this.scheduled.get(k);
    const startedUs = prev && prev.uid === pod.metadata.uid ? prev.startedUs : now;
    const dueUs = startedUs + minSeconds * 1e6;
    if (prev && prev.uid === pod.metadata.uid && prev.dueUs <= dueUs) return;
    const entry: Scheduled = { dueUs, startedUs, uid: pod.metadata.uid };
    this.scheduled.set(k, entry);
    this.ctx.scope.after(Math.max(0, dueUs - now), () => {
      if (this.scheduled.get(k) !== entry) return;
      const current = this.ctx.informers.pods.get(k);
      const n = current ? this.ctx.informers.nodes.get(current.spec.nodeName) : undefined;
      const taint = n?.spec.taints.find((t) => t.effect === "NoExecute");
      if (current && taint && current.metadata.uid === entry.uid) this.evict(current, taint, k);
    });
  }

  private evict(pod: Pod, taint: Taint, k: string): void {
    this.scheduled.delete(k);
    this.ctx.emit("kube.pod.evicting", k, {
      pod: pod.metadata.name,
      node: pod.spec.nodeName,
      taint: `${taint.key}:${taint.effect}`,
      message: `Marking for deletion Pod ${k}`,
    });
    this.ctx.client.request(
      {
        verb: "delete",
        resource: "pods",
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
        preconditionUid: pod.metadata.uid,
      },
      (res) => {
        if (res.status.code >= 500 || res.status.code === 0) {
          // Retry after a short pause, as the controller requeues failed deletions.
          this.ctx.scope.after(1_000_000, () => {
            const cur = this.ctx.informers.pods.get(k);
            if (cur && cur.metadata.uid === pod.metadata.uid) this.podChanged(cur);
          });
        }
      },
    );
  }
}

function key(p: Pod): string {
  return `${p.metadata.namespace}/${p.metadata.name}`;
}

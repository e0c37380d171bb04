/**
 * The pod garbage collector (kubernetes `pkg/controller/podgc/gc_controller.go`), the part that
 * matters after a node is lost: **orphaned pods**. Every `gcCheckPeriod` (20 s) it looks for pods
 * bound to a node the node informer does not know; such a node is quarantined for `quarantineTime`
 * (40 s) in case it is only late to appear, then checked with a live GET, and if it is really gone
 * every pod still bound to it is force-deleted (grace period 0). This is what finally removes the
 * pods that stayed `Terminating` on a dead node once Cluster API deletes its Node object: without
 * it `kubectl get pods -A` would show them forever.
 *
 * Also as upstream: pods that are terminating but were never scheduled (`gcUnscheduledTerminating`)
 * are force-deleted. The terminated-pod threshold (12,500 Failed/Succeeded pods) is not modelled:
 * the model's pods never finish on their own.
 *
 * Trace: `kube.pod.gc {pod, node, reason}` for each pod deleted.
 */
import { SECOND } from "../../sim/time.js";
import type { Pod } from "../objects/index.js";
import type { ControllerContext } from "./context.js";

/** `gcCheckPeriod`: how often the collector looks at every pod. */
export const POD_GC_CHECK_PERIOD_US = 20 * SECOND;
/** `quarantineTime`: how long a missing node may take to show up in the informer. */
export const POD_GC_QUARANTINE_US = 40 * SECOND;

/** The pod garbage collector of kube-controller-manager. */
export class PodGarbageCollector {
  /** Missing nodes under quarantine. */
  private readonly quarantined = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {}

  /** Starts the periodic check. */
  start(): void {
    this.ctx.scope.every(POD_GC_CHECK_PERIOD_US, () => this.check(), POD_GC_CHECK_PERIOD_US);
  }

  private check(): void {
    const { informers } = this.ctx;
    if (!informers.pods.hasSynced || !informers.nodes.hasSynced) return;
    for (const pod of informers.pods.list()) {
      const node = pod.spec.nodeName;
      if (node === "") {
        if (pod.metadata.deletionTimestampUs !== undefined)
          this.forceDelete(pod, "unscheduled terminating pod");
        continue;
      }
      if (informers.nodes.get(node) !== undefined || this.quarantined.has(node)) continue;
      this.quarantined.add(node);
      this.ctx.scope.after(POD_GC_QUARANTINE_US, () => this.confirmGone(node));
    }
  }

  /** After the quarantine: a live GET decides; if the node is gone, its pods go. */
  private confirmGone(node: string): void {
    this.ctx.client.request({ verb: "get", resource: "nodes", name: node }, (res) => {
      this.quarantined.delete(node);
      if (res.status.code !== 404) return;
      for (const pod of this.ctx.informers.pods.list()) {
        if (pod.spec.nodeName === node) this.forceDelete(pod, `node ${node} no longer exists`);
      }
    });
  }

  private forceDelete(pod: Pod, reason: string): void {
    const { namespace, name, uid } = pod.metadata;
    this.ctx.client.request(
      { verb: "delete", resource: "pods", namespace, name, preconditionUid: uid, gracePeriodSeconds: 0 },
      (res) => {
        if (res.status.code !== 200) return;
        this.ctx.emit("kube.pod.gc", `${namespace}/${name}`, {
          pod: name,
          namespace,
          node: pod.spec.nodeName,
          reason,
          message: `PodGC is force deleting Pod: ${namespace}/${name}`,
        });
      },
    );
  }
}

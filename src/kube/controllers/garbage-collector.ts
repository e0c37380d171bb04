/**
 * The garbage collector (kubernetes `pkg/controller/garbagecollector`), reduced to background
 * cascading deletion along controller owner references: when a Deployment is deleted (`kubectl
 * delete deploy nginx`, seed 003) its ReplicaSets go, and with them their pods. Before deleting a
 * dependent the collector confirms with a live read that the owner is really gone (as
 * `attemptToDeleteItem` does), so a stale cache never deletes anything.
 */
import type { AnyObject } from "../objects/index.js";
import { controllerOf, objectKey } from "../objects/meta.js";
import type { Resource } from "../storage/resources.js";
import type { ControllerContext } from "./context.js";
import { WorkQueue } from "./workqueue.js";

const OWNER_RESOURCE: Readonly<Record<string, Resource>> = {
  Deployment: "deployments",
  ReplicaSet: "replicasets",
};

/** The garbage collector. */
export class GarbageCollector {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.scope, (key, done) => this.check(key, done));
  }

  /** Hooks the informers. */
  start(): void {
    const { informers } = this.ctx;
    const ownerGone = (kind: string) => (o: AnyObject) => {
      const uid = o.metadata.uid;
      const dependents = kind === "Deployment" ? informers.replicaSets.list() : informers.pods.list();
      for (const d of dependents)
        if (controllerOf(d)?.uid === uid) this.queue.add(`${d.kind}|${objectKey(d)}`);
    };
    informers.deployments.addHandlers({ deleted: ownerGone("Deployment") });
    informers.replicaSets.addHandlers({
      deleted: ownerGone("ReplicaSet"),
      added: (rs) => this.maybeOrphan(rs),
    });
    informers.pods.addHandlers({ added: (p) => this.maybeOrphan(p) });
  }

  private maybeOrphan(o: AnyObject): void {
    const ref = controllerOf(o);
    if (!ref) return;
    const inf =
      ref.kind === "Deployment"
        ? this.ctx.informers.deployments
        : ref.kind === "ReplicaSet"
          ? this.ctx.informers.replicaSets
          : undefined;
    if (!inf?.hasSynced) return;
    const owner = inf.get(`${o.metadata.namespace}/${ref.name}`);
    if (!owner || owner.metadata.uid !== ref.uid) this.queue.add(`${o.kind}|${objectKey(o)}`);
  }

  private check(key: string, done: (ok: boolean) => void): void {
    const [kind, objKey] = key.split("|") as [string, string];
    const inf = kind === "ReplicaSet" ? this.ctx.informers.replicaSets : this.ctx.informers.pods;
    const obj: AnyObject | undefined = inf.get(objKey);
    if (!obj) {
      done(true);
      return;
    }
    const ref = controllerOf(obj);
    const ownerResource = ref ? OWNER_RESOURCE[ref.kind] : undefined;
    if (!ref || !ownerResource) {
      done(true);
      return;
    }
    const ns = obj.metadata.namespace;
    this.ctx.client.request(
      { verb: "get", resource: ownerResource, namespace: ns, name: ref.name },
      (res) => {
        if (res.status.code === 200 && res.object?.metadata.uid === ref.uid) return done(true);
        if (res.status.code !== 200 && res.status.code !== 404) return done(false);
        this.ctx.client.request(
          {
            verb: "delete",
            resource: kind === "ReplicaSet" ? "replicasets" : "pods",
            namespace: ns,
            name: obj.metadata.name,
            preconditionUid: obj.metadata.uid,
          },
          (r) => done(r.status.code === 200 || r.status.code === 404),
        );
      },
    );
  }
}

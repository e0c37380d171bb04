/**
 * The Deployment controller (kubernetes `pkg/controller/deployment`), for what the scenarios need:
 * each Deployment owns a ReplicaSet named `<deployment>-<pod-template-hash>` whose template is the
 * Deployment's (plus the `pod-template-hash` label); the controller creates it, scales it to
 * `spec.replicas` (`kubectl scale deploy`), scales ReplicaSets of older templates to zero, and sums
 * their status into the Deployment's (replicas, updated, ready, available, unavailable).
 *
 * Simplification: a template change replaces the old ReplicaSet at once instead of a rolling update
 * bounded by maxSurge/maxUnavailable (no scenario changes templates).
 */
import { hashName } from "../names.js";
import { makeReplicaSet } from "../objects/build.js";
import type { Deployment, ReplicaSet } from "../objects/index.js";
import { controllerOf, objectKey } from "../objects/meta.js";
import { POD_TEMPLATE_HASH_LABEL } from "../objects/workloads.js";
import type { ControllerContext } from "./context.js";
import { WorkQueue } from "./workqueue.js";

/** The pod-template-hash of a Deployment's template. */
export function templateHash(d: Deployment): string {
  return hashName(JSON.stringify(d.spec.template));
}

/** The Deployment controller. */
export class DeploymentController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.scope, (key, done) => this.sync(key, done));
  }

  /** Hooks the informers. */
  start(): void {
    const { informers } = this.ctx;
    informers.deployments.addHandlers({
      added: (d) => this.queue.add(objectKey(d)),
      updated: (_o, d) => this.queue.add(objectKey(d)),
    });
    const owner = (rs: ReplicaSet) => {
      const ref = controllerOf(rs);
      if (ref?.kind === "Deployment") this.queue.add(`${rs.metadata.namespace}/${ref.name}`);
    };
    informers.replicaSets.addHandlers({ added: owner, updated: (_o, rs) => owner(rs), deleted: owner });
  }

  private sync(key: string, done: (ok: boolean) => void): void {
    const { informers, client, scope } = this.ctx;
    const d = informers.deployments.get(key);
    if (!d || d.metadata.deletionTimestampUs !== undefined) {
      done(true);
      return;
    }
    const hash = templateHash(d);
    const owned: ReplicaSet[] = [];
    for (const rs of informers.replicaSets.list()) {
      if (rs.metadata.namespace === d.metadata.namespace && controllerOf(rs)?.uid === d.metadata.uid)
        owned.push(rs);
    }
    const current = owned.find((rs) => rs.metadata.labels[POD_TEMPLATE_HASH_LABEL] === hash);
    let pending = 0;
    let ok = true;
    const finish = () => {
      if (--pending === 0) this.updateStatus(d, owned, hash, (s) => done(ok && s));
    };
    pending++;
    if (!current) {
      const labels = { ...d.spec.template.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
      const rs = makeReplicaSet({
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        replicas: d.spec.replicas,
        selector: { ...d.spec.selector, [POD_TEMPLATE_HASH_LABEL]: hash },
        template: { labels, spec: d.spec.template.spec },
        owner: { kind: "Deployment", name: d.metadata.name, uid: d.metadata.uid, controller: true },
        now: scope.now,
      });
      pending++;
      client.request(
        { verb: "create", resource: "replicasets", namespace: d.metadata.namespace, body: rs },
        (res) => {
          if (res.status.code !== 201 && res.status.reason !== "AlreadyExists") ok = false;
          finish();
        },
      );
    }
    for (const rs of owned) {
      const want = rs === current ? d.spec.replicas : 0;
      if (rs.spec.replicas === want) continue;
      pending++;
      client.request(
        { verb: "update", resource: "replicasets", body: { ...rs, spec: { ...rs.spec, replicas: want } } },
        (res) => {
          if (res.status.code !== 200) ok = false;
          finish();
        },
      );
    }
    finish();
  }

  private updateStatus(
    d: Deployment,
    owned: readonly ReplicaSet[],
    hash: string,
    done: (ok: boolean) => void,
  ): void {
    let replicas = 0;
    let updated = 0;
    let ready = 0;
    let available = 0;
    for (const rs of owned) {
      replicas += rs.status.replicas;
      ready += rs.status.readyReplicas;
      available += rs.status.availableReplicas;
      if (rs.metadata.labels[POD_TEMPLATE_HASH_LABEL] === hash) updated += rs.status.replicas;
    }
    const status = {
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      unavailableReplicas: Math.max(0, d.spec.replicas - available),
      observedGeneration: d.metadata.generation,
    };
    const s = d.status;
    if (
      s.replicas === status.replicas &&
      s.updatedReplicas === status.updatedReplicas &&
      s.readyReplicas === status.readyReplicas &&
      s.availableReplicas === status.availableReplicas &&
      s.unavailableReplicas === status.unavailableReplicas &&
      s.observedGeneration === status.observedGeneration
    ) {
      done(true);
      return;
    }
    const uid = d.metadata.uid;
    this.ctx.client.request(
      {
        verb: "patch",
        resource: "deployments",
        namespace: d.metadata.namespace,
        name: d.metadata.name,
        subresource: "status",
        patch: (cur) => (cur.metadata.uid === uid ? { ...(cur as Deployment), status } : undefined),
      },
      (res) => done(res.status.code === 200 || res.status.code === 404),
    );
  }
}

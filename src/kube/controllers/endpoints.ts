/**
 * The endpoints controller (kubernetes `pkg/controller/endpoint`): for each Service with a
 * selector, the Endpoints object lists the selected pods that have an IP and are not terminating —
 * ready pods as addresses, the others as notReadyAddresses. kube-proxy sends traffic only to the
 * ready ones, so marking a dead node's pods not ready is what takes them out of a Service.
 */

import { makeEndpoints } from "../objects/build.js";
import type { Endpoints, Pod, Service } from "../objects/index.js";
import { matchesLabels, objectKey } from "../objects/meta.js";
import { isPodReady } from "../objects/pod.js";
import type { EndpointAddress } from "../objects/service.js";
import type { ControllerContext } from "./context.js";
import { WorkQueue } from "./workqueue.js";

/** The endpoints controller. */
export class EndpointsController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.scope, (key, done) => this.sync(key, done));
  }

  /** Hooks the informers. */
  start(): void {
    const { informers } = this.ctx;
    informers.services.addHandlers({
      added: (s) => this.queue.add(objectKey(s)),
      updated: (_o, s) => this.queue.add(objectKey(s)),
    });
    informers.endpoints.addHandlers({
      deleted: (e) => this.queue.add(objectKey(e)),
    });
    const podChanged = (p: Pod) => {
      for (const s of informers.services.list()) {
        if (
          s.metadata.namespace === p.metadata.namespace &&
          matchesLabels(s.spec.selector, p.metadata.labels)
        ) {
          this.queue.add(objectKey(s));
        }
      }
    };
    informers.pods.addHandlers({ added: podChanged, updated: (_o, p) => podChanged(p), deleted: podChanged });
  }

  private sync(key: string, done: (ok: boolean) => void): void {
    const { informers, client, scope } = this.ctx;
    const svc = informers.services.get(key);
    if (!svc) {
      done(true);
      return;
    }
    const { addresses, notReady } = this.desired(svc);
    const cur = informers.endpoints.get(key);
    if (cur && sameAddresses(cur.addresses, addresses) && sameAddresses(cur.notReadyAddresses, notReady)) {
      done(true);
      return;
    }
    const base: Endpoints = cur ?? makeEndpoints(svc.metadata.name, svc.metadata.namespace, scope.now);
    const next: Endpoints = { ...base, addresses, notReadyAddresses: notReady };
    const req = cur
      ? ({ verb: "update", resource: "endpoints", body: next } as const)
      : ({ verb: "create", resource: "endpoints", namespace: svc.metadata.namespace, body: next } as const);
    client.request(req, (res) => {
      if (res.object) this.ctx.informers.endpoints.assume(res.object as Endpoints);
      done(res.status.code === 200 || res.status.code === 201);
    });
  }

  private desired(svc: Service): { addresses: EndpointAddress[]; notReady: EndpointAddress[] } {
    const addresses: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const p of this.ctx.informers.pods.list()) {
      if (
        p.metadata.namespace !== svc.metadata.namespace ||
        !matchesLabels(svc.spec.selector, p.metadata.labels)
      )
        continue;
      if (p.status.podIP === "" || p.metadata.deletionTimestampUs !== undefined) continue;
      const a: EndpointAddress = { ip: p.status.podIP, nodeName: p.spec.nodeName, podName: p.metadata.name };
      (isPodReady(p) ? addresses : notReady).push(a);
    }
    const byIp = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
    addresses.sort(byIp);
    notReady.sort(byIp);
    return { addresses, notReady };
  }
}

function sameAddresses(a: readonly EndpointAddress[], b: readonly EndpointAddress[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.ip !== y.ip || x.nodeName !== y.nodeName || x.podName !== y.podName) return false;
  }
  return true;
}

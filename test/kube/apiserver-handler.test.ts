import { describe, expect, it } from "vitest";
import type { ApiResponse } from "../../src/kube/api/request.js";
import { ApiHandler } from "../../src/kube/apiserver/handler.js";
import { WatchCache } from "../../src/kube/apiserver/watch-cache.js";
import { makeNode, webPodSpec } from "../../src/kube/objects/build.js";
import type { AnyObject, Pod } from "../../src/kube/objects/index.js";
import { newMeta } from "../../src/kube/objects/meta.js";
import { type Resource, resourceInfo } from "../../src/kube/storage/resources.js";
import { Simulation } from "../../src/sim/simulation.js";
import { SECOND } from "../../src/sim/time.js";
import { FakeEtcdCluster } from "./fake-etcd.js";

function setup() {
  const sim = new Simulation({ seed: 1 });
  const etcd = new FakeEtcdCluster(sim, { members: ["cp-0", "cp-1", "cp-2"] });
  const client = etcd.client(["cp-0"]);
  const caches = new Map<Resource, WatchCache>();
  const clock = {
    get now() {
      return sim.now;
    },
    after: (d: number, fn: () => void) => void sim.after(d, fn),
  };
  for (const r of ["nodes", "pods"] as const) {
    const c = new WatchCache(resourceInfo(r), client, clock, undefined);
    caches.set(r, c);
    c.start();
  }
  const handler = new ApiHandler(
    client,
    caches,
    {
      requestTimeoutUs: 60 * SECOND,
      etcdHealthTimeoutUs: 2 * SECOND,
      notReadyTolerationSeconds: 300,
      unreachableTolerationSeconds: 300,
    },
    clock,
    sim.rng.stream("uids"),
  );
  sim.runUntil(SECOND);
  const call = (req: Parameters<ApiHandler["handle"]>[0]): ApiResponse => {
    let out: ApiResponse | undefined;
    handler.handle(req, (r) => {
      out = r;
    });
    sim.runUntilTrue(() => out !== undefined, sim.now + 20 * SECOND);
    if (!out) throw new Error("no reply");
    return out;
  };
  return { sim, etcd, handler, caches, call };
}

function pod(name: string): Pod {
  return {
    kind: "Pod",
    metadata: newMeta({
      name,
      namespace: "default",
      uid: "",
      creationTimestampUs: 0,
      labels: { app: "web" },
    }),
    spec: webPodSpec("nginx:1.27", 80),
    status: { phase: "Pending", conditions: [], podIP: "", hostIP: "", restartCount: 0 },
  };
}

describe("kube-apiserver request handling over etcd", () => {
  it("stores objects under /registry keys with resourceVersion = mod_revision", () => {
    const { call, etcd } = setup();
    const r = call({ verb: "create", resource: "pods", namespace: "default", body: pod("web-1") });
    expect(r.status.code).toBe(201);
    const kv = etcd.peek("/registry/pods/default/web-1");
    expect(kv).toBeDefined();
    expect(r.object?.metadata.resourceVersion).toBe(kv?.modRevision);
    expect(r.object?.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    const node = makeNode({
      name: "worker-0",
      address: "10.0.0.1",
      controlPlane: false,
      kubeletVersion: "v1.33.0",
      podCIDR: "10.244.1.0/24",
      createdAtUs: 0,
    });
    expect(call({ verb: "create", resource: "nodes", body: node }).status.code).toBe(201);
    expect(etcd.peek("/registry/minions/worker-0")).toBeDefined();
  });

  it("adds the default NoExecute tolerations of 300 s to new pods", () => {
    const { call } = setup();
    const r = call({ verb: "create", resource: "pods", namespace: "default", body: pod("web-1") });
    const tolerations = (r.object as Pod).spec.tolerations;
    expect(tolerations.map((t) => [t.key, t.effect, t.tolerationSeconds])).toEqual([
      ["node.kubernetes.io/not-ready", "NoExecute", 300],
      ["node.kubernetes.io/unreachable", "NoExecute", 300],
    ]);
  });

  it("refuses an update with a stale resourceVersion with 409 Conflict", () => {
    const { call } = setup();
    const created = call({ verb: "create", resource: "pods", namespace: "default", body: pod("web-1") })
      .object!;
    const first = call({
      verb: "update",
      resource: "pods",
      body: { ...created, metadata: { ...created.metadata, labels: { a: "1" } } } as AnyObject,
    });
    expect(first.status.code).toBe(200);
    const stale = call({
      verb: "update",
      resource: "pods",
      body: { ...created, metadata: { ...created.metadata, labels: { a: "2" } } } as AnyObject,
    });
    expect(stale.status.code).toBe(409);
    expect(stale.status.message).toContain("the object has been modified");
    expect(
      call({ verb: "create", resource: "pods", namespace: "default", body: pod("web-1") }).status.reason,
    ).toBe("AlreadyExists");
  });

  it("serves resourceVersion=0 lists from the watch cache while quorum reads fail without quorum", () => {
    const { call, etcd, sim } = setup();
    call({ verb: "create", resource: "pods", namespace: "default", body: pod("web-1") });
    sim.runUntil(sim.now + SECOND);
    etcd.stop("cp-1");
    etcd.stop("cp-2");
    const t0 = sim.now;
    const quorum = call({ verb: "list", resource: "pods", namespace: "default" });
    expect(quorum.status.code).toBe(500);
    expect(quorum.status.message).toContain("etcdserver: request timed out");
    expect(sim.now - t0).toBeGreaterThanOrEqual(7 * SECOND);
    const write = call({ verb: "create", resource: "pods", namespace: "default", body: pod("web-2") });
    expect(write.status.code).toBe(500);
  });

  it("keeps serving stale cached lists when its etcd member is down (connection refused)", () => {
    const { call, etcd, sim } = setup();
    call({ verb: "create", resource: "pods", namespace: "default", body: pod("web-1") });
    sim.runUntil(sim.now + SECOND);
    etcd.stop("cp-0");
    sim.runUntil(sim.now + 30 * SECOND);
    const cached = call({ verb: "list", resource: "pods", namespace: "default", resourceVersion: 0 });
    expect(cached.status.code).toBe(200);
    expect(cached.items?.map((p) => p.metadata.name)).toEqual(["web-1"]);
    expect(call({ verb: "readyz" }).status.code).toBe(500);
  });

  it("deletes a bound pod gracefully and an unbound pod at once", () => {
    const { call, etcd } = setup();
    call({ verb: "create", resource: "pods", namespace: "default", body: pod("web-1") });
    call({
      verb: "create",
      resource: "pods",
      namespace: "default",
      body: pod("web-2"),
      subresource: undefined,
    });
    const bound = call({
      verb: "create",
      resource: "pods",
      namespace: "default",
      name: "web-1",
      subresource: "binding",
      targetNode: "worker-0",
    });
    expect((bound.object as Pod).spec.nodeName).toBe("worker-0");
    const again = call({
      verb: "create",
      resource: "pods",
      namespace: "default",
      name: "web-1",
      subresource: "binding",
      targetNode: "worker-1",
    });
    expect(again.status.code).toBe(409);
    const d1 = call({ verb: "delete", resource: "pods", namespace: "default", name: "web-1" });
    expect(d1.object?.metadata.deletionTimestampUs).toBeDefined();
    expect(etcd.peek("/registry/pods/default/web-1")).toBeDefined();
    call({ verb: "delete", resource: "pods", namespace: "default", name: "web-2" });
    expect(etcd.peek("/registry/pods/default/web-2")).toBeUndefined();
    call({ verb: "delete", resource: "pods", namespace: "default", name: "web-1", gracePeriodSeconds: 0 });
    expect(etcd.peek("/registry/pods/default/web-1")).toBeUndefined();
  });

  it("ends cache watchers when etcd cancels the watch for lack of a leader", () => {
    const { handler, etcd, sim, caches } = setup();
    const ended: number[] = [];
    const w = handler.watch(
      { verb: "watch", resource: "pods" },
      { events: () => {}, ended: (s) => ended.push(s.code) },
    );
    expect(w.status.code).toBe(200);
    etcd.stop("cp-1");
    etcd.stop("cp-2");
    sim.runUntil(sim.now + 5 * SECOND);
    expect(ended).toEqual([429]);
    expect(caches.get("pods")?.ready).toBe(false);
    etcd.start("cp-1");
    sim.runUntil(sim.now + 40 * SECOND);
    expect(caches.get("pods")?.ready).toBe(true);
  });
});

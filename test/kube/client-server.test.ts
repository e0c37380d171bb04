import { describe, expect, it } from "vitest";
import { LoadBalancer } from "../../src/infra/loadbalancer.js";
import type { ApiResponse } from "../../src/kube/api/request.js";
import { ApiServer } from "../../src/kube/apiserver/server.js";
import { ApiClient } from "../../src/kube/client/client.js";
import { hostEndpoint, loadBalancerEndpoint } from "../../src/kube/client/endpoint.js";
import { Informer } from "../../src/kube/client/informer.js";
import { makeNode } from "../../src/kube/objects/build.js";
import type { Node } from "../../src/kube/objects/index.js";
import { SECOND } from "../../src/sim/time.js";
import { CLIENT_SETTINGS, vmWorld } from "./helpers.js";

const SETTINGS = {
  requestTimeoutUs: 60 * SECOND,
  etcdHealthTimeoutUs: 2 * SECOND,
  notReadyTolerationSeconds: 300,
  unreachableTolerationSeconds: 300,
  startupUs: 3 * SECOND,
};

function world() {
  const w = vmWorld(["cp-0", "cp-1", "cp-2"], ["worker-0"]);
  const servers = new Map<string, ApiServer>();
  const startServer = (host: string) => {
    const scope = w.scope(host);
    const s = new ApiServer({
      network: w.network,
      host,
      scope,
      etcd: w.etcd.client([host]),
      settings: SETTINGS,
      rng: w.sim.rng.stream(`apiserver/${host}`),
      emit: (k, s2, f) => w.sim.emit(k, s2, f),
    });
    servers.set(host, s);
    return s;
  };
  for (const h of ["cp-0", "cp-1", "cp-2"]) startServer(h);
  w.sim.runUntil(5 * SECOND);
  const call = (
    client: ApiClient,
    req: Parameters<ApiClient["request"]>[0],
    timeoutUs?: number,
  ): ApiResponse => {
    let out: ApiResponse | undefined;
    client.request(
      req,
      (r) => {
        out = r;
      },
      timeoutUs,
    );
    w.sim.runUntilTrue(() => out !== undefined, w.sim.now + 120 * SECOND);
    if (!out) throw new Error("no answer");
    return out;
  };
  /** An API client on worker-0 talking straight to the apiserver on `host`. */
  const clientTo = (host: string, userAgent: string) =>
    new ApiClient(
      w.network,
      "worker-0",
      w.scope("worker-0"),
      hostEndpoint(w.network, host),
      CLIENT_SETTINGS,
      userAgent,
    );
  return { ...w, servers, startServer, call, clientTo };
}

const node = (name: string) =>
  makeNode({
    name,
    address: "10.0.0.1",
    controlPlane: false,
    kubeletVersion: "v1.33.0",
    podCIDR: "10.244.1.0/24",
    createdAtUs: 0,
  });

describe("API requests over the network", () => {
  it("times each request out at exactly its own deadline, answered ones never (one shared timer)", () => {
    const w = world();
    const client = w.clientTo("cp-1", "kubelet");
    expect(w.call(client, { verb: "create", resource: "nodes", body: node("worker-0") }).status.code).toBe(
      201,
    );
    // From now on the apiserver answers ~20 s late (10 s extra each way on its port).
    w.network.delay("cp-1", 10 * SECOND, 6443);
    const t0 = w.sim.now;
    const seen: [string, number, string][] = [];
    const get = { verb: "get", resource: "nodes", name: "worker-0" } as const;
    const send = (name: string, timeoutUs: number | undefined, then?: () => void) =>
      client.request(
        get,
        (r) => {
          seen.push([name, w.sim.now - t0, r.status.code === 200 ? "ok" : r.status.message]);
          then?.();
        },
        timeoutUs,
      );
    send("a", 5 * SECOND, () => send("a-retry", 2 * SECOND));
    w.sim.runUntil(t0 + SECOND);
    send("b", 3 * SECOND); // sent later, due earlier than a
    w.sim.runUntil(t0 + 2 * SECOND);
    send("c", 30 * SECOND); // answered before its deadline
    send("d", undefined); // no deadline
    send("e", 2 * SECOND); // due at the same instant as b
    w.sim.runUntil(t0 + 40 * SECOND);
    const late = (s: number) => `context deadline exceeded (Client.Timeout ${s}s)`;
    expect(seen.filter(([, , outcome]) => outcome !== "ok")).toEqual([
      ["b", 4 * SECOND, late(3)],
      ["e", 4 * SECOND, late(2)],
      ["a", 5 * SECOND, late(5)],
      ["a-retry", 7 * SECOND, late(2)],
    ]);
    expect(seen.filter(([, , outcome]) => outcome === "ok").map(([name]) => name)).toEqual(["c", "d"]);
  });

  it("a kubelet-like client creates and reads objects through an apiserver on port 6443", () => {
    const w = world();
    const client = w.clientTo("cp-1", "test");
    expect(w.call(client, { verb: "create", resource: "nodes", body: node("worker-0") }).status.code).toBe(
      201,
    );
    const got = w.call(client, { verb: "get", resource: "nodes", name: "worker-0" });
    expect(got.status.code).toBe(200);
    expect(got.object?.metadata.name).toBe("worker-0");
    expect(client.server).toBe("cp-1");
  });

  it("reports connection refused in kubectl's words when the apiserver is not running", () => {
    const w = world();
    w.servers.get("cp-0")!.kill();
    const client = new ApiClient(
      w.network,
      "admin",
      w.scope("worker-0"),
      hostEndpoint(w.network, "cp-0"),
      CLIENT_SETTINGS,
      "kubectl",
    );
    const r = w.call(client, { verb: "list", resource: "pods", namespace: "default" });
    expect(r.status.code).toBe(0);
    expect(r.status.message).toMatch(/^dial tcp 192\.168\.3\.\d+:6443: connect: connection refused$/);
  });

  it("notices a dead apiserver VM by the HTTP/2 ping after 30 s + 15 s and reconnects elsewhere", () => {
    const w = world();
    const lb = new LoadBalancer(w.sim, {
      name: "kube_api_backend",
      balance: "first",
      check: (b, done) => done(w.network.isListening(b.host, b.port)),
      backends: ["cp-0", "cp-1", "cp-2"].map((h) => ({ name: h, host: h, port: 6443 })),
    });
    const client = new ApiClient(
      w.network,
      "worker-0",
      w.scope("worker-0"),
      loadBalancerEndpoint(lb, "192.168.3.100"),
      CLIENT_SETTINGS,
      "kubelet",
    );
    const inf = new Informer<Node>(client, w.scope("worker-0"), w.sim.rng.stream("inf"), {
      resource: "nodes",
    });
    const ended: number[] = [];
    inf.start();
    w.sim.runUntil(w.sim.now + SECOND);
    expect(client.server).toBe("cp-0");
    const t0 = w.sim.now;
    w.hypervisor.powerOff("cp-0");
    client.watch(
      { verb: "watch", resource: "pods" },
      { events: () => {}, ended: () => ended.push(w.sim.now - t0) },
    );
    w.sim.runUntil(t0 + 60 * SECOND);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toBeGreaterThanOrEqual(30 * SECOND);
    expect(ended[0]).toBeLessThanOrEqual(46 * SECOND);
    // The informer re-lists through the load balancer, which now picks a live apiserver.
    const writer = new ApiClient(
      w.network,
      "admin",
      w.scope("cp-2"),
      hostEndpoint(w.network, "cp-2"),
      CLIENT_SETTINGS,
      "admin",
    );
    w.call(writer, { verb: "create", resource: "nodes", body: node("worker-9") });
    w.sim.runUntil(w.sim.now + 35 * SECOND);
    expect(inf.get("worker-9")?.metadata.name).toBe("worker-9");
  });

  it("an informer keeps its copy and catches up after the apiserver restarts", () => {
    const w = world();
    const client = w.clientTo("cp-0", "c");
    const writer = new ApiClient(
      w.network,
      "admin",
      w.scope("cp-1"),
      hostEndpoint(w.network, "cp-1"),
      CLIENT_SETTINGS,
      "w",
    );
    const inf = new Informer<Node>(client, w.scope("worker-0"), w.sim.rng.stream("inf"), {
      resource: "nodes",
    });
    const seen: string[] = [];
    inf.addHandlers({ added: (n) => seen.push(n.metadata.name) });
    inf.start();
    w.call(writer, { verb: "create", resource: "nodes", body: node("a") });
    w.sim.runUntil(w.sim.now + SECOND);
    expect(seen).toEqual(["a"]);
    w.servers.get("cp-0")!.kill();
    w.call(writer, { verb: "create", resource: "nodes", body: node("b") });
    w.sim.runUntil(w.sim.now + 5 * SECOND);
    expect(inf.get("a")).toBeDefined();
    expect(inf.get("b")).toBeUndefined();
    w.startServer("cp-0");
    w.sim.runUntil(w.sim.now + 60 * SECOND);
    expect(seen).toEqual(["a", "b"]);
  });
});

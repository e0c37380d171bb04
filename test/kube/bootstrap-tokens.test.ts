/**
 * The bootstrap token controllers (capi-kube.md §6): the signer keeps one JWS signature per valid
 * token in kube-public/cluster-info, the cleaner deletes expired tokens, and without a
 * controller-manager leader no new token gets its signature — what `kubeadm join` waits for.
 */
import { describe, expect, it } from "vitest";
import { makeSecret } from "../../src/kube/objects/build.js";
import type { ConfigMap } from "../../src/kube/objects/index.js";
import { HOUR, MINUTE, SECOND } from "../../src/sim/time.js";
import { kubeHarness } from "./harness.js";

function clusterInfo(h: ReturnType<typeof kubeHarness>): ConfigMap {
  return h.etcd.peek("/registry/configmaps/kube-public/cluster-info")!.value as ConfigMap;
}

const jwsKeys = (cm: ConfigMap) => Object.keys(cm.data).filter((k) => k.startsWith("jws-kubeconfig-"));

function createToken(h: ReturnType<typeof kubeHarness>, id: string, expiresAtUs: number): void {
  const secret = makeSecret(
    `bootstrap-token-${id}`,
    "kube-system",
    "bootstrap.kubernetes.io/token",
    {
      "token-id": id,
      "token-secret": "0123456789abcdef",
      expiration: String(expiresAtUs),
      "usage-bootstrap-signing": "true",
      "usage-bootstrap-authentication": "true",
    },
    h.sim.now,
  );
  h.cluster
    .adminClient()
    .request({ verb: "create", resource: "secrets", namespace: "kube-system", body: secret }, () => {});
}

describe("bootstrap signer and token cleaner", () => {
  it("sign cluster-info for a new token within a second, and drop it when the token expires", () => {
    const h = kubeHarness();
    h.sim.runUntil(10 * SECOND);
    expect(jwsKeys(clusterInfo(h))).toHaveLength(1);
    createToken(h, "abcdef", h.sim.now + 2 * MINUTE);
    h.sim.runUntil(h.sim.now + SECOND);
    expect(jwsKeys(clusterInfo(h))).toContain("jws-kubeconfig-abcdef");
    h.sim.runUntil(h.sim.now + 2 * MINUTE + SECOND);
    expect(h.etcd.peek("/registry/secrets/kube-system/bootstrap-token-abcdef")).toBeUndefined();
    expect(jwsKeys(clusterInfo(h))).not.toContain("jws-kubeconfig-abcdef");
    expect(h.sink.records.some((r) => r.kind === "kube.token.expired" && r.token === "abcdef")).toBe(true);
  });

  it("the kubeadm init token expires 24 h after the cluster was created", () => {
    const h = kubeHarness({ set: { "kube.clusterAge": "23h59m" } });
    h.sim.runUntil(10 * SECOND);
    expect(jwsKeys(clusterInfo(h))).toHaveLength(1);
    h.sim.runUntil(2 * MINUTE);
    expect(jwsKeys(clusterInfo(h))).toHaveLength(0);
    expect(h.etcd.keys("/registry/secrets/kube-system/bootstrap-token-")).toEqual([]);
    expect(HOUR).toBeGreaterThan(0);
  });

  it("leave a new token unsigned while no controller-manager leads", () => {
    const h = kubeHarness();
    h.sim.runUntil(10 * SECOND);
    for (const cp of h.cps) h.cluster.stopComponent(cp, "kube-controller-manager");
    h.sim.runUntil(h.sim.now + 5 * SECOND);
    createToken(h, "zzzzzz", h.sim.now + HOUR);
    h.sim.runUntil(h.sim.now + MINUTE);
    expect(jwsKeys(clusterInfo(h))).not.toContain("jws-kubeconfig-zzzzzz");
    h.cluster.startComponent("cp-1", "kube-controller-manager");
    h.sim.runUntil(h.sim.now + MINUTE);
    expect(jwsKeys(clusterInfo(h))).toContain("jws-kubeconfig-zzzzzz");
  });
});

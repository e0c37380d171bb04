/** The scheduler's filters (objects/placement.ts) as pure functions. */
import { describe, expect, it } from "vitest";
import { COREDNS, VSPHERE_CSI_CONTROLLER } from "../../src/kube/objects/addons.js";
import { makeNode } from "../../src/kube/objects/build.js";
import type { Node, Pod, PodSpec } from "../../src/kube/objects/index.js";
import { newMeta } from "../../src/kube/objects/meta.js";
import { antiAffinityDomains, fitErrorMessage, unfitReason } from "../../src/kube/objects/placement.js";

const node = (name: string, controlPlane: boolean): Node =>
  makeNode({
    name,
    address: "192.168.3.1",
    controlPlane,
    kubeletVersion: "v1.33.0",
    podCIDR: "10.244.0.0/24",
    createdAtUs: 0,
  });

const specOf = (sd: typeof COREDNS): PodSpec => ({
  nodeName: "",
  containers: sd.containers,
  tolerations: sd.tolerations,
  ...(sd.nodeSelector ? { nodeSelector: sd.nodeSelector } : {}),
  ...(sd.affinity ? { affinity: sd.affinity } : {}),
  terminationGracePeriodSeconds: 30,
  port: sd.port,
});

const podOn = (nodeName: string, namespace: string, labels: Record<string, string>): Pod => ({
  kind: "Pod",
  metadata: newMeta({ name: `p-${nodeName}`, namespace, uid: nodeName, creationTimestampUs: 0, labels }),
  spec: { ...specOf(VSPHERE_CSI_CONTROLLER), nodeName },
  status: { phase: "Running", conditions: [], podIP: "", hostIP: "", restartCount: 0 },
});

describe("placement filters", () => {
  const cp0 = node("cp-0", true);
  const w0 = node("worker-0", false);
  const none = new Set<string>();

  it("CoreDNS tolerates the control-plane taint and may run anywhere", () => {
    expect(unfitReason(specOf(COREDNS), cp0, none)).toBeUndefined();
    expect(unfitReason(specOf(COREDNS), w0, none)).toBeUndefined();
  });

  it("a pod without the toleration is kept off control planes, in the scheduler's words", () => {
    const plain: PodSpec = { ...specOf(COREDNS), tolerations: [], nodeSelector: {} };
    expect(unfitReason(plain, cp0, none)).toBe(
      "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",
    );
  });

  it("the CSI controller selects control planes and keeps one replica per node", () => {
    const spec = specOf(VSPHERE_CSI_CONTROLLER);
    expect(unfitReason(spec, w0, none)).toBe("node(s) didn't match Pod's node affinity/selector");
    const nodes = new Map([["cp-0", cp0]]);
    const existing = [podOn("cp-0", "vmware-system-csi", { app: "vsphere-csi-controller" })];
    const taken = antiAffinityDomains(
      "vmware-system-csi",
      spec,
      () => existing,
      (n) => nodes.get(n)?.metadata.labels,
    );
    expect([...taken]).toEqual(["kubernetes.io/hostname=cp-0"]);
    expect(unfitReason(spec, cp0, taken)).toBe("node(s) didn't match pod anti-affinity rules");
    expect(unfitReason(spec, node("cp-1", true), taken)).toBeUndefined();
    // Other namespaces, and pods on nodes that are gone, do not count.
    expect(
      antiAffinityDomains(
        "default",
        spec,
        () => existing,
        (n) => nodes.get(n)?.metadata.labels,
      ).size,
    ).toBe(0);
    expect(
      antiAffinityDomains(
        "vmware-system-csi",
        spec,
        () => existing,
        () => undefined,
      ).size,
    ).toBe(0);
  });

  it("a cordoned node takes nothing", () => {
    const cordoned = { ...w0, spec: { ...w0.spec, unschedulable: true } };
    expect(unfitReason(specOf(COREDNS), cordoned, none)).toBe("node(s) were unschedulable");
  });

  it("the FitError message counts and sorts the reasons", () => {
    const reasons = new Map([
      ["node(s) didn't match Pod's node affinity/selector", 3],
      ["node(s) had untolerated taint {node.kubernetes.io/unreachable: }", 1],
    ]);
    expect(fitErrorMessage(4, reasons)).toBe(
      "0/4 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 3 node(s) didn't match Pod's node affinity/selector.",
    );
  });
});

import { describe, expect, it } from "vitest";
import { creatingStatus } from "../../src/kube/node/pod-status.js";
import { healthyNodeConditions, makeNode, webPodSpec } from "../../src/kube/objects/build.js";
import type { Node, Pod } from "../../src/kube/objects/index.js";
import { newMeta } from "../../src/kube/objects/meta.js";
import { getNodes, getPods, nodeStatusText, podStatusText } from "../../src/kube/printers/get.js";
import { humanDuration } from "../../src/kube/printers/table.js";
import { HOUR, MINUTE, SECOND } from "../../src/sim/time.js";

const node = (name: string, cp: boolean, ready: "True" | "False" | "Unknown" | undefined): Node => {
  const n = makeNode({
    name,
    address: "10.0.0.1",
    controlPlane: cp,
    kubeletVersion: "v1.7.0",
    podCIDR: "",
    createdAtUs: 0,
  });
  if (ready === undefined) return n;
  const conditions = healthyNodeConditions(0, 0).map((c) =>
    c.type === "Ready" ? { ...c, status: ready } : c,
  );
  return { ...n, status: { ...n.status, conditions } };
};

describe("kubectl get printers", () => {
  it("write ages like kubectl's HumanDuration", () => {
    expect(
      [0, 45 * SECOND, 119 * SECOND, 2 * MINUTE, 3 * MINUTE + 12 * SECOND, 10 * MINUTE, 179 * MINUTE].map(
        humanDuration,
      ),
    ).toEqual(["0s", "45s", "119s", "2m", "3m12s", "10m", "179m"]);
    expect(
      [3 * HOUR, 5 * HOUR + 3 * MINUTE, 8 * HOUR, 47 * HOUR, 51 * HOUR, 200 * HOUR].map(humanDuration),
    ).toEqual(["3h", "5h3m", "8h", "47h", "2d3h", "8d"]);
  });

  it("print node STATUS as Ready / NotReady (False or Unknown) with ,SchedulingDisabled", () => {
    expect(nodeStatusText(node("a", false, "True"))).toBe("Ready");
    expect(nodeStatusText(node("a", false, "False"))).toBe("NotReady");
    expect(nodeStatusText(node("a", false, "Unknown"))).toBe("NotReady");
    expect(nodeStatusText(node("a", false, undefined))).toBe("Unknown");
    const cordoned = node("a", false, "Unknown");
    expect(nodeStatusText({ ...cordoned, spec: { ...cordoned.spec, unschedulable: true } })).toBe(
      "NotReady,SchedulingDisabled",
    );
  });

  it("lay out `kubectl get nodes` like seed 003", () => {
    const w3 = node("kubew03", false, "True");
    const text = getNodes(
      [
        node("kubew04", false, "True"),
        { ...w3, spec: { ...w3.spec, unschedulable: true } },
        node("kubem00", true, "True"),
      ],
      7 * HOUR,
    );
    expect(text.split("\n")).toEqual([
      "NAME      STATUS                     ROLES           AGE   VERSION",
      "kubem00   Ready                      control-plane   7h    v1.7.0",
      "kubew03   Ready,SchedulingDisabled   <none>          7h    v1.7.0",
      "kubew04   Ready                      <none>          7h    v1.7.0",
    ]);
  });

  it("lay out `kubectl get pods -o wide`, Terminating and ContainerCreating included", () => {
    const base: Pod = {
      kind: "Pod",
      metadata: newMeta({
        name: "nginx-1423793266-b10l0",
        namespace: "default",
        uid: "u",
        creationTimestampUs: 0,
      }),
      spec: { ...webPodSpec("nginx:1.27", 80), nodeName: "kubew04" },
      status: {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True", lastTransitionTimeUs: 0 }],
        podIP: "10.38.2.16",
        hostIP: "",
        restartCount: 1,
      },
    };
    const terminating: Pod = {
      ...base,
      metadata: { ...base.metadata, name: "nginx-1423793266-jh5m7", deletionTimestampUs: 5 },
    };
    const creating: Pod = {
      ...base,
      metadata: {
        ...base.metadata,
        name: "nginx-1423793266-w87jh",
        creationTimestampUs: 6 * MINUTE - SECOND,
      },
      status: {
        ...base.status,
        phase: "Pending",
        conditions: [],
        podIP: "",
        restartCount: 0,
        waitingReason: "ContainerCreating",
      },
    };
    expect(getPods([creating, terminating, base], 6 * MINUTE, true).split("\n")).toEqual([
      "NAME                     READY   STATUS              RESTARTS   AGE   IP           NODE",
      "nginx-1423793266-b10l0   1/1     Running             1          6m    10.38.2.16   kubew04",
      "nginx-1423793266-jh5m7   0/1     Terminating         1          6m    10.38.2.16   kubew04",
      "nginx-1423793266-w87jh   0/1     ContainerCreating   0          1s    <none>       kubew04",
    ]);
    // After a reboot the kubelet restarts the container of a pod that ran: the phase stays Running
    // (getPhase counts it as restarting), and kubectl shows the waiting reason.
    const restarting = creatingStatus(base, 7 * MINUTE, "10.0.0.4");
    expect(restarting.status.phase).toBe("Running");
    expect(podStatusText(restarting)).toBe("ContainerCreating");
    expect(
      creatingStatus({ ...base, status: { ...base.status, phase: "Pending" } }, 0, "").status.phase,
    ).toBe("Pending");
  });
});

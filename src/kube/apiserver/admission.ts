/**
 * What kube-apiserver does to an object before the first write: fill in the server-owned metadata
 * (uid, creationTimestamp, a generated name for `generateName`) and run the admission plugins the
 * model cares about. DefaultTolerationSeconds adds NoExecute tolerations for the not-ready and
 * unreachable taints (300 s each by default, `--default-not-ready-toleration-seconds` and
 * `--default-unreachable-toleration-seconds`, capi-kube.md §5) to every pod that has none.
 * NodeTaint (`plugin/pkg/admission/nodetaint`, on by default since 1.17) gives every new Node the
 * `node.kubernetes.io/not-ready:NoSchedule` taint, so nothing is scheduled to a node before the
 * node lifecycle controller has seen it Ready and removed the taint.
 */
import type { Rng } from "../../sim/rng.js";
import type { Micros } from "../../sim/time.js";
import { generateName, newUid } from "../names.js";
import type { AnyObject, Node } from "../objects/index.js";
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from "../objects/node.js";
import type { Pod, Toleration } from "../objects/pod.js";

/** Admission settings. */
export interface AdmissionSettings {
  readonly notReadyTolerationSeconds: number;
  readonly unreachableTolerationSeconds: number;
}

/** The object as it will be stored on create. */
export function admitCreate(obj: AnyObject, now: Micros, rng: Rng, settings: AdmissionSettings): AnyObject {
  const m = obj.metadata;
  const name = m.name === "" && m.generateName !== undefined ? generateName(rng, m.generateName) : m.name;
  const { generateName: _drop, ...rest } = m;
  const meta = {
    ...rest,
    name,
    uid: newUid(rng),
    creationTimestampUs: now,
    resourceVersion: 0,
    generation: 1,
  };
  const out = { ...obj, metadata: meta } as AnyObject;
  if (out.kind === "Pod") return addDefaultTolerations(out, settings);
  if (out.kind === "Node") return addNotReadyTaint(out);
  return out;
}

function addNotReadyTaint(node: Node): Node {
  if (node.spec.taints.some((t) => t.key === TAINT_NOT_READY && t.effect === "NoSchedule")) return node;
  return {
    ...node,
    spec: { ...node.spec, taints: [...node.spec.taints, { key: TAINT_NOT_READY, effect: "NoSchedule" }] },
  };
}

function addDefaultTolerations(pod: Pod, s: AdmissionSettings): Pod {
  const has = (key: string) =>
    pod.spec.tolerations.some(
      (t) => (t.key === key || t.key === "") && (t.effect ?? "NoExecute") === "NoExecute",
    );
  const extra: Toleration[] = [];
  if (!has(TAINT_NOT_READY)) {
    extra.push({
      key: TAINT_NOT_READY,
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: s.notReadyTolerationSeconds,
    });
  }
  if (!has(TAINT_UNREACHABLE)) {
    extra.push({
      key: TAINT_UNREACHABLE,
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: s.unreachableTolerationSeconds,
    });
  }
  if (extra.length === 0) return pod;
  return { ...pod, spec: { ...pod.spec, tolerations: [...pod.spec.tolerations, ...extra] } };
}

/**
 * The node lifecycle controller (kubernetes `pkg/controller/nodelifecycle`), from its documented
 * behaviour (kubernetes.io node-status and taint-based-eviction pages, capi-kube.md §5):
 *
 * - Every `--node-monitor-period` (5 s) it looks at each node. It remembers, on its own clock, when
 *   it last saw the node's Ready heartbeat or its Lease renewal change (the "probe timestamp"); a
 *   node first seen after a controller start gets a full grace period.
 * - When nothing changed for `--node-monitor-grace-period` (or `--node-startup-grace-period` for a
 *   node that never reported), it sets Ready, MemoryPressure, DiskPressure and PIDPressure to
 *   Unknown (reason NodeStatusUnknown, "Kubelet stopped posting node status.") and marks the node's
 *   pods not ready.
 * - It taints nodes by their Ready condition: `node.kubernetes.io/unreachable` for Unknown,
 *   `node.kubernetes.io/not-ready` for False, as NoSchedule at once and as NoExecute through the
 *   zone's rate-limited queue; a Ready node loses both at once.
 * - Zones (label topology.kubernetes.io/zone) are Normal, PartialDisruption (more than 2 nodes and
 *   at least `--unhealthy-zone-threshold` 55 % not ready) or FullDisruption (none ready). A
 *   partially disrupted zone taints at `--secondary-node-eviction-rate` if it has more than
 *   `--large-cluster-size-threshold` nodes, else not at all; when every zone is fully disrupted the
 *   controller assumes a control-plane problem, stops tainting and removes the NoExecute taints
 *   (no mass eviction).
 *
 * Trace: `kube.nodelifecycle.zone {zone, state}` on zone state changes; node changes themselves are
 * traced by the run's observer from the API.
 */
import { castDraft, produce } from "immer";
import type { Micros } from "../../sim/time.js";
import type { Lease, Node, NodeCondition, Pod, Taint } from "../objects/index.js";
import { LABEL_ZONE, nodeCondition, TAINT_NOT_READY, TAINT_UNREACHABLE } from "../objects/node.js";
import type { ControllerContext } from "./context.js";
import { ZoneTainter } from "./zone-tainter.js";

/** Zone states of the node lifecycle controller. */
export type ZoneState = "Normal" | "PartialDisruption" | "FullDisruption";

interface Health {
  probeUs: Micros;
  heartbeatUs: Micros | undefined;
  leaseRenewUs: Micros | undefined;
}

const UNKNOWN_TYPES = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] as const;

/** The node lifecycle controller. */
export class NodeLifecycleController {
  private readonly health = new Map<string, Health>();
  private readonly zones = new Map<string, { state: ZoneState; tainter: ZoneTainter }>();
  private allFullyDisrupted = false;
  private readonly inFlight = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {}

  /** Starts the monitor loop, and NoSchedule tainting on every node change. */
  start(): void {
    const s = this.ctx.settings;
    this.ctx.scope.every(s.nodeMonitorPeriodUs, () => this.monitor(), s.nodeMonitorPeriodUs);
    // doNoScheduleTaintingPass runs from the node informer's events, not only on the monitor
    // period, so a node that turns Ready loses its not-ready:NoSchedule taint at once.
    const onNode = (n: Node): void => {
      const status = nodeCondition(n, "Ready")?.status;
      if (status !== undefined) this.reconcileNoSchedule(n, status);
    };
    this.ctx.informers.nodes.addHandlers({ added: onNode, updated: (_o, n) => onNode(n) });
  }

  /** Current state of each zone (for tests and views). */
  zoneStates(): Map<string, ZoneState> {
    return new Map([...this.zones].map(([z, v]) => [z, v.state]));
  }

  private monitor(): void {
    const { informers, scope, settings } = this.ctx;
    if (!informers.nodes.hasSynced || !informers.leases.hasSynced) return;
    const now = scope.now;
    const zoneCounts = new Map<string, { ready: number; notReady: number }>();
    const seen = new Set<string>();
    for (const node of informers.nodes.list()) {
      const name = node.metadata.name;
      seen.add(name);
      const ready = nodeCondition(node, "Ready");
      const lease = informers.leases.get(`kube-node-lease/${name}`);
      const h = this.observe(name, ready, lease, now);
      const grace =
        ready === undefined ? settings.nodeStartupGracePeriodUs : settings.nodeMonitorGracePeriodUs;
      let status = ready?.status;
      if (now > h.probeUs + grace && status !== "Unknown") {
        this.markUnknown(node, ready === undefined);
        status = "Unknown";
      }
      const zone = node.metadata.labels[LABEL_ZONE] ?? "";
      const c = zoneCounts.get(zone) ?? { ready: 0, notReady: 0 };
      if (status === "True") c.ready++;
      else c.notReady++;
      zoneCounts.set(zone, c);
      this.reconcileTaints(node, status, zone);
    }
    for (const name of [...this.health.keys()]) if (!seen.has(name)) this.health.delete(name);
    this.handleDisruption(zoneCounts);
  }

  private observe(
    name: string,
    ready: NodeCondition | undefined,
    lease: Lease | undefined,
    now: Micros,
  ): Health {
    let h = this.health.get(name);
    const hb = ready?.lastHeartbeatTimeUs;
    const renew = lease?.spec.renewTimeUs;
    if (!h) {
      h = { probeUs: now, heartbeatUs: hb, leaseRenewUs: renew };
      this.health.set(name, h);
      return h;
    }
    if (hb !== h.heartbeatUs) {
      h.heartbeatUs = hb;
      h.probeUs = now;
    }
    if (renew !== h.leaseRenewUs) {
      h.leaseRenewUs = renew;
      h.probeUs = now;
    }
    return h;
  }

  /** Sets the conditions to Unknown with an optimistic update (a fresh heartbeat wins). */
  private markUnknown(node: Node, never: boolean): void {
    const name = node.metadata.name;
    if (this.inFlight.has(`unknown/${name}`)) return;
    const now = this.ctx.scope.now;
    const conditions: NodeCondition[] = [];
    for (const type of UNKNOWN_TYPES) {
      const c = nodeCondition(node, type);
      if (c === undefined) {
        if (type !== "Ready") continue;
        conditions.push({
          type,
          status: "Unknown",
          reason: "NodeStatusNeverUpdated",
          message: "Kubelet never posted node status.",
          lastHeartbeatTimeUs: node.metadata.creationTimestampUs,
          lastTransitionTimeUs: now,
        });
      } else if (c.status !== "Unknown") {
        conditions.push({
          ...c,
          status: "Unknown",
          reason: "NodeStatusUnknown",
          message: "Kubelet stopped posting node status.",
          lastTransitionTimeUs: now,
        });
      } else {
        conditions.push(c);
      }
    }
    const wasReady = nodeCondition(node, "Ready")?.status === "True";
    const updated: Node = { ...node, status: { ...node.status, conditions } };
    this.inFlight.add(`unknown/${name}`);
    this.ctx.client.request(
      { verb: "update", resource: "nodes", subresource: "status", body: updated },
      (res) => {
        this.inFlight.delete(`unknown/${name}`);
        if (res.status.code === 200 && res.object) {
          this.ctx.informers.nodes.assume(res.object as Node);
          if (wasReady || never) this.markPodsNotReady(name);
        }
      },
    );
  }

  /** MarkPodsNotReady: the node's pods get Ready=False so Services stop sending them traffic. */
  private markPodsNotReady(nodeName: string): void {
    const now = this.ctx.scope.now;
    for (const pod of this.ctx.informers.pods.list()) {
      if (pod.spec.nodeName !== nodeName) continue;
      const ready = pod.status.conditions.find((c) => c.type === "Ready");
      if (!ready || ready.status === "False") continue;
      const uid = pod.metadata.uid;
      this.ctx.client.request(
        {
          verb: "patch",
          resource: "pods",
          namespace: pod.metadata.namespace,
          name: pod.metadata.name,
          subresource: "status",
          patch: (cur) => {
            const p = cur as Pod;
            if (p.metadata.uid !== uid) return undefined;
            return produce(p, (draft) => {
              for (const c of draft.status.conditions) {
                if (c.type === "Ready" && c.status !== "False") {
                  c.status = "False";
                  c.lastTransitionTimeUs = now;
                }
              }
            });
          },
        },
        () => {},
      );
    }
  }

  private reconcileTaints(node: Node, status: NodeCondition["status"] | undefined, zone: string): void {
    const name = node.metadata.name;
    const tainter = this.zone(zone).tainter;
    const want: string | undefined =
      status === "Unknown" ? TAINT_UNREACHABLE : status === "False" ? TAINT_NOT_READY : undefined;
    // A node whose kubelet has not posted a Ready condition yet keeps the taint admission gave it.
    if (status === undefined) return;
    this.reconcileNoSchedule(node, status);
    const noExecute = node.spec.taints.filter(
      (t) => t.effect === "NoExecute" && (t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY),
    );
    if (want === undefined || this.allFullyDisrupted) {
      tainter.remove(name);
      if (noExecute.length > 0) this.swapTaint(name, "NoExecute", undefined);
      return;
    }
    const executeOk = noExecute.length === 1 && noExecute[0]!.key === want;
    if (executeOk) return;
    if (noExecute.length > 0) this.swapTaint(name, "NoExecute", want);
    else tainter.add(name);
  }

  /** NoSchedule taints follow the Ready condition at once (TaintNodesByCondition). */
  private reconcileNoSchedule(node: Node, status: NodeCondition["status"]): void {
    const want = status === "Unknown" ? TAINT_UNREACHABLE : status === "False" ? TAINT_NOT_READY : undefined;
    const noSchedule = node.spec.taints.filter(
      (t) => t.effect === "NoSchedule" && (t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY),
    );
    const ok =
      want === undefined ? noSchedule.length === 0 : noSchedule.length === 1 && noSchedule[0]!.key === want;
    if (!ok) this.swapTaint(node.metadata.name, "NoSchedule", want);
  }

  /** Replaces the managed taints of `effect` by `key` (or removes them). */
  private swapTaint(nodeName: string, effect: Taint["effect"], key: string | undefined): void {
    const flight = `taint/${nodeName}/${effect}`;
    if (this.inFlight.has(flight)) return;
    this.inFlight.add(flight);
    const now = this.ctx.scope.now;
    this.ctx.client.request(
      {
        verb: "patch",
        resource: "nodes",
        name: nodeName,
        patch: (cur) => {
          const n = cur as Node;
          const others = n.spec.taints.filter(
            (t) => !(t.effect === effect && (t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY)),
          );
          const taints: Taint[] =
            key === undefined
              ? others
              : [...others, { key, effect, ...(effect === "NoExecute" ? { timeAddedUs: now } : {}) }];
          if (taints.length === n.spec.taints.length && taints.every((t, i) => t === n.spec.taints[i]))
            return undefined;
          return produce(n, (draft) => {
            draft.spec.taints = castDraft(taints);
          });
        },
      },
      (res) => {
        this.inFlight.delete(flight);
        if (res.status.code === 200 && res.object) this.ctx.informers.nodes.assume(res.object as Node);
      },
    );
  }

  /** The tainter's action: taint the node if it still needs it. */
  private taintNow(nodeName: string): void {
    const node = this.ctx.informers.nodes.get(nodeName);
    if (!node) return;
    const status = nodeCondition(node, "Ready")?.status;
    const key = status === "Unknown" ? TAINT_UNREACHABLE : status === "False" ? TAINT_NOT_READY : undefined;
    if (key !== undefined && !this.allFullyDisrupted) this.swapTaint(nodeName, "NoExecute", key);
  }

  private zone(zone: string) {
    let z = this.zones.get(zone);
    if (!z) {
      z = {
        state: "Normal",
        tainter: new ZoneTainter(this.ctx.scope, this.ctx.settings.nodeEvictionRate, (n) => this.taintNow(n)),
      };
      this.zones.set(zone, z);
    }
    return z;
  }

  private handleDisruption(counts: Map<string, { ready: number; notReady: number }>): void {
    const s = this.ctx.settings;
    const states = new Map<string, ZoneState>();
    for (const [zone, c] of counts) {
      let state: ZoneState = "Normal";
      if (c.ready === 0 && c.notReady > 0) state = "FullDisruption";
      else if (c.notReady > 2 && c.notReady / (c.ready + c.notReady) >= s.unhealthyZoneThreshold)
        state = "PartialDisruption";
      states.set(zone, state);
    }
    const all = states.size > 0 && [...states.values()].every((x) => x === "FullDisruption");
    if (all !== this.allFullyDisrupted) {
      this.allFullyDisrupted = all;
      this.ctx.emit("kube.nodelifecycle.disruption", "kube-controller-manager", {
        allZonesFullyDisrupted: all,
        message: all
          ? "Controller detected that all Nodes are not-Ready. Entering master disruption mode."
          : "Controller detected that some Nodes are Ready. Exiting master disruption mode.",
      });
    }
    for (const [zone, state] of states) {
      const z = this.zone(zone);
      const size = counts.get(zone)!;
      const nodes = size.ready + size.notReady;
      let rate = s.nodeEvictionRate;
      if (all) rate = 0;
      else if (state === "PartialDisruption")
        rate = nodes > s.largeClusterSizeThreshold ? s.secondaryNodeEvictionRate : 0;
      z.tainter.setRate(rate);
      if (z.state !== state) {
        z.state = state;
        this.ctx.emit("kube.nodelifecycle.zone", zone === "" ? "(default zone)" : zone, { zone, state });
      }
    }
  }
}

/**
 * A test double of the workload cluster behind its endpoint, just rich enough to drive the CAPI
 * controllers end to end without the Kubernetes and etcd layers: Nodes whose Ready condition goes
 * Unknown a grace period after their VM's guest stops (the node lifecycle controller), bootstrap
 * tokens, an etcd membership whose members are alive while their VM runs, and a switch for the
 * endpoint being reachable.
 */
import type { JoinEnvironment } from "../../src/capi/bootstrap/join-environment.js";
import type { EtcdMemberView } from "../../src/capi/kcp/control-plane-state.js";
import type { NodeView } from "../../src/capi/objects/node-view.js";
import type {
  ApiResult,
  ControlPlaneComponent,
  EtcdMemberList,
  PodHealth,
  WorkloadClusterApi,
  WorkloadConnection,
} from "../../src/capi/workload/api.js";
import type { Hypervisor } from "../../src/infra/hypervisor.js";
import type { Vm } from "../../src/infra/vm.js";
import type { Simulation } from "../../src/sim/simulation.js";
import { MILLISECOND, SECOND } from "../../src/sim/time.js";

const GRACE_US = 50 * SECOND;
const LATENCY_US = 5 * MILLISECOND;

interface Member {
  id: string;
  name: string;
  isLearner: boolean;
  vm: string;
}

export class FakeWorkload implements WorkloadClusterApi, JoinEnvironment {
  /** The endpoint answers. */
  apiUp = true;
  /** Refuse every `member add` (as etcd does without quorum). */
  refuseMemberAdd = false;
  readonly nodes = new Map<string, NodeView>();
  readonly tokens = new Map<string, number>();
  readonly members: Member[] = [];
  private readonly listeners: ((n: string) => void)[] = [];
  private tokenSeq = 0;
  private memberSeq = 0;
  /** Calls made, for assertions. */
  readonly calls: string[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly hypervisor: Hypervisor,
  ) {}

  /** Registers a running Node and etcd member (for VMs that exist at the start). */
  addNode(vm: string, controlPlane: boolean): void {
    const v = this.hypervisor.require(vm);
    this.kubeletOn.add(v.uuid);
    if (controlPlane) {
      this.etcdOn.add(v.uuid);
      this.members.push({ id: `m${++this.memberSeq}`, name: vm, isLearner: false, vm });
      if (this.leaderName === "") this.leaderName = vm;
    }
    this.setNode(vm, "True");
    this.follow(v, vm);
  }

  /** The node lifecycle: Unknown a grace period after the kubelet went silent, Ready soon after it is back. */
  private follow(v: Vm, node: string): void {
    v.onStopped(() => {
      this.sim.after(GRACE_US, () => {
        const current = this.hypervisor.vm(node);
        const up = current?.isGuestRunning && this.kubeletOn.has(current.uuid);
        if (!up && this.nodes.has(node)) this.setNode(node, "Unknown");
      });
    });
    v.onBooted(() => {
      if (!this.kubeletOn.has(v.uuid)) return;
      this.sim.after(10 * SECOND, () => {
        if (v.isGuestRunning && this.nodes.has(node)) this.setNode(node, "True");
      });
    });
  }

  /** The current etcd leader: kept while alive, else the first live voter when there is quorum. */
  get leader(): string {
    const cur = this.members.find((m) => m.name === this.leaderName);
    if (!cur || !this.alive(cur) || !this.quorum()) {
      const l = this.members.find((m) => !m.isLearner && this.alive(m));
      this.leaderName = this.quorum() && l ? l.name : "";
    }
    return this.leaderName;
  }

  private leaderName = "";

  private readonly kubeletOn = new Set<string>();

  private setNode(name: string, status: "True" | "Unknown", unschedulable?: boolean): void {
    const old = this.nodes.get(name);
    const oldReady = old?.status.conditions[0];
    const transition = oldReady && oldReady.status === status ? oldReady.lastTransitionTimeUs : this.sim.now;
    this.nodes.set(name, {
      metadata: { name, creationTimestampUs: old?.metadata.creationTimestampUs ?? this.sim.now },
      spec: {
        unschedulable: unschedulable ?? old?.spec.unschedulable ?? false,
        taints: status === "Unknown" ? [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }] : [],
      },
      status: {
        conditions: [
          {
            type: "Ready",
            status,
            reason: status === "True" ? "KubeletReady" : "NodeStatusUnknown",
            lastTransitionTimeUs: transition,
          },
        ],
      },
    });
    for (const l of this.listeners) l(name);
  }

  private alive(m: Member): boolean {
    const vm = this.hypervisor.vm(m.vm);
    return vm?.isGuestRunning === true && this.etcdOn.has(vm.uuid);
  }

  private readonly etcdOn = new Set<string>();

  quorum(): boolean {
    const voters = this.members.filter((m) => !m.isLearner);
    return voters.filter((m) => this.alive(m)).length >= Math.floor(voters.length / 2) + 1;
  }

  private answer<T>(done: (r: ApiResult<T>) => void, value: () => ApiResult<T>): void {
    if (!this.apiUp) {
      this.sim.after(10 * SECOND, () =>
        done({ ok: false, error: "dial tcp 192.168.3.100:6443: i/o timeout" }),
      );
      return;
    }
    this.sim.after(LATENCY_US, () => done(value()));
  }

  // ---- WorkloadClusterApi
  probe(timeoutUs: number, done: (ok: boolean) => void): void {
    if (this.apiUp) this.sim.after(LATENCY_US, () => done(true));
    else this.sim.after(timeoutUs, () => done(false));
  }

  connect(): WorkloadConnection {
    // biome-ignore lint/complexity/noUselessThisAlias: the connection object closes over the fake.
    const self = this;
    const nodeListeners: ((n: string) => void)[] = [];
    let open = true;
    this.listeners.push((n) => {
      if (open && self.apiUp) for (const l of nodeListeners) l(n);
    });
    const snapshot = new Map(this.nodes);
    return {
      get synced() {
        return true;
      },
      node: (name) => (self.apiUp ? self.nodes.get(name) : snapshot.get(name)),
      nodes: () => [...self.nodes.values()],
      onNodeEvent: (fn) => nodeListeners.push(fn),
      controlPlanePods: (node) => {
        const vm = self.hypervisor.vm(node);
        const h: PodHealth = vm?.isGuestRunning && self.kubeletOn.has(vm.uuid) ? "Running" : "Unknown";
        return new Map<ControlPlaneComponent, PodHealth>([
          ["kube-apiserver", h],
          ["kube-controller-manager", h],
          ["kube-scheduler", h],
          ["etcd", h],
        ]);
      },
      cordon: (node, done) =>
        self.answer(done, () => {
          self.calls.push(`cordon ${node}`);
          const n = self.nodes.get(node);
          if (n) self.setNode(node, n.status.conditions[0]!.status as "True" | "Unknown", true);
          return { ok: true, value: null };
        }),
      drain: (node, _options, done) =>
        self.answer(done, () => {
          self.calls.push(`drain ${node}`);
          return { ok: true, value: { remaining: 0 } };
        }),
      deleteNode: (node, done) =>
        self.answer(done, () => {
          self.calls.push(`deleteNode ${node}`);
          self.nodes.delete(node);
          for (const l of self.listeners) l(node);
          return { ok: true, value: null };
        }),
      createBootstrapToken: (ttl, done) =>
        self.answer(done, () => {
          const id = `tok${++self.tokenSeq}`;
          self.tokens.set(id, self.sim.now + ttl);
          return { ok: true, value: { tokenId: id, expiresAtUs: self.sim.now + ttl } };
        }),
      getBootstrapToken: (id, done) =>
        self.answer(done, () => {
          const e = self.tokens.get(id);
          return { ok: true, value: e !== undefined && e > self.sim.now ? { expiresAtUs: e } : undefined };
        }),
      refreshBootstrapToken: (id, exp, done) =>
        self.answer(done, () => {
          self.tokens.set(id, exp);
          return { ok: true, value: null };
        }),
      etcdMembers: (via, done) => {
        const m = self.members.find((x) => x.name === via);
        if (!self.apiUp || !m || !self.alive(m)) {
          self.sim.after(10 * SECOND, () => done({ ok: false, error: "context deadline exceeded" }));
          return;
        }
        self.sim.after(LATENCY_US, () => {
          const members: EtcdMemberView[] = self.members.map((x) => ({
            id: x.id,
            name: x.name,
            isLearner: x.isLearner,
            alarms: [],
          }));
          const leader = self.leader;
          const list: EtcdMemberList = { members, leader: leader === "" ? undefined : leader };
          done({ ok: true, value: list });
        });
      },
      etcdMoveLeader: (_via, to, done) =>
        self.answer(done, () => {
          self.calls.push(`moveLeader ${to}`);
          if (!self.quorum()) return { ok: false, error: "etcdserver: request timed out" };
          self.leaderName = to;
          return { ok: true, value: null };
        }),
      etcdRemoveMember: (_via, member, done) =>
        self.answer(done, () => {
          self.calls.push(`removeMember ${member}`);
          if (!self.quorum()) return { ok: false, error: "etcdserver: request timed out" };
          const i = self.members.findIndex((x) => x.name === member || x.id === member);
          if (i < 0) return { ok: false, error: "etcdserver: member not found" };
          // --strict-reconfig-check: the remaining started voters must keep quorum.
          const rest = self.members.filter((x, j) => j !== i && !x.isLearner);
          if (rest.filter((x) => self.alive(x)).length < Math.floor(rest.length / 2) + 1) {
            return { ok: false, error: "etcdserver: unhealthy cluster" };
          }
          self.members.splice(i, 1);
          return { ok: true, value: null };
        }),
      close: () => {
        open = false;
      },
    };
  }

  renewControllerLease(done: (ok: boolean) => void): void {
    if (this.apiUp && this.quorum()) this.sim.after(LATENCY_US, () => done(true));
    else this.sim.after(10 * SECOND, () => done(false));
  }

  // ---- JoinEnvironment
  fetchClusterInfo(
    _host: string,
    tokenId: string,
    done: (r: ApiResult<{ readonly signed: boolean }>) => void,
  ): void {
    this.answer(done, () => {
      const e = this.tokens.get(tokenId);
      return { ok: true, value: { signed: e !== undefined && e > this.sim.now } };
    });
  }

  tlsBootstrap(_host: string, tokenId: string, done: (r: ApiResult<null>) => void): void {
    this.answer(done, () => {
      const e = this.tokens.get(tokenId);
      return e !== undefined && e > this.sim.now
        ? { ok: true, value: null }
        : { ok: false, error: "token expired" };
    });
  }

  etcdAddLearner(_host: string, member: string, done: (r: ApiResult<null>) => void): void {
    this.answer(done, () => {
      if (!this.quorum() || this.refuseMemberAdd)
        return { ok: false, error: "etcdserver: unhealthy cluster" };
      if (this.members.some((m) => m.isLearner))
        return { ok: false, error: "etcdserver: too many learner members in cluster" };
      this.members.push({ id: `m${++this.memberSeq}`, name: member, isLearner: true, vm: member });
      return { ok: true, value: null };
    });
  }

  startEtcd(vm: Vm): void {
    this.etcdOn.add(vm.uuid);
  }

  etcdPromote(_host: string, member: string, done: (r: ApiResult<null>) => void): void {
    this.answer(done, () => {
      const m = this.members.find((x) => x.name === member);
      if (!m) return { ok: false, error: "etcdserver: member not found" };
      m.isLearner = false;
      return { ok: true, value: null };
    });
  }

  startNode(vm: Vm, nodeName: string): void {
    this.kubeletOn.add(vm.uuid);
    this.follow(vm, nodeName);
    this.sim.after(20 * SECOND, () => {
      if (vm.isGuestRunning) this.setNode(nodeName, "True");
    });
  }
}

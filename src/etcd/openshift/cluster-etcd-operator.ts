/**
 * The OpenShift cluster-etcd-operator (CEO), reduced to what seed 004's recovery scenarios need:
 * rolling out a new revision of the etcd static pod master by master, and with it scaling etcd back
 * up to one member per master.
 *
 * A rollout starts when someone sets `forceRedeploymentReason` (`oc patch etcd cluster -p
 * '{"spec": {"forceRedeploymentReason": …}}'`, seed 004 scenarios 1 and 2-1), when a new master
 * node appears ("Once the machine is created new revision of etcd is forced and etcd scales up
 * automatically", scenario 3), and after a restore script brought up a one-member cluster ("the
 * etcd operator then scales out to the other CP hosts", reference/capi-kube.md §8). For each master
 * in turn, the installer writes the new manifest and the kubelet (re)starts the pod:
 *
 * - a master whose member is no longer in the cluster (removed by hand, or dropped by a restore)
 *   gets its data dir moved away, an `etcdctl member add` and an etcd started with
 *   `--initial-cluster-state existing`; it catches up from the leader, by snapshot when needed;
 * - a member that is stopped (manifest moved away) is started again, with its data or empty;
 * - a healthy member is restarted with the new revision, gracefully, but only while the others
 *   keep quorum.
 *
 * Masters without a running member are handled first, then the healthy ones. *
 * The operator goes to the next master only once every member is healthy again, and does nothing
 * while etcd has no quorum: "The etcd operator cannot self-recover because it refuses to make
 * changes when quorum is not fault-tolerant" (§8, third-party KB). Masters whose node is down are
 * skipped; they are handled when they boot as new nodes.
 *
 * Simplified (documented in docs/openshift.md): members are added as voters (newer CEOs add a
 * learner and promote it); the installer pods, revision ConfigMaps, the quorum guard and the
 * operator's conditions are not modelled; one reconcile loop stands for the CEO's controllers.
 * Records: `ocp.operator {phase, …}` — rolloutStarted, nodeUpdated, rolloutDone, waiting.
 */
import type { Hypervisor } from "../../infra/hypervisor.js";
import type { ServiceManager } from "../../infra/services.js";
import type { Simulation } from "../../sim/simulation.js";
import type { Micros } from "../../sim/time.js";
import type { EtcdCluster } from "../cluster.js";
import { ETCD_UNIT } from "../etcd-unit.js";
import type { EtcdOperator } from "../operator.js";
import { MemberStorage } from "../storage.js";
import type { EtcdStaticPods } from "./static-pods.js";

/** Settings of the operator. */
export interface ClusterEtcdOperatorOptions {
  /** How often the operator looks at the cluster. */
  readonly reconcileUs: Micros;
  /** From the installer pod starting to the new manifest being in place on a node. */
  readonly installerUs: Micros;
  /** How often a refused `member add` is retried. */
  readonly retryUs: Micros;
}

/** Refused `member add`s before the operator gives up on a master for this rollout. */
const MAX_ADD_ATTEMPTS = 30;

/** Subject of the operator's records. */
export const CEO = "cluster-etcd-operator";

type NodeStep = "install" | "adding" | "settling";

/** The cluster-etcd-operator of one OpenShift cluster. */
export class ClusterEtcdOperator {
  private revision = 1;
  private target = 1;
  private reason = "";
  private queue: string[] = [];
  private step: NodeStep = "install";
  private busy = false;
  private waitingFor = "";
  private scaleOutAfterRestore = false;
  /** The master nodes (the installation's, then machines created later; deleted ones leave). */
  private readonly masters: string[];

  constructor(
    private readonly sim: Simulation,
    private readonly operator: EtcdOperator,
    private readonly cluster: EtcdCluster,
    private readonly hypervisor: Hypervisor,
    private readonly systemd: ReadonlyMap<string, ServiceManager>,
    private readonly pods: EtcdStaticPods,
    masters: readonly string[],
    private readonly options: ClusterEtcdOperatorOptions,
  ) {
    this.masters = [...masters];
  }

  /** Starts the reconcile loop and watches for new master nodes. */
  start(): void {
    // The first boot of each master is the installation, which bootstraps etcd with every member.
    for (const host of this.masters) this.watchBoots(host, true);
    const loop = (): void => {
      this.reconcile();
      this.sim.after(this.options.reconcileUs, loop);
    };
    this.sim.after(this.options.reconcileUs, loop);
  }

  /**
   * A master node created after the installation (a machine-api Machine): its first boot is that
   * of a new node, so the operator forces a revision that adds its member (seed 004 scenario 3,
   * IPI: "Once the machine is created new revision of etcd is forced and etcd scales up
   * automatically").
   */
  addMaster(host: string): void {
    if (this.masters.includes(host)) return;
    this.masters.push(host);
    this.watchBoots(host, false);
  }

  /** A master node is gone for good (its Machine was deleted): it leaves the rollouts. */
  removeMaster(host: string): void {
    const i = this.masters.indexOf(host);
    if (i >= 0) this.masters.splice(i, 1);
    const q = this.queue.indexOf(host);
    if (q > 0) this.queue.splice(q, 1);
    // The master being worked on: while its member is being added, stop (no voter for a node that
    // is gone); in other steps it stays at the head and reconcile skips it once its VM is gone.
    else if (q === 0 && this.step === "adding") this.nodeDone(host);
  }

  /** The master nodes the operator rolls revisions out to, in the order it knows them. */
  get masterNodes(): readonly string[] {
    return this.masters;
  }

  /**
   * A master that boots without an etcd data dir is a new node (replaced machine), one whose
   * member is no longer in the cluster is stale: the kubelet runs no etcd there until the
   * operator's next revision. `installed`: the next boot is the installation's own.
   */
  private watchBoots(host: string, installation: boolean): void {
    let installed = !installation;
    const vm = this.hypervisor.vm(host);
    vm?.onBooted(() => {
      if (this.hypervisor.vm(host) !== vm) return;
      if (!installed) {
        installed = true;
        return;
      }
      // With a leader, a master outside its membership (dropped by a restore, or replaced) is
      // re-added; without one, only a master with no data at all is taken for a new node.
      const members = this.leaderMembers();
      if (members === undefined ? this.hasData(host) : members.has(host)) return;
      this.pods.removeManifest(host);
      this.forceRedeployment(`new master node ${host}`);
    });
  }

  /** The revision every master has been rolled out to. */
  get currentRevision(): number {
    return this.revision;
  }

  /** Whether a rollout is under way. */
  get rolling(): boolean {
    return this.target > this.revision;
  }

  /** `oc patch etcd cluster -p '{"spec": {"forceRedeploymentReason": "<reason>"}}'`. */
  forceRedeployment(reason: string): void {
    this.target++;
    this.reason = reason;
    // Masters that lack a running member go first, so etcd is whole again before the healthy
    // members are restarted with the new revision.
    const broken = this.masters.filter((h) => !this.isMember(h) || this.cluster.member(h) === undefined);
    this.queue = [...broken, ...this.masters.filter((h) => !broken.includes(h))];
    this.step = "install";
    this.waitingFor = "";
    this.sim.emit("ocp.operator", CEO, { phase: "rolloutStarted", revision: this.target, reason });
  }

  /** A restore script started a one-member cluster: scale out once it has a leader. */
  restored(): void {
    this.scaleOutAfterRestore = true;
  }

  private hasData(host: string): boolean {
    const vm = this.hypervisor.vm(host);
    return vm !== undefined && vm.state !== "deleted" && new MemberStorage(vm.disk).hasData();
  }

  private leaderMembers(): Set<string> | undefined {
    const leader = this.cluster.leader();
    if (leader === undefined || this.cluster.state.leader === "") return undefined;
    return new Set(leader.membership.list().map((m) => m.host));
  }

  private isMember(host: string): boolean {
    return this.leaderMembers()?.has(host) === true;
  }

  private allHealthy(): boolean {
    const s = this.cluster.state;
    return s.leader !== "" && s.healthy >= s.voters;
  }

  private wait(why: string): void {
    if (this.waitingFor === why) return;
    this.waitingFor = why;
    this.sim.emit("ocp.operator", CEO, { phase: "waiting", revision: this.target, reason: why });
  }

  private reconcile(): void {
    if (this.scaleOutAfterRestore && this.allHealthy()) {
      this.scaleOutAfterRestore = false;
      this.forceRedeployment("scale out after restore");
    }
    if (!this.rolling || this.busy) return;
    if (!this.cluster.state.quorum || this.cluster.state.leader === "") {
      this.wait("etcd has no quorum");
      return;
    }
    const host = this.queue[0];
    if (host === undefined) {
      this.finish();
      return;
    }
    if (this.step === "settling") {
      if (!this.allHealthy()) {
        this.wait("members not healthy yet");
        return;
      }
      this.nodeDone(host);
      return;
    }
    if (this.step === "adding") return;
    const vm = this.hypervisor.vm(host);
    if (vm === undefined || vm.state === "deleted" || !vm.isGuestRunning) {
      // The installer cannot run on a node that is down; a replacement boots as a new node.
      this.queue.shift();
      return;
    }
    if (!this.allHealthy()) {
      this.wait("members not healthy yet");
      return;
    }
    this.updateNode(host);
  }

  private updateNode(host: string): void {
    const members = this.leaderMembers();
    if (members === undefined) return;
    const unit = this.systemd.get(host)?.state(ETCD_UNIT) ?? "inactive";
    const rollout = this.target;
    if (!members.has(host)) {
      this.addMember(host);
      return;
    }
    const running = unit === "active" || unit === "activating";
    if (running) {
      // New revision of a healthy member: the kubelet replaces the pod (graceful stop, start),
      // only if the others keep quorum meanwhile.
      const s = this.cluster.state;
      if (s.healthy - 1 < Math.floor(s.voters / 2) + 1) {
        this.emitNode(host, "kept");
        this.nodeDone(host);
        return;
      }
      this.busy = true;
      this.pods.removeManifest(host);
      this.sim.after(this.options.installerUs, () => {
        this.busy = false;
        this.pods.installManifest(host, `installer: revision ${rollout}`);
        if (!this.current(rollout, host)) return;
        this.emitNode(host, "restarted");
        this.step = "settling";
      });
      return;
    }
    this.busy = true;
    this.sim.after(this.options.installerUs, () => {
      this.busy = false;
      this.pods.installManifest(host, `installer: revision ${rollout}`);
      if (!this.current(rollout, host)) return;
      this.emitNode(host, "started");
      this.step = "settling";
    });
  }

  /**
   * Whether the work started for `host` in rollout `rollout` still is the operator's current step:
   * a newer forced redeployment supersedes it (the real operator re-derives what to do from the
   * cluster at every sync, so a step of an older revision does not carry on on its own).
   */
  private current(rollout: number, host: string): boolean {
    return this.target === rollout && this.queue[0] === host;
  }

  /**
   * The new revision's pod waits on the node until its member has been added (the pod's
   * discover-initial-cluster step), so etcd starts right after `member add` and a one-member
   * cluster is without quorum only for the start-up time.
   *
   * Every attempt looks at the cluster again, as the operator's sync does: a host that has become
   * a member meanwhile (added by an earlier rollout's step) keeps its data and is only started; an
   * attempt of a rollout that a newer one superseded stops (the newer rollout handles the host).
   * Without this, a retry could move a healthy member's data dir away and `member add` it again.
   */
  private addMember(host: string): void {
    const rollout = this.target;
    this.step = "adding";
    this.pods.removeManifest(host);
    let attempts = 0;
    const attempt = (): void => {
      if (!this.current(rollout, host) || this.step !== "adding") return;
      const vm = this.hypervisor.vm(host);
      if (vm === undefined || vm.state === "deleted") {
        // The node is gone (its Machine was deleted): a member added now could never be healthy.
        this.nodeDone(host);
        return;
      }
      const now = this.leaderMembers();
      if (now?.has(host) === true) {
        if (!this.pods.installed(host)) this.pods.installManifest(host, `installer: revision ${rollout}`);
        this.emitNode(host, "alreadyMember");
        this.step = "settling";
        return;
      }
      if (++attempts > MAX_ADD_ATTEMPTS) {
        this.emitNode(host, "addRefused");
        this.nodeDone(host);
        return;
      }
      if (now === undefined) {
        // No leader to ask (an election under way): try again later.
        this.sim.after(this.options.retryUs, attempt);
        return;
      }
      // The member's old data dir belongs to a member that no longer exists: moved away.
      this.operator.wipeIfPresent(host);
      this.operator.memberAdd(host, false, (r) => {
        if (!r.ok) {
          this.sim.after(this.options.retryUs, attempt);
          return;
        }
        // The member exists now: its pod starts (joining the existing cluster) whichever rollout
        // is current; only the current one moves on to the next master.
        this.joinExisting(host, [...now, host]);
        this.pods.installManifest(host, `installer: revision ${rollout}`);
        if (!this.current(rollout, host)) return;
        this.emitNode(host, "memberAdded");
        this.step = "settling";
      });
    };
    this.sim.after(this.options.installerUs, attempt);
  }

  /** The unit flags of a member just added: `--initial-cluster-state existing` with the cluster's token. */
  private joinExisting(host: string, members: readonly string[]): void {
    const unit = this.cluster.units.get(host);
    const leader = this.cluster.leader();
    const leaderUnit = leader === undefined ? undefined : this.cluster.units.get(leader.host);
    if (unit === undefined) return;
    unit.initialClusterState = "existing";
    unit.initialCluster = members.map((h) => ({ name: h, host: h }));
    unit.token = leaderUnit?.token ?? unit.token;
    unit.forceNewCluster = false;
  }

  private emitNode(host: string, action: string): void {
    this.waitingFor = "";
    this.sim.emit("ocp.operator", CEO, { phase: "nodeUpdated", node: host, revision: this.target, action });
  }

  private nodeDone(host: string): void {
    if (this.queue[0] === host) this.queue.shift();
    this.step = "install";
  }

  private finish(): void {
    this.revision = this.target;
    const members = this.leaderMembers()?.size ?? 0;
    this.waitingFor = "";
    this.sim.emit("ocp.operator", CEO, {
      phase: "rolloutDone",
      revision: this.revision,
      reason: this.reason,
      members,
    });
  }
}

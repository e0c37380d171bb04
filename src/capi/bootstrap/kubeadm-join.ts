/**
 * `kubeadm join` as cloud-init runs it on a new VM's first boot (capi-kube.md §6, seed 001):
 *
 * 1. preflight / discovery: fetch `cluster-info` through the endpoint and look for the JWS
 *    signature of the bootstrap token, retrying about every 5 s ("[discovery] The cluster-info
 *    ConfigMap does not yet contain a JWS signature for token ID …, will try again") until the
 *    discovery timeout (5 min) ends the attempt with "could not find a JWS signature in the
 *    cluster-info ConfigMap for token ID …";
 * 2. control plane only: `check-etcd` and `member add --learner` (refused without quorum or while a
 *    learner exists), the etcd member starts, catches up, and is promoted (kubeadm's
 *    EtcdLearnerMode, GA in 1.32);
 * 3. kubelet-start: TLS bootstrap with the token, then the kubelet (and the control-plane static
 *    Pods) start and register the Node.
 *
 * A failed attempt is re-run after `rerunAfterUs` when the bootstrap script loops (TKGS does,
 * seed 001 shows "running 'kubeadm join phase preflight'" 15 s after the error); with 0 it is not
 * (CABPK's cloud-init runs it once), and the Machine is left to MachineHealthCheck's
 * nodeStartupTimeout. cloud-init runs once per instance: a reboot does not re-run the join, but
 * the units a finished join installed start again at boot. Everything runs on the guest clock, so
 * it dies with the VM.
 *
 * Trace: `kubeadm.join {node, phase, ok, message}` — the cloud-init-output.log lines that matter.
 */
import type { Vm } from "../../infra/vm.js";
import { sample } from "../../sim/distribution.js";
import type { Rng } from "../../sim/rng.js";
import type { Simulation } from "../../sim/simulation.js";
import { formatDuration, SECOND } from "../../sim/time.js";
import type { JoinSettings } from "../settings.js";
import type { JoinEnvironment } from "./join-environment.js";

/** What the bootstrap data (cloud-init) of a Machine says. */
export interface BootstrapData {
  /** Node (and etcd member) name: the Machine's name. */
  readonly nodeName: string;
  readonly controlPlane: boolean;
  /** Bootstrap token ID in the join configuration. */
  readonly tokenId: string;
}

/** Runs kubeadm join on `vm`'s next boot (its first as this instance). */
export function joinOnFirstBoot(
  sim: Simulation,
  vm: Vm,
  data: BootstrapData,
  env: JoinEnvironment,
  settings: JoinSettings,
  rng: Rng,
): void {
  const off = vm.onBooted(() => {
    off();
    new KubeadmJoin(sim, vm, data, env, settings, rng).start();
  });
}

/** One run of the bootstrap script on one guest. */
class KubeadmJoin {
  private readonly life: number;

  constructor(
    private readonly sim: Simulation,
    private readonly vm: Vm,
    private readonly data: BootstrapData,
    private readonly env: JoinEnvironment,
    private readonly settings: JoinSettings,
    private readonly rng: Rng,
  ) {
    this.life = vm.guest.life;
  }

  start(): void {
    this.after(sample(this.settings.cloudInit, this.rng), () => this.attempt());
  }

  private get alive(): boolean {
    return this.vm.guest.life === this.life && this.vm.isGuestRunning;
  }

  private after(us: number, fn: () => void): void {
    this.vm.guest.after(us, () => {
      if (this.alive) fn();
    });
  }

  private log(phase: string, ok: boolean, message: string): void {
    this.sim.emit("kubeadm.join", this.vm.name, { node: this.data.nodeName, phase, ok, message });
  }

  private attempt(): void {
    this.log("start", true, `running 'kubeadm join${this.data.controlPlane ? " --control-plane" : ""}'`);
    this.discover(this.sim.now, false);
  }

  private failed(phase: string, message: string): void {
    this.log(phase, false, message);
    if (this.settings.rerunAfterUs > 0) this.after(this.settings.rerunAfterUs, () => this.attempt());
  }

  private discover(startedUs: number, logged: boolean): void {
    const token = this.data.tokenId;
    this.env.fetchClusterInfo(this.vm.name, token, (r) => {
      if (!this.alive) return;
      if (r.ok && r.value.signed) {
        this.log(
          "preflight",
          true,
          "[discovery] Cluster info signature and contents are valid and TLS certificate validates against pinned roots",
        );
        this.afterDiscovery();
        return;
      }
      if (this.sim.now - startedUs >= this.settings.discoveryTimeoutUs) {
        const why = r.ok
          ? `could not find a JWS signature in the cluster-info ConfigMap for token ID "${token}"`
          : `${r.error}`;
        this.failed(
          "preflight",
          `error execution phase preflight: couldn't validate the identity of the API Server: ${why}`,
        );
        return;
      }
      if (!logged) {
        this.log(
          "preflight",
          false,
          r.ok
            ? `[discovery] The cluster-info ConfigMap does not yet contain a JWS signature for token ID "${token}", will try again`
            : `[discovery] Failed to request cluster-info, will try again: ${r.error}`,
        );
      }
      this.after(this.settings.discoveryRetryUs, () => this.discover(startedUs, true));
    });
  }

  private afterDiscovery(): void {
    if (!this.data.controlPlane) {
      this.kubeletStart();
      return;
    }
    this.after(sample(this.settings.controlPlaneSetup, this.rng), () => this.joinEtcd());
  }

  private joinEtcd(): void {
    const member = this.data.nodeName;
    this.env.etcdAddLearner(this.vm.name, member, (r) => {
      if (!this.alive) return;
      if (!r.ok) {
        this.failed(
          "control-plane-join/etcd",
          `error execution phase control-plane-join/etcd: error creating local etcd static pod manifest file: ${r.error}`,
        );
        return;
      }
      this.log(
        "control-plane-join/etcd",
        true,
        `[etcd] Announced new etcd member joining to the existing etcd cluster (as a learner)`,
      );
      this.env.startEtcd(this.vm, member);
      this.after(sample(this.settings.learnerSync, this.rng), () => this.promote(this.sim.now));
    });
  }

  private promote(startedUs: number): void {
    const member = this.data.nodeName;
    this.env.etcdPromote(this.vm.name, member, (r) => {
      if (!this.alive) return;
      if (r.ok) {
        this.log(
          "control-plane-join/etcd",
          true,
          `[etcd] Promoted learner member ${member} to a voting member`,
        );
        this.kubeletStart();
        return;
      }
      // kubeadm retries the promotion for a while (etcd refuses it until the learner is in sync).
      if (this.sim.now - startedUs >= 2 * 60 * SECOND) {
        this.failed(
          "control-plane-join/etcd",
          `error execution phase control-plane-join/etcd: failed to promote learner ${member} within ${formatDuration(2 * 60 * SECOND)}: ${r.error}`,
        );
        return;
      }
      this.after(5 * SECOND, () => this.promote(startedUs));
    });
  }

  private kubeletStart(): void {
    this.env.tlsBootstrap(this.vm.name, this.data.tokenId, (r) => {
      if (!this.alive) return;
      if (!r.ok) {
        this.failed("kubelet-start", `error execution phase kubelet-start: ${r.error}`);
        return;
      }
      this.env.startNode(this.vm, this.data.nodeName, this.data.controlPlane);
      this.log("done", true, "This node has joined the cluster");
    });
  }
}

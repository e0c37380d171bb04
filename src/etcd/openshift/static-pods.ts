/**
 * The etcd static pod on OpenShift masters, as the kubelet runs it: the pod exists while its
 * manifest `/etc/kubernetes/manifests/etcd-pod.yaml` is in place, and a container that dies
 * (crash, SIGKILL) is started again after the kubelet's crash-loop back-off — 10 s, doubling,
 * capped at 5 min, reset after 10 min of running (Kubernetes docs, "Pod Lifecycle: container
 * restart policy"). Seed 004 scenario 2 relies on this: after the data dirs were moved away "etcd
 * on masters came up after some time".
 *
 * The etcd process is the etcd layer's `etcd` unit on the VM (src/etcd/etcd-unit.ts); this class
 * only decides when it runs. Moving the manifest away (cluster-restore.sh, quorum-restore.sh,
 * reference/capi-kube.md §8) stops the pod gracefully and keeps it stopped; a person doing it by
 * hand is the `etcd.stop` action, which leaves the unit `inactive` and so is never restarted here.
 *
 * The restart itself happens at a sync of the kubelet's pod worker: a sync while the container is
 * still backing off fails, and the worker requeues the pod after its back-off period with jitter,
 * 10 s plus up to half of it (kubernetes pkg/kubelet/pod_workers.go: `wait.Jitter(backOffPeriod,
 * workerBackOffPeriodJitterFactor)`, factor 0.5; kubelet.go `backOffPeriod` 10 s; in the kubelets of
 * seed 004's OpenShift 4.x — recent ones requeue at the back-off's expiry instead). So the
 * container restarts at the first of these syncs at or after the back-off has expired, and two
 * masters whose etcd crashed together restart seconds apart (seed 004 scenario 2 shows their
 * snapshots 16 s apart; docs/openshift.md "Simplifications" on the rest of that gap). The first sync, on the container's
 * death (PLEG relist, 1 s), is taken to be immediate.
 *
 * Simplified: the pod's other containers (etcdctl, etcd-metrics, etcd-readyz, etcd-rev) are not
 * modelled; "waiting for the containers to stop" is the recovery scripts' stop delay.
 */
import type { ServiceManager } from "../../infra/services.js";
import type { Simulation } from "../../sim/simulation.js";
import type { Micros } from "../../sim/time.js";
import { ETCD_UNIT } from "../etcd-unit.js";

/** The kubelet's crash-loop back-off. */
export interface CrashLoopBackOff {
  /** First delay (kubelet: 10 s). */
  readonly initialUs: Micros;
  /** Cap (kubelet: 5 min). */
  readonly maxUs: Micros;
  /** Running this long resets the back-off (kubelet: 10 min). */
  readonly resetAfterUs: Micros;
  /**
   * The pod worker's requeue delay after a failed sync (kubelet: 10–15 s); each call draws one.
   * Without it the container restarts exactly when the back-off expires.
   */
  readonly podSyncRetryUs?: () => Micros;
}

interface PodState {
  /** The systemd of the VM the pod runs on (a VM re-created under the same name gets a new one). */
  readonly systemd: ServiceManager;
  installed: boolean;
  delayUs: Micros;
  startedAt: Micros;
  pending: number | undefined;
}

/** The etcd static pods of the masters. */
export class EtcdStaticPods {
  private readonly pods = new Map<string, PodState>();

  constructor(
    private readonly sim: Simulation,
    private readonly systemd: ReadonlyMap<string, ServiceManager>,
    masters: readonly string[],
    private readonly backOff: CrashLoopBackOff,
  ) {
    for (const host of masters) this.addMaster(host);
  }

  /**
   * Starts watching the etcd pod of a master whose `etcd` unit is installed (a new master joins
   * with the manifest in place; the cluster-etcd-operator moves it away until its member is added).
   */
  addMaster(host: string): void {
    const s = this.systemd.get(host);
    if (s === undefined || !s.has(ETCD_UNIT) || this.pods.get(host)?.systemd === s) return;
    const pod: PodState = {
      systemd: s,
      installed: true,
      delayUs: this.backOff.initialUs,
      startedAt: 0,
      pending: undefined,
    };
    this.pods.set(host, pod);
    s.onChange((unit, _from, to) => {
      if (unit !== ETCD_UNIT) return;
      if (to === "active") pod.startedAt = this.sim.now;
      if (to === "failed") this.crashed(host, pod);
    });
  }

  /** Whether the manifest is in place on `host`. */
  installed(host: string): boolean {
    return this.pods.get(host)?.installed === true;
  }

  /**
   * Moves the manifest away: the kubelet stops the pod (SIGTERM, so a leader hands over
   * leadership) and does not start it again.
   */
  removeManifest(host: string): void {
    const pod = this.pods.get(host);
    if (pod === undefined) return;
    pod.installed = false;
    this.cancel(pod);
    this.systemd.get(host)?.stop(ETCD_UNIT, "etcd-pod.yaml moved out of /etc/kubernetes/manifests");
  }

  /** Puts a manifest (a new revision) in place: the kubelet starts the pod if the node runs. */
  installManifest(host: string, reason: string): void {
    const pod = this.pods.get(host);
    if (pod === undefined) return;
    pod.installed = true;
    this.cancel(pod);
    const s = this.systemd.get(host);
    if (s?.vm.isGuestRunning) s.start(ETCD_UNIT, reason);
  }

  private crashed(host: string, pod: PodState): void {
    if (!pod.installed) return;
    if (pod.startedAt > 0 && this.sim.now - pod.startedAt >= this.backOff.resetAfterUs) {
      pod.delayUs = this.backOff.initialUs;
    }
    const delay = pod.delayUs;
    pod.delayUs = Math.min(pod.delayUs * 2, this.backOff.maxUs);
    this.cancel(pod);
    const restartUs = this.restartAfter(delay);
    this.sim.emit("ocp.pod", host, { phase: "backOff", delayUs: delay, restartInUs: restartUs });
    pod.pending = this.sim.after(restartUs, () => {
      pod.pending = undefined;
      const s = this.systemd.get(host);
      if (pod.installed && s?.vm.isGuestRunning && s.state(ETCD_UNIT) === "failed") {
        s.start(ETCD_UNIT, "kubelet: restart after crash-loop back-off");
      }
    });
  }

  /** When the pod worker's first sync at or after the back-off's expiry comes. */
  private restartAfter(backOffUs: Micros): Micros {
    const retry = this.backOff.podSyncRetryUs;
    if (retry === undefined) return backOffUs;
    let t = 0;
    while (t < backOffUs) t += Math.max(1, retry());
    return t;
  }

  private cancel(pod: PodState): void {
    if (pod.pending !== undefined) this.sim.cancel(pod.pending);
    pod.pending = undefined;
  }
}

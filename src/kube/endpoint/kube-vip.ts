/**
 * kube-vip in control-plane mode, as CAPV deploys it (static pod, ARP, `vip_leaderelection=true`,
 * lease `plndr-cp-lock` in kube-system, 15 s / 10 s / 2 s; capi-kube.md §4.4): the leader holds
 * the control-plane VIP. When it cannot renew its lease within the renew deadline it removes the VIP
 * and restarts ("lost leadership, restarting kube-vip", kube-vip #282). Lease renewals are API
 * writes, hence etcd writes: losing etcd quorum drops the VIP within about 10 s and nobody can take
 * it, so the endpoint is unreachable (kube-vip #1176: "It is expected behaviour").
 *
 * It talks to its own node's apiserver (approximation: CAPV mounts admin.conf).
 */
import type { Process } from "../../infra/services.js";
import type { LeaderElector } from "../client/leader-election.js";
import { type LeaderElectedContext, startLeaderElected } from "../control/leader-elected.js";
import type { VirtualIp } from "./vip.js";

/** What a kube-vip is built from: a leader-elected component's parts and the VIP it holds. */
export interface KubeVipContext extends LeaderElectedContext {
  readonly vip: VirtualIp;
}

/** The kube-vip lease name in CAPV's template. */
export const KUBE_VIP_LEASE = "plndr-cp-lock";

/** One kube-vip process. */
export class KubeVip implements Process {
  readonly elector: LeaderElector;

  constructor(private readonly ctx: KubeVipContext) {
    this.elector = startLeaderElected(ctx, "kube-vip", () => ctx.vip.claim(ctx.vm.name), {
      lease: KUBE_VIP_LEASE,
      identity: ctx.vm.name,
      onStoppedLeading: () => {
        ctx.vip.release(ctx.vm.name);
        ctx.exit("lost leadership, restarting kube-vip");
      },
    }).elector;
  }

  /** Graceful stop: kube-vip removes the VIP from the interface. */
  terminate(exited: () => void): void {
    this.ctx.vip.release(this.ctx.vm.name);
    this.ctx.scope.end();
    exited();
  }

  /** SIGKILL: the address stays configured on the interface. */
  kill(): void {
    this.ctx.scope.end();
  }
}

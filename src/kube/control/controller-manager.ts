/**
 * kube-controller-manager: leader election on `kube-system/kube-controller-manager`, then — only in
 * the leader, once its shared informers have synced — the controllers the scenarios need: node
 * lifecycle, taint eviction, ReplicaSet, Deployment, endpoints, garbage collector, bootstrap signer
 * and token cleaner. Losing the lease ends the process ("leaderelection lost"); the kubelet or
 * systemd starts it again and it campaigns anew.
 */

import type { Process } from "../../infra/services.js";
import { MILLISECOND } from "../../sim/time.js";
import type { ApiClient } from "../client/client.js";
import type { LeaderElector } from "../client/leader-election.js";
import { BootstrapTokenControllers } from "../controllers/bootstrap.js";
import { type ControllerContext, type ControllerSettings, SharedInformers } from "../controllers/context.js";
import { DeploymentController } from "../controllers/deployment.js";
import { EndpointsController } from "../controllers/endpoints.js";
import { GarbageCollector } from "../controllers/garbage-collector.js";
import { NodeLifecycleController } from "../controllers/node-lifecycle.js";
import { PodGarbageCollector } from "../controllers/pod-gc.js";
import { ReplicaSetController } from "../controllers/replicaset.js";
import { TaintEvictionController } from "../controllers/taint-eviction.js";
import { type LeaderElectedContext, startLeaderElected } from "./leader-elected.js";

/** What a kube-controller-manager is built from. */
export interface ControllerManagerContext extends LeaderElectedContext {
  readonly settings: ControllerSettings;
}

/** One kube-controller-manager process. */
export class ControllerManager implements Process {
  readonly client: ApiClient;
  readonly elector: LeaderElector;
  private informers: SharedInformers | undefined;
  /** The node lifecycle controller while leading (for tests). */
  nodeLifecycle: NodeLifecycleController | undefined;

  constructor(private readonly ctx: ControllerManagerContext) {
    const { client, elector } = startLeaderElected(ctx, "kube-controller-manager", () => this.run());
    this.client = client;
    this.elector = elector;
  }

  /** The shared informers (while leading). */
  get sharedInformers(): SharedInformers | undefined {
    return this.informers;
  }

  terminate(exited: () => void): void {
    this.ctx.scope.end();
    exited();
  }

  kill(): void {
    this.ctx.scope.end();
  }

  private run(): void {
    const ctx = this.ctx;
    const informers = new SharedInformers(this.client, ctx.scope, ctx.rng);
    this.informers = informers;
    informers.start();
    const cc: ControllerContext = {
      client: this.client,
      scope: ctx.scope,
      rng: ctx.rng,
      informers,
      settings: ctx.settings,
      emit: ctx.emit,
    };
    const startControllers = (): void => {
      if (!informers.synced) {
        ctx.scope.after(100 * MILLISECOND, startControllers);
        return;
      }
      this.nodeLifecycle = new NodeLifecycleController(cc);
      this.nodeLifecycle.start();
      new TaintEvictionController(cc).start();
      new ReplicaSetController(cc).start();
      new DeploymentController(cc).start();
      new EndpointsController(cc).start();
      new GarbageCollector(cc).start();
      new PodGarbageCollector(cc).start();
      new BootstrapTokenControllers(cc).start();
    };
    startControllers();
  }
}

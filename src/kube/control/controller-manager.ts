/**
 * kube-controller-manager: leader election on `kube-system/kube-controller-manager`, then — only in
 * the leader, once its shared informers have synced — the controllers the scenarios need: node
 * lifecycle, taint eviction, ReplicaSet, Deployment, endpoints, garbage collector, bootstrap signer
 * and token cleaner. Losing the lease ends the process ("leaderelection lost"); the kubelet or
 * systemd starts it again and it campaigns anew.
 */
import type { Network } from "../../infra/network.js";
import type { Process } from "../../infra/services.js";
import type { Vm } from "../../infra/vm.js";
import type { Rng } from "../../sim/rng.js";
import { MILLISECOND } from "../../sim/time.js";
import { ApiClient, type ClientSettings } from "../client/client.js";
import type { ApiEndpoint } from "../client/endpoint.js";
import { type LeaderElectionSettings, LeaderElector } from "../client/leader-election.js";
import { BootstrapTokenControllers } from "../controllers/bootstrap.js";
import {
  type ControllerContext,
  type ControllerSettings,
  type Emit,
  SharedInformers,
} from "../controllers/context.js";
import { DeploymentController } from "../controllers/deployment.js";
import { EndpointsController } from "../controllers/endpoints.js";
import { GarbageCollector } from "../controllers/garbage-collector.js";
import { NodeLifecycleController } from "../controllers/node-lifecycle.js";
import { PodGarbageCollector } from "../controllers/pod-gc.js";
import { ReplicaSetController } from "../controllers/replicaset.js";
import { TaintEvictionController } from "../controllers/taint-eviction.js";
import { randomString } from "../names.js";
import type { ProcessScope } from "../process-scope.js";

/** What a kube-controller-manager is built from. */
export interface ControllerManagerContext {
  readonly network: Network;
  readonly vm: Vm;
  readonly scope: ProcessScope;
  readonly endpoint: ApiEndpoint;
  readonly clientSettings: ClientSettings;
  readonly settings: ControllerSettings;
  readonly leaderElection: LeaderElectionSettings;
  readonly rng: Rng;
  readonly emit: Emit;
  /** The process ends itself. */
  readonly exit: (reason: string) => void;
}

/** One kube-controller-manager process. */
export class ControllerManager implements Process {
  readonly client: ApiClient;
  readonly elector: LeaderElector;
  private informers: SharedInformers | undefined;
  /** The node lifecycle controller while leading (for tests). */
  nodeLifecycle: NodeLifecycleController | undefined;

  constructor(private readonly ctx: ControllerManagerContext) {
    this.client = new ApiClient(
      ctx.network,
      ctx.vm.name,
      ctx.scope,
      ctx.endpoint,
      ctx.clientSettings,
      "kube-controller-manager",
    );
    this.elector = new LeaderElector(this.client, ctx.scope, ctx.rng, {
      namespace: "kube-system",
      name: "kube-controller-manager",
      identity: `${ctx.vm.name}_${randomString(ctx.rng, 8)}`,
      settings: ctx.leaderElection,
      emit: ctx.emit,
      onStartedLeading: () => this.run(),
      onStoppedLeading: () => ctx.exit("leaderelection lost"),
    });
    this.elector.start();
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

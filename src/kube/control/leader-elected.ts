/**
 * How kube-controller-manager and kube-scheduler start: one API client named after the component,
 * then a candidate for the `kube-system/<component>` Lease (identity `<host>_<random>`, as
 * client-go's `os.Hostname() + "_" + uuid`); the component works only while leading and exits
 * when it loses the lease ("leaderelection lost"), to be restarted by the kubelet or systemd.
 * kube-vip starts the same way with its own lease name, identity and loss handling (`options`).
 */
import type { Network } from "../../infra/network.js";
import type { Vm } from "../../infra/vm.js";
import type { Rng } from "../../sim/rng.js";
import { ApiClient, type ClientSettings } from "../client/client.js";
import type { ApiEndpoint } from "../client/endpoint.js";
import { type LeaderElectionSettings, LeaderElector } from "../client/leader-election.js";
import type { Emit } from "../controllers/context.js";
import { randomString } from "../names.js";
import type { ProcessScope } from "../process-scope.js";

/** What a leader-elected control-plane component is built from. */
export interface LeaderElectedContext {
  readonly network: Network;
  readonly vm: Vm;
  readonly scope: ProcessScope;
  readonly endpoint: ApiEndpoint;
  readonly clientSettings: ClientSettings;
  readonly leaderElection: LeaderElectionSettings;
  readonly rng: Rng;
  readonly emit: Emit;
  /** The process ends itself. */
  readonly exit: (reason: string) => void;
}

/** Where a component's lease candidacy departs from the controller-manager's. */
export interface LeaderElectedOptions {
  /** Lease name in kube-system (default: the component's name). */
  readonly lease?: string;
  /** Candidate identity (default: `<host>_<random>`). */
  readonly identity?: string;
  /** On losing the lease (default: exit with "leaderelection lost"). */
  readonly onStoppedLeading?: () => void;
}

/** Starts the component's client and lease candidate; `run` is called when it starts leading. */
export function startLeaderElected(
  ctx: LeaderElectedContext,
  component: string,
  run: () => void,
  options: LeaderElectedOptions = {},
): { readonly client: ApiClient; readonly elector: LeaderElector } {
  const client = new ApiClient(
    ctx.network,
    ctx.vm.name,
    ctx.scope,
    ctx.endpoint,
    ctx.clientSettings,
    component,
  );
  const elector = new LeaderElector(client, ctx.scope, ctx.rng, {
    namespace: "kube-system",
    name: options.lease ?? component,
    identity: options.identity ?? `${ctx.vm.name}_${randomString(ctx.rng, 8)}`,
    settings: ctx.leaderElection,
    emit: ctx.emit,
    onStartedLeading: run,
    onStoppedLeading: options.onStoppedLeading ?? (() => ctx.exit("leaderelection lost")),
  });
  elector.start();
  return { client, elector };
}

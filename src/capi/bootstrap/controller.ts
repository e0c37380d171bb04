/**
 * The kubeadm bootstrap provider (CABPK, bootstrap/kubeadm/reconcilers/kubeadmconfig,
 * capi-kube.md §6): for a new Machine it creates a bootstrap token in the workload cluster (TTL
 * `--bootstrap-token-ttl`, 15 min) and writes the bootstrap data (cloud-init with `kubeadm join`).
 * While the Machine has no Node it checks the token every TTL/3 and refreshes it when it expires
 * within 5/6 of the TTL; both need the workload API. Once the Machine has a Node the token is left
 * to expire, and the token cleaner removes it — which is why a VM re-created later with the same
 * bootstrap data cannot join (seed 001: no JWS signature). If the token Secret is gone before the
 * Node appeared, refresh fails and the Machine can never join (only MHC's nodeStartupTimeout
 * recovers it).
 *
 * Trace: `capi.bootstrap {action: token|refresh, tokenId, expiresAtUs}`.
 */
import { produce } from "immer";
import type { Micros } from "../../sim/time.js";
import type { CapiContext } from "../context.js";
import { DONE, type ReconcileResult } from "../runtime/controller.js";
import { type Task, wait } from "../runtime/task.js";
import type { ApiResult } from "../workload/api.js";
import { ERR_CLUSTER_NOT_CONNECTED } from "../workload/cluster-cache.js";

/** Reconciles one KubeadmConfig. */
export function* reconcileKubeadmConfig(ctx: CapiContext, name: string): Task<ReconcileResult> {
  const cfg = ctx.store.get("KubeadmConfig", name);
  if (!cfg) return DONE;
  if (cfg.metadata.deletionTimestampUs !== undefined) {
    ctx.store.remove("KubeadmConfig", name);
    return DONE;
  }
  const ttl = ctx.settings.tokenTtlUs;
  const machine = cfg.metadata.owner ? ctx.store.get("Machine", cfg.metadata.owner.name) : undefined;
  if (!cfg.status.dataSecretCreated) {
    const client = ctx.cache.client();
    if (!client) return { error: `failed to create bootstrap token: ${ERR_CLUSTER_NOT_CONNECTED}` };
    const r = yield* wait<ApiResult<{ readonly tokenId: string; readonly expiresAtUs: Micros }>>((done) =>
      client.createBootstrapToken(ttl, done),
    );
    if (!r.ok) return { error: `failed to create bootstrap token: ${r.error}` };
    const now = ctx.store.get("KubeadmConfig", name);
    if (!now) return DONE;
    ctx.store.update(
      produce(now, (d) => {
        d.status.dataSecretCreated = true;
        d.status.tokenId = r.value.tokenId;
        d.status.tokenExpiresAtUs = r.value.expiresAtUs;
      }),
    );
    ctx.sim.emit("capi.bootstrap", name, {
      action: "token",
      tokenId: r.value.tokenId,
      expiresAtUs: r.value.expiresAtUs,
    });
    return { requeueAfterUs: Math.floor(ttl / 3) };
  }
  if (!machine || machine.status.nodeRef !== undefined || cfg.status.tokenId === undefined) return DONE;
  const client = ctx.cache.client();
  if (!client) return { error: `failed to refresh bootstrap token: ${ERR_CLUSTER_NOT_CONNECTED}` };
  const tokenId = cfg.status.tokenId;
  const got = yield* wait<ApiResult<{ readonly expiresAtUs: Micros } | undefined>>((done) =>
    client.getBootstrapToken(tokenId, done),
  );
  if (!got.ok) return { error: `failed to get bootstrap token secret in order to refresh it: ${got.error}` };
  if (got.value === undefined) {
    return {
      error: `failed to get bootstrap token secret in order to refresh it: secrets "bootstrap-token-${tokenId}" not found`,
    };
  }
  if (got.value.expiresAtUs > ctx.sim.now + Math.floor((ttl * 5) / 6))
    return { requeueAfterUs: Math.floor(ttl / 3) };
  const expiresAtUs = ctx.sim.now + ttl;
  const r = yield* wait<ApiResult<null>>((done) => client.refreshBootstrapToken(tokenId, expiresAtUs, done));
  if (!r.ok) return { error: `failed to refresh bootstrap token: ${r.error}` };
  const now = ctx.store.get("KubeadmConfig", name);
  if (now)
    ctx.store.update(
      produce(now, (d) => {
        d.status.tokenExpiresAtUs = expiresAtUs;
      }),
    );
  ctx.sim.emit("capi.bootstrap", name, { action: "refresh", tokenId, expiresAtUs });
  return { requeueAfterUs: Math.floor(ttl / 3) };
}

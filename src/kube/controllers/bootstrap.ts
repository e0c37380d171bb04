/**
 * The bootstrap token controllers of kube-controller-manager (kubernetes.io "Authenticating with
 * Bootstrap Tokens", capi-kube.md §6):
 *
 * - bootstrapsigner signs `kube-public/cluster-info` with every valid signing token: one
 *   `jws-kubeconfig-<token-id>` entry per token, removed when the token goes. `kubeadm join`
 *   discovery waits for its token's signature ("The cluster-info ConfigMap does not yet contain a
 *   JWS signature for token ID ...");
 * - tokencleaner deletes token Secrets once their expiration has passed.
 *
 * The signature is a stand-in string derived from the token and the kubeconfig, not real JWS.
 */
import type { Micros } from "../../sim/time.js";
import { hashName } from "../names.js";
import { BOOTSTRAP_TOKEN_SECRET_TYPE, JWS_KEY_PREFIX } from "../objects/config.js";
import type { ConfigMap, Secret } from "../objects/index.js";
import type { ControllerContext } from "./context.js";
import { WorkQueue } from "./workqueue.js";

/** Name of the cluster-info ConfigMap in kube-public. */
export const CLUSTER_INFO = "cluster-info";

/** The expiration of a token Secret (µs), or undefined when it never expires. */
export function tokenExpiration(s: Secret): Micros | undefined {
  const e = s.data.expiration;
  return e === undefined || e === "" ? undefined : Number(e);
}

/** The signature of cluster-info's kubeconfig with a token. */
export function jwsSignature(kubeconfig: string, tokenId: string, tokenSecret: string): string {
  return `eyJhbGciOiJIUzI1NiIsImtpZCI6I${hashName(`${tokenId}.${tokenSecret}|${kubeconfig}`, 24)}`;
}

/** bootstrapsigner + tokencleaner. */
export class BootstrapTokenControllers {
  private readonly signer: WorkQueue;
  private readonly cleaner: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.signer = new WorkQueue(ctx.scope, (_k, done) => this.sign(done));
    this.cleaner = new WorkQueue(ctx.scope, (k, done) => this.clean(k, done));
  }

  /** Hooks the informers. */
  start(): void {
    const { informers } = this.ctx;
    const resign = () => this.signer.add(CLUSTER_INFO);
    informers.configMaps.addHandlers({ added: resign, updated: resign });
    informers.secrets.addHandlers({
      added: (s) => {
        resign();
        this.cleaner.add(s.metadata.name);
      },
      updated: (_o, s) => {
        resign();
        this.cleaner.add(s.metadata.name);
      },
      deleted: resign,
    });
  }

  private validTokens(now: Micros): Secret[] {
    const out: Secret[] = [];
    for (const s of this.ctx.informers.secrets.list()) {
      if (s.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || s.data["usage-bootstrap-signing"] !== "true") continue;
      const exp = tokenExpiration(s);
      if (exp !== undefined && exp <= now) continue;
      out.push(s);
    }
    return out;
  }

  private sign(done: (ok: boolean) => void): void {
    const { informers, client, scope } = this.ctx;
    const cm = informers.configMaps.get(`kube-public/${CLUSTER_INFO}`);
    if (!cm) {
      done(true);
      return;
    }
    const kubeconfig = cm.data.kubeconfig ?? "";
    const want = new Map<string, string>();
    for (const s of this.validTokens(scope.now)) {
      const id = s.data["token-id"] ?? "";
      want.set(`${JWS_KEY_PREFIX}${id}`, jwsSignature(kubeconfig, id, s.data["token-secret"] ?? ""));
    }
    const have = Object.keys(cm.data).filter((k) => k.startsWith(JWS_KEY_PREFIX));
    const same = have.length === want.size && have.every((k) => want.get(k) === cm.data[k]);
    if (same) {
      done(true);
      return;
    }
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(cm.data)) if (!k.startsWith(JWS_KEY_PREFIX)) data[k] = v;
    for (const [k, v] of want) data[k] = v;
    const next: ConfigMap = { ...cm, data };
    client.request({ verb: "update", resource: "configmaps", body: next }, (res) =>
      done(res.status.code === 200),
    );
  }

  private clean(name: string, done: (ok: boolean) => void): void {
    const { informers, client, scope } = this.ctx;
    const s = informers.secrets.get(`kube-system/${name}`);
    if (!s || s.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) {
      done(true);
      return;
    }
    const exp = tokenExpiration(s);
    if (exp === undefined) {
      done(true);
      return;
    }
    if (exp > scope.now) {
      this.cleaner.addAfter(name, exp - scope.now);
      done(true);
      return;
    }
    client.request(
      {
        verb: "delete",
        resource: "secrets",
        namespace: "kube-system",
        name,
        preconditionUid: s.metadata.uid,
      },
      (res) => {
        if (res.status.code === 200) {
          this.ctx.emit("kube.token.expired", `kube-system/${name}`, {
            token: s.data["token-id"] ?? "",
            message: `Deleted expired bootstrap token ${s.data["token-id"] ?? name}`,
          });
        }
        done(res.status.code === 200 || res.status.code === 404);
      },
    );
  }
}

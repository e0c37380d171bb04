/**
 * kubectl, as an operator at a workstation runs it: every command is a new process with a new
 * connection through the control-plane endpoint, so it fails the way kubectl fails ("The
 * connection to the server 192.168.3.100:6443 was refused - did you specify the right host or
 * port?", "Error from server (InternalError): … etcdserver: request timed out") and its output is
 * what kubectl prints. Each command ends in one `kubectl {command, ok, output}` record.
 *
 * Commands: get (nodes, pods [-o wide], deploy, rs), cordon, uncordon, drain (cordon, evict every
 * pod on the node, wait until they are gone), delete pod(s), delete deployment/replicaset/service,
 * scale deployment.
 */
import { produce } from "immer";
import type { Micros } from "../sim/time.js";
import { SECOND } from "../sim/time.js";
import type { ApiRequest, ApiResponse } from "./api/request.js";
import type { ApiStatus } from "./api/status.js";
import type { ApiClient } from "./client/client.js";
import { isMirrorPod } from "./node/mirror-pods.js";
import type { AnyObject, Deployment, Node, Pod, ReplicaSet } from "./objects/index.js";
import { getDeployments, getNodes, getPods, getReplicaSets } from "./printers/get.js";
import { parseResourceName, type Resource } from "./storage/resources.js";

/** What kubectl needs from the cluster. */
export interface KubectlHost {
  /** A fresh client (a new kubectl process). */
  adminClient(): ApiClient;
  readonly endpointAddress: string;
  readonly now: Micros;
  /** Runs `fn` after a delay (kubectl's own waiting). */
  after(delayUs: Micros, fn: () => void): void;
  emit(kind: string, subject: string, fields: Record<string, unknown>): void;
}

/** How kubectl reports a failed request. */
export function kubectlError(status: ApiStatus, address: string): string {
  if (status.code === 0) {
    if (status.message.includes("connection refused")) {
      return `The connection to the server ${address}:6443 was refused - did you specify the right host or port?`;
    }
    return `Unable to connect to the server: ${status.message}`;
  }
  if (status.code === 504) {
    return "Error from server (Timeout): the server was unable to return a response in the time allotted, but may still be processing the request";
  }
  return `Error from server (${status.reason}): ${status.message}`;
}

const NS = "default";
const DRAIN_POLL_US = SECOND;

/** One kubectl invocation. */
class Invocation {
  readonly client: ApiClient;
  private readonly lines: string[] = [];
  private finished = false;

  constructor(
    private readonly host: KubectlHost,
    readonly command: string,
  ) {
    this.client = host.adminClient();
  }

  print(line: string): void {
    this.lines.push(line);
  }

  call(req: ApiRequest, then: (res: ApiResponse) => void): void {
    this.client.request(req, (res) => {
      if (res.status.code === 0 || res.status.code >= 500) return this.fail(res.status);
      then(res);
    });
  }

  fail(status: ApiStatus): void {
    this.print(kubectlError(status, this.host.endpointAddress));
    this.end(false);
  }

  end(ok: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.client.close();
    this.host.emit("kubectl", "kubectl", {
      command: `kubectl ${this.command}`,
      ok,
      output: this.lines.join("\n"),
    });
  }
}

/** kubectl commands. */
export class Kubectl {
  constructor(private readonly host: KubectlHost) {}

  /**
   * `kubectl get <resources> [-n NAMESPACE | -A] [-o wide]` (comma-separated: `deploy,rs`); as in
   * kubectl, `-A` lists every namespace even when one is named.
   */
  get(resources: string, wide = false, allNamespaces = false, namespace = NS): void {
    const nsFlag = allNamespaces ? " -A" : namespace !== NS ? ` -n ${namespace}` : "";
    const inv = new Invocation(this.host, `get ${resources}${nsFlag}${wide ? " -o wide" : ""}`);
    const kinds: Resource[] = [];
    for (const part of resources.split(",")) {
      const r = parseResourceName(part.trim());
      if (!r) {
        inv.print(`error: the server doesn't have a resource type "${part.trim()}"`);
        inv.end(false);
        return;
      }
      kinds.push(r);
    }
    const outputs: string[] = [];
    const next = (i: number): void => {
      const r = kinds[i];
      if (r === undefined) {
        inv.print(outputs.join("\n\n"));
        inv.end(true);
        return;
      }
      const scoped = r !== "nodes" && !allNamespaces;
      inv.call({ verb: "list", resource: r, ...(scoped ? { namespace } : {}) }, (res) => {
        const items = res.items ?? [];
        const now = this.host.now;
        // Several resource types in one command: kubectl names each row with its kind.
        const withKind = kinds.length > 1;
        if (r === "nodes") outputs.push(getNodes(items as Node[], now, withKind));
        else if (r === "pods")
          outputs.push(getPods(items as Pod[], now, wide, allNamespaces, namespace, withKind));
        else if (r === "deployments")
          outputs.push(getDeployments(items as Deployment[], now, namespace, withKind));
        else if (r === "replicasets")
          outputs.push(getReplicaSets(items as ReplicaSet[], now, namespace, withKind));
        else outputs.push(items.map((o) => o.metadata.name).join("\n"));
        next(i + 1);
      });
    };
    next(0);
  }

  /** `kubectl cordon|uncordon <node>`. */
  cordon(node: string, unschedulable = true): void {
    const inv = new Invocation(this.host, `${unschedulable ? "cordon" : "uncordon"} ${node}`);
    this.setUnschedulable(inv, node, unschedulable, () => {
      inv.print(`node/${node} ${unschedulable ? "cordoned" : "uncordoned"}`);
      inv.end(true);
    });
  }

  /** `kubectl drain <node> --force --ignore-daemonsets`: cordon, evict every pod, wait for them to go. */
  drain(node: string, timeoutUs?: Micros): void {
    const inv = new Invocation(this.host, `drain ${node} --force --ignore-daemonsets`);
    const started = this.host.now;
    this.setUnschedulable(inv, node, true, () => {
      inv.print(`node/${node} cordoned`);
      inv.call({ verb: "list", resource: "pods", fieldNodeName: node }, (res) => {
        // Mirror pods are skipped: the kubelet would only recreate them (kubectl drain's mirror filter).
        const pods = ((res.items ?? []) as Pod[]).filter((p) => !isMirrorPod(p));
        const waiting = new Map<string, Pod>();
        let left = pods.length;
        if (left === 0) {
          inv.print(`node/${node} drained`);
          return inv.end(true);
        }
        for (const p of pods) {
          inv.print(`evicting pod ${p.metadata.namespace}/${p.metadata.name}`);
          inv.call(
            {
              verb: "delete",
              resource: "pods",
              namespace: p.metadata.namespace,
              name: p.metadata.name,
              preconditionUid: p.metadata.uid,
            },
            () => {
              waiting.set(p.metadata.uid, p);
              if (--left === 0) this.waitGone(inv, node, waiting, started, timeoutUs);
            },
          );
        }
      });
    });
  }

  /** `kubectl delete pod <names…>`. */
  deletePods(names: readonly string[]): void {
    const inv = new Invocation(this.host, `delete pod ${names.join(" ")}`);
    this.deleteEach(inv, "pods", names);
  }

  /**
   * Deletes the first `count` pods (by name) of a Deployment's pods, or every pod on `node` — what
   * an experiment names when it cannot know generated pod names.
   */
  deleteSomePods(selector: { readonly deployment?: string; readonly node?: string }, count: number): void {
    const probe = new Invocation(
      this.host,
      `get pods${selector.deployment ? ` -l app=${selector.deployment}` : ""}`,
    );
    probe.call(
      {
        verb: "list",
        resource: "pods",
        namespace: NS,
        ...(selector.node ? { fieldNodeName: selector.node } : {}),
      },
      (res) => {
        probe.end(true);
        const pods = ((res.items ?? []) as Pod[])
          .filter((p) => p.metadata.deletionTimestampUs === undefined)
          .filter((p) => selector.deployment === undefined || p.metadata.labels.app === selector.deployment)
          .map((p) => p.metadata.name)
          .sort();
        this.deletePods(pods.slice(0, count));
      },
    );
  }

  /** `kubectl delete <kind> <name>` (background cascading, kubectl's default). */
  delete(resourceText: string, name: string): void {
    const r = parseResourceName(resourceText);
    const inv = new Invocation(this.host, `delete ${resourceText} ${name}`);
    if (!r) {
      inv.print(`error: the server doesn't have a resource type "${resourceText}"`);
      inv.end(false);
      return;
    }
    this.deleteEach(inv, r, [name]);
  }

  /** `kubectl scale deployment <name> --replicas=<n>`. */
  scale(deployment: string, replicas: number): void {
    const inv = new Invocation(this.host, `scale deployment ${deployment} --replicas=${replicas}`);
    const attempt = (tries: number): void => {
      inv.call({ verb: "get", resource: "deployments", namespace: NS, name: deployment }, (res) => {
        if (res.status.code !== 200 || !res.object) return inv.fail(res.status);
        const d = res.object as Deployment;
        inv.call(
          {
            verb: "update",
            resource: "deployments",
            body: produce(d, (draft) => {
              draft.spec.replicas = replicas;
            }),
          },
          (r) => {
            if (r.status.reason === "Conflict" && tries < 5) return attempt(tries + 1);
            if (r.status.code !== 200) return inv.fail(r.status);
            inv.print(`deployment.apps/${deployment} scaled`);
            inv.end(true);
          },
        );
      });
    };
    attempt(0);
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private setUnschedulable(inv: Invocation, node: string, value: boolean, then: () => void): void {
    inv.call(
      {
        verb: "patch",
        resource: "nodes",
        name: node,
        patch: (cur: AnyObject) => {
          const n = cur as Node;
          if (n.spec.unschedulable === value) return undefined;
          return produce(n, (draft) => {
            draft.spec.unschedulable = value;
          });
        },
      },
      (res) => {
        if (res.status.code !== 200) return inv.fail(res.status);
        then();
      },
    );
  }

  private deleteEach(inv: Invocation, resource: Resource, names: readonly string[]): void {
    let left = names.length;
    if (left === 0) {
      inv.print("No resources found");
      inv.end(true);
      return;
    }
    const kindText =
      resource === "deployments"
        ? "deployment.apps"
        : resource === "replicasets"
          ? "replicaset.apps"
          : resource.replace(/s$/, "");
    for (const name of names) {
      inv.call({ verb: "delete", resource, namespace: NS, name }, (res) => {
        inv.print(
          res.status.code === 200
            ? `${kindText} "${name}" deleted`
            : `Error from server (NotFound): ${res.status.message}`,
        );
        if (--left === 0) inv.end(true);
      });
    }
  }

  private waitGone(
    inv: Invocation,
    node: string,
    waiting: Map<string, Pod>,
    started: Micros,
    timeoutUs?: Micros,
  ): void {
    const poll = (): void => {
      if (timeoutUs !== undefined && this.host.now - started > timeoutUs) {
        inv.print(
          `error: unable to drain node "${node}" due to error: global timeout reached: ${timeoutUs / 1e6}s`,
        );
        inv.end(false);
        return;
      }
      let left = waiting.size;
      if (left === 0) {
        inv.print(`node/${node} drained`);
        inv.end(true);
        return;
      }
      for (const [uid, p] of [...waiting]) {
        inv.call(
          { verb: "get", resource: "pods", namespace: p.metadata.namespace, name: p.metadata.name },
          (res) => {
            if (res.status.code === 404 || res.object?.metadata.uid !== uid) {
              if (waiting.delete(uid)) inv.print(`pod/${p.metadata.name} evicted`);
            }
            if (--left === 0) this.host.after(waiting.size === 0 ? 0 : DRAIN_POLL_US, poll);
          },
        );
      }
    };
    poll();
  }
}

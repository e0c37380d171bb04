/**
 * The Cluster API controllers' view of the simulated workload cluster (the ports of
 * src/capi/workload/api.ts and src/capi/bootstrap/join-environment.ts, bound to the Kubernetes and
 * etcd layers). Everything goes over the simulated network:
 *
 * - from the management host, through the control-plane endpoint (HAProxy or the kube-vip VIP):
 *   the ClusterCache probe (a cached `get`, any HTTP answer counts, like CAPI's `GET /`), the Node
 *   informer, cordon, drain (Pod deletions; for an unreachable Node with the grace period and the
 *   skip timeout of the CAPI release), Node deletion, the bootstrap token Secrets, and the
 *   self-hosted controller manager's lease renewal (a write, so it needs etcd quorum);
 * - etcd calls (member list, status, move-leader, member remove) from the management host to the
 *   member's client port, allowed only while the ClusterCache holds a connection — CAPI reaches
 *   etcd by port-forwarding through the workload API server, which the model shortens to "the
 *   endpoint answers, then talk to the member";
 * - from a new VM's guest, as `kubeadm join` does: cluster-info and the token through the
 *   endpoint, `member add --learner` / `member promote` against the existing members, then the etcd
 *   unit and the node's units on the VM (capi-node-join.ts).
 *
 * KCP's Pod conditions are read from the node's container runtime (the etcd member from its
 * systemd unit) rather than from the mirror Pods, which report the same while the Node is
 * reachable; drains skip the mirror Pods.
 */

import type { JoinEnvironment } from "../capi/bootstrap/join-environment.js";
import type { EtcdMemberView } from "../capi/kcp/control-plane-state.js";
import type {
  ApiResult,
  ControlPlaneComponent,
  DrainOptions,
  EtcdMemberList,
  PodHealth,
  WorkloadClusterApi,
  WorkloadConnection,
} from "../capi/workload/api.js";
import { EtcdNetworkClient } from "../etcd/client.js";
import { peerUrlOf } from "../etcd/ids.js";
import { GuestClock } from "../infra/guest.js";
import type { Vm } from "../infra/vm.js";
import type { ApiResponse } from "../kube/api/request.js";
import { ApiClient } from "../kube/client/client.js";
import { Informer } from "../kube/client/informer.js";
import { randomString } from "../kube/names.js";
import { isMirrorPod } from "../kube/node/mirror-pods.js";
import { StaticPods } from "../kube/node/static-pods.js";
import { makeLease, makeSecret } from "../kube/objects/build.js";
import { BOOTSTRAP_TOKEN_SECRET_TYPE, JWS_KEY_PREFIX } from "../kube/objects/config.js";
import type { ConfigMap, Lease, Node, Pod, Secret } from "../kube/objects/index.js";
import { ProcessScope } from "../kube/process-scope.js";
import type { Rng } from "../sim/rng.js";
import { type Micros, SECOND } from "../sim/time.js";
import { installEtcdMember, installJoinedNode } from "./capi-node-join.js";
import type { EtcdLayer } from "./etcd-world.js";
import type { KubeLayer } from "./kube-world.js";
import type { World } from "./world.js";

/** etcd client timeouts KCP uses (`--etcd-dial-timeout-duration` 10 s, `--etcd-call-timeout-duration` 15 s, capi-kube.md §2.3). */
const ETCD_DIAL_TIMEOUT_US: Micros = 10 * SECOND;
const ETCD_CALL_TIMEOUT_US: Micros = 15 * SECOND;
/** Timeout of the controllers' API writes (client-go has none by default; CAPI's remote client uses 10 s). */
const API_TIMEOUT_US: Micros = 10 * SECOND;
/** kubeadm's etcd calls during join. */
const JOIN_ETCD_TIMEOUT_US: Micros = 15 * SECOND;

const COMPONENTS: readonly ControlPlaneComponent[] = [
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
];

const statusError = (res: ApiResponse): string =>
  res.status.message || `${res.status.code} ${res.status.reason}`;

/** Binds the CAPI ports to one world's Kubernetes and etcd layers. */
export class CapiWorkloadBinding implements WorkloadClusterApi, JoinEnvironment {
  private readonly scope: ProcessScope;
  private readonly rng: Rng;
  private connectionOpen = false;
  private readonly etcdClients = new Map<string, EtcdNetworkClient>();
  private readonly guestClients = new Map<string, { vm: Vm; client: ApiClient }>();
  private leaseClient: ApiClient | undefined;

  constructor(
    private readonly world: World,
    private readonly kube: KubeLayer,
    private readonly etcd: EtcdLayer,
    /** The host the management cluster's controllers run on. */
    readonly mgmtHost: string,
  ) {
    this.scope = new ProcessScope(new GuestClock(world.sim));
    this.rng = world.sim.rng.stream("capi/workload");
  }

  private get sim() {
    return this.world.sim;
  }

  private newClient(userAgent: string, timeoutDialUs?: Micros): ApiClient {
    const s = this.kube.settings.client;
    return new ApiClient(
      this.world.network,
      this.mgmtHost,
      this.scope,
      this.kube.cluster.endpoint,
      timeoutDialUs === undefined ? s : { ...s, dialTimeoutUs: timeoutDialUs },
      userAgent,
    );
  }

  // ---- WorkloadClusterApi ------------------------------------------------------------------------

  probe(timeoutUs: Micros, done: (ok: boolean) => void): void {
    const client = this.newClient("capi-clustercache-probe", timeoutUs);
    client.request(
      { verb: "get", resource: "nodes", name: "capi-health-probe", resourceVersion: 0 },
      (res) => {
        client.close();
        done(res.status.code > 0);
      },
      timeoutUs,
    );
  }

  renewControllerLease(done: (ok: boolean) => void): void {
    this.leaseClient ??= this.newClient("capi-controller-manager/leader-election");
    const client = this.leaseClient;
    const now = this.sim.now;
    const name = "controller-leader-election-capi";
    client.request(
      {
        verb: "patch",
        resource: "leases",
        namespace: "kube-system",
        name,
        patch: (cur) => {
          const l = cur as Lease;
          return { ...l, spec: { ...l.spec, holderIdentity: "capi-controller-manager", renewTimeUs: now } };
        },
      },
      (res) => {
        if (res.status.code === 200) return done(true);
        if (res.status.reason !== "NotFound") return done(false);
        const body = makeLease({
          name,
          namespace: "kube-system",
          holder: "capi-controller-manager",
          durationSeconds: 15,
          now,
        });
        client.request(
          { verb: "create", resource: "leases", body },
          (r) => done(r.status.code === 201),
          API_TIMEOUT_US,
        );
      },
      API_TIMEOUT_US,
    );
  }

  connect(): WorkloadConnection {
    const client = this.newClient("capi-controller-manager");
    const nodes = new Informer<Node>(client, this.scope, this.rng, { resource: "nodes" });
    const listeners: ((name: string) => void)[] = [];
    const tell = (n: Node) => {
      for (const l of listeners) l(n.metadata.name);
    };
    nodes.addHandlers({ added: tell, updated: (_o, n) => tell(n), deleted: tell });
    nodes.start();
    this.connectionOpen = true;
    const call = (req: Parameters<ApiClient["request"]>[0], done: (res: ApiResponse) => void) =>
      client.request({ ...req, userAgent: "capi-controller-manager" }, done, API_TIMEOUT_US);
    return {
      get synced() {
        return nodes.hasSynced;
      },
      node: (name) => nodes.get(name),
      nodes: () => [...nodes.list()],
      onNodeEvent: (fn) => listeners.push(fn),
      controlPlanePods: (node) => this.controlPlanePods(node),
      cordon: (node, done) =>
        call(
          {
            verb: "patch",
            resource: "nodes",
            name: node,
            patch: (cur) => {
              const n = cur as Node;
              return n.spec.unschedulable ? undefined : { ...n, spec: { ...n.spec, unschedulable: true } };
            },
          },
          (res) =>
            done(
              res.status.code === 200 ? { ok: true, value: null } : { ok: false, error: statusError(res) },
            ),
        ),
      drain: (node, options, done) => this.drain(call, node, options, done),
      deleteNode: (node, done) =>
        call({ verb: "delete", resource: "nodes", name: node }, (res) =>
          done(
            res.status.code === 200 || res.status.reason === "NotFound"
              ? { ok: true, value: null }
              : { ok: false, error: statusError(res) },
          ),
        ),
      createBootstrapToken: (ttlUs, done) => {
        const id = randomString(this.rng, 6);
        const secret = randomString(this.rng, 16);
        const expiresAtUs = this.sim.now + ttlUs;
        const body = makeSecret(
          `bootstrap-token-${id}`,
          "kube-system",
          BOOTSTRAP_TOKEN_SECRET_TYPE,
          {
            "token-id": id,
            "token-secret": secret,
            expiration: String(expiresAtUs),
            "usage-bootstrap-authentication": "true",
            "usage-bootstrap-signing": "true",
          },
          this.sim.now,
        );
        call({ verb: "create", resource: "secrets", body }, (res) =>
          done(
            res.status.code === 201
              ? { ok: true, value: { tokenId: id, expiresAtUs } }
              : { ok: false, error: statusError(res) },
          ),
        );
      },
      getBootstrapToken: (id, done) =>
        call(
          { verb: "get", resource: "secrets", namespace: "kube-system", name: `bootstrap-token-${id}` },
          (res) => {
            if (res.status.reason === "NotFound") return done({ ok: true, value: undefined });
            if (res.status.code !== 200) return done({ ok: false, error: statusError(res) });
            return done({
              ok: true,
              value: { expiresAtUs: Number((res.object as Secret).data.expiration ?? 0) },
            });
          },
        ),
      refreshBootstrapToken: (id, expiresAtUs, done) =>
        call(
          {
            verb: "patch",
            resource: "secrets",
            namespace: "kube-system",
            name: `bootstrap-token-${id}`,
            patch: (cur) => {
              const s = cur as Secret;
              return { ...s, data: { ...s.data, expiration: String(expiresAtUs) } };
            },
          },
          (res) =>
            done(
              res.status.code === 200 ? { ok: true, value: null } : { ok: false, error: statusError(res) },
            ),
        ),
      etcdMembers: (via, done) => this.etcdMembers(via, done),
      etcdMoveLeader: (via, to, done) => this.etcdMoveLeader(via, to, done),
      etcdRemoveMember: (via, member, done) => this.etcdRemoveMember(via, member, done),
      close: () => {
        this.connectionOpen = false;
        nodes.stop();
        client.close();
      },
    };
  }

  private controlPlanePods(node: string): ReadonlyMap<ControlPlaneComponent, PodHealth> | undefined {
    const rt = this.kube.cluster.runtime(node);
    if (!rt) return undefined;
    const out = new Map<ControlPlaneComponent, PodHealth>();
    for (const c of COMPONENTS) out.set(c, rt.get(StaticPods.uid(c, node)) ? "Running" : "DoesNotExist");
    const unit = this.world.services.get(node)?.state("etcd");
    out.set(
      "etcd",
      unit === "active"
        ? "Running"
        : unit === "activating"
          ? "Provisioning"
          : unit === "failed"
            ? "Failed"
            : "DoesNotExist",
    );
    return out;
  }

  private drain(
    call: (req: Parameters<ApiClient["request"]>[0], done: (res: ApiResponse) => void) => void,
    node: string,
    options: DrainOptions,
    done: (r: ApiResult<{ readonly remaining: number }>) => void,
  ): void {
    call({ verb: "list", resource: "pods", fieldNodeName: node }, (res) => {
      if (res.status.code !== 200) return done({ ok: false, error: statusError(res) });
      const now = this.sim.now;
      const pods = ((res.items ?? []) as Pod[]).filter((p) => {
        // Mirror pods are skipped, as CAPI's drain does (kubectl drain's mirror pod filter).
        if (isMirrorPod(p)) return false;
        const del = p.metadata.deletionTimestampUs;
        // Unreachable Node: Pods whose deletion started long enough ago are ignored.
        const skip = options.skipDeletedOlderThanUs;
        return !(skip > 0 && del !== undefined && now - del > skip);
      });
      if (pods.length === 0) return done({ ok: true, value: { remaining: 0 } });
      let left = pods.length;
      for (const p of pods) {
        if (p.metadata.deletionTimestampUs !== undefined) {
          if (--left === 0) done({ ok: true, value: { remaining: pods.length } });
          continue;
        }
        call(
          {
            verb: "delete",
            resource: "pods",
            namespace: p.metadata.namespace,
            name: p.metadata.name,
            preconditionUid: p.metadata.uid,
            ...(options.gracePeriodSeconds !== undefined
              ? { gracePeriodSeconds: options.gracePeriodSeconds }
              : {}),
          },
          () => {
            if (--left === 0) done({ ok: true, value: { remaining: pods.length } });
          },
        );
      }
    });
  }

  // ---- etcd through the "port-forward" -----------------------------------------------------------

  private etcdClient(host: string): EtcdNetworkClient {
    let c = this.etcdClients.get(host);
    if (!c) {
      c = new EtcdNetworkClient(this.sim, this.world.network, this.mgmtHost, {
        endpoints: [host],
        requestTimeoutUs: ETCD_CALL_TIMEOUT_US,
        dialTimeoutUs: ETCD_DIAL_TIMEOUT_US,
      });
      this.etcdClients.set(host, c);
    }
    return c;
  }

  private notConnected<T>(done: (r: ApiResult<T>) => void): boolean {
    if (this.connectionOpen) return false;
    this.sim.after(0, () =>
      done({ ok: false, error: "ErrClusterNotConnected: connection to the workload cluster is down" }),
    );
    return true;
  }

  private etcdMembers(via: string, done: (r: ApiResult<EtcdMemberList>) => void): void {
    if (this.notConnected(done)) return;
    const c = this.etcdClient(via);
    c.memberList(
      (r) => {
        if (!r.ok) return done({ ok: false, error: r.error.message });
        const members: EtcdMemberView[] = r.value.map((m) => ({
          id: m.idHex,
          name: m.name,
          isLearner: m.isLearner,
          alarms: [],
        }));
        c.status(
          via,
          (s) => {
            const leader = s.ok ? r.value.find((m) => m.idHex === s.value.leaderHex)?.name : undefined;
            if (!s.ok || leader === undefined || leader === "")
              return done({ ok: false, error: "failed to get etcd leader" });
            done({ ok: true, value: { members, leader } });
          },
          { timeoutUs: ETCD_CALL_TIMEOUT_US },
        );
      },
      { endpoint: via, timeoutUs: ETCD_CALL_TIMEOUT_US },
    );
  }

  private etcdMoveLeader(via: string, to: string, done: (r: ApiResult<null>) => void): void {
    if (this.notConnected(done)) return;
    const c = this.etcdClient(via);
    c.memberList(
      (r) => {
        if (!r.ok) return done({ ok: false, error: r.error.message });
        const target = r.value.find((m) => m.name === to);
        if (!target) return done({ ok: false, error: `etcd member ${to} not found` });
        c.moveLeader(
          target.idHex,
          via,
          (m) => done(m.ok ? { ok: true, value: null } : { ok: false, error: m.error.message }),
          {
            timeoutUs: ETCD_CALL_TIMEOUT_US,
          },
        );
      },
      { endpoint: via, timeoutUs: ETCD_CALL_TIMEOUT_US },
    );
  }

  private etcdRemoveMember(via: string, member: string, done: (r: ApiResult<null>) => void): void {
    if (this.notConnected(done)) return;
    const c = this.etcdClient(via);
    c.memberList(
      (r) => {
        if (!r.ok) return done({ ok: false, error: r.error.message });
        const target = r.value.find((m) => m.name === member || m.idHex === member);
        if (!target) return done({ ok: true, value: null });
        c.memberRemove(
          target.idHex,
          (m) => done(m.ok ? { ok: true, value: null } : { ok: false, error: m.error.message }),
          {
            endpoint: via,
            timeoutUs: ETCD_CALL_TIMEOUT_US,
          },
        );
      },
      { endpoint: via, timeoutUs: ETCD_CALL_TIMEOUT_US },
    );
  }

  // ---- JoinEnvironment (from the new VM's guest) ---------------------------------------------------

  private guestClient(host: string): ApiClient | undefined {
    const vm = this.world.hypervisor.vm(host);
    if (!vm) return undefined;
    const cached = this.guestClients.get(host);
    if (cached && cached.vm === vm) return cached.client;
    const scope = new ProcessScope(vm.guest);
    const client = new ApiClient(
      this.world.network,
      host,
      scope,
      this.kube.cluster.endpoint,
      this.kube.settings.client,
      `kubeadm/${host}`,
    );
    vm.onStopped(() => {
      scope.end();
      if (this.guestClients.get(host)?.client === client) this.guestClients.delete(host);
    });
    this.guestClients.set(host, { vm, client });
    return client;
  }

  fetchClusterInfo(
    host: string,
    tokenId: string,
    done: (r: ApiResult<{ readonly signed: boolean }>) => void,
  ): void {
    const client = this.guestClient(host);
    if (!client) return;
    client.request(
      {
        verb: "get",
        resource: "configmaps",
        namespace: "kube-public",
        name: "cluster-info",
        resourceVersion: 0,
      },
      (res) => {
        if (res.status.code !== 200) return done({ ok: false, error: statusError(res) });
        const cm = res.object as ConfigMap;
        done({ ok: true, value: { signed: cm.data[`${JWS_KEY_PREFIX}${tokenId}`] !== undefined } });
      },
      API_TIMEOUT_US,
    );
  }

  tlsBootstrap(host: string, tokenId: string, done: (r: ApiResult<null>) => void): void {
    const client = this.guestClient(host);
    if (!client) return;
    client.request(
      { verb: "get", resource: "secrets", namespace: "kube-system", name: `bootstrap-token-${tokenId}` },
      (res) => {
        const s = res.object as Secret | undefined;
        const exp = Number(s?.data.expiration ?? 0);
        if (res.status.code === 200 && exp > this.sim.now) return done({ ok: true, value: null });
        if (res.status.code > 0 && res.status.code !== 200 && res.status.reason !== "NotFound")
          return done({ ok: false, error: statusError(res) });
        done({ ok: false, error: "Unauthorized: the bootstrap token is invalid or has expired" });
      },
      API_TIMEOUT_US,
    );
  }

  private memberHosts(except: string): string[] {
    return [...this.etcd.cluster.units.keys()].filter(
      (h) => h !== except && this.world.hypervisor.vm(h) !== undefined,
    );
  }

  private joinClient(host: string): EtcdNetworkClient | undefined {
    const vm = this.world.hypervisor.vm(host);
    const endpoints = this.memberHosts(host);
    if (!vm || endpoints.length === 0) return undefined;
    return new EtcdNetworkClient(this.sim, this.world.network, host, {
      endpoints,
      requestTimeoutUs: JOIN_ETCD_TIMEOUT_US,
      schedule: (d, fn) => {
        const e = vm.guest.after(d, fn);
        return () => {
          vm.guest.cancel(e);
        };
      },
    });
  }

  etcdAddLearner(host: string, member: string, done: (r: ApiResult<null>) => void): void {
    const c = this.joinClient(host);
    if (!c) {
      done({ ok: false, error: "etcd cluster is not healthy: no etcd endpoint to reach" });
      return;
    }
    const peerUrl = peerUrlOf(this.world.network.hostAddress(host));
    c.memberAdd(member, peerUrl, true, (r) => {
      c.close();
      done(r.ok ? { ok: true, value: null } : { ok: false, error: r.error.message });
    });
  }

  startEtcd(vm: Vm, member: string): void {
    installEtcdMember(this.world, this.etcd, vm, member);
  }

  etcdPromote(host: string, member: string, done: (r: ApiResult<null>) => void): void {
    const c = this.joinClient(host);
    if (!c) {
      done({ ok: false, error: "no etcd endpoint to reach" });
      return;
    }
    const peerUrl = peerUrlOf(this.world.network.hostAddress(host));
    c.memberList((r) => {
      if (!r.ok) {
        c.close();
        return done({ ok: false, error: r.error.message });
      }
      const m = r.value.find((x) => x.name === member || x.peerUrl === peerUrl);
      if (!m) {
        c.close();
        return done({ ok: false, error: "etcdserver: member not found" });
      }
      c.memberPromote(m.idHex, (p) => {
        c.close();
        done(p.ok ? { ok: true, value: null } : { ok: false, error: p.error.message });
      });
    });
  }

  startNode(vm: Vm, nodeName: string, controlPlane: boolean): void {
    installJoinedNode(this.world, this.kube, vm, nodeName, controlPlane);
  }
}

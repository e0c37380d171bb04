/**
 * The network implementation of {@link EtcdClient}: requests travel from the client's host to a
 * member's port 2379 and back, and take simulated time.
 *
 * What is modelled of clientv3 and its gRPC balancer (etcd `client/v3`, gRPC round_robin):
 * - requests go round-robin over the endpoints whose connection is READY; when none is, they wait
 *   for one (clientv3 uses wait-for-ready) until their deadline;
 * - a connection refused (the VM is up, etcd is not) takes the endpoint out of rotation and the
 *   same request is retried at once elsewhere — it never reached a server, so this is safe for
 *   writes too (clientv3 `isSafeRetryMutableRPC`);
 * - an endpoint out of rotation reconnects after a backoff (1 s, ×1.6 per failure, at most 30 s;
 *   gRPC's defaults start at 1 s): a TCP connect that must succeed before requests go there again;
 * - every request has a deadline (the caller's, or the client's default); when it passes the
 *   caller gets `context deadline exceeded` and the endpoint leaves the rotation (a request with no
 *   answer at all means the connection is dead, which gRPC keepalive would also find);
 * - when a member process dies on a running VM its connections are reset: requests in flight fail
 *   with Unavailable (reads are retried on another endpoint, writes are not: they may have been
 *   received), and watch streams end;
 * - watch streams are checked with gRPC keepalive: a ping every 30 s, dead if no answer within
 *   10 s (kube-apiserver's etcd client settings: keepaliveTime 30 s, keepaliveTimeout 10 s,
 *   k8s.io/apiserver storagebackend/factory/etcd3.go).
 * Not modelled: TLS, authentication, request size limits, gRPC retry of server-side Unavailable
 * errors.
 */
import type { Network } from "../infra/network.js";
import type { Simulation } from "../sim/simulation.js";
import { type Micros, SECOND } from "../sim/time.js";
import type {
  Callback,
  Compare,
  DeleteResponse,
  EtcdClient,
  EtcdError,
  PutResponse,
  RangeOptions,
  RangeResponse,
  RequestOptions,
  Result,
  TxnOp,
  TxnResponse,
  WatchCallbacks,
  WatchHandle,
} from "./client-api.js";
import { ERR_DEADLINE, ERR_STREAM_BROKEN, ERR_UNAVAILABLE } from "./errors.js";
import {
  CLIENT_PORT,
  type ClientOp,
  type ClientReply,
  type ClientWire,
  CONTROL_BYTES,
  type MemberListEntry,
  type MemberStatus,
  type SnapshotFile,
} from "./wire.js";

/** Options of a network client. */
export interface NetworkClientOptions {
  /** Member hosts (VM names), in the order of `--endpoints`. */
  readonly endpoints: readonly string[];
  /** Default deadline of a request. Default 10 s. */
  readonly requestTimeoutUs?: Micros;
  /** gRPC keepalive of watch streams. Defaults 30 s and 10 s. */
  readonly keepAliveTimeUs?: Micros;
  readonly keepAliveTimeoutUs?: Micros;
  /** Timeout of a reconnect's TCP connect. Default 2 s (etcdctl `--dial-timeout`). */
  readonly dialTimeoutUs?: Micros;
  /**
   * Schedules client timers, optionally returning a function that cancels the timer; default the
   * simulation. A client inside a VM passes its guest clock (`(d, fn) => { const e = guest.after(d,
   * fn); return () => guest.cancel(e); }`) so its timers die with the guest.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a scheduler may or may not offer cancellation
  readonly schedule?: (delayUs: Micros, fn: () => void) => (() => void) | void;
}

/** Per-call options of operator requests. */
export interface CallOptions extends RequestOptions {
  /** Send only to this endpoint, without failover (etcdctl with one `--endpoints`). */
  readonly endpoint?: string;
}

interface EndpointState {
  readonly host: string;
  /** READY: requests may go there. Otherwise a reconnect is scheduled or in progress. */
  ready: boolean;
  backoffUs: number;
}

interface PendingRequest {
  readonly id: number;
  readonly op: ClientOp;
  readonly done: (r: Result<unknown>) => void;
  readonly deadlineUs: number;
  readonly pinned: boolean;
  /** Where it was sent; undefined while it waits for a ready endpoint. */
  endpoint: EndpointState | undefined;
  finished: boolean;
}

interface WatchState {
  readonly id: number;
  readonly key: string;
  readonly prefix: boolean;
  readonly fromRevision: number;
  readonly callbacks: WatchCallbacks;
  endpoint: EndpointState;
  ended: boolean;
  triedOthers: number;
}

const BACKOFF_BASE_US = SECOND;
const BACKOFF_MAX_US = 30 * SECOND;

/** A clientv3-like client on one host. Call `close()` when its process ends. */
export class EtcdNetworkClient implements EtcdClient {
  private readonly endpoints: EndpointState[];
  private readonly port: number;
  private readonly pending = new Map<number, PendingRequest>();
  /** Requests waiting for an endpoint to become ready, oldest first. */
  private waiting: number[] = [];
  private readonly watches = new Map<number, WatchState>();
  private readonly pings = new Map<string, { id: number; answered: boolean }>();
  private nextId = 1;
  private nextEndpoint = 0;
  private closed = false;
  private readonly timeoutUs: Micros;
  private readonly keepAliveTimeUs: Micros;
  private readonly keepAliveTimeoutUs: Micros;
  private readonly dialTimeoutUs: Micros;
  // biome-ignore lint/suspicious/noConfusingVoidType: see NetworkClientOptions.schedule
  private readonly schedule: (delayUs: Micros, fn: () => void) => (() => void) | void;
  /**
   * Request deadlines share one timer, armed for the earliest deadline of the requests in flight
   * (`armedDeadlineUs`, Infinity when none): almost every request is answered long before its
   * deadline, so a timer per request would be scheduled and cancelled for nothing. When the timer
   * fires, every request whose deadline has come fails, in the order they were sent, and the
   * timer is re-armed for the next one — each still fails at exactly its own deadline.
   */
  private armedDeadlineUs = Number.POSITIVE_INFINITY;
  private cancelArmed: (() => void) | undefined;
  private armedToken = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly network: Network,
    /** The host the client runs on. */
    readonly host: string,
    options: NetworkClientOptions,
  ) {
    if (options.endpoints.length === 0) throw new Error("etcd client: at least one endpoint is needed");
    this.endpoints = options.endpoints.map((h) => ({ host: h, ready: true, backoffUs: BACKOFF_BASE_US }));
    this.dialTimeoutUs = options.dialTimeoutUs ?? 2 * SECOND;
    this.timeoutUs = options.requestTimeoutUs ?? 10 * SECOND;
    this.keepAliveTimeUs = options.keepAliveTimeUs ?? 30 * SECOND;
    this.keepAliveTimeoutUs = options.keepAliveTimeoutUs ?? 10 * SECOND;
    this.schedule =
      options.schedule ??
      ((d, fn) => {
        const id = sim.after(d, fn);
        return () => void sim.cancel(id);
      });
    let port = 40000;
    while (network.isListening(host, port)) port++;
    this.port = port;
    network.listen(host, port, (m: ClientReply, from: string) => this.onReply(m, from));
  }

  /** Stops the client: nothing more is sent or answered. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.network.unlisten(this.host, this.port);
  }

  // ---------------------------------------------------------------- EtcdClient

  put(
    key: string,
    value: unknown,
    bytes: number,
    done: Callback<PutResponse>,
    options?: RequestOptions,
  ): void {
    this.call({ type: "put", key, value, bytes }, done as Callback<unknown>, options);
  }

  get(key: string, done: Callback<RangeResponse>, options?: RangeOptions & RequestOptions): void {
    this.call(
      {
        type: "range",
        key,
        prefix: options?.prefix ?? false,
        serializable: options?.serializable ?? false,
        limit: options?.limit ?? 0,
        keysOnly: options?.keysOnly ?? false,
      },
      done as Callback<unknown>,
      options,
    );
  }

  delete(
    key: string,
    done: Callback<DeleteResponse>,
    options?: { readonly prefix?: boolean } & RequestOptions,
  ): void {
    this.call({ type: "delete", key, prefix: options?.prefix ?? false }, done as Callback<unknown>, options);
  }

  txn(
    compares: readonly Compare[],
    success: readonly TxnOp[],
    failure: readonly TxnOp[],
    done: Callback<TxnResponse>,
    options?: RequestOptions,
  ): void {
    this.call({ type: "txn", compares, success, failure }, done as Callback<unknown>, options);
  }

  watch(
    key: string,
    options: { readonly prefix?: boolean; readonly fromRevision?: number },
    callbacks: WatchCallbacks,
  ): WatchHandle {
    const endpoint = this.pick() ?? this.endpoints[0];
    if (endpoint === undefined) {
      // No endpoint at all (every pod behind the Service was deleted): the stream cannot open.
      let cancelled = false;
      this.schedule(0, () => {
        if (!cancelled && !this.closed) callbacks.onError(ERR_UNAVAILABLE);
      });
      return {
        cancel: () => {
          cancelled = true;
        },
      };
    }
    const w: WatchState = {
      id: this.nextId++,
      key,
      prefix: options.prefix ?? false,
      fromRevision: options.fromRevision ?? 0,
      callbacks,
      endpoint,
      ended: false,
      triedOthers: 0,
    };
    this.watches.set(w.id, w);
    this.openWatch(w);
    return {
      cancel: () => {
        if (w.ended) return;
        w.ended = true;
        this.watches.delete(w.id);
        this.sendTo(w.endpoint, { kind: "watchCancel", watchId: w.id, replyPort: this.port });
      },
    };
  }

  // ---------------------------------------------------------------- operator calls (etcdctl)

  /** `etcdctl member list`. */
  memberList(done: Callback<MemberListEntry[]>, options?: CallOptions): void {
    this.call({ type: "memberList", linearizable: false }, done as Callback<unknown>, options);
  }

  /** `etcdctl member add --peer-urls=… [--learner]` for a member that will run on `host`. */
  memberAdd(
    host: string,
    peerUrl: string,
    learner: boolean,
    done: Callback<MemberListEntry[]>,
    options?: CallOptions,
  ): void {
    this.call({ type: "memberAdd", host, peerUrl, learner }, done as Callback<unknown>, options);
  }

  /** `etcdctl member remove <id>`. */
  memberRemove(idHex: string, done: Callback<MemberListEntry[]>, options?: CallOptions): void {
    this.call({ type: "memberRemove", idHex }, done as Callback<unknown>, options);
  }

  /** `etcdctl member promote <id>`. */
  memberPromote(idHex: string, done: Callback<MemberListEntry[]>, options?: CallOptions): void {
    this.call({ type: "memberPromote", idHex }, done as Callback<unknown>, options);
  }

  /** `etcdctl endpoint status` of one endpoint. */
  status(endpoint: string, done: Callback<MemberStatus>, options?: RequestOptions): void {
    this.call({ type: "status" }, done as Callback<unknown>, { ...options, endpoint });
  }

  /** `etcdctl snapshot save` from exactly one endpoint. */
  snapshot(endpoint: string, done: Callback<SnapshotFile>, options?: RequestOptions): void {
    this.call({ type: "snapshot" }, done as Callback<unknown>, { ...options, endpoint });
  }

  /** `etcdctl move-leader <id>` (sent to the current leader). */
  moveLeader(idHex: string, endpoint: string, done: Callback<null>, options?: RequestOptions): void {
    this.call({ type: "moveLeader", idHex }, done as Callback<unknown>, { ...options, endpoint });
  }

  // ---------------------------------------------------------------- requests

  private call(op: ClientOp, done: Callback<unknown>, options?: CallOptions): void {
    if (this.closed) {
      done({ ok: false, error: ERR_UNAVAILABLE });
      return;
    }
    const id = this.nextId++;
    const pinnedHost = options?.endpoint;
    const pinned = pinnedHost !== undefined;
    const timeout = options?.timeoutUs ?? this.timeoutUs;
    const p: PendingRequest = {
      id,
      op,
      done,
      deadlineUs: this.sim.now + timeout,
      pinned,
      endpoint: pinned ? this.endpointFor(pinnedHost) : this.pick(),
      finished: false,
    };
    this.pending.set(id, p);
    // An armed deadline already past was voided (the guest stopped under the timer): re-arm.
    if (p.deadlineUs < this.armedDeadlineUs || this.armedDeadlineUs < this.sim.now)
      this.armDeadline(p.deadlineUs);
    if (p.endpoint === undefined) this.waiting.push(id);
    else this.attempt(id, p, p.endpoint);
  }

  private attempt(id: number, p: PendingRequest, ep: EndpointState): void {
    p.endpoint = ep;
    const msg: ClientWire = { kind: "request", id, replyPort: this.port, op: p.op };
    let bytes = CONTROL_BYTES;
    if (p.op.type === "put") bytes += p.op.bytes + p.op.key.length;
    this.network.send(this.host, ep.host, CLIENT_PORT, msg, bytes, this.refusedOptions);
  }

  /**
   * A refused connection refuses every request sent on it: those requests never reached a server,
   * so they are retried elsewhere (pinned ones fail). One shared handler, no closure per request.
   */
  private readonly refusedOptions = {
    onRefused: (toHost: string): void => {
      if (this.closed) return;
      const ep = this.endpointFor(toHost);
      this.notReady(ep);
      for (const [id, p] of [...this.pending]) {
        if (p.finished || p.endpoint?.host !== toHost) continue;
        if (p.pinned) this.finish(id, p, { ok: false, error: ERR_UNAVAILABLE });
        else this.reroute(id, p);
      }
    },
  };

  private reroute(id: number, p: PendingRequest): void {
    const next = this.pick();
    if (next !== undefined) this.attempt(id, p, next);
    else {
      p.endpoint = undefined;
      this.waiting.push(id);
    }
  }

  private armDeadline(atUs: number): void {
    this.cancelArmed?.();
    this.armedDeadlineUs = atUs;
    const token = ++this.armedToken;
    this.cancelArmed =
      this.schedule(atUs - this.sim.now, () => {
        if (token === this.armedToken) this.deadlinesDue();
      }) ?? undefined;
  }

  /** The deadline timer fired: fail every request whose deadline has come, then re-arm. */
  private deadlinesDue(): void {
    this.cancelArmed = undefined;
    this.armedDeadlineUs = Number.POSITIVE_INFINITY;
    const now = this.sim.now;
    // Requests sent from the callbacks below join the map (and may arm the timer) as we go.
    let next = Number.POSITIVE_INFINITY;
    for (const p of this.pending.values()) {
      if (p.finished) continue;
      if (p.deadlineUs <= now) this.deadline(p);
      else if (p.deadlineUs < next) next = p.deadlineUs;
    }
    if (next < this.armedDeadlineUs) this.armDeadline(next);
  }

  private deadline(p: PendingRequest): void {
    if (p.finished) return;
    const ep = p.endpoint;
    this.finish(p.id, p, {
      ok: false,
      error: ep === undefined ? ERR_DEADLINE : { ...ERR_DEADLINE, endpoint: ep.host },
    });
    if (ep !== undefined && !p.pinned) this.notReady(ep);
  }

  private finish(id: number, p: PendingRequest, r: Result<unknown>): void {
    if (p.finished) return;
    p.finished = true;
    this.pending.delete(id);
    p.done(r);
  }

  /**
   * Adds a member host to the endpoints (a Kubernetes client Service gaining a new pod: the etcd
   * operator's clients reach its members through the cluster's `-client` Service).
   */
  addEndpoint(host: string): void {
    if (this.endpoints.some((e) => e.host === host)) return;
    this.endpoints.push({ host, ready: true, backoffUs: BACKOFF_BASE_US });
  }

  /**
   * Removes a member host from the endpoints (its pod was deleted, so the `-client` Service no
   * longer lists it). Requests already sent there run to their deadline; new ones go elsewhere.
   */
  removeEndpoint(host: string): void {
    const i = this.endpoints.findIndex((e) => e.host === host);
    if (i < 0) return;
    this.endpoints.splice(i, 1);
    if (i < this.nextEndpoint) this.nextEndpoint--;
    if (this.nextEndpoint >= this.endpoints.length) this.nextEndpoint = 0;
  }

  /** How many endpoints the client round-robins over now. */
  get endpointCount(): number {
    return this.endpoints.length;
  }

  private endpointFor(host: string): EndpointState {
    return this.endpoints.find((e) => e.host === host) ?? { host, ready: true, backoffUs: BACKOFF_BASE_US };
  }

  /** Round-robin over READY endpoints; undefined when none is. */
  private pick(): EndpointState | undefined {
    const n = this.endpoints.length;
    for (let k = 0; k < n; k++) {
      const e = this.endpoints[(this.nextEndpoint + k) % n]!;
      if (e.ready) {
        this.nextEndpoint = (this.nextEndpoint + k + 1) % n;
        return e;
      }
    }
    return undefined;
  }

  /** Takes an endpoint out of rotation and schedules its reconnect (gRPC subchannel backoff). */
  private notReady(e: EndpointState): void {
    if (!e.ready || !this.endpoints.includes(e)) return;
    e.ready = false;
    const reconnect = (): void => {
      if (this.closed) return;
      this.network.probe(this.host, e.host, CLIENT_PORT, this.dialTimeoutUs, (result) => {
        if (this.closed) return;
        if (result === "ok") {
          e.ready = true;
          e.backoffUs = BACKOFF_BASE_US;
          this.flushWaiting();
          return;
        }
        e.backoffUs = Math.min(BACKOFF_MAX_US, Math.round(e.backoffUs * 1.6));
        this.schedule(e.backoffUs, reconnect);
      });
    };
    this.schedule(e.backoffUs, reconnect);
  }

  private flushWaiting(): void {
    const ids = this.waiting;
    this.waiting = [];
    for (const id of ids) {
      const p = this.pending.get(id);
      if (p === undefined || p.finished) continue;
      this.reroute(id, p);
    }
  }

  private sendTo(e: EndpointState, msg: ClientWire): void {
    this.network.send(this.host, e.host, CLIENT_PORT, msg, CONTROL_BYTES);
  }

  // ---------------------------------------------------------------- watches

  private openWatch(w: WatchState): void {
    const ep = w.endpoint;
    this.network.send(
      this.host,
      ep.host,
      CLIENT_PORT,
      {
        kind: "watchCreate",
        watchId: w.id,
        replyPort: this.port,
        key: w.key,
        prefix: w.prefix,
        fromRevision: w.fromRevision,
      } satisfies ClientWire,
      CONTROL_BYTES,
      {
        onRefused: () => {
          if (w.ended || this.closed) return;
          this.notReady(ep);
          const next = this.pick();
          if (next !== undefined && w.triedOthers < this.endpoints.length - 1) {
            w.triedOthers++;
            w.endpoint = next;
            this.openWatch(w);
          } else this.endWatch(w, ERR_UNAVAILABLE);
        },
      },
    );
    this.keepAlive(ep);
  }

  private endWatch(w: WatchState, error: EtcdError): void {
    if (w.ended) return;
    w.ended = true;
    this.watches.delete(w.id);
    w.callbacks.onError(error);
  }

  /** gRPC keepalive on an endpoint with open watches. */
  private keepAlive(ep: EndpointState): void {
    if (this.pings.has(ep.host)) return;
    const state = { id: 0, answered: true };
    this.pings.set(ep.host, state);
    const round = (): void => {
      if (this.closed) return;
      if (![...this.watches.values()].some((w) => w.endpoint === ep)) {
        this.pings.delete(ep.host);
        return;
      }
      state.id = this.nextId++;
      state.answered = false;
      const id = state.id;
      this.sendTo(ep, { kind: "ping", id, replyPort: this.port });
      this.schedule(this.keepAliveTimeoutUs, () => {
        if (this.closed || state.answered || state.id !== id) return;
        this.connectionLost(ep.host);
      });
      this.schedule(this.keepAliveTimeUs, round);
    };
    this.schedule(this.keepAliveTimeUs, round);
  }

  private connectionLost(host: string): void {
    const ep = this.endpointFor(host);
    this.notReady(ep);
    for (const w of [...this.watches.values()])
      if (w.endpoint.host === host) this.endWatch(w, ERR_STREAM_BROKEN);
  }

  // ---------------------------------------------------------------- replies

  private onReply(m: ClientReply, from: string): void {
    if (this.closed) return;
    switch (m.kind) {
      case "response": {
        const p = this.pending.get(m.id);
        if (p === undefined) return;
        this.finish(m.id, p, m.result);
        return;
      }
      case "watchEvents": {
        const w = this.watches.get(m.watchId);
        if (w !== undefined && !w.ended) w.callbacks.onEvents(m.events, m.revision);
        return;
      }
      case "watchError": {
        const w = this.watches.get(m.watchId);
        if (w !== undefined) this.endWatch(w, m.error);
        return;
      }
      case "pong": {
        const s = this.pings.get(from);
        if (s !== undefined && s.id === m.id) s.answered = true;
        return;
      }
      case "reset":
        this.reset(from);
        return;
    }
  }

  /** The member on `host` died with the VM still up: its connections were reset. */
  private reset(host: string): void {
    const ep = this.endpointFor(host);
    this.notReady(ep);
    for (const [id, p] of [...this.pending]) {
      if (p.endpoint?.host !== host || p.finished) continue;
      if (p.op.type === "range" && !p.pinned && this.sim.now < p.deadlineUs) this.reroute(id, p);
      else this.finish(id, p, { ok: false, error: { ...ERR_STREAM_BROKEN, endpoint: host } });
    }
    for (const w of [...this.watches.values()])
      if (w.endpoint.host === host) this.endWatch(w, ERR_STREAM_BROKEN);
  }
}

/**
 * A Kubernetes API client as client-go behaves on the wire: one connection at a time to wherever the
 * kubeconfig's server leads (`ApiEndpoint`), carrying every request and watch of the component.
 *
 * - Dialling is a TCP connect (`Network.probe`) with client-go's 30 s dial timeout; a refused or
 *   timed-out dial fails the waiting requests with the words kubectl prints (`dial tcp
 *   192.168.3.101:6443: connect: connection refused`).
 * - An idle connection is checked with an HTTP/2 ping after ReadIdleTimeout (30 s) and dropped when
 *   no answer comes within PingTimeout (15 s) (k8s.io/apimachinery `pkg/util/net/http.go`). That is
 *   how a client notices an apiserver whose VM died; a process that dies on a running VM closes its
 *   sockets at once.
 * - When the connection ends, pending requests fail and watches end; the next request dials again,
 *   and through a load balancer or VIP may reach another apiserver.
 */

import type { GuestEvent } from "../../infra/guest.js";
import type { Endpoint, Network } from "../../infra/network.js";
import type { HostName, Port, SendOptions } from "../../infra/network-types.js";
import type { Micros } from "../../sim/time.js";
import type { ApiRequest, ApiResponse, ApiWatchEvent } from "../api/request.js";
import { type ApiStatus, transport } from "../api/status.js";
import { APISERVER_PORT, FRAME_BYTES, type ToClient, type ToServer } from "../api/wire.js";
import type { ProcessScope, ScopeTimer } from "../process-scope.js";
import type { ApiEndpoint } from "./endpoint.js";
import { ephemeralPort } from "./ports.js";

/** client-go transport settings. */
export interface ClientSettings {
  /** net.Dialer Timeout: 30 s. */
  readonly dialTimeoutUs: Micros;
  /** HTTP/2 ReadIdleTimeout: 30 s. */
  readonly readIdleTimeoutUs: Micros;
  /** HTTP/2 PingTimeout: 15 s. */
  readonly pingTimeoutUs: Micros;
}

/** Receives a watch's events until it ends. */
export interface WatchHandlers {
  events(events: readonly ApiWatchEvent[]): void;
  ended(status: ApiStatus): void;
}

/** A running watch. */
export interface ClientWatch {
  stop(): void;
}

type Done = (res: ApiResponse) => void;

interface Pending {
  readonly done: Done;
  timer: GuestEvent | undefined;
}

interface Connection {
  readonly id: number;
  readonly server: HostName;
  readonly address: string;
  readonly proxied: boolean;
  state: "connecting" | "open" | "closed";
  readonly queue: ToServer[];
  readonly pending: Map<number, Pending>;
  readonly watches: Map<number, WatchHandlers>;
  lastRecvUs: Micros;
  pingAtUs: Micros;
  keepalive: ScopeTimer | undefined;
  sendOptions: SendOptions;
}

const LOST = "http2: client connection lost";

/** The API client of one component process. */
export class ApiClient {
  private readonly port: Port;
  private readonly socket: Endpoint;
  private conn: Connection | undefined;
  private connSeq = 0;
  private reqSeq = 0;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly network: Network,
    readonly host: HostName,
    private readonly scope: ProcessScope,
    private readonly endpoint: ApiEndpoint,
    private readonly settings: ClientSettings,
    /** `kubelet/worker-0`, `kube-controller-manager`, … */
    readonly userAgent: string,
  ) {
    this.port = ephemeralPort(network, host);
    this.socket = network.listen<ToClient>(host, this.port, (m) => this.receive(m));
    this.unsubscribe = scope.onEnd(() => this.close());
  }

  /** The apiserver host of the current connection, if any. */
  get server(): HostName | undefined {
    return this.conn?.state === "open" ? this.conn.server : undefined;
  }

  /** Sends a request; `done` runs exactly once (unless the process ends first). */
  request(req: ApiRequest, done: Done, timeoutUs?: Micros): void {
    if (this.closed) return;
    const c = this.connection();
    const id = ++this.reqSeq;
    const p: Pending = { done, timer: undefined };
    c.pending.set(id, p);
    if (timeoutUs !== undefined) {
      p.timer = this.scope.after(timeoutUs, () => {
        if (c.pending.delete(id)) {
          done({ status: transport(`context deadline exceeded (Client.Timeout ${timeoutUs / 1e6}s)`) });
        }
      });
    }
    this.send(c, { t: "req", conn: c.id, port: this.port, id, req });
  }

  /** Starts a watch on the current connection. */
  watch(req: ApiRequest, handlers: WatchHandlers): ClientWatch {
    if (this.closed) return { stop() {} };
    const c = this.connection();
    const id = ++this.reqSeq;
    c.watches.set(id, handlers);
    this.send(c, { t: "watch", conn: c.id, port: this.port, id, req });
    return {
      stop: () => {
        if (c.watches.delete(id) && c.state === "open") {
          this.send(c, { t: "unwatch", conn: c.id, port: this.port, id });
        }
      },
    };
  }

  /**
   * Drops the connection (the kubelet does this after failed heartbeats, `closeAllConns`, so the
   * next dial can reach a healthy apiserver behind the endpoint).
   */
  resetConnection(reason = "connection reset by client"): void {
    const c = this.conn;
    if (!c) return;
    if (c.state === "open")
      this.network.send(
        this.host,
        c.server,
        APISERVER_PORT,
        { t: "close", conn: c.id, port: this.port },
        FRAME_BYTES,
      );
    this.fail(c, transport(reason));
  }

  /** The process ended: drop the connection and the socket. */
  close(): void {
    if (this.closed) return;
    this.resetConnection("client closed");
    this.closed = true;
    this.socket.close();
    this.unsubscribe();
  }

  // ---- internals -------------------------------------------------------------------------------

  private connection(): Connection {
    const existing = this.conn;
    if (existing && existing.state !== "closed") return existing;
    const r = this.endpoint.resolve();
    const id = ++this.connSeq;
    const c: Connection = {
      id,
      server: "error" in r ? "" : r.host,
      address: "error" in r ? "" : r.address,
      proxied: "error" in r ? false : r.proxied,
      state: "connecting",
      queue: [],
      pending: new Map(),
      watches: new Map(),
      lastRecvUs: this.scope.now,
      pingAtUs: -1,
      keepalive: undefined,
      sendOptions: {},
    };
    c.sendOptions = { onRefused: () => this.lost(c, "connection reset by peer") };
    this.conn = c;
    if ("error" in r) {
      const message = r.error;
      this.scope.after(r.afterUs, () => this.fail(c, transport(message)));
      return c;
    }
    this.network.probe(this.host, r.host, APISERVER_PORT, this.settings.dialTimeoutUs, (result) => {
      if (!this.scope.alive || c.state !== "connecting") return;
      if (result === "ok") return this.opened(c);
      const addr = `${c.address}:${APISERVER_PORT}`;
      if (c.proxied) return this.fail(c, transport(`Get "https://${addr}": EOF`));
      this.fail(
        c,
        transport(
          result === "refused"
            ? `dial tcp ${addr}: connect: connection refused`
            : `dial tcp ${addr}: i/o timeout`,
        ),
      );
    });
    return c;
  }

  private opened(c: Connection): void {
    c.state = "open";
    c.lastRecvUs = this.scope.now;
    for (const m of c.queue)
      this.network.send(this.host, c.server, APISERVER_PORT, m, sizeOf(m), c.sendOptions);
    c.queue.length = 0;
    c.keepalive = this.scope.timer(() => this.keepalive(c));
    c.keepalive.start(this.settings.readIdleTimeoutUs);
  }

  private send(c: Connection, m: ToServer): void {
    if (c.state === "open")
      this.network.send(this.host, c.server, APISERVER_PORT, m, sizeOf(m), c.sendOptions);
    else if (c.state === "connecting") c.queue.push(m);
  }

  private keepalive(c: Connection): void {
    if (c.state !== "open" || this.conn !== c) return;
    const now = this.scope.now;
    if (c.pingAtUs >= 0) {
      if (c.lastRecvUs < c.pingAtUs) {
        this.lost(c, LOST);
        return;
      }
      c.pingAtUs = -1;
    }
    const idle = now - c.lastRecvUs;
    if (idle >= this.settings.readIdleTimeoutUs) {
      c.pingAtUs = now;
      this.network.send(
        this.host,
        c.server,
        APISERVER_PORT,
        { t: "ping", conn: c.id, port: this.port },
        FRAME_BYTES,
        c.sendOptions,
      );
      c.keepalive?.start(this.settings.pingTimeoutUs);
    } else {
      c.keepalive?.start(this.settings.readIdleTimeoutUs - idle);
    }
  }

  private receive(m: ToClient): void {
    const c = this.conn;
    if (!c || m.conn !== c.id || c.state !== "open" || !this.scope.alive) return;
    c.lastRecvUs = this.scope.now;
    switch (m.t) {
      case "res": {
        const p = c.pending.get(m.id);
        if (!p) return;
        c.pending.delete(m.id);
        if (p.timer) this.scope.cancel(p.timer);
        p.done(m.res);
        return;
      }
      case "events":
        c.watches.get(m.id)?.events(m.events);
        return;
      case "wend": {
        const h = c.watches.get(m.id);
        if (!h) return;
        c.watches.delete(m.id);
        h.ended(m.status);
        return;
      }
      case "pong":
        return;
      case "close":
        this.lost(c, "unexpected EOF");
        return;
    }
  }

  private lost(c: Connection, message: string): void {
    if (c.state === "closed") return;
    this.fail(c, transport(message));
  }

  private fail(c: Connection, status: ApiStatus): void {
    if (c.state === "closed") return;
    c.state = "closed";
    c.keepalive?.cancel();
    if (this.conn === c) this.conn = undefined;
    const pending = [...c.pending.values()];
    const watches = [...c.watches.values()];
    c.pending.clear();
    c.watches.clear();
    c.queue.length = 0;
    if (!this.scope.alive) return;
    for (const p of pending) {
      if (p.timer) this.scope.cancel(p.timer);
      p.done({ status });
    }
    for (const w of watches) w.ended(status);
  }
}

function sizeOf(m: ToServer): number {
  return m.t === "req" && m.req.body ? FRAME_BYTES + 2_000 : FRAME_BYTES;
}

/**
 * The kube-apiserver process: a watch cache per resource, request handling over its etcd client,
 * and the secure port 6443 on its host. In the stacked topology its etcd client has one endpoint,
 * the local member (kubeadm `--etcd-servers=https://127.0.0.1:2379`); with external etcd, every
 * member (capi-kube.md §5).
 *
 * It listens once started (after `startupUs`); `/readyz` and `/livez` answer 200 only while the etcd
 * check passes (and `/readyz` not before start-up hooks are done), so an apiserver whose etcd is
 * down is unready even while the rest of the cluster has quorum (seed 000). When the process dies
 * its connections close (clients see EOF at once); when its VM dies they just go silent.
 *
 * Trace: `kube.apiserver.ready {ready, reason}` whenever a health check's answer differs from the
 * previous one.
 */
import type { EtcdClient } from "../../etcd/client-api.js";
import type { Endpoint, Network } from "../../infra/network.js";
import type { HostName, Port } from "../../infra/network-types.js";
import type { Process } from "../../infra/services.js";
import type { Rng } from "../../sim/rng.js";
import type { Micros } from "../../sim/time.js";
import type { ApiResponse } from "../api/request.js";
import { APISERVER_PORT, FRAME_BYTES, type ToClient, type ToServer } from "../api/wire.js";
import type { ProcessScope } from "../process-scope.js";
import { RESOURCES, type Resource } from "../storage/resources.js";
import { ApiHandler, type HandlerSettings } from "./handler.js";
import { type CacheListener, type CacheWatch, WatchCache } from "./watch-cache.js";

/** kube-apiserver settings. */
export interface ApiServerSettings extends HandlerSettings {
  /** From process start to serving on 6443 with post-start hooks done (assumption, seconds). */
  readonly startupUs: Micros;
}

/** What an apiserver process is built from. */
export interface ApiServerContext {
  readonly network: Network;
  readonly host: HostName;
  readonly scope: ProcessScope;
  readonly etcd: EtcdClient;
  readonly settings: ApiServerSettings;
  readonly rng: Rng;
  readonly listener?: CacheListener;
  readonly emit: (kind: string, subject: string, fields: Record<string, unknown>) => void;
  /**
   * Settled start (the cluster exists when the run begins): serve as soon as every watch cache has
   * listed, instead of after `startupUs`.
   */
  readonly settled?: boolean;
  /** Told once the apiserver listens on 6443. */
  readonly onServing?: () => void;
}

interface ClientConn {
  readonly host: HostName;
  readonly port: Port;
  readonly conn: number;
  readonly watches: Map<number, CacheWatch>;
}

/** One kube-apiserver. */
export class ApiServer implements Process {
  private readonly caches = new Map<Resource, WatchCache>();
  private readonly handler: ApiHandler;
  private socket: Endpoint | undefined;
  private readonly conns = new Map<string, ClientConn>();
  private started = false;
  private lastHealth: boolean | undefined;
  private shuttingDown = false;

  constructor(private readonly ctx: ApiServerContext) {
    const clock = {
      get now() {
        return ctx.scope.now;
      },
      after: (d: Micros, fn: () => void) => void ctx.scope.after(d, fn),
    };
    for (const info of RESOURCES) {
      this.caches.set(info.resource, new WatchCache(info, ctx.etcd, clock, ctx.listener));
    }
    this.handler = new ApiHandler(ctx.etcd, this.caches, ctx.settings, clock, ctx.rng);
    for (const c of this.caches.values()) c.start();
    if (ctx.settled) this.lastHealth = true;
    if (ctx.settled) this.serveWhenCached();
    else ctx.scope.after(ctx.settings.startupUs, () => this.serve());
    ctx.scope.onEnd(() => this.shutdown());
  }

  /** The watch cache of a resource (for tests and views). */
  cache(resource: Resource): WatchCache {
    return this.caches.get(resource)!;
  }

  /** The last health-check answer (undefined before any check). */
  get healthy(): boolean | undefined {
    return this.lastHealth;
  }

  /** Handles a request in-process (tests; the network path uses the same handler). */
  get requestHandler(): ApiHandler {
    return this.handler;
  }

  terminate(exited: () => void): void {
    // Graceful shutdown: stop serving, close connections; the process exits shortly after.
    this.ctx.scope.end();
    this.ctx.scope.clock.after(1_000_000, exited);
  }

  kill(): void {
    this.ctx.scope.end();
  }

  // ---- internals -------------------------------------------------------------------------------

  /** True once listening on 6443. */
  get serving(): boolean {
    return this.started;
  }

  private serveWhenCached(): void {
    for (const c of this.caches.values()) {
      if (!c.ready) {
        this.ctx.scope.after(1_000, () => this.serveWhenCached());
        return;
      }
    }
    this.serve();
  }

  private serve(): void {
    this.socket = this.ctx.network.listen<ToServer>(this.ctx.host, APISERVER_PORT, (m, from) =>
      this.receive(m, from),
    );
    this.started = true;
    this.ctx.onServing?.();
  }

  private shutdown(): void {
    this.shuttingDown = true;
    for (const c of this.caches.values()) c.stop();
    const net = this.ctx.network;
    for (const c of this.conns.values()) {
      net.send(this.ctx.host, c.host, c.port, { t: "close", conn: c.conn } satisfies ToClient, FRAME_BYTES);
    }
    this.conns.clear();
    this.socket?.close();
    this.socket = undefined;
  }

  private connOf(from: HostName, port: Port, conn: number): ClientConn {
    const key = `${from}|${port}|${conn}`;
    let c = this.conns.get(key);
    if (!c) {
      c = { host: from, port, conn, watches: new Map() };
      this.conns.set(key, c);
    }
    return c;
  }

  private receive(m: ToServer, from: HostName): void {
    if (!this.ctx.scope.alive) return;
    switch (m.t) {
      case "req": {
        const c = this.connOf(from, m.port, m.conn);
        const id = m.id;
        const req = m.req;
        if (req.verb === "readyz" || req.verb === "livez") {
          this.health(c, id, req.verb);
          return;
        }
        this.handler.handle(req, (res) => this.reply(c, id, res));
        return;
      }
      case "watch": {
        const c = this.connOf(from, m.port, m.conn);
        const id = m.id;
        const r = this.handler.watch(m.req, {
          events: (events) => {
            if (!this.deliverable(c)) return this.dropConn(c);
            this.ctx.network.send(
              this.ctx.host,
              c.host,
              c.port,
              { t: "events", conn: c.conn, id, events } satisfies ToClient,
              FRAME_BYTES + 1_000 * events.length,
            );
          },
          ended: (status) => {
            c.watches.delete(id);
            if (this.shuttingDown) return;
            this.ctx.network.send(
              this.ctx.host,
              c.host,
              c.port,
              { t: "wend", conn: c.conn, id, status } satisfies ToClient,
              FRAME_BYTES,
            );
          },
        });
        if (r.watch) c.watches.set(id, r.watch);
        else
          this.ctx.network.send(
            this.ctx.host,
            c.host,
            c.port,
            { t: "wend", conn: c.conn, id, status: r.status } satisfies ToClient,
            FRAME_BYTES,
          );
        return;
      }
      case "unwatch": {
        const c = this.conns.get(`${from}|${m.port}|${m.conn}`);
        const w = c?.watches.get(m.id);
        if (c && w) {
          c.watches.delete(m.id);
          w.stop();
        }
        return;
      }
      case "ping":
        this.ctx.network.send(
          this.ctx.host,
          from,
          m.port,
          { t: "pong", conn: m.conn } satisfies ToClient,
          FRAME_BYTES,
        );
        return;
      case "close": {
        const c = this.conns.get(`${from}|${m.port}|${m.conn}`);
        if (c) this.dropConn(c);
        return;
      }
    }
  }

  private health(c: ClientConn, id: number, verb: "readyz" | "livez"): void {
    this.handler.checkEtcd((ok, message) => {
      if (!this.ctx.scope.alive) return;
      const serving = verb === "livez" || this.started;
      const healthy = ok && serving;
      if (verb === "readyz" && healthy !== this.lastHealth) {
        this.lastHealth = healthy;
        this.ctx.emit("kube.apiserver.ready", this.ctx.host, {
          ready: healthy,
          reason: healthy ? "ok" : message,
        });
      }
      this.reply(c, id, {
        status: ok
          ? { code: 200, reason: "OK", message: "ok" }
          : { code: 500, reason: "InternalError", message: `${message}\n${verb} check failed` },
      });
    });
  }

  private reply(c: ClientConn, id: number, res: ApiResponse): void {
    if (!this.ctx.scope.alive) return;
    const size = FRAME_BYTES + (res.items ? res.items.length * 1_500 : res.object ? 1_500 : 0);
    this.ctx.network.send(
      this.ctx.host,
      c.host,
      c.port,
      { t: "res", conn: c.conn, id, res } satisfies ToClient,
      size,
    );
  }

  /** A client socket that no longer exists would answer with a reset; its watches are dropped. */
  private deliverable(c: ClientConn): boolean {
    return this.ctx.network.isListening(c.host, c.port);
  }

  private dropConn(c: ClientConn): void {
    this.conns.delete(`${c.host}|${c.port}|${c.conn}`);
    for (const w of c.watches.values()) w.stop();
    c.watches.clear();
  }
}

/**
 * The simulated network: hosts by name, listening endpoints by (host, port), and messages that take
 * time to arrive. It models what the control plane can observe of a real datacenter network:
 *
 * - one-way latency per link, drawn from a `Distribution` (a default for every pair, overridable);
 * - TCP ordering: a message never overtakes an earlier one on the same connection
 *   (delivery = max(now + transmission + latency, previous delivery on the connection));
 * - bandwidth: a message occupies its connection for size ÷ bandwidth, so a DB snapshot of tens of MB
 *   takes seconds (etcd-raft.md §1.4: "10MB/s will recover 100MB data within 15 seconds");
 * - faults: random loss, partitions between groups, blackholes and added delay on a host or one of
 *   its ports (etcd's functional tester BLACKHOLE_PEER_PORT_TX_RX and DELAY_PEER_PORT_TX_RX,
 *   etcd-raft.md §4.1; the robustness suite's DropPeerNetwork, §4.4);
 * - refused vs timed out: a host that is up but has nothing listening answers with a reset, which
 *   etcd logs as `dial tcp …:2380: connect: connection refused` (seed 000); a host that is off,
 *   suspended or blackholed just never answers.
 *
 * Faults are checked when a message is sent and again when it would be delivered, so messages in
 * flight when a partition starts or the receiver powers off are lost. Traffic a host sends to itself
 * (127.0.0.1) ignores partitions, blackholes, delays and loss, and only needs the host to be up.
 *
 * Messages are not traced one by one (far too many); counters are kept instead. Fault changes are
 * traced as `net.partition`, `net.heal`, `net.blackhole`, `net.delay`, `net.loss`, `net.link`.
 */
import { constant, type Distribution, describe, sample } from "../sim/distribution.js";
import type { Rng } from "../sim/rng.js";
import type { Simulation } from "../sim/simulation.js";
import { formatDuration, type Micros } from "../sim/time.js";
import {
  DEFAULT_BANDWIDTH_BYTES_PER_SEC,
  DEFAULT_LINK_LATENCY,
  DEFAULT_LOOPBACK_LATENCY,
} from "./defaults.js";
import { NetHost, portMatches } from "./host.js";
import { Link, transmissionUs } from "./link.js";
import {
  countDrop,
  type DropReason,
  type HostName,
  type HostNetState,
  type LinkSettings,
  type NetCounters,
  type Port,
  type ProbeResult,
  type ReceiveHandler,
  type RefusedHandler,
  type SendOptions,
  zeroCounters,
} from "./network-types.js";
import { makePartition, type Partition, separated } from "./partition.js";

/** Network-wide defaults. */
export interface NetworkOptions {
  /** One-way latency of every link without an override. Default `DEFAULT_LINK_LATENCY`. */
  readonly latency?: Distribution;
  /** Latency of traffic a host sends to itself. Default `DEFAULT_LOOPBACK_LATENCY`. */
  readonly loopbackLatency?: Distribution;
  /** Bandwidth of every link without an override. Default 125 MB/s (1 Gbit/s). */
  readonly bandwidthBytesPerSec?: number;
  /** Prefix of the random stream names (`<prefix>/<from>-><to>`). Default `net`. */
  readonly rngPrefix?: string;
}

/** Options of `Network.addHost`. */
export interface AddHostOptions {
  /** IP address for log lines; default the host name. */
  readonly address?: string;
  /** Initial state; default `up`. */
  readonly state?: HostNetState;
}

/** A listening socket; `close()` stops it. */
export interface Endpoint {
  readonly host: HostName;
  readonly port: Port;
  /** Stops listening (idempotent; a later listener on the same port is not affected). */
  close(): void;
}

/** Called once with a probe's outcome and how long it took. */
export type ProbeCallback = (result: ProbeResult, durationUs: Micros) => void;

/** A prepared path for {@link Network.sendVia}: from a host to a port on another (or the same) host. */
export class Route {
  /** @internal */
  constructor(
    readonly from: HostName,
    readonly to: HostName,
    readonly port: Port,
    /** @internal The link the messages take. */
    readonly link: Link,
  ) {}
}

/** A message between `send` and delivery; pooled, so the hot path does not allocate. */
interface InFlight {
  net: Network;
  link: Link;
  port: Port;
  message: unknown;
  sizeBytes: number;
  onRefused: RefusedHandler | undefined;
  fromEpoch: number;
  toEpoch: number;
}

const IN_FLIGHT_POOL_MAX = 4096;
const NO_OPTIONS: SendOptions = {};

/** The simulated network. */
export class Network {
  /** The kernel handler of every delivery: one shared function, so no closure per network. */
  private static readonly deliverHandler = (f: InFlight): void => f.net.deliver(f);
  private readonly hosts = new Map<HostName, NetHost>();
  private readonly partitions: Partition[] = [];
  private partitionSeq = 0;
  private readonly totals: NetCounters = zeroCounters();
  private readonly pool: InFlight[] = [];
  /** Bumped whenever any host's listeners change; validates the links' handler caches. */
  private endpointsVersion = 0;
  private defaultLatency: Distribution;
  private readonly loopbackLatency: Distribution;
  private defaultBandwidth: number;
  private readonly rngPrefix: string;

  constructor(
    private readonly sim: Simulation,
    options: NetworkOptions = {},
  ) {
    this.defaultLatency = options.latency ?? DEFAULT_LINK_LATENCY;
    this.loopbackLatency = options.loopbackLatency ?? DEFAULT_LOOPBACK_LATENCY;
    this.defaultBandwidth = options.bandwidthBytesPerSec ?? DEFAULT_BANDWIDTH_BYTES_PER_SEC;
    this.rngPrefix = options.rngPrefix ?? "net";
    checkBandwidth(this.defaultBandwidth);
  }

  // ---- hosts and endpoints -------------------------------------------------------------------

  /** Registers a host. Throws if the name is taken. */
  addHost(name: HostName, options: AddHostOptions = {}): void {
    if (this.hosts.has(name)) throw new Error(`network: host "${name}" already exists`);
    const host = new NetHost(name, options.address ?? name);
    host.state = options.state ?? "up";
    this.hosts.set(name, host);
  }

  /** True when a host of that name is registered. */
  hasHost(name: HostName): boolean {
    return this.hosts.has(name);
  }

  /** Registered host names, in registration order. */
  hostNames(): HostName[] {
    return [...this.hosts.keys()];
  }

  /** The host's network state. */
  hostState(name: HostName): HostNetState {
    return this.host(name).state;
  }

  /** The host's address (for log lines). */
  hostAddress(name: HostName): string {
    return this.host(name).address;
  }

  /** Changes the host's address (a recreated VM may get a new one). */
  setHostAddress(name: HostName, address: string): void {
    this.host(name).address = address;
  }

  /**
   * Sets the host's state; the VM layer drives this from the guest's power and boot state. Going
   * `down` closes every listening socket and breaks every connection to or from the host: messages in
   * flight either way are dropped when they arrive.
   */
  setHostState(name: HostName, state: HostNetState): void {
    const host = this.host(name);
    if (host.state === state) return;
    host.state = state;
    if (state !== "down") return;
    host.epoch++;
    host.endpoints.clear();
    this.endpointsVersion++;
    for (const link of host.linksTo.values()) link.resetConnections();
    for (const other of this.hosts.values()) other.linksTo.get(name)?.resetConnections();
  }

  /**
   * Starts listening on `host:port`. Throws, like bind(2) with EADDRINUSE, if something already
   * listens there, and if the host is not up (no process runs on a guest that is off).
   */
  listen<M>(host: HostName, port: Port, handler: ReceiveHandler<M>): Endpoint {
    const h = this.host(host);
    if (h.state !== "up") throw new Error(`network: cannot listen on ${host}:${port}: host is ${h.state}`);
    if (h.endpoints.has(port)) throw new Error(`network: listen ${host}:${port}: address already in use`);
    const stored = handler as ReceiveHandler<unknown>;
    h.endpoints.set(port, stored);
    this.endpointsVersion++;
    const epoch = h.epoch;
    return {
      host,
      port,
      close: () => {
        if (h.epoch === epoch && h.endpoints.get(port) === stored) {
          h.endpoints.delete(port);
          this.endpointsVersion++;
        }
      },
    };
  }

  /** Stops whatever listens on `host:port`; false if nothing did. */
  unlisten(host: HostName, port: Port): boolean {
    this.endpointsVersion++;
    return this.host(host).endpoints.delete(port);
  }

  /** True when something listens on `host:port` and the host is up. */
  isListening(host: HostName, port: Port): boolean {
    const h = this.host(host);
    return h.state === "up" && h.endpoints.has(port);
  }

  // ---- messages ------------------------------------------------------------------------------

  /**
   * Sends `message` from `from` to `to:port`. It arrives after transmission (size ÷ bandwidth,
   * serialised on its connection) plus one-way latency plus any delay fault, never before an earlier
   * message on the same connection; or it is dropped (see the class comment). The sender is not told
   * about drops: like a real process it must use its own timeouts. It is told, through
   * `options.onRefused`, when the destination is up but nothing listens on the port.
   */
  send(
    from: HostName,
    to: HostName,
    port: Port,
    message: unknown,
    sizeBytes = 0,
    options = NO_OPTIONS,
  ): void {
    // One map lookup when the link exists (hosts are never removed, so its ends are current).
    const src = this.hosts.get(from);
    const link = src?.linksTo.get(to) ?? this.linkOf(this.host(from), this.host(to));
    this.sendOn(link, port, message, sizeBytes, options);
  }

  /**
   * A prepared path from `from` to `to:port` for {@link Network.sendVia}, which then skips the
   * lookups by name (a Raft member sends hundreds of messages per second to the same peers).
   * Hosts must exist; the route stays valid for the network's lifetime (hosts are never removed,
   * and faults, host states and listeners are checked on every message as for `send`).
   */
  route(from: HostName, to: HostName, port: Port): Route {
    return new Route(from, to, port, this.linkOf(this.host(from), this.host(to)));
  }

  /** Exactly `send(route.from, route.to, route.port, message, sizeBytes, options)`, without the lookups. */
  sendVia(route: Route, message: unknown, sizeBytes = 0, options = NO_OPTIONS): void {
    this.sendOn(route.link, route.port, message, sizeBytes, options);
  }

  private sendOn(link: Link, port: Port, message: unknown, sizeBytes: number, options: SendOptions): void {
    const dst = link.to;
    const lc = link.counters;
    const tc = this.totals;
    lc.sent++;
    tc.sent++;
    lc.bytesSent += sizeBytes;
    tc.bytesSent += sizeBytes;
    const srcHost = link.from;
    if (srcHost.state !== "up" || dst.state !== "up") {
      this.drop(link, "hostDown");
      return;
    }

    let latencyUs: Micros;
    let bandwidth: number;
    if (srcHost === dst) {
      latencyUs = sample(this.loopbackLatency, link.rng);
      bandwidth = Number.POSITIVE_INFINITY;
    } else {
      const blocked = this.pathBlocked(srcHost, dst, port);
      if (blocked !== undefined) {
        this.drop(link, blocked);
        return;
      }
      if (link.lossProbability > 0 || srcHost.losses.length > 0 || dst.losses.length > 0) {
        const lossP = this.lossProbability(link, srcHost, dst, port);
        if (lossP > 0 && link.rng.chance(lossP)) {
          this.drop(link, "lost");
          return;
        }
      }
      latencyUs = sample(link.latency ?? this.defaultLatency, link.rng);
      if (srcHost.delays.length > 0 || dst.delays.length > 0)
        latencyUs += this.extraDelay(srcHost, dst, port, link.rng);
      bandwidth = link.bandwidthBytesPerSec ?? this.defaultBandwidth;
    }

    const channel = options.channel;
    const conn = channel === undefined || channel === 0 ? link.main : link.connection(channel);
    const now = this.sim.now;
    let sentAt = conn.busyUntilUs > now ? conn.busyUntilUs : now;
    if (sizeBytes > 0) sentAt += transmissionUs(sizeBytes, bandwidth);
    conn.busyUntilUs = sentAt;
    let at = sentAt + latencyUs;
    if (at < conn.lastDeliveryUs) at = conn.lastDeliveryUs;
    conn.lastDeliveryUs = at;

    const f = this.pool.pop() ?? ({} as InFlight);
    f.net = this;
    f.link = link;
    f.port = port;
    f.message = message;
    f.sizeBytes = sizeBytes;
    f.onRefused = options.onRefused;
    f.fromEpoch = srcHost.epoch;
    f.toEpoch = dst.epoch;
    this.sim.at(at, Network.deliverHandler, f);
  }

  /**
   * A TCP connect from `from` to `to:port`, for health checks: the SYN and the answer each take one
   * link latency (plus delay faults) and may be lost. `callback` runs exactly once: `ok` or `refused`
   * when the answer arrives, `timeout` after `timeoutUs` without one. One SYN is modelled (no
   * retransmission), so a lost SYN is a timeout.
   */
  probe(from: HostName, to: HostName, port: Port, timeoutUs: Micros, callback: ProbeCallback): void {
    const src = this.host(from);
    const dst = this.host(to);
    const startedAt = this.sim.now;
    const srcEpoch = src.epoch;
    const dstEpoch = dst.epoch;
    let done = false;
    const finish = (result: ProbeResult): void => {
      if (done) return;
      done = true;
      this.sim.cancel(timeoutId);
      callback(result, this.sim.now - startedAt);
    };
    const timeoutId = this.sim.after(timeoutUs, () => finish("timeout"));
    if (src.state !== "up") return;
    const synUs = this.oneWay(src, dst, port);
    if (synUs < 0) return;
    this.sim.after(synUs, () => {
      if (dst.state !== "up" || dst.epoch !== dstEpoch || src.epoch !== srcEpoch) return;
      if (src !== dst && this.pathBlocked(src, dst, port) !== undefined) return;
      const answer: ProbeResult = dst.endpoints.has(port) ? "ok" : "refused";
      const backUs = this.oneWay(dst, src, port);
      if (backUs < 0) return;
      this.sim.after(backUs, () => {
        if (src.state !== "up" || src.epoch !== srcEpoch) return;
        if (src !== dst && this.pathBlocked(dst, src, port) !== undefined) return;
        finish(answer);
      });
    });
  }

  // ---- faults --------------------------------------------------------------------------------

  /**
   * Cuts the network between groups of hosts (hosts not listed are unaffected). Returns the
   * partition's id for `heal`. Traced as `net.partition`.
   */
  partition(groups: readonly (readonly HostName[])[], id?: string): string {
    const pid = id ?? `partition-${++this.partitionSeq}`;
    if (this.partitions.some((p) => p.id === pid))
      throw new Error(`network: partition "${pid}" is already active`);
    for (const group of groups) for (const h of group) this.host(h);
    const p = makePartition(pid, groups);
    this.partitions.push(p);
    this.sim.emit("net.partition", "network", { id: pid, groups: p.groups });
    return pid;
  }

  /** Heals one partition, or all of them when `id` is omitted. Traced as `net.heal` per partition. */
  heal(id?: string): void {
    for (let i = this.partitions.length - 1; i >= 0; i--) {
      const p = this.partitions[i]!;
      if (id !== undefined && p.id !== id) continue;
      this.partitions.splice(i, 1);
      this.sim.emit("net.heal", "network", { id: p.id });
    }
  }

  /** Ids of the active partitions. */
  activePartitions(): string[] {
    return this.partitions.map((p) => p.id);
  }

  /**
   * Drops every packet to and from `host`, or only those to `host:port` and from `host` to `port`
   * elsewhere (etcd's BLACKHOLE_PEER_PORT_TX_RX with port 2380). Traced as `net.blackhole`.
   */
  blackhole(host: HostName, port?: Port): void {
    const h = this.host(host);
    if (h.blackholes.includes(port)) return;
    h.blackholes = [...h.blackholes, port];
    this.sim.emit("net.blackhole", host, { port: port ?? "all", on: true });
  }

  /** Removes the blackhole set with the same `port` argument. */
  clearBlackhole(host: HostName, port?: Port): void {
    const h = this.host(host);
    if (!h.blackholes.includes(port)) return;
    h.blackholes = h.blackholes.filter((p) => p !== port);
    this.sim.emit("net.blackhole", host, { port: port ?? "all", on: false });
  }

  /**
   * Adds `extra` one-way latency (a duration or a distribution) to the host's traffic, or only on
   * `port` (etcd's DELAY_PEER_PORT_TX_RX: 5000 ms ± 500 ms in functional.yaml, etcd-raft.md §4.2).
   * Replaces an earlier delay on the same port. Traced as `net.delay`.
   */
  delay(host: HostName, extra: Distribution | Micros, port?: Port): void {
    const h = this.host(host);
    const d = typeof extra === "number" ? constant(extra) : extra;
    h.delays = [...h.delays.filter((x) => x.port !== port), { port, extra: d }];
    this.sim.emit("net.delay", host, { port: port ?? "all", extra: describe(d, formatDuration), on: true });
  }

  /** Removes the delay set with the same `port` argument. */
  clearDelay(host: HostName, port?: Port): void {
    const h = this.host(host);
    if (!h.delays.some((x) => x.port === port)) return;
    h.delays = h.delays.filter((x) => x.port !== port);
    this.sim.emit("net.delay", host, { port: port ?? "all", on: false });
  }

  /**
   * Loses each message to or from the host (or only on `port`) with `probability`; 0 clears it.
   * Traced as `net.loss`.
   */
  setHostLoss(host: HostName, probability: number, port?: Port): void {
    checkProbability(probability);
    const h = this.host(host);
    const rest = h.losses.filter((x) => x.port !== port);
    h.losses = probability > 0 ? [...rest, { port, probability }] : rest;
    this.sim.emit("net.loss", host, { port: port ?? "all", probability });
  }

  /**
   * Overrides latency, bandwidth or loss of the link from `from` to `to` (and back, unless
   * `bothWays` is false). Traced as `net.link`, and as `net.loss` when the loss changes.
   */
  setLink(from: HostName, to: HostName, settings: LinkSettings, bothWays = true): void {
    if (settings.bandwidthBytesPerSec !== undefined) checkBandwidth(settings.bandwidthBytesPerSec);
    if (settings.lossProbability !== undefined) checkProbability(settings.lossProbability);
    const pairs: [HostName, HostName][] =
      bothWays && from !== to
        ? [
            [from, to],
            [to, from],
          ]
        : [[from, to]];
    for (const [a, b] of pairs) {
      const link = this.linkOf(this.host(a), this.host(b));
      if (settings.latency !== undefined) link.latency = settings.latency;
      if (settings.bandwidthBytesPerSec !== undefined)
        link.bandwidthBytesPerSec = settings.bandwidthBytesPerSec;
      const subject = `${a}->${b}`;
      if (settings.latency !== undefined || settings.bandwidthBytesPerSec !== undefined) {
        this.sim.emit("net.link", subject, {
          latency: describe(link.latency ?? this.defaultLatency, formatDuration),
          bandwidthBytesPerSec: link.bandwidthBytesPerSec ?? this.defaultBandwidth,
        });
      }
      if (settings.lossProbability !== undefined && settings.lossProbability !== link.lossProbability) {
        link.lossProbability = settings.lossProbability;
        this.sim.emit("net.loss", subject, { probability: link.lossProbability });
      }
    }
  }

  /** Changes the default latency of links without an override. Traced as `net.link` on `*`. */
  setDefaultLatency(latency: Distribution): void {
    this.defaultLatency = latency;
    this.sim.emit("net.link", "*", { latency: describe(latency, formatDuration) });
  }

  /** Changes the default bandwidth of links without an override. Traced as `net.link` on `*`. */
  setDefaultBandwidth(bytesPerSec: number): void {
    checkBandwidth(bytesPerSec);
    this.defaultBandwidth = bytesPerSec;
    this.sim.emit("net.link", "*", { bandwidthBytesPerSec: bytesPerSec });
  }

  /** Heals every partition and removes every blackhole, delay and host loss fault (link settings stay). */
  clearAllFaults(): void {
    this.heal();
    for (const h of this.hosts.values()) {
      for (const port of [...h.blackholes]) this.clearBlackhole(h.name, port);
      for (const d of [...h.delays]) this.clearDelay(h.name, d.port);
      for (const l of [...h.losses]) this.setHostLoss(h.name, 0, l.port);
    }
  }

  /**
   * Whether a packet from `from` to `to:port` would get through right now, and if not why
   * (`hostDown`, `blackholed`, `partitioned`). Random loss is not considered.
   */
  reachable(from: HostName, to: HostName, port: Port): true | Exclude<DropReason, "lost"> {
    const src = this.host(from);
    const dst = this.host(to);
    if (src.state !== "up" || dst.state !== "up") return "hostDown";
    if (src === dst) return true;
    return this.pathBlocked(src, dst, port) ?? true;
  }

  // ---- counters ------------------------------------------------------------------------------

  /** Counters over all links (a copy). */
  counters(): NetCounters {
    return { ...this.totals };
  }

  /** Counters of the link from `from` to `to` (a copy; zeros if it never carried a message). */
  linkCounters(from: HostName, to: HostName): NetCounters {
    const link = this.host(from).linksTo.get(to);
    this.host(to);
    return link ? { ...link.counters } : zeroCounters();
  }

  // ---- internals -----------------------------------------------------------------------------

  private host(name: HostName): NetHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`network: unknown host "${name}"`);
    return h;
  }

  private linkOf(src: NetHost, dst: NetHost): Link {
    let link = src.linksTo.get(dst.name);
    if (!link) {
      const rng = this.sim.rng.stream(`${this.rngPrefix}/${src.name}->${dst.name}`);
      link = new Link(src, dst, rng);
      src.linksTo.set(dst.name, link);
    }
    return link;
  }

  private deliver(f: InFlight): void {
    const link = f.link;
    const port = f.port;
    const message = f.message;
    const sizeBytes = f.sizeBytes;
    const onRefused = f.onRefused;
    const fromEpoch = f.fromEpoch;
    const toEpoch = f.toEpoch;
    f.message = undefined;
    f.onRefused = undefined;
    if (this.pool.length < IN_FLIGHT_POOL_MAX) this.pool.push(f);

    const src = link.from;
    const dst = link.to;
    if (dst.state !== "up" || dst.epoch !== toEpoch || src.epoch !== fromEpoch) {
      this.drop(link, "hostDown");
      return;
    }
    if (src !== dst) {
      const blocked = this.pathBlocked(src, dst, port);
      if (blocked !== undefined) {
        this.drop(link, blocked);
        return;
      }
    }
    // Most deliveries on a link go to the same port: remember its handler until any listener
    // anywhere changes (rare: process starts, stops and host power changes).
    let handler: ReceiveHandler<unknown> | undefined;
    if (link.handlerVersion === this.endpointsVersion && link.handlerPort === port) handler = link.handler;
    else {
      handler = dst.endpoints.get(port);
      link.handlerVersion = this.endpointsVersion;
      link.handlerPort = port;
      link.handler = handler;
    }
    if (handler === undefined) {
      link.counters.refused++;
      this.totals.refused++;
      if (onRefused) this.sendReset(link, port, onRefused, fromEpoch);
      return;
    }
    link.counters.delivered++;
    this.totals.delivered++;
    link.counters.bytesDelivered += sizeBytes;
    this.totals.bytesDelivered += sizeBytes;
    handler(message, src.name);
  }

  /** The RST travels back over the reverse link; the sender hears of it only if it gets through. */
  private sendReset(link: Link, port: Port, onRefused: RefusedHandler, fromEpoch: number): void {
    const src = link.from;
    const dst = link.to;
    const backUs = this.oneWay(dst, src, port);
    if (backUs < 0) return;
    this.sim.after(backUs, () => {
      if (src.state !== "up" || src.epoch !== fromEpoch) return;
      if (src !== dst && this.pathBlocked(dst, src, port) !== undefined) return;
      onRefused(dst.name, port);
    });
  }

  /** Latency of one small packet from `a` to `b:port` now, or -1 if it is dropped at once. */
  private oneWay(a: NetHost, b: NetHost, port: Port): Micros {
    const link = this.linkOf(a, b);
    if (a === b) return sample(this.loopbackLatency, link.rng);
    if (this.pathBlocked(a, b, port) !== undefined) return -1;
    const lossP = this.lossProbability(link, a, b, port);
    if (lossP > 0 && link.rng.chance(lossP)) return -1;
    let us = sample(link.latency ?? this.defaultLatency, link.rng);
    if (a.delays.length > 0 || b.delays.length > 0) us += this.extraDelay(a, b, port, link.rng);
    return us;
  }

  private pathBlocked(src: NetHost, dst: NetHost, port: Port): "blackholed" | "partitioned" | undefined {
    if (
      (src.blackholes.length > 0 && src.isBlackholed(port)) ||
      (dst.blackholes.length > 0 && dst.isBlackholed(port))
    ) {
      return "blackholed";
    }
    if (this.partitions.length > 0 && separated(this.partitions, src.name, dst.name)) return "partitioned";
    return undefined;
  }

  private lossProbability(link: Link, src: NetHost, dst: NetHost, port: Port): number {
    let keep = 1 - link.lossProbability;
    for (const l of src.losses) if (portMatches(l.port, port)) keep *= 1 - l.probability;
    for (const l of dst.losses) if (portMatches(l.port, port)) keep *= 1 - l.probability;
    return 1 - keep;
  }

  private extraDelay(src: NetHost, dst: NetHost, port: Port, rng: Rng): Micros {
    let us = 0;
    for (const d of src.delays) if (portMatches(d.port, port)) us += sample(d.extra, rng);
    for (const d of dst.delays) if (portMatches(d.port, port)) us += sample(d.extra, rng);
    return us;
  }

  private drop(link: Link, reason: DropReason): void {
    countDrop(link.counters, reason);
    countDrop(this.totals, reason);
  }
}

function checkBandwidth(bytesPerSec: number): void {
  if (!(bytesPerSec > 0)) throw new Error(`network: bandwidth must be > 0 bytes/s (got ${bytesPerSec})`);
}

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`network: probability must be in [0, 1] (got ${p})`);
}

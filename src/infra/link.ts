/**
 * One direction of the path between two hosts. It holds what TCP gives a stream of messages between
 * two peers: order (a message never overtakes an earlier one on the same connection) and a sending
 * rate (a message occupies the link for size ÷ bandwidth, so a tens-of-MB etcd snapshot takes seconds:
 * the etcd hardware guide's "10MB/s will recover 100MB data within 15 seconds", etcd-raft.md §1.4).
 */
import type { Distribution } from "../sim/distribution.js";
import type { Rng } from "../sim/rng.js";
import type { Micros } from "../sim/time.js";
import type { NetHost } from "./host.js";
import { type NetCounters, type Port, type ReceiveHandler, zeroCounters } from "./network-types.js";

/** Ordering and sending-rate state of one connection on a link. */
export interface ConnectionState {
  /** When the connection finishes putting its last accepted message on the wire. */
  busyUntilUs: Micros;
  /** Delivery time of the last message, so later ones are never delivered before it. */
  lastDeliveryUs: Micros;
}

/** Internal: one direction of a host pair. */
export class Link {
  /** Per-link override of the network's default latency. */
  latency: Distribution | undefined;
  /** Per-link override of the network's default bandwidth. */
  bandwidthBytesPerSec: number | undefined;
  /** Per-link loss probability (0 when unset). */
  lossProbability = 0;
  /** Connection 0, the default one, kept inline for the common case. */
  readonly main: ConnectionState = { busyUntilUs: 0, lastDeliveryUs: 0 };
  /** Other connections by channel number, created on first use. */
  private others: Map<number, ConnectionState> | undefined;
  /** Counters of messages sent on this link. */
  readonly counters: NetCounters = zeroCounters();
  /**
   * Delivery cache, owned by the network: the receive handler found for `handlerPort` on the
   * destination, valid while the network's listener version is still `handlerVersion`.
   */
  handlerVersion = -1;
  handlerPort: Port = -1;
  handler: ReceiveHandler<unknown> | undefined = undefined;

  constructor(
    readonly from: NetHost,
    readonly to: NetHost,
    /** The link's own random stream, so traffic elsewhere does not change its draws. */
    readonly rng: Rng,
  ) {}

  /** The state of connection `channel`. */
  connection(channel: number): ConnectionState {
    if (channel === 0) return this.main;
    if (!this.others) this.others = new Map();
    let c = this.others.get(channel);
    if (!c) {
      c = { busyUntilUs: 0, lastDeliveryUs: 0 };
      this.others.set(channel, c);
    }
    return c;
  }

  /** Forgets ordering state: connections are re-established after either end restarts. */
  resetConnections(): void {
    this.main.busyUntilUs = 0;
    this.main.lastDeliveryUs = 0;
    this.others = undefined;
  }
}

/**
 * Time a payload of `sizeBytes` occupies a link of `bytesPerSec`, rounded up to a whole microsecond
 * (0 for an empty payload or an unlimited link).
 */
export function transmissionUs(sizeBytes: number, bytesPerSec: number): Micros {
  if (sizeBytes <= 0 || !Number.isFinite(bytesPerSec)) return 0;
  return Math.ceil((sizeBytes * 1_000_000) / bytesPerSec);
}

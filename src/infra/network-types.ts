/** Names and shapes shared by the network model and its users. */
import type { Distribution } from "../sim/distribution.js";

/** A host's name (for a VM, the VM's name). */
export type HostName = string;

/** A TCP port (2379 etcd client, 2380 etcd peer, 6443 kube-apiserver, 10250 kubelet). */
export type Port = number;

/** Receives one message addressed to a listening endpoint. */
export type ReceiveHandler<M> = (message: M, from: HostName) => void;

/** Told that `to:port` answered with a TCP reset because nothing listens there. */
export type RefusedHandler = (to: HostName, port: Port) => void;

/**
 * Outcome of a TCP connect attempt (`Network.probe`): `ok` (SYN-ACK), `refused` (RST: the host is up
 * but nothing listens, which etcd logs as `connect: connection refused`), or `timeout` (no answer:
 * host off, suspended, blackholed, partitioned or the packet was lost).
 */
export type ProbeResult = "ok" | "refused" | "timeout";

/**
 * Network state of a host. `up`: guest running. `down`: off, rebooting or deleted; its listening
 * sockets are closed and connections to it broken. `frozen`: suspended; packets are lost but its
 * sockets survive until it resumes.
 */
export type HostNetState = "up" | "down" | "frozen";

/** Why a message was not delivered. */
export type DropReason = "lost" | "partitioned" | "blackholed" | "hostDown";

/** Per-message options of `Network.send`. Hoist a constant options object out of hot loops. */
export interface SendOptions {
  /** Called (after the RST travels back) when the destination is up but nothing listens on the port. */
  readonly onRefused?: RefusedHandler;
  /**
   * Which connection of the (from, to) pair carries the message; default 0. Messages are FIFO and
   * serialised on the bandwidth per connection, so a bulk transfer on its own connection (etcd sends
   * DB snapshots on a separate HTTP connection from its message stream) does not hold up heartbeats.
   */
  readonly channel?: number;
}

/** Overrides for one direction of a link. Omitted fields keep the network-wide default. */
export interface LinkSettings {
  /** One-way latency. */
  readonly latency?: Distribution;
  /** Transmission rate in bytes per second (Infinity: size takes no time). */
  readonly bandwidthBytesPerSec?: number;
  /** Probability in [0, 1] that a message is lost. */
  readonly lossProbability?: number;
}

/** Message counters, for the whole network or one link. */
export interface NetCounters {
  /** Messages handed to `send` (including those dropped at once). */
  sent: number;
  /** Messages handed to a receive handler. */
  delivered: number;
  /** Messages dropped, all reasons. */
  dropped: number;
  /** Messages that reached a host where nothing listened on the port. */
  refused: number;
  /** Dropped by random loss. */
  droppedLost: number;
  /** Dropped because a partition separated the hosts at send or delivery time. */
  droppedPartitioned: number;
  /** Dropped by a blackhole fault on either host. */
  droppedBlackholed: number;
  /** Dropped because the sender or receiver was down (or restarted) at send or delivery time. */
  droppedHostDown: number;
  /** Payload bytes handed to `send`. */
  bytesSent: number;
  /** Payload bytes delivered. */
  bytesDelivered: number;
}

/** A fresh set of zero counters. */
export function zeroCounters(): NetCounters {
  return {
    sent: 0,
    delivered: 0,
    dropped: 0,
    refused: 0,
    droppedLost: 0,
    droppedPartitioned: 0,
    droppedBlackholed: 0,
    droppedHostDown: 0,
    bytesSent: 0,
    bytesDelivered: 0,
  };
}

/** Adds one drop of `reason` to `c`. */
export function countDrop(c: NetCounters, reason: DropReason): void {
  c.dropped++;
  switch (reason) {
    case "lost":
      c.droppedLost++;
      break;
    case "partitioned":
      c.droppedPartitioned++;
      break;
    case "blackholed":
      c.droppedBlackholed++;
      break;
    case "hostDown":
      c.droppedHostDown++;
      break;
  }
}

/** A delay fault's extra one-way latency as stored on a host. */
export interface DelayFault {
  /** Only messages to this port (or from this host to this port elsewhere); undefined = every port. */
  readonly port: Port | undefined;
  /** Added to the one-way latency of each affected message. */
  readonly extra: Distribution;
}

/** A loss fault as stored on a host. */
export interface LossFault {
  /** Only this port; undefined = every port. */
  readonly port: Port | undefined;
  /** Probability in [0, 1] that an affected message is lost. */
  readonly probability: number;
}

/**
 * One host as the network sees it: its state, its listening endpoints, its outgoing links and the
 * faults injected on it. Plain mutable data read on every send and delivery.
 */
import type { Link } from "./link.js";
import type { DelayFault, HostName, HostNetState, LossFault, Port, ReceiveHandler } from "./network-types.js";

/** Internal host record of the network. */
export class NetHost {
  /** Network state; only `up` hosts send and receive. */
  state: HostNetState = "up";
  /**
   * Incremented every time the host goes down. A message carries the epochs of both ends from the
   * moment it was sent; if either changed by delivery time, the TCP connection it travelled on died
   * with the old guest and the message is dropped.
   */
  epoch = 0;
  /** Listening sockets by port. */
  readonly endpoints = new Map<Port, ReceiveHandler<unknown>>();
  /** Outgoing links, created on first use. */
  readonly linksTo = new Map<HostName, Link>();
  /** Blackholed ports; `undefined` in the list means every port. */
  blackholes: (Port | undefined)[] = [];
  /** Delay faults on this host's traffic. */
  delays: DelayFault[] = [];
  /** Loss faults on this host's traffic. */
  losses: LossFault[] = [];

  constructor(
    readonly name: HostName,
    /** The host's IP address, for log lines such as `dial tcp 192.168.3.157:2380`. */
    public address: string,
  ) {}

  /** True when traffic to or from this host on `port` falls into a blackhole. */
  isBlackholed(port: Port): boolean {
    const b = this.blackholes;
    for (let i = 0; i < b.length; i++) {
      const p = b[i];
      if (p === undefined || p === port) return true;
    }
    return false;
  }
}

/** Whether a fault registered for `faultPort` applies to a message on `port`. */
export function portMatches(faultPort: Port | undefined, port: Port): boolean {
  return faultPort === undefined || faultPort === port;
}

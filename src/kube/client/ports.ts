/**
 * Ephemeral ports for client sockets, per host and per network, handed out in order (Linux's
 * ip_local_port_range starts at 32768) so every run allocates the same ports.
 */
import type { Network } from "../../infra/network.js";
import type { HostName, Port } from "../../infra/network-types.js";

const FIRST_EPHEMERAL_PORT = 32_768;
const LAST_EPHEMERAL_PORT = 60_999;

const next = new WeakMap<Network, Map<HostName, Port>>();

/** A port on `host` that nothing listens on now. */
export function ephemeralPort(network: Network, host: HostName): Port {
  let byHost = next.get(network);
  if (!byHost) {
    byHost = new Map();
    next.set(network, byHost);
  }
  let p = byHost.get(host) ?? FIRST_EPHEMERAL_PORT;
  for (let tries = 0; tries <= LAST_EPHEMERAL_PORT - FIRST_EPHEMERAL_PORT; tries++) {
    const candidate = p;
    p = p >= LAST_EPHEMERAL_PORT ? FIRST_EPHEMERAL_PORT : p + 1;
    if (!network.isListening(host, candidate)) {
      byHost.set(host, p);
      return candidate;
    }
  }
  throw new Error(`no free ephemeral port on ${host}`);
}

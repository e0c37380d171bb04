/**
 * Settings of the HAProxy-style load balancer in front of the kube-apiservers, with HAProxy's own
 * defaults and the configuration CAPV v0.7.0 generated (capi-kube.md §4.4; haproxy
 * doc/configuration.txt, `inter`/`fastinter`/`downinter`, `rise`, `fall`, `timeout check`,
 * `init-state`, `balance`).
 */
import { SECOND } from "../sim/time.js";
import type { HostName, Port } from "./network-types.js";

/** How a new connection picks its backend: in turn, or always the first one that is UP. */
export type BalanceAlgorithm = "roundrobin" | "first";

/**
 * A backend's state when it is added (HAProxy `init-state`): `fully-up` goes DOWN only after `fall`
 * failed checks; `up` (HAProxy's own default after a restart) goes DOWN on the first failure; `down`
 * comes UP on the first success; `fully-down` needs `rise` successes.
 */
export type InitState = "fully-up" | "up" | "down" | "fully-down";

/** Health-check timing and thresholds. All durations in microseconds. */
export interface HealthCheckSettings {
  /** Interval between checks of a backend that is fully UP. HAProxy default 2 s. */
  readonly interUs: number;
  /** Interval while a backend is going up or down; default `interUs`. */
  readonly fastinterUs?: number;
  /** Interval while a backend is fully DOWN; default `interUs`. */
  readonly downinterUs?: number;
  /** Consecutive successes to mark a DOWN backend UP. HAProxy default 2. */
  readonly rise: number;
  /** Consecutive failures to mark an UP backend DOWN. HAProxy default 3. */
  readonly fall: number;
  /**
   * `timeout check`: once connected, how long the check may take. When set, connecting may take
   * min(`timeoutConnectUs`, `interUs`); when not, `interUs` bounds the whole check.
   */
  readonly timeoutCheckUs?: number;
  /** `timeout connect` (only used together with `timeoutCheckUs`). */
  readonly timeoutConnectUs?: number;
  /** Global `spread-checks`: random ± percent on every interval (0–50). Default 0. */
  readonly spreadChecksPercent?: number;
}

/** A backend server: its name in the LB and where checks and traffic go. */
export interface BackendTarget {
  readonly name: string;
  readonly host: HostName;
  readonly port: Port;
}

/** HAProxy's defaults: inter 2 s, rise 2, fall 3, no `timeout check` (configuration.txt). */
export const HAPROXY_DEFAULT_CHECKS: HealthCheckSettings = { interUs: 2 * SECOND, rise: 2, fall: 3 };

/**
 * The `kube_api_backend` CAPV v0.7.0 generated (`pkg/haproxy/config.go`): `balance first`,
 * `default-server inter 10s downinter 10s rise 5 fall 3`, `timeout check 5s`, `timeout connect 9s`,
 * checked with `option httpchk GET /readyz` on port 6443 (capi-kube.md §4.4).
 */
export const CAPV_V07_HAPROXY: HealthCheckSettings & {
  readonly balance: BalanceAlgorithm;
  readonly name: string;
} = {
  name: "kube_api_backend",
  balance: "first",
  interUs: 10 * SECOND,
  downinterUs: 10 * SECOND,
  rise: 5,
  fall: 3,
  timeoutCheckUs: 5 * SECOND,
  timeoutConnectUs: 9 * SECOND,
};

/** How long a check may take: the connect phase, and the whole check. */
export interface CheckTimeouts {
  /** Budget for the TCP connect. */
  readonly connectTimeoutUs: number;
  /** Budget for the whole check; the LB fails the check with L4TOUT when it runs out. */
  readonly totalTimeoutUs: number;
}

/** The timeouts HAProxy applies for these settings (see `timeoutCheckUs`). */
export function checkTimeouts(s: HealthCheckSettings): CheckTimeouts {
  if (s.timeoutCheckUs === undefined) return { connectTimeoutUs: s.interUs, totalTimeoutUs: s.interUs };
  const connect = Math.min(s.timeoutConnectUs ?? s.interUs, s.interUs);
  return { connectTimeoutUs: connect, totalTimeoutUs: connect + s.timeoutCheckUs };
}

/** Refuses settings HAProxy would reject. */
export function validateCheckSettings(s: HealthCheckSettings): void {
  const positive: [string, number | undefined][] = [
    ["inter", s.interUs],
    ["fastinter", s.fastinterUs],
    ["downinter", s.downinterUs],
    ["timeout check", s.timeoutCheckUs],
    ["timeout connect", s.timeoutConnectUs],
  ];
  for (const [name, v] of positive) {
    if (v !== undefined && !(v > 0)) throw new Error(`load balancer: ${name} must be > 0 (got ${v})`);
  }
  if (!(Number.isInteger(s.rise) && s.rise >= 1))
    throw new Error(`load balancer: rise must be an integer >= 1 (got ${s.rise})`);
  if (!(Number.isInteger(s.fall) && s.fall >= 1))
    throw new Error(`load balancer: fall must be an integer >= 1 (got ${s.fall})`);
  const spread = s.spreadChecksPercent ?? 0;
  if (!(spread >= 0 && spread <= 50))
    throw new Error(`load balancer: spread-checks must be in 0..50 (got ${spread})`);
}

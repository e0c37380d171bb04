/**
 * Default parameters of the physical world, each with where it comes from. Model files override
 * these; docs/infra.md lists them in a table. Values marked "assumption" have no public source and
 * are chosen to be plausible for one vSphere cluster in one datacenter.
 */
import { constant, type Distribution } from "../sim/distribution.js";
import { MILLISECOND, SECOND } from "../sim/time.js";

/**
 * One-way latency between two hosts on the same LAN: median 250 µs, p99 1 ms (assumption: a
 * same-datacenter network; etcd's tuning guide only asks for heartbeat ≈ 0.5–1.5 × RTT and an
 * election timeout ≥ 10 × RTT, ../shared/reference/etcd-raft.md §1.10).
 */
export const DEFAULT_LINK_LATENCY: Distribution = { kind: "lognormal", p50: 250, p99: 1_000 };

/** Latency of a message a host sends to itself (127.0.0.1), e.g. kube-apiserver → its local etcd. */
export const DEFAULT_LOOPBACK_LATENCY: Distribution = constant(20);

/**
 * Link bandwidth, 1 Gbit/s = 125 MB/s: the etcd FAQ measures snapshot send time against "the expected
 * transfer time for a 1Gbps connection" (etcd-raft.md §1.4).
 */
export const DEFAULT_BANDWIDTH_BYTES_PER_SEC = 125_000_000;

/**
 * fsync latency of a healthy disk: median 1 ms, p99 8 ms, inside the etcd FAQ's guidance that
 * wal_fsync_duration_seconds p99 "should be less than 10ms" (etcd-raft.md §1.10). The shape is an
 * assumption.
 */
export const DEFAULT_FSYNC_LATENCY: Distribution = {
  kind: "lognormal",
  p50: 1 * MILLISECOND,
  p99: 8 * MILLISECOND,
};

/**
 * Power-on to guest running (BIOS, kernel, systemd reaching its default target): 20–40 s
 * (assumption; chef/kitchen-vcenter #41 reports 21 s for an instant clone *including* boot,
 * capi-kube.md §4.3).
 */
export const DEFAULT_BOOT_DURATION: Distribution = { kind: "uniform", min: 20 * SECOND, max: 40 * SECOND };

/** Linked clone of a template: 5–10 s (puppetlabs/vmpooler PR #333, capi-kube.md §4.3). */
export const DEFAULT_LINKED_CLONE_DURATION: Distribution = {
  kind: "uniform",
  min: 5 * SECOND,
  max: 10 * SECOND,
};

/** Full clone of a template: 90–180 s (puppetlabs/vmpooler PR #333, capi-kube.md §4.3). */
export const DEFAULT_FULL_CLONE_DURATION: Distribution = {
  kind: "uniform",
  min: 90 * SECOND,
  max: 180 * SECOND,
};

/**
 * From "Shut Down Guest OS" to powered off, once units have had their stop signal (assumption; systemd
 * waits at most DefaultTimeoutStopSec = 90 s per unit, well-behaved units stop in seconds).
 */
export const DEFAULT_GUEST_SHUTDOWN_DURATION: Distribution = constant(5 * SECOND);

/** First address handed to a new VM; later VMs get the following addresses (seed 000 shows 192.168.3.x). */
export const DEFAULT_ADDRESS_BASE = "192.168.3.101";

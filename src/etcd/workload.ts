/**
 * An open-loop client workload against etcd: writes and reads (linearizable and serializable) as
 * Poisson arrivals at given rates from a client host through the network client, whatever the
 * cluster does — many independent clients that keep trying, which is how write-availability
 * windows and lost writes become measurable. Every acknowledged write goes into the
 * {@link WriteLedger}.
 *
 * Writes put a {@link WorkloadValue} carrying the write's sequence number to one of `keys` keys
 * (so the keyspace stays bounded in long runs).
 *
 * Trace: no record per request. `writes.available`, `reads.linearizable.available` and
 * `reads.serializable.available` records `{available, error?, atUs}` on every change of
 * availability by issue time (see {@link KindStats}; the record is written when the change is
 * known, `atUs` says when it took effect), and a `workload.stats` record per interval with counts
 * and latency percentiles.
 */
import type { Simulation } from "../sim/simulation.js";
import { formatDuration, type Micros, SECOND } from "../sim/time.js";
import { IssueOrder } from "../util/issue-order.js";
import type { EtcdClient, EtcdError, Result } from "./client-api.js";
import { WorkloadValue } from "./mvcc.js";
import type { WriteLedger } from "./write-ledger.js";

/** Rates and shapes of the workload. */
export interface WorkloadOptions {
  /** Writes per second (0: none). */
  readonly writesPerSec: number;
  readonly linearizableReadsPerSec: number;
  readonly serializableReadsPerSec: number;
  /** Size of each written value. */
  readonly valueBytes: number;
  /** Number of distinct keys written (`/workload/<n>`). */
  readonly keys: number;
  /** When the workload starts. */
  readonly startUs: Micros;
  /** Interval of `workload.stats` records (0: none). */
  readonly statsIntervalUs: Micros;
  /** A success slower than this counts as unavailable (default 1 s). */
  readonly slowUs?: Micros;
  /**
   * How many endpoints the client round-robins over (see KindStats: unanswered requests): a fixed
   * number, or a function for a client whose endpoints change (pods added and deleted).
   */
  readonly endpointCount?: number | (() => number);
}

/**
 * Availability of one kind of request *by the time it was issued*: "would a request issued at
 * this instant succeed?". The answer is known only when requests complete (a write can fail 7 s
 * later), so outcomes are taken in issue order as soon as every earlier request has completed,
 * and each change is recorded with the issue time it took effect at (`atUs`).
 *
 * A request counts as a success only when it also completed within `slowUs` (an SLI's "fast
 * enough": a write that waited 10 s for a leader was not available when it was issued). A failure
 * answered by etcd (timed out, proposal dropped, leader changed, no leader) or a slow success makes
 * the kind unavailable at once. A request that got no answer at all (deadline exceeded, connection
 * reset) may say only that *its* endpoint is unreachable — the client round-robins, so with one
 * member down every third request hangs while the others succeed. Such failures in a row (in issue
 * order, no success between) count, from the first of them, once they have come from every
 * endpoint the client uses — every endpoint was failing, as when writes wait behind a dead leader
 * and the client's 10 s deadline comes before etcd's own request timeout (5 s + 2 × election
 * timeout) — or once they have kept coming for {@link UNREACHABLE_SPAN_US} of issue time.
 */
const UNREACHABLE_SPAN_US = 5 * SECOND;
const UNREACHABLE_MIN = 3;

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: EtcdError };

const SUCCESS: Outcome = { ok: true };

function clientSide(e: EtcdError): boolean {
  return e.code === "deadlineExceeded" || e.code === "unavailable";
}

/** Counts, latency and issue-order availability of one kind of request. */
class KindStats {
  available = true;
  ok = 0;
  failed = 0;
  readonly errors = new Map<string, number>();
  /** Latency histogram: bucket i holds latencies in [2^(i/4), 2^((i+1)/4)) µs. */
  readonly buckets = new Float64Array(128);
  issued = 0;
  /** Outcomes waiting for every earlier request to complete, folded in issue order. */
  private readonly order = new IssueOrder<Outcome>((o, issuedAtUs) => this.fold(o, issuedAtUs));
  private unreachable = 0;
  private unreachableSinceUs = 0;
  private unreachableError: EtcdError | undefined;
  /** Distinct endpoints the current run of unanswered requests waited on. */
  private readonly unreachableEndpoints = new Set<string>();

  constructor(
    readonly name: string,
    private readonly sim: Simulation,
    private readonly slowUs: number,
    /** How many endpoints the client uses now (0: unknown; then only the time span counts). */
    private readonly endpointCount: () => number,
  ) {}

  /** A request was issued now; returns its sequence number. */
  issue(): number {
    this.issued++;
    return this.order.issue(this.sim.now);
  }

  /** Request `seq` completed. */
  complete(seq: number, r: Result<unknown>): void {
    const issuedAt = this.order.issuedAtOf(seq);
    if (issuedAt === undefined) return;
    let outcome: Outcome;
    if (r.ok) {
      this.ok++;
      const latency = this.sim.now - issuedAt;
      this.record(latency);
      outcome =
        latency <= this.slowUs
          ? SUCCESS
          : {
              ok: false,
              error: {
                code: "other",
                message: `slow: took ${formatDuration(Math.round(latency / 1000) * 1000)}`,
              },
            };
    } else {
      this.failed++;
      this.errors.set(r.error.code, (this.errors.get(r.error.code) ?? 0) + 1);
      outcome = { ok: false, error: r.error };
    }
    this.order.complete(seq, outcome);
  }

  private fold(o: Outcome, atUs: number): void {
    if (o.ok) {
      this.endUnreachableRun();
      this.set(true, atUs, undefined);
      return;
    }
    if (!clientSide(o.error)) {
      this.endUnreachableRun();
      this.set(false, atUs, o.error);
      return;
    }
    if (this.unreachable === 0) {
      this.unreachableSinceUs = atUs;
      this.unreachableError = o.error;
    }
    this.unreachable++;
    if (o.error.endpoint !== undefined) this.unreachableEndpoints.add(o.error.endpoint);
    const endpoints = this.endpointCount();
    const everyEndpoint = endpoints > 0 && this.unreachableEndpoints.size >= endpoints;
    if (
      this.unreachable >= UNREACHABLE_MIN &&
      (everyEndpoint || atUs - this.unreachableSinceUs >= UNREACHABLE_SPAN_US)
    ) {
      this.set(false, this.unreachableSinceUs, this.unreachableError);
    }
  }

  private endUnreachableRun(): void {
    this.unreachable = 0;
    if (this.unreachableEndpoints.size > 0) this.unreachableEndpoints.clear();
  }

  private set(available: boolean, atUs: number, error: EtcdError | undefined): void {
    if (available === this.available) return;
    this.available = available;
    this.sim.emit(`${this.name}.available`, "workload", {
      available,
      ...(error !== undefined ? { error: error.message } : {}),
      atUs,
    });
  }

  private record(latencyUs: number): void {
    const b = latencyUs <= 1 ? 0 : Math.min(127, Math.floor(Math.log2(latencyUs) * 4));
    this.buckets[b]!++;
  }

  percentile(p: number): number | null {
    let total = 0;
    for (const n of this.buckets) total += n;
    if (total === 0) return null;
    let want = total * p;
    for (let i = 0; i < this.buckets.length; i++) {
      want -= this.buckets[i]!;
      if (want <= 0) return Math.round(2 ** ((i + 1) / 4));
    }
    return null;
  }

  resetInterval(): void {
    this.ok = 0;
    this.failed = 0;
    this.errors.clear();
    this.buckets.fill(0);
  }
}

/** The workload of one client. */
export class ClientWorkload {
  private readonly writes: KindStats;
  private readonly linReads: KindStats;
  private readonly serReads: KindStats;
  private seq = 0;
  private stopped = false;
  /** Totals over the run. */
  readonly totals = { writesOk: 0, writesFailed: 0, readsOk: 0, readsFailed: 0 };

  constructor(
    private readonly sim: Simulation,
    private readonly client: EtcdClient,
    private readonly options: WorkloadOptions,
    private readonly ledger: WriteLedger,
  ) {
    const slow = options.slowUs ?? SECOND;
    const count = options.endpointCount ?? 0;
    const endpoints = typeof count === "number" ? () => count : count;
    this.writes = new KindStats("writes", sim, slow, endpoints);
    this.linReads = new KindStats("reads.linearizable", sim, slow, endpoints);
    this.serReads = new KindStats("reads.serializable", sim, slow, endpoints);
  }

  /** Schedules the request streams from `startUs` on. */
  start(): void {
    const o = this.options;
    this.stream(o.writesPerSec, 0, () => this.write());
    this.stream(o.linearizableReadsPerSec, 1, () => this.read(false));
    this.stream(o.serializableReadsPerSec, 2, () => this.read(true));
    if (o.statsIntervalUs > 0) {
      const tick = (): void => {
        if (this.stopped) return;
        this.emitStats();
        this.sim.after(o.statsIntervalUs, tick);
      };
      this.sim.at(Math.max(this.sim.now, o.startUs) + o.statsIntervalUs, tick);
    }
  }

  /** Stops issuing requests. */
  stop(): void {
    this.stopped = true;
  }

  /** Requests issued so far (writes). */
  get writesIssued(): number {
    return this.seq;
  }

  private stream(perSec: number, slot: number, fire: () => void): void {
    if (!(perSec > 0)) return;
    const meanUs = SECOND / perSec;
    const rng = this.sim.rng.stream(`workload/${slot}`);
    const gap = (): number => Math.max(1, Math.round(rng.exponential(meanUs)));
    const loop = (): void => {
      if (this.stopped) return;
      fire();
      this.sim.after(gap(), loop);
    };
    this.sim.at(Math.max(this.sim.now, this.options.startUs) + gap(), loop);
  }

  private write(): void {
    const stats = this.writes;
    const n = stats.issue();
    const seq = ++this.seq;
    const key = this.keyName(seq % this.options.keys);
    this.client.put(key, new WorkloadValue(seq), this.options.valueBytes, (r) => {
      if (r.ok) {
        this.ledger.ack(seq, this.sim.now);
        this.totals.writesOk++;
      } else this.totals.writesFailed++;
      stats.complete(n, r);
    });
  }

  private read(serializable: boolean): void {
    const stats = serializable ? this.serReads : this.linReads;
    const n = stats.issue();
    const key = this.keyName(n % this.options.keys);
    this.client.get(
      key,
      (r) => {
        if (r.ok) this.totals.readsOk++;
        else this.totals.readsFailed++;
        stats.complete(n, r);
      },
      { serializable },
    );
  }

  /**
   * Key `/workload/<n>`, one string per key for the whole run: every member's keyspace map then
   * finds it by identity with its hash already computed, instead of hashing and comparing a
   * freshly built string on each of three members per write.
   */
  private keyName(n: number): string {
    let name = this.keyNames[n];
    if (name === undefined) {
      name = `/workload/${n}`;
      this.keyNames[n] = name;
    }
    return name;
  }

  private readonly keyNames: string[] = [];

  private emitStats(): void {
    const fields: Record<string, unknown> = {};
    let any = false;
    for (const s of [this.writes, this.linReads, this.serReads]) {
      if (s.ok + s.failed === 0) continue;
      any = true;
      fields[s.name] = {
        ok: s.ok,
        failed: s.failed,
        errors: Object.fromEntries([...s.errors].sort(([a], [b]) => (a < b ? -1 : 1))),
        p50Us: s.percentile(0.5),
        p99Us: s.percentile(0.99),
      };
      s.resetInterval();
    }
    if (any) this.sim.emit("workload.stats", "workload", fields);
  }
}

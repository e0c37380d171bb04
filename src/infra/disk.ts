/**
 * A VM's disk: named directories of opaque persisted values, and fsync.
 *
 * What it models (etcd-raft.md §1.10): etcd writes its WAL and then fsyncs it before it acknowledges
 * anything, and "disk latency is part of leader liveness": the FAQ asks for wal_fsync p99 < 10 ms. So:
 *
 * - `write` puts a value in the page cache: readable at once, but lost on power loss until an
 *   `fsync` issued after it has completed;
 * - `fsync(done)` makes every write issued before it durable after a latency drawn from a
 *   distribution; fsyncs are serialised (one at a time, in order), so a slow one delays the next;
 * - the slow-disk fault multiplies and/or adds to that latency (etcd's functional tester
 *   FAILPOINTS_WITH_DISK_IO_LATENCY, the robustness suite's RaftBeforeSaveSleep 1 s, §4.1/§4.4);
 * - data survives power-off and reset (`crash` drops only unsynced writes), is gone after
 *   `wipe(dir)` (etcd's "delete the data dir", §4.1 SIGQUIT_AND_REMOVE) or when the VM is deleted
 *   (`destroy`).
 *
 * Trace records: `disk.slow`, `disk.wipe`, `disk.crash` (only when unsynced work was lost).
 */
import { constant, type Distribution, describe, sample } from "../sim/distribution.js";
import type { EventId } from "../sim/queue.js";
import type { Rng } from "../sim/rng.js";
import type { Simulation } from "../sim/simulation.js";
import { formatDuration, type Micros } from "../sim/time.js";
import { DEFAULT_FSYNC_LATENCY } from "./defaults.js";

/** Options of a disk. */
export interface DiskOptions {
  /** Latency of one fsync. Default `DEFAULT_FSYNC_LATENCY` (lognormal, p50 1 ms, p99 8 ms). */
  readonly fsyncLatency?: Distribution;
  /** Random stream for fsync latencies; default `sim.rng.stream("disk/<name>")`. */
  readonly rng?: Rng;
}

/** A slow-disk fault: each fsync takes `latency × factor + extra`. */
export interface SlowDiskFault {
  /** Multiplier of the normal latency (default 1). */
  readonly factor?: number;
  /** Added latency, a duration or a distribution (default 0). */
  readonly extra?: Distribution | Micros;
}

/** Running totals of one disk. */
export interface DiskStats {
  /** Values written or removed. */
  writes: number;
  /** Fsyncs completed. */
  fsyncs: number;
  /** Sum of completed fsync latencies (service time, not queueing). */
  fsyncTotalUs: Micros;
  /** Longest completed fsync. */
  fsyncMaxUs: Micros;
  /** Unsynced writes lost to power loss, over the disk's life. */
  lostWrites: number;
}

interface PendingWrite {
  seq: number;
  dir: string;
  key: string;
  value: unknown;
}

interface PendingFsync {
  /** Writes with a sequence number up to this one become durable. */
  upTo: number;
  done: () => void;
}

const REMOVED: unique symbol = Symbol("removed");
type Dirs = Map<string, Map<string, unknown>>;

/** One VM's disk. */
export class Disk {
  private visible: Dirs = new Map();
  private durable: Dirs = new Map();
  /**
   * Writes not yet durable, oldest first: `unsynced[0..unsyncedCount)`. The records are reused
   * (etcd writes a WAL record and a hard state per Ready, and they become durable a few ms later),
   * so the write path allocates nothing once the array has grown.
   */
  private readonly unsynced: PendingWrite[] = [];
  private unsyncedCount = 0;
  private writeSeq = 0;
  private fsyncQueue: PendingFsync[] = [];
  private inFlight: EventId = -1;
  private inFlightUs: Micros = 0;
  private held: (() => void)[] = [];
  private paused = false;
  private isDestroyed = false;
  private readonly latency: Distribution;
  private readonly rng: Rng;
  private slowFactor = 1;
  private slowExtra: Distribution | undefined;
  private readonly completeFn = (): void => this.complete();
  private readonly totals: DiskStats = {
    writes: 0,
    fsyncs: 0,
    fsyncTotalUs: 0,
    fsyncMaxUs: 0,
    lostWrites: 0,
  };

  constructor(
    private readonly sim: Simulation,
    /** Trace subject, e.g. `cp-1/disk`. */
    readonly name: string,
    options: DiskOptions = {},
  ) {
    this.latency = options.fsyncLatency ?? DEFAULT_FSYNC_LATENCY;
    this.rng = options.rng ?? sim.rng.stream(`disk/${name}`);
  }

  /** Stores `value` under `dir/key` (in the page cache until the next fsync completes). */
  write(dir: string, key: string, value: unknown): void {
    this.alive();
    this.totals.writes++;
    this.setVisible(dir, key, value);
    this.addUnsynced(dir, key, value);
  }

  /** Removes `dir/key` (durable once a later fsync completes). */
  remove(dir: string, key: string): void {
    this.alive();
    this.totals.writes++;
    this.setVisible(dir, key, REMOVED);
    this.addUnsynced(dir, key, REMOVED);
  }

  /** The current value of `dir/key` (what a process on the VM reads), or undefined. */
  read<T = unknown>(dir: string, key: string): T | undefined {
    this.alive();
    return this.visible.get(dir)?.get(key) as T | undefined;
  }

  /** True when `dir/key` holds a value. */
  has(dir: string, key: string): boolean {
    this.alive();
    return this.visible.get(dir)?.has(key) ?? false;
  }

  /** Keys in `dir`, in the order they were first written. */
  keys(dir: string): string[] {
    this.alive();
    const d = this.visible.get(dir);
    return d ? [...d.keys()] : [];
  }

  /** Directories holding at least one value. */
  dirs(): string[] {
    this.alive();
    return [...this.visible.entries()].filter(([, d]) => d.size > 0).map(([name]) => name);
  }

  /** What would survive a power loss right now: the durable value of `dir/key`. */
  readDurable<T = unknown>(dir: string, key: string): T | undefined {
    this.alive();
    return this.durable.get(dir)?.get(key) as T | undefined;
  }

  /**
   * Makes every write issued so far durable; `done` runs when that is so. Fsyncs run one at a time
   * in the order issued. If power is lost first, `done` never runs.
   */
  fsync(done: () => void): void {
    this.alive();
    this.fsyncQueue.push({ upTo: this.writeSeq, done });
    if (this.inFlight < 0) this.startNext();
  }

  /** Fsyncs issued and not yet completed (including the one in progress). */
  get pendingFsyncs(): number {
    return this.fsyncQueue.length;
  }

  /** Writes not yet durable. */
  get unsyncedWrites(): number {
    return this.unsyncedCount;
  }

  /** Totals (a copy). */
  stats(): DiskStats {
    return { ...this.totals };
  }

  /** True once the disk was destroyed with its VM. */
  get destroyed(): boolean {
    return this.isDestroyed;
  }

  /** Starts the slow-disk fault (replacing an earlier one). Traced as `disk.slow`. */
  slow(fault: SlowDiskFault): void {
    this.alive();
    const factor = fault.factor ?? 1;
    if (!(factor >= 0)) throw new Error(`disk ${this.name}: slow factor must be >= 0 (got ${factor})`);
    this.slowFactor = factor;
    this.slowExtra =
      fault.extra === undefined
        ? undefined
        : typeof fault.extra === "number"
          ? constant(fault.extra)
          : fault.extra;
    this.sim.emit("disk.slow", this.name, {
      factor,
      extra: this.slowExtra ? describe(this.slowExtra, formatDuration) : "0s",
      on: true,
    });
  }

  /** Ends the slow-disk fault (the fsync in progress keeps its latency). */
  clearSlow(): void {
    if (this.slowFactor === 1 && this.slowExtra === undefined) return;
    this.slowFactor = 1;
    this.slowExtra = undefined;
    this.sim.emit("disk.slow", this.name, { on: false });
  }

  /**
   * Deletes a directory and everything in it, durable or not (data-dir loss: `rm -rf
   * /var/lib/etcd`). Traced as `disk.wipe`.
   */
  wipe(dir: string): void {
    this.alive();
    const keys = this.visible.get(dir)?.size ?? 0;
    this.visible.delete(dir);
    this.durable.delete(dir);
    this.keepUnsynced((w) => w.dir !== dir);
    this.sim.emit("disk.wipe", this.name, { dir, keys });
  }

  /**
   * Power loss: unsynced writes are lost, fsyncs in progress or queued never complete and their
   * callbacks never run. Traced as `disk.crash` when anything was lost.
   */
  crash(): void {
    if (this.isDestroyed) return;
    const lostWrites = this.unsyncedCount;
    const droppedFsyncs = this.fsyncQueue.length + this.held.length;
    this.dropVolatile();
    this.totals.lostWrites += lostWrites;
    if (lostWrites > 0 || droppedFsyncs > 0)
      this.sim.emit("disk.crash", this.name, { lostWrites, droppedFsyncs });
  }

  /**
   * The guest is suspended: fsyncs keep completing (the data becomes durable) but their callbacks
   * wait for `resume`, as the guest cannot run them.
   */
  pause(): void {
    this.paused = true;
  }

  /** The guest resumed: callbacks of fsyncs that completed meanwhile run now, in order. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const done of held) this.sim.after(0, done);
  }

  /** The VM was deleted: everything is gone, and any further use throws. */
  destroy(): void {
    if (this.isDestroyed) return;
    this.dropVolatile();
    this.visible = new Map();
    this.durable = new Map();
    this.isDestroyed = true;
  }

  /** Every write so far becomes durable at once (a clean shutdown syncs the filesystems). */
  flushAll(): void {
    this.alive();
    this.applyUpTo(this.writeSeq);
  }

  private startNext(): void {
    let us = sample(this.latency, this.rng);
    if (this.slowFactor !== 1) us = Math.round(us * this.slowFactor);
    if (this.slowExtra) us += sample(this.slowExtra, this.rng);
    this.inFlightUs = us;
    this.inFlight = this.sim.after(us, this.completeFn);
  }

  private complete(): void {
    this.inFlight = -1;
    const head = this.fsyncQueue.shift();
    if (head) {
      this.applyUpTo(head.upTo);
      const s = this.totals;
      s.fsyncs++;
      s.fsyncTotalUs += this.inFlightUs;
      if (this.inFlightUs > s.fsyncMaxUs) s.fsyncMaxUs = this.inFlightUs;
      if (this.paused) this.held.push(head.done);
      else head.done();
    }
    if (this.inFlight < 0 && this.fsyncQueue.length > 0 && !this.isDestroyed) this.startNext();
  }

  private addUnsynced(dir: string, key: string, value: unknown): void {
    const seq = ++this.writeSeq;
    const w = this.unsynced[this.unsyncedCount++];
    if (w === undefined) this.unsynced.push({ seq, dir, key, value });
    else {
      w.seq = seq;
      w.dir = dir;
      w.key = key;
      w.value = value;
    }
  }

  /** Keeps the unsynced writes for which `keep` holds, in order; forgets the others. */
  private keepUnsynced(keep: (w: PendingWrite) => boolean): void {
    const u = this.unsynced;
    let k = 0;
    for (let i = 0; i < this.unsyncedCount; i++) {
      const w = u[i]!;
      if (!keep(w)) {
        w.value = undefined;
        continue;
      }
      u[i] = u[k]!;
      u[k++] = w;
    }
    this.unsyncedCount = k;
  }

  private applyUpTo(seq: number): void {
    const u = this.unsynced;
    const count = this.unsyncedCount;
    let n = 0;
    while (n < count && u[n]!.seq <= seq) {
      const w = u[n]!;
      let d = this.durable.get(w.dir);
      if (!d) {
        d = new Map();
        this.durable.set(w.dir, d);
      }
      if (w.value === REMOVED) d.delete(w.key);
      else d.set(w.key, w.value);
      w.value = undefined;
      n++;
    }
    if (n === 0) return;
    // Move the writes still pending to the front (usually none), keeping the records.
    for (let i = n; i < count; i++) {
      const w = u[i]!;
      u[i] = u[i - n]!;
      u[i - n] = w;
    }
    this.unsyncedCount = count - n;
  }

  private dropVolatile(): void {
    if (this.inFlight >= 0) this.sim.cancel(this.inFlight);
    this.inFlight = -1;
    this.fsyncQueue = [];
    this.held = [];
    this.paused = false;
    this.keepUnsynced(() => false);
    const copy: Dirs = new Map();
    for (const [dir, d] of this.durable) copy.set(dir, new Map(d));
    this.visible = copy;
  }

  private setVisible(dir: string, key: string, value: unknown): void {
    let d = this.visible.get(dir);
    if (value === REMOVED) {
      d?.delete(key);
      return;
    }
    if (!d) {
      d = new Map();
      this.visible.set(dir, d);
    }
    d.set(key, value);
  }

  private alive(): void {
    if (this.isDestroyed) throw new Error(`disk ${this.name}: the disk was destroyed with its VM`);
  }
}

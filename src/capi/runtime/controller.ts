/**
 * A controller as controller-runtime runs one: a work queue of object keys, at most one reconcile
 * per key at a time, requeues after a delay, exponential back-off after errors (controller-runtime's
 * default item limiter: 5 ms doubling up to 1000 s), an optional rate-limit interval (at most one
 * reconcile of a key per interval; MachineHealthCheck uses 15 s from CAPI 1.13, capi-kube.md §1.4),
 * and a periodic resync of every key (the manager's `--sync-period`, 10 min by default).
 *
 * Controllers can be paused as a whole (a self-hosted management cluster whose workload cluster
 * lost quorum: the controller-manager lost its leader lease, seed 000); keys queued meanwhile run
 * when it resumes.
 */
import type { Rng } from "../../sim/rng.js";
import type { Simulation } from "../../sim/simulation.js";
import { MILLISECOND, type Micros, SECOND } from "../../sim/time.js";
import { runTask, type Task } from "./task.js";

/** What a reconcile returns. */
export interface ReconcileResult {
  /** Reconcile this key again after this long (0 / absent: only on events). */
  readonly requeueAfterUs?: Micros;
  /** The reconcile failed: retry with back-off, and this text goes to the trace once. */
  readonly error?: string;
}

/** No requeue. */
export const DONE: ReconcileResult = Object.freeze({});

/** Controller settings. */
export interface ControllerOptions {
  /** Name in traces (`machinehealthcheck`, `kubeadmcontrolplane`, …). */
  readonly name: string;
  /** Minimum time between two reconciles of one key (0: none). */
  readonly rateLimitUs?: Micros;
  /** Resync period; every key returned by `keys` is reconciled this often (0: never). */
  readonly syncPeriodUs?: Micros;
  /** The keys to resync. */
  readonly keys?: () => readonly string[];
  /** Randomises the resync phase of each key (controller-runtime adds jitter to resyncs). */
  readonly rng?: Rng;
  /** Time one reconcile takes besides what it waits for. Default 1 ms. */
  readonly reconcileUs?: Micros;
}

interface KeyState {
  /** Event id of the scheduled reconcile, or -1. */
  event: number;
  dueUs: Micros;
  running: boolean;
  /** An event arrived while running: reconcile again right after. */
  dirty: boolean;
  lastStartUs: Micros;
  failures: number;
  lastError: string | undefined;
}

const BACKOFF_BASE_US = 5 * MILLISECOND;
const BACKOFF_MAX_US = 1000 * SECOND;

function isTask(x: Task<ReconcileResult> | ReconcileResult): x is Task<ReconcileResult> {
  return typeof (x as { next?: unknown }).next === "function";
}

/** One controller; a reconcile is a task when it waits for something, a plain function otherwise. */
export class Controller {
  private readonly states = new Map<string, KeyState>();
  private paused = false;
  private readonly heldWhilePaused = new Set<string>();

  constructor(
    private readonly sim: Simulation,
    private readonly options: ControllerOptions,
    private readonly reconcile: (key: string) => Task<ReconcileResult> | ReconcileResult,
  ) {
    const period = options.syncPeriodUs ?? 0;
    if (period > 0) this.scheduleResync(period);
  }

  /** The controller's name. */
  get name(): string {
    return this.options.name;
  }

  /** True while paused. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Queues `key` for a reconcile now (subject to the rate limit). */
  enqueue(key: string): void {
    this.enqueueAt(key, this.sim.now);
  }

  /** Queues `key` for a reconcile after `delayUs` (an earlier pending reconcile wins). */
  enqueueAfter(key: string, delayUs: Micros): void {
    this.enqueueAt(key, this.sim.now + Math.max(0, delayUs));
  }

  /** Forgets a key (its object was deleted). A running reconcile finishes. */
  forget(key: string): void {
    const s = this.states.get(key);
    if (!s) return;
    if (s.event >= 0) this.sim.cancel(s.event);
    s.event = -1;
    if (!s.running) this.states.delete(key);
  }

  /** Stops starting reconciles (running ones finish); queued keys wait for `resume`. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const [key, s] of this.states) {
      if (s.event >= 0) {
        this.sim.cancel(s.event);
        s.event = -1;
        this.heldWhilePaused.add(key);
      }
    }
  }

  /** Starts reconciling again: every held key and every known key is queued (a fresh start lists everything). */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const keys = new Set<string>([...this.heldWhilePaused, ...(this.options.keys?.() ?? [])]);
    this.heldWhilePaused.clear();
    for (const k of keys) this.enqueue(k);
  }

  private state(key: string): KeyState {
    let s = this.states.get(key);
    if (!s) {
      s = {
        event: -1,
        dueUs: 0,
        running: false,
        dirty: false,
        lastStartUs: -Infinity,
        failures: 0,
        lastError: undefined,
      };
      this.states.set(key, s);
    }
    return s;
  }

  private enqueueAt(key: string, atUs: Micros): void {
    const s = this.state(key);
    if (this.paused) {
      this.heldWhilePaused.add(key);
      return;
    }
    if (s.running && atUs <= this.sim.now) {
      s.dirty = true;
      return;
    }
    const earliest = s.lastStartUs + (this.options.rateLimitUs ?? 0);
    const due = Math.max(atUs, earliest, this.sim.now);
    if (s.event >= 0) {
      if (s.dueUs <= due) return;
      this.sim.cancel(s.event);
    }
    s.dueUs = due;
    s.event = this.sim.at(due, () => this.start(key));
  }

  private start(key: string): void {
    const s = this.state(key);
    s.event = -1;
    if (this.paused) {
      this.heldWhilePaused.add(key);
      return;
    }
    if (s.running) {
      s.dirty = true;
      return;
    }
    s.running = true;
    s.dirty = false;
    s.lastStartUs = this.sim.now;
    const work = this.options.reconcileUs ?? MILLISECOND;
    this.sim.after(work, () => {
      const out = this.reconcile(key);
      if (isTask(out)) runTask(out, (r) => this.finished(key, r));
      else this.finished(key, out);
    });
  }

  private finished(key: string, r: ReconcileResult): void {
    const s = this.state(key);
    s.running = false;
    if (r.error !== undefined) {
      s.failures++;
      if (r.error !== s.lastError) {
        this.sim.emit("capi.reconcileError", key, { controller: this.options.name, error: r.error });
        s.lastError = r.error;
      }
      const backoff = Math.min(BACKOFF_MAX_US, BACKOFF_BASE_US * 2 ** Math.min(s.failures - 1, 30));
      this.enqueueAfter(key, backoff);
      return;
    }
    s.failures = 0;
    s.lastError = undefined;
    if (s.dirty) this.enqueue(key);
    if (r.requeueAfterUs !== undefined && r.requeueAfterUs > 0) this.enqueueAfter(key, r.requeueAfterUs);
  }

  private scheduleResync(periodUs: Micros): void {
    // Each key's first resync falls at a random point of the period (informers start at
    // different times); then every period (controller-runtime's jitter is ±10 %).
    const rng = this.options.rng;
    const jitter = () => (rng ? Math.round(rng.uniform(-0.1, 0.1) * periodUs) : 0);
    const first = rng ? Math.round(rng.uniform(0, periodUs)) : periodUs;
    this.sim.after(first, () => this.resync(periodUs, jitter));
  }

  private resync(periodUs: Micros, jitter: () => number): void {
    for (const k of this.options.keys?.() ?? []) this.enqueue(k);
    this.sim.after(Math.max(SECOND, periodUs + jitter()), () => this.resync(periodUs, jitter));
  }
}

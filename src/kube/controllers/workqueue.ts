/**
 * A controller work queue with client-go's guarantees (`util/workqueue`): a key is queued at most
 * once, is never processed by two workers at the same time (a key added while it is being
 * processed is processed again afterwards), and failures are retried with per-key exponential
 * back-off (5 ms doubling, capped; the model caps at 60 s so a long outage does not leave keys
 * waiting for the default 1000 s).
 */
import type { Micros } from "../../sim/time.js";
import { MILLISECOND, SECOND } from "../../sim/time.js";
import type { ProcessScope } from "../process-scope.js";

/** Processes one key and reports whether it succeeded. */
export type SyncHandler = (key: string, done: (ok: boolean) => void) => void;

const BACKOFF_BASE_US = 5 * MILLISECOND;
const BACKOFF_MAX_US = 60 * SECOND;

/** A deduplicating, rate-limited work queue. */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private scheduled = false;
  private readonly drainFn = () => this.drain();

  constructor(
    private readonly scope: ProcessScope,
    private readonly handler: SyncHandler,
  ) {}

  /** Queues a key now. */
  add(key: string): void {
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    if (!this.scheduled) {
      this.scheduled = true;
      this.scope.after(0, this.drainFn);
    }
  }

  /** Queues a key after a delay. */
  addAfter(key: string, delayUs: Micros): void {
    if (delayUs <= 0) {
      this.add(key);
      return;
    }
    this.scope.after(delayUs, () => this.add(key));
  }

  /** Keys waiting or in progress. */
  get length(): number {
    return this.dirty.size + this.processing.size;
  }

  private drain(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const key = this.queue.shift()!;
      this.dirty.delete(key);
      this.processing.add(key);
      let finished = false;
      this.handler(key, (ok) => {
        if (finished) return;
        finished = true;
        this.processing.delete(key);
        if (ok) this.failures.delete(key);
        else {
          const n = (this.failures.get(key) ?? 0) + 1;
          this.failures.set(key, n);
          this.addAfter(key, Math.min(BACKOFF_BASE_US * 2 ** (n - 1), BACKOFF_MAX_US));
        }
        if (this.dirty.has(key)) {
          this.queue.push(key);
          if (!this.scheduled) {
            this.scheduled = true;
            this.scope.after(0, this.drainFn);
          }
        }
      });
    }
  }
}

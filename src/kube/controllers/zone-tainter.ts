/**
 * The node lifecycle controller's rate-limited tainting queue for one zone (RateLimitedTimedQueue
 * behind `zoneNoExecuteTainter`): nodes waiting for a NoExecute taint are taken in order, one per
 * token of a token bucket with burst 1 refilled at the zone's rate (`--node-eviction-rate` 0.1/s in
 * a healthy zone, `--secondary-node-eviction-rate` or 0 in a partially disrupted one). With rate 0
 * nothing is tainted. The queue is worked every `nodeEvictionPeriod` (100 ms), so a node queued in
 * a monitor pass is tainted about 100 ms later.
 */
import type { Micros } from "../../sim/time.js";
import { MILLISECOND, SECOND } from "../../sim/time.js";
import type { ProcessScope } from "../process-scope.js";

/** `nodeEvictionPeriod`: how often the tainting queue is worked. */
const NODE_EVICTION_PERIOD_US = 100 * MILLISECOND;

/** Processes one node. */
export type TaintAction = (node: string) => void;

/** A token-bucket-limited FIFO of node names. */
export class ZoneTainter {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private qps: number;
  private tokens = 1;
  private lastRefillUs: Micros;
  private wakeScheduled = false;

  constructor(
    private readonly scope: ProcessScope,
    qps: number,
    private readonly action: TaintAction,
  ) {
    this.qps = qps;
    this.lastRefillUs = scope.now;
  }

  /** Queues a node (no-op if queued). */
  add(node: string): void {
    if (this.queued.has(node)) return;
    this.queued.add(node);
    this.queue.push(node);
    this.wake(NODE_EVICTION_PERIOD_US);
  }

  /** Drops a node from the queue (it recovered). */
  remove(node: string): void {
    if (!this.queued.delete(node)) return;
    const i = this.queue.indexOf(node);
    if (i >= 0) this.queue.splice(i, 1);
  }

  /** Changes the rate (SwapLimiter): the bucket starts full again, as a new limiter does. */
  setRate(qps: number): void {
    if (qps === this.qps) return;
    this.qps = qps;
    this.tokens = qps > 0 ? 1 : 0;
    this.lastRefillUs = this.scope.now;
    this.process();
  }

  private refill(): void {
    const now = this.scope.now;
    if (this.qps > 0)
      this.tokens = Math.min(1, this.tokens + ((now - this.lastRefillUs) / SECOND) * this.qps);
    this.lastRefillUs = now;
  }

  private process(): void {
    this.refill();
    while (this.queue.length > 0 && this.qps > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      const node = this.queue.shift()!;
      this.queued.delete(node);
      this.action(node);
    }
    if (this.queue.length > 0 && this.qps > 0) {
      const waitUs = Math.ceil(((1 - this.tokens) / this.qps) * SECOND);
      // Worked on the next 100 ms tick after a token is available.
      this.wake(Math.ceil(waitUs / NODE_EVICTION_PERIOD_US) * NODE_EVICTION_PERIOD_US);
    }
  }

  private wake(delayUs: Micros): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    this.scope.after(delayUs, () => {
      this.wakeScheduled = false;
      this.process();
    });
  }
}

/**
 * Hands request outcomes to a fold in the order the requests were *issued*, each with its issue
 * time, so an availability measure can answer "would a request issued at this instant succeed?"
 * rather than "did a request end badly at this instant?". Requests overlap and complete out of
 * order (a request that hangs until its 5 s timeout completes after requests issued after it), so
 * an outcome waits until every earlier request has completed. Used by the etcd workload's
 * availability (src/etcd/workload.ts, docs/etcd.md "Client and workload") and the API probe
 * (src/kube/dataplane/probes.ts, docs/kubernetes.md "Data plane and probes").
 *
 * Every issued request must complete once (requests with a timeout always do), or later outcomes
 * wait for it forever.
 */
import type { Micros } from "../sim/time.js";

/** Entries folded at the front of the pending arrays before they are compacted. */
const COMPACT_AT = 256;

/** A reorder buffer from completion order to issue order. */
export class IssueOrder<T> {
  /** Issue time of entry `head + k`, which is request `frontier + k`. */
  private issuedAtUs: Micros[] = [];
  /** Its outcome once it completed. */
  private outcomes: (T | undefined)[] = [];
  private head = 0;
  /** Sequence number of the entry at `head`. */
  private frontier = 1;
  private issued = 0;

  /** `fold` receives each outcome with its request's issue time, in issue order. */
  constructor(private readonly fold: (outcome: T, issuedAtUs: Micros) => void) {}

  /** A request was issued at `nowUs` (not earlier than the previous one); returns its number. */
  issue(nowUs: Micros): number {
    this.issuedAtUs.push(nowUs);
    this.outcomes.push(undefined);
    return ++this.issued;
  }

  /**
   * When request `seq` was issued, while it is outstanding; undefined once it completed (or for a
   * number never issued), so a caller can ignore a second completion before counting it.
   */
  issuedAtOf(seq: number): Micros | undefined {
    const at = this.head + (seq - this.frontier);
    if (seq < this.frontier || at >= this.outcomes.length || this.outcomes[at] !== undefined)
      return undefined;
    return this.issuedAtUs[at];
  }

  /**
   * Request `seq` completed with `outcome` (`undefined` is not an outcome). Folds it and every
   * later outcome already known, as soon as no earlier request is still outstanding. A second
   * completion of the same request is ignored.
   */
  complete(seq: number, outcome: T): void {
    const at = this.head + (seq - this.frontier);
    if (seq < this.frontier || at >= this.outcomes.length || this.outcomes[at] !== undefined) return;
    this.outcomes[at] = outcome;
    const outcomes = this.outcomes;
    while (this.head < outcomes.length) {
      const o = outcomes[this.head];
      if (o === undefined) break;
      const issuedAt = this.issuedAtUs[this.head]!;
      outcomes[this.head] = undefined;
      this.head++;
      this.frontier++;
      this.fold(o, issuedAt);
    }
    if (this.head >= COMPACT_AT) {
      this.outcomes = outcomes.slice(this.head);
      this.issuedAtUs = this.issuedAtUs.slice(this.head);
      this.head = 0;
    }
  }

  /** Requests issued and not yet folded (outstanding, or completed behind an outstanding one). */
  get pending(): number {
    return this.outcomes.length - this.head;
  }
}

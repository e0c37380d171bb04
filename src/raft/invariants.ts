/**
 * Online checker of Raft's safety properties (Raft paper §5.2–5.4, Figure 3), cheap enough to run
 * in every simulation: it is fed observations from all members as they happen and reports
 * violations as data (it never throws).
 *
 * - Election safety: at most one leader per term.
 * - Log matching: two entries with the same index and term carry the same content and follow an
 *   entry with the same term (checked inductively, one index at a time, so whole prefixes agree).
 * - Leader completeness: a leader of term T holds every entry committed in a term before T.
 *   Commit observations record the observer's term, an upper bound of the term in which the entry
 *   was committed; only entries whose bound is below T are checked, so there are no false alarms.
 * - State machine safety: no two members apply different entries at the same index (also checked
 *   for snapshots: a snapshot's (index, term) must match the entry committed there).
 *
 * Memory grows with the log; `forgetBelow(index)` drops what every member has applied.
 */
import type { RaftEvent } from "./events.js";
import type { Entry, NodeId } from "./types.js";

/** Which property broke. */
export type InvariantKind = "electionSafety" | "logMatching" | "leaderCompleteness" | "stateMachineSafety";

/** One violation. */
export interface InvariantFinding {
  readonly kind: InvariantKind;
  readonly message: string;
  readonly nodes: readonly NodeId[];
  readonly term: number;
  readonly index: number;
}

/** Identity of an entry's content, comparable across members. */
export type ContentKey = string | number;

/** The parts of a member's log the leader-completeness check reads. */
export interface LogView {
  readonly lastIndex: number;
  /** Term at `index`, or -1 when compacted away or absent. */
  termAt(index: number): number;
}

/** Options of the checker. */
export interface InvariantCheckerOptions {
  /** Content identity of an entry; default: the data itself for strings/numbers, object identity otherwise. */
  readonly contentKey?: (entry: Entry) => ContentKey;
  /** Keep at most this many findings (later ones are only counted). Default 100. */
  readonly maxFindings?: number;
}

interface LogSlot {
  readonly term: number;
  readonly key: ContentKey;
  readonly prevTerm: number;
  readonly node: NodeId;
}

/** Incremental checker of Raft safety over observations from every member. */
export class RaftInvariantChecker {
  /** Violations found so far (at most `maxFindings`). */
  readonly findings: InvariantFinding[] = [];
  /** Total violations, including those beyond `maxFindings`. */
  violationCount = 0;
  private readonly maxFindings: number;
  private readonly contentKey: (entry: Entry) => ContentKey;
  private readonly leaders = new Map<number, NodeId>();
  private readonly slots = new Map<number, LogSlot[]>();
  // Committed entries by index - base: entry term, content key, bound of the commit term, first observer.
  private base = 1;
  private readonly cTerm: number[] = [];
  private readonly cKey: ContentKey[] = [];
  private readonly cBound: number[] = [];
  private readonly cNode: NodeId[] = [];
  private readonly objectIds = new WeakMap<object, number>();
  private nextObjectId = 1;

  constructor(options: InvariantCheckerOptions = {}) {
    this.maxFindings = options.maxFindings ?? 100;
    this.contentKey = options.contentKey ?? ((e) => this.defaultKey(e));
  }

  /** True when nothing was violated. */
  get ok(): boolean {
    return this.violationCount === 0;
  }

  /** `node` became leader of `term`; `log` is its log at that moment. */
  leaderElected(node: NodeId, term: number, log: LogView): void {
    const other = this.leaders.get(term);
    if (other !== undefined && other !== node) {
      this.report(
        "electionSafety",
        `two leaders in term ${term}: ${other} and ${node}`,
        [other, node],
        term,
        0,
      );
    } else if (other === undefined) {
      this.leaders.set(term, node);
    }
    // Leader completeness: the highest index committed in an earlier term must be in the log.
    const i = this.lastCommittedBefore(term);
    if (i === 0) return;
    const want = this.cTerm[i - this.base]!;
    if (i > log.lastIndex) {
      this.report(
        "leaderCompleteness",
        `leader ${node} of term ${term} lacks committed entry ${i} (term ${want}); its last index is ${log.lastIndex}`,
        [node, this.cNode[i - this.base]!],
        term,
        i,
      );
      return;
    }
    const have = log.termAt(i);
    if (have !== -1 && have !== want) {
      this.report(
        "leaderCompleteness",
        `leader ${node} of term ${term} has term ${have} at committed index ${i}, committed with term ${want}`,
        [node, this.cNode[i - this.base]!],
        term,
        i,
      );
    }
  }

  /** `node` appended `entries` (contiguous) after an entry of term `prevTerm`. */
  entriesAppended(node: NodeId, prevTerm: number, entries: readonly Entry[]): void {
    let pt = prevTerm;
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (e.index >= this.base) this.checkSlot(node, e, pt);
      pt = e.term;
    }
  }

  /**
   * `node`, currently at term `nodeTerm`, learned that `entries` (contiguous, in order) are
   * committed — typically as it applies them.
   */
  entriesCommitted(node: NodeId, nodeTerm: number, entries: readonly Entry[]): void {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (e.index < this.base) continue;
      this.recordCommitted(node, nodeTerm, e.index, e.term, this.contentKey(e));
    }
  }

  /** `node` installed a snapshot covering everything up to (`index`, `term`). */
  snapshotApplied(node: NodeId, index: number, term: number): void {
    const at = index - this.base;
    if (at < 0 || at >= this.cTerm.length) return;
    const want = this.cTerm[at];
    if (want !== undefined && want !== term) {
      this.report(
        "stateMachineSafety",
        `node ${node} installed a snapshot at ${index} with term ${term}, but the entry committed there has term ${want}`,
        [node, this.cNode[at]!],
        term,
        index,
      );
    }
  }

  /** Forgets observations at indexes below `index` (everyone has applied them). */
  forgetBelow(index: number): void {
    if (index <= this.base) return;
    const drop = Math.min(index - this.base, this.cTerm.length);
    this.cTerm.splice(0, drop);
    this.cKey.splice(0, drop);
    this.cBound.splice(0, drop);
    this.cNode.splice(0, drop);
    for (let i = this.base; i < index; i++) this.slots.delete(i);
    this.base = index;
  }

  private checkSlot(node: NodeId, e: Entry, prevTerm: number): void {
    const key = this.contentKey(e);
    let list = this.slots.get(e.index);
    if (list === undefined) {
      list = [];
      this.slots.set(e.index, list);
    }
    for (const s of list) {
      if (s.term !== e.term) continue;
      if (s.key !== key) {
        this.report(
          "logMatching",
          `entry ${e.index} of term ${e.term} differs between nodes ${s.node} and ${node}`,
          [s.node, node],
          e.term,
          e.index,
        );
      } else if (s.prevTerm !== prevTerm && e.index - 1 >= this.base) {
        this.report(
          "logMatching",
          `entry ${e.index} of term ${e.term} follows term ${s.prevTerm} on node ${s.node} but term ${prevTerm} on node ${node}`,
          [s.node, node],
          e.term,
          e.index,
        );
      }
      return;
    }
    list.push({ term: e.term, key, prevTerm, node });
  }

  private recordCommitted(
    node: NodeId,
    nodeTerm: number,
    index: number,
    term: number,
    key: ContentKey,
  ): void {
    const at = index - this.base;
    // Fill a gap (an index only seen through a snapshot) with "unknown".
    while (this.cTerm.length < at) {
      this.cTerm.push(-1);
      this.cKey.push("");
      this.cBound.push(Number.POSITIVE_INFINITY);
      this.cNode.push(0);
    }
    if (at === this.cTerm.length) {
      this.cTerm.push(term);
      this.cKey.push(key);
      this.cBound.push(nodeTerm);
      this.cNode.push(node);
    } else {
      const t = this.cTerm[at]!;
      if (t === -1) {
        this.cTerm[at] = term;
        this.cKey[at] = key;
        this.cNode[at] = node;
      } else if (t !== term || this.cKey[at] !== key) {
        this.report(
          "stateMachineSafety",
          `index ${index} committed as term ${t} on node ${this.cNode[at]} but as term ${term} (different content) on node ${node}`,
          [this.cNode[at]!, node],
          term,
          index,
        );
        return;
      }
    }
    // Everything below was committed no later than this entry: keep the bounds non-decreasing.
    for (let k = at; k >= 0 && this.cBound[k]! > nodeTerm; k--) this.cBound[k] = nodeTerm;
  }

  /** Highest committed index whose commit term is known to be below `term`; 0 if none. */
  private lastCommittedBefore(term: number): number {
    let lo = 0;
    let hi = this.cBound.length; // first position with bound >= term
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cBound[mid]! < term) lo = mid + 1;
      else hi = mid;
    }
    // Skip unknown gaps downward.
    for (let k = lo - 1; k >= 0; k--) if (this.cTerm[k] !== -1) return k + this.base;
    return 0;
  }

  private report(kind: InvariantKind, message: string, nodes: NodeId[], term: number, index: number): void {
    this.violationCount++;
    if (this.findings.length < this.maxFindings) this.findings.push({ kind, message, nodes, term, index });
  }

  private defaultKey(e: Entry): ContentKey {
    const d = e.data;
    if (typeof d === "string" || typeof d === "number") return d;
    if (d === null || d === undefined) return e.type === "normal" ? "<empty>" : "<confChange>";
    if (e.type === "confChange") {
      // Conf changes are rebuilt per member at bootstrap: compare them by value.
      const cc = d as { type?: unknown; nodeId?: unknown };
      return `cc:${String(cc.type)}:${String(cc.nodeId)}`;
    }
    if (typeof d === "object" || typeof d === "function") {
      let id = this.objectIds.get(d as object);
      if (id === undefined) {
        id = this.nextObjectId++;
        this.objectIds.set(d as object, id);
      }
      return `#${id}`;
    }
    return String(d);
  }
}

/** The parts of a RaftNode the Ready observer reads. */
export interface ObservedNode extends LogView {
  readonly id: NodeId;
  readonly term: number;
}

/** The parts of a Ready the observer reads. */
export interface ObservedReady {
  readonly snapshot: { readonly index: number; readonly term: number } | null;
  readonly entries: readonly Entry[];
  readonly committedEntries: readonly Entry[];
}

/**
 * Feeds one event of `node` to the checker: elections are observed the moment they happen, so
 * none is missed between two Ready batches. Call it from the node's `onEvent` listener.
 */
export function observeEvent(checker: RaftInvariantChecker, node: ObservedNode, event: RaftEvent): void {
  if (event.type === "roleChanged" && event.role === "leader")
    checker.leaderElected(node.id, event.term, node);
}

/**
 * Feeds one Ready of `node` to the checker; call it right after `node.ready()`, before stepping
 * the node again. Together with {@link observeEvent} this is all a host needs to run the checker.
 */
export function observeReady(checker: RaftInvariantChecker, node: ObservedNode, rd: ObservedReady): void {
  if (rd.snapshot !== null) checker.snapshotApplied(node.id, rd.snapshot.index, rd.snapshot.term);
  const n = rd.entries.length;
  if (n > 0) checker.entriesAppended(node.id, node.termAt(rd.entries[0]!.index - 1), rd.entries);
  if (rd.committedEntries.length > 0) checker.entriesCommitted(node.id, node.term, rd.committedEntries);
}

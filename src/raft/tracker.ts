/**
 * Membership and per-member progress (etcd-io/raft `tracker/tracker.go` for one majority config;
 * etcd only uses one-at-a-time changes, ../shared/reference/etcd-raft.md §1.5): who votes, who is a
 * learner, each member's Progress, the votes of the current election, and the quorum checks built
 * on them (committed index, quorum active).
 */
import { Progress } from "./progress.js";
import { quorumMatchedIndex, quorumSize, tallyVotes, type VoteResult } from "./quorum.js";
import type { ConfChange, ConfState, NodeId } from "./types.js";

/** Membership plus replication progress and election votes. */
export class ProgressTracker {
  /** Every member (voters and learners), sorted by id: iteration order is deterministic. */
  readonly members: Progress[] = [];
  private readonly byId = new Map<NodeId, Progress>();
  private voterCount = 0;
  private readonly votes = new Map<NodeId, boolean>();
  private readonly scratch: number[] = [];

  constructor(
    private readonly maxInflightMsgs: number,
    private readonly maxInflightBytes: number,
  ) {}

  /** Number of voters. */
  get voters(): number {
    return this.voterCount;
  }

  /** Progress of `id`, if it is a member. */
  get(id: NodeId): Progress | undefined {
    // Clusters have a handful of members: a scan beats hashing on this per-response path.
    const members = this.members;
    for (let i = 0; i < members.length; i++) {
      const pr = members[i]!;
      if (pr.id === id) return pr;
    }
    return undefined;
  }

  /** True when `id` is a voter. */
  isVoter(id: NodeId): boolean {
    const pr = this.byId.get(id);
    return pr !== undefined && !pr.isLearner;
  }

  /** True when the only voter is `id` (a single-member cluster). */
  isSingleton(id: NodeId): boolean {
    return this.voterCount === 1 && this.isVoter(id);
  }

  /** Current membership. */
  confState(): ConfState {
    const voters: NodeId[] = [];
    const learners: NodeId[] = [];
    for (const pr of this.members) (pr.isLearner ? learners : voters).push(pr.id);
    return { voters, learners };
  }

  /** Replaces the membership (restore from a snapshot or restart); every progress starts fresh at `next`. */
  reset(conf: ConfState, next: number): void {
    this.members.length = 0;
    this.byId.clear();
    this.voterCount = 0;
    for (const id of conf.voters) this.insert(id, false, next);
    for (const id of conf.learners) if (!this.byId.has(id)) this.insert(id, true, next);
    this.votes.clear();
  }

  /**
   * Applies one membership change; `next` is where a new member's progress starts (the leader's
   * last index + 1, probed down from there). Returns false when it changes nothing.
   * New members count as recently active, so check-quorum does not depose the leader before they
   * had a chance to answer (etcd `confchange` does the same).
   */
  apply(cc: ConfChange, next: number): boolean {
    const pr = this.byId.get(cc.nodeId);
    switch (cc.type) {
      case "addVoter":
      case "promoteLearner":
        if (pr === undefined) {
          if (cc.type === "promoteLearner") return false;
          this.insert(cc.nodeId, false, next).recentActive = true;
          return true;
        }
        if (!pr.isLearner) return false;
        pr.isLearner = false;
        this.voterCount++;
        return true;
      case "addLearner":
        if (pr === undefined) {
          this.insert(cc.nodeId, true, next).recentActive = true;
          return true;
        }
        // etcd refuses to demote a voter directly (confchange: "can't demote"); keep it a voter.
        return false;
      case "remove": {
        if (pr === undefined) return false;
        this.byId.delete(cc.nodeId);
        const at = this.members.indexOf(pr);
        if (at >= 0) this.members.splice(at, 1);
        if (!pr.isLearner) this.voterCount--;
        this.votes.delete(cc.nodeId);
        return true;
      }
    }
  }

  private insert(id: NodeId, isLearner: boolean, next: number): Progress {
    const pr = new Progress(id, isLearner, this.maxInflightMsgs, this.maxInflightBytes);
    pr.next = Math.max(1, next);
    this.byId.set(id, pr);
    let at = this.members.length;
    while (at > 0 && this.members[at - 1]!.id > id) at--;
    this.members.splice(at, 0, pr);
    if (!isLearner) this.voterCount++;
    return pr;
  }

  /** The largest index replicated on a quorum of voters (0 with no voters). */
  committedIndex(): number {
    const s = this.scratch;
    let n = 0;
    const members = this.members;
    for (let i = 0; i < members.length; i++) {
      const pr = members[i]!;
      if (!pr.isLearner) s[n++] = pr.match;
    }
    return quorumMatchedIndex(s, n);
  }

  /**
   * Whether a quorum of voters was heard from in the last check-quorum interval. `self` always
   * counts as active.
   */
  quorumActive(self: NodeId): boolean {
    let active = 0;
    for (const pr of this.members) if (!pr.isLearner && (pr.recentActive || pr.id === self)) active++;
    return this.voterCount > 0 && active >= quorumSize(this.voterCount);
  }

  /** Forgets the votes of the last election. */
  resetVotes(): void {
    this.votes.clear();
  }

  /** Records a vote response (only the first one from each member counts). */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  /** Votes granted and rejected so far by voters, and the outcome. */
  tally(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const pr of this.members) {
      if (pr.isLearner) continue;
      const v = this.votes.get(pr.id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    return { granted, rejected, result: tallyVotes(granted, rejected, this.voterCount) };
  }
}

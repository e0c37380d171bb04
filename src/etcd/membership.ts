/**
 * Cluster membership as an etcd member knows it (etcd `server/etcdserver/api/membership`): each
 * member's ID, name, peer and client URLs and whether it is a learner, plus the IDs removed from
 * the cluster (a removed ID can never come back, etcd `cluster.go` IsIDRemoved). It changes only
 * when a conf-change entry is applied, so every member derives the same membership from the log.
 *
 * A member added with `member add` is "unstarted" (no name) until it starts and publishes its
 * name through Raft, which is what `etcdctl member list` shows (seed 003's table).
 */
import type { ConfChange, NodeId } from "../raft/types.js";
import type { MemberId } from "./ids.js";

/** One member as the cluster records it. */
export interface MemberInfo {
  readonly id: MemberId;
  /** `--name`; empty until a member added at runtime starts ("unstarted"). */
  readonly name: string;
  /** Network host name of the VM it runs on (the simulator's routing key). */
  readonly host: string;
  readonly peerUrl: string;
  readonly clientUrl: string;
  readonly isLearner: boolean;
}

/** What a conf-change entry carries in its context (etcd puts the member's JSON there). */
export interface ConfChangeContext {
  readonly member: MemberInfo;
}

/** A membership in plain data, for snapshots. */
export interface MembershipImage {
  readonly clusterId: string;
  readonly members: readonly MemberInfo[];
  readonly removed: readonly NodeId[];
}

/** The membership one member believes in. */
export class Membership {
  private readonly byId = new Map<NodeId, MemberInfo>();
  private readonly removedIds = new Set<NodeId>();
  /** Member details known from configuration or peers, used when a conf entry carries none. */
  private readonly known = new Map<NodeId, MemberInfo>();

  constructor(public clusterId: string) {}

  /** Loads a snapshot's membership. */
  static fromImage(image: MembershipImage): Membership {
    const m = new Membership(image.clusterId);
    m.reset(image);
    return m;
  }

  /** Replaces everything by a snapshot's membership. */
  reset(image: MembershipImage): void {
    this.clusterId = image.clusterId;
    this.byId.clear();
    this.removedIds.clear();
    for (const info of image.members) {
      this.byId.set(info.id.raft, info);
      this.known.set(info.id.raft, info);
    }
    for (const id of image.removed) this.removedIds.add(id);
  }

  /** Remembers details of a member (from the initial cluster or a peer's member list). */
  learn(info: MemberInfo): void {
    this.known.set(info.id.raft, info);
  }

  /** The member with Raft id `id`. */
  get(id: NodeId): MemberInfo | undefined {
    return this.byId.get(id);
  }

  /** Details of `id`, even if it is not (or no longer) a member. */
  details(id: NodeId): MemberInfo | undefined {
    return this.byId.get(id) ?? this.known.get(id);
  }

  /** True when `id` is a member. */
  has(id: NodeId): boolean {
    return this.byId.has(id);
  }

  /** True when `id` was removed from the cluster. */
  isRemoved(id: NodeId): boolean {
    return this.removedIds.has(id);
  }

  /** The member running on network host `host`. */
  byHost(host: string): MemberInfo | undefined {
    for (const m of this.byId.values()) if (m.host === host) return m;
    return undefined;
  }

  /** Members sorted by ID (etcdctl's order). */
  list(): MemberInfo[] {
    return [...this.byId.values()].sort((a, b) => (a.id.hex < b.id.hex ? -1 : a.id.hex > b.id.hex ? 1 : 0));
  }

  /** Number of voting members. */
  get voterCount(): number {
    let n = 0;
    for (const m of this.byId.values()) if (!m.isLearner) n++;
    return n;
  }

  /** Number of learners. */
  get learnerCount(): number {
    let n = 0;
    for (const m of this.byId.values()) if (m.isLearner) n++;
    return n;
  }

  /** Applies a committed conf change (etcd `applyConfChange`). */
  apply(cc: ConfChange): void {
    const ctx = cc.context as ConfChangeContext | undefined;
    const info = ctx?.member ?? this.known.get(cc.nodeId);
    switch (cc.type) {
      case "addVoter":
      case "addLearner": {
        const existing = this.byId.get(cc.nodeId);
        if (existing) {
          // addVoter on a learner promotes it (ConfChange v1 semantics).
          if (cc.type === "addVoter" && existing.isLearner)
            this.byId.set(cc.nodeId, { ...existing, isLearner: false });
          return;
        }
        if (!info) return;
        const member = { ...info, isLearner: cc.type === "addLearner" };
        this.byId.set(cc.nodeId, member);
        this.known.set(cc.nodeId, member);
        return;
      }
      case "promoteLearner": {
        const existing = this.byId.get(cc.nodeId);
        if (existing) this.byId.set(cc.nodeId, { ...existing, isLearner: false });
        return;
      }
      case "remove":
        this.byId.delete(cc.nodeId);
        this.removedIds.add(cc.nodeId);
        return;
    }
  }

  /** A started member published its name and client URL (etcd `publish`). */
  publish(id: NodeId, name: string, clientUrl: string): void {
    const m = this.byId.get(id);
    if (m && (m.name !== name || m.clientUrl !== clientUrl)) {
      const updated = { ...m, name, clientUrl };
      this.byId.set(id, updated);
      this.known.set(id, updated);
    }
  }

  /** Plain-data copy for snapshots. */
  image(): MembershipImage {
    return {
      clusterId: this.clusterId,
      members: this.list(),
      removed: [...this.removedIds].sort((a, b) => a - b),
    };
  }
}

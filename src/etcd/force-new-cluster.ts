/**
 * What `--force-new-cluster` does to a member's persisted Raft state (etcd
 * `server/etcdserver/bootstrap.go`, `server/storage/util.go` CreateConfigChangeEnts;
 * ../shared/reference/etcd-raft.md §1.6): keep the member and cluster IDs, drop every uncommitted
 * entry ("discard the previously uncommitted entries"), and append force-committed conf changes
 * removing every other member (and adding this one if it is missing), at the last term. A pure
 * function of the persisted state, so it can be tested on its own.
 */
import type { ConfChange, Entry, HardState, NodeId, Snapshot } from "../raft/types.js";

/** The rewritten hard state and the entries after the snapshot. */
export interface ForcedState {
  readonly hardState: HardState;
  readonly entries: Entry[];
}

/** The state a member restarts from after `--force-new-cluster`. */
export function forceNewClusterState(
  self: NodeId,
  hardState: HardState | undefined,
  snapshot: Snapshot | null,
  entries: readonly Entry[],
): ForcedState {
  const hs: HardState = hardState ?? { term: 0, vote: 0, commit: 0 };
  const base = snapshot?.index ?? 0;
  const committed = entries.filter((e) => e.index <= hs.commit);
  // Membership as of the commit index.
  const voters = new Set<NodeId>(snapshot?.confState.voters ?? []);
  const learners = new Set<NodeId>(snapshot?.confState.learners ?? []);
  for (const e of committed) {
    if (e.type !== "confChange") continue;
    const cc = e.data as ConfChange;
    if (cc.type === "remove") {
      voters.delete(cc.nodeId);
      learners.delete(cc.nodeId);
    } else if (cc.type === "addLearner") learners.add(cc.nodeId);
    else {
      learners.delete(cc.nodeId);
      voters.add(cc.nodeId);
    }
  }
  const out: Entry[] = committed.filter((e) => e.index > base);
  let index = Math.max(base, hs.commit);
  const conf = (change: ConfChange): Entry => ({
    term: hs.term,
    index: ++index,
    type: "confChange",
    data: change,
    bytes: 64,
  });
  const others = [...voters, ...learners].filter((id) => id !== self).sort((a, b) => a - b);
  for (const nodeId of others) out.push(conf({ type: "remove", nodeId }));
  if (!voters.has(self)) out.push(conf({ type: "addVoter", nodeId: self }));
  return { hardState: { term: hs.term, vote: hs.vote, commit: index }, entries: out };
}

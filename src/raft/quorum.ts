/**
 * Majority quorum arithmetic (etcd-io/raft `quorum/majority.go` semantics, written from the rules):
 * a quorum of n voters is floor(n/2)+1 (etcd FAQ table, ../shared/reference/etcd-raft.md §2);
 * the committed index is the largest index that a quorum has matched.
 */

/** Outcome of an election so far. */
export type VoteResult = "won" | "lost" | "pending";

/** Votes needed to win or commit among `voters` voters: floor(n/2)+1. */
export function quorumSize(voters: number): number {
  return (voters >> 1) + 1;
}

/**
 * The index matched by a quorum, given the voters' match indexes in `matches[0..count)`.
 * Sorts that prefix of `matches` in place (descending): callers pass a scratch array so the hot
 * path allocates nothing. Returns 0 for an empty configuration (nothing can commit).
 */
export function quorumMatchedIndex(matches: number[], count: number): number {
  if (count === 0) return 0;
  // Insertion sort: clusters have a handful of voters.
  for (let i = 1; i < count; i++) {
    const v = matches[i]!;
    let j = i - 1;
    while (j >= 0 && matches[j]! < v) {
      matches[j + 1] = matches[j]!;
      j--;
    }
    matches[j + 1] = v;
  }
  return matches[quorumSize(count) - 1]!;
}

/** Whether an election among `voters` voters is won, lost or still open. */
export function tallyVotes(granted: number, rejected: number, voters: number): VoteResult {
  const q = quorumSize(voters);
  if (voters === 0) return "won"; // etcd: an empty config wins trivially; callers never campaign then.
  if (granted >= q) return "won";
  if (voters - rejected < q) return "lost";
  return "pending";
}

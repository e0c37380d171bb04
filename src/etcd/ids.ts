/**
 * Member and cluster IDs the way etcd derives them (etcd `membership/member.go` computeMemberID,
 * `membership/cluster.go` genID; ../shared/reference/etcd-raft.md §1.5): a member ID is the first
 * 8 bytes of sha1(sorted peer URLs + cluster token [+ time for runtime-added members]); a cluster
 * ID is derived from all member IDs. Bootstrap IDs are therefore deterministic, and restoring a
 * snapshot with a new token gives every member a new identity.
 *
 * etcd prints IDs as 16 hex digits (`79ceb8ebb7348937`). The Raft core needs a small positive
 * integer, so the member's Raft id is the first 7 hex digits (28 bits) of the same hash: small
 * enough to be a V8 small integer, so Raft messages, map lookups and calls carry it unboxed (a
 * 52-bit id was a heap-allocated number on many of those paths). Ids order as the hex IDs do, and
 * an id printed in hex is a prefix of the member ID; two of n members share the first 28 bits with
 * probability about n²/2^29 (≈ 2·10⁻⁷ for ten). `member add` derives a clashing id again
 * (membership-requests.ts), so only a bootstrap list could clash, and that is fixed by the
 * topology and token, not drawn per run.
 */
import { createHash } from "node:crypto";
import type { NodeId } from "../raft/types.js";

/** An etcd member identity: the 16-hex-digit ID and the Raft node id derived from it. */
export interface MemberId {
  readonly hex: string;
  readonly raft: NodeId;
}

function sha1Hex(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** The Raft id for a 16-hex-digit etcd ID (never 0, which means "none" to Raft). */
export function raftIdOf(hex: string): NodeId {
  const n = Number.parseInt(hex.slice(0, 7), 16);
  return n > 0 ? n : 1;
}

/**
 * A member's ID from its peer URLs and the cluster token; `addedAtUs` is the simulated time of a
 * `member add` (etcd mixes `time.Now()` in, so re-adding the same URL gives a new ID).
 */
export function memberIdOf(peerUrls: readonly string[], clusterToken: string, addedAtUs?: number): MemberId {
  const text =
    [...peerUrls].sort().join("") + clusterToken + (addedAtUs === undefined ? "" : String(addedAtUs));
  const hex = sha1Hex(text).slice(0, 16);
  return { hex, raft: raftIdOf(hex) };
}

/** The cluster ID from its members' IDs (order does not matter). */
export function clusterIdOf(memberHexIds: readonly string[]): string {
  return sha1Hex([...memberHexIds].sort().join("")).slice(0, 16);
}

/** `https://IP:2380`, the peer URL of a member listening on `address`. */
export function peerUrlOf(address: string): string {
  return `https://${address}:2380`;
}

/** `https://IP:2379`, the client URL of a member listening on `address`. */
export function clientUrlOf(address: string): string {
  return `https://${address}:2379`;
}

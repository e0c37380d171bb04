/**
 * What an etcd member puts in Raft entries (etcd's `InternalRaftRequest`, written from its
 * meaning): client writes tagged with the proposing member and a request ID, so the member that
 * proposed can answer its client once the entry is applied (etcd `wait.Wait` keyed by request
 * ID), and the attribute publication a member does after it starts (etcd `publishV3`).
 */
import type { NodeId } from "../raft/types.js";
import type { MemberInfo } from "./membership.js";
import type { WriteOp } from "./mvcc.js";

/** A request proposed through Raft. Entry data is one of these (or null for a leader's empty entry). */
export type Proposal =
  | {
      readonly kind: "write";
      readonly uid: number;
      readonly origin: NodeId;
      readonly reqId: number;
      readonly op: WriteOp;
    }
  | {
      readonly kind: "publish";
      readonly uid: number;
      readonly origin: NodeId;
      readonly reqId: number;
      readonly name: string;
      readonly clientUrl: string;
    };

let lastUid = 0;

/**
 * A number no other proposal of this process has: the identity the Raft invariant checker compares
 * entries by (cheaper than identity maps; only equality within a run matters, never the value).
 */
export function proposalUid(): number {
  return ++lastUid;
}

/** The checker's content key of an entry's data: the proposal's uid, or a value key otherwise. */
export function entryContentKey(data: unknown, isConfChange: boolean): string | number {
  if (data === null || data === undefined) return isConfChange ? "<confChange>" : "<empty>";
  if (isConfChange) {
    const cc = data as { type: string; nodeId: number };
    return `cc:${cc.type}:${cc.nodeId}`;
  }
  return (data as Proposal).uid;
}

/** Context of a conf-change entry: the member it concerns and who asked for it. */
export interface ConfChangeRequest {
  readonly member: MemberInfo;
  readonly origin: NodeId;
  readonly reqId: number;
}

/** Encoded size of a write, for disk and network costs (payload plus protobuf framing). */
export function writeBytes(op: WriteOp): number {
  switch (op.type) {
    case "put":
      return op.bytes + op.key.length + 48;
    case "delete":
      return op.key.length + 48;
    case "txn": {
      let n = 64;
      for (const c of op.compares) n += c.key.length + 24;
      for (const o of op.success) n += o.key.length + 24 + (o.type === "put" ? o.bytes : 0);
      for (const o of op.failure) n += o.key.length + 24 + (o.type === "put" ? o.bytes : 0);
      return n;
    }
  }
}

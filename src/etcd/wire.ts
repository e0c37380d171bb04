/**
 * What travels between etcd members (peer port 2380, etcd's rafthttp) and between clients and
 * members (client port 2379, etcd's gRPC API). Raft messages go on the wire as they are (the hot
 * path allocates no envelope); everything else is one of the tagged shapes below.
 *
 * Peer side (etcd `rafthttp`): Raft messages on the stream connection; database snapshots on their
 * own connection (channel {@link SNAPSHOT_CHANNEL}) as a header and then the body, so the receiver
 * can log "receiving database snapshot" when the transfer starts; link heartbeats that keep the
 * stream's read deadline alive (peer activity); `GET /version` (the leader's version monitor) and
 * `GET /members` (a member joining an existing cluster asks for the membership).
 */
import type { Message, NodeId } from "../raft/types.js";
import type { Compare, EtcdError, Result, TxnOp, WatchEvent } from "./client-api.js";
import type { MembershipImage } from "./membership.js";
import type { StoreImage } from "./mvcc.js";

/** TCP port of the client API. */
export const CLIENT_PORT = 2379;
/** TCP port of the peer API. */
export const PEER_PORT = 2380;
/** Network channel of database snapshot transfers (a separate HTTP connection in etcd). */
export const SNAPSHOT_CHANNEL = 1;

/** Approximate wire size of a small control message. */
export const CONTROL_BYTES = 96;

/** Peer-port messages other than Raft messages. */
export type PeerControl =
  | { readonly kind: "linkHeartbeat"; readonly from: NodeId; readonly hello: boolean }
  | {
      readonly kind: "snapshotHeader";
      readonly from: NodeId;
      readonly to: NodeId;
      readonly index: number;
      readonly bytes: number;
    }
  | { readonly kind: "snapshotBody"; readonly message: Message }
  | { readonly kind: "snapshotAck"; readonly from: NodeId; readonly index: number; readonly ok: boolean }
  | { readonly kind: "versionRequest"; readonly from: NodeId }
  | { readonly kind: "versionResponse"; readonly from: NodeId; readonly version: string }
  | { readonly kind: "membersRequest"; readonly replyHost: string }
  | {
      readonly kind: "membersResponse";
      readonly membership: MembershipImage;
      readonly incarnation: number;
      /** The answering member's applied index: how recent its view of the membership is. */
      readonly applied: number;
    }
  /** rafthttp answers a removed member's stream with 410 Gone. */
  | { readonly kind: "memberRemoved"; readonly id: NodeId }
  /** A follower forwards `member promote` to the leader, which alone knows the learner's progress. */
  | {
      readonly kind: "promoteForward";
      readonly origin: NodeId;
      readonly reqId: number;
      readonly idHex: string;
    }
  | { readonly kind: "promoteResult"; readonly reqId: number; readonly result: Result<unknown> };

/** Anything on the peer port. */
export type PeerWire = Message | PeerControl;

/** True when a peer-port message is a control message rather than a Raft message. */
export function isPeerControl(m: PeerWire): m is PeerControl {
  return (m as PeerControl).kind !== undefined;
}

/** An operation a client asks a member for. */
export type ClientOp =
  | { readonly type: "put"; readonly key: string; readonly value: unknown; readonly bytes: number }
  | {
      readonly type: "range";
      readonly key: string;
      readonly prefix: boolean;
      readonly serializable: boolean;
      readonly limit: number;
      readonly keysOnly: boolean;
    }
  | { readonly type: "delete"; readonly key: string; readonly prefix: boolean }
  | {
      readonly type: "txn";
      readonly compares: readonly Compare[];
      readonly success: readonly TxnOp[];
      readonly failure: readonly TxnOp[];
    }
  | { readonly type: "memberList"; readonly linearizable: boolean }
  | {
      readonly type: "memberAdd";
      readonly host: string;
      readonly peerUrl: string;
      readonly learner: boolean;
    }
  | { readonly type: "memberRemove"; readonly idHex: string }
  | { readonly type: "memberPromote"; readonly idHex: string }
  | { readonly type: "status" }
  | { readonly type: "snapshot" }
  | { readonly type: "moveLeader"; readonly idHex: string };

/** A client request: `replyPort` on the sender's host receives the answer. */
export interface ClientRequest {
  readonly kind: "request";
  readonly id: number;
  readonly replyPort: number;
  readonly op: ClientOp;
}

/** Opening and closing watch streams, and the gRPC keepalive ping. */
export type ClientStreamRequest =
  | {
      readonly kind: "watchCreate";
      readonly watchId: number;
      readonly replyPort: number;
      readonly key: string;
      readonly prefix: boolean;
      readonly fromRevision: number;
    }
  | { readonly kind: "watchCancel"; readonly watchId: number; readonly replyPort: number }
  | { readonly kind: "ping"; readonly id: number; readonly replyPort: number };

/** Anything a client sends to port 2379. */
export type ClientWire = ClientRequest | ClientStreamRequest;

/** What a member sends back to a client's reply port. */
export type ClientReply =
  | { readonly kind: "response"; readonly id: number; readonly result: Result<unknown> }
  | {
      readonly kind: "watchEvents";
      readonly watchId: number;
      readonly events: readonly WatchEvent[];
      readonly revision: number;
    }
  | { readonly kind: "watchError"; readonly watchId: number; readonly error: EtcdError }
  | { readonly kind: "pong"; readonly id: number }
  /** The member's process died while the client had a stream open (the kernel resets the TCP connection). */
  | { readonly kind: "reset" };

/** What `status` answers (etcdctl endpoint status). */
export interface MemberStatus {
  readonly idHex: string;
  readonly name: string;
  readonly version: string;
  readonly dbSizeBytes: number;
  readonly leaderHex: string;
  readonly isLearner: boolean;
  readonly raftTerm: number;
  readonly raftIndex: number;
  readonly raftAppliedIndex: number;
  readonly revision: number;
  readonly errors: readonly string[];
}

/** One row of `member list`. */
export interface MemberListEntry {
  readonly idHex: string;
  readonly status: "started" | "unstarted";
  readonly name: string;
  readonly peerUrl: string;
  readonly clientUrl: string;
  readonly isLearner: boolean;
}

/** What `snapshot` answers: a backup file (etcdctl snapshot save). */
export interface SnapshotFile {
  readonly fromMember: string;
  readonly revision: number;
  readonly raftIndex: number;
  readonly bytes: number;
  readonly takenAtUs: number;
  /** The keyspace at `revision`. */
  readonly store: StoreImage;
}

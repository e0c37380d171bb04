/**
 * etcd's error values as the client API reports them, with etcd's own words
 * (etcd `server/etcdserver/errors/errors.go`, `api/v3rpc/rpctypes/error.go`; reference
 * ../shared/reference/etcd-raft.md §1.5, §1.11). Shared constants, so no error is built per request.
 */
import type { EtcdError } from "./client-api.js";

function err(code: EtcdError["code"], message: string): EtcdError {
  return Object.freeze({ code, message });
}

/** `ErrTimeout`: the proposal or read did not finish within ReqTimeout. */
export const ERR_TIMEOUT = err("requestTimedOut", "etcdserver: request timed out");
/** `ErrTimeoutDueToLeaderFail`: the wait started around a leader loss. */
export const ERR_TIMEOUT_LEADER_FAIL = err(
  "timeoutDueToLeaderFail",
  "etcdserver: request timed out, possibly due to previous leader failure",
);
/** `ErrTimeoutDueToConnectionLost`. */
export const ERR_TIMEOUT_CONNECTION_LOST = err(
  "requestTimedOut",
  "etcdserver: request timed out, possibly due to connection lost",
);
/** `ErrLeaderChanged`: a linearizable read was waiting when the leader changed. */
export const ERR_LEADER_CHANGED = err("leaderChanged", "etcdserver: leader changed");
/** `ErrNoLeader` (gRPC require-leader, and watches cancelled without a leader). */
export const ERR_NO_LEADER = err("noLeader", "etcdserver: no leader");
/** raft `ErrProposalDropped`: no leader known, or a leadership transfer is in progress. */
export const ERR_PROPOSAL_DROPPED = err("proposalDropped", "etcdserver: raft proposal dropped");
/** `ErrTooManyRequests`: the applied index lags the commit index by more than 5000. */
export const ERR_TOO_MANY_REQUESTS = err("other", "etcdserver: too many requests");
/** `ErrStopped`: the server is shutting down. */
export const ERR_STOPPED = err("unavailable", "etcdserver: server stopped");
/** `ErrCompacted`: a watch asked for history that is no longer kept. */
export const ERR_COMPACTED = err("compacted", "mvcc: required revision has been compacted");
/** `ErrNotSupportedForLearner`. */
export const ERR_LEARNER = err("other", "etcdserver: rpc not supported for learner");
/** `ErrUnhealthy` (strict reconfig check: not connected to a quorum recently). */
export const ERR_UNHEALTHY = err("reconfig", "etcdserver: unhealthy cluster");
/** `ErrNotEnoughStartedMembers`. */
export const ERR_NOT_ENOUGH_STARTED = err(
  "reconfig",
  "etcdserver: re-configuration failed due to not enough started members",
);
/** `ErrTooManyLearners`. */
export const ERR_TOO_MANY_LEARNERS = err("other", "etcdserver: too many learner members in cluster");
/** `ErrLearnerNotReady`. */
export const ERR_LEARNER_NOT_READY = err(
  "other",
  "etcdserver: can only promote a learner member which is in sync with leader",
);
/** `ErrMemberNotLearner`. */
export const ERR_NOT_LEARNER = err("other", "etcdserver: can only promote a learner member");
/** `ErrIDNotFound` / `ErrMemberNotFound`. */
export const ERR_MEMBER_NOT_FOUND = err("other", "etcdserver: member not found");
/** `ErrPeerURLExist`. */
export const ERR_PEER_URL_EXISTS = err("other", "etcdserver: Peer URLs already exists");
/** `ErrGRPCNotLeader` for operations that must run on the leader (promote goes there). */
export const ERR_NOT_LEADER = err("other", "etcdserver: not leader");
/** Config changes are one at a time (raft: "possible unapplied conf change"). */
export const ERR_CONF_CHANGE_PENDING = err("reconfig", "etcdserver: unhealthy cluster");
/** gRPC Unavailable: the client reached no member. */
export const ERR_UNAVAILABLE = err("unavailable", "rpc error: code = Unavailable desc = connection refused");
/** The client's own deadline passed. */
export const ERR_DEADLINE = err("deadlineExceeded", "context deadline exceeded");
/** A watch stream broke (member died, keepalive failed). */
export const ERR_STREAM_BROKEN = err(
  "unavailable",
  "rpc error: code = Unavailable desc = transport is closing",
);

/**
 * Compact text forms of entries, messages and events for transcripts and failure messages.
 */
import type { RaftEvent } from "../../src/raft/events.js";
import type { ConfChange, Entry, Message, NodeId } from "../../src/raft/types.js";

/** `4/2` (empty), `5/2:x` (data), `6/2:addLearner(4)` (conf change). */
export function formatEntry(e: Entry): string {
  const head = `${e.index}/${e.term}`;
  if (e.type === "confChange") {
    const cc = e.data as ConfChange;
    return `${head}:${cc.type}(${cc.nodeId})`;
  }
  if (e.data === null || e.data === undefined) return head;
  return `${head}:${String(e.data)}`;
}

/** Entries separated by spaces. */
export function formatEntries(entries: readonly Entry[]): string {
  return entries.map(formatEntry).join(" ");
}

/** One line per message: `1->2 MsgApp t2 prev=3/1 commit=3 [4/2 5/2:x]`. */
export function formatMessage(m: Message): string {
  let s = `${m.from}->${m.to} ${m.type}`;
  if (m.term !== 0) s += ` t${m.term}`;
  switch (m.type) {
    case "MsgApp":
      s += ` prev=${m.index}/${m.logTerm} commit=${m.commit}`;
      if (m.entries.length > 0) s += ` [${formatEntries(m.entries)}]`;
      break;
    case "MsgAppResp":
      if (m.reject) s += ` reject index=${m.index} hint=${m.rejectHint}/${m.logTerm}`;
      else s += ` index=${m.index}`;
      break;
    case "MsgVote":
    case "MsgPreVote":
      s += ` last=${m.index}/${m.logTerm}`;
      if (m.context !== null) s += ` ${m.context}`;
      break;
    case "MsgVoteResp":
    case "MsgPreVoteResp":
      s += m.reject ? " rejected" : " granted";
      break;
    case "MsgHeartbeat":
      s += ` commit=${m.commit}`;
      if (m.context !== null) s += ` read=${m.context}`;
      break;
    case "MsgHeartbeatResp":
      if (m.context !== null) s += ` read=${m.context}`;
      break;
    case "MsgSnap": {
      const snap = m.snapshot!;
      s += ` snap=${snap.index}/${snap.term} voters=${snap.confState.voters.join(",")}`;
      if (snap.confState.learners.length > 0) s += ` learners=${snap.confState.learners.join(",")}`;
      break;
    }
    case "MsgProp":
      s += ` [${m.entries.map((e) => (e.type === "confChange" ? `${(e.data as ConfChange).type}(${(e.data as ConfChange).nodeId})` : String(e.data))).join(" ")}]`;
      break;
    case "MsgReadIndex":
      s += ` req=${m.context}`;
      break;
    case "MsgReadIndexResp":
      s += ` req=${m.context} index=${m.index}`;
      break;
    default:
      break;
  }
  return s;
}

const ROLE_NAMES = {
  follower: "follower",
  preCandidate: "pre-candidate",
  candidate: "candidate",
  leader: "leader",
};

/** The log line a person would read for an event of `node`. */
export function formatEvent(node: NodeId, e: RaftEvent): string {
  switch (e.type) {
    case "roleChanged":
      return `${node}: became ${ROLE_NAMES[e.role]} at term ${e.term}${e.role === "follower" && e.leader !== 0 ? ` (leader ${e.leader})` : ""}`;
    case "campaignStarted":
      return `${node}: starts ${e.transfer ? "a transfer election" : e.preVote ? "a pre-vote" : "an election"} for term ${e.term}`;
    case "voteCast":
      return `${node}: ${e.granted ? "cast" : "rejected"} ${e.msgType} ${e.granted ? "for" : "from"} ${e.candidate} at term ${e.term}`;
    case "voteIgnoredInLease":
      return `${node}: ignored ${e.msgType} from ${e.candidate}: lease is not expired (remaining ticks: ${e.remainingTicks})`;
    case "quorumInactive":
      return `${node}: stepped down to follower since quorum is not active`;
    case "campaignRefused":
      return `${node}: cannot campaign at term ${e.term}: ${e.reason}`;
    case "dropped":
      return `${node}: dropped ${e.what}: ${e.reason}`;
    case "transfer":
      return `${node}: leader transfer to ${e.transferee} ${e.phase}`;
    case "snapshotSent":
      return `${node}: sends snapshot at index ${e.index} to ${e.to}`;
    case "snapshotRestored":
      return `${node}: restored snapshot at index ${e.index} term ${e.snapshotTerm}`;
    case "confChangeApplied":
      return `${node}: applied conf change ${e.change.type}(${e.change.nodeId})${e.changed ? "" : " (no-op)"}`;
  }
}

/**
 * Building and classifying messages. All messages are created here so they share one object shape.
 */
import { type Message, type MessageType, NO_ENTRIES, NONE, type NodeId } from "./types.js";

/** A message with every optional field at its neutral value; callers fill in what they use. */
export function newMessage(type: MessageType, from: NodeId, to: NodeId, term: number): Message {
  return {
    type,
    from,
    to,
    term,
    logTerm: 0,
    index: 0,
    entries: NO_ENTRIES,
    commit: 0,
    reject: false,
    rejectHint: 0,
    snapshot: null,
    context: null,
  };
}

/** A local input message (term 0, from NONE unless the caller sets it). */
export function localMessage(type: MessageType, to: NodeId): Message {
  return newMessage(type, NONE, to, 0);
}

/**
 * True for messages that only ever exist inside one node (etcd `IsLocalMsg`): the host must never
 * put them on the network.
 */
export function isLocalMessageType(type: MessageType): boolean {
  return (
    type === "MsgHup" ||
    type === "MsgBeat" ||
    type === "MsgUnreachable" ||
    type === "MsgSnapStatus" ||
    type === "MsgCheckQuorum"
  );
}

/** True for replies (etcd `IsResponseMsg`). */
export function isResponseType(type: MessageType): boolean {
  return (
    type === "MsgAppResp" ||
    type === "MsgVoteResp" ||
    type === "MsgHeartbeatResp" ||
    type === "MsgUnreachable" ||
    type === "MsgPreVoteResp" ||
    type === "MsgReadIndexResp"
  );
}

/** The response type that answers a vote request type. */
export function voteResponseType(type: "MsgVote" | "MsgPreVote"): "MsgVoteResp" | "MsgPreVoteResp" {
  return type === "MsgVote" ? "MsgVoteResp" : "MsgPreVoteResp";
}

/**
 * Fixed per-message overhead in bytes (header fields of a protobuf `raftpb.Message` plus framing),
 * an estimate for the host's bandwidth model, not a measured value.
 */
export const MESSAGE_OVERHEAD_BYTES = 64;

/** Approximate wire size of a message: overhead plus entry payloads plus snapshot payload. */
export function messageBytes(m: Message): number {
  let bytes = MESSAGE_OVERHEAD_BYTES;
  const entries = m.entries;
  for (let i = 0; i < entries.length; i++) bytes += entries[i]!.bytes + 16;
  if (m.snapshot !== null) bytes += m.snapshot.bytes;
  return bytes;
}

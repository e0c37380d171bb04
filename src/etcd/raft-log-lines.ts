/**
 * The log lines etcd's raft package prints for Raft events (etcd-io/raft `raft.go` via etcd's zap
 * logger; the words are those of the seed documents' etcd logs, ../shared/seeds/).
 */
import type { RaftEvent } from "../raft/events.js";
import type { NodeId } from "../raft/types.js";
import type { EtcdLogger } from "./log.js";

/** Logs `e` as the member `self` (16-hex ID) would; `hexOf` names other members. */
export function logRaftEvent(
  log: EtcdLogger,
  self: string,
  hexOf: (id: NodeId) => string,
  e: RaftEvent,
): void {
  switch (e.type) {
    case "roleChanged": {
      const word = e.role === "preCandidate" ? "pre-candidate" : e.role;
      log.info("raft", `${self} became ${word} at term ${e.term}`);
      return;
    }
    case "campaignStarted":
      if (!e.preVote) log.info("raft", `${self} is starting a new election at term ${e.term}`);
      return;
    case "quorumInactive":
      log.warn("raft", `${self} stepped down to follower since quorum is not active`);
      return;
    case "transfer":
      if (e.phase === "started")
        log.info("raft", `${self} [term ${e.term}] starts to transfer leadership to ${hexOf(e.transferee)}`);
      else if (e.phase === "timeoutNowSent")
        log.info(
          "raft",
          `${self} sends MsgTimeoutNow to ${hexOf(e.transferee)} immediately as it already has up-to-date log`,
        );
      else
        log.info(
          "raft",
          `${self} [term ${e.term}] abort previous leadership transfer to ${hexOf(e.transferee)}`,
        );
      return;
    case "snapshotRestored":
      log.info(
        "raft",
        `${self} [commit: ${e.index}] restored snapshot [index: ${e.index}, term: ${e.snapshotTerm}]`,
      );
      return;
    default:
      return;
  }
}

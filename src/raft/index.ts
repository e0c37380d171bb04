/**
 * The pure Raft core (etcd-io/raft semantics): a tick- and message-driven state machine whose
 * outputs come in Ready batches, plus an online safety checker. See docs/raft.md.
 */
export * from "./config.js";
export * from "./events.js";
export * from "./inflights.js";
export * from "./invariants.js";
export * from "./log.js";
export * from "./messages.js";
export * from "./progress.js";
export * from "./quorum.js";
export * from "./raft.js";
export * from "./read-only.js";
export * from "./ready.js";
export * from "./requests.js";
export * from "./status.js";
export * from "./storage.js";
export * from "./tick-driver.js";
export * from "./tracker.js";
export * from "./types.js";

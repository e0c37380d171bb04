/**
 * Configuration of one Raft node, with etcd's defaults.
 *
 * Sources (../shared/reference/etcd-raft.md): heartbeat every tick and a 10-tick election timeout
 * (§1.1, etcd `raftConfig()`: `HeartbeatTick: 1`, `ElectionTicks = election-timeout / heartbeat`);
 * randomized timeout in [E, 2E) ticks (§1.3); pre-vote on since etcd 3.5, off in 3.4 (§1.3);
 * check-quorum always on in etcd (§1.1); `maxInflightMsgs = 512` and `maxSizePerMsg = 1 MiB`
 * (§1.1, etcd `server/etcdserver/raft.go`).
 */
import type { NodeId } from "./types.js";

/** The election-timeout randomisation range, in ticks: a timeout is drawn uniformly from [min, max). */
export interface ElectionTimeoutRange {
  readonly minTicks: number;
  readonly maxTicksExclusive: number;
}

/** What a host passes to build a node. Only `id` and `randomInt` are required. */
export interface RaftConfig {
  /** This node's id (a positive integer). */
  readonly id: NodeId;
  /**
   * Uniform integer in [0, maxExclusive): the only randomness in the core, used to draw the
   * election timeout. The host derives it from a named RNG stream.
   */
  readonly randomInt: (maxExclusive: number) => number;
  /** Election timeout E in ticks (etcd: election-timeout / heartbeat-interval = 10). Also the check-quorum and lease period. */
  readonly electionTicks?: number;
  /** Ticks between leader heartbeats (etcd: 1). */
  readonly heartbeatTicks?: number;
  /** Randomized election-timeout range; default [E, 2E) like etcd-io/raft. */
  readonly electionTimeoutRange?: ElectionTimeoutRange;
  /** Pre-vote (Raft thesis §9.6). etcd ≥ 3.5: true; etcd 3.4: false. Default true. */
  readonly preVote?: boolean;
  /** Check-quorum and leader lease. etcd always sets it. Default true. */
  readonly checkQuorum?: boolean;
  /** Max in-flight MsgApp per follower in replicate state (etcd: 512). */
  readonly maxInflightMsgs?: number;
  /** Soft cap on in-flight payload bytes per follower; 0 = no cap (etcd's default). */
  readonly maxInflightBytes?: number;
  /** Max payload bytes per MsgApp; at least one entry is always sent (etcd: 1 MiB). */
  readonly maxSizePerMsgBytes?: number;
  /** Max entries per MsgApp (not an etcd knob; Infinity by default). */
  readonly maxEntriesPerMsg?: number;
  /** A leader removed from the configuration steps down (etcd raft `StepDownOnRemoval`). Default true. */
  readonly stepDownOnRemoval?: boolean;
}

/** A config with every default filled in and checked. */
export interface ResolvedRaftConfig {
  readonly id: NodeId;
  readonly randomInt: (maxExclusive: number) => number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly electionTimeoutRange: ElectionTimeoutRange;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxInflightMsgs: number;
  readonly maxInflightBytes: number;
  readonly maxSizePerMsgBytes: number;
  readonly maxEntriesPerMsg: number;
  readonly stepDownOnRemoval: boolean;
}

/** etcd's default election timeout in ticks (1000 ms / 100 ms). */
export const DEFAULT_ELECTION_TICKS = 10;
/** etcd's heartbeat: one tick. */
export const DEFAULT_HEARTBEAT_TICKS = 1;
/** etcd `maxInflightMsgs = 4096 / 8`. */
export const DEFAULT_MAX_INFLIGHT_MSGS = 512;
/** etcd `maxSizePerMsg = 1 MiB`. */
export const DEFAULT_MAX_SIZE_PER_MSG_BYTES = 1024 * 1024;

/** A configuration the core cannot run with. */
export class RaftConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RaftConfigError";
  }
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RaftConfigError(`${name} must be a positive integer (got ${value})`);
  return value;
}

/** Fills defaults and validates (etcd-io/raft `Config.validate`: election ticks must exceed heartbeat ticks). */
export function resolveConfig(config: RaftConfig): ResolvedRaftConfig {
  const id = positiveInt("id", config.id);
  const electionTicks = positiveInt("electionTicks", config.electionTicks ?? DEFAULT_ELECTION_TICKS);
  const heartbeatTicks = positiveInt("heartbeatTicks", config.heartbeatTicks ?? DEFAULT_HEARTBEAT_TICKS);
  if (electionTicks <= heartbeatTicks) {
    throw new RaftConfigError(
      `electionTicks (${electionTicks}) must be greater than heartbeatTicks (${heartbeatTicks})`,
    );
  }
  const range = config.electionTimeoutRange ?? {
    minTicks: electionTicks,
    maxTicksExclusive: 2 * electionTicks,
  };
  positiveInt("electionTimeoutRange.minTicks", range.minTicks);
  if (!Number.isInteger(range.maxTicksExclusive) || range.maxTicksExclusive <= range.minTicks) {
    throw new RaftConfigError(
      `electionTimeoutRange.maxTicksExclusive (${range.maxTicksExclusive}) must be an integer above minTicks (${range.minTicks})`,
    );
  }
  const maxInflightMsgs = positiveInt("maxInflightMsgs", config.maxInflightMsgs ?? DEFAULT_MAX_INFLIGHT_MSGS);
  const maxInflightBytes = config.maxInflightBytes ?? 0;
  if (!(maxInflightBytes >= 0))
    throw new RaftConfigError(`maxInflightBytes must be >= 0 (got ${maxInflightBytes})`);
  const maxSizePerMsgBytes = config.maxSizePerMsgBytes ?? DEFAULT_MAX_SIZE_PER_MSG_BYTES;
  if (!(maxSizePerMsgBytes >= 0))
    throw new RaftConfigError(`maxSizePerMsgBytes must be >= 0 (got ${maxSizePerMsgBytes})`);
  const maxEntriesPerMsg = config.maxEntriesPerMsg ?? Number.POSITIVE_INFINITY;
  if (!(maxEntriesPerMsg >= 1))
    throw new RaftConfigError(`maxEntriesPerMsg must be >= 1 (got ${maxEntriesPerMsg})`);
  return {
    id,
    randomInt: config.randomInt,
    electionTicks,
    heartbeatTicks,
    electionTimeoutRange: { minTicks: range.minTicks, maxTicksExclusive: range.maxTicksExclusive },
    preVote: config.preVote ?? true,
    checkQuorum: config.checkQuorum ?? true,
    maxInflightMsgs,
    maxInflightBytes,
    maxSizePerMsgBytes,
    maxEntriesPerMsg,
    stepDownOnRemoval: config.stepDownOnRemoval ?? true,
  };
}

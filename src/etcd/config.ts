/**
 * Configuration of an etcd member, with etcd's defaults and the switches that change between
 * versions (../shared/reference/etcd-raft.md §1.1–1.3, §1.11–1.12):
 *
 * - heartbeat-interval 100 ms = one Raft tick; election-timeout 1000 ms = 10 ticks
 *   (`ElectionTicks = ElectionMs / TickMs`, etcd `server/embed/config.go`);
 * - `--pre-vote`: off by default in 3.4, on since 3.5 (CHANGELOG-3.4, CHANGELOG-3.5 PR 12770);
 * - `--snapshot-count`: 100,000 in 3.2–3.5, 10,000 in 3.6 (CHANGELOG-3.6 PR 15408); 3.6 also
 *   compacts the in-memory Raft log every 100 applied entries (`memorySnapshotCount`);
 * - request timeout `5 s + 2 × election timeout` (etcd `server/config/config.go` `ReqTimeout`).
 */
import { MILLISECOND, type Micros, SECOND } from "../sim/time.js";

/** etcd minor versions whose defaults differ. */
export type EtcdVersion = "3.4" | "3.5" | "3.6";

/** Every etcd version the model knows, oldest first. */
export const ETCD_VERSIONS: readonly EtcdVersion[] = ["3.4", "3.5", "3.6"];

/** What one member runs with. All durations in microseconds. */
export interface EtcdConfig {
  readonly version: EtcdVersion;
  /** `--heartbeat-interval`: one Raft tick. */
  readonly heartbeatUs: Micros;
  /** `--election-timeout`. */
  readonly electionTimeoutUs: Micros;
  /** `--pre-vote`. */
  readonly preVote: boolean;
  /** `--snapshot-count`: applied entries between disk snapshots. */
  readonly snapshotCount: number;
  /** `--snapshot-catchup-entries`: entries kept behind a snapshot for slow followers. */
  readonly snapshotCatchUpEntries: number;
  /**
   * Applied entries between in-memory compactions of the Raft log (3.6 `memorySnapshotCount` =
   * 100); 0 means none (3.4/3.5 compact only when they snapshot to disk).
   */
  readonly memorySnapshotCount: number;
  /** `--initial-election-tick-advance`. */
  readonly initialElectionTickAdvance: boolean;
  /** `--strict-reconfig-check`. */
  readonly strictReconfigCheck: boolean;
  /** `--max-learners`. */
  readonly maxLearners: number;
  /**
   * Size of the backend database before the keys the simulation writes (the bbolt file holds
   * everything else a real cluster stores). Decides snapshot transfer times.
   */
  readonly dbBaseBytes: number;
  /** Events a member keeps for watches that start in the past (older ones are "compacted"). */
  readonly watchHistoryEvents: number;
}

/** Defaults per version, from the sources in the file header. */
export function versionDefaults(version: EtcdVersion): {
  preVote: boolean;
  snapshotCount: number;
  memorySnapshotCount: number;
} {
  switch (version) {
    case "3.4":
      return { preVote: false, snapshotCount: 100_000, memorySnapshotCount: 0 };
    case "3.5":
      return { preVote: true, snapshotCount: 100_000, memorySnapshotCount: 0 };
    case "3.6":
      return { preVote: true, snapshotCount: 10_000, memorySnapshotCount: 100 };
  }
}

/** A complete configuration with etcd's defaults for `version`, overridden by `overrides`. */
export function etcdConfig(overrides: Partial<EtcdConfig> = {}): EtcdConfig {
  const version = overrides.version ?? "3.5";
  const v = versionDefaults(version);
  const config: EtcdConfig = {
    version,
    heartbeatUs: 100 * MILLISECOND,
    electionTimeoutUs: 1000 * MILLISECOND,
    preVote: v.preVote,
    snapshotCount: v.snapshotCount,
    snapshotCatchUpEntries: 5000,
    memorySnapshotCount: v.memorySnapshotCount,
    initialElectionTickAdvance: true,
    strictReconfigCheck: true,
    maxLearners: 1,
    dbBaseBytes: 78_524_416,
    watchHistoryEvents: 10_000,
    ...overrides,
  };
  validateConfig(config);
  return config;
}

/** A configuration etcd itself would refuse to start with. */
export class EtcdConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EtcdConfigError";
  }
}

/**
 * etcd's own checks (`server/embed/config.go`): the election timeout must be at least 5 heartbeat
 * intervals and at most 50 s.
 */
export function validateConfig(c: EtcdConfig): void {
  if (!(c.heartbeatUs > 0)) throw new EtcdConfigError("--heartbeat-interval must be > 0");
  if (5 * c.heartbeatUs > c.electionTimeoutUs) {
    throw new EtcdConfigError(
      `--election-timeout[${c.electionTimeoutUs / MILLISECOND}ms] should be at least as 5 times as --heartbeat-interval[${c.heartbeatUs / MILLISECOND}ms]`,
    );
  }
  if (c.electionTimeoutUs > 50 * SECOND)
    throw new EtcdConfigError("--election-timeout is longer than 50000 ms");
  if (!(c.snapshotCount >= 1)) throw new EtcdConfigError("--snapshot-count must be >= 1");
}

/** `ElectionTicks = ElectionMs / TickMs` (integer division, etcd `config.ElectionTicks`). */
export function electionTicks(c: EtcdConfig): number {
  return Math.floor(c.electionTimeoutUs / c.heartbeatUs);
}

/** `ReqTimeout() = 5 s + 2 × election timeout` (7 s with defaults). */
export function requestTimeoutUs(c: EtcdConfig): Micros {
  return 5 * SECOND + 2 * c.electionTimeoutUs;
}

/** `PeerDialTimeout = 1 s + election timeout`. */
export function peerDialTimeoutUs(c: EtcdConfig): Micros {
  return SECOND + c.electionTimeoutUs;
}

/** rafthttp `ConnReadTimeout`: a peer silent this long is inactive. */
export const CONN_READ_TIMEOUT_US: Micros = 5 * SECOND;
/** rafthttp stream writers send a link heartbeat every ConnReadTimeout / 3. */
export const LINK_HEARTBEAT_US: Micros = Math.round(CONN_READ_TIMEOUT_US / 3);
/** etcd `monitorVersionInterval = ConnWriteTimeout − 1 s`: the leader polls member versions. */
export const MONITOR_VERSION_INTERVAL_US: Micros = 4 * SECOND;
/** etcd `HealthInterval`: members must have been connected this long for strict reconfig checks. */
export const HEALTH_INTERVAL_US: Micros = 5 * SECOND;
/** etcd read loop `readIndexRetryTime`. */
export const READ_INDEX_RETRY_US: Micros = 500 * MILLISECOND;
/** etcd `readyPercentThreshold`: a learner must have this share of the leader's log to be promoted. */
export const READY_PERCENT = 0.9;
/** etcd `maxGapBetweenApplyAndCommitIndex`: beyond it requests fail with "too many requests". */
export const MAX_GAP_APPLY_COMMIT = 5000;
/** gRPC `maxNoLeaderCnt`: watches are cancelled after this many election timeouts without a leader. */
export const MAX_NO_LEADER_ELECTIONS = 3;

/**
 * What the parts of a member process (peer tracking, version monitor, reads, watches, snapshot
 * transfers) need from the process itself. One object per process, so a part never outlives the
 * process that made it: `alive` turns false when the process stops and every callback checks it.
 */
import type { GuestClock } from "../infra/guest.js";
import type { Network } from "../infra/network.js";
import type { RefusedHandler } from "../infra/network-types.js";
import type { NodeId } from "../raft/types.js";
import type { Simulation } from "../sim/simulation.js";
import type { EtcdConfig } from "./config.js";
import type { EtcdLogger } from "./log.js";
import type { Membership } from "./membership.js";
import type { PeerWire } from "./wire.js";

/** The process-wide context of a member. */
export interface MemberHost {
  readonly sim: Simulation;
  /** Timers of the guest the process runs in (they die with the guest). */
  readonly guest: GuestClock;
  readonly network: Network;
  /** Network host (VM) name. */
  readonly host: string;
  readonly log: EtcdLogger;
  readonly config: EtcdConfig;
  /** False once the process stopped; callbacks scheduled earlier must then do nothing. */
  readonly alive: boolean;
  /** This member's Raft id (0 until known). */
  readonly selfId: NodeId;
  readonly membership: Membership;
  /** Sends a peer-port message to the member with Raft id `to` (dropped if its host is unknown). */
  sendPeer(to: NodeId, message: PeerWire, bytes: number, channel?: number, onRefused?: RefusedHandler): void;
  /** 16-hex ID of a member for log lines. */
  hexOf(id: NodeId): string;
}

/**
 * Peer activity as etcd's rafthttp sees it (etcd `rafthttp/peer_status.go`, `stream.go`;
 * ../shared/reference/etcd-raft.md §1.1, §1.5): a peer is *active* while its stream connection
 * works. Stream writers send a link heartbeat every ConnReadTimeout/3 and readers give up after
 * ConnReadTimeout (5 s) of silence, so a powered-off peer turns inactive about 5 s after its last
 * message; a refused connection (the host is up but etcd is not) turns it inactive at once.
 *
 * `activeSince` is what etcd's strict reconfiguration checks and the graceful-stop leadership
 * transfer read (etcd `transport.ActiveSince`): the member transfers to the longest-connected voter.
 *
 * Log lines (seed 000): "peer X became active", "established a TCP streaming connection with peer
 * X (stream Message reader)" and "(stream MsgApp v2 reader)", "lost the TCP streaming connection
 * with peer X (stream Message reader)" (and MsgApp v2), "peer X became inactive (message send to
 * peer failed)".
 */
import type { NodeId } from "../raft/types.js";
import { CONN_READ_TIMEOUT_US } from "./config.js";
import type { MemberHost } from "./member-host.js";

/** rafthttp's two stream types (etcd `rafthttp/stream.go`: streamTypeMessage, streamTypeMsgAppV2). */
const STREAMS = ["stream Message", "stream MsgApp v2"] as const;

interface PeerState {
  readonly id: NodeId;
  lastHeardUs: number;
  /** When the current active period began; -1 while inactive. */
  activeSinceUs: number;
}

/** Activity of every peer of one member. */
export class PeerTracker {
  private readonly peers = new Map<NodeId, PeerState>();

  constructor(private readonly m: MemberHost) {}

  /** A message arrived from `id`. */
  heard(id: NodeId): void {
    const now = this.m.sim.now;
    let p = this.peers.get(id);
    if (p === undefined) {
      p = { id, lastHeardUs: now, activeSinceUs: -1 };
      this.peers.set(id, p);
    }
    p.lastHeardUs = now;
    if (p.activeSinceUs < 0) {
      p.activeSinceUs = now;
      const hex = this.m.hexOf(id);
      this.m.log.info("rafthttp", `peer ${hex} became active`);
      // rafthttp keeps two streams per peer, and its readers log each (seed 000 quotes both).
      for (const stream of STREAMS)
        this.m.log.info(
          "rafthttp",
          `established a TCP streaming connection with peer ${hex} (${stream} reader)`,
        );
    }
  }

  /** A connection to `id` was refused: nothing listens on its peer port. */
  refused(id: NodeId): void {
    const p = this.peers.get(id);
    if (p === undefined || p.activeSinceUs < 0) return;
    p.activeSinceUs = -1;
    this.m.log.info("rafthttp", `peer ${this.m.hexOf(id)} became inactive (message send to peer failed)`);
  }

  /** Marks peers silent for longer than ConnReadTimeout inactive (called every tick). */
  expire(): void {
    const now = this.m.sim.now;
    // Runs every tick: iterate values (no [key, value] pair per peer).
    for (const p of this.peers.values()) {
      if (p.activeSinceUs >= 0 && now - p.lastHeardUs > CONN_READ_TIMEOUT_US) {
        p.activeSinceUs = -1;
        const hex = this.m.hexOf(p.id);
        for (const stream of STREAMS)
          this.m.log.warn(
            "rafthttp",
            `lost the TCP streaming connection with peer ${hex} (${stream} reader)`,
          );
        this.m.log.info("rafthttp", `peer ${hex} became inactive (message send to peer failed)`);
      }
    }
  }

  /** Forgets a removed member. */
  forget(id: NodeId): void {
    this.peers.delete(id);
  }

  /** When `id`'s current active period began, or -1 when it is not active. */
  activeSince(id: NodeId): number {
    return this.peers.get(id)?.activeSinceUs ?? -1;
  }

  /** True when `id` has been active continuously since `t` or earlier. */
  connectedSince(id: NodeId, t: number): boolean {
    const since = this.activeSince(id);
    return since >= 0 && since <= t;
  }

  /** Number of active peers (etcd `transport.ActivePeers`). */
  activeCount(): number {
    let n = 0;
    for (const p of this.peers.values()) if (p.activeSinceUs >= 0) n++;
    return n;
  }
}

/**
 * A member's peer port 2380 (etcd `server/etcdserver/api/rafthttp`, ../shared/reference/etcd-raft.md
 * §1.1, §1.5): Raft messages in and out, link heartbeats that keep peer activity current, database
 * snapshots on their own connection, the leader's version probes, the membership a joining member
 * asks for, and promotion requests forwarded to the leader. Senders are checked as rafthttp does:
 * a removed member gets 410 Gone (and exits when it hears it), another cluster is ignored.
 */
import type { SendOptions } from "../infra/network-types.js";
import type { Message, NodeId } from "../raft/types.js";
import { LINK_HEARTBEAT_US } from "./config.js";
import type { EtcdMember } from "./member.js";
import { CONTROL_BYTES, isPeerControl, PEER_PORT, type PeerWire } from "./wire.js";

/** The peer-port side of one member process. */
export class PeerPort {
  /** How Raft messages are sent: a refused connection marks the peer inactive and unreachable. */
  readonly sendOptions: SendOptions;
  /** Hosts of members this one does not know yet but heard from (so it can answer them). */
  private readonly learnedHosts = new Map<NodeId, string>();

  constructor(private readonly m: EtcdMember) {
    this.sendOptions = {
      onRefused: (toHost) => {
        if (!m.alive) return;
        const info = m.membership.byHost(toHost);
        if (info === undefined) return;
        m.peers.refused(info.id.raft);
        m.raft?.reportUnreachable(info.id.raft);
      },
    };
  }

  /** The host of member `id`, if known. */
  hostOf(id: NodeId): string | undefined {
    return this.m.membership.details(id)?.host ?? this.learnedHosts.get(id);
  }

  /**
   * Sends a link heartbeat to every peer; `hello` (at start) also starts sending them every
   * ConnReadTimeout/3 and asks each peer to answer at once.
   */
  linkHeartbeats(hello: boolean): void {
    const m = this.m;
    for (const id of this.peerIds()) {
      m.sendPeer(
        id,
        { kind: "linkHeartbeat", from: m.selfId, hello },
        CONTROL_BYTES,
        0,
        this.sendOptions.onRefused,
      );
    }
    if (hello) m.every(LINK_HEARTBEAT_US, () => this.linkHeartbeats(false));
  }

  /** Peers to keep streams with: the members, or before the membership is applied, the initial ones. */
  private peerIds(): NodeId[] {
    const m = this.m;
    const ids = new Set<NodeId>();
    for (const info of m.membership.list()) ids.add(info.id.raft);
    if (ids.size === 0) for (const info of m.identity?.initialMembers ?? []) ids.add(info.id.raft);
    ids.delete(m.selfId);
    for (const id of ids) if (m.membership.isRemoved(id)) ids.delete(id);
    return [...ids];
  }

  /** A message arrived on the peer port from `fromHost`. */
  receive(msg: PeerWire, fromHost: string): void {
    const m = this.m;
    if (!m.alive) return;
    if (!isPeerControl(msg)) {
      this.onRaftMessage(msg, fromHost);
      return;
    }
    switch (msg.kind) {
      case "membersRequest":
        if (m.raft !== null && m.membership.list().length > 0) {
          m.network.send(
            m.host,
            msg.replyHost,
            PEER_PORT,
            {
              kind: "membersResponse",
              membership: m.membership.image(),
              incarnation: m.incarnation,
              applied: m.raft.applied,
            },
            CONTROL_BYTES,
          );
        }
        return;
      case "membersResponse":
        m.startup.joinAnswer(msg);
        return;
      default:
        break;
    }
    if (m.raft === null) return;
    switch (msg.kind) {
      case "linkHeartbeat":
        if (!this.acceptFrom(msg.from, fromHost)) return;
        m.peers.heard(msg.from);
        if (msg.hello)
          m.sendPeer(msg.from, { kind: "linkHeartbeat", from: m.selfId, hello: false }, CONTROL_BYTES);
        return;
      case "snapshotHeader":
        if (!this.acceptFrom(msg.from, fromHost)) return;
        m.peers.heard(msg.from);
        m.snapshots.receivingHeader(msg.from, msg.index, msg.bytes);
        return;
      case "snapshotBody":
        if (!this.acceptFrom(msg.message.from, fromHost)) return;
        m.peers.heard(msg.message.from);
        m.snapshots.receivedBody(msg.message);
        return;
      case "snapshotAck":
        m.peers.heard(msg.from);
        m.snapshots.acked(msg.from, msg.index, msg.ok);
        return;
      case "versionRequest":
        if (!this.acceptFrom(msg.from, fromHost)) return;
        m.sendPeer(
          msg.from,
          { kind: "versionResponse", from: m.selfId, version: m.config.version },
          CONTROL_BYTES,
        );
        return;
      case "versionResponse":
        m.versions.answered(msg.from);
        return;
      case "memberRemoved":
        if (msg.id === m.selfId) m.removed();
        return;
      case "promoteForward":
        m.ops.handlePromote(msg.idHex, (result) =>
          m.sendPeer(msg.origin, { kind: "promoteResult", reqId: msg.reqId, result }, CONTROL_BYTES),
        );
        return;
      case "promoteResult":
        m.waiters.resolve(msg.reqId, msg.result);
        return;
    }
  }

  private onRaftMessage(msg: Message, fromHost: string): void {
    const m = this.m;
    if (m.raft === null) return;
    if (!this.acceptFrom(msg.from, fromHost)) return;
    m.peers.heard(msg.from);
    m.loop.step(msg);
  }

  /**
   * rafthttp refuses a removed member with 410 Gone (it exits when it hears so) and checks the
   * cluster ID header of everything else. A sender this member does not know yet is accepted when
   * it belongs to the same cluster: a member that fell behind must hear from members added after
   * its progress, or it could never catch up (etcd delivers those through the pipeline handler).
   */
  private acceptFrom(id: NodeId, fromHost: string): boolean {
    const m = this.m;
    const ms = m.membership;
    if (ms.isRemoved(id)) {
      m.network.send(m.host, fromHost, PEER_PORT, { kind: "memberRemoved", id }, CONTROL_BYTES);
      return false;
    }
    if (ms.has(id) || ms.details(id) !== undefined) return true;
    if (m.observer.lineageOfHost(fromHost) !== m.incarnation) return false;
    this.learnedHosts.set(id, fromHost);
    return true;
  }
}

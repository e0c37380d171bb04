/**
 * The leader's cluster-version monitor (etcd `server/etcdserver/server.go` monitorVersions and
 * `cluster_util.go` getVersion): every 4 s the leader asks each member for `GET /version` on its
 * peer URL. A failure is logged as a warning — the line seed 000 quotes:
 *
 *     W | etcdserver: cannot get the version of member 79ceb8ebb7348937
 *         (Get https://192.168.3.157:2380/version: dial tcp 192.168.3.157:2380: connect: connection refused)
 *
 * "connection refused" when the VM is up but etcd is not; "i/o timeout" when nothing answers (VM
 * off, partitioned). etcd repeats the line every round; to keep timelines readable the first
 * failure of a streak is logged, then a line whenever the reason changes (a VM that boots turns
 * "i/o timeout" into "connection refused" until etcd listens: seed 000's line just before "peer
 * became active"), and otherwise one line every 30 s while it lasts.
 */
import type { NodeId } from "../raft/types.js";
import { SECOND } from "../sim/time.js";
import type { MemberHost } from "./member-host.js";
import { CONTROL_BYTES, PEER_PORT } from "./wire.js";

const LOG_EVERY_US = 30 * SECOND;

interface VersionProbe {
  /** A request is outstanding since this time (-1: none). */
  sentAtUs: number;
  /** Start of the current failure streak (-1: last probe succeeded). */
  failingSinceUs: number;
  lastLoggedUs: number;
  /** The reason last logged in this streak. */
  lastWhy: string;
}

/** Runs on the leader only; `round()` is called every monitor interval. */
export class VersionMonitor {
  private readonly probes = new Map<NodeId, VersionProbe>();

  constructor(private readonly m: MemberHost) {}

  /** One monitoring round: report last round's unanswered probes, send new ones. */
  round(): void {
    for (const info of this.m.membership.list()) {
      const id = info.id.raft;
      if (id === this.m.selfId) continue;
      let p = this.probes.get(id);
      if (p === undefined) {
        p = { sentAtUs: -1, failingSinceUs: -1, lastLoggedUs: -1, lastWhy: "" };
        this.probes.set(id, p);
      }
      if (p.sentAtUs >= 0) this.failed(id, "i/o timeout");
      p.sentAtUs = this.m.sim.now;
      this.m.sendPeer(id, { kind: "versionRequest", from: this.m.selfId }, CONTROL_BYTES, 0, () => {
        if (!this.m.alive) return;
        const q = this.probes.get(id);
        if (q === undefined || q.sentAtUs < 0) return;
        q.sentAtUs = -1;
        this.failed(id, "connect: connection refused");
      });
    }
  }

  /** A member answered `GET /version`. */
  answered(id: NodeId): void {
    const p = this.probes.get(id);
    if (p === undefined) return;
    p.sentAtUs = -1;
    p.failingSinceUs = -1;
  }

  /** Leadership ended: stop expecting answers. */
  reset(): void {
    this.probes.clear();
  }

  private failed(id: NodeId, why: string): void {
    const p = this.probes.get(id)!;
    p.sentAtUs = -1;
    const now = this.m.sim.now;
    const newStreak = p.failingSinceUs < 0;
    if (newStreak) p.failingSinceUs = now;
    if (!newStreak && why === p.lastWhy && now - p.lastLoggedUs < LOG_EVERY_US) return;
    p.lastLoggedUs = now;
    p.lastWhy = why;
    // etcd dials the peer URL the member registered with, not wherever its host is now (a VM
    // re-created under the same name may have another address).
    const info = this.m.membership.details(id);
    const url = info?.peerUrl ?? `https://${info ? this.m.network.hostAddress(info.host) : "?"}:${PEER_PORT}`;
    const hostPort = url.replace(/^https?:\/\//, "");
    this.m.log.warn(
      "etcdserver",
      `cannot get the version of member ${this.m.hexOf(id)} (Get ${url}/version: dial tcp ${hostPort}: ${why})`,
    );
  }
}

/**
 * Publishing a member's attributes (etcd `server/etcdserver/server.go` `publishV3`,
 * ../shared/reference/etcd-raft.md §1.5): every start, once a leader is known, the member proposes
 * its name and client URL through Raft, retried every tick until it succeeds; a member added with
 * `member add` gets its name this way ("unstarted" → "started"). etcd serves clients only after
 * this succeeds (`ReadyNotify`), so a member that restarts into a cluster without quorum never
 * serves.
 */
import { NONE } from "../raft/types.js";
import type { EtcdMember } from "./member.js";
import { type Proposal, proposalUid } from "./proposals.js";

/** The publish proposal of one member process. */
export class Publisher {
  private publishPending = false;
  private publishReqId = -1;

  constructor(private readonly m: EtcdMember) {}

  /** Proposes the member's attributes unless it is ready, already publishing, or has no leader. */
  maybePublish(): void {
    const m = this.m;
    const raft = m.raft;
    if (raft === null || m.clients.ready || this.publishPending || raft.leader === NONE) return;
    const me = m.membership.get(m.selfId);
    if (me === undefined) return;
    const reqId = m.waiters.newId();
    const p: Proposal = {
      kind: "publish",
      uid: proposalUid(),
      origin: m.selfId,
      reqId,
      name: m.unit.name,
      clientUrl: me.clientUrl,
    };
    if (raft.propose(p, 128) === "dropped") return;
    this.publishPending = true;
    this.publishReqId = reqId;
    m.waiters.wait(reqId, (r) => {
      if (!r.ok) this.publishPending = false;
    });
    m.loop.process();
  }

  /** A publish entry proposed by this member was applied; the latest one makes it ready. */
  applied(p: Extract<Proposal, { kind: "publish" }>): void {
    if (p.reqId !== this.publishReqId) return;
    this.publishPending = false;
    this.m.waiters.resolve(p.reqId, { ok: true, value: null });
    this.m.log.info("etcdserver", `published local member to cluster through raft (name ${p.name})`);
    this.m.clients.becomeReady();
  }
}

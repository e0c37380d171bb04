/**
 * Membership operations a member serves (etcd `server/etcdserver/server.go` `AddMember`,
 * `RemoveMember`, `PromoteMember`, `MoveLeader`; ../shared/reference/etcd-raft.md §1.5–§1.6):
 * each passes etcd's strict reconfiguration checks (`reconfig.ts`), is proposed as a Raft
 * configuration change (one pending at a time) and is answered when it applies, or at ReqTimeout.
 * Promotion is decided by the leader, which alone knows the learner's progress: a follower
 * forwards it. Leadership transfers are polled every heartbeat until another member leads.
 */
import { type ConfChange, NONE, type NodeId } from "../raft/types.js";
import type { EtcdError, Result } from "./client-api.js";
import { HEALTH_INTERVAL_US, READY_PERCENT } from "./config.js";
import {
  ERR_CONF_CHANGE_PENDING,
  ERR_MEMBER_NOT_FOUND,
  ERR_NO_LEADER,
  ERR_NOT_LEADER,
  ERR_PROPOSAL_DROPPED,
  ERR_STOPPED,
  ERR_TIMEOUT,
} from "./errors.js";
import { clientUrlOf, memberIdOf } from "./ids.js";
import type { EtcdMember } from "./member.js";
import type { MemberInfo } from "./membership.js";
import type { ConfChangeRequest } from "./proposals.js";
import { checkAdd, checkPromote, checkRemove, type ReconfigView } from "./reconfig.js";
import { CONTROL_BYTES } from "./wire.js";

type Respond = (r: Result<unknown>) => void;

function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

function fail(error: EtcdError): Result<never> {
  return { ok: false, error };
}

/** The membership operations of one member process. */
export class MembershipRequests {
  constructor(private readonly m: EtcdMember) {}

  /** `etcdctl member add`. */
  memberAdd(host: string, peerUrl: string, learner: boolean, respond: Respond): void {
    const m = this.m;
    if (m.raft === null) {
      respond(fail(ERR_STOPPED));
      return;
    }
    const problem = checkAdd(this.reconfigView(), peerUrl, learner);
    if (problem !== null) {
      respond(fail(problem));
      return;
    }
    const address = m.network.hostAddress(host);
    let id = memberIdOf([peerUrl], m.unit.token, m.sim.now);
    // Raft ids are 28 bits of the 64-bit member ID (ids.ts): on the rare clash with a current
    // member, derive again as if added a microsecond later (etcd mixes the time in the same way).
    for (let later = 1; m.membership.list().some((x) => x.id.raft === id.raft); later++) {
      id = memberIdOf([peerUrl], m.unit.token, m.sim.now + later);
    }
    const member: MemberInfo = {
      id,
      name: "",
      host,
      peerUrl,
      clientUrl: clientUrlOf(address),
      isLearner: learner,
    };
    const reqId = m.waiters.newId();
    const context: ConfChangeRequest = { member, origin: m.selfId, reqId };
    this.proposeConf({ type: learner ? "addLearner" : "addVoter", nodeId: id.raft, context }, respond, reqId);
  }

  /** `etcdctl member remove`. */
  memberRemove(idHex: string, respond: Respond): void {
    const m = this.m;
    if (m.raft === null) {
      respond(fail(ERR_STOPPED));
      return;
    }
    this.changeMember(idHex, "remove", (id) => checkRemove(this.reconfigView(), id), respond);
  }

  /** `etcdctl member promote`: decided by the leader (only it knows the learner's progress): forward if needed. */
  memberPromote(idHex: string, respond: Respond): void {
    const m = this.m;
    const raft = m.raft;
    if (raft === null) {
      respond(fail(ERR_STOPPED));
      return;
    }
    if (raft.role === "leader") {
      this.handlePromote(idHex, respond);
      return;
    }
    if (raft.leader === NONE) {
      respond(fail(ERR_NO_LEADER));
      return;
    }
    const reqId = m.waiters.newId();
    m.waiters.wait(reqId, respond);
    m.sendPeer(raft.leader, { kind: "promoteForward", origin: m.selfId, reqId, idHex }, CONTROL_BYTES);
  }

  /** A promotion on the leader (asked here or forwarded by a follower). */
  handlePromote(idHex: string, respond: Respond): void {
    const m = this.m;
    const raft = m.raft;
    if (raft === null || raft.role !== "leader") {
      respond(fail(ERR_NOT_LEADER));
      return;
    }
    this.changeMember(
      idHex,
      "promoteLearner",
      (id) => checkPromote(this.reconfigView(), id, raft.learnerInSync(id, READY_PERCENT)),
      respond,
    );
  }

  /** Proposes a change of an existing member once it is found and `check` (etcd's strict reconfig) allows it. */
  private changeMember(
    idHex: string,
    type: "remove" | "promoteLearner",
    check: (id: NodeId) => EtcdError | null,
    respond: Respond,
  ): void {
    const m = this.m;
    const target = m.membership.list().find((info) => info.id.hex === idHex);
    if (target === undefined) {
      respond(fail(ERR_MEMBER_NOT_FOUND));
      return;
    }
    const problem = check(target.id.raft);
    if (problem !== null) {
      respond(fail(problem));
      return;
    }
    const reqId = m.waiters.newId();
    const context: ConfChangeRequest = { member: target, origin: m.selfId, reqId };
    this.proposeConf({ type, nodeId: target.id.raft, context }, respond, reqId);
  }

  /** `etcdctl move-leader`. */
  moveLeader(idHex: string, respond: Respond): void {
    const m = this.m;
    const raft = m.raft;
    if (raft === null || raft.role !== "leader") {
      respond(fail(ERR_NOT_LEADER));
      return;
    }
    const target = m.membership.list().find((info) => info.id.hex === idHex);
    if (target === undefined || target.isLearner) {
      respond(fail(ERR_MEMBER_NOT_FOUND));
      return;
    }
    this.transferTo(target.id.raft, (done) => respond(done ? ok(null) : fail(ERR_TIMEOUT)));
  }

  /** Transfers leadership and calls `done(true)` once another member leads, `done(false)` at ReqTimeout. */
  transferTo(to: NodeId, done: (ok: boolean) => void): void {
    const m = this.m;
    const raft = m.raft!;
    const deadline = m.sim.now + m.requestTimeoutUs;
    raft.transferLeader(to);
    m.loop.process();
    const poll = (): void => {
      const r = m.raft;
      if (r !== null && r.leader !== m.selfId && r.leader !== NONE) {
        done(true);
        return;
      }
      if (m.sim.now >= deadline) {
        done(false);
        return;
      }
      m.after(m.config.heartbeatUs, poll);
    };
    m.after(m.config.heartbeatUs, poll);
  }

  private reconfigView(): ReconfigView {
    const m = this.m;
    return {
      strict: m.config.strictReconfigCheck,
      maxLearners: m.config.maxLearners,
      self: m.selfId,
      members: m.membership.list(),
      connectedSince: (id, t) => m.peers.connectedSince(id, t),
      isActive: (id) => m.peers.activeSince(id) >= 0,
      healthSinceUs: m.sim.now - HEALTH_INTERVAL_US,
      addNeedsAllConnected: m.config.version !== "3.6",
    };
  }

  private proposeConf(change: ConfChange, respond: Respond, reqId: number): void {
    const m = this.m;
    const r = m.raft!.proposeConfChange(change, 256);
    if (r === "dropped") {
      respond(fail(ERR_PROPOSAL_DROPPED));
      return;
    }
    if (r === "confChangePending") {
      respond(fail(ERR_CONF_CHANGE_PENDING));
      return;
    }
    m.waiters.wait(reqId, respond);
    m.loop.process();
  }
}

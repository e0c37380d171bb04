/**
 * How a member process starts (etcd `server/etcdserver/bootstrap.go`, ../shared/reference/etcd-raft.md
 * §1.5–§1.6): with data in the VM's `etcd` directory it restarts from its snapshot and WAL
 * (`--force-new-cluster` rewrites the WAL into a one-member cluster first); otherwise it bootstraps
 * a new cluster (`--initial-cluster-state new`) or asks the peers for the membership and joins with
 * an empty log (`existing`).
 */
import type { RaftStartState } from "../raft/requests.js";
import { MILLISECOND } from "../sim/time.js";
import { CONN_READ_TIMEOUT_US } from "./config.js";
import { forceNewClusterState } from "./force-new-cluster.js";
import { clientUrlOf, clusterIdOf, memberIdOf, peerUrlOf } from "./ids.js";
import type { EtcdMember } from "./member.js";
import { type MemberInfo, Membership } from "./membership.js";
import type { MemberIdentity, PersistedState, SnapshotData } from "./storage.js";
import { CONTROL_BYTES, PEER_PORT, type PeerControl } from "./wire.js";

/** Polls while joining an existing cluster: how often, and for how long before giving up. */
const JOIN_RETRY_US = 500 * MILLISECOND;
const JOIN_GIVE_UP_US = CONN_READ_TIMEOUT_US;
/** How long a joining member collects membership answers after the first one. */
const JOIN_COLLECT_US = 200 * MILLISECOND;

type MembersResponse = Extract<PeerControl, { kind: "membersResponse" }>;

/** The start of one member process. */
export class MemberStartup {
  private joinBest: MembersResponse | undefined;

  constructor(private readonly m: EtcdMember) {}

  /** Starts from the data directory, a new cluster, or by joining, as the unit's flags say. */
  start(): void {
    const m = this.m;
    if (m.storage.hasData()) this.restart();
    else if (m.unit.initialClusterState === "new") this.bootstrapNew();
    else this.join();
  }

  private restart(): void {
    const m = this.m;
    let state = m.storage.load()!;
    if (m.unit.forceNewCluster) state = this.forceNewCluster(state);
    this.adopt(state.identity);
    const snap = state.snapshot;
    if (snap !== null) {
      const data = snap.data as SnapshotData;
      m.store.restore(data.store);
      m.membership = Membership.fromImage(data.membership);
      m.applier.restoredFrom(snap.index);
    } else {
      m.membership = new Membership(state.identity.clusterId);
    }
    for (const info of state.identity.initialMembers) m.membership.learn(info);
    m.log.info(
      "etcdserver",
      `restarting member ${m.idHex} in cluster ${state.identity.clusterId} at commit index ${state.hardState?.commit ?? 0}`,
    );
    const start: RaftStartState = {
      ...(state.hardState !== undefined ? { hardState: state.hardState } : {}),
      snapshot: snap,
      entries: state.entries,
      applied: snap?.index ?? 0,
    };
    m.loop.start(start);
  }

  /**
   * `--force-new-cluster` (etcd `bootstrap.go`, ../shared/reference §1.6): keep the member and
   * cluster IDs, drop uncommitted entries, and append force-committed removals of every other
   * member. The result is a one-member cluster holding the committed data.
   */
  private forceNewCluster(state: PersistedState): PersistedState {
    const m = this.m;
    const forced = forceNewClusterState(
      state.identity.id.raft,
      state.hardState,
      state.snapshot,
      state.entries,
    );
    m.storage.rewrite(forced.hardState, state.snapshot, forced.entries);
    const identity: MemberIdentity = {
      ...state.identity,
      incarnation: m.observer.newIncarnation(state.identity.clusterId),
    };
    m.storage.writeIdentity(identity);
    m.storage.fsync(() => {});
    m.log.info(
      "etcdserver",
      `forcing restart member ${identity.id.hex} in cluster ${identity.clusterId} at commit index ${forced.hardState.commit}`,
    );
    return { identity, hardState: forced.hardState, snapshot: state.snapshot, entries: forced.entries };
  }

  private bootstrapNew(): void {
    const m = this.m;
    const infos = m.unit.initialCluster.map((im) => this.memberInfoFor(im.name, im.host, m.unit.token));
    const me = infos.find((i) => i.name === m.unit.name);
    if (me === undefined) {
      m.fatal(`couldn't find local name "${m.unit.name}" in the initial cluster configuration`);
      return;
    }
    const clusterId = clusterIdOf(infos.map((i) => i.id.hex));
    const identity: MemberIdentity = {
      name: m.unit.name,
      id: me.id,
      clusterId,
      incarnation: m.observer.incarnationOf(clusterId),
      initialMembers: infos,
    };
    this.adopt(identity);
    m.storage.writeIdentity(identity);
    m.membership = new Membership(clusterId);
    for (const i of infos) m.membership.learn(i);
    m.log.info("etcdserver", `starting member ${me.id.hex} in cluster ${clusterId}`);
    const voters = infos.map((i) => i.id.raft).sort((a, b) => a - b);
    m.loop.start({ bootstrap: { voters, learners: [] } });
  }

  /** `--initial-cluster-state existing` with an empty data dir: fetch the membership from peers. */
  private join(): void {
    const m = this.m;
    const startedAt = m.sim.now;
    const ask = (): void => {
      if (!m.alive || m.raft !== null) return;
      if (m.sim.now - startedAt >= JOIN_GIVE_UP_US) {
        m.fatal(
          "cannot fetch cluster info from peer urls: could not retrieve cluster information from the given URLs",
        );
        return;
      }
      for (const im of m.unit.initialCluster) {
        if (im.host === m.host) continue;
        m.network.send(
          m.host,
          im.host,
          PEER_PORT,
          { kind: "membersRequest", replyHost: m.host },
          CONTROL_BYTES,
        );
      }
      m.after(JOIN_RETRY_US, ask);
    };
    ask();
  }

  /**
   * A peer answered with its membership. etcd takes the first peer's answer; the simulator waits
   * {@link JOIN_COLLECT_US} after it for the others and takes the most recent view, so a peer that
   * lags behind a `member add` (its membership still shows the old member on this host) does not
   * give the new member a removed ID.
   */
  joinAnswer(msg: MembersResponse): void {
    const m = this.m;
    if (m.raft !== null || m.identity !== undefined) return;
    const best = this.joinBest;
    if (best === undefined || msg.applied > best.applied) this.joinBest = msg;
    if (best !== undefined) return;
    m.after(JOIN_COLLECT_US, () => {
      const chosen = this.joinBest;
      if (chosen !== undefined) this.joined(chosen);
    });
  }

  private joined(msg: MembersResponse): void {
    const m = this.m;
    if (m.raft !== null || m.identity !== undefined) return;
    const me = msg.membership.members.find((i) => i.host === m.host);
    if (me === undefined) {
      m.fatal(
        `member "${m.unit.name}" has no entry in the existing cluster's membership (was it added with member add?)`,
      );
      return;
    }
    const identity: MemberIdentity = {
      name: m.unit.name,
      id: me.id,
      clusterId: msg.membership.clusterId,
      incarnation: msg.incarnation,
      initialMembers: msg.membership.members,
    };
    this.adopt(identity);
    m.storage.writeIdentity(identity);
    m.membership = new Membership(identity.clusterId);
    for (const i of msg.membership.members) m.membership.learn(i);
    m.log.info("etcdserver", `joining existing cluster ${identity.clusterId} as member ${me.id.hex}`);
    m.loop.start({});
  }

  private memberInfoFor(name: string, host: string, token: string): MemberInfo {
    const address = this.m.network.hostAddress(host);
    const peerUrl = peerUrlOf(address);
    return {
      id: memberIdOf([peerUrl], token),
      name,
      host,
      peerUrl,
      clientUrl: clientUrlOf(address),
      isLearner: false,
    };
  }

  private adopt(identity: MemberIdentity): void {
    this.m.identity = identity;
    this.m.log.identify(identity.name, identity.id.hex);
  }
}

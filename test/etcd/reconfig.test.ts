import { describe, expect, it } from "vitest";
import { memberIdOf } from "../../src/etcd/ids.js";
import type { MemberInfo } from "../../src/etcd/membership.js";
import { checkAdd, checkPromote, checkRemove, type ReconfigView } from "../../src/etcd/reconfig.js";

function member(n: number, learner = false, started = true): MemberInfo {
  const peerUrl = `https://10.0.0.${n}:2380`;
  return {
    id: memberIdOf([peerUrl], "t"),
    name: started ? `m${n}` : "",
    host: `m${n}`,
    peerUrl,
    clientUrl: "",
    isLearner: learner,
  };
}

function view(members: MemberInfo[], connected: number[], over: Partial<ReconfigView> = {}): ReconfigView {
  const ids = new Set(connected.map((i) => members[i]!.id.raft));
  return {
    strict: true,
    maxLearners: 1,
    self: members[0]!.id.raft,
    members,
    connectedSince: (id) => ids.has(id),
    isActive: (id) => ids.has(id),
    healthSinceUs: 0,
    addNeedsAllConnected: true,
    ...over,
  };
}

describe("strict reconfiguration checks", () => {
  const three = [member(1), member(2), member(3)];

  it("adding a voter needs every voter connected (3.5) or a quorum of the enlarged cluster (3.6)", () => {
    expect(checkAdd(view(three, [0, 1, 2]), "https://10.0.0.9:2380", false)).toBeNull();
    expect(checkAdd(view(three, [0, 1]), "https://10.0.0.9:2380", false)?.message).toBe(
      "etcdserver: unhealthy cluster",
    );
    const five = [member(1), member(2), member(3), member(4), member(5)];
    expect(
      checkAdd(view(five, [0, 1, 2, 3], { addNeedsAllConnected: false }), "https://10.0.0.9:2380", false),
    ).toBeNull();
    expect(checkAdd(view(five, [0, 1, 2, 3]), "https://10.0.0.9:2380", false)?.message).toBe(
      "etcdserver: unhealthy cluster",
    );
  });

  it("adding a voter needs a quorum of the enlarged cluster started", () => {
    const ms = [member(1), member(2, false, false), member(3, false, false)];
    expect(checkAdd(view(ms, [0, 1, 2]), "https://10.0.0.9:2380", false)?.message).toBe(
      "etcdserver: re-configuration failed due to not enough started members",
    );
    // One started member growing to two is allowed (restoring from a backup).
    expect(checkAdd(view([member(1)], [0]), "https://10.0.0.9:2380", false)).toBeNull();
  });

  it("caps learners and refuses a peer URL that exists", () => {
    expect(
      checkAdd(view([...three, member(4, true)], [0, 1, 2]), "https://10.0.0.9:2380", true)?.message,
    ).toBe("etcdserver: too many learner members in cluster");
    expect(checkAdd(view(three, [0, 1, 2]), three[1]!.peerUrl, false)?.message).toBe(
      "etcdserver: Peer URLs already exists",
    );
  });

  it("removing a connected voter must leave a connected quorum; a down member or a learner can go", () => {
    expect(checkRemove(view(three, [0, 1]), three[1]!.id.raft)?.message).toBe(
      "etcdserver: unhealthy cluster",
    );
    expect(checkRemove(view(three, [0, 1]), three[2]!.id.raft)).toBeNull();
    expect(checkRemove(view(three, [0, 1, 2]), three[1]!.id.raft)).toBeNull();
    expect(checkRemove(view([...three, member(4, true)], [0]), member(4, true).id.raft)).toBeNull();
    expect(checkRemove(view(three, [0, 1, 2], { strict: false }), three[1]!.id.raft)).toBeNull();
  });

  it("promotes only a learner, only when in sync", () => {
    const ms = [...three, member(4, true)];
    expect(checkPromote(view(ms, [0, 1, 2, 3]), ms[3]!.id.raft, false)?.message).toBe(
      "etcdserver: can only promote a learner member which is in sync with leader",
    );
    expect(checkPromote(view(ms, [0, 1, 2, 3]), ms[3]!.id.raft, true)).toBeNull();
    expect(checkPromote(view(ms, [0, 1, 2, 3]), ms[1]!.id.raft, true)?.message).toBe(
      "etcdserver: can only promote a learner member",
    );
  });
});

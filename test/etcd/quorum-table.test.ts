/**
 * The etcd FAQ's failure-tolerance table (../shared/reference/etcd-raft.md §2): a cluster of n
 * members accepts writes iff at least floor(n/2)+1 of them are up and connected.
 */
import { describe, expect, it } from "vitest";
import { EtcdNetworkClient } from "../../src/etcd/client.js";
import { ETCD_UNIT } from "../../src/etcd/etcd-unit.js";
import { SECOND } from "../../src/sim/time.js";
import { awaitLeader, call, testCluster } from "./helpers.js";

const FAQ_MAJORITY: readonly number[] = [1, 2, 2, 3, 3, 4, 4, 5, 5];

function writeSucceeds(n: number, up: number, partition: boolean): boolean {
  const t = testCluster({ members: n, seed: `quorum-${n}-${up}-${partition}`, keepTrace: false });
  awaitLeader(t);
  const upHosts = t.names.slice(0, up);
  const downHosts = t.names.slice(up);
  if (partition) {
    // Members that are running but cut off count as down.
    if (downHosts.length > 0) t.network.partition([[...upHosts, "client"], downHosts]);
  } else {
    for (const h of downHosts) t.systemd.get(h)!.kill(ETCD_UNIT);
  }
  t.sim.runUntil(t.sim.now + 5 * SECOND);
  const client = new EtcdNetworkClient(t.sim, t.network, "client", {
    endpoints: upHosts.length > 0 ? upHosts : t.names,
    requestTimeoutUs: 20 * SECOND,
  });
  // A few attempts, like a client retrying, so an election in progress does not decide the outcome.
  for (let i = 0; i < 3; i++) {
    const r = call(t, (d) => client.put("/q", i, 1, d), 30 * SECOND);
    if (r.ok) return true;
    t.sim.runUntil(t.sim.now + 3 * SECOND);
  }
  return false;
}

describe("quorum table (etcd FAQ)", () => {
  for (let n = 1; n <= 9; n++) {
    const majority = FAQ_MAJORITY[n - 1]!;
    it(`${n} member(s): writes succeed iff at least ${majority} are up and connected`, () => {
      expect(Math.floor(n / 2) + 1).toBe(majority);
      // Exactly a majority up, and one fewer, by stopping members and by partitioning them away.
      expect(writeSucceeds(n, majority, false)).toBe(true);
      if (majority - 1 >= 1) {
        expect(writeSucceeds(n, majority - 1, false)).toBe(false);
        expect(writeSucceeds(n, majority - 1, true)).toBe(false);
      }
      if (n > majority) expect(writeSucceeds(n, majority, true)).toBe(true);
    });
  }
});

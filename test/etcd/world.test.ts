import { describe, expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { etcdOf } from "../../src/world/etcd-world.js";

function run(file: string, seed: number, set: Record<string, string> = {}) {
  const overrides = Object.entries(set).map(([key, value]) => ({ key, value }));
  const p = prepareRun(file, { seed, overrides });
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return { prepared: p.run, result: executeRun(p.run) };
}

describe("the etcd layer in a world", () => {
  it("losing the leader: a new leader in about an election timeout, metrics and no findings", () => {
    const { prepared, result } = run("experiments/etcd-lose-leader.yaml", 3);
    expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(result.metrics.lostWrites).toBe(0);
    expect(result.metrics.elections).toBe(2);
    const w = result.availability.find((a) => a.name === "writes")!;
    expect(w.unavailableUs).toBeGreaterThan(500_000);
    expect(w.unavailableUs).toBeLessThan(2_500_000);
    const layer = etcdOf(prepared.world)!;
    expect(layer.cluster.violations).toBe(0);
    // Role targets resolve when the step runs: the timeline names the VM that was leader.
    const step = result.records.find((r) => r.kind === "step" && r.action === "vm.powerOff")!;
    expect(step.target).toMatch(/^cp-\d$/);
  });

  it("a longer election timeout is a longer write outage, even when the client's deadline ends the stuck writes", () => {
    // With a 2.5 s election timeout etcd's own request timeout (5 s + 2 × 2.5 s) is no earlier than
    // the client's 10 s deadline, so writes stuck behind the dead leader end as "context deadline
    // exceeded" on every endpoint — still an outage, not one unreachable endpoint.
    for (const seed of [1, 2, 3]) {
      const unavailable = (electionTimeout: string) =>
        run("experiments/etcd-lose-leader.yaml", seed, {
          "etcd.electionTimeout": electionTimeout,
        }).result.availability.find((a) => a.name === "writes")!.unavailableUs;
      const short = unavailable("1s");
      const long = unavailable("2500ms");
      expect(short).toBeGreaterThan(500_000);
      expect(long).toBeGreaterThan(2_500_000);
      expect(long).toBeGreaterThan(short);
    }
  });

  it("a restore from backup is measured as data loss (RPO), not flagged as a violation", () => {
    const { result } = run("experiments/etcd-snapshot-restore.yaml", 2);
    expect(result.findings).toEqual([]);
    expect(result.metrics.lostWrites).toBeGreaterThan(900);
    const lost = result.records.find((r) => r.kind === "etcd.writes.lost")!;
    expect(Number(lost.spanUs)).toBeGreaterThan(50_000_000);
    expect(Number(lost.spanUs)).toBeLessThan(62_000_000);
    expect(result.passed).toBe(true);
    // The RPO span is reported once, in µs under its result key.
    expect(result.metrics.lostWritesSpanUs).toBe(Number(lost.spanUs));
    expect(Object.keys(result.metrics)).not.toContain("lostWritesSpan");
  });

  it("a member that boots but does not listen yet is logged as refused after the timeouts (seed 000)", () => {
    // Seed 000: "cannot get the version of member … connect: connection refused" just before
    // "peer … became active". Here etcd takes 20 s to serve after the VM boots.
    const { result } = run("experiments/capv-power-off-one-control-plane.yaml", 1, {
      "etcd.startDuration": "20s",
    });
    const lines = result.records
      .filter((r) => r.kind === "etcd.log" && /cannot get the version|became active/.test(String(r.msg)))
      .filter((r) => r.t > 2 * 60_000_000)
      .map((r) => String(r.msg).replace(/.*(i\/o timeout|connection refused|became active).*/, "$1"));
    const refused = lines.indexOf("connection refused");
    expect(lines.indexOf("i/o timeout")).toBeGreaterThanOrEqual(0);
    expect(refused).toBeGreaterThan(lines.indexOf("i/o timeout"));
    expect(lines.indexOf("became active", refused)).toBeGreaterThan(refused);
  });

  it("write availability is reported only when a workload writes", () => {
    const names = (file: string, set: Record<string, string> = {}) =>
      run(file, 1, set).result.availability.map((a) => a.name);
    // etcd-vms writes 20/s by default: writes are measured.
    expect(names("experiments/etcd-lose-leader.yaml")).toContain("writes");
    // With no writes issued there is nothing to measure: no "writes always available".
    expect(names("experiments/etcd-lose-leader.yaml", { "workload.writes": "0" })).not.toContain("writes");
    // The etcd-operator's members are pods it replaces: the HAProxy in front of the first VMs
    // measures nothing there (it would read "unavailable" on a healthy, restored cluster).
    expect(names("experiments/etcd-lose-leader.yaml")).toContain("endpoint");
    expect(names("experiments/etcd-operator-majority-crashed.yaml")).not.toContain("endpoint");
  });

  it("the same seed gives the same trace", () => {
    const a = run("experiments/etcd-lose-two.yaml", 5).result.records;
    const b = run("experiments/etcd-lose-two.yaml", 5).result.records;
    expect(a.length).toBe(b.length);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registerStateKind, stateSpans } from "../../src/report/state-tracks.js";
import type { TraceRecord } from "../../src/sim/trace.js";
import "../../src/report/state-tracks-infra.js";

const rec = (
  t: number,
  kind: string,
  subject: string,
  fields: Record<string, unknown> = {},
): TraceRecord => ({
  t,
  kind,
  subject,
  ...fields,
});

describe("state lanes", () => {
  it("turn VM power and LB backend records into spans, starting lanes in their `from` state", () => {
    const spans = stateSpans(
      [
        rec(0, "vm.booted", "cp-0"),
        rec(60, "vm.power", "cp-0", { from: "poweredOn", to: "poweredOff" }),
        rec(100, "lb.backend", "lb/cp-0", { from: "UP", to: "DOWN" }),
        rec(200, "vm.power", "cp-0", { from: "poweredOff", to: "poweredOn" }),
        rec(230, "vm.booted", "cp-0"),
        rec(300, "lb.backend", "lb/cp-0", { from: "DOWN", to: "UP" }),
      ],
      400,
    );
    expect(spans.map((s) => [s.group, s.track, s.state, s.fromUs, s.toUs])).toEqual([
      ["VMs", "cp-0", "running", 0, 60],
      ["VMs", "cp-0", "poweredOff", 60, 200],
      ["VMs", "cp-0", "booting", 200, 230],
      ["VMs", "cp-0", "running", 230, 400],
      ["load balancer", "lb/cp-0", "UP", 0, 100],
      ["load balancer", "lb/cp-0", "DOWN", 100, 300],
      ["load balancer", "lb/cp-0", "UP", 300, 400],
    ]);
  });

  it("lets later layers register their kinds (e.g. etcd roles) and orders declared groups first", () => {
    registerStateKind("test.role", (r) => ({
      group: "etcd members",
      track: r.subject,
      state: String(r.role),
    }));
    const spans = stateSpans(
      [
        rec(0, "vm.booted", "cp-0"),
        rec(5, "test.role", "etcd-0", { role: "follower" }),
        rec(9, "test.role", "etcd-0", { role: "leader" }),
      ],
      20,
    );
    expect(spans.map((s) => `${s.group}/${s.track}:${s.state}`)).toEqual([
      "etcd members/etcd-0:follower",
      "etcd members/etcd-0:leader",
      "VMs/cp-0:running",
    ]);
  });

  it("per lane, spans are in order, never overlap, never empty, and end at the end of the run", () => {
    const states = ["poweredOn", "poweredOff", "suspended"];
    const records = fc.array(
      fc.record({
        dt: fc.integer({ min: 0, max: 50 }),
        vm: fc.constantFrom("a", "b"),
        from: fc.constantFrom(...states),
        to: fc.constantFrom(...states),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(records, (rs) => {
        let t = 0;
        const trace = rs.map((r) => {
          t += r.dt;
          return rec(t, "vm.power", r.vm, { from: r.from, to: r.to });
        });
        const end = t + 10;
        const spans = stateSpans(trace, end);
        for (const vm of ["a", "b"]) {
          const lane = spans.filter((s) => s.track === vm);
          if (lane.length === 0) continue;
          expect(lane[lane.length - 1]!.toUs).toBe(end);
          for (let i = 0; i < lane.length; i++) {
            expect(lane[i]!.toUs).toBeGreaterThan(lane[i]!.fromUs);
            if (i > 0) {
              expect(lane[i]!.fromUs).toBe(lane[i - 1]!.toUs);
              expect(lane[i]!.state).not.toBe(lane[i - 1]!.state);
            }
          }
        }
      }),
    );
  });
});

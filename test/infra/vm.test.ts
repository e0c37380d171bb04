import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Hypervisor, type HypervisorOptions } from "../../src/infra/hypervisor.js";
import { Network } from "../../src/infra/network.js";
import type { ProbeResult } from "../../src/infra/network-types.js";
import type { GuestStopReason, VmState } from "../../src/infra/vm.js";
import { VmOperationError } from "../../src/infra/vm-errors.js";
import { constant } from "../../src/sim/distribution.js";
import { SECOND } from "../../src/sim/time.js";
import { simWithTrace } from "./helpers.js";

const BOOT = 30 * SECOND;

function world(options: HypervisorOptions = {}, seed = 1) {
  const { sim, sink } = simWithTrace(seed);
  const net = new Network(sim, { latency: constant(1_000) });
  net.addHost("lb");
  const hv = new Hypervisor(sim, {
    network: net,
    bootDuration: constant(BOOT),
    fsyncLatency: constant(1_000),
    shutdownDuration: constant(5 * SECOND),
    ...options,
  });
  return { sim, sink, net, hv };
}

function probe(sim: ReturnType<typeof world>["sim"], net: Network, to: string, port: number): ProbeResult[] {
  const out: ProbeResult[] = [];
  net.probe("lb", to, port, SECOND, (r) => out.push(r));
  sim.runUntil(sim.now + 2 * SECOND);
  return out;
}

function faultOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof VmOperationError) return e.fault;
    throw e;
  }
  return undefined;
}

describe("VM power and boot", () => {
  it("creates a VM powered off and boots its guest a boot duration after power-on", () => {
    const { sim, sink, net, hv } = world();
    const vm = hv.create("cp-1");
    expect(vm.state).toBe("poweredOff");
    expect(net.hostState("cp-1")).toBe("down");
    const booted: number[] = [];
    vm.onBooted(() => booted.push(sim.now));
    sim.runUntil(10 * SECOND);
    vm.powerOn("test");
    expect(vm.guestState).toBe("booting");
    sim.runUntil(20 * SECOND);
    expect(net.hostState("cp-1")).toBe("down");
    sim.runUntil(60 * SECOND);
    expect(booted).toEqual([10 * SECOND + BOOT]);
    expect(vm.guestState).toBe("running");
    expect(net.hostState("cp-1")).toBe("up");
    expect(
      sink.ofKind("vm.created", "vm.power", "vm.booted").map((r) => [r.t, r.kind, r.from, r.to, r.reason]),
    ).toEqual([
      [0, "vm.created", undefined, undefined, undefined],
      [10 * SECOND, "vm.power", "poweredOff", "poweredOn", "test"],
      [10 * SECOND + BOOT, "vm.booted", undefined, undefined, undefined],
    ]);
  });

  it("answers timeout while booting, refused once booted with nothing listening, ok when listening", () => {
    const { sim, net, hv } = world();
    const vm = hv.create("cp-1", { powerOn: true });
    expect(probe(sim, net, "cp-1", 2380)).toEqual(["timeout"]);
    sim.runUntil(BOOT);
    expect(probe(sim, net, "cp-1", 2380)).toEqual(["refused"]);
    vm.onBooted(() => undefined);
    net.listen("cp-1", 2380, () => undefined);
    expect(probe(sim, net, "cp-1", 2380)).toEqual(["ok"]);
    vm.powerOff();
    expect(probe(sim, net, "cp-1", 2380)).toEqual(["timeout"]);
  });

  it("stops processes without warning on power-off: guest timers die, unsynced writes are lost, data stays", () => {
    const { sim, hv } = world();
    const vm = hv.create("cp-1", { running: true });
    sim.runUntil(SECOND);
    const stops: GuestStopReason[] = [];
    vm.onStopped((_v, reason) => stops.push(reason));
    let fired = false;
    vm.guest.after(10 * SECOND, () => {
      fired = true;
    });
    vm.disk.write("etcd", "wal-1", "synced");
    vm.disk.fsync(() => undefined);
    sim.runUntil(2 * SECOND);
    vm.disk.write("etcd", "wal-2", "unsynced");
    vm.powerOff("outOfBand");
    sim.runUntil(20 * SECOND);
    expect(fired).toBe(false);
    expect(stops).toEqual(["powerOff"]);
    expect(vm.disk.read("etcd", "wal-1")).toBe("synced");
    expect(vm.disk.read("etcd", "wal-2")).toBeUndefined();
    vm.powerOn();
    sim.runUntil(20 * SECOND + BOOT);
    expect(vm.isGuestRunning).toBe(true);
    expect(vm.disk.read("etcd", "wal-1")).toBe("synced");
  });

  it("resets: the guest stops and boots again while the VM stays powered on", () => {
    const { sim, sink, hv } = world();
    const vm = hv.create("cp-1", { running: true });
    const events: string[] = [];
    vm.onStopped((_v, r) => events.push(`stopped:${r}@${sim.now}`));
    vm.onBooted(() => events.push(`booted@${sim.now}`));
    sim.runUntil(SECOND);
    vm.reset();
    expect(vm.state).toBe("poweredOn");
    sim.runUntil(SECOND + BOOT);
    expect(events).toEqual(["booted@0", `stopped:reset@${SECOND}`, `booted@${SECOND + BOOT}`]);
    expect(sink.ofKind("vm.reset").length).toBe(1);
  });

  it("freezes a suspended guest: timers wait, packets are lost, sockets survive; powerOn resumes", () => {
    const { sim, net, hv } = world();
    const vm = hv.create("cp-1", { running: true });
    sim.runUntil(SECOND);
    net.listen("cp-1", 6443, () => undefined);
    const fired: number[] = [];
    vm.guest.after(5 * SECOND, () => fired.push(sim.now));
    vm.suspend();
    expect(vm.state).toBe("suspended");
    expect(probe(sim, net, "cp-1", 6443)).toEqual(["timeout"]);
    sim.runUntil(60 * SECOND);
    expect(fired).toEqual([]);
    const stops: string[] = [];
    vm.onStopped(() => stops.push("stopped"));
    vm.powerOn();
    sim.runUntil(61 * SECOND);
    expect(fired).toEqual([60 * SECOND]);
    expect(stops).toEqual([]);
    expect(probe(sim, net, "cp-1", 6443)).toEqual(["ok"]);
  });

  it("resumes a boot interrupted by suspension where it left off", () => {
    const { sim, hv } = world();
    const vm = hv.create("cp-1", { powerOn: true });
    sim.runUntil(10 * SECOND);
    vm.suspend();
    sim.runUntil(100 * SECOND);
    vm.powerOn();
    const booted: number[] = [];
    vm.onBooted(() => booted.push(sim.now));
    sim.runUntil(200 * SECOND);
    expect(booted).toEqual([100 * SECOND + BOOT - 10 * SECOND]);
  });

  it("shuts the guest down gracefully: units are told, disks synced, then the VM powers off", () => {
    const { sim, sink, net, hv } = world();
    const vm = hv.create("cp-1", { running: true });
    sim.runUntil(SECOND);
    const events: string[] = [];
    vm.onShutdownRequested(() => events.push(`shutdown@${sim.now}`));
    vm.onStopped((_v, r) => events.push(`stopped:${r}@${sim.now}`));
    vm.disk.write("etcd", "wal", 1);
    vm.shutdownGuest("capv");
    expect(net.hostState("cp-1")).toBe("up");
    sim.runUntil(10 * SECOND);
    expect(events).toEqual([`shutdown@${SECOND}`, `stopped:shutdown@${6 * SECOND}`]);
    expect(vm.state).toBe("poweredOff");
    expect(vm.disk.read("etcd", "wal")).toBe(1);
    expect(sink.ofKind("vm.power").at(-1)).toMatchObject({
      from: "poweredOn",
      to: "poweredOff",
      reason: "guestShutdown",
    });
  });

  it("refuses a guest shutdown while the guest is still booting (no VMware Tools yet)", () => {
    const { hv } = world();
    const vm = hv.create("cp-1", { powerOn: true });
    expect(faultOf(() => vm.shutdownGuest())).toBe("ToolsUnavailable");
  });

  it("starts `running` VMs with a zero-length boot that hooks registered after create still see", () => {
    const { sim, hv } = world();
    const vm = hv.create("cp-1", { running: true });
    const booted: number[] = [];
    vm.onBooted(() => booted.push(sim.now));
    sim.runUntil(SECOND);
    expect(booted).toEqual([0]);
  });

  it("refuses illegal transitions with vSphere's faults", () => {
    const { hv } = world();
    const vm = hv.create("cp-1");
    expect(faultOf(() => vm.powerOff())).toBe("InvalidPowerState");
    expect(faultOf(() => vm.reset())).toBe("InvalidPowerState");
    expect(faultOf(() => vm.suspend())).toBe("InvalidPowerState");
    vm.powerOn();
    expect(() => vm.powerOn()).toThrow(
      /InvalidPowerState: The attempted operation cannot be performed in the current state \(Powered on\)/,
    );
    vm.delete();
    expect(faultOf(() => vm.powerOn())).toBe("NotFound");
    expect(faultOf(() => vm.delete())).toBe("NotFound");
    expect(faultOf(() => hv.powerOn("cp-1"))).toBe("NotFound");
  });

  it("follows vSphere's power state machine for any sequence of operations (property)", () => {
    type Op = "powerOn" | "powerOff" | "reset" | "suspend" | "delete" | "shutdownGuest";
    const legal: Record<VmState, Partial<Record<Op, VmState>>> = {
      poweredOff: { powerOn: "poweredOn", delete: "deleted" },
      poweredOn: { powerOff: "poweredOff", reset: "poweredOn", suspend: "suspended", delete: "deleted" },
      suspended: { powerOn: "poweredOn", powerOff: "poweredOff", delete: "deleted" },
      deleted: {},
    };
    const ops: Op[] = ["powerOn", "powerOff", "reset", "suspend", "delete", "shutdownGuest"];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ op: fc.constantFrom(...ops), waitUs: fc.integer({ min: 0, max: 60 * SECOND }) }),
          {
            maxLength: 25,
          },
        ),
        (steps) => {
          const { sim, net, hv } = world();
          const vm = hv.create("vm");
          let model: VmState = "poweredOff";
          for (const { op, waitUs } of steps) {
            sim.runUntil(sim.now + waitUs);
            const guestWasRunning = vm.guestState === "running";
            const fault = faultOf(() => vm[op]());
            if (op === "shutdownGuest") {
              const expected =
                model === "deleted"
                  ? "NotFound"
                  : model !== "poweredOn"
                    ? "InvalidPowerState"
                    : guestWasRunning
                      ? undefined
                      : "ToolsUnavailable";
              expect(fault).toBe(expected);
              sim.runUntil(sim.now + 6 * SECOND);
              if (fault === undefined) model = "poweredOff";
              expect(vm.state).toBe(model);
              continue;
            }
            const next: VmState | undefined = legal[model][op];
            if (next === undefined)
              expect(fault).toBe(model === "deleted" ? "NotFound" : "InvalidPowerState");
            else expect(fault).toBeUndefined();
            model = next ?? model;
            expect(vm.state).toBe(model);
            const hostUp = net.hostState("vm") === "up";
            expect(hostUp).toBe(vm.isGuestRunning);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("Hypervisor inventory", () => {
  it("deletes a running VM (powering it off first) and destroys its disk", () => {
    const { sim, sink, hv } = world();
    const vm = hv.create("cp-1", { running: true });
    sim.runUntil(SECOND);
    vm.disk.write("etcd", "wal", 1);
    const stops: string[] = [];
    vm.onStopped((_v, r) => stops.push(r));
    hv.delete("cp-1", "outOfBand");
    expect(vm.state).toBe("deleted");
    expect(vm.disk.destroyed).toBe(true);
    expect(stops).toEqual(["delete"]);
    expect(hv.vm("cp-1")).toBeUndefined();
    expect(sink.ofKind("vm.power", "vm.deleted").map((r) => [r.kind, r.from, r.to, r.reason])).toEqual([
      ["vm.power", "poweredOff", "poweredOn", "create"],
      ["vm.power", "poweredOn", "poweredOff", "outOfBand"],
      ["vm.deleted", undefined, undefined, "outOfBand"],
    ]);
  });

  it("lets a new VM take a deleted VM's name, with a new UUID, address and empty disk", () => {
    const { sim, net, hv } = world();
    const old = hv.create("cp-1", { running: true });
    sim.runUntil(SECOND);
    old.disk.write("etcd", "wal", 1);
    expect(() => hv.create("cp-1")).toThrow(/DuplicateName: The name 'cp-1' already exists/);
    old.delete();
    const fresh = hv.create("cp-1", { powerOn: true });
    expect(fresh.uuid).not.toBe(old.uuid);
    expect(fresh.address).not.toBe(old.address);
    expect(net.hostAddress("cp-1")).toBe(fresh.address);
    expect(fresh.disk.keys("etcd")).toEqual([]);
    expect(hv.list().map((r) => [r.name, r.uuid, r.state])).toEqual([["cp-1", fresh.uuid, "poweredOn"]]);
    expect(hv.history().map((r) => r.state)).toEqual(["deleted", "poweredOn"]);
    expect(hv.byUuid(old.uuid)).toBe(old);
  });

  it("hands out consecutive addresses and deterministic UUIDs", () => {
    const a = world({}, 42).hv;
    const b = world({}, 42).hv;
    const c = world({}, 43).hv;
    const names = ["cp-1", "cp-2", "cp-3"];
    const rows = (hv: Hypervisor) => names.map((n) => hv.create(n)).map((v) => [v.address, v.uuid]);
    const ra = rows(a);
    expect(ra.map(([addr]) => addr)).toEqual(["192.168.3.101", "192.168.3.102", "192.168.3.103"]);
    expect(ra).toEqual(rows(b));
    expect(ra.map(([, u]) => u)).not.toEqual(rows(c).map(([, u]) => u));
    for (const [, u] of ra)
      expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("tells watchers about every power change, deletion included", () => {
    const { sim, hv } = world();
    const seen: string[] = [];
    hv.onPowerChange((vm, from, to, reason) => seen.push(`${vm.name}:${from}->${to}:${reason}`));
    const vm = hv.create("w-1", { powerOn: true });
    sim.runUntil(BOOT);
    vm.powerOff("chaos");
    vm.delete("cleanup");
    expect(seen).toEqual([
      "w-1:poweredOff->poweredOn:create",
      "w-1:poweredOn->poweredOff:chaos",
      "w-1:poweredOff->deleted:cleanup",
    ]);
  });

  it("clones a VM after the linked-clone duration (5–10 s)", () => {
    const { sim, hv } = world({ bootDuration: undefined } as HypervisorOptions);
    const created: number[] = [];
    hv.clone("cp-4", { powerOn: true }, (r) => {
      if (r instanceof VmOperationError) throw r;
      created.push(sim.now);
    });
    sim.runUntil(20 * SECOND);
    expect(created.length).toBe(1);
    expect(created[0]).toBeGreaterThanOrEqual(5 * SECOND);
    expect(created[0]).toBeLessThanOrEqual(10 * SECOND);
    expect(hv.vm("cp-4")?.state).toBe("poweredOn");
  });

  it("boots within the default 20–40 s when no boot duration is given", () => {
    const { sim } = simWithTrace(9);
    const hv = new Hypervisor(sim);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const vm = hv.create(`vm-${i}`, { powerOn: true });
      vm.onBooted(() => times.push(sim.now));
    }
    sim.runUntil(60 * SECOND);
    expect(times.length).toBe(20);
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(20 * SECOND);
      expect(t).toBeLessThan(40 * SECOND);
    }
  });
});

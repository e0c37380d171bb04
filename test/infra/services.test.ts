import { describe, expect, it } from "vitest";
import { Hypervisor } from "../../src/infra/hypervisor.js";
import { Network } from "../../src/infra/network.js";
import { type Process, ServiceManager } from "../../src/infra/services.js";
import { MemorySink, SECOND, Simulation, Trace } from "../../src/sim/index.js";

function setup() {
  const memory = new MemorySink();
  const sim = new Simulation({ seed: 1, trace: new Trace().addSink(memory) });
  const network = new Network(sim);
  const hv = new Hypervisor(sim, { network, bootDuration: { kind: "constant", value: 30 * SECOND } });
  const vm = hv.create("cp-0", { running: true });
  const systemd = new ServiceManager(sim, vm, { settled: true });
  const log: string[] = [];
  let starts = 0;
  const unit = (gracefulUs: number) => ({
    name: "etcd",
    startDelay: { kind: "constant" as const, value: 2 * SECOND },
    stopTimeoutUs: 10 * SECOND,
    start: (): Process => {
      const n = ++starts;
      log.push(`start#${n}@${sim.now}`);
      let pending: ReturnType<typeof vm.guest.after> | undefined;
      return {
        terminate(exited) {
          log.push(`sigterm#${n}@${sim.now}`);
          pending = vm.guest.after(gracefulUs, () => {
            log.push(`exited#${n}@${sim.now}`);
            exited();
          });
        },
        kill() {
          if (pending) vm.guest.cancel(pending);
          log.push(`kill#${n}@${sim.now}`);
        },
      };
    },
  });
  return { sim, vm, systemd, log, unit, memory };
}

describe("ServiceManager (systemd)", () => {
  it("starts enabled units with the settled world at 0 s, and after the start delay on later boots", () => {
    const { sim, vm, systemd, log, unit } = setup();
    systemd.add(unit(SECOND));
    sim.runUntil(0);
    expect(systemd.state("etcd")).toBe("active");
    sim.runUntil(60 * SECOND);
    vm.reset();
    sim.runUntil(200 * SECOND);
    expect(log).toEqual([`start#1@0`, `kill#1@${60 * SECOND}`, `start#2@${(60 + 30 + 2) * SECOND}`]);
  });

  it("systemctl stop sends SIGTERM and waits for a graceful exit", () => {
    const { sim, systemd, log, unit } = setup();
    systemd.add(unit(3 * SECOND));
    sim.runUntil(10 * SECOND);
    systemd.stop("etcd");
    expect(systemd.state("etcd")).toBe("deactivating");
    sim.runUntil(20 * SECOND);
    expect(systemd.state("etcd")).toBe("inactive");
    expect(log).toEqual(["start#1@0", `sigterm#1@${10 * SECOND}`, `exited#1@${13 * SECOND}`]);
  });

  it("kills a unit that does not exit within TimeoutStopSec", () => {
    const { sim, systemd, log, unit } = setup();
    systemd.add(unit(60 * SECOND));
    sim.runUntil(10 * SECOND);
    systemd.stop("etcd");
    sim.runUntil(100 * SECOND);
    expect(systemd.state("etcd")).toBe("failed");
    expect(log).toEqual(["start#1@0", `sigterm#1@${10 * SECOND}`, `kill#1@${20 * SECOND}`]);
  });

  it("a powered-off guest kills every process and nothing starts until it boots again", () => {
    const { sim, vm, systemd, log, unit } = setup();
    systemd.add(unit(SECOND));
    sim.runUntil(5 * SECOND);
    vm.powerOff();
    systemd.start("etcd");
    sim.runUntil(100 * SECOND);
    expect(systemd.state("etcd")).toBe("inactive");
    vm.powerOn();
    sim.runUntil(200 * SECOND);
    expect(systemd.state("etcd")).toBe("active");
    expect(log).toEqual(["start#1@0", `kill#1@${5 * SECOND}`, `start#2@${(100 + 30 + 2) * SECOND}`]);
  });

  it("records every state change in the trace in systemctl's words", () => {
    const { sim, systemd, unit, memory } = setup();
    systemd.add(unit(SECOND));
    sim.runUntil(5 * SECOND);
    systemd.stop("etcd");
    sim.runUntil(10 * SECOND);
    systemd.start("etcd");
    sim.runUntil(20 * SECOND);
    const states = memory.ofKind("unit.state").map((r) => `${r.from}->${r.to}`);
    expect(states).toEqual([
      "inactive->activating",
      "activating->active",
      "active->deactivating",
      "deactivating->inactive",
      "inactive->activating",
      "activating->active",
    ]);
  });
});

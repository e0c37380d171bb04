import { describe, expect, it } from "vitest";
import { Controller, DONE } from "../../src/capi/runtime/controller.js";
import { runTask, type Task, wait } from "../../src/capi/runtime/task.js";
import { Simulation } from "../../src/sim/simulation.js";
import { SECOND } from "../../src/sim/time.js";

describe("reconcile tasks", () => {
  it("resume at the simulated instant the answer arrives, synchronous answers included", () => {
    const sim = new Simulation({ seed: 1 });
    const seen: number[] = [];
    function* task(): Task<string> {
      const a = yield* wait<number>((r) => sim.after(5 * SECOND, () => r(1)));
      seen.push(sim.now);
      const b = yield* wait<number>((r) => r(2));
      seen.push(sim.now);
      return `${a + b}`;
    }
    let out = "";
    runTask(task(), (r) => {
      out = r;
    });
    sim.runUntil(10 * SECOND);
    expect(out).toBe("3");
    expect(seen).toEqual([5 * SECOND, 5 * SECOND]);
  });
});

describe("controller work queue", () => {
  it("never runs a key more often than its rate limit, and coalesces events", () => {
    const sim = new Simulation({ seed: 1 });
    const starts: number[] = [];
    const c = new Controller(sim, { name: "t", rateLimitUs: 15 * SECOND, reconcileUs: 0 }, () => {
      starts.push(sim.now);
      return DONE;
    });
    for (let i = 0; i < 10; i++) sim.at(i * SECOND, () => c.enqueue("k"));
    sim.runUntil(60 * SECOND);
    expect(starts).toEqual([0, 15 * SECOND]);
  });

  it("backs off exponentially after errors, and holds keys while paused", () => {
    const sim = new Simulation({ seed: 1 });
    const starts: number[] = [];
    let fail = true;
    const c = new Controller(sim, { name: "t", reconcileUs: 0 }, () => {
      starts.push(sim.now);
      return fail ? { error: "boom" } : DONE;
    });
    c.enqueue("k");
    sim.runUntil(100_000);
    expect(starts.slice(0, 4)).toEqual([0, 5_000, 15_000, 35_000]);
    fail = false;
    c.pause();
    const n = starts.length;
    sim.runUntil(10 * SECOND);
    expect(starts.length).toBe(n);
    c.resume();
    sim.runUntil(11 * SECOND);
    expect(starts.length).toBe(n + 1);
  });
});

import { describe, expect, it } from "vitest";
import { GuestClock } from "../../src/infra/guest.js";
import { Simulation } from "../../src/sim/simulation.js";
import { SECOND } from "../../src/sim/time.js";

function clock() {
  const sim = new Simulation({ seed: 1 });
  return { sim, guest: new GuestClock(sim) };
}

describe("GuestClock", () => {
  it("runs timers at their time while the guest lives", () => {
    const { sim, guest } = clock();
    const fired: number[] = [];
    guest.after(SECOND, () => fired.push(sim.now));
    sim.runUntil(2 * SECOND);
    expect(fired).toEqual([SECOND]);
  });

  it("voids every pending timer when the guest stops, but not timers set after", () => {
    const { sim, guest } = clock();
    const fired: string[] = [];
    const e = guest.after(SECOND, () => fired.push("old"));
    guest.stop();
    guest.after(SECOND, () => fired.push("new"));
    sim.runUntil(2 * SECOND);
    expect(fired).toEqual(["new"]);
    expect(e.done).toBe(true);
    expect(guest.life).toBe(1);
  });

  it("holds timers that fall due during a suspension and runs them in order on resume", () => {
    const { sim, guest } = clock();
    const fired: [string, number][] = [];
    guest.after(2 * SECOND, () => fired.push(["b", sim.now]));
    guest.after(1 * SECOND, () => fired.push(["a", sim.now]));
    guest.after(20 * SECOND, () => fired.push(["c", sim.now]));
    guest.suspend();
    sim.runUntil(10 * SECOND);
    expect(fired).toEqual([]);
    guest.resume();
    sim.runUntil(30 * SECOND);
    expect(fired).toEqual([
      ["a", 10 * SECOND],
      ["b", 10 * SECOND],
      ["c", 20 * SECOND],
    ]);
  });

  it("cancels a timer once", () => {
    const { sim, guest } = clock();
    let fired = false;
    const e = guest.after(SECOND, () => {
      fired = true;
    });
    expect(guest.cancel(e)).toBe(true);
    expect(guest.cancel(e)).toBe(false);
    sim.runUntil(2 * SECOND);
    expect(fired).toBe(false);
  });

  it("restarts a guest timer, and a stop cancels it", () => {
    const { sim, guest } = clock();
    const fired: number[] = [];
    const t = guest.timer(() => fired.push(sim.now));
    t.start(SECOND);
    sim.runUntil(SECOND / 2);
    t.start(SECOND);
    expect(t.dueAt).toBe(1.5 * SECOND);
    sim.runUntil(3 * SECOND);
    expect(fired).toEqual([1.5 * SECOND]);
    t.start(SECOND);
    guest.stop();
    expect(t.pending).toBe(false);
    sim.runUntil(10 * SECOND);
    expect(fired).toEqual([1.5 * SECOND]);
  });

  it("a timer restarted after a stop fires once, at its new time (the voided firing stays void)", () => {
    const { sim, guest } = clock();
    const fired: number[] = [];
    const t = guest.timer(() => fired.push(sim.now));
    t.start(2 * SECOND);
    guest.stop();
    t.start(3 * SECOND);
    sim.runUntil(10 * SECOND);
    expect(fired).toEqual([3 * SECOND]);
    // Restarted from its own callback (a periodic timer): every period, never twice.
    const ticks: number[] = [];
    const p = guest.timer(() => {
      ticks.push(sim.now);
      if (ticks.length < 3) p.start(SECOND);
    });
    p.start(SECOND);
    sim.runUntil(20 * SECOND);
    expect(ticks).toEqual([11 * SECOND, 12 * SECOND, 13 * SECOND]);
  });

  it("a timer held by a suspension and restarted after the resume fires only at its new time", () => {
    const { sim, guest } = clock();
    const fired: number[] = [];
    const t = guest.timer(() => fired.push(sim.now));
    t.start(SECOND);
    guest.suspend();
    sim.runUntil(5 * SECOND);
    guest.resume();
    t.start(2 * SECOND);
    sim.runUntil(20 * SECOND);
    expect(fired).toEqual([7 * SECOND]);
    expect(t.pending).toBe(false);
  });

  it("restarting a timer keeps one pending kernel event (no pile-up)", () => {
    const { sim, guest } = clock();
    const t = guest.timer(() => {});
    for (let i = 1; i <= 100; i++) t.start(i * SECOND);
    expect(sim.pendingEvents).toBe(1);
    guest.stop();
    t.start(SECOND);
    expect(sim.pendingEvents).toBe(1);
  });
});

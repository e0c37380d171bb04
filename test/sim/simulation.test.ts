import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation, Timer } from "../../src/sim/simulation.js";
import { MemorySink, Trace, toJsonLine } from "../../src/sim/trace.js";

function newSim(seed: number | string = 1): Simulation {
  return new Simulation({ seed });
}

describe("Simulation scheduling", () => {
  it("runs events in time order, and same-time events in the order they were scheduled", () => {
    const sim = newSim();
    const log: string[] = [];
    const note = (label: string): void => {
      log.push(`${sim.now}:${label}`);
    };
    sim.at(30, note, "c");
    sim.after(10, note, "a");
    sim.at(10, note, "b");
    sim.at(0, note, "first");
    sim.runUntil(100);
    expect(log).toEqual(["0:first", "10:a", "10:b", "30:c"]);
  });

  it("runs events scheduled for now during an event after the ones already due now", () => {
    const sim = newSim();
    const log: string[] = [];
    sim.at(5, () => {
      log.push("x");
      sim.after(0, () => log.push("x-followup"));
    });
    sim.at(5, () => log.push("y"));
    sim.runUntil(5);
    expect(log).toEqual(["x", "y", "x-followup"]);
  });

  it("refuses to schedule in the past, a negative delay, or NaN", () => {
    const sim = newSim();
    sim.runUntil(1_000);
    expect(() => sim.at(999, () => {})).toThrow(/cannot schedule at 999µs: it is already 1000µs/);
    expect(() => sim.after(-1, () => {})).toThrow(/negative delay -1µs/);
    expect(() => sim.at(Number.NaN, () => {})).toThrow();
    expect(() => sim.after(Number.NaN, () => {})).toThrow();
    expect(sim.pendingEvents).toBe(0);
    sim.at(1_000, () => {});
    expect(sim.pendingEvents).toBe(1);
  });

  it("cancel() removes a pending event once; isPending follows it", () => {
    const sim = newSim();
    let ran = 0;
    const id = sim.after(10, () => ran++);
    expect(sim.isPending(id)).toBe(true);
    expect(sim.cancel(id)).toBe(true);
    expect(sim.isPending(id)).toBe(false);
    expect(sim.cancel(id)).toBe(false);
    const ranId = sim.after(20, () => ran++);
    sim.runUntil(100);
    expect(ran).toBe(1);
    expect(sim.cancel(ranId)).toBe(false);
  });

  it("passes the argument given to at/after to the handler", () => {
    const sim = newSim();
    const got: unknown[] = [];
    const payload = { to: "member-2" };
    sim.after(1, (m: { to: string }) => got.push(m), payload);
    sim.after(2, (n: number) => got.push(n), 0);
    sim.after(3, (x: undefined) => got.push(x));
    sim.runUntil(10);
    expect(got).toEqual([payload, 0, undefined]);
    expect(got[0]).toBe(payload);
  });
});

describe("Simulation.step", () => {
  it("runs exactly one event, moves the clock to it, and returns false when there is none", () => {
    const sim = newSim();
    const log: number[] = [];
    sim.at(7, () => log.push(sim.now));
    sim.at(9, () => log.push(sim.now));
    expect(sim.nextEventTime).toBe(7);
    expect(sim.step()).toBe(true);
    expect(log).toEqual([7]);
    expect(sim.now).toBe(7);
    expect(sim.eventsProcessed).toBe(1);
    expect(sim.step()).toBe(true);
    expect(sim.now).toBe(9);
    expect(sim.step()).toBe(false);
    expect(sim.now).toBe(9);
    expect(sim.eventsProcessed).toBe(2);
    expect(sim.nextEventTime).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("Simulation.runUntil", () => {
  it("runs every event at or before the time, leaves later ones, and sets the clock to the time", () => {
    const sim = newSim();
    const ran: number[] = [];
    for (const t of [5, 10, 10, 11, 50]) sim.at(t, () => ran.push(t));
    sim.runUntil(10);
    expect(ran).toEqual([5, 10, 10]);
    expect(sim.now).toBe(10);
    expect(sim.pendingEvents).toBe(2);
    sim.runUntil(40);
    expect(ran).toEqual([5, 10, 10, 11]);
    expect(sim.now).toBe(40);
    expect(sim.nextEventTime).toBe(50);
  });

  it("also runs events scheduled during the run when they fall inside the window", () => {
    const sim = newSim();
    let ticks = 0;
    const tick = (): void => {
      ticks++;
      sim.after(100, tick);
    };
    sim.at(0, tick);
    sim.runUntil(1_000);
    expect(ticks).toBe(11); // 0, 100, ..., 1000
    expect(sim.now).toBe(1_000);
  });

  it("never moves the clock backwards", () => {
    const sim = newSim();
    sim.runUntil(500);
    sim.runUntil(100);
    expect(sim.now).toBe(500);
  });

  it("returns after the current event when stop() is called, with the clock at that event", () => {
    const sim = newSim();
    const ran: number[] = [];
    sim.at(10, () => ran.push(10));
    sim.at(20, () => {
      ran.push(20);
      sim.stop();
    });
    sim.at(20, () => ran.push(21));
    sim.runUntil(1_000);
    expect(ran).toEqual([10, 20]);
    expect(sim.now).toBe(20);
    sim.runUntil(1_000); // a new run starts afresh
    expect(ran).toEqual([10, 20, 21]);
    expect(sim.now).toBe(1_000);
  });

  it("leaves the simulation usable after a handler throws", () => {
    const sim = newSim();
    const ran: number[] = [];
    sim.at(1, () => {
      throw new Error("boom");
    });
    sim.at(2, () => ran.push(2));
    expect(() => sim.runUntil(10)).toThrow("boom");
    expect(sim.now).toBe(1);
    sim.runUntil(10);
    expect(ran).toEqual([2]);
  });
});

describe("Simulation.runUntilTrue", () => {
  it("returns at once when the predicate already holds, running nothing", () => {
    const sim = newSim();
    sim.at(5, () => {});
    expect(sim.runUntilTrue(() => true)).toBe(true);
    expect(sim.eventsProcessed).toBe(0);
    expect(sim.now).toBe(0);
  });

  it("stops right after the event that makes the predicate hold", () => {
    const sim = newSim();
    let leader: string | undefined;
    sim.at(100, () => {});
    sim.at(250, () => {
      leader = "member-1";
    });
    sim.at(300, () => {});
    expect(sim.runUntilTrue(() => leader !== undefined)).toBe(true);
    expect(sim.now).toBe(250);
    expect(sim.pendingEvents).toBe(1);
  });

  it("gives up at the limit with the clock at the limit, having run the events due at it", () => {
    const sim = newSim();
    let count = 0;
    for (const t of [10, 20, 30]) sim.at(t, () => count++);
    expect(sim.runUntilTrue(() => count >= 3, 20)).toBe(false);
    expect(count).toBe(2);
    expect(sim.now).toBe(20);
  });

  it("returns false when the events run out, leaving the clock at the limit (or the last event without one)", () => {
    const sim = newSim();
    sim.at(10, () => {});
    expect(sim.runUntilTrue(() => false, 1_000)).toBe(false);
    expect(sim.now).toBe(1_000);
    const open = newSim();
    open.at(10, () => {});
    expect(open.runUntilTrue(() => false)).toBe(false);
    expect(open.now).toBe(10);
  });

  it("honours stop()", () => {
    const sim = newSim();
    sim.at(10, () => sim.stop());
    sim.at(20, () => {});
    expect(sim.runUntilTrue(() => false, 100)).toBe(false);
    expect(sim.now).toBe(10);
  });
});

describe("Timer", () => {
  it("fires once after its delay, then is no longer pending", () => {
    const sim = newSim();
    const fired: number[] = [];
    const timer = new Timer(sim, () => fired.push(sim.now));
    expect(timer.pending).toBe(false);
    expect(timer.dueAt).toBe(Number.POSITIVE_INFINITY);
    timer.start(100);
    expect(timer.pending).toBe(true);
    expect(timer.dueAt).toBe(100);
    sim.runUntil(1_000);
    expect(fired).toEqual([100]);
    expect(timer.pending).toBe(false);
    expect(timer.dueAt).toBe(Number.POSITIVE_INFINITY);
  });

  it("restarting replaces the pending firing (an election timeout reset by a heartbeat)", () => {
    const sim = newSim();
    const fired: number[] = [];
    const timer = new Timer(sim, () => fired.push(sim.now));
    timer.start(1_000);
    sim.at(600, () => timer.start(1_000));
    sim.at(1_200, () => timer.start(1_000));
    sim.runUntil(10_000);
    expect(fired).toEqual([2_200]);
    expect(sim.pendingEvents).toBe(0);
  });

  it("cancel() stops it; cancelling twice or when idle is harmless", () => {
    const sim = newSim();
    let fired = 0;
    const timer = new Timer(sim, () => fired++);
    timer.cancel();
    timer.start(50);
    timer.cancel();
    timer.cancel();
    expect(timer.pending).toBe(false);
    sim.runUntil(100);
    expect(fired).toBe(0);
    expect(sim.pendingEvents).toBe(0);
  });

  it("can restart itself from its own callback (a periodic heartbeat)", () => {
    const sim = newSim();
    const beats: number[] = [];
    const heartbeat: Timer = new Timer(sim, () => {
      beats.push(sim.now);
      heartbeat.start(100);
    });
    heartbeat.start(100);
    sim.runUntil(450);
    expect(beats).toEqual([100, 200, 300, 400]);
    expect(heartbeat.dueAt).toBe(500);
  });

  it("matches a model of restarts and cancels at random times", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(40), fc.oneof(fc.nat(15), fc.constant(-1))), { maxLength: 30 }),
        (commands) => {
          const sim = newSim();
          const fired: number[] = [];
          const timer = new Timer(sim, () => fired.push(sim.now));
          // Model: the timer fires at `due` unless a later command replaces it first.
          const ordered = commands.map(([at, delay], i) => ({ at, delay, i }));
          ordered.sort((a, b) => a.at - b.at || a.i - b.i);
          for (const c of ordered) sim.at(c.at, () => (c.delay < 0 ? timer.cancel() : timer.start(c.delay)));
          sim.runUntil(10_000);

          const expected: number[] = [];
          let due = Number.POSITIVE_INFINITY;
          for (const c of ordered) {
            // At a tie the command wins: commands were all scheduled up front, so a firing
            // scheduled during the run has a later seq and is replaced before it runs.
            if (due < c.at) {
              expected.push(due);
              due = Number.POSITIVE_INFINITY;
            }
            due = c.delay < 0 ? Number.POSITIVE_INFINITY : c.at + c.delay;
          }
          if (Number.isFinite(due)) expected.push(due);
          expect(fired).toEqual(expected);
        },
      ),
    );
  });
});

describe("Simulation trace and determinism", () => {
  it("emit() stamps records with the current time", () => {
    const sink = new MemorySink();
    const sim = new Simulation({ seed: 1, trace: new Trace().addSink(sink) });
    sim.at(1_500, () => sim.emit("raft.role", "member-1", { role: "leader", term: 2 }));
    sim.runUntil(2_000);
    expect(sink.records).toEqual([
      { t: 1_500, kind: "raft.role", subject: "member-1", role: "leader", term: 2 },
    ]);
    expect(sim.trace.length).toBe(1);
  });

  function randomRun(seed: number): string {
    const sink = new MemorySink();
    const sim = new Simulation({ seed, trace: new Trace().addSink(sink) });
    const net = sim.rng.stream("net");
    const disk = sim.rng.stream("disk");
    const send = (n: number): void => {
      sim.emit("msg", `node-${n % 3}`, { n, jitterUs: net.int(0, 50) });
      if (n < 200) sim.after(Math.round(net.exponential(1_000)), send, n + 1);
      if (disk.chance(0.1)) sim.after(Math.round(disk.lognormal(2_000, 20_000)), send, n + 1_000);
    };
    for (let i = 0; i < 5; i++) sim.after(0, send, i * 10);
    sim.runUntil(60_000_000);
    return sink.records.map(toJsonLine).join("");
  }

  it("gives a byte-identical trace for the same seed, and a different one for another seed", () => {
    const a = randomRun(7);
    expect(a.length).toBeGreaterThan(1_000);
    expect(randomRun(7)).toBe(a);
    expect(randomRun(8)).not.toBe(a);
  });
});

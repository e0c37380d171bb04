import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeadlineQueue } from "../../src/etcd/deadline-queue.js";
import { GuestClock } from "../../src/infra/guest.js";
import { Simulation } from "../../src/sim/simulation.js";
import { MILLISECOND, SECOND } from "../../src/sim/time.js";

interface Item {
  readonly id: number;
  answered: boolean;
}

function setup(timeoutUs = 7 * SECOND) {
  const sim = new Simulation({ seed: 1 });
  const guest = new GuestClock(sim);
  const expired: [number, number][] = [];
  const q = new DeadlineQueue<Item>(
    guest,
    timeoutUs,
    (i) => !i.answered,
    (i) => {
      i.answered = true;
      expired.push([i.id, sim.now]);
    },
  );
  return { sim, guest, q, expired };
}

describe("DeadlineQueue", () => {
  it("expires each unanswered item exactly its timeout after it was added, oldest first", () => {
    const { sim, q, expired } = setup();
    const items: Item[] = [];
    for (let i = 0; i < 5; i++) {
      sim.at(i * SECOND, () => {
        const it = { id: i, answered: false };
        items.push(it);
        q.add(it);
      });
    }
    sim.at(3 * SECOND, () => {
      items[1]!.answered = true; // answered before its deadline: never expires
    });
    sim.runUntil(60 * SECOND);
    expect(expired).toEqual([
      [0, 7 * SECOND],
      [2, 9 * SECOND],
      [3, 10 * SECOND],
      [4, 11 * SECOND],
    ]);
  });

  it("uses one kernel event at a time however many requests wait", () => {
    const { sim, q } = setup();
    for (let i = 0; i < 1000; i++) q.add({ id: i, answered: false });
    expect(sim.pendingEvents).toBe(1);
    expect(q.size).toBe(1000);
  });

  it("fires nothing for a guest that stopped, and clear() forgets everything", () => {
    const { sim, guest, q, expired } = setup();
    q.add({ id: 1, answered: false });
    guest.stop();
    sim.runUntil(20 * SECOND);
    expect(expired).toEqual([]);
    const b = setup();
    b.q.add({ id: 2, answered: false });
    b.q.clear();
    b.sim.runUntil(20 * SECOND);
    expect(b.expired).toEqual([]);
    expect(b.q.size).toBe(0);
  });

  it("expires items that fell due during a suspension on resume, in order", () => {
    const { sim, guest, q, expired } = setup(SECOND);
    q.add({ id: 1, answered: false });
    sim.at(100 * MILLISECOND, () => q.add({ id: 2, answered: false }));
    sim.at(200 * MILLISECOND, () => guest.suspend());
    sim.at(5 * SECOND, () => guest.resume());
    sim.runUntil(10 * SECOND);
    expect(expired).toEqual([
      [1, 5 * SECOND],
      [2, 5 * SECOND],
    ]);
  });

  it("matches one timer per item for any arrivals and answers", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gapUs: fc.integer({ min: 0, max: 3 * SECOND }),
            answerUs: fc.option(fc.nat(15 * SECOND).filter((a) => a !== 5 * SECOND)),
          }),
          {
            maxLength: 60,
          },
        ),
        (reqs) => {
          const { sim, q, expired } = setup(5 * SECOND);
          const expected: [number, number][] = [];
          let t = 0;
          reqs.forEach((r, id) => {
            t += r.gapUs;
            const addedAt = t;
            const answerAt = r.answerUs === null ? Number.POSITIVE_INFINITY : addedAt + r.answerUs;
            if (answerAt >= addedAt + 5 * SECOND) expected.push([id, addedAt + 5 * SECOND]);
            const item = { id, answered: false };
            sim.at(addedAt, () => q.add(item));
            // An answer in the same microsecond as the deadline may run before or after the
            // expiry (event order within one instant); the generator avoids that tie.
            if (Number.isFinite(answerAt)) sim.at(answerAt, () => (item.answered = true));
          });
          sim.runUntil(t + 60 * SECOND);
          expected.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
          expect(expired).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

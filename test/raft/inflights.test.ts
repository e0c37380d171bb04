import { describe, expect, it } from "vitest";
import { Inflights } from "../../src/raft/inflights.js";

describe("Inflights", () => {
  it("is full at its message capacity and frees acknowledged messages", () => {
    const inf = new Inflights(3, 0);
    inf.add(10, 1);
    inf.add(12, 1);
    expect(inf.full()).toBe(false);
    inf.add(15, 1);
    expect(inf.full()).toBe(true);
    inf.freeLE(12);
    expect(inf.count).toBe(1);
    expect(inf.full()).toBe(false);
    inf.freeLE(100);
    expect(inf.count).toBe(0);
  });

  it("honours the byte budget", () => {
    const inf = new Inflights(100, 1000);
    inf.add(1, 600);
    expect(inf.full()).toBe(false);
    inf.add(2, 500);
    expect(inf.full()).toBe(true);
    expect(inf.bytes).toBe(1100);
    inf.freeLE(1);
    expect(inf.bytes).toBe(500);
    expect(inf.full()).toBe(false);
  });

  it("keeps FIFO order across ring wrap-around and growth", () => {
    const inf = new Inflights(64, 0);
    let next = 1;
    let freed = 0;
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 7; k++) inf.add(next++, 1);
      freed += 5;
      inf.freeLE(freed);
      expect(inf.count).toBe(next - 1 - freed);
    }
  });

  it("reset forgets everything", () => {
    const inf = new Inflights(2, 0);
    inf.add(1, 5);
    inf.add(2, 5);
    inf.reset();
    expect(inf.count).toBe(0);
    expect(inf.bytes).toBe(0);
    expect(inf.full()).toBe(false);
  });
});

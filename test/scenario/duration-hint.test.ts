import { describe, expect, it } from "vitest";
import { explainBadDuration, repairDuration } from "../../src/scenario/duration-hint.js";

describe("repairDuration", () => {
  it("rewrites common spellings into Go-style durations", () => {
    expect(repairDuration("5 minutes")).toBe("5m");
    expect(repairDuration("1 hour 30 min")).toBe("1h30m");
    expect(repairDuration("10 SECONDS")).toBe("10s");
    expect(repairDuration("250 millis")).toBe("250ms");
    expect(repairDuration("1:30")).toBe("1m30s");
    expect(repairDuration("1:02:03")).toBe("1h2m3s");
    expect(repairDuration("soon")).toBeUndefined();
  });
});

describe("explainBadDuration", () => {
  it("says why and how to fix it", () => {
    expect(explainBadDuration("5 minutes").hint).toBe('write "5m"');
    expect(explainBadDuration("-3s")).toMatchObject({
      message: 'negative duration "-3s"',
      hint: expect.stringContaining("cannot be negative"),
    });
    expect(explainBadDuration("30").hint).toContain('"30s" for seconds');
    expect(explainBadDuration("5m5m").message).toContain('unit "m" appears twice');
  });
});

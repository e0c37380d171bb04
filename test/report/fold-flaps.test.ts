import { describe, expect, it } from "vitest";
import { foldApiFlaps } from "../../src/report/fold-flaps.js";
import { SECOND } from "../../src/sim/time.js";
import type { TraceRecord } from "../../src/sim/trace.js";

const probe = (
  t: number,
  ok: boolean,
  atUs: number,
): { record: TraceRecord; line: { tone: "violation" | "recovery"; text: string } } => ({
  record: {
    t,
    kind: "kube.api.probe",
    subject: "api",
    ok,
    atUs,
    message: ok ? "" : 'Get "https://vip:6443": EOF',
  },
  line: { tone: ok ? "recovery" : "violation", text: ok ? "API available again" : "API unavailable: EOF" },
});
const other = (t: number) => ({
  record: { t, kind: "step", subject: "run" } as TraceRecord,
  line: { tone: "violation" as const, text: "step" },
});

describe("folding short API outages in the timeline", () => {
  it("turns a stretch of 1 s outages into one 'failing intermittently' line and one recovery", () => {
    const entries = [
      other(0),
      probe(5 * SECOND, false, 0),
      probe(5 * SECOND, true, 1 * SECOND),
      probe(8 * SECOND, false, 3 * SECOND),
      probe(8 * SECOND, true, 4 * SECOND),
      probe(11 * SECOND, false, 6 * SECOND),
      probe(11 * SECOND, true, 7 * SECOND),
    ];
    const out = foldApiFlaps(entries);
    expect(out.map((e) => e.line.text)).toEqual([
      "step",
      'API failing intermittently (requests issued 00:00.000–00:06.000: 3 short outages, 3s in all): Get "https://vip:6443": EOF',
      "API available again",
    ]);
    // The last recovery is the real record of the end of the stretch.
    expect(out[2]!.record.atUs).toBe(7 * SECOND);
  });

  it("leaves a single outage, a long one, and outages far apart as they are", () => {
    const single = [probe(5 * SECOND, false, 0), probe(70 * SECOND, true, 65 * SECOND)];
    expect(foldApiFlaps(single)).toEqual(single);
    const apart = [
      probe(5 * SECOND, false, 0),
      probe(5 * SECOND, true, SECOND),
      probe(60 * SECOND, false, 55 * SECOND),
      probe(60 * SECOND, true, 56 * SECOND),
    ];
    expect(foldApiFlaps(apart)).toEqual(apart);
    const longThenShort = [
      probe(5 * SECOND, false, 0),
      probe(30 * SECOND, true, 25 * SECOND),
      probe(31 * SECOND, false, 26 * SECOND),
      probe(31 * SECOND, true, 27 * SECOND),
    ];
    expect(foldApiFlaps(longThenShort)).toEqual(longThenShort);
  });
});

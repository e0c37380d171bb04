/**
 * The same instant reads the same everywhere in a report: the timeline's clock and the
 * expectation verdicts both cut to the millisecond (as clocks do) rather than one cutting and the
 * other rounding. And a wait the end of the run cut short reads as "still waiting", in the
 * timeline as in its verdict.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { renderJson } from "../../src/report/json.js";
import { renderText } from "../../src/report/text.js";
import type { RunResult } from "../../src/world/result.js";

function run(file: string, seed?: number): RunResult {
  const p = prepareRun(file, seed !== undefined ? { seed } : {});
  if (!p.ok) throw new Error(`${file} does not load: ${p.errors[0]?.message}`);
  return executeRun(p.run);
}

describe("times in the timeline and the verdicts", () => {
  it("HAProxy marking cp-0 DOWN reads the same in both (README example, seed 7)", () => {
    const doc = JSON.parse(renderJson(run("experiments/haproxy-cp-power-cycle.yaml", 7)));
    const down = doc.timeline.find(
      (t: { kind: string; subject: string; text: string }) =>
        t.kind === "lb.backend" && t.subject === "kube_api_backend/cp-0" && t.text.includes("is DOWN"),
    );
    expect(down).toBeDefined();
    // Past the half millisecond, so cutting and rounding differ.
    expect(down.tUs % 1000).toBeGreaterThanOrEqual(500);
    const verdict = doc.expectations.find((e: { that: string }) => e.that === "lb.backend[cp-0].up");
    const [, mm, ss] = /^(\d\d):(\d\d\.\d{3})$/.exec(down.time) ?? [];
    expect(verdict.observed).toBe(`at ${Number(mm)}m${ss}s`);
  });
});

describe("a wait still pending when the run ends", () => {
  it("is 'still waiting when the run ended' in the timeline, as in the verdict", () => {
    const file = join(mkdtempSync(join(tmpdir(), "quorate-wait-")), "wait.yaml");
    writeFileSync(
      file,
      [
        "apiVersion: quorate.dev/v1alpha1",
        "kind: Experiment",
        "metadata:",
        "  name: pending-wait",
        "spec:",
        "  model: vsphere-vms",
        "  duration: 1m",
        "  steps:",
        "    - at: 10s",
        "      waitFor: lb.backendsUp < 3",
        "",
      ].join("\n"),
    );
    const text = renderText(run(file));
    expect(text).toMatch(
      /01:00\.000 .*waitFor lb\.backendsUp < 3: still waiting when the run ended \(after 50s\)/,
    );
    expect(text).not.toMatch(/timed out/);
    expect(text).toMatch(/FAIL waitFor lb\.backendsUp < 3: .*observed still waiting when the run ended/);
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { perfettoTrace, renderPerfetto, type TraceEvent } from "../../src/report/perfetto.js";
import { quorate } from "../support/cli.js";

const EXPERIMENT = "experiments/haproxy-cp-power-cycle.yaml";
const dir = mkdtempSync(join(tmpdir(), "quorate-perfetto-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run() {
  const p = prepareRun(EXPERIMENT, { seed: 7 });
  if (!p.ok) throw new Error("experiment does not load");
  return executeRun(p.run);
}

describe("Perfetto / Chrome trace", () => {
  const result = run();
  const trace = perfettoTrace(result);
  const events = trace.traceEvents;
  const threadName = (e: TraceEvent) =>
    events.find((m) => m.ph === "M" && m.name === "thread_name" && m.pid === e.pid && m.tid === e.tid)?.args
      ?.name;
  const processName = (pid: number) =>
    events.find((m) => m.ph === "M" && m.name === "process_name" && m.pid === pid)?.args?.name;

  it("has a named track per VM and backend, and the VM's power states as complete events", () => {
    const cp0 = events.filter(
      (e) => e.ph === "X" && threadName(e) === "cp-0" && processName(e.pid) === "VMs",
    );
    expect(cp0.map((e) => e.name)).toEqual(["running", "poweredOff", "booting", "running"]);
    expect(cp0[1]!.ts).toBe(60_000_000);
    expect(cp0[0]!.dur).toBe(60_000_000);
    const last = cp0[cp0.length - 1]!;
    expect(last.ts! + last.dur!).toBe(result.durationUs);
    const backend = events.filter((e) => e.ph === "X" && threadName(e) === "kube_api_backend/cp-1");
    expect(backend.map((e) => e.name)).toEqual(["UP", "DOWN", "UP"]);
    const availability = events.filter((e) => e.ph === "X" && processName(e.pid) === "availability");
    expect(availability.map((e) => [threadName(e), e.name])).toEqual([["endpoint", "available"]]);
  });

  it("marks steps and faults as thread-scoped instants on the experiment process", () => {
    const instants = events.filter((e) => e.ph === "i");
    const steps = instants.filter((e) => threadName(e) === "steps");
    expect(steps.map((e) => [e.ts, e.name])).toEqual([
      [60_000_000, "step: vm.powerOff cp-0"],
      [70_000_000, "step: vm.powerOff cp-1"],
      [240_000_000, "step: vm.powerOn cp-0 (we just manually power machines on)"],
      [360_000_000, "step: vm.powerOn cp-1"],
    ]);
    expect(instants.every((e) => e.s === "t" && processName(e.pid) === "experiment")).toBe(true);
    expect(instants.some((e) => threadName(e) === "faults" && /is DOWN/.test(e.name))).toBe(true);
  });

  it("spans on one thread never overlap, and the JSON is the trace event format", () => {
    const byThread = new Map<string, TraceEvent[]>();
    for (const e of events.filter((x) => x.ph === "X")) {
      const key = `${e.pid}/${e.tid}`;
      byThread.set(key, [...(byThread.get(key) ?? []), e]);
    }
    for (const spans of byThread.values()) {
      for (let i = 1; i < spans.length; i++)
        expect(spans[i]!.ts).toBeGreaterThanOrEqual(spans[i - 1]!.ts! + spans[i - 1]!.dur!);
    }
    const doc = JSON.parse(renderPerfetto(result));
    expect(doc.displayTimeUnit).toBe("ms");
    expect(doc.traceEvents).toHaveLength(events.length);
    expect(doc.otherData).toMatchObject({ experiment: "haproxy-cp-power-cycle", seed: 7 });
  });

  it("quorate run --perfetto writes the file; a bad path is refused before the run, leaving nothing", () => {
    const out = join(dir, "run.json");
    const r = quorate(["run", EXPERIMENT, "--seed", "7", "--perfetto", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(renderPerfetto(result));
    const bad = quorate(["run", EXPERIMENT, "--perfetto", join(dir, "no", "such", "dir.json")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("does not exist");
    expect(bad.stdout).toBe("");
    const badInput = quorate([
      "run",
      "test/fixtures/bad/unknown-action.yaml",
      "--perfetto",
      join(dir, "x.json"),
    ]);
    expect(badInput.code).toBe(2);
    expect(existsSync(join(dir, "x.json"))).toBe(false);
    expect(readdirSync(dir)).toEqual(["run.json"]);
  });

  it("the run JSON carries the same state spans for charts", () => {
    const r = quorate(["run", EXPERIMENT, "--seed", "7", "--format", "json"]);
    const doc = JSON.parse(r.stdout);
    const cp0 = doc.states.filter(
      (s: { group: string; track: string }) => s.group === "VMs" && s.track === "cp-0",
    );
    expect(cp0.map((s: { state: string }) => s.state)).toEqual([
      "running",
      "poweredOff",
      "booting",
      "running",
    ]);
    expect(doc.description).toMatch(/^Power off two of three/);
  });
});

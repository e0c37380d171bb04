/**
 * Every Node and Machine that exists when the run starts has a state lane from 0 s, in the run
 * JSON (`states`), the HTML report and the Perfetto trace, even when nothing happens to it (issue
 * #7: a track per etcd member, node, Machine and VM; docs/reports.md).
 */
import { describe, expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { readRunDocument } from "../../src/report/html/run-document.js";
import { renderRunHtml } from "../../src/report/html/run-page.js";
import { renderJson } from "../../src/report/json.js";
import { perfettoTrace } from "../../src/report/perfetto.js";
import type { StateSpan } from "../../src/report/state-tracks.js";
import type { RunResult } from "../../src/world/result.js";

const NODES = ["cp-0", "cp-1", "cp-2", "worker-0", "worker-1", "worker-2"];

function run(file: string, untilUs: number): RunResult {
  const p = prepareRun(file);
  if (!p.ok) throw new Error(`${file} does not load`);
  return executeRun(p.run, { untilUs });
}

function tracks(states: readonly StateSpan[], group: string): string[] {
  return [...new Set(states.filter((s) => s.group === group).map((s) => s.track))];
}

describe("lanes for every Node and Machine", () => {
  // One minute of the seed-000 experiment: nothing has happened to any Node or Machine yet.
  const result = run("experiments/capv-two-control-planes-down.yaml", 60_000_000);
  const doc = JSON.parse(renderJson(result)) as { states: StateSpan[] };

  it("states[] has a nodes lane and a Machines lane for each, Ready / Running from 0 s", () => {
    expect(tracks(doc.states, "nodes")).toEqual(NODES);
    expect(tracks(doc.states, "Machines")).toEqual(NODES);
    for (const s of doc.states.filter((x) => x.group === "nodes" || x.group === "Machines")) {
      expect(s).toMatchObject({ fromUs: 0, toUs: 60_000_000 });
      expect(s.state).toBe(s.group === "nodes" ? "Ready" : "Running");
    }
    // Lanes of each kind keep the documented group order.
    const groups = [...new Set(doc.states.map((s) => s.group))];
    expect(groups.indexOf("etcd members")).toBeLessThan(groups.indexOf("nodes"));
    expect(groups.indexOf("nodes")).toBeLessThan(groups.indexOf("Machines"));
    expect(groups.indexOf("Machines")).toBeLessThan(groups.indexOf("VMs"));
  });

  it("the HTML report carries them", () => {
    const page = readRunDocument(JSON.parse(renderJson(result)));
    if ("error" in page) throw new Error(page.error);
    const html = renderRunHtml(page);
    for (const n of NODES) {
      expect(html).toContain(`{"group":"nodes","track":"${n}","state":"Ready"`);
      expect(html).toContain(`{"group":"Machines","track":"${n}","state":"Running"`);
    }
  });

  it("the Perfetto trace has a nodes and a Machines process with a thread each", () => {
    const events = perfettoTrace(result).traceEvents;
    const pidOf = (name: string) =>
      events.find((e) => e.name === "process_name" && e.args?.name === name)?.pid;
    for (const group of ["nodes", "Machines"]) {
      const pid = pidOf(group);
      expect(pid).toBeDefined();
      const threads = events
        .filter((e) => e.name === "thread_name" && e.pid === pid)
        .map((e) => e.args?.name);
      expect(threads).toEqual(NODES);
    }
  });

  it("the timeline and events() do not see the start states", () => {
    const start = result.records.findIndex((r) => r.kind === "run.start");
    const initial = result.records.filter((r) => r.kind === "lane.initial");
    expect(initial).toHaveLength(12);
    expect(result.records.indexOf(initial[initial.length - 1]!)).toBeLessThan(start);
  });

  it("a model without Kubernetes or Cluster API gets no such lanes", () => {
    const states = JSON.parse(renderJson(run("experiments/haproxy-cp-power-cycle.yaml", 10_000_000)))
      .states as StateSpan[];
    expect(tracks(states, "nodes")).toEqual([]);
    expect(tracks(states, "Machines")).toEqual([]);
    expect(tracks(states, "VMs")).toEqual(NODES);
  });
});

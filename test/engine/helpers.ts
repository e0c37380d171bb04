/** Runs an experiment written inline (on the infrastructure-only model vsphere-vms). */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { type PreparedRun, prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { formatInputErrors, type InputError } from "../../src/scenario/index.js";
import { formatDuration } from "../../src/sim/time.js";
import type { TraceRecord } from "../../src/sim/trace.js";
import type { RunResult } from "../../src/world/result.js";

const dir = mkdtempSync(join(tmpdir(), "quorate-runbook-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** An experiment file around `spec` (indented by two spaces, without `spec:`). */
export function experimentFile(spec: string): string {
  const path = join(dir, `e${files++}.yaml`);
  writeFileSync(
    path,
    `apiVersion: quorate.dev/v1alpha1\nkind: Experiment\nmetadata: {name: t}\nspec:\n  model: vsphere-vms\n${spec}`,
  );
  return path;
}

/** Prepares `spec`, failing the test with the located errors when it is refused. */
export function prepare(spec: string, seed = 1): PreparedRun {
  const r = prepareRun(experimentFile(spec), { seed });
  if (!r.ok) throw new Error(formatInputErrors(r.errors));
  return r.run;
}

/** The located errors of a refused `spec` (`line:col message`). */
export function refusal(spec: string): string[] {
  const r = prepareRun(experimentFile(spec), { seed: 1 });
  if (r.ok) throw new Error("expected the experiment to be refused");
  return r.errors.map((e: InputError) => `${e.line}:${e.col} ${e.message}`);
}

/** Runs `spec` to the end. */
export function run(spec: string, seed = 1): RunResult {
  return executeRun(prepare(spec, seed));
}

/** `mm:ss.mmm`-free times: `1m47.003s`, for readable assertions. */
export function at(t: number): string {
  return formatDuration(Math.round(t / 1000) * 1000);
}

/** Records of the given kinds, as `time kind subject [detail]` lines. */
export function lines(records: readonly TraceRecord[], kinds: readonly string[]): string[] {
  return records
    .filter((r) => kinds.includes(r.kind))
    .map((r) => {
      const detail =
        r.kind === "step"
          ? `${String(r.action)}${r.note !== undefined ? ` (${String(r.note)})` : ""}`
          : r.kind === "step.failed"
            ? String(r.reason)
            : r.kind.startsWith("wait.")
              ? String(r.condition)
              : r.kind.startsWith("trigger.")
                ? String(r.when)
                : r.kind === "step.late"
                  ? `${String(r.step)} was due at ${at(Number(r.scheduledUs))}`
                  : r.kind === "runbook.stopped"
                    ? `${String(r.remaining)} left`
                    : "";
      return `${at(r.t)} ${r.kind} ${r.subject}${detail !== "" ? ` ${detail}` : ""}`;
    });
}

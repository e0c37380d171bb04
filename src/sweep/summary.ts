/**
 * The summary of a sweep and its runbook verdict, per combination of parameter values: the
 * distribution (p50/p90/p99/max) of each availability measure's unavailable time and of every
 * scalar metric the runs reported (recovery time, lost writes, elections, … — whatever the
 * model's layers measure), and each expectation's pass rate with its failing seeds and the worst
 * one. A pure function of the header and the runs, which are taken in (combination, seed) order,
 * so the summary does not depend on how many workers or machines produced them.
 */

import { compareRuns, type HeaderExpectation, type RunLine, type SweepHeader } from "./run-line.js";
import { parseSeedRange } from "./seed-range.js";
import { observedInstant, severityOf } from "./severity.js";
import { type Quantiles, quantiles } from "./stats.js";
import type { SettingText } from "./vary.js";

/** Version of the summary document's shape. */
export const SWEEP_SUMMARY_FORMAT = "quorate.dev/sweep-summary/v1";

/** The distribution of one measure. */
export interface MeasureSummary {
  readonly name: string;
  /** `us` for durations (names ending in `Us`), empty for counts. */
  readonly unit: "us" | "";
  readonly quantiles: Quantiles;
}

/** One expectation over every seed of a combination. */
export interface ExpectationSummary extends HeaderExpectation {
  readonly index: number;
  /** Runs in which it held. */
  readonly holds: number;
  readonly runs: number;
  /** Seeds in which it failed, ascending. */
  readonly failingSeeds: readonly number[];
  /** The worst failure (see severity.ts), lowest seed on ties. */
  readonly worst?: { readonly seed: number; readonly observed: string };
  /**
   * For expectations that wait for a condition (`within:`/`after:`): when it was reached, over
   * all runs (µs from the start of the run; runs where it never was count as missing).
   */
  readonly reachedAt?: Quantiles;
}

/** One combination of parameter values. */
export interface CombinationSummary {
  readonly index: number;
  readonly label: string;
  readonly settings: readonly SettingText[];
  /** Runs summarised, and runs the sweep plans for this combination. */
  readonly runs: number;
  readonly plannedRuns: number;
  /** Runs in which every expectation held and no invariant broke. */
  readonly passedRuns: number;
  readonly availability: readonly MeasureSummary[];
  readonly metrics: readonly MeasureSummary[];
  readonly expectations: readonly ExpectationSummary[];
  /** Runs with broken safety invariants. */
  readonly findings: { readonly runs: number; readonly seeds: readonly number[] };
  /** Every planned run is in and passed. */
  readonly holds: boolean;
}

/** The whole summary (`quorate sweep --format json`). */
export interface SweepSummary {
  readonly format: typeof SWEEP_SUMMARY_FORMAT;
  readonly experiment: string;
  readonly model: string;
  readonly file: string;
  readonly seeds: string;
  readonly set: readonly SettingText[];
  readonly runs: number;
  readonly plannedRuns: number;
  readonly combinations: readonly CombinationSummary[];
  /** Every planned run is in, every expectation held in every one and no invariant broke. */
  readonly passed: boolean;
}

/** Summarises the runs of a sweep (any order; runs of unknown combinations are ignored). */
export function summarise(header: SweepHeader, runs: readonly RunLine[]): SweepSummary {
  const seedsPerCombination = parseSeedRange(header.seeds).length;
  const sorted = [...runs].sort(compareRuns);
  const byCombination = new Map<number, RunLine[]>();
  for (const c of header.combinations) byCombination.set(c.index, []);
  for (const r of sorted) byCombination.get(r.combination)?.push(r);
  const combinations = header.combinations.map((c) =>
    summariseCombination(c, byCombination.get(c.index) ?? [], header.expectations, seedsPerCombination),
  );
  const counted = combinations.reduce((n, c) => n + c.runs, 0);
  const planned = seedsPerCombination * header.combinations.length;
  return {
    format: SWEEP_SUMMARY_FORMAT,
    experiment: header.experiment,
    model: header.model,
    file: header.file,
    seeds: header.seeds,
    set: header.set,
    runs: counted,
    plannedRuns: planned,
    combinations,
    passed: combinations.every((c) => c.holds),
  };
}

function summariseCombination(
  c: SweepHeader["combinations"][number],
  runs: readonly RunLine[],
  expectations: readonly HeaderExpectation[],
  plannedRuns: number,
): CombinationSummary {
  const findingSeeds = runs.filter((r) => r.findings > 0).map((r) => r.seed);
  const passedRuns = runs.filter((r) => r.passed).length;
  return {
    index: c.index,
    label: c.label,
    settings: c.settings,
    runs: runs.length,
    plannedRuns,
    passedRuns,
    availability: measures(
      runs,
      (r) => r.availability,
      () => "us",
    ),
    metrics: measures(
      runs,
      (r) => r.metrics,
      (name) => (name.endsWith("Us") ? "us" : ""),
    ),
    expectations: expectations.map((e, i) => summariseExpectation(e, i, runs)),
    findings: { runs: findingSeeds.length, seeds: findingSeeds },
    holds: runs.length === plannedRuns && passedRuns === runs.length,
  };
}

/** One measure per name, names in order of first appearance; a run without the name counts as missing. */
function measures(
  runs: readonly RunLine[],
  valuesOf: (r: RunLine) => Readonly<Record<string, number | null>>,
  unitOf: (name: string) => "us" | "",
): MeasureSummary[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of runs) {
    for (const name of Object.keys(valuesOf(r))) {
      if (!seen.has(name)) {
        seen.add(name);
        names.push(name);
      }
    }
  }
  return names.map((name) => ({
    name,
    unit: unitOf(name),
    quantiles: quantiles(runs.map((r) => valuesOf(r)[name] ?? null)),
  }));
}

function summariseExpectation(
  e: HeaderExpectation,
  index: number,
  runs: readonly RunLine[],
): ExpectationSummary {
  const failingSeeds: number[] = [];
  let worst: { seed: number; observed: string; severity: number } | undefined;
  let holds = 0;
  const instants: (number | null)[] = [];
  let timed = false;
  for (const r of runs) {
    const v = r.expectations[index];
    const instant = observedInstant(v?.observed ?? "");
    if (instant !== undefined) {
      instants.push(instant);
      if (instant !== null) timed = true;
    }
    if (v?.passed) {
      holds++;
      continue;
    }
    failingSeeds.push(r.seed);
    const observed = v?.observed ?? "not evaluated";
    const severity = severityOf(observed);
    if (!worst || severity > worst.severity) worst = { seed: r.seed, observed, severity };
  }
  return {
    index,
    that: e.that,
    expected: e.expected,
    ...(e.line !== undefined ? { line: e.line } : {}),
    holds,
    runs: runs.length,
    failingSeeds,
    ...(worst ? { worst: { seed: worst.seed, observed: worst.observed } } : {}),
    ...(timed ? { reachedAt: quantiles(instants) } : {}),
  };
}

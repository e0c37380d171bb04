/**
 * What a run produces: the trace, the derived metrics and the expectation verdicts. Reports
 * (text, JSON, HTML) are pure functions of this value.
 */
import type { TraceRecord } from "../sim/trace.js";

/** The verdict on one `expect:` entry. */
export interface ExpectationVerdict {
  /** The condition as written. */
  readonly that: string;
  /** What was required, in words (`false throughout 2m12s..2m20s`). */
  readonly expected: string;
  /** What the run showed (`true at 2m13.2s`, `settled at 1m4s`). */
  readonly observed: string;
  readonly passed: boolean;
  /** The source statement it checks, if the file quoted one. */
  readonly quote?: string;
  /** Line of the expectation in the experiment file. */
  readonly line?: number;
}

/** A safety invariant that broke (at most one leader per term, lost acknowledged write, …). */
export interface Finding {
  readonly t: number;
  readonly invariant: string;
  readonly message: string;
}

/** A named availability measure over the run. */
export interface AvailabilityMetric {
  readonly name: string;
  /** Total time unavailable (µs). */
  readonly unavailableUs: number;
  /** The windows of unavailability. */
  readonly windows: readonly { readonly from: number; readonly to: number }[];
}

export interface RunResult {
  readonly experiment: string;
  readonly description?: string;
  readonly model: string;
  readonly seed: number;
  readonly durationUs: number;
  readonly parameters: readonly { readonly key: string; readonly value: string; readonly origin: string }[];
  readonly records: readonly TraceRecord[];
  readonly availability: readonly AvailabilityMetric[];
  /** Scalar metrics (lostWrites, elections, recoveryUs, …). */
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly expectations: readonly ExpectationVerdict[];
  readonly findings: readonly Finding[];
  readonly eventsProcessed: number;
  /** True when every expectation passed and no invariant broke. */
  readonly passed: boolean;
}

/**
 * The sweep's result files are JSON Lines: one header line describing the sweep, then one compact
 * line per finished run. A run line holds what the summary needs and nothing else (no trace):
 * the verdict of each expectation (in the header's order), unavailable time per availability
 * measure, the scalar metrics, the number of broken invariants and the events processed.
 */
import type { SettingText } from "./vary.js";

/** Version of the result files' shape. */
export const SWEEP_RUNS_FORMAT = "quorate.dev/sweep-runs/v1";

/** One expectation of the experiment, as the header lists it. */
export interface HeaderExpectation {
  readonly that: string;
  /** What was required, in words (`true by 20m0s`). */
  readonly expected: string;
  readonly line?: number;
}

/** A combination of parameter values as the header lists it. */
export interface HeaderCombination {
  readonly index: number;
  readonly label: string;
  readonly settings: readonly SettingText[];
}

/** The first line of every result file. */
export interface SweepHeader {
  readonly type: "sweep";
  readonly format: typeof SWEEP_RUNS_FORMAT;
  readonly experiment: string;
  readonly model: string;
  /** The experiment file as named on the command line (re-run commands use it). */
  readonly file: string;
  /** SHA-256 of the experiment file's bytes: resuming or merging a different file is refused. */
  readonly fileSha256: string;
  /** SHA-256 of the model profile file the experiment names: a profile edited in between is refused too. */
  readonly modelSha256: string;
  readonly durationUs: number;
  /** Every seed of the whole sweep (all shards), e.g. `1..1000`. */
  readonly seeds: string;
  /** `--set` overrides shared by every combination. */
  readonly set: readonly SettingText[];
  readonly combinations: readonly HeaderCombination[];
  readonly expectations: readonly HeaderExpectation[];
  /** The part of the sweep this file holds; null for an unsharded sweep. */
  readonly shard: { readonly index: number; readonly count: number } | null;
}

/** One expectation's verdict in one run. */
export interface LineVerdict {
  readonly passed: boolean;
  readonly observed: string;
}

/** One finished run. */
export interface RunLine {
  readonly type: "run";
  readonly combination: number;
  readonly seed: number;
  readonly passed: boolean;
  readonly expectations: readonly LineVerdict[];
  /** Total unavailable time (µs) per availability measure (`endpoint`, `writes`, `api`, …). */
  readonly availability: Readonly<Record<string, number>>;
  /** Scalar metrics (`recoveryUs`, `lostWrites`, `elections`, …); null when not measurable in that run. */
  readonly metrics: Readonly<Record<string, number | null>>;
  /** Broken safety invariants. */
  readonly findings: number;
  readonly events: number;
}

/** Orders runs by (combination, seed): the order every summary and final file uses. */
export function compareRuns(a: RunLine, b: RunLine): number {
  return a.combination - b.combination || a.seed - b.seed;
}

/** A run's identity within a sweep. */
export function runKey(combination: number, seed: number): string {
  return `${combination}:${seed}`;
}

/** The header as one line (with newline). */
export function headerLine(h: SweepHeader): string {
  return `${JSON.stringify(h)}\n`;
}

/** A run as one line (with newline). */
export function runLine(r: RunLine): string {
  return `${JSON.stringify(r)}\n`;
}

/**
 * The header without its shard: two files belong to the same sweep exactly when these are equal.
 */
export function sweepIdentity(h: SweepHeader): string {
  const { shard: _shard, ...rest } = h;
  return JSON.stringify(rest);
}

/** Reads a header line; undefined when the object is not one. */
export function asHeader(value: unknown): SweepHeader | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const h = value as Partial<SweepHeader>;
  if (h.type !== "sweep" || h.format !== SWEEP_RUNS_FORMAT) return undefined;
  if (typeof h.experiment !== "string" || typeof h.file !== "string" || typeof h.seeds !== "string")
    return undefined;
  if (!Array.isArray(h.combinations) || !Array.isArray(h.expectations) || !Array.isArray(h.set))
    return undefined;
  return h as SweepHeader;
}

/** Reads a run line; undefined when the object is not one. */
export function asRunLine(value: unknown): RunLine | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Partial<RunLine>;
  if (r.type !== "run" || !Number.isSafeInteger(r.combination) || !Number.isSafeInteger(r.seed))
    return undefined;
  if (typeof r.passed !== "boolean" || !Array.isArray(r.expectations)) return undefined;
  if (typeof r.availability !== "object" || r.availability === null) return undefined;
  if (typeof r.metrics !== "object" || r.metrics === null) return undefined;
  return r as RunLine;
}

/**
 * Percentiles for sweep summaries, by the nearest-rank method: the p-th percentile of n sorted
 * values is the ⌈p·n⌉-th smallest. Always one of the observed values (a seed you can re-run), and
 * exact arithmetic, so the same runs give the same summary bytes on every machine.
 */

/** p50 / p90 / p99 / max of the values a measure took over a combination's runs. */
export interface Quantiles {
  /** Runs with a value. */
  readonly count: number;
  /** Runs where the measure had no value (null: e.g. never recovered). */
  readonly missing: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** The nearest-rank percentile `p` (0 < p ≤ 1) of ascending `sorted`; undefined when empty. */
export function nearestRank(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1];
}

/** Quantiles of a list that may contain nulls (counted as missing). */
export function quantiles(values: readonly (number | null)[]): Quantiles {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  present.sort((a, b) => a - b);
  return {
    count: present.length,
    missing: values.length - present.length,
    p50: nearestRank(present, 0.5) ?? null,
    p90: nearestRank(present, 0.9) ?? null,
    p99: nearestRank(present, 0.99) ?? null,
    max: present.length > 0 ? present[present.length - 1]! : null,
  };
}

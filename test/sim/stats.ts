/** Sample statistics for the RNG and distribution tests (a helper, not a test file). */

/** `n` draws of `draw`, sorted ascending. */
export function sortedSample(n: number, draw: () => number): Float64Array {
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = draw();
  return xs.sort();
}

/** Mean of the values. */
export function mean(xs: Float64Array): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Standard deviation (population). */
export function stddev(xs: Float64Array): number {
  const m = mean(xs);
  let sum = 0;
  for (const x of xs) sum += (x - m) ** 2;
  return Math.sqrt(sum / xs.length);
}

/** The q-quantile (0..1) of already sorted values, nearest rank. */
export function quantile(sorted: Float64Array, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** |actual - expected| as a fraction of expected. */
export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

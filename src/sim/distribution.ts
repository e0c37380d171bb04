/**
 * Distributions as data, so model files can say how long something takes (`latency: {uniform:
 * [10ms, 15ms]}`) and the code that samples them stays in one place. All values are microseconds.
 */
import { type LognormalParams, lognormalParams, type Rng } from "./rng.js";
import type { Micros } from "./time.js";

export type Distribution =
  | { readonly kind: "constant"; readonly value: Micros }
  | { readonly kind: "uniform"; readonly min: Micros; readonly max: Micros }
  | { readonly kind: "exponential"; readonly mean: Micros }
  | { readonly kind: "normal"; readonly mean: Micros; readonly stddev: Micros }
  | { readonly kind: "lognormal"; readonly p50: Micros; readonly p99: Micros };

/** A constant duration. */
export function constant(value: Micros): Distribution {
  return { kind: "constant", value };
}

/**
 * The log-normal parameters of each lognormal distribution, derived on its first draw: a
 * distribution is immutable data shared by every draw (network latency is drawn per message), and
 * deriving them costs two logarithms and an object each time. Keyed by the object, so a
 * distribution that is no longer used takes its entry with it.
 */
const lognormalCache = new WeakMap<Distribution, LognormalParams>();
/** The last distribution looked up, and its parameters: most draws repeat the previous one's. */
let lastLognormal: Distribution | undefined;
let lastParams: LognormalParams | undefined;

function lognormalOf(d: Extract<Distribution, { kind: "lognormal" }>): LognormalParams {
  if (d === lastLognormal) return lastParams!;
  let params = lognormalCache.get(d);
  if (params === undefined) {
    params = lognormalParams(d.p50, d.p99);
    lognormalCache.set(d, params);
  }
  lastLognormal = d;
  lastParams = params;
  return params;
}

/** Draws one non-negative whole number of microseconds. */
export function sample(d: Distribution, rng: Rng): Micros {
  let x: number;
  // Uniform first: network latencies, the hottest caller, are usually uniform.
  switch (d.kind) {
    case "uniform":
      x = rng.uniform(d.min, d.max);
      break;
    case "constant":
      x = d.value;
      break;
    case "exponential":
      x = rng.exponential(d.mean);
      break;
    case "normal":
      x = rng.normal(d.mean, d.stddev);
      break;
    case "lognormal":
      x = rng.lognormalOf(lognormalOf(d));
      break;
  }
  return x > 0 ? Math.round(x) : 0;
}

/** The distribution's median, for reports and explanations. */
export function median(d: Distribution): Micros {
  switch (d.kind) {
    case "constant":
      return d.value;
    case "uniform":
      return (d.min + d.max) / 2;
    case "exponential":
      return d.mean * Math.LN2;
    case "normal":
      return d.mean;
    case "lognormal":
      return d.p50;
  }
}

/** Human-readable form, e.g. `uniform(10ms, 15ms)`. */
export function describe(d: Distribution, fmt: (us: Micros) => string): string {
  switch (d.kind) {
    case "constant":
      return fmt(d.value);
    case "uniform":
      return `uniform(${fmt(d.min)}, ${fmt(d.max)})`;
    case "exponential":
      return `exponential(mean ${fmt(d.mean)})`;
    case "normal":
      return `normal(${fmt(d.mean)}, sd ${fmt(d.stddev)})`;
    case "lognormal":
      return `lognormal(p50 ${fmt(d.p50)}, p99 ${fmt(d.p99)})`;
  }
}

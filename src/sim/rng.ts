/**
 * Seeded random streams. One run seed decides everything; each component draws from its own
 * stream derived by name (`streams.stream("net")`, `streams.stream("etcd/member-2")`), so adding
 * a component or a draw in one place does not shift the numbers another component sees.
 * Streams use seedrandom's Alea generator (fast, 2^116 period, identical on every platform).
 */
import seedrandom from "seedrandom";

/** z-score of the 99th percentile of the standard normal distribution. */
const Z99 = 2.3263478740408408;

/** 2^-32: turns a 32-bit carry into a fraction. */
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/** A stream of random numbers with the distributions the models need. */
export class Rng {
  // Alea is a lagged multiply-with-carry generator over three fractions and a carry. seedrandom
  // seeds it (its Mash hash of the seed text); the recurrence itself runs here on plain fields,
  // because every network message draws from a stream and a call through seedrandom's closure
  // costs about as much as the rest of the draw. The sequence is identical to seedrandom's.
  private s0: number;
  private s1: number;
  private s2: number;
  private c: number;

  constructor(seedText: string) {
    const state = seedrandom.alea(seedText, { state: true }).state();
    this.s0 = state.s0;
    this.s1 = state.s1;
    this.s2 = state.s2;
    this.c = state.c;
  }

  private next(): number {
    const t = 2091639 * this.s0 + this.c * TWO_POW_MINUS_32;
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    const x = t - this.c;
    this.s2 = x;
    return x;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max] (both ends included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** Exponential with the given mean (inter-arrival times of a Poisson process). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Normal by the Box–Muller transform (two draws per sample, so the stream stays aligned). */
  normal(mean: number, stddev: number): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return mean + stddev * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * Log-normal fitted so that its median is `p50` and its 99th percentile is `p99` — the two
   * numbers latency reports usually give (for example etcd's wal_fsync p99 guidance).
   */
  lognormal(p50: number, p99: number): number {
    return this.lognormalOf(lognormalParams(p50, p99));
  }

  /**
   * Log-normal with the underlying normal's parameters already derived ({@link lognormalParams}):
   * the same draw as `lognormal(p50, p99)`, for callers that sample one distribution many times.
   */
  lognormalOf(params: LognormalParams): number {
    return Math.exp(this.normal(params.mu, params.sigma));
  }

  /** One element chosen uniformly. Throws on an empty array. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("choice from an empty list");
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }
}

/** Parameters of a log-normal: mean and standard deviation of the underlying normal. */
export interface LognormalParams {
  readonly mu: number;
  readonly sigma: number;
}

/** Parameters (mu, sigma of the underlying normal) of the log-normal with this median and p99. */
export function lognormalParams(p50: number, p99: number): LognormalParams {
  if (!(p50 > 0) || !(p99 >= p50))
    throw new Error(`lognormal needs 0 < p50 <= p99 (got p50=${p50}, p99=${p99})`);
  return { mu: Math.log(p50), sigma: (Math.log(p99) - Math.log(p50)) / Z99 };
}

/** The named streams of one run. */
export class RngStreams {
  private readonly streams = new Map<string, Rng>();

  constructor(readonly seed: number | string) {}

  /** The stream for `name`; the same name always returns the same stream object. */
  stream(name: string): Rng {
    let rng = this.streams.get(name);
    if (!rng) {
      rng = new Rng(`quorate:${this.seed}:${name}`);
      this.streams.set(name, rng);
    }
    return rng;
  }
}

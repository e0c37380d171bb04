/**
 * A set of positive integers kept as sorted disjoint ranges: the workload's write sequence
 * numbers (which writes a store has applied, which writes clients saw acknowledged). Writes are
 * numbered in the order they are issued and mostly complete in that order, so the set is a
 * handful of ranges however many writes there were: adding the next number is O(1), and the
 * difference of two sets costs O(ranges). This keeps the lost-write check cheap in month-long runs.
 */

/** Sorted, disjoint, non-adjacent closed ranges [lo, hi]. */
export class SeqSet {
  private lo: number[] = [];
  private hi: number[] = [];
  private count = 0;

  /** Number of integers in the set. */
  get size(): number {
    return this.count;
  }

  /** Number of ranges (the memory the set uses). */
  get ranges(): number {
    return this.lo.length;
  }

  /** Adds `n` (no-op if present). */
  add(n: number): void {
    const lo = this.lo;
    const hi = this.hi;
    const last = lo.length - 1;
    // Fast path: at or after the last range.
    if (last < 0 || n > hi[last]! + 1) {
      lo.push(n);
      hi.push(n);
      this.count++;
      return;
    }
    if (n === hi[last]! + 1) {
      hi[last] = n;
      this.count++;
      return;
    }
    // General case: find the first range whose hi >= n - 1.
    let a = 0;
    let b = last;
    while (a < b) {
      const m = (a + b) >> 1;
      if (hi[m]! < n - 1) a = m + 1;
      else b = m;
    }
    if (lo[a]! <= n && n <= hi[a]!) return;
    this.count++;
    if (n === hi[a]! + 1) {
      hi[a] = n;
      if (a + 1 < lo.length && lo[a + 1] === n + 1) {
        hi[a] = hi[a + 1]!;
        lo.splice(a + 1, 1);
        hi.splice(a + 1, 1);
      }
      return;
    }
    if (n === lo[a]! - 1) {
      lo[a] = n;
      return;
    }
    lo.splice(a, 0, n);
    hi.splice(a, 0, n);
  }

  /** True when `n` is in the set. */
  has(n: number): boolean {
    const lo = this.lo;
    const hi = this.hi;
    let a = 0;
    let b = lo.length - 1;
    while (a <= b) {
      const m = (a + b) >> 1;
      if (hi[m]! < n) a = m + 1;
      else if (lo[m]! > n) b = m - 1;
      else return true;
    }
    return false;
  }

  /** A copy (snapshots and backups keep their own). */
  clone(): SeqSet {
    const c = new SeqSet();
    c.lo = this.lo.slice();
    c.hi = this.hi.slice();
    c.count = this.count;
    return c;
  }

  /** Visits each range [lo, hi] in order. */
  forEachRange(fn: (lo: number, hi: number) => void): void {
    for (let i = 0; i < this.lo.length; i++) fn(this.lo[i]!, this.hi[i]!);
  }

  /**
   * Ranges of numbers in this set that are missing from `other`, optionally only numbers ≤
   * `upTo`. O(ranges of both).
   */
  missingFrom(other: SeqSet, upTo = Number.POSITIVE_INFINITY): [number, number][] {
    const out: [number, number][] = [];
    let j = 0;
    const olo = other.lo;
    const ohi = other.hi;
    for (let i = 0; i < this.lo.length; i++) {
      let a = this.lo[i]!;
      const b = Math.min(this.hi[i]!, upTo);
      if (a > b) break;
      while (j < olo.length && ohi[j]! < a) j++;
      let k = j;
      while (a <= b) {
        if (k >= olo.length || olo[k]! > b) {
          out.push([a, b]);
          break;
        }
        if (olo[k]! > a) out.push([a, olo[k]! - 1]);
        a = ohi[k]! + 1;
        k++;
      }
    }
    return out;
  }
}

/** Number of integers in a list of closed ranges. */
export function countRanges(ranges: readonly (readonly [number, number])[]): number {
  let n = 0;
  for (const [a, b] of ranges) n += b - a + 1;
  return n;
}

/**
 * Issue 6: every experiment in experiments/ runs in the test suite, and its expectations hold for at
 * least 20 different seeds (robust, not tuned to one seed). The library is split in two halves
 * (all-experiments-a/b.test.ts) so vitest runs them on both cores.
 */
import { readdirSync } from "node:fs";
import { expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { formatInputErrors } from "../../src/scenario/index.js";

export const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

/** The library's files, sorted; `half` 0 or 1 picks every other one. */
export function experimentFiles(half: 0 | 1): string[] {
  return readdirSync("experiments")
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .filter((_, i) => i % 2 === half)
    .map((f) => `experiments/${f}`);
}

/** One test per experiment: every expectation holds and no invariant breaks, for each seed. */
export function holdsForEverySeed(file: string): void {
  it(`${file} holds for seeds 1..${SEEDS.length}`, () => {
    const failures: string[] = [];
    for (const seed of SEEDS) {
      const prepared = prepareRun(file, { seed });
      if (!prepared.ok) throw new Error(formatInputErrors(prepared.errors));
      const result = executeRun(prepared.run);
      for (const e of result.expectations) {
        if (!e.passed)
          failures.push(`seed ${seed}: ${e.that}: expected ${e.expected}; observed ${e.observed}`);
      }
      for (const f of result.findings) failures.push(`seed ${seed}: invariant ${f.invariant}: ${f.message}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);
}

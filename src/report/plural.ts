/** Counts in words: `1 run`, `2 runs`, `0 steps` (English plurals of the nouns reports use). */

/** `n` and the noun, plural unless `n` is 1 (`plural` for nouns not made with -s). */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** The noun alone, for `n` of them: `run` or `runs`. */
export function nounFor(n: number, noun: string, plural = `${noun}s`): string {
  return n === 1 ? noun : plural;
}

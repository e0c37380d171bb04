/**
 * "Did you mean …?" for names a user typed: actions, fields, targets, parameters. Spelling
 * mistakes in hand-written YAML are mostly one swapped, missing, extra or wrong character, which is
 * exactly what the Damerau–Levenshtein distance counts (a transposition costs one edit).
 */

/**
 * The Damerau–Levenshtein distance between two strings: the least number of insertions,
 * deletions, substitutions and transpositions of adjacent characters that turn `a` into `b`.
 * This is the unrestricted form (Lowrance–Wagner), which is a true metric, so it also obeys the
 * triangle inequality. Works on Unicode code points, not UTF-16 units.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const s = Array.from(a);
  const t = Array.from(b);
  const n = s.length;
  const m = t.length;
  if (n === 0) return m;
  if (m === 0) return n;
  const never = n + m;
  const width = m + 2;
  // d[(i + 1) * width + (j + 1)] is the distance between s[0, i) and t[0, j); row and column 0
  // hold the `never` sentinel so a transposition can never reach before the start.
  const d = new Uint32Array((n + 2) * width);
  d[0] = never;
  for (let i = 0; i <= n; i++) {
    d[(i + 1) * width] = never;
    d[(i + 1) * width + 1] = i;
  }
  for (let j = 0; j <= m; j++) {
    d[j + 1] = never;
    d[width + j + 1] = j;
  }
  // Row (1-based) where each character was last seen in `s`.
  const lastRowOf = new Map<string, number>();
  for (let i = 1; i <= n; i++) {
    const si = s[i - 1]!;
    let lastMatchCol = 0;
    for (let j = 1; j <= m; j++) {
      const tj = t[j - 1]!;
      const i1 = lastRowOf.get(tj) ?? 0;
      const j1 = lastMatchCol;
      const cost = si === tj ? 0 : 1;
      if (cost === 0) lastMatchCol = j;
      const substitute = d[i * width + j]! + cost;
      const insert = d[(i + 1) * width + j]! + 1;
      const remove = d[i * width + j + 1]! + 1;
      const transpose = d[i1 * width + j1]! + (i - i1 - 1) + 1 + (j - j1 - 1);
      d[(i + 1) * width + j + 1] = Math.min(substitute, insert, remove, transpose);
    }
    lastRowOf.set(si, i);
  }
  return d[(n + 1) * width + m + 1]!;
}

/**
 * How different a typed name is from a candidate, for ranking: edit distance ignoring case, plus
 * a half for a case difference, so `VM.poweroff` still finds `vm.powerOff` and an exact-case
 * match wins a tie.
 */
function mismatch(input: string, candidate: string): number {
  const folded = editDistance(input.toLowerCase(), candidate.toLowerCase());
  return input === candidate ? 0 : folded + (editDistance(input, candidate) > folded ? 0.5 : 0);
}

/** Largest mismatch still worth suggesting: about one edit per three characters, at least one. */
function tolerance(input: string): number {
  return Math.max(1, Math.floor(Array.from(input).length / 3));
}

/**
 * The candidates closest to `input`, best first (at most `limit`), or none when nothing is close
 * enough to be a plausible typo. A candidate that contains the input as a whole dotted or
 * dashed part (`powerOff` in `vm.powerOff`) also counts as close.
 */
export function closestMatches(input: string, candidates: Iterable<string>, limit = 3): string[] {
  // Ties go to candidates the input is a subsequence of: a dropped letter is the commonest typo,
  // so "vm.powerof" means "vm.powerOff" rather than "vm.powerOn".
  const scored: { name: string; score: number; dropped: number }[] = [];
  const max = tolerance(input);
  const lower = input.toLowerCase();
  const seen = new Set<string>();
  for (const name of candidates) {
    if (seen.has(name)) continue;
    seen.add(name);
    let score = mismatch(input, name);
    if (score > max && lower.length >= 3) {
      const parts = name.toLowerCase().split(/[.\-_/]/);
      if (parts.includes(lower)) score = max;
    }
    if (score <= max) scored.push({ name, score, dropped: isSubsequence(lower, name.toLowerCase()) ? 0 : 1 });
  }
  scored.sort(
    (x, y) => x.score - y.score || x.dropped - y.dropped || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0),
  );
  const best = scored[0];
  // Offer only the equally best ones: "cp-0, cp-1 or cp-2" for "cp-3", but not a worse runner-up.
  return scored
    .filter((c) => c.score === best?.score && c.dropped === best.dropped)
    .slice(0, limit)
    .map((c) => c.name);
}

/** True when every character of `small` appears in `big` in order. */
function isSubsequence(small: string, big: string): boolean {
  let i = 0;
  for (let j = 0; j < big.length && i < small.length; j++) if (small[i] === big[j]) i++;
  return i === small.length;
}

/** `did you mean "x"?` (or `"x" or "y"`), or undefined when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const best = closestMatches(input, candidates);
  if (best.length === 0) return undefined;
  return `did you mean ${orList(best.map((c) => JSON.stringify(c)))}?`;
}

/** `a`, `a or b`, `a, b or c` (or with another joining word: `a, b and c`). */
export function orList(items: readonly string[], word = "or"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${word} ${items[items.length - 1]}`;
}

/**
 * A list for an "expected one of …" message, cut after `max` items so a long list of names stays
 * one line: `a, b, c, … (40 in all)`.
 */
export function listForMessage(items: readonly string[], max = 16): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")}, … (${items.length} in all)`;
}

/**
 * Simulated time. Every instant and every duration inside quorate is an integer number of
 * microseconds held in a JS number (exact up to 2^53 µs ≈ 285 years), so arithmetic never rounds
 * and equal times compare equal.
 */

/** An instant or a duration in integer microseconds. */
export type Micros = number;

export const MICROSECOND: Micros = 1;
export const MILLISECOND: Micros = 1_000;
export const SECOND: Micros = 1_000_000;
export const MINUTE: Micros = 60 * SECOND;
export const HOUR: Micros = 60 * MINUTE;
export const DAY: Micros = 24 * HOUR;

/** Microseconds per unit; `µs` (micro sign) and `μs` (Greek mu) are accepted like Go's time.ParseDuration. */
const UNIT_MICROS: ReadonlyMap<string, bigint> = new Map([
  ["us", 1n],
  ["\u00b5s", 1n],
  ["\u03bcs", 1n],
  ["ms", 1_000n],
  ["s", 1_000_000n],
  ["m", 60_000_000n],
  ["h", 3_600_000_000n],
  ["d", 86_400_000_000n],
]);

/** Words people write instead of a unit, and the unit they mean (for the hint). */
const UNIT_WORDS: ReadonlyMap<string, string> = new Map([
  ["microsecond", "us"],
  ["microseconds", "us"],
  ["usec", "us"],
  ["usecs", "us"],
  ["millisecond", "ms"],
  ["milliseconds", "ms"],
  ["msec", "ms"],
  ["msecs", "ms"],
  ["sec", "s"],
  ["secs", "s"],
  ["second", "s"],
  ["seconds", "s"],
  ["min", "m"],
  ["mins", "m"],
  ["minute", "m"],
  ["minutes", "m"],
  ["hr", "h"],
  ["hrs", "h"],
  ["hour", "h"],
  ["hours", "h"],
  ["day", "d"],
  ["days", "d"],
]);

/** A duration string that could not be read; `hint` says how to write it instead. */
export class DurationError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "DurationError";
  }
}

const UNITS_TEXT = "units: us, ms, s, m, h, d";
const DURATION_FORMAT_HINT = `write a duration like 150ms, 2.5s, 5m or 1h30m (${UNITS_TEXT})`;
/** One number and the letters after it; the letters must then be a unit. */
const PART = /(\d+)(?:\.(\d+))?([A-Za-z\u00b5\u03bc]+)/y;
const NUMBER_THEN_WORD = /^(\d+(?:\.\d+)?)(\s*)([^\d\s.]*)/;
const MAX_MICROS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Parses a Go-style duration (`150ms`, `2.5s`, `5m`, `1h30m`, `0`) into microseconds.
 * Negative durations are refused: simulated time never runs backwards. Fractions are allowed as
 * long as the result is a whole number of microseconds; the arithmetic is exact (BigInt), so any
 * duration up to 2^53 - 1 µs that is written out in full is read back exactly.
 */
export function parseDuration(text: string): Micros {
  const s = text.trim();
  if (s === "") throw new DurationError("empty duration", DURATION_FORMAT_HINT);
  if (s.startsWith("-")) {
    throw new DurationError(`negative duration "${text}"`, "durations and times must be zero or positive");
  }
  if (s === "0") return 0;
  let total = 0n;
  let pos = 0;
  const units: bigint[] = [];
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    const unit = m ? UNIT_MICROS.get(m[3]!) : undefined;
    if (!m || unit === undefined) throw unreadable(text, s, pos);
    if (units.includes(unit)) {
      throw new DurationError(`bad duration "${text}": unit "${m[3]}" appears twice`, DURATION_FORMAT_HINT);
    }
    units.push(unit);
    total += BigInt(m[1]!) * unit;
    const fraction = m[2];
    if (fraction !== undefined) {
      const scaled = BigInt(fraction) * unit;
      const divisor = 10n ** BigInt(fraction.length);
      if (scaled % divisor !== 0n) {
        throw new DurationError(
          `bad duration "${text}": finer than one microsecond`,
          "simulated time moves in whole microseconds; round to 1us or coarser",
        );
      }
      total += scaled / divisor;
    }
    pos = PART.lastIndex;
  }
  if (total > MAX_MICROS) {
    throw new DurationError(`bad duration "${text}": too large`, "keep durations below 100 years");
  }
  return Number(total);
}

/** The error for input that stops matching at `pos`, with the most specific reason and hint we can give. */
function unreadable(text: string, s: string, pos: number): DurationError {
  const rest = s.slice(pos);
  if (/^\s/.test(rest)) {
    return new DurationError(
      `bad duration "${text}": spaces are not allowed inside a duration`,
      DURATION_FORMAT_HINT,
    );
  }
  const m = NUMBER_THEN_WORD.exec(rest);
  if (!m) return new DurationError(`bad duration "${text}": unexpected "${rest}"`, DURATION_FORMAT_HINT);
  const [, number, space, word] = m as unknown as [string, string, string, string];
  if (word === "") {
    const reason = space === "" ? "a number needs a unit" : "spaces are not allowed inside a duration";
    return new DurationError(
      `bad duration "${text}": ${reason}`,
      `add a unit, e.g. ${number}s (${UNITS_TEXT})`,
    );
  }
  if (UNIT_MICROS.has(word)) {
    return new DurationError(
      `bad duration "${text}": spaces are not allowed inside a duration`,
      `write ${number}${word} (${UNITS_TEXT})`,
    );
  }
  const meant = UNIT_WORDS.get(word.toLowerCase());
  if (meant !== undefined) {
    return new DurationError(
      `bad duration "${text}": "${word}" is not a unit`,
      `write ${number}${meant} (${UNITS_TEXT})`,
    );
  }
  const lower = word.toLowerCase();
  const hint = UNIT_MICROS.has(lower)
    ? `units are lower case: ${number}${lower} (${UNITS_TEXT})`
    : DURATION_FORMAT_HINT;
  return new DurationError(`bad duration "${text}": unknown unit "${word}"`, hint);
}

/**
 * Formats microseconds the way Go's time.Duration.String prints durations (and kubectl shows
 * them): `0s`, `999µs`, `150ms`, `2.5s`, `5m0s`, `1h30m0s`, `22m13.25s`. Nothing is rounded away,
 * so `parseDuration(formatDuration(x)) === x` for every whole, non-negative x. A fractional input
 * (a distribution's median, say) is first rounded to the nearest microsecond.
 */
export function formatDuration(us: Micros): string {
  if (!Number.isFinite(us)) return String(us);
  const whole = Math.round(Math.abs(us));
  if (whole === 0) return "0s";
  const sign = us < 0 ? "-" : "";
  if (whole < MILLISECOND) return `${sign}${whole}\u00b5s`;
  if (whole < SECOND) return `${sign}${decimal(whole, MILLISECOND)}ms`;
  if (whole < MINUTE) return `${sign}${decimal(whole, SECOND)}s`;
  const h = Math.floor(whole / HOUR);
  const m = Math.floor((whole % HOUR) / MINUTE);
  const secText = `${decimal(whole % MINUTE, SECOND)}s`;
  return h > 0 ? `${sign}${h}h${m}m${secText}` : `${sign}${m}m${secText}`;
}

/**
 * Formats an instant of the run as a fixed-width clock `mm:ss.mmm` (or `h:mm:ss.mmm` past an hour),
 * for timelines that line up.
 */
export function formatClock(us: Micros): string {
  const totalMs = Math.floor(us / MILLISECOND);
  const ms = totalMs % 1000;
  const totalS = Math.floor(totalMs / 1000);
  const s = totalS % 60;
  const totalM = Math.floor(totalS / 60);
  const m = totalM % 60;
  const h = Math.floor(totalM / 60);
  const core = `${pad2(m)}:${pad2(s)}.${String(ms).padStart(3, "0")}`;
  return h > 0 ? `${h}:${core}` : core;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `value / unit` written out exactly, without trailing zeros (`1500, 1000` -> `1.5`). */
function decimal(value: number, unit: number): string {
  const intPart = Math.floor(value / unit);
  const frac = value % unit;
  if (frac === 0) return String(intPart);
  const digits = String(unit).length - 1;
  return `${intPart}.${String(frac).padStart(digits, "0").replace(/0+$/, "")}`;
}

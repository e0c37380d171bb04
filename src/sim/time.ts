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

const UNIT_MICROS: Readonly<Record<string, Micros>> = {
  us: MICROSECOND,
  µs: MICROSECOND,
  ms: MILLISECOND,
  s: SECOND,
  m: MINUTE,
  h: HOUR,
  d: DAY,
};

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

const DURATION_FORMAT_HINT = "write a duration like 150ms, 2.5s, 5m or 1h30m (units: us, ms, s, m, h, d)";
const PART = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h|d)/y;

/**
 * Parses a Go-style duration (`150ms`, `2.5s`, `5m`, `1h30m`, `0`) into microseconds.
 * Negative durations are refused: simulated time never runs backwards. Fractions are allowed as
 * long as the result is a whole number of microseconds.
 */
export function parseDuration(text: string): Micros {
  const s = text.trim();
  if (s === "") throw new DurationError("empty duration", DURATION_FORMAT_HINT);
  if (s.startsWith("-")) {
    throw new DurationError(`negative duration "${text}"`, "durations and times must be zero or positive");
  }
  if (s === "0") return 0;
  let total = 0;
  let pos = 0;
  const units: string[] = [];
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) {
      const rest = s.slice(pos);
      const reason = /^\s/.test(rest)
        ? "spaces are not allowed inside a duration"
        : /^\d+(\.\d+)?$/.test(rest)
          ? "a number needs a unit"
          : `unexpected "${rest}"`;
      throw new DurationError(`bad duration "${text}": ${reason}`, DURATION_FORMAT_HINT);
    }
    const unit = m[2]!;
    if (units.includes(unit)) {
      throw new DurationError(`bad duration "${text}": unit "${unit}" appears twice`, DURATION_FORMAT_HINT);
    }
    units.push(unit);
    total += Number(m[1]) * UNIT_MICROS[unit]!;
    pos = PART.lastIndex;
  }
  const rounded = Math.round(total);
  if (Math.abs(rounded - total) > 1e-6) {
    throw new DurationError(`bad duration "${text}": finer than one microsecond`, DURATION_FORMAT_HINT);
  }
  if (!Number.isSafeInteger(rounded)) {
    throw new DurationError(`bad duration "${text}": too large`, "keep durations below 100 years");
  }
  return rounded;
}

/**
 * Formats microseconds the way Go and kubectl print durations: `0s`, `150ms`, `2.5s`, `5m0s`,
 * `1h30m0s`, `22m13s`. Sub-second parts are kept only below one minute.
 */
export function formatDuration(us: Micros): string {
  if (us < 0) return "-" + formatDuration(-us);
  if (us === 0) return "0s";
  if (us < MILLISECOND) return `${us}µs`;
  if (us < SECOND) return `${trimFraction(us / MILLISECOND)}ms`;
  if (us < MINUTE) return `${trimFraction(us / SECOND)}s`;
  const h = Math.floor(us / HOUR);
  const m = Math.floor((us % HOUR) / MINUTE);
  const sec = (us % MINUTE) / SECOND;
  const secText = `${trimFraction(Math.floor(sec * 1000) / 1000)}s`;
  return h > 0 ? `${h}h${m}m${secText}` : `${m}m${secText}`;
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

function trimFraction(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(3)));
}

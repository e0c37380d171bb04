/**
 * Explanations for durations that do not parse, with a repaired spelling when one is obvious:
 * `5 minutes` → `5m`, `1:30` → `1m30s`, `30` → `30s`. Durations follow Go's `time.ParseDuration`
 * spelling (the one Kubernetes and etcd flags use), parsed by `parseDuration` in src/sim/time.ts.
 */
import { DurationError, parseDuration } from "../sim/time.js";

/** What is wrong with a duration text and how to write it instead. */
export interface DurationProblem {
  /** `bad duration "5 minutes": spaces are not allowed inside a duration` */
  readonly message: string;
  /** `write "5m"`, or advice; absent when there is nothing to add to "expected a duration like …". */
  readonly hint?: string;
}

const UNIT_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(microseconds?|micros|usecs?|us|µs)$/, "us"],
  [/^(milliseconds?|millis|msecs?|ms)$/, "ms"],
  [/^(seconds?|secs?|s)$/, "s"],
  [/^(minutes?|mins?|m)$/, "m"],
  [/^(hours?|hrs?|h)$/, "h"],
  [/^(days?|d)$/, "d"],
];

/**
 * Explains why `text` is not a valid duration. Also correct for text that `parseDuration`
 * accepts but the file format does not (surrounding spaces): the hint then gives the clean form.
 */
export function explainBadDuration(text: string): DurationProblem {
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  let message = `bad duration ${shown}`;
  let hint: string | undefined = "the units are us, ms, s, m, h and d, with no spaces";
  try {
    parseDuration(text);
  } catch (e) {
    if (e instanceof DurationError) {
      message = e.message;
      // parseDuration's format advice repeats "expected a duration like …"; keep only specific hints.
      if (!/^write a duration like/.test(e.hint)) hint = e.hint;
      else if (/appears twice/.test(e.message)) hint = "write each unit once, largest first, e.g. 1h30m";
    }
  }
  if (text.trim().startsWith("-")) {
    return {
      message,
      hint: "times count from the start of the run (or from the previous step) and cannot be negative",
    };
  }
  const repaired = repairDuration(text);
  if (repaired !== undefined && repaired !== text)
    return { message, hint: `write ${JSON.stringify(repaired)}` };
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) {
    const n = text.trim();
    return {
      message,
      hint: `a number needs a unit: "${n}s" for seconds, "${n}m" for minutes, "${n}ms" for milliseconds`,
    };
  }
  return { message, hint };
}

/** The obvious valid spelling of a near-miss duration, or undefined. */
export function repairDuration(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(t);
  let candidate: string | undefined;
  if (clock) {
    const [, h, m, s] = clock;
    // "1:30" is read as minutes:seconds, "1:02:03" as hours:minutes:seconds.
    candidate = `${h !== undefined ? `${Number(h)}h` : ""}${Number(m)}m${Number(s)}s`;
  } else {
    const words = t
      .replace(/,|\band\b/g, " ")
      .split(/(?<=\d)(?=[a-zµ])|(?<=[a-zµ])(?=\d)|\s+/)
      .filter((w) => w !== "");
    const parts: string[] = [];
    for (let i = 0; i < words.length; i += 2) {
      const num = words[i];
      const unit = words[i + 1];
      if (num === undefined || unit === undefined || !/^\d+(\.\d+)?$/.test(num)) return undefined;
      const canonical = UNIT_WORDS.find(([re]) => re.test(unit))?.[1];
      if (canonical === undefined) return undefined;
      parts.push(num + canonical);
    }
    candidate = parts.join("");
  }
  if (candidate === "") return undefined;
  try {
    parseDuration(candidate);
    return candidate;
  } catch {
    return undefined;
  }
}

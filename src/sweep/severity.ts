/**
 * How bad a failed expectation was, read from its observed text (src/observe/expectations.ts
 * words it): `never` and `run ended …` are worst; `broken at A (until B)` counts the length of the
 * violation; `at T` / `already since T` count T (later recovery is worse). The sweep summary uses
 * it only to pick the worst failing seed to show.
 */
import { parseDuration } from "../sim/time.js";

/** A larger number is a worse failure; Infinity for "never happened". */
export function severityOf(observed: string): number {
  const text = observed.trim();
  if (text === "never" || text.startsWith("run ended")) return Number.POSITIVE_INFINITY;
  const broken = /^broken at (\S+)(?: \(until (\S+)\))?$/.exec(text);
  if (broken) {
    if (broken[2] === undefined) return Number.POSITIVE_INFINITY;
    return duration(broken[2]) - duration(broken[1]!);
  }
  const at = /^(?:at|already since) (\S+)$/.exec(text);
  if (at) return duration(at[1]!);
  return 0;
}

function duration(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    return 0;
  }
}

/**
 * The instant an "eventually" expectation observed (`at T`, `already since T`), for the
 * distribution of when a condition was reached; null when it never was; undefined when the
 * verdict is not about an instant (`held`, `broken at …`, `yes`).
 */
export function observedInstant(observed: string): number | null | undefined {
  const text = observed.trim();
  if (text === "never") return null;
  const at = /^(?:at|already since) (\S+)$/.exec(text);
  return at ? duration(at[1]!) : undefined;
}

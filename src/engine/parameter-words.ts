/**
 * What an override of a parameter must look like, in words, for the "expected …" part of a
 * located error (`spec.set` in a file, `--set` on the command line).
 */
import { closestMatches } from "../util/suggest.js";
import { findParameter, PARAMETERS } from "../world/parameters.js";

/** `a duration like 150ms, 10s or 5m`, `a whole number from 1 to 9`, `a known parameter …`. */
export function expectedParameterValue(key: string): string {
  const spec = findParameter(key);
  if (spec === undefined) return "a parameter the model knows (`quorate explain model NAME` lists them)";
  const t = spec.type;
  const range = (min?: number, max?: number) =>
    min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : min !== undefined
        ? ` of at least ${min}`
        : max !== undefined
          ? ` of at most ${max}`
          : "";
  switch (t.kind) {
    case "duration":
      return `${key} takes a duration like 150ms, 10s or 5m`;
    case "distribution":
      return `${key} takes a duration (2ms) or a distribution such as {uniform: [1ms, 3ms]}`;
    case "integer":
      return `${key} takes a whole number${range(t.min, t.max)}`;
    case "number":
      return `${key} takes a number${range(t.min, t.max)}`;
    case "boolean":
      return `${key} takes true or false`;
    case "bytes":
      return `${key} takes a size such as 125MB, 512MiB or a number of bytes`;
    case "enum":
      return `${key} takes one of ${t.values.join(", ")}`;
  }
}

/** A refused override, worded once for a located error: what was found, what fits, a hint. */
export interface OverrideWords {
  readonly message: string;
  readonly expected?: string;
  readonly hint?: string;
}

/**
 * Words a refused override (`spec.set` in a file, `--set` on the command line) as one located
 * error. The path in front of the message already names the parameter, so the message does not
 * repeat it, and "expected …" is said once: `bad value 2; expected a duration such as 150ms, 10s
 * or 5m`, not the parameter's name, then the value, then a second "expected".
 */
export function overrideWords(problem: { key: string; message: string; hint: string }): OverrideWords {
  const spec = findParameter(problem.key);
  if (spec === undefined) {
    return { message: problem.message, expected: expectedParameterValue(problem.key), hint: problem.hint };
  }
  const own = problem.message.startsWith(`${problem.key}: `)
    ? problem.message.slice(problem.key.length + 2)
    : problem.message;
  const found = /^expected (.*), got (.*)$/s.exec(own);
  if (found !== null)
    return { message: `bad value ${found[2]}`, expected: found[1] ?? "", hint: problem.hint };
  // Another kind of problem (a bad duration, distribution or size): it says what is wrong; the
  // expected form comes from the parameter's type, and a hint that only repeats it is dropped.
  const expected = expectedParameterValue(problem.key).replace(`${problem.key} takes `, "");
  const repeats = /^write an? (duration|size|distribution)/.test(problem.hint);
  return { message: own, expected, ...(repeats ? {} : { hint: problem.hint }) };
}

/**
 * Whether a refused override could change which names the world has (VMs, roles, signals,
 * actions), so that checking the experiment's steps and expectations against the model without
 * it could report problems that are not there. Timings, latencies, sizes and rates (duration,
 * distribution, size and number parameters) never do; counts, switches and choices (topology
 * sizes, `kube.endpoint`, `capi.placement`, …) may. An unknown name counts as the parameter it is
 * closest to, and as one that may when nothing is close.
 */
export function overrideMayShapeWorld(key: string): boolean {
  const spec = findParameter(key) ?? findParameter(closestMatches(key, PARAMETER_KEYS, 1)[0] ?? "");
  if (spec === undefined) return true;
  const kind = spec.type.kind;
  return !(kind === "duration" || kind === "distribution" || kind === "bytes" || kind === "number");
}

const PARAMETER_KEYS: readonly string[] = PARAMETERS.map((p) => p.key);

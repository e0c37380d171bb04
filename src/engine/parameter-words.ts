/**
 * What an override of a parameter must look like, in words, for the "expected …" part of a
 * located error (`spec.set` in a file, `--set` on the command line).
 */
import { findParameter } from "../world/parameters.js";

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

/**
 * Parameter combinations: each `--vary key=v1,v2,...` is one axis, and a sweep runs every seed for
 * every combination of one value per axis (the cartesian product, first axis slowest), in the
 * order the axes and values were written. Values are written as for `--set`; a value that is a
 * YAML flow collection may contain commas (`--vary 'network.latency={uniform: [1ms, 3ms]},2ms'`),
 * so values are split only at commas outside brackets and braces.
 */
import { parse } from "yaml";
import { SweepInputError } from "./input-error.js";

/** One `--vary` flag: a parameter key and the values to try, as written. */
export interface VaryAxis {
  readonly key: string;
  readonly values: readonly string[];
}

/** One `key=value` override, kept as written (for labels and re-run commands) and as a value. */
export interface SettingText {
  readonly key: string;
  /** The value as the user wrote it. */
  readonly text: string;
}

/** One combination of values, one per axis. */
export interface Combination {
  /** Position in the sweep's list of combinations (0-based). */
  readonly index: number;
  /** `lb.inter=5s, lb.rise=3`, or `defaults` when nothing is varied. */
  readonly label: string;
  readonly settings: readonly SettingText[];
}

/** A sweep never plans more combinations than this. */
export const MAX_COMBINATIONS = 10_000;

/** Parses the `--vary` flags. Keys may not repeat; every axis needs at least one value. */
export function parseVary(flags: readonly string[]): VaryAxis[] {
  const axes: VaryAxis[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0) {
      throw new SweepInputError(
        `--vary ${JSON.stringify(flag)}: expected key=value1,value2,..., e.g. --vary lb.inter=5s,10s`,
      );
    }
    const key = flag.slice(0, eq).trim();
    if (axes.some((a) => a.key === key))
      throw new SweepInputError(`--vary ${key}: given twice; list all its values in one --vary`);
    const values = splitTopLevel(flag.slice(eq + 1));
    if (values.some((v) => v === "")) {
      throw new SweepInputError(
        `--vary ${key}: empty value in ${JSON.stringify(flag.slice(eq + 1))}; expected values separated by commas`,
      );
    }
    if (new Set(values).size !== values.length)
      throw new SweepInputError(`--vary ${key}: a value is listed twice`);
    axes.push({ key, values });
  }
  return axes;
}

/** Every combination of one value per axis; a single empty combination when there are no axes. */
export function combinations(axes: readonly VaryAxis[]): Combination[] {
  let count = 1;
  for (const a of axes) count *= a.values.length;
  if (count > MAX_COMBINATIONS)
    throw new SweepInputError(`--vary: ${count} combinations; at most ${MAX_COMBINATIONS} are allowed`);
  const out: Combination[] = [];
  for (let index = 0; index < count; index++) {
    const settings: SettingText[] = [];
    let rest = index;
    for (let i = axes.length - 1; i >= 0; i--) {
      const axis = axes[i]!;
      settings.unshift({ key: axis.key, text: axis.values[rest % axis.values.length]! });
      rest = Math.floor(rest / axis.values.length);
    }
    out.push({ index, label: labelOf(settings), settings });
  }
  return out;
}

/** `lb.inter=5s, lb.rise=3`, or `defaults`. */
export function labelOf(settings: readonly SettingText[]): string {
  return settings.length === 0 ? "defaults" : settings.map((s) => `${s.key}=${s.text}`).join(", ");
}

/**
 * The value a setting stands for, read the way `--set` reads it: a YAML flow map or list
 * (`{uniform: [1ms, 3ms]}`) becomes that structure, anything else stays text for the parameter
 * registry to convert (durations, numbers, booleans).
 */
export function settingValue(s: SettingText): unknown {
  const t = s.text.trim();
  if (!t.startsWith("{") && !t.startsWith("[")) return t;
  try {
    return parse(t);
  } catch {
    throw new SweepInputError(`${s.key}: cannot read ${JSON.stringify(t)} as a value`);
  }
}

/** Splits at commas that are not inside brackets, braces or quotes; trims each part. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth = Math.max(0, depth - 1);
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** Parses one `--set key=value` into a setting. */
export function parseSetting(text: string): SettingText {
  const eq = text.indexOf("=");
  if (eq <= 0) {
    throw new SweepInputError(
      `--set ${JSON.stringify(text)}: expected key=value, e.g. --set lb.inter=2s (\`quorate explain model\` lists the keys)`,
    );
  }
  return { key: text.slice(0, eq).trim(), text: text.slice(eq + 1).trim() };
}

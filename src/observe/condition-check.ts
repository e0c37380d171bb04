/**
 * Checks a condition before the run, beyond "does the name exist": that its comparison fits the
 * kind of value (`vm[cp-0].running == yes` compares true/false with a word, so it is never true;
 * `writes.unavailable < 20` lacks a unit), that a metric is only used where a whole-run number
 * makes sense, and — for conditions a runbook waits on (`waitFor`, `when`, `repeat.until`) —
 * that the value it waits for is one the signal can take at all (`lb.backendsUp > 3` with three
 * backends can never hold, and a wait on it would only end at its timeout or the end of the run).
 */

import { didYouMean } from "../util/suggest.js";
import type { SignalType, World } from "../world/world.js";
import { type BoundExpression, bindExpression, isBindProblem } from "./bind.js";
import type { Condition } from "./condition.js";
import type { SignalValue } from "./series.js";
import type { ConditionProblem } from "./signals.js";

/** Where a condition is used: an expectation, or something the runbook waits for. */
export type ConditionUse = "expect" | "wait";

/** What a condition names, for how an expectation on it is timed. */
export type ConditionKind = BoundExpression["kind"];

/** Null when the condition is fine for this use; otherwise what is wrong, with a hint. */
export function checkConditionText(
  text: string,
  world: World,
  use: ConditionUse,
  is?: SignalValue,
): ConditionProblem | null {
  const b = bindExpression(text, world);
  if (isBindProblem(b)) return b;
  const c = b.bound.condition;
  if (b.kind === "metric") {
    const m = b.bound.metric;
    if (use === "wait") {
      const live = /\.unavailable$/.test(m.name) ? m.name.replace(/\.unavailable$/, ".available") : undefined;
      return {
        error: `${m.name} is a metric of the whole run, known only when the run ends`,
        expected: "a signal or events(kind), whose value changes during the run",
        hint:
          live !== undefined
            ? `wait for the signal instead, e.g. "${live} == false"`
            : "wait for a signal instead",
      };
    }
    return metricValueProblem(c, m.name, m.unit, is);
  }
  const spec = b.bound.spec;
  if (c.op === undefined && is === undefined && spec.type !== "boolean") {
    return {
      error: `"${c.signal}" is a ${spec.type}, not true or false`,
      hint: `compare it ("${c.text.trim()} == ${spec.type === "number" ? "3" : "value"}")${use === "expect" ? " or give is:" : ""}`,
    };
  }
  const shape = comparisonProblem(c, spec.type, b.kind === "count", is);
  if (shape !== null) return use === "wait" ? forWait(shape) : shape;
  if (use === "wait") {
    const never = neverHolds(c, spec.type, spec.values?.(world), spec.range?.(world));
    if (never !== null) return forWait(never);
  }
  return null;
}

/** What a condition text names in this world (undefined when it names nothing known). */
export function conditionKind(text: string, world: World): ConditionKind | undefined {
  const b = bindExpression(text, world);
  return isBindProblem(b) ? undefined : b.kind;
}

function forWait(p: ConditionProblem): ConditionProblem {
  return {
    error: `${p.error}; the runbook would wait for something that never happens`,
    expected: p.expected ?? "a condition that can become true",
    ...(p.hint !== undefined ? { hint: p.hint } : {}),
  };
}

const WORDS: Readonly<Record<SignalType, string>> = {
  boolean: "true or false",
  number: "a number",
  string: "a word",
};

function typeOf(v: SignalValue): SignalType {
  return typeof v === "boolean" ? "boolean" : typeof v === "number" ? "number" : "string";
}

/** A comparison whose value cannot be of the signal's kind. */
function comparisonProblem(
  c: Condition,
  type: SignalType,
  isCount: boolean,
  is: SignalValue | undefined,
): ConditionProblem | null {
  const name = c.subject !== undefined ? c.signal.replace("[]", `[${c.subject}]`) : c.signal;
  if (c.op === undefined) {
    if (is === undefined || typeOf(is) === type) return null;
    return {
      error: `${name} is ${WORDS[type]}, so it is never ${JSON.stringify(is)}`,
      expected: `is: ${type === "boolean" ? "true or false" : WORDS[type]}`,
    };
  }
  const v = c.value!;
  const text = c.text.trim();
  if (typeOf(v) !== type) {
    return {
      error: `${name} is ${isCount ? "a count" : WORDS[type]}, so "${text}" is never true`,
      expected: `a comparison with ${WORDS[type]}`,
      hint:
        type === "boolean"
          ? `write "${name}" for true, or "${name} == false"`
          : `compare with ${type === "number" ? "a number" : "one of its values"}`,
    };
  }
  if ((type === "boolean" || type === "string") && c.op !== "==" && c.op !== "!=") {
    return {
      error: `${name} is ${WORDS[type]}, which has no order, so "${text}" cannot be decided`,
      expected: "== or !=",
    };
  }
  if (isCount && c.valueIsDuration) {
    return {
      error: `${name} counts records, but "${text}" compares it with a duration`,
      expected: "a whole number",
      hint: `e.g. "${c.signal} >= 2"`,
    };
  }
  return null;
}

/** A comparison no value of the signal satisfies (from its declared values or range). */
function neverHolds(
  c: Condition,
  type: SignalType,
  values: readonly SignalValue[] | undefined,
  range: { readonly min?: number; readonly max?: number } | undefined,
): ConditionProblem | null {
  if (c.op === undefined) return null;
  const name = c.subject !== undefined ? c.signal.replace("[]", `[${c.subject}]`) : c.signal;
  const text = c.text.trim();
  const v = c.value!;
  if (values !== undefined && values.length > 0 && !values.some((x) => holds(c, x))) {
    const words = values.map((x) => String(x));
    return {
      error: `${name} is never ${c.op === "==" ? String(v) : `${c.op} ${String(v)}`} (it is one of ${words.join(", ")}), so "${text}" is never true`,
      expected: `one of ${words.join(", ")}`,
      ...(typeof v === "string" ? { hint: didYouMean(v, words) ?? `e.g. "${name} == ${words[0]}"` } : {}),
    };
  }
  if (type === "number" && typeof v === "number" && range !== undefined) {
    const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = range;
    const possible =
      c.op === "=="
        ? v >= min && v <= max
        : c.op === "!="
          ? !(min === max && v === min)
          : c.op === "<"
            ? min < v
            : c.op === "<="
              ? min <= v
              : c.op === ">"
                ? max > v
                : max >= v;
    if (!possible) {
      const bounds = [
        Number.isFinite(min) ? `at least ${min}` : "",
        Number.isFinite(max) ? `at most ${max}` : "",
      ]
        .filter((x) => x !== "")
        .join(" and ");
      return {
        error: `${name} is ${bounds} in this model, so "${text}" is never true`,
        expected: `a value from ${Number.isFinite(min) ? min : "-∞"} to ${Number.isFinite(max) ? max : "∞"}`,
        hint:
          Number.isFinite(max) && (c.op === ">" || c.op === ">=" || c.op === "==")
            ? `e.g. "${name} == ${max}"`
            : undefined,
      };
    }
  }
  return null;
}

function holds(c: Condition, x: SignalValue): boolean {
  const v = c.value!;
  switch (c.op) {
    case "==":
      return x === v;
    case "!=":
      return x !== v;
    case "<":
      return x < v;
    case "<=":
      return x <= v;
    case ">":
      return x > v;
    case ">=":
      return x >= v;
    default:
      return true;
  }
}

/** A comparison on a metric: needs one, with a value of the metric's unit. */
function metricValueProblem(
  c: Condition,
  name: string,
  unit: "duration" | "count" | "number",
  is: SignalValue | undefined,
): ConditionProblem | null {
  if (c.op === undefined) {
    if (is === undefined) {
      return {
        error: `${name} is a ${unit === "duration" ? "duration" : "number"}, not true or false`,
        hint: `compare it: "${name} ${unit === "duration" ? "< 20s" : "== 0"}"`,
      };
    }
    if (typeof is !== "number") {
      return { error: `${name} is a number, so it is never ${JSON.stringify(is)}`, expected: "is: a number" };
    }
    if (unit === "duration" && is !== 0) {
      return {
        error: `${name} is a duration, but "is: ${is}" has no unit`,
        expected: "a comparison with a duration",
        hint: `write "that: ${name} == ${is}s" (or ms, m)`,
      };
    }
    return null;
  }
  const v = c.value!;
  const text = c.text.trim();
  if (typeof v !== "number") {
    return {
      error: `${name} is a ${unit === "duration" ? "duration" : "number"}, so "${text}" is never true`,
      expected: unit === "duration" ? "a comparison with a duration like 20s" : "a comparison with a number",
    };
  }
  if (unit === "duration" && !c.valueIsDuration && v !== 0) {
    return {
      error: `${name} is a duration, but ${v} in "${text}" has no unit`,
      expected: "a duration like 150ms, 20s or 5m",
      hint: `write "${name} ${c.op} ${v}s" for seconds`,
    };
  }
  if (unit !== "duration" && c.valueIsDuration) {
    return {
      error: `${name} is a ${unit}, but "${text}" compares it with a duration`,
      expected: "a comparison with a number",
      hint: `e.g. "${name} ${c.op} 0"`,
    };
  }
  return null;
}

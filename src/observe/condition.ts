/**
 * The small condition language shared by `expect`, `waitFor` and `when`:
 *
 *     signal                       writes.available, etcd.quorum, recovery.complete
 *     signal[subject].field        vm[cp-0].power, lb.backend[cp-1].up, node[worker-0].ready
 *     <signal> <op> <value>        lb.backendsUp >= 2, vm[cp-0].power == poweredOff
 *     events(kind) <op> <value>    events(vm.power) >= 2: how many trace records of a kind so far
 *     events(kind[subject]) …      events(vm.power[cp-0]) == 2: only those about one subject
 *     <metric> <op> <value>        lostWrites == 0, writes.unavailable < 20s (whole-run numbers)
 *
 * A value is a number, a duration (`20s`, compared in microseconds), `true`/`false`, or a bare word.
 * Whether a name is a signal or a metric is the world's business (src/observe/bind.ts); the text
 * reads the same.
 */
import { DurationError, parseDuration } from "../sim/time.js";
import type { SignalValue } from "./series.js";

export type Comparison = "==" | "!=" | "<" | "<=" | ">" | ">=";

export interface Condition {
  /** The signal's name with the subject replaced by `[]`, e.g. `vm[].power`. */
  readonly signal: string;
  /** The subject inside brackets, if any (`cp-0`). */
  readonly subject?: string;
  readonly op?: Comparison;
  readonly value?: SignalValue;
  /** Whether `value` was written as a duration (reported back in the same unit). */
  readonly valueIsDuration: boolean;
  /** For `events(kind)`: the trace record kind counted (`signal` is then `events(kind)`). */
  readonly events?: string;
  readonly text: string;
}

export class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const CONDITION =
  /^\s*([A-Za-z][\w]*(?:\[[^\]\s]+\])?(?:\.[A-Za-z][\w]*(?:\[[^\]\s]+\])?)*)\s*(?:(==|!=|<=|>=|<|>)\s*(\S+))?\s*$/;

const EVENTS =
  /^\s*events\(\s*([A-Za-z][\w]*(?:\.[A-Za-z][\w]*)*)(?:\[([^\]\s]+)\])?\s*\)\s*(?:(==|!=|<=|>=|<|>)\s*(\S+))?\s*$/;

/** Parses a condition; throws ConditionSyntaxError with a hint. */
export function parseCondition(text: string): Condition {
  if (/^\s*events\s*\(/.test(text)) return parseEvents(text);
  const m = CONDITION.exec(text);
  if (!m) {
    throw new ConditionSyntaxError(
      `cannot read condition "${text}"`,
      "write a signal name (writes.available), optionally with a comparison (lb.backendsUp >= 2)",
    );
  }
  const path = m[1]!;
  const subjects = [...path.matchAll(/\[([^\]]+)\]/g)].map((x) => x[1]!);
  if (subjects.length > 1) {
    throw new ConditionSyntaxError(
      `condition "${text}" names more than one subject`,
      "use one [name] per condition",
    );
  }
  const signal = path.replace(/\[[^\]]+\]/g, "[]");
  const op = m[2] as Comparison | undefined;
  if (!op) return { signal, ...(subjects[0] ? { subject: subjects[0] } : {}), valueIsDuration: false, text };
  const { value, isDuration } = parseValue(m[3]!);
  return {
    signal,
    ...(subjects[0] ? { subject: subjects[0] } : {}),
    op,
    value,
    valueIsDuration: isDuration,
    text,
  };
}

/** `events(kind[subject]) op value`: a count of trace records, which needs a comparison. */
function parseEvents(text: string): Condition {
  const m = EVENTS.exec(text);
  if (!m) {
    throw new ConditionSyntaxError(
      `cannot read condition "${text}"`,
      "count trace records with events(kind) or events(kind[subject]) and a comparison, e.g. events(vm.power) >= 2",
    );
  }
  const kind = m[1]!;
  if (m[3] === undefined) {
    throw new ConditionSyntaxError(
      `"${text.trim()}" is a count, not true or false`,
      `compare it: "events(${kind}${m[2] !== undefined ? `[${m[2]}]` : ""}) >= 1"`,
    );
  }
  const { value, isDuration } = parseValue(m[4]!);
  return {
    signal: `events(${kind})`,
    ...(m[2] !== undefined ? { subject: m[2] } : {}),
    op: m[3] as Comparison,
    value,
    valueIsDuration: isDuration,
    events: kind,
    text,
  };
}

function parseValue(raw: string): { value: SignalValue; isDuration: boolean } {
  if (raw === "true") return { value: true, isDuration: false };
  if (raw === "false") return { value: false, isDuration: false };
  if (/^-?\d+(\.\d+)?$/.test(raw)) return { value: Number(raw), isDuration: false };
  if (/^\d/.test(raw)) {
    try {
      return { value: parseDuration(raw), isDuration: true };
    } catch (e) {
      if (e instanceof DurationError) throw new ConditionSyntaxError(e.message, e.hint);
      throw e;
    }
  }
  return { value: raw, isDuration: false };
}

/** Applies the comparison of a condition to a value (no comparison: the value must be true). */
export function test(cond: Pick<Condition, "op" | "value">, v: SignalValue): boolean {
  if (cond.op === undefined) return v === true;
  const w = cond.value!;
  switch (cond.op) {
    case "==":
      return v === w;
    case "!=":
      return v !== w;
    case "<":
      return v < w;
    case "<=":
      return v <= w;
    case ">":
      return v > w;
    case ">=":
      return v >= w;
  }
}

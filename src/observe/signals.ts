/**
 * Signals as series: folds the trace through a world's signal definitions, and turns a condition
 * (`lb.backendsUp >= 2`) into a boolean series. Pure functions of the trace.
 */
import type { TraceRecord } from "../sim/trace.js";
import { didYouMean } from "../util/suggest.js";
import type { SignalSpec, World } from "../world/world.js";
import { type Condition, ConditionSyntaxError, parseCondition, test } from "./condition.js";
import { knownEventKinds } from "./event-kinds.js";
import { mapSeries, type Series, SeriesBuilder, type SignalValue } from "./series.js";

/** The series of one signal (for one subject) over a trace. */
export function signalSeries(
  spec: SignalSpec,
  world: World,
  records: readonly TraceRecord[],
  subject: string | undefined,
): Series {
  const b = new SeriesBuilder<SignalValue>(spec.initial(world, subject));
  const kinds = new Set(spec.kinds);
  for (const r of records) {
    if (!kinds.has(r.kind)) continue;
    const v = spec.next(b.value, r, subject);
    if (v !== undefined) b.set(spec.timeOf ? spec.timeOf(r) : r.t, v);
  }
  return b.build();
}

/** A condition that refers to a known signal, ready to evaluate. */
export interface BoundCondition {
  readonly condition: Condition;
  readonly spec: SignalSpec;
}

/** Why a condition cannot be evaluated in this world, with a hint. */
export interface ConditionProblem {
  readonly error: string;
  readonly expected?: string;
  readonly hint?: string;
}

/** Parses a condition and checks its signal and subject exist in the world. */
export function bindCondition(text: string, world: World): BoundCondition | ConditionProblem {
  let condition: Condition;
  try {
    condition = parseCondition(text);
  } catch (e) {
    if (e instanceof ConditionSyntaxError) return { error: e.message, hint: e.hint };
    throw e;
  }
  if (condition.events !== undefined) return bindCount(condition, condition.events, world);
  const spec = world.signals.get(condition.signal);
  if (!spec) {
    const names = [...world.signals.keys()].sort();
    return {
      error: `unknown condition "${condition.signal}"`,
      expected: `one of ${names.join(", ")}`,
      hint:
        didYouMean(condition.signal, names) ?? "`quorate explain conditions` lists them with their meaning",
    };
  }
  if (spec.subjects) {
    const subjects = spec.subjects(world);
    if (condition.subject === undefined || !subjects.includes(condition.subject)) {
      return {
        error:
          condition.subject === undefined
            ? `condition "${condition.signal}" needs a subject in brackets`
            : `"${condition.subject}" is not a subject of ${condition.signal}`,
        expected: `one of ${subjects.join(", ")}`,
        hint: `e.g. ${condition.signal.replace("[]", `[${subjects[0] ?? "name"}]`)}`,
      };
    }
  }
  return { condition, spec };
}

/** `events(kind)`: a counter of trace records, as a number signal that starts at 0. */
function bindCount(condition: Condition, kind: string, world: World): BoundCondition | ConditionProblem {
  const kinds = knownEventKinds(world);
  if (!kinds.has(kind)) {
    const names = [...kinds.keys()].sort();
    return {
      error: `unknown event kind "${kind}" in events(${kind})`,
      expected: `a trace record kind: ${names.join(", ")}`,
      hint:
        didYouMean(kind, names) ?? "the kinds are those of the records in `quorate run --trace out.jsonl`",
    };
  }
  return { condition, spec: countSpec(kind) };
}

/**
 * The signal behind `events(kind)`: how many records of that kind (about the subject, when the
 * condition names one) the trace has had so far since the run started. Records of building the
 * world (each VM's first power-on) come before `run.start` and are not counted: a user counts
 * what happens in the run.
 */
export function countSpec(kind: string): SignalSpec {
  return {
    name: `events(${kind})`,
    type: "number",
    summary: `number of ${kind} records since the run started`,
    initial: () => 0,
    kinds: kind === RUN_START ? [kind] : [kind, RUN_START],
    next: (v, r, subject) => {
      if (r.kind === RUN_START && kind !== RUN_START) return 0;
      return subject === undefined || r.subject === subject ? (v as number) + 1 : undefined;
    },
  };
}

/** The record that opens the timeline (src/engine/run.ts). */
const RUN_START = "run.start";

/**
 * A condition on a number or text signal needs a comparison or an `is:` value; null when fine.
 */
export function needsValue(bound: BoundCondition, is: SignalValue | undefined): ConditionProblem | null {
  if (bound.condition.op !== undefined || bound.spec.type === "boolean" || is !== undefined) return null;
  return {
    error: `"${bound.condition.signal}" is a ${bound.spec.type}, not true or false`,
    hint: `compare it ("${bound.condition.text.trim()} == ${bound.spec.type === "number" ? "3" : "value"}") or give is:`,
  };
}

/** True when bindCondition failed. */
export function isConditionProblem(x: BoundCondition | ConditionProblem): x is ConditionProblem {
  return "error" in x;
}

/**
 * The boolean series of a condition, given the value it must have (`is:`): with a comparison in the
 * text, `is` (default true) is the expected truth of the comparison; without one, the signal must
 * equal `is` (default true).
 */
export function conditionSeries(
  bound: BoundCondition,
  world: World,
  records: readonly TraceRecord[],
  is: SignalValue | undefined,
): Series<boolean> {
  const raw = signalSeries(bound.spec, world, records, bound.condition.subject);
  const c = bound.condition;
  if (c.op !== undefined) {
    const want = is ?? true;
    return mapSeries(raw, (v) => test(c, v) === want);
  }
  const want = is ?? true;
  return mapSeries(raw, (v) => v === want);
}

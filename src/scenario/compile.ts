/**
 * A validated experiment document → an {@link ExperimentPlan}: durations parsed to microseconds,
 * step times made absolute and checked to run forward, targets and conditions resolved by the
 * world, expectation windows checked against the run. Every problem is a located
 * {@link InputError}; all of them are collected, so one run of `quorate validate` shows them all.
 *
 * Timing rules (documented for users in docs/experiment-format.md):
 * - `at:` is the time from the start of the run; `after:` is the time after the previous step
 *   ended (for the first step, after the start of its list: the run's start, or the instant a
 *   trigger fired). A step gives at most one of them. It may give neither when it is the first
 *   step, a `waitFor` step, or the step right after a `waitFor` (it then follows at once);
 *   elsewhere a missing time is most likely a mistake and is refused.
 * - Steps run in file order and time never goes back: a step whose `at:` is before the time a
 *   previous step is known to end is an error. Equal times are fine and keep file order.
 * - A `waitFor` (or a `repeat` with `until`) makes the times after it known only at run time;
 *   compile then checks the earliest possible time, and the engine's sequencer runs an `at:`
 *   that has already passed at once, with a note in the trace.
 * - Every step's earliest time and every expectation time must lie within `spec.duration` (a
 *   step exactly at the end still runs).
 * - Trigger steps are timed with `after:` from the instant the trigger fires; `at:` is refused.
 */
import type { Distribution } from "../sim/distribution.js";
import { DurationError, formatDuration, type Micros, parseDuration } from "../sim/time.js";
import { findAction } from "../world/vocabulary.js";
import { explainBadDuration } from "./duration-hint.js";
import { formatPath, type InputError, type PathSegment, sortInputErrors } from "./errors.js";
import type {
  ActionStepDocument,
  ExpectationDocument,
  ExperimentDocument,
  StepDocument,
  TriggerDocument,
  WaitStepDocument,
} from "./experiment-schema.js";
import type { Locate } from "./locate.js";
import type {
  ExpectationWindow,
  ExperimentPlan,
  ParameterOverride,
  PlannedExpectation,
  PlannedRepeat,
  PlannedStep,
  PlannedTrigger,
  PlannedWait,
  RunbookStep,
  StepArgValue,
  StepTiming,
} from "./plan.js";
import type { CompileResolvers, NameProblem } from "./resolvers.js";
import { DURATION_EXAMPLES, isDistributionSchema, isDurationSchema } from "./schema-walk.js";

/** The plan, or every problem found. */
export type CompileResult =
  | { readonly ok: true; readonly plan: ExperimentPlan }
  | { readonly ok: false; readonly errors: InputError[] };

/** Compiles a validated document; `locate` and `file` come from loading it. */
export function compileExperiment(
  doc: ExperimentDocument,
  locate: Locate,
  resolvers: CompileResolvers,
  file: string,
): CompileResult {
  const c = new Compiler(locate, resolvers, file);
  const durationUs = c.duration(doc.spec.duration, ["spec", "duration"]);
  if (durationUs === 0) {
    c.error(["spec", "duration"], "the run lasts 0s", "a duration longer than 0s", 'e.g. "duration: 30m"');
  }
  const runUs = durationUs ?? Number.POSITIVE_INFINITY;
  const set = c.overrides(doc.spec.set);
  const steps = c.sequence(doc.spec.steps, ["spec", "steps"], runUs, false);
  const triggers = doc.spec.triggers.map((t, i) => c.trigger(t, i, runUs));
  const expectations = doc.spec.expect.map((e, i) => c.expectation(e, i, runUs));
  if (c.errors.length > 0 || durationUs === undefined)
    return { ok: false, errors: sortInputErrors(c.errors) };
  const plan: ExperimentPlan = {
    file,
    name: doc.metadata.name,
    ...(doc.metadata.description !== undefined ? { description: doc.metadata.description } : {}),
    ...(doc.metadata.source !== undefined ? { source: doc.metadata.source } : {}),
    model: doc.spec.model,
    ...(doc.spec.seed !== undefined ? { seed: doc.spec.seed } : {}),
    durationUs,
    set,
    steps,
    triggers: triggers.filter((t): t is PlannedTrigger => t !== undefined),
    expectations: expectations.filter((e): e is PlannedExpectation => e !== undefined),
  };
  return { ok: true, plan };
}

class Compiler {
  readonly errors: InputError[] = [];

  constructor(
    private readonly locate: Locate,
    private readonly resolvers: CompileResolvers,
    private readonly file: string,
  ) {}

  error(path: readonly PathSegment[], message: string, expected?: string, hint?: string, part?: "key"): void {
    this.errors.push({
      file: this.file,
      ...this.locate(path, part),
      path,
      message,
      ...(expected !== undefined ? { expected } : {}),
      ...(hint !== undefined ? { hint } : {}),
    });
  }

  private problem(path: readonly PathSegment[], p: NameProblem): void {
    this.error(path, p.error, p.expected, p.hint);
  }

  /** Parses a duration, recording a located error (and returning undefined) when it is invalid. */
  duration(text: string, path: readonly PathSegment[]): Micros | undefined {
    try {
      return parseDuration(text);
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
      const problem = explainBadDuration(text);
      this.error(path, problem.message, DURATION_EXAMPLES, problem.hint);
      return undefined;
    }
  }

  overrides(set: ExperimentDocument["spec"]["set"]): ParameterOverride[] {
    const out: ParameterOverride[] = [];
    for (const [name, value] of Object.entries(set ?? {})) {
      const path = ["spec", "set", name];
      const problem = this.resolvers.checkParameter?.(name, value) ?? null;
      if (problem !== null) this.error(path, problem.error, problem.expected, problem.hint, "key");
      out.push({ name, value, ...this.locate(path, "key") });
    }
    // File order, whatever order the object's keys come in (integer-like keys sort first in JS).
    return out.sort((a, b) => a.line - b.line || a.col - b.col);
  }

  /**
   * A list of steps (`spec.steps`, or a trigger's `steps` when `inTrigger`), each with its timing
   * and earliest time checked by the rules in the header.
   */
  sequence(
    steps: readonly StepDocument[],
    base: readonly PathSegment[],
    runUs: Micros,
    inTrigger: boolean,
  ): RunbookStep[] {
    const out: RunbookStep[] = [];
    // When the previous step ends at the earliest, and whether that is exact: `undefined` after a
    // step whose time is unknown (its error is already reported), so a following relative step
    // does not repeat the complaint.
    let prev: { us: Micros; known: boolean } | undefined = { us: 0, known: true };
    // The latest time known so far and the step that reaches it: an absolute time before it is
    // wrong whatever the unknown steps in between say.
    let latest = { us: 0, line: 0, words: "" };
    let prevWaits = false;
    steps.forEach((step, index) => {
      const path: PathSegment[] = [...base, index];
      const waits = isWait(step);
      const timing = this.stepTiming(step, index, path, prevWaits || waits, inTrigger);
      prevWaits = waits;
      const start =
        timing === undefined ? undefined : this.stepStart(timing, path, prev, latest, runUs, inTrigger);
      const atUs = start?.us ?? 0;
      const common = {
        index,
        path: formatPath(path),
        timing: timing ?? { kind: "after" as const, us: 0 },
        atUs,
        timeKnown: start?.known ?? false,
        ...(typeof step.note === "string" ? { note: step.note } : {}),
        ...this.locate(path),
      };
      const planned = waits
        ? this.waitStep(step as WaitStepDocument, path, common)
        : this.stepAction(step as ActionStepDocument, path, common);
      if (start === undefined) {
        prev = undefined;
        return;
      }
      if (planned !== undefined) out.push(planned);
      const end = planned?.kind === "action" ? repeatEnd(atUs, planned.repeat) : { us: atUs, last: false };
      const known =
        start.known && !waits && planned?.kind === "action" && planned.repeat?.until === undefined;
      prev = { us: end.us, known };
      const line = this.locate(path).line;
      latest = {
        us: end.us,
        line,
        words: end.last ? `repeating until ${formatDuration(end.us)}` : `at ${formatDuration(end.us)}`,
      };
    });
    return out;
  }

  /** The timing as written; `mayOmit`: a missing time means "right after the previous step". */
  private stepTiming(
    step: StepDocument,
    index: number,
    path: readonly PathSegment[],
    mayOmit: boolean,
    inTrigger: boolean,
  ): StepTiming | undefined {
    const { at, after } = step as { at?: string; after?: string };
    if (at !== undefined && after !== undefined) {
      this.error(
        [...path, "after"],
        'the step has both "at:" and "after:"',
        'only one of "at:" and "after:"',
        '"at:" is the time from the start of the run, "after:" the time after the previous step; keep one',
        "key",
      );
      return undefined;
    }
    if (at !== undefined && inTrigger) {
      this.error(
        [...path, "at"],
        'a trigger\'s step has "at:"',
        '"after: <time after the trigger fired, or after the previous step>"',
        "a trigger's steps are timed from the instant it fires; write after: (or move the step to spec.steps)",
        "key",
      );
      return undefined;
    }
    if (at === undefined && after === undefined) {
      if (index === 0 || mayOmit) return { kind: "after", us: 0 };
      this.error(
        path,
        'the step has no "at:" or "after:"',
        '"at: <time from the start>" or "after: <time after the previous step>"',
        'only the first step, a waitFor step and the step right after a waitFor may leave out their time; add "after: 0s" to act right after the previous step',
      );
      return undefined;
    }
    const key = at !== undefined ? "at" : "after";
    const us = this.duration((at ?? after)!, [...path, key]);
    return us === undefined ? undefined : { kind: key, us };
  }

  /** The earliest start of a step, checked against earlier steps and the run's end. */
  private stepStart(
    timing: StepTiming,
    path: readonly PathSegment[],
    prev: { readonly us: Micros; readonly known: boolean } | undefined,
    latest: { readonly us: Micros; readonly line: number; readonly words: string },
    runUs: Micros,
    inTrigger: boolean,
  ): { us: Micros; known: boolean } | undefined {
    const keyPath = [...path, timing.kind];
    let start: { us: Micros; known: boolean };
    if (timing.kind === "at") {
      if (timing.us < latest.us) {
        this.error(
          keyPath,
          `the step is at ${formatDuration(timing.us)}, before the step on line ${latest.line} (${latest.words})`,
          `a time at or after ${formatDuration(latest.us)}: steps run in file order and time does not go back`,
          'move this step above the earlier one, or use "after:" to place it relative to the previous step',
        );
        return undefined;
      }
      // After a wait, an `at:` is the earliest time: the step runs late if the wait lasts longer.
      start = { us: timing.us, known: prev?.known ?? false };
    } else {
      if (prev === undefined) return undefined;
      start = { us: prev.us + timing.us, known: prev.known };
    }
    if (start.us > runUs) {
      const when = start.known
        ? `at ${formatDuration(start.us)}`
        : `at the earliest at ${formatDuration(start.us)}`;
      this.error(
        keyPath,
        inTrigger
          ? `the step would happen ${formatDuration(start.us)} after the trigger fires, after the run ends even if it fired at once (spec.duration is ${formatDuration(runUs)})`
          : `the step would happen ${when}, after the run ends (spec.duration is ${formatDuration(runUs)})`,
        `a time no later than ${formatDuration(runUs)}`,
        "make spec.duration longer, or move the step earlier",
      );
      return undefined;
    }
    return start;
  }

  /** A `waitFor` step. */
  private waitStep(
    step: WaitStepDocument,
    path: readonly PathSegment[],
    common: StepCommon,
  ): PlannedWait | undefined {
    const before = this.errors.length;
    this.condition(step.waitFor, [...path, "waitFor"], "wait");
    let timeoutUs: Micros | undefined;
    if (step.timeout !== undefined) {
      timeoutUs = this.duration(step.timeout, [...path, "timeout"]);
      if (timeoutUs === 0) {
        this.error(
          [...path, "timeout"],
          "timeout: 0s gives up at once",
          "a duration longer than 0s",
          "leave timeout: out to wait until the end of the run at most",
        );
      }
    }
    if (this.errors.length > before) return undefined;
    return {
      ...common,
      kind: "wait",
      condition: step.waitFor,
      ...(timeoutUs !== undefined ? { timeoutUs } : {}),
      onTimeout: step.onTimeout ?? "fail",
    };
  }

  /** A `when:` trigger. */
  trigger(t: TriggerDocument, index: number, runUs: Micros): PlannedTrigger | undefined {
    const base: PathSegment[] = ["spec", "triggers", index];
    const before = this.errors.length;
    this.condition(t.when, [...base, "when"], "wait");
    const steps = this.sequence(t.steps, [...base, "steps"], runUs, true);
    if (this.errors.length > before) return undefined;
    return {
      index,
      when: t.when,
      once: t.once ?? true,
      steps,
      ...(t.note !== undefined ? { note: t.note } : {}),
      ...this.locate(base),
    };
  }

  /** Checks a condition for a use, reporting a problem at `path`. */
  private condition(
    text: string,
    path: readonly PathSegment[],
    use: "expect" | "wait",
    is?: boolean | number | string,
  ): boolean {
    const problem = this.resolvers.checkCondition(text, use, is);
    if (problem === null) return true;
    this.problem(path, problem);
    return false;
  }

  /** `repeat:` of an action step. */
  private repeat(value: unknown, path: readonly PathSegment[]): PlannedRepeat | undefined {
    const r = value as { every: string; times?: number; until?: string };
    const everyUs = this.duration(r.every, [...path, "every"]);
    if (everyUs === 0) {
      this.error(
        [...path, "every"],
        "every: 0s would repeat without a pause",
        "a duration longer than 0s",
        "give the time between repetitions, e.g. every: 30s",
      );
      return undefined;
    }
    if (r.times === undefined && r.until === undefined) {
      this.error(
        path,
        'the repetition has no end: "times:" or "until:" is missing',
        '"times: <how many in all>" and/or "until: <condition>"',
        'e.g. repeat: {every: 30s, times: 3}, or {every: 1m, until: "vm[cp-0].running"}',
      );
      return undefined;
    }
    if (r.until !== undefined && !this.condition(r.until, [...path, "until"], "wait")) return undefined;
    if (everyUs === undefined) return undefined;
    return {
      everyUs,
      ...(r.times !== undefined ? { times: r.times } : {}),
      ...(r.until !== undefined ? { until: r.until } : {}),
    };
  }

  private stepAction(
    step: ActionStepDocument,
    path: readonly PathSegment[],
    common: StepCommon,
  ): PlannedStep | undefined {
    const action = findAction(String(step.do));
    // The schema only lets vocabulary names through, so this is a safeguard for schema drift.
    if (action === undefined) {
      this.error([...path, "do"], `unknown action ${JSON.stringify(String(step.do))}`);
      return undefined;
    }
    const fields = step as unknown as Readonly<Record<string, unknown>>;
    const before = this.errors.length;
    let target: string | undefined;
    if (action.target !== "none") {
      const written = fields.target;
      // A selector {role, index} reads as the text form role[index].
      const selector =
        typeof written === "object" && written !== null
          ? (written as { role: string; index?: number })
          : undefined;
      const text = selector
        ? selector.index !== undefined
          ? `${selector.role}[${selector.index}]`
          : selector.role
        : String(written);
      const r = this.resolvers.resolveTarget(action.target, text);
      if ("ok" in r) target = r.ok;
      else this.problem(selector ? [...path, "target", "role"] : [...path, "target"], r);
    }
    const args: Record<string, StepArgValue> = {};
    for (const [name, schema] of Object.entries(action.args)) {
      const value = fields[name];
      if (value === undefined) continue;
      const argPath = [...path, name];
      let converted: StepArgValue | undefined;
      if (isDistributionSchema(schema)) converted = this.distribution(value, argPath);
      else if (isDurationSchema(schema)) converted = this.duration(String(value), argPath);
      else if (name === "groups" && Array.isArray(value)) converted = this.hostGroups(value, argPath);
      else converted = value as StepArgValue;
      if (converted !== undefined) args[name] = converted;
    }
    const repeat = fields.repeat !== undefined ? this.repeat(fields.repeat, [...path, "repeat"]) : undefined;
    if (this.errors.length > before) return undefined;
    return {
      ...common,
      kind: "action",
      action: action.name,
      ...(target !== undefined ? { target } : {}),
      args,
      ...(repeat !== undefined ? { repeat } : {}),
    };
  }

  /** `net.partition` groups: every host resolved, and no host in two groups. */
  private hostGroups(groups: readonly unknown[], path: readonly PathSegment[]): string[][] | undefined {
    const before = this.errors.length;
    const seen = new Map<string, PathSegment[]>();
    const out = groups.map((group, g) =>
      (Array.isArray(group) ? group : []).map((host, h) => {
        const hostPath = [...path, g, h];
        const r = this.resolvers.resolveTarget("host", String(host));
        if (!("ok" in r)) {
          this.problem(hostPath, r);
          return String(host);
        }
        const earlier = seen.get(r.ok);
        if (earlier !== undefined) {
          this.error(
            hostPath,
            `host ${JSON.stringify(r.ok)} is in two groups (also at line ${this.locate(earlier).line})`,
            "each host in at most one group",
            "hosts not listed in any group keep talking to everyone",
          );
        }
        seen.set(r.ok, hostPath);
        return r.ok;
      }),
    );
    return this.errors.length > before ? undefined : out;
  }

  /** A distribution as written in YAML (already shape-checked by the schema) → {@link Distribution}. */
  private distribution(value: unknown, path: readonly PathSegment[]): Distribution | undefined {
    if (typeof value === "string") {
      const v = this.duration(value, path);
      return v === undefined ? undefined : { kind: "constant", value: v };
    }
    const spec = value as {
      uniform?: [string, string];
      exponential?: string;
      normal?: { mean: string; stddev: string };
      lognormal?: { p50: string; p99: string };
    };
    if (spec.uniform !== undefined) {
      const min = this.duration(spec.uniform[0], [...path, "uniform", 0]);
      const max = this.duration(spec.uniform[1], [...path, "uniform", 1]);
      if (min === undefined || max === undefined) return undefined;
      if (max < min) {
        this.error(
          [...path, "uniform", 1],
          `the range ends (${formatDuration(max)}) below where it starts (${formatDuration(min)})`,
          "uniform: [min, max] with min ≤ max",
          `swap them: [${formatDuration(max)}, ${formatDuration(min)}]`,
        );
        return undefined;
      }
      return { kind: "uniform", min, max };
    }
    if (spec.exponential !== undefined) {
      const mean = this.duration(spec.exponential, [...path, "exponential"]);
      return mean === undefined ? undefined : { kind: "exponential", mean };
    }
    if (spec.normal !== undefined) {
      const mean = this.duration(spec.normal.mean, [...path, "normal", "mean"]);
      const stddev = this.duration(spec.normal.stddev, [...path, "normal", "stddev"]);
      return mean === undefined || stddev === undefined ? undefined : { kind: "normal", mean, stddev };
    }
    if (spec.lognormal !== undefined) {
      const p50 = this.duration(spec.lognormal.p50, [...path, "lognormal", "p50"]);
      const p99 = this.duration(spec.lognormal.p99, [...path, "lognormal", "p99"]);
      if (p50 === undefined || p99 === undefined) return undefined;
      if (p50 === 0 || p99 < p50) {
        this.error(
          [...path, "lognormal", p50 === 0 ? "p50" : "p99"],
          p50 === 0
            ? "a log-normal median (p50) of 0s"
            : `p99 (${formatDuration(p99)}) is below p50 (${formatDuration(p50)})`,
          "0 < p50 ≤ p99",
          "p50 is the median latency and p99 the 99th percentile, e.g. {p50: 2ms, p99: 10ms}",
        );
        return undefined;
      }
      return { kind: "lognormal", p50, p99 };
    }
    this.error(
      path,
      "unrecognised distribution",
      "a duration or one of uniform, exponential, normal, lognormal",
    );
    return undefined;
  }

  expectation(e: ExpectationDocument, index: number, runUs: Micros): PlannedExpectation | undefined {
    const base: PathSegment[] = ["spec", "expect", index];
    const before = this.errors.length;
    this.condition(e.that, [...base, "that"], "expect", e.is);
    // The kind comes from the name alone, so a metric with a bad comparison is not also told
    // that it lacks a time.
    const kind = this.resolvers.conditionKind?.(e.that) ?? "signal";
    const window =
      kind === "signal" ? this.window(e, base, runUs) : this.wholeRunWindow(e, base, runUs, kind);
    if (this.errors.length > before || window === undefined) return undefined;
    const pos = this.locate(base);
    return {
      index,
      that: e.that,
      ...(e.is !== undefined ? { is: e.is } : {}),
      window,
      ...(e.quote !== undefined ? { quote: e.quote } : {}),
      line: pos.line,
      col: pos.col,
    };
  }

  /**
   * A metric is one number for the whole run: it takes no time. A count (`events(kind)`) is
   * checked at the end of the run when it gives no time, and like a signal when it does.
   */
  private wholeRunWindow(
    e: ExpectationDocument,
    base: readonly PathSegment[],
    runUs: Micros,
    kind: "count" | "metric",
  ): ExpectationWindow | undefined {
    const given = (["at", "between", "within", "after"] as const).filter((k) => e[k] !== undefined);
    if (given.length === 0) return { kind: "end" };
    if (kind === "count") return this.window(e, base, runUs);
    this.error(
      [...base, given[0]!],
      `"${given[0]}:" does not apply to ${e.that.trim()}: a metric is one number for the whole run`,
      "no time: the metric is checked when the run ends",
      `remove "${given[0]}:"; to check something at a time, use a signal (quorate explain conditions)`,
      "key",
    );
    return undefined;
  }

  private window(
    e: ExpectationDocument,
    base: readonly PathSegment[],
    runUs: Micros,
  ): ExpectationWindow | undefined {
    const given = (["at", "between", "within", "after"] as const).filter((k) => e[k] !== undefined);
    const endText = Number.isFinite(runUs) ? formatDuration(runUs) : "?";
    const withinRun = (us: Micros | undefined, path: readonly PathSegment[]): boolean => {
      if (us === undefined) return false;
      if (us <= runUs) return true;
      this.error(
        path,
        `${formatDuration(us)} is after the run ends (spec.duration is ${endText})`,
        `a time no later than ${endText}`,
        "make spec.duration longer, or check the expectation's time",
      );
      return false;
    };
    if (given.length === 0) {
      this.error(
        [...base, "that"],
        "the expectation has no time",
        '"at:", "between:", "within:" or "after:"',
        `to require it throughout the run, write "between: [0s, ${endText}]"`,
        "key",
      );
      return undefined;
    }
    const alone = given.find((k) => k === "at" || k === "between");
    if (alone !== undefined && given.length > 1) {
      const other = given.find((k) => k !== alone)!;
      this.error(
        [...base, other],
        `"${other}:" cannot be combined with "${alone}:"`,
        `"at:" alone, "between:" alone, or "within:" and/or "after:"`,
        '"at" checks one instant, "between" a whole window, "within"/"after" when it first becomes true',
        "key",
      );
      return undefined;
    }
    if (e.at !== undefined) {
      const path = [...base, "at"];
      const atUs = this.duration(e.at, path);
      return withinRun(atUs, path) ? { kind: "at", atUs: atUs! } : undefined;
    }
    if (e.between !== undefined) {
      const startUs = this.duration(e.between[0], [...base, "between", 0]);
      const endUs = this.duration(e.between[1], [...base, "between", 1]);
      if (startUs === undefined || endUs === undefined) return undefined;
      if (endUs < startUs) {
        this.error(
          [...base, "between", 1],
          `the window ends (${formatDuration(endUs)}) before it starts (${formatDuration(startUs)})`,
          "between: [start, end] with start ≤ end",
          `swap them: [${formatDuration(endUs)}, ${formatDuration(startUs)}]`,
        );
        return undefined;
      }
      return withinRun(endUs, [...base, "between", 1]) ? { kind: "between", startUs, endUs } : undefined;
    }
    const byUs = e.within !== undefined ? this.duration(e.within, [...base, "within"]) : runUs;
    const notBeforeUs = e.after !== undefined ? this.duration(e.after, [...base, "after"]) : 0;
    if (byUs === undefined || notBeforeUs === undefined) return undefined;
    if (e.within !== undefined && byUs === 0) {
      this.error(
        [...base, "within"],
        "within: 0s leaves no time for it to happen",
        "a duration longer than 0s",
        'use "at: 0s" to check the state at the start',
      );
      return undefined;
    }
    if (notBeforeUs > byUs) {
      this.error(
        [...base, "after"],
        `"after: ${formatDuration(notBeforeUs)}" is later than "within: ${formatDuration(byUs)}"`,
        "after ≤ within",
        "after: is the earliest acceptable time, within: the latest",
      );
      return undefined;
    }
    if (e.within !== undefined && !withinRun(byUs, [...base, "within"])) return undefined;
    if (e.within === undefined && !withinRun(notBeforeUs, [...base, "after"])) return undefined;
    return { kind: "eventually", notBeforeUs, byUs: Math.min(byUs, runUs) };
  }
}

/** What every planned step carries besides its kind's fields. */
type StepCommon = Omit<PlannedStep, "kind" | "action" | "target" | "args" | "repeat">;

function isWait(step: StepDocument): step is WaitStepDocument {
  return (step as { waitFor?: unknown }).waitFor !== undefined;
}

/** When a repeated step ends at the earliest (`last`: it repeats), from its start. */
function repeatEnd(startUs: Micros, r: PlannedRepeat | undefined): { us: Micros; last: boolean } {
  if (r === undefined || r.times === 1) return { us: startUs, last: false };
  if (r.until !== undefined) return { us: startUs + r.everyUs, last: true };
  return { us: startUs + r.everyUs * ((r.times ?? 1) - 1), last: true };
}

/**
 * A validated experiment document → an {@link ExperimentPlan}: durations parsed to microseconds,
 * step times made absolute and checked to run forward, targets and conditions resolved by the
 * world, expectation windows checked against the run. Every problem is a located
 * {@link InputError}; all of them are collected, so one run of `quorate validate` shows them all.
 *
 * Timing rules (documented for users in docs/experiment-format.md):
 * - `at:` is the time from the start of the run; `after:` is the time after the previous step
 *   (for the first step, after the start). A step gives exactly one of them, except the first
 *   step, which may give neither and then happens at 0s.
 * - Steps run in file order and time never goes back: a step whose `at:` is before the previous
 *   step's time is an error. Equal times are fine and keep file order.
 * - Every step and every expectation time must lie within `spec.duration` (a step exactly at the
 *   end still runs).
 */
import type { Distribution } from "../sim/distribution.js";
import { DurationError, formatDuration, type Micros, parseDuration } from "../sim/time.js";
import { findAction } from "../world/vocabulary.js";
import { explainBadDuration } from "./duration-hint.js";
import { type InputError, type PathSegment, sortInputErrors } from "./errors.js";
import type { ActionStepDocument, ExpectationDocument, ExperimentDocument } from "./experiment-schema.js";
import type { Locate } from "./locate.js";
import type {
  ExpectationWindow,
  ExperimentPlan,
  ParameterOverride,
  PlannedExpectation,
  PlannedStep,
  StepArgValue,
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
  const steps = c.steps(doc.spec.steps, runUs);
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

  steps(steps: readonly ActionStepDocument[], runUs: Micros): PlannedStep[] {
    const out: PlannedStep[] = [];
    // The previous step's time: `undefined` after a step whose time is unknown (its error is
    // already reported), so a following relative step does not repeat the complaint.
    let prevUs: Micros | undefined = 0;
    // The latest time known so far and the line of its step: an absolute time before it is
    // wrong whatever the unknown steps in between say.
    let latest = { us: 0, line: 0 };
    steps.forEach((step, index) => {
      const base: PathSegment[] = ["spec", "steps", index];
      const atUs = this.stepTime(step, index, base, prevUs, latest, runUs);
      const planned = this.stepAction(step, index, base, atUs ?? 0);
      if (atUs !== undefined && planned !== undefined) out.push(planned);
      prevUs = atUs;
      if (atUs !== undefined) latest = { us: atUs, line: this.locate(base).line };
    });
    return out;
  }

  private stepTime(
    step: ActionStepDocument,
    index: number,
    base: readonly PathSegment[],
    prevUs: Micros | undefined,
    latest: { readonly us: Micros; readonly line: number },
    runUs: Micros,
  ): Micros | undefined {
    const { at, after } = step as { at?: string; after?: string };
    if (at !== undefined && after !== undefined) {
      this.error(
        [...base, "after"],
        'the step has both "at:" and "after:"',
        'only one of "at:" and "after:"',
        '"at:" is the time from the start of the run, "after:" the time after the previous step; keep one',
        "key",
      );
      return undefined;
    }
    if (at === undefined && after === undefined) {
      if (index === 0) return 0;
      this.error(
        base,
        'the step has no "at:" or "after:"',
        '"at: <time from the start>" or "after: <time after the previous step>"',
        'only the first step may leave out its time (it then happens at 0s); add "after: 0s" to act right after the previous step',
      );
      return undefined;
    }
    const key = at !== undefined ? "at" : "after";
    const path = [...base, key];
    const value = this.duration((at ?? after)!, path);
    if (value === undefined) return undefined;
    let atUs: Micros;
    if (at !== undefined) {
      atUs = value;
      if (atUs < latest.us) {
        this.error(
          path,
          `the step is at ${formatDuration(atUs)}, before the step on line ${latest.line} (at ${formatDuration(latest.us)})`,
          `a time at or after ${formatDuration(latest.us)}: steps run in file order and time does not go back`,
          'move this step above the earlier one, or use "after:" to place it relative to the previous step',
        );
        return undefined;
      }
    } else {
      if (prevUs === undefined) return undefined;
      atUs = prevUs + value;
    }
    if (atUs > runUs) {
      this.error(
        path,
        `the step would happen at ${formatDuration(atUs)}, after the run ends (spec.duration is ${formatDuration(runUs)})`,
        `a time no later than ${formatDuration(runUs)}`,
        "make spec.duration longer, or move the step earlier",
      );
      return undefined;
    }
    return atUs;
  }

  private stepAction(
    step: ActionStepDocument,
    index: number,
    base: readonly PathSegment[],
    atUs: Micros,
  ): PlannedStep | undefined {
    const action = findAction(String(step.do));
    // The schema only lets vocabulary names through, so this is a safeguard for schema drift.
    if (action === undefined) {
      this.error([...base, "do"], `unknown action ${JSON.stringify(String(step.do))}`);
      return undefined;
    }
    const fields = step as unknown as Readonly<Record<string, unknown>>;
    const before = this.errors.length;
    let target: string | undefined;
    if (action.target !== "none") {
      const text = String(fields.target);
      const r = this.resolvers.resolveTarget(action.target, text);
      if ("ok" in r) target = r.ok;
      else this.problem([...base, "target"], r);
    }
    const args: Record<string, StepArgValue> = {};
    for (const [name, schema] of Object.entries(action.args)) {
      const value = fields[name];
      if (value === undefined) continue;
      const path = [...base, name];
      let converted: StepArgValue | undefined;
      if (isDistributionSchema(schema)) converted = this.distribution(value, path);
      else if (isDurationSchema(schema)) converted = this.duration(String(value), path);
      else if (name === "groups" && Array.isArray(value)) converted = this.hostGroups(value, path);
      else converted = value as StepArgValue;
      if (converted !== undefined) args[name] = converted;
    }
    if (this.errors.length > before) return undefined;
    const pos = this.locate(base);
    return {
      index,
      atUs,
      action: action.name,
      ...(target !== undefined ? { target } : {}),
      args,
      ...(typeof fields.note === "string" ? { note: fields.note } : {}),
      line: pos.line,
      col: pos.col,
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
    const condition = this.resolvers.checkCondition(e.that);
    if (condition !== null) this.problem([...base, "that"], condition);
    const window = this.window(e, base, runUs);
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

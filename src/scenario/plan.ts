/**
 * An experiment ready to run: what `compileExperiment` makes of a validated experiment file.
 * Every time is an integer number of microseconds, every target is a name or a role the world
 * knows, every distribution is a {@link Distribution}, and every part keeps the `line`/`col` it
 * came from so the runtime can still point at the file.
 *
 * Step times are only partly known before the run: a step after a `waitFor` happens when the
 * wait ends. So each step keeps its timing as written ({@link StepTiming}) for the engine's
 * sequencer (src/engine/runbook.ts), plus the earliest time it can happen (`atUs`), which is its
 * exact time when nothing before it waits (`timeKnown`).
 *
 * The plan is plain data (no classes, no Maps), so it can be printed as JSON, sent to a worker
 * thread and compared in tests.
 */
import type { Distribution } from "../sim/distribution.js";
import type { Micros } from "../sim/time.js";

/** Where in the file a part of the plan was written (1-based). */
export interface PlanSource {
  readonly line: number;
  readonly col: number;
}

/**
 * The value of a step argument: as written for numbers, booleans and text; a duration argument
 * becomes microseconds (a number); a latency argument becomes a {@link Distribution}; host
 * groups (`net.partition`) become lists of resolved host names.
 */
export type StepArgValue = string | number | boolean | Distribution | readonly (readonly string[])[];

/**
 * When a step happens, as written: `at` a time from the start of the run, or `after` a time from
 * the end of the previous step of the same list (for the first step: from the start of the list —
 * the run's start, or the instant a trigger fired). A step written without a time is `after: 0s`.
 */
export type StepTiming =
  | { readonly kind: "at"; readonly us: Micros }
  | { readonly kind: "after"; readonly us: Micros };

/** What every kind of step has. */
interface StepBase extends PlanSource {
  /** Position in its list (0-based), for messages and trace records. */
  readonly index: number;
  /** `spec.steps[2]`, `spec.triggers[0].steps[1]`: where the step is, for messages. */
  readonly path: string;
  readonly timing: StepTiming;
  /**
   * The earliest time the step can happen: from the start of the run for `spec.steps`, from the
   * instant the trigger fired for a trigger's steps.
   */
  readonly atUs: Micros;
  /** True when `atUs` is exactly when it happens (no wait or `repeat.until` before it). */
  readonly timeKnown: boolean;
  /** Free text for the timeline. */
  readonly note?: string;
}

/**
 * Do the step's action again `every` apart: `times` in all (the first included), or until the
 * condition `until` holds (checked before each repetition), whichever comes first. The step ends
 * at its last repetition (or when `until` is found true), and the next step counts from there.
 */
export interface PlannedRepeat {
  readonly everyUs: Micros;
  readonly times?: number;
  readonly until?: string;
}

/** One action at one instant. */
export interface PlannedStep extends StepBase {
  readonly kind: "action";
  /** The vocabulary name (`vm.powerOff`), see src/world/vocabulary.ts. */
  readonly action: string;
  /**
   * The target, for actions that take one: a name (`cp-1`), or a role the world resolves when the
   * step runs (`etcd.leader`, `workers`, `workers[1]`: see `World.resolveRole`).
   */
  readonly target?: string;
  /** The action's other arguments by name (only those present in the file). */
  readonly args: Readonly<Record<string, StepArgValue>>;
  readonly repeat?: PlannedRepeat;
}

/** What a wait does when its time is up. */
export type OnTimeout = "fail" | "continue";

/**
 * Wait until a condition holds (at once if it already does). `timeoutUs` absent: wait until the
 * end of the run at most. When the wait times out, `fail` records a failed verdict and stops the
 * rest of this step list; `continue` goes on with the next step.
 */
export interface PlannedWait extends StepBase {
  readonly kind: "wait";
  /** The condition, as written (checked by the world before the run). */
  readonly condition: string;
  readonly timeoutUs?: Micros;
  readonly onTimeout: OnTimeout;
}

/** A step of a runbook: an action, or a wait. */
export type RunbookStep = PlannedStep | PlannedWait;

/**
 * `when:` a condition becomes true (edge-triggered: from false to true; not at the start if it
 * already holds), run `steps` alongside the main sequence. `once`: fire only the first time;
 * otherwise fire on every edge, except while the previous firing's steps are still running.
 */
export interface PlannedTrigger extends PlanSource {
  /** Position in `spec.triggers`. */
  readonly index: number;
  readonly when: string;
  readonly once: boolean;
  readonly steps: readonly RunbookStep[];
  readonly note?: string;
}

/**
 * When an expectation is checked:
 * - `end`: once, when the run is over (metrics such as `lostWrites == 0`, and counts such as
 *   `events(step.failed) == 0` written without a time);
 * - `at`: the condition has the value at that instant;
 * - `between`: it has the value throughout [startUs, endUs];
 * - `eventually`: it reaches the value at some instant in [notBeforeUs, byUs] (from `after:`
 *   and `within:`; missing ends default to the start and the end of the run).
 */
export type ExpectationWindow =
  | { readonly kind: "end" }
  | { readonly kind: "at"; readonly atUs: Micros }
  | { readonly kind: "between"; readonly startUs: Micros; readonly endUs: Micros }
  | { readonly kind: "eventually"; readonly notBeforeUs: Micros; readonly byUs: Micros };

/** Something that must be observed in the run. */
export interface PlannedExpectation extends PlanSource {
  /** Position in `spec.expect` (0-based). */
  readonly index: number;
  /** The condition or metric, as written (already checked by the world's condition checker). */
  readonly that: string;
  /** The value it must have; absent means "true". */
  readonly is?: boolean | number | string;
  readonly window: ExpectationWindow;
  /** The statement of the source document this expectation checks. */
  readonly quote?: string;
}

/** A model parameter override from `spec.set`. */
export interface ParameterOverride extends PlanSource {
  /** Dotted parameter name, e.g. `capi.mhc.unhealthyTimeout`. */
  readonly name: string;
  /** As written; the model converts it (durations included) to the parameter's type. */
  readonly value: string | number | boolean;
}

/** A compiled experiment. */
export interface ExperimentPlan {
  /** The file it was read from, for messages. */
  readonly file: string;
  /** `metadata.name`. */
  readonly name: string;
  readonly description?: string;
  /** `metadata.source`: where the incident comes from. */
  readonly source?: string;
  /** The model profile name or path (`spec.model`). */
  readonly model: string;
  /** The file's default seed; the CLI's `--seed` wins. */
  readonly seed?: number;
  /** How much simulated time to run. */
  readonly durationUs: Micros;
  /** Parameter overrides, in file order. */
  readonly set: readonly ParameterOverride[];
  /** The main runbook: steps in file order (which is time order). */
  readonly steps: readonly RunbookStep[];
  /** `when:` triggers, in file order. */
  readonly triggers: readonly PlannedTrigger[];
  readonly expectations: readonly PlannedExpectation[];
}

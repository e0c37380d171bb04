/**
 * An experiment ready to run: what `compileExperiment` makes of a validated experiment file.
 * Every time is an absolute integer number of microseconds from the start of the run, every
 * target is a name the world knows, every distribution is a {@link Distribution}, and every part
 * keeps the `line`/`col` it came from so the runtime can still point at the file.
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

/** One action at one instant. */
export interface PlannedStep extends PlanSource {
  /** Position in `spec.steps` (0-based), for messages and trace records. */
  readonly index: number;
  /** When the action happens, from the start of the run. */
  readonly atUs: Micros;
  /** The vocabulary name (`vm.powerOff`), see src/world/vocabulary.ts. */
  readonly action: string;
  /** The resolved target name, for actions that take one. */
  readonly target?: string;
  /** The action's other arguments by name (only those present in the file). */
  readonly args: Readonly<Record<string, StepArgValue>>;
  /** Free text for the timeline. */
  readonly note?: string;
}

/**
 * When an expectation is checked:
 * - `at`: the condition has the value at that instant;
 * - `between`: it has the value throughout [startUs, endUs];
 * - `eventually`: it reaches the value at some instant in [notBeforeUs, byUs] (from `after:`
 *   and `within:`; missing ends default to the start and the end of the run).
 */
export type ExpectationWindow =
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
  /** Steps in time order (equal times keep file order). */
  readonly steps: readonly PlannedStep[];
  readonly expectations: readonly PlannedExpectation[];
}

/**
 * The experiment file format: Kubernetes-shaped YAML (apiVersion, kind, metadata, spec) describing
 * what happens to a model environment and what must be observed. This module is the single
 * source of truth for the shape; `quorate schema` exports it as JSON Schema for editors.
 */
import { z } from "zod";
import { ACTIONS, DurationText } from "../world/vocabulary.js";

export const API_VERSION = "quorate.dev/v1alpha1";

const Name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
    message: "expected a lowercase name of letters, digits, '-' and '.' (like a Kubernetes object name)",
  })
  .max(253);

const Metadata = z.strictObject({
  name: Name.describe("The experiment's name"),
  description: z.string().optional().describe("What the experiment shows, in a sentence or two"),
  source: z.string().optional().describe("Where the incident comes from (a seed document, a runbook)"),
  labels: z.record(z.string(), z.string()).optional(),
});

/** `{role: workers, index: 0}`: a role (all it stands for) or one of them by position. */
const TargetSelector = z
  .strictObject({
    role: z
      .string()
      .min(1)
      .describe(
        "A role: controlPlanes, workers, vms.poweredOff, etcd.leader, … (or controlPlane / worker with index)",
      ),
    index: z.number().int().min(0).optional().describe("Only the one at this position (0-based)"),
  })
  .describe("A selector: every name a role stands for when the step runs, or the index-th of them");

const Target = z
  .union([
    z
      .string()
      .min(1)
      .describe(
        "A name (cp-1, worker-0), an indexed role (controlPlane[0], worker[1]) or a role resolved when the step runs (controlPlanes, workers, vms.poweredOff, etcd.leader)",
      ),
    TargetSelector,
  ])
  .describe("What the step acts on: a name, a role, or a selector {role, index}")
  // Shared by every action: one definition in the JSON Schema ($defs), referenced from each.
  .meta({ id: "target" });

/** A condition as text, in the language of src/observe/condition.ts. */
const ConditionText = z.string().min(1);

const StepTiming = {
  at: DurationText.optional().describe("Absolute time of the step from the start of the run"),
  after: DurationText.optional().describe("Time after the previous step ended (its actual time)"),
  note: z.string().optional().describe("Free text shown in the timeline next to the step"),
};

const Repeat = z
  .strictObject({
    every: DurationText.describe("Time between repetitions"),
    times: z.number().int().min(1).optional().describe("How many times in all, the first included"),
    until: ConditionText.optional().describe(
      "Stop repeating once this condition holds (checked before each repetition)",
    ),
  })
  .describe("Do the action again every so often: a number of times, or until a condition holds")
  .meta({ id: "repeat" });

function actionStep(name: string, target: "vm" | "host" | "none", args: z.ZodRawShape) {
  const shape: z.ZodRawShape = {
    ...StepTiming,
    do: z.literal(name),
    ...(target === "none" ? {} : { target: Target }),
    ...args,
    repeat: Repeat.optional(),
  };
  return z.strictObject(shape);
}

const [firstAction, ...otherActions] = ACTIONS.map((a) =>
  actionStep(a.name, a.target, a.args).describe(a.summary),
);

/** One step of an experiment: an action at a time. */
export const ActionStep = z.discriminatedUnion("do", [firstAction!, ...otherActions]);

/** A step that waits for a condition before the next step. */
export const WaitStep = z
  .strictObject({
    ...StepTiming,
    waitFor: ConditionText.describe("Wait until this condition holds, e.g. lb.backendsUp == 3"),
    timeout: DurationText.optional().describe("Give up after this long (default: at the end of the run)"),
    onTimeout: z
      .enum(["fail", "continue"])
      .optional()
      .describe(
        "fail (default): a failed verdict, and the rest of this step list is skipped; continue: go on",
      ),
  })
  .describe("Wait until a condition holds");

/** A step of a runbook: an action, or a wait. */
export const Step = z.union([ActionStep, WaitStep]).meta({ id: "step" });

const Trigger = z
  .strictObject({
    when: ConditionText.describe("Fire when this condition becomes true, e.g. lb.backendsUp < 3"),
    once: z.boolean().optional().describe("Fire only the first time (default true)"),
    note: z.string().optional().describe("Free text shown in the timeline when the trigger fires"),
    steps: z.array(Step).min(1).describe("Steps to run when it fires, timed with after: from that instant"),
  })
  .describe("Steps to run, alongside the main steps, when a condition becomes true");

const Expectation = z
  .strictObject({
    that: z.string().min(1).describe("A condition or metric, e.g. writes.available, lb.backendsUp >= 2"),
    is: z
      .union([z.boolean(), z.number(), z.string()])
      .optional()
      .describe("The value the condition must have"),
    at: DurationText.optional().describe("Holds at this instant"),
    between: z.tuple([DurationText, DurationText]).optional().describe("Holds throughout this window"),
    within: DurationText.optional().describe("Becomes true no later than this time"),
    after: DurationText.optional().describe("Becomes true, but not before this time"),
    quote: z.string().optional().describe("The statement of the source document this expectation checks"),
  })
  .describe("Something that must be observed in the run");

const Spec = z.strictObject({
  model: z
    .string()
    .min(1)
    .default("vsphere-vms")
    .describe("A model profile name (see `quorate models`) or a path"),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional()
    .describe("Default seed (the CLI's --seed wins)"),
  duration: DurationText.describe("How much simulated time to run"),
  set: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .describe("Model parameter overrides, e.g. {network.latency: 2ms}"),
  steps: z.array(Step).default([]).describe("Faults, runbook actions and waits, in order"),
  triggers: z.array(Trigger).default([]).describe("when: a condition becomes true, run steps"),
  expect: z.array(Expectation).default([]).describe("What must be observed"),
});

/** A whole experiment document. */
export const ExperimentSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal("Experiment"),
  metadata: Metadata,
  spec: Spec,
});

/** An experiment as read from YAML (durations still strings). */
export type ExperimentDocument = z.output<typeof ExperimentSchema>;
export type ActionStepDocument = z.output<typeof ActionStep>;
export type StepDocument = z.output<typeof Step>;
export type WaitStepDocument = z.output<typeof WaitStep>;
export type TriggerDocument = z.output<typeof Trigger>;
export type ExpectationDocument = z.output<typeof Expectation>;

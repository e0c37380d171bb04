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

const Target = z
  .string()
  .min(1)
  .describe("What the step acts on: a name (cp-1, worker-0) or an indexed role (controlPlane[0], worker[1])");

const StepTiming = {
  at: DurationText.optional().describe("Absolute time of the step from the start of the run"),
  after: DurationText.optional().describe("Time after the previous step"),
  note: z.string().optional().describe("Free text shown in the timeline next to the step"),
};

function actionStep(name: string, target: "vm" | "host" | "none", args: z.ZodRawShape) {
  const shape: z.ZodRawShape = {
    ...StepTiming,
    do: z.literal(name),
    ...(target === "none" ? {} : { target: Target }),
    ...args,
  };
  return z.strictObject(shape);
}

const [firstAction, ...otherActions] = ACTIONS.map((a) =>
  actionStep(a.name, a.target, a.args).describe(a.summary),
);

/** One step of an experiment: an action at a time. */
export const ActionStep = z.discriminatedUnion("do", [firstAction!, ...otherActions]);

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
  steps: z.array(ActionStep).default([]).describe("Faults and runbook actions, in order"),
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
export type ExpectationDocument = z.output<typeof Expectation>;

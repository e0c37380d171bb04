/**
 * The experiment format as JSON Schema, for editors: with the Red Hat YAML extension for VS Code
 * (and other yaml-language-server clients), a first line
 * `# yaml-language-server: $schema=<path or URL of the schema>` gives completion, hover text and
 * checking while typing. The schema is generated from the same zod schema the loader validates
 * against, so the two cannot disagree.
 */
import { z } from "zod";
import { API_VERSION, ExperimentSchema } from "./experiment-schema.js";

/** The schema's `$id`: a stable name for this version of the format. */
export const EXPERIMENT_SCHEMA_ID = `https://quorate.dev/schemas/${API_VERSION.replace(/^.*\//, "")}/experiment.json`;

/**
 * JSON Schema (draft 2020-12) of an experiment file as a user writes it (`io: "input"`: fields
 * with defaults are optional, durations are strings).
 */
export function experimentJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ExperimentSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  // `$schema` must come first for readers that sniff it; then our identity, then the body.
  const { $schema, ...body } = generated;
  return {
    $schema,
    $id: EXPERIMENT_SCHEMA_ID,
    title: "quorate experiment",
    description:
      `A quorate experiment (apiVersion ${API_VERSION}, kind Experiment): a model environment, the faults and ` +
      "runbook steps applied to it over simulated time, and what must be observed. See docs/experiment-format.md.",
    ...body,
  };
}

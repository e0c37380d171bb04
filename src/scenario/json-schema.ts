/**
 * The experiment format as JSON Schema, for editors: with the Red Hat YAML extension for VS Code
 * (and other yaml-language-server clients), a first line
 * `# yaml-language-server: $schema=<path or URL of the schema>` gives completion, hover text and
 * checking while typing. The schema is generated from the same zod schema the loader validates
 * against, so the two cannot disagree.
 */
import { z } from "zod";
import { ModelSchema } from "../world/model-schema.js";
import { formatDefault, PARAMETERS } from "../world/parameters.js";
import { API_VERSION, ExperimentSchema } from "./experiment-schema.js";

/** The schema's `$id`: a stable name for this version of the format. */
export const EXPERIMENT_SCHEMA_ID = `https://quorate.dev/schemas/${API_VERSION.replace(/^.*\//, "")}/experiment.json`;
/** The model profile schema's `$id`. */
export const MODEL_SCHEMA_ID = `https://quorate.dev/schemas/${API_VERSION.replace(/^.*\//, "")}/model.json`;

type Json = Record<string, unknown>;

/**
 * Turns an object of parameter settings (`set:` of an experiment, `parameters:` of a profile) into
 * one with every known parameter as a named property, so an editor completes the names and shows
 * each one's summary, default and source; unknown names are flagged (the loader refuses them too).
 */
function withParameterNames(settings: Json, valueSchema: unknown): void {
  const properties: Json = {};
  for (const p of PARAMETERS) {
    properties[p.key] = {
      ...(valueSchema as Json),
      description: `${p.summary}. Default: ${formatDefault(p)}. Source: ${p.source}`,
    };
  }
  delete settings.propertyNames;
  settings.properties = properties;
  settings.additionalProperties = false;
}

/** The object schema at `path` (property names) inside a generated schema. */
function at(schema: Json, ...path: string[]): Json {
  let node = schema;
  for (const key of path) node = (node.properties as Json)[key] as Json;
  return node;
}

/**
 * JSON Schema (draft 2020-12) of an experiment file as a user writes it (`io: "input"`: fields
 * with defaults are optional, durations are strings).
 */
export function experimentJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ExperimentSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  const settings = at(generated, "spec", "set");
  withParameterNames(settings, settings.additionalProperties);
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

/**
 * JSON Schema of a model profile (models/*.yaml), which its first line points editors at
 * (`# yaml-language-server: $schema=../docs/schemas/model.json`).
 */
export function modelJsonSchema(): Json {
  const generated = z.toJSONSchema(ModelSchema, { io: "input", unrepresentable: "any" }) as Json;
  const parameters = at(generated, "spec", "parameters");
  withParameterNames(parameters, parameters.additionalProperties);
  const { $schema, ...body } = generated;
  return {
    $schema,
    $id: MODEL_SCHEMA_ID,
    title: "quorate model profile",
    description:
      `A quorate model profile (apiVersion ${API_VERSION}, kind Model): the layers a world runs and the ` +
      "parameters it sets, each with the public source of its value. See docs/experiment-format.md and `quorate explain model`.",
    ...body,
  };
}

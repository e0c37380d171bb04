import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { API_VERSION } from "../../src/scenario/experiment-schema.js";
import {
  EXPERIMENT_SCHEMA_ID,
  experimentJsonSchema,
  MODEL_SCHEMA_ID,
  modelJsonSchema,
} from "../../src/scenario/json-schema.js";
import { PARAMETERS } from "../../src/world/parameters.js";
import { ACTIONS } from "../../src/world/vocabulary.js";

type Json = Record<string, unknown>;
const obj = (x: unknown): Json => x as Json;

describe("experimentJsonSchema", () => {
  const schema = experimentJsonSchema();
  /** Follows a local `$ref` (shared parts of the schema live in `$defs`). */
  const deref = (x: unknown): Json => {
    const ref = obj(x).$ref;
    return typeof ref === "string" ? obj(obj(schema.$defs)[ref.replace("#/$defs/", "")]) : obj(x);
  };
  const props = obj(schema.properties);
  const spec = obj(props.spec);
  const specProps = obj(spec.properties);

  it("identifies itself for editors", () => {
    expect(Object.keys(schema).slice(0, 4)).toEqual(["$schema", "$id", "title", "description"]);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(EXPERIMENT_SCHEMA_ID);
    expect(obj(props.apiVersion).const).toBe(API_VERSION);
    expect(obj(props.kind).const).toBe("Experiment");
  });

  it("describes the file as written: defaults optional, durations as patterned strings", () => {
    expect(schema.required).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    expect(spec.required).toEqual(["duration"]);
    const duration = obj(specProps.duration);
    expect(duration.type).toBe("string");
    expect(new RegExp(String(duration.pattern)).test("1h30m")).toBe(true);
    expect(new RegExp(String(duration.pattern)).test("5 minutes")).toBe(false);
    expect(spec.additionalProperties).toBe(false);
  });

  it("has one step shape per action, with target required exactly when the action takes one", () => {
    // A step is an action (one shape per action) or a wait.
    const [actions, wait] = deref(obj(specProps.steps).items).anyOf as Json[];
    expect(obj(obj(wait).properties).waitFor).toBeDefined();
    expect(obj(wait).required).toEqual(["waitFor"]);
    const options = obj(actions).oneOf as Json[];
    expect(options.map((o) => obj(obj(o.properties).do).const)).toEqual(ACTIONS.map((a) => a.name));
    for (const action of ACTIONS) {
      const option = options.find((o) => obj(obj(o.properties).do).const === action.name)!;
      expect(option.additionalProperties).toBe(false);
      expect((option.required as string[]).includes("target")).toBe(action.target !== "none");
      expect(option.description).toBe(action.summary);
    }
  });

  it("describes triggers with their own steps and repeat on action steps", () => {
    const trigger = deref(obj(specProps.triggers).items);
    expect(trigger.required).toEqual(["when", "steps"]);
    expect(obj(obj(trigger.properties).steps).items).toEqual(obj(specProps.steps).items);
    const [actions] = deref(obj(specProps.steps).items).anyOf as Json[];
    for (const option of obj(actions).oneOf as Json[]) {
      expect(Object.keys(obj(deref(obj(option.properties).repeat).properties))).toEqual([
        "every",
        "times",
        "until",
      ]);
    }
  });

  it("is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it("matches the copy in docs/schemas that experiment files point editors at", () => {
    const committed = readFileSync("docs/schemas/experiment.json", "utf8");
    // When this fails, regenerate: quorate schema > docs/schemas/experiment.json
    expect(committed).toBe(`${JSON.stringify(schema, null, 2)}\n`);
  });
});

describe("modelJsonSchema", () => {
  const schema = modelJsonSchema();
  const parameters = obj(obj(obj(obj(schema.properties).spec).properties).parameters);

  it("identifies itself and names every parameter with its summary, default and source", () => {
    expect(schema.$id).toBe(MODEL_SCHEMA_ID);
    expect(obj(obj(schema.properties).kind).const).toBe("Model");
    const names = Object.keys(obj(parameters.properties));
    expect(names).toEqual(PARAMETERS.map((p) => p.key));
    expect(parameters.additionalProperties).toBe(false);
    const cni = obj(obj(parameters.properties)["kube.cni.startDuration"]);
    expect(cni.description).toMatch(
      /^On a node that joins during the run.*Default: uniform\(10s, 40s\)\. Source: /,
    );
    expect(cni.required).toEqual(["value", "source"]);
  });

  it("accepts the parameter names of every shipped profile (the files point editors at it)", () => {
    const known = new Set(Object.keys(obj(parameters.properties)));
    for (const file of readdirSync("models").filter((f) => f.endsWith(".yaml"))) {
      const text = readFileSync(`models/${file}`, "utf8");
      expect(text.split("\n")[0], file).toBe("# yaml-language-server: $schema=../docs/schemas/model.json");
      for (const key of Object.keys(parse(text).spec.parameters ?? {}))
        expect(known.has(key), `${file}: ${key}`).toBe(true);
    }
  });

  it("matches the copy in docs/schemas", () => {
    const committed = readFileSync("docs/schemas/model.json", "utf8");
    // When this fails, regenerate: quorate schema model > docs/schemas/model.json
    expect(committed).toBe(`${JSON.stringify(schema, null, 2)}\n`);
  });
});

describe("experiment set: names the parameters too", () => {
  it("completes parameter names and refuses unknown ones", () => {
    const set = obj(obj(obj(obj(experimentJsonSchema().properties).spec).properties).set);
    expect(Object.keys(obj(set.properties))).toContain("etcd.backupOperator.replaceDeadMembers");
    expect(set.additionalProperties).toBe(false);
  });
});

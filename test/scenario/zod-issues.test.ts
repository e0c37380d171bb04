import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatInputErrors, loadYamlText } from "../../src/scenario/index.js";

function messages(schema: z.ZodType, yaml: string): string {
  const r = loadYamlText(yaml, "t.yaml", schema);
  expect(r.ok).toBe(false);
  return r.ok ? "" : formatInputErrors(r.errors);
}

describe("zod issues as user messages", () => {
  const Shape = z.union([
    z.strictObject({ circle: z.strictObject({ radius: z.number() }) }),
    z.strictObject({ square: z.strictObject({ side: z.number() }) }),
  ]);
  const Schema = z.strictObject({
    labels: z.record(z.string(), z.string()).optional(),
    count: z.number().optional(),
    shape: Shape.optional(),
    mode: z.literal(["fast", "safe"]).optional(),
  });

  it("opens a union at the branch the value was meant for", () => {
    expect(messages(Schema, "shape: {square: {side: big}}")).toBe(
      't.yaml:1:24: shape.square.side: found the text "big"; expected a number',
    );
  });

  it("describes every branch when no branch fits", () => {
    expect(messages(Schema, "shape: 3")).toContain(
      "found the number 3; expected a mapping with circle or a mapping with square",
    );
  });

  it("hints at quotes for values YAML read as the wrong type", () => {
    expect(messages(Schema, "labels: {tier: 1}")).toContain(
      'Hint: put the value in quotes to make it text: "1"',
    );
    expect(messages(Schema, 'count: "3"')).toContain("Hint: remove the quotes: 3");
  });

  it("offers the closest allowed literal", () => {
    expect(messages(Schema, "mode: fsat")).toBe(
      't.yaml:1:7: mode: found "fsat"; expected one of "fast", "safe"\n  Hint: did you mean "fast"?',
    );
  });

  it("reports a missing field at the mapping that lacks it, once even when misspelt", () => {
    const Needs = z.strictObject({ spec: z.strictObject({ replicas: z.number() }) });
    expect(messages(Needs, "spec:\n  x: 1\n")).toBe(
      't.yaml:1:1: spec.replicas: missing required field "replicas"; expected a number\n' +
        '  Hint: add "replicas: …" under spec\n' +
        't.yaml:2:3: spec.x: unknown field "x"; expected one of replicas\n' +
        "  Hint: remove it, or check its indentation: it may belong to the mapping above or below",
    );
    expect(messages(Needs, "spec:\n  replica: 1\n")).toBe(
      't.yaml:2:3: spec.replica: unknown field "replica"; expected one of replicas\n  Hint: did you mean "replicas"?',
    );
  });
});

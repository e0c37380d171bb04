/**
 * How many problems of a file one `validate` shows: bad `spec.set` values are reported together
 * with the problems of the steps and expectations (checked against the model without them),
 * unless a refused value could change which names the model has; and a bad value is reported
 * once, at the value (docs/experiment-format.md, "When a file is wrong").
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { formatInputError, type InputError } from "../../src/scenario/errors.js";

const dir = mkdtempSync(join(tmpdir(), "quorate-rounds-"));

function experiment(set: string, target: string): string {
  return [
    "apiVersion: quorate.dev/v1alpha1",
    "kind: Experiment",
    "metadata:",
    "  name: rounds",
    "spec:",
    "  model: vsphere-vms",
    "  duration: 5m",
    "  set:",
    `    ${set}`,
    "  steps:",
    "    - at: 1m",
    "      do: vm.powerOff",
    `      target: ${target}`,
    "  expect:",
    "    - that: lb.backendsUp == 3",
    "      at: 30s",
    "    - that: nosuch.signal",
    "      at: 2m",
    "",
  ].join("\n");
}

function errorsOf(name: string, text: string): InputError[] {
  const file = join(dir, name);
  writeFileSync(file, text);
  const r = prepareRun(file);
  if (r.ok) throw new Error("expected the file to be refused");
  return r.errors;
}

describe("validate reports later problems alongside bad spec.set values", () => {
  it("a bad duration value comes with the unknown target and condition", () => {
    const errors = errorsOf("timing.yaml", experiment("lb.inter: 2", "cp-7"));
    expect(errors.map((e) => e.path.join("."))).toEqual(
      expect.arrayContaining(["spec.set.lb.inter", "spec.steps.0.target", "spec.expect.1.that"]),
    );
    expect(errors).toHaveLength(3);
  });

  it("a refused count that decides the names stops there (cp-7 may exist once it is fixed)", () => {
    const errors = errorsOf("shape.yaml", experiment("topology.controlPlanes: eight", "cp-7"));
    expect(errors.map((e) => e.path.join("."))).toEqual(["spec.set.topology.controlPlanes"]);
  });

  it("a valid set value still decides the names the later checks use", () => {
    const errors = errorsOf("valid.yaml", experiment("topology.controlPlanes: 8", "cp-7"));
    expect(errors.map((e) => e.path.join("."))).toEqual(["spec.expect.1.that"]);
  });
});

describe("a bad spec.set value is reported once, at the value", () => {
  it("points at the value's column and says 'expected' once", () => {
    const [e] = errorsOf("value.yaml", experiment("lb.inter: 2", "cp-1"));
    expect(e).toBeDefined();
    if (e === undefined) return;
    expect(e.line).toBe(9);
    expect(e.col).toBe(15); // `    lb.inter: 2`: the 2, not the key at column 5
    const text = formatInputError(e);
    expect(text.match(/expected/g)).toHaveLength(1);
    expect(text).toContain('spec.set["lb.inter"]: bad value 2; expected a duration such as 150ms, 10s or 5m');
  });

  it("an unknown parameter is pointed at by its key", () => {
    const [e] = errorsOf("unknown.yaml", experiment("lb.intr: 2s", "cp-1"));
    expect(e?.col).toBe(5);
    expect(e?.message).toBe('unknown parameter "lb.intr"');
  });
});

/**
 * The bad-input corpus (test/fixtures/bad): every malformed experiment must come back as located
 * errors — `file:line:col`, what was expected, no stack trace — quickly, and never as a throw.
 * Hostile inputs too large to commit are generated here.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { expectedParameterValue } from "../../src/engine/parameter-words.js";
import { worldResolvers } from "../../src/engine/resolvers.js";
import {
  type CompileResolvers,
  type ExperimentLoadResult,
  formatInputErrors,
  loadExperiment,
  loadExperimentText,
} from "../../src/scenario/index.js";
import { Simulation } from "../../src/sim/simulation.js";
import { installInfraActions } from "../../src/world/infra-actions.js";
import { installInfraSignals } from "../../src/world/infra-signals.js";
import { buildInfraWorld } from "../../src/world/infra-world.js";
import { ParameterSet } from "../../src/world/parameter-set.js";

/** A bad file is refused within a second of work; the bound leaves headroom for a loaded CI machine. */
const MAX_MS = 3000;

const BAD = "test/fixtures/bad";
/** The checks of a real run: the infrastructure world of the vsphere-vms model and its parameters. */
const world = buildInfraWorld(new Simulation({ seed: 1 }), new ParameterSet(), "vsphere-vms");
installInfraActions(world);
installInfraSignals(world);
const resolvers: CompileResolvers = {
  ...worldResolvers(world),
  checkParameter(name, value) {
    const problem = new ParameterSet().override(name, value, "experiment", "test");
    return problem === undefined
      ? null
      : { error: problem.message, expected: expectedParameterValue(name), hint: problem.hint };
  },
};

/** Each fixture: where the first error is, and a fragment of what it must say. */
const CORPUS: ReadonlyArray<{ file: string; at: string; says: string }> = [
  { file: "alias-cycle.yaml", at: "6:11", says: "an alias refers to the value that contains it" },
  { file: "at-and-after.yaml", at: "9:7", says: 'the step has both "at:" and "after:"' },
  { file: "bad-duration.yaml", at: "6:13", says: 'bad duration "5 minutes"' },
  { file: "bad-name.yaml", at: "4:9", says: 'Hint: try "my-experiment"' },
  {
    file: "between-end-before-start.yaml",
    at: "10:21",
    says: "the window ends (2m0s) before it starts (5m0s)",
  },
  { file: "billion-laughs.yaml", at: "7:12", says: "alias bomb" },
  { file: "binary-garbage.bin", at: "1:2", says: "this is not a text file: byte 0x8B at offset 1" },
  { file: "comments-only.yaml", at: "1:1", says: "the file is empty" },
  { file: "deeply-nested.yaml", at: "6:69", says: "nests more than 64 levels deep" },
  { file: "distribution-wrong-shape.yaml", at: "11:24", says: "expected a list of exactly 2 durations" },
  {
    file: "duplicate-keys.yaml",
    at: "8:3",
    says: 'the key "duration" appears twice in the same mapping (first at line 6)',
  },
  { file: "empty.yaml", at: "1:1", says: "the file is empty" },
  { file: "expectation-without-time.yaml", at: "8:7", says: "the expectation has no time" },
  {
    file: "metric-with-time.yaml",
    at: "9:7",
    says: '"within:" does not apply to endpoint.unavailable < 20s: a metric is one number for the whole run',
  },
  {
    file: "metric-without-unit.yaml",
    at: "8:13",
    says: 'endpoint.unavailable is a duration, but 20 in "endpoint.unavailable < 20" has no unit',
  },
  { file: "json-but-wrong.json", at: "5:25", says: "found the number 600; expected a duration like 150ms" },
  { file: "later-step-without-time.yaml", at: "11:7", says: 'the step has no "at:" or "after:"' },
  { file: "missing-duration.yaml", at: "5:1", says: 'missing required field "duration"' },
  { file: "misspelled-spec.yaml", at: "5:1", says: 'unknown field "sepc"' },
  { file: "multiple-documents.yaml", at: "7:1", says: "more than one YAML document" },
  { file: "negative-time.yaml", at: "8:11", says: 'negative duration "-3s"' },
  { file: "nul-byte.yaml", at: "4:12", says: "NUL byte" },
  { file: "number-as-duration.yaml", at: "8:11", says: 'write "30s" for seconds' },
  { file: "partition-unknown-host.yaml", at: "12:18", says: 'unknown host "wrker-1"' },
  {
    file: "repeat-without-end.yaml",
    at: "11:15",
    says: 'the repetition has no end: "times:" or "until:" is missing',
  },
  { file: "repeated-unit.yaml", at: "6:13", says: 'unit "m" appears twice' },
  { file: "set-unknown-parameter.yaml", at: "8:5", says: 'unknown parameter "lb.interval"' },
  { file: "set-wrong-unit.yaml", at: "9:5", says: 'lb.inter: bad duration "10MB": unknown unit "MB"' },
  { file: "step-after-end.yaml", at: "11:14", says: "after the run ends (spec.duration is 10m0s)" },
  { file: "step-without-do.yaml", at: "8:7", says: 'missing "do:"' },
  {
    file: "steps-not-a-list.yaml",
    at: "8:5",
    says: 'found a mapping; expected a list of mappings with a "do:" field',
  },
  { file: "steps-out-of-order.yaml", at: "11:11", says: "before the step on line 8 (at 5m0s)" },
  { file: "tab-indented.yaml", at: "4:1", says: "a tab is used for indentation" },
  { file: "target-on-untargeted-action.yaml", at: "10:7", says: '"net.heal" takes no target' },
  { file: "trigger-step-with-at.yaml", at: "10:11", says: 'a trigger\'s step has "at:"' },
  {
    file: "top-level-list.yaml",
    at: "1:1",
    says: "expected a mapping with apiVersion, kind, metadata and spec",
  },
  { file: "uniform-reversed.yaml", at: "11:33", says: "swap them: [10ms, 15ms]" },
  { file: "unknown-action.yaml", at: "12:11", says: 'unknown action "vm.powerof"' },
  { file: "unknown-condition.yaml", at: "8:13", says: 'did you mean "endpoint.available"?' },
  { file: "unknown-field.yaml", at: "10:7", says: 'unknown field "tagret"' },
  {
    file: "unknown-role.yaml",
    at: "12:15",
    says: 'unknown role "etcd.leader" in model vsphere-vms; expected one of cp-0, cp-1, cp-2',
  },
  { file: "unknown-target.yaml", at: "10:15", says: 'unknown VM "cp-3" in model vsphere-vms' },
  { file: "unresolved-alias.yaml", at: "6:13", says: "the alias *runtime has no anchor before it" },
  { file: "utf16.yaml", at: "1:1", says: "encoded as UTF-16" },
  {
    file: "waitfor-never-met.yaml",
    at: "13:16",
    says: '"vm[cp-0].running == no" is never true; the runbook would wait for something that never happens',
  },
  { file: "waitfor-unknown-condition.yaml", at: "8:13", says: 'did you mean "lb.backendsUp"?' },
  {
    file: "wrong-api-version.yaml",
    at: "1:13",
    says: 'found "quorate.dev/v1"; expected "quorate.dev/v1alpha1"',
  },
  { file: "wrong-kind.yaml", at: "2:7", says: 'found "Experment"; expected "Experiment"' },
  { file: "wrong-type.yaml", at: "11:20", says: 'found the text "high"; expected a number from 0 to 1' },
  { file: "yaml-syntax.yaml", at: "11:5", says: "YAML syntax error" },
];

/** Loads, timing it; fails the test on a throw. */
function timedLoad(load: () => ExperimentLoadResult): { result: ExperimentLoadResult; ms: number } {
  const start = performance.now();
  const result = load();
  return { result, ms: performance.now() - start };
}

function expectReadableFailure(result: ExperimentLoadResult, file: string): string {
  expect(result.ok).toBe(false);
  if (result.ok) return "";
  expect(result.errors.length).toBeGreaterThan(0);
  const text = formatInputErrors(result.errors);
  for (const e of result.errors) expect(e.line).toBeGreaterThanOrEqual(1);
  // Every paragraph starts with the location; only hints and the "… more" line are indented.
  for (const line of text.split("\n")) {
    if (line.startsWith("  Hint: ") || line.startsWith("… and ")) continue;
    expect(line.startsWith(`${file}:`) && /^:\d+:\d+: /.test(line.slice(file.length))).toBe(true);
  }
  expect(text).toContain("expected ");
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toContain("Error:");
  return text;
}

describe("bad-input corpus", () => {
  it("lists every fixture in the table (a new fixture needs its expected message)", () => {
    const files = readdirSync(BAD).sort();
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(CORPUS.map((c) => c.file).sort()).toEqual(files);
  });

  for (const { file, at, says } of CORPUS) {
    it(`${file}: ${says}`, () => {
      const path = `${BAD}/${file}`;
      const { result, ms } = timedLoad(() => loadExperiment(path, resolvers));
      const text = expectReadableFailure(result, path);
      expect(text.split("\n")[0]).toContain(`${path}:${at}: `);
      expect(text).toContain(says);
      expect(ms).toBeLessThan(MAX_MS);
    });
  }
});

describe("generated hostile inputs", () => {
  const dir = mkdtempSync(join(tmpdir(), "quorate-bad-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a 50 MB file by its size, without reading it", () => {
    const path = join(dir, "huge.yaml");
    const line = "    - {at: 1m, do: vm.powerOff, target: cp-0}\n";
    writeFileSync(
      path,
      `apiVersion: quorate.dev/v1alpha1\nspec:\n  steps:\n${line.repeat(Math.ceil(50e6 / line.length))}`,
    );
    const { result, ms } = timedLoad(() => loadExperiment(path, resolvers));
    const text = expectReadableFailure(result, path);
    expect(text).toContain(`${path}:1:1: the file is too large (47.7 MiB); expected at most 256.0 KiB`);
    expect(ms).toBeLessThan(MAX_MS);
  });

  it("refuses 50 MB of text in memory by its size", () => {
    const { result, ms } = timedLoad(() => loadExperimentText("a".repeat(50e6), "<stdin>", resolvers));
    expect(expectReadableFailure(result, "<stdin>")).toContain("too large");
    expect(ms).toBeLessThan(MAX_MS);
  });

  // Each of these crashes, overflows or stalls the YAML parser when it is not stopped first.
  const hostile: ReadonlyArray<{ name: string; text: () => string; says: string }> = [
    {
      name: "100k nested flow lists",
      text: () => `a: ${"[".repeat(1e5)}${"]".repeat(1e5)}`,
      says: "nests more",
    },
    { name: "100k unclosed flow maps", text: () => `a: ${"{".repeat(1e5)}`, says: "nests more" },
    { name: "100k compact sequences", text: () => `${"- ".repeat(1e5)}x`, says: "nests more" },
    {
      name: "600 levels of indentation",
      text: () => Array.from({ length: 600 }, (_, i) => `${" ".repeat(i)}k:`).join("\n"),
      says: "nests more",
    },
    { name: "50k aliases", text: () => `a: &a x\nb: [${"*a,".repeat(5e4)}]`, says: "more than 1000 aliases" },
    { name: "60k documents", text: () => "---\n".repeat(6e4), says: "more than one YAML document" },
    {
      name: "20k duplicate keys in one mapping",
      text: () => "a:\n" + "  b: 1\n".repeat(2e4),
      says: 'the key "b" appears twice',
    },
    { name: "40k tab-indented lines", text: () => "a:\n" + "\tb: 1\n".repeat(4e4), says: "tab" },
  ];
  for (const h of hostile) {
    it(`stops ${h.name} with a located error`, () => {
      const { result, ms } = timedLoad(() => loadExperimentText(h.text(), "hostile.yaml", resolvers));
      expect(expectReadableFailure(result, "hostile.yaml")).toContain(h.says);
      expect(ms).toBeLessThan(MAX_MS);
    });
  }
});

describe("no input makes loading throw", () => {
  it("random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = loadExperimentText(bytes, "random.bin", resolvers);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("random edits of a good experiment give a plan or located errors", () => {
    const good = [
      "apiVersion: quorate.dev/v1alpha1",
      "kind: Experiment",
      "metadata: {name: edited}",
      "spec:",
      "  duration: 10m",
      "  steps:",
      "    - at: 1m",
      "      do: net.delay",
      "      target: cp-0",
      "      latency: {uniform: [10ms, 15ms]}",
      "    - after: 30s",
      "      do: net.partition",
      "      groups: [[cp-0], [cp-1, cp-2]]",
      "  expect:",
      "    - that: writes.available",
      "      between: [1m, 2m]",
      "",
    ].join("\n");
    const edit = fc.record({
      pos: fc.nat({ max: good.length }),
      cut: fc.nat({ max: 6 }),
      insert: fc.string({
        maxLength: 4,
        unit: fc.constantFrom("[", "]", "{", "-", ":", " ", "\n", "\t", "&a", "*a", '"', "#", "x", "0"),
      }),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let text = good;
        for (const e of edits) text = text.slice(0, e.pos) + e.insert + text.slice(e.pos + e.cut);
        const r = loadExperimentText(text, "edited.yaml", resolvers);
        if (r.ok) return;
        const lines = text.split("\n").length;
        for (const e of r.errors) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.line).toBeLessThanOrEqual(lines);
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

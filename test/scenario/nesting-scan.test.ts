import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scanYamlText } from "../../src/scenario/nesting-scan.js";

const limits = { maxDepth: 8, maxAliases: 3 };

describe("scanYamlText", () => {
  it("passes a real experiment", () => {
    const text = readFileSync("test/fixtures/good/capv-two-cp-vms-deleted.yaml", "utf8");
    expect(scanYamlText(text, limits)).toBeNull();
  });

  it("counts flow, compact and indentation nesting", () => {
    expect(scanYamlText(`a: ${"[".repeat(8)}`, limits)).toEqual({ kind: "nesting", index: 10 });
    expect(scanYamlText(`${"- ".repeat(9)}x`, limits)?.kind).toBe("nesting");
    const indented = Array.from({ length: 9 }, (_, i) => `${" ".repeat(i)}k:`).join("\n");
    expect(scanYamlText(indented, limits)?.kind).toBe("nesting");
    // Returning to the left margin closes the levels.
    expect(scanYamlText("a:\n b:\n  c:\nd:\n e:\n", limits)).toBeNull();
  });

  it("ignores brackets in quotes, comments, plain text and block scalars", () => {
    const text = [
      `a: "${"[".repeat(20)}"`,
      `b: '${"{".repeat(20)}'`,
      `c: x ${"[".repeat(20)}`,
      `# ${"[".repeat(20)}`,
      "d: |",
      ...Array.from({ length: 20 }, (_, i) => `  ${" ".repeat(i)}- [`),
      "e: 1",
    ].join("\n");
    expect(scanYamlText(text, limits)).toBeNull();
  });

  it("counts aliases where a value starts, not asterisks in text", () => {
    expect(scanYamlText("a: &x 1\nb: [*x, *x, *x]\nc: 2 * 3\nd: '*x'", limits)).toBeNull();
    expect(scanYamlText("a: &x 1\nb: [*x, *x, *x, *x]", limits)?.kind).toBe("aliases");
  });
});

/**
 * The examples of the documentation run: the first YAML block of docs/experiment-format.md is the
 * example a newcomer copies first, so it must validate and its expectations must pass; the
 * example run in README.md is the real output of its command (with lines left out as `…`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quorate, ROOT } from "../support/cli.js";

/** The fenced ```yaml blocks of a Markdown file, in order. */
function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
}

describe("docs/experiment-format.md", () => {
  it("its first example validates, runs and passes", () => {
    const doc = readFileSync(join(ROOT, "docs", "experiment-format.md"), "utf8");
    const first = yamlBlocks(doc)[0];
    expect(first).toMatch(/^kind: Experiment$/m);
    const file = join(mkdtempSync(join(tmpdir(), "quorate-doc-")), "example.yaml");
    writeFileSync(file, first ?? "");
    const v = quorate(["validate", file]);
    expect(v.stderr).toBe("");
    expect(v.code).toBe(0);
    const r = quorate(["run", file]);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toMatch(/^ {2}FAIL /m);
    expect(r.stdout).not.toMatch(/step .* failed/);
    expect(r.stdout).toMatch(/^PASSED \(3\/3 expectations\)$/m);
    expect(r.code).toBe(0);
  });
});

describe("README.md", () => {
  it("the example run shows what the command prints, line for line", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const block = /^### Example\n\n```sh\n([\s\S]*?)^```$/m.exec(readme)?.[1] ?? "";
    const [command, ...shown] = block.trimEnd().split("\n");
    expect(command).toMatch(/^\$ quorate run /);
    const r = quorate((command ?? "").replace(/^\$ quorate /, "").split(" "));
    expect(r.code).toBe(0);
    const printed = r.stdout.split("\n");
    // Every line shown is printed, in the same order; `…` stands for lines left out.
    let at = 0;
    for (const line of shown) {
      if (line.trim() === "…") continue;
      const found = printed.indexOf(line, at);
      expect(found, `README line not printed (in this order): ${line}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
  });
});

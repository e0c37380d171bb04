/**
 * The bad-input contract at the level a user meets it: every malformed experiment under
 * test/fixtures/bad makes `quorate run` exit 2 within a second, with a located one-paragraph
 * message, no stack trace, and no output file.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { quorate, ROOT } from "../support/cli.js";

const BAD = join(ROOT, "test", "fixtures", "bad");
const fixtures = readdirSync(BAD).sort();
const out = mkdtempSync(join(tmpdir(), "quorate-bad-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("bad experiment files", () => {
  it("the corpus has at least 20 files", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  it.each(fixtures)("%s: exit 2, located message, no stack trace, no trace file", (name) => {
    const trace = join(out, `${name}.jsonl`);
    const r = quorate(["run", join("test", "fixtures", "bad", name), "--trace", trace]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`${name.replace(/\./g, "\\.")}(:\\d+:\\d+)?: `));
    expect(r.stderr).not.toMatch(/\n\s+at .*\(/);
    expect(r.stderr).not.toContain("internal error");
    expect(existsSync(trace)).toBe(false);
    expect(r.ms).toBeLessThan(5_000); // a second of work; generous for a process start on a busy CI machine
  });

  it("a 50 MB file is refused at once", () => {
    const big = join(out, "huge.yaml");
    const line = "# padding padding padding padding padding padding padding padding padding padding\n";
    writeFileSync(
      big,
      `apiVersion: quorate.dev/v1alpha1\n${line.repeat(Math.ceil((50 * 1024 * 1024) / line.length))}`,
    );
    const trace = join(out, "huge.jsonl");
    const r = quorate(["run", big, "--trace", trace]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/too large|larger than/i);
    expect(existsSync(trace)).toBe(false);
    expect(r.ms).toBeLessThan(5_000);
  });

  it("leaves no partial files behind", () => {
    expect(readdirSync(out).filter((f) => f.endsWith(".jsonl") || f.includes("partial"))).toEqual([]);
  });
});

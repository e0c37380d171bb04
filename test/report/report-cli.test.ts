/** `quorate report` from the command line: what it accepts, and bad input refused with no file written. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quorate } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorate-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sweepDir = join(dir, "sweep");
const runJson = join(dir, "run.json");

beforeAll(() => {
  const run = quorate(["run", "experiments/haproxy-cp-power-cycle.yaml", "--format", "json"]);
  writeFileSync(runJson, run.stdout);
  const sweep = quorate([
    "sweep",
    "experiments/haproxy-cp-power-cycle.yaml",
    "--seeds",
    "1..3",
    "--workers",
    "1",
    "--out",
    sweepDir,
  ]);
  expect(sweep.code, sweep.stderr).toBe(0);
});

describe("quorate report", () => {
  it("reads a run result, a sweep directory, its result file and its summary.json", () => {
    const cases: [string, RegExp][] = [
      [runJson, /<h1>haproxy-cp-power-cycle<\/h1>/],
      [sweepDir, /<h1>sweep haproxy-cp-power-cycle<\/h1>/],
      [join(sweepDir, "runs.jsonl"), /holds in every seed/],
      [join(sweepDir, "summary.json"), /id="distributions"/],
    ];
    for (const [input, content] of cases) {
      const out = join(dir, "out.html");
      const r = quorate(["report", input, "--html", out]);
      expect(r.code, `${input}: ${r.stderr}`).toBe(0);
      expect(readFileSync(out, "utf8"), input).toMatch(content);
      rmSync(out);
    }
  });

  it("refuses what is not a quorate result with exit 2 and writes nothing", () => {
    const bad = join(dir, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "notjson.json"), "{ nope");
    writeFileSync(join(bad, "other.json"), JSON.stringify({ format: "something/else" }));
    mkdirSync(join(bad, "empty"));
    const out = join(bad, "out.html");
    const cases: [string[], RegExp][] = [
      [["report", join(bad, "missing.json"), "--html", out], /no such file/],
      [["report", join(bad, "notjson.json"), "--html", out], /not a JSON document/],
      [["report", join(bad, "other.json"), "--html", out], /not a quorate run result/],
      [["report", join(bad, "empty"), "--html", out], /no sweep results here/],
      [["report", runJson, "--html", join(bad, "no", "dir", "x.html")], /does not exist/],
      [["report", runJson], /html/],
    ];
    for (const [args, message] of cases) {
      const r = quorate(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(bad).sort()).toEqual(["empty", "notjson.json", "other.json"]);
  });
});

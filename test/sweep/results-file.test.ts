import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  finishResults,
  LiveResults,
  partialPath,
  readResultsFile,
  renderResults,
} from "../../src/sweep/results-file.js";
import { headerLine, runLine } from "../../src/sweep/run-line.js";
import { header, run } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "quorate-results-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("result files", () => {
  it("append runs as they finish; reading back drops a line torn by a crash", () => {
    const path = partialPath(dir, "runs");
    const live = LiveResults.create(path, header("1..3"));
    live.append(run(0, 2, 60_000_000));
    live.append(run(0, 1, 60_000_000));
    live.close();
    appendFileSync(path, runLine(run(0, 3, 1)).slice(0, 25)); // killed mid-write
    const content = readResultsFile(path);
    expect(content.runs.map((r) => r.seed)).toEqual([2, 1]);
    expect(content.torn).toBe(25);
    // Continuing cuts the torn bytes off first, so the file stays one run per line.
    const again = LiveResults.reopen(path, content);
    again.append(run(0, 3, 1));
    again.close();
    expect(readResultsFile(path).runs.map((r) => r.seed)).toEqual([2, 1, 3]);
    expect(readResultsFile(path).torn).toBe(0);
  });

  it("the final file is sorted by (combination, seed) and replaces the partial one", () => {
    const h = header("1..2", ["a=1", "a=2"]);
    const runs = [run(1, 2, 1), run(0, 2, 1), run(1, 1, 1), run(0, 1, 1)];
    writeFileSync(partialPath(dir, "shard-0-of-1"), headerLine(h));
    const path = finishResults(dir, "shard-0-of-1", h, runs);
    expect(existsSync(partialPath(dir, "shard-0-of-1"))).toBe(false);
    const text = readFileSync(path, "utf8");
    expect(text).toBe(renderResults(h, [...runs].reverse()));
    expect(readResultsFile(path).runs.map((r) => [r.combination, r.seed])).toEqual([
      [0, 1],
      [0, 2],
      [1, 1],
      [1, 2],
    ]);
  });

  it("refuses files that are not sweep results, and damaged lines in the middle", () => {
    const notOurs = join(dir, "other.jsonl");
    writeFileSync(notOurs, '{"t":0,"kind":"vm.power"}\n');
    expect(() => readResultsFile(notOurs)).toThrow(/not a quorate sweep result file/);
    const damaged = join(dir, "damaged.jsonl");
    writeFileSync(damaged, `${headerLine(header("1..2"))}garbage\n${runLine(run(0, 1, 1))}`);
    expect(() => readResultsFile(damaged)).toThrow(/damaged\.jsonl:2: damaged line/);
  });
});

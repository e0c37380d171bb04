import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTranscript, runTranscriptFile } from "./transcript.js";

const dir = join(import.meta.dirname, "testdata");
const update = process.env.UPDATE_TRANSCRIPTS === "1";

describe("raft transcripts", () => {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .sort()) {
    it(file, () => {
      const result = runTranscriptFile(join(dir, file), update);
      if (update) return;
      const report = result.mismatches
        .map(
          (m) =>
            `line ${m.line}: ${m.command}\n--- expected\n${m.expected.join("\n")}\n--- actual\n${m.actual.join("\n")}`,
        )
        .join("\n\n");
      expect(report).toBe("");
    });
  }

  it("fails on a wrong expected output", () => {
    const text = "add-nodes voters=1\n----\nok\n\nstatus\n----\n1: leader term=9\n";
    const result = runTranscript(text);
    expect(result.mismatches).toHaveLength(1);
    expect(result.mismatches[0]!.actual[0]).toBe(
      "1: follower term=1 vote=0 leader=0 commit=1 applied=0 log=1..1",
    );
  });
});

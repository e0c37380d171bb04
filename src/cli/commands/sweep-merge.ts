/**
 * `quorate sweep merge DIR`: combines the shard files in DIR (`shard-<i>-of-<n>.jsonl`, one per
 * Indexed Job pod) into the summary and verdict a single-machine sweep prints — byte for byte —
 * and leaves `summary.json` beside them. Exit 0 when every expectation held in every seed, 1 when
 * not, 2 when a shard is missing or the files do not belong to one sweep.
 */
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { renderSweepJson } from "../../report/sweep-json.js";
import { renderSweepText } from "../../report/sweep-text.js";
import { writeFileAtomic } from "../../sweep/atomic-file.js";
import { loadSweep } from "../../sweep/merge.js";
import { summarise } from "../../sweep/summary.js";
import { EXIT_EXPECTATION_FAILED, EXIT_OK, UsageError } from "../exit.js";
import { writeStdout } from "../stdout.js";
import { SUMMARY_FILE, withSweepInput } from "./sweep-shared.js";

interface MergeArgs {
  dir: string;
  format: string;
}

/** The `sweep merge` subcommand. */
export function sweepMergeCommand(setExit: (code: number) => void): CommandModule<object, MergeArgs> {
  return {
    command: "merge <dir>",
    describe: "Combine the shard files in DIR into the sweep's summary and verdict",
    builder: (y) =>
      y
        .positional("dir", {
          type: "string",
          demandOption: true,
          describe: "Directory with shard-*-of-*.jsonl",
        })
        .option("format", {
          choices: ["text", "json"],
          default: "text",
          describe: "Summary format",
        }) as never,
    handler: (args) => {
      const loaded = withSweepInput(() => loadSweep(args.dir));
      if (loaded.missing.length > 0) {
        throw new UsageError(
          `${args.dir}: ${loaded.missing.length} planned run${loaded.missing.length === 1 ? " is" : "s are"} missing from the result files (e.g. combination:seed ${loaded.missing.slice(0, 3).join(", ")}); re-run the shards that hold them with --resume`,
        );
      }
      const summary = summarise(loaded.header, loaded.runs);
      const json = renderSweepJson(summary);
      try {
        writeFileAtomic(join(args.dir, SUMMARY_FILE), json);
      } catch (e) {
        process.stderr.write(
          `quorate: could not write ${SUMMARY_FILE} in ${args.dir} (${(e as Error).message})\n`,
        );
      }
      writeStdout(args.format === "json" ? json : renderSweepText(summary));
      setExit(summary.passed ? EXIT_OK : EXIT_EXPECTATION_FAILED);
    },
  };
}

/**
 * `quorate report RESULT --html out.html`: one self-contained HTML page from a run result
 * (`quorate run --format json > run.json`) or a sweep (its output directory, a result file, or its
 * summary.json next to the result files). Bad input (unreadable file, not a quorate result, a
 * directory without results, an unwritable output path) exits 2 and writes nothing.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { CommandModule } from "yargs";
import { readRunDocument } from "../../report/html/run-document.js";
import { renderRunHtml } from "../../report/html/run-page.js";
import { renderSweepHtml } from "../../report/html/sweep-page.js";
import { loadSweep } from "../../sweep/merge.js";
import { SWEEP_SUMMARY_FORMAT, summarise } from "../../sweep/summary.js";
import { EXIT_OK, UsageError } from "../exit.js";
import { checkOutputFile, writeOutputFile } from "../output-file.js";
import { withSweepInput } from "./sweep-shared.js";

interface ReportArgs {
  result: string;
  html: string;
}

/** The `report` command. */
export function reportCommand(setExit: (code: number) => void): CommandModule<object, ReportArgs> {
  return {
    command: "report <result>",
    describe: "Write an HTML report of a run result (JSON) or a sweep (directory or summary.json)",
    builder: (y) =>
      y
        .positional("result", {
          type: "string",
          demandOption: true,
          describe: "quorate run --format json output, a sweep --out directory, or its summary.json",
        })
        .option("html", {
          type: "string",
          demandOption: true,
          describe: "Write the report to this HTML file",
        }) as never,
    handler: (args) => {
      checkOutputFile("--html", args.html);
      const html = renderReport(args.result);
      writeOutputFile("--html", args.html, html);
      process.stderr.write(`quorate: wrote ${args.html}\n`);
      setExit(EXIT_OK);
    },
  };
}

function renderReport(path: string): string {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or directory`);
  if (statSync(path).isDirectory() || path.endsWith(".jsonl")) return sweepReport(path);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`${path}: not a JSON document (${(e as Error).message})`);
  }
  const format =
    typeof value === "object" && value !== null ? (value as { format?: unknown }).format : undefined;
  if (format === SWEEP_SUMMARY_FORMAT) return sweepReport(dirname(path));
  const doc = readRunDocument(value);
  if ("error" in doc) throw new UsageError(`${path}: not a quorate run result: ${doc.error}`);
  return renderRunHtml(doc);
}

function sweepReport(path: string): string {
  const loaded = withSweepInput(() => loadSweep(path));
  return renderSweepHtml(summarise(loaded.header, loaded.runs), loaded.runs);
}

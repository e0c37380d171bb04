/**
 * The terminal report of a run: who/what/which seed, the timeline of what a person watching the
 * cluster would have seen, then a summary (availability windows, metrics, expectation verdicts,
 * broken invariants). Colours come from chalk and are off when NO_COLOR is set or --no-color given.
 */
import chalk from "chalk";
import { formatClock, formatDuration } from "../sim/time.js";
import type { RunResult } from "../world/result.js";
import type { Tone } from "./describe.js";
import { count } from "./plural.js";
import { timelineEntries } from "./timeline.js";

const TONE_STYLE: Readonly<Record<Tone, (s: string) => string>> = {
  fault: (s) => chalk.red(s),
  recovery: (s) => chalk.green(s),
  step: (s) => chalk.cyan.bold(s),
  change: (s) => chalk.yellow(s),
  detail: (s) => chalk.dim(s),
  violation: (s) => chalk.bgRed.white.bold(s),
};

const TONE_MARK: Readonly<Record<Tone, string>> = {
  fault: "✗",
  recovery: "✓",
  step: "▶",
  change: "•",
  detail: " ",
  violation: "!",
};

/** The timeline lines of a run (without header or summary). */
export function timelineLines(result: RunResult): string[] {
  return timelineEntries(result).map(
    ({ record, line }) =>
      `  ${chalk.dim(formatClock(record.t))}  ${TONE_STYLE[line.tone](`${TONE_MARK[line.tone]} ${line.text}`)}`,
  );
}

/** The whole text report. */
export function renderText(result: RunResult): string {
  const out: string[] = [];
  out.push(
    chalk.bold(`experiment ${result.experiment}`) + chalk.dim(`  model ${result.model}  seed ${result.seed}`),
  );
  if (result.description) out.push(chalk.dim(result.description));
  for (const p of result.parameters.filter((x) => x.origin !== "model"))
    out.push(chalk.dim(`  set ${p.key} = ${p.value} (${p.origin})`));
  out.push("");
  out.push(chalk.bold("timeline"));
  out.push(...timelineLines(result));
  out.push("");
  out.push(...summaryLines(result));
  return `${out.join("\n")}\n`;
}

/** The summary: availability, expectations, findings, verdict. */
export function summaryLines(result: RunResult): string[] {
  const out: string[] = [chalk.bold("summary")];
  out.push(`  simulated ${formatDuration(result.durationUs)}, ${result.eventsProcessed} events`);
  // Times are cut to the millisecond, as the clocks of the timeline and the verdicts are.
  for (const a of result.availability) {
    const windows = a.windows.map((w) => `${formatClock(w.from)}–${formatClock(w.to)}`).join(", ");
    const text =
      a.unavailableUs === 0
        ? chalk.green("always available")
        : chalk.red(`unavailable ${formatDuration(Math.floor(a.unavailableUs / 1000) * 1000)}`) +
          chalk.dim(` (${windows})`);
    out.push(`  ${a.name.padEnd(10)} ${text}`);
  }
  const m = result.metrics;
  if (m.recoveryUs !== undefined) {
    out.push(
      `  ${"recovery".padEnd(10)} ${
        m.recoveryUs === null
          ? chalk.red("not recovered by the end of the run")
          : `complete ${formatDuration(Math.floor(m.recoveryUs / 1000) * 1000)} after the first step`
      }`,
    );
  }
  if (m.lostWrites !== undefined && m.lostWrites !== null) {
    out.push(
      `  ${"lost".padEnd(10)} ${m.lostWrites === 0 ? chalk.green("0 acknowledged writes lost") : chalk.red(`${m.lostWrites} acknowledged writes lost`)}`,
    );
  }
  if (m.elections !== undefined && m.elections !== null)
    out.push(`  ${"elections".padEnd(10)} ${m.elections}`);
  if (result.expectations.length > 0) {
    out.push("");
    out.push(chalk.bold("expectations"));
    for (const e of result.expectations) {
      const mark = e.passed ? chalk.green("PASS") : chalk.red("FAIL");
      out.push(`  ${mark} ${e.that}: expected ${e.expected}; observed ${e.observed}`);
      if (e.quote) out.push(chalk.dim(`       "${e.quote}"`));
    }
  }
  if (result.findings.length > 0) {
    out.push("");
    out.push(chalk.bgRed.white.bold("invariants violated"));
    for (const f of result.findings)
      out.push(chalk.red(`  ${formatClock(f.t)} ${f.invariant}: ${f.message}`));
  }
  out.push("");
  const passed = result.expectations.filter((e) => e.passed).length;
  out.push(
    result.passed
      ? chalk.green.bold(`PASSED (${passed}/${count(result.expectations.length, "expectation")})`)
      : chalk.red.bold(
          `FAILED (${passed}/${count(result.expectations.length, "expectation")}${result.findings.length ? `, ${count(result.findings.length, "invariant violation")}` : ""})`,
        ),
  );
  return out;
}

/**
 * The terminal summary of a sweep: for each combination of parameter values, the distribution of
 * unavailable time and of each metric (p50/p90/p99/max over seeds), each expectation's pass rate
 * with its failing seeds and the command that re-runs the worst one, and a verdict — the answer to
 * "does the runbook hold?". No wall-clock numbers, so the same runs give the same bytes whether
 * they ran on one machine or were merged from shards.
 */
import chalk from "chalk";
import { formatDuration } from "../sim/time.js";
import type {
  CombinationSummary,
  ExpectationSummary,
  MeasureSummary,
  SweepSummary,
} from "../sweep/summary.js";
import { count } from "./plural.js";
import { shellCommand } from "./shell-quote.js";

/** Failing seeds listed in full up to this many; the JSON summary always lists all. */
export const LISTED_SEEDS = 10;

/** The whole summary as text. */
export function renderSweepText(s: SweepSummary): string {
  const out: string[] = [];
  out.push(chalk.bold(`sweep ${s.experiment}`) + chalk.dim(`  model ${s.model}  file ${s.file}`));
  const combos = s.combinations.length;
  const seeds = combos > 0 ? s.plannedRuns / combos : 0;
  out.push(
    chalk.dim(
      `seeds ${s.seeds} (${seeds}) × ${count(combos, "combination")} = ${count(s.plannedRuns, "run")}` +
        (s.runs < s.plannedRuns ? ` — incomplete: ${s.runs} of ${count(s.plannedRuns, "run")} done` : ""),
    ),
  );
  for (const set of s.set) out.push(chalk.dim(`  set ${set.key} = ${set.text}`));
  for (const c of s.combinations) {
    out.push("");
    out.push(...combinationLines(s, c));
  }
  out.push("");
  out.push(verdictLine(s));
  return `${out.join("\n")}\n`;
}

function combinationLines(s: SweepSummary, c: CombinationSummary): string[] {
  const out: string[] = [];
  const incomplete = c.runs < c.plannedRuns ? `, ${c.plannedRuns - c.runs} not run yet` : "";
  out.push(
    chalk.bold(`combination ${c.label}`) +
      chalk.dim(`  (${count(c.runs, "run")}, ${c.passedRuns} passed everything${incomplete})`),
  );
  const rows: string[][] = [["", "p50", "p90", "p99", "max", ""]];
  for (const a of c.availability) rows.push(measureRow(`${a.name} unavailable`, a));
  for (const m of c.metrics) rows.push(measureRow(metricLabel(m.name), m));
  for (const e of c.expectations) {
    if (e.reachedAt)
      rows.push(
        measureRow(reachedLabel(c, e), { name: e.that, unit: "us", quantiles: e.reachedAt }, "never reached"),
      );
  }
  if (rows.length > 1) out.push(...table(rows));
  if (c.expectations.length > 0) out.push("  expectations");
  for (const e of c.expectations) out.push(...expectationLines(s, c, e));
  if (c.findings.runs > 0) {
    out.push(
      chalk.red(
        `  invariants broken in ${c.findings.runs} of ${count(c.runs, "run")}: seeds ${listSeeds(c.findings.seeds)}`,
      ),
    );
    out.push(chalk.dim(`      re-run: ${rerun(s, c, c.findings.seeds[0]!)}`));
  }
  const failing = c.runs - c.passedRuns;
  out.push(
    c.holds
      ? chalk.green(`  verdict: holds in every seed (${c.runs}/${c.plannedRuns})`)
      : c.runs < c.plannedRuns && failing === 0
        ? chalk.yellow(
            `  verdict: no failure yet, but only ${c.runs} of ${count(c.plannedRuns, "run")} are done`,
          )
        : chalk.red(`  verdict: does not hold — fails in ${failing} of ${count(c.runs, "seed")}`),
  );
  return out;
}

function expectationLines(s: SweepSummary, c: CombinationSummary, e: ExpectationSummary): string[] {
  const rate = `holds in ${e.holds}/${count(e.runs, "seed")}`;
  if (e.failingSeeds.length === 0) return [`    ${chalk.green("PASS")} ${e.that}: ${e.expected} — ${rate}`];
  const worst = e.worst ? ` — worst: seed ${e.worst.seed}, observed ${e.worst.observed}` : "";
  return [
    `    ${chalk.red("FAIL")} ${e.that}: ${e.expected} — ${rate}; fails in seeds ${listSeeds(e.failingSeeds)}${worst}`,
    chalk.dim(`         re-run: ${rerun(s, c, e.worst?.seed ?? e.failingSeeds[0]!)}`),
  ];
}

function verdictLine(s: SweepSummary): string {
  if (s.passed) {
    return chalk.green.bold(
      `VERDICT: holds — every expectation held in ${s.runs === 1 ? "the 1 run" : `all ${s.runs} runs`} (${count(s.combinations.length, "combination")})`,
    );
  }
  const failing = s.combinations.filter((c) => !c.holds);
  const names = failing.map((c) => c.label).join("; ");
  return chalk.red.bold(
    `VERDICT: does not hold — ${failing.length} of ${s.combinations.length} combination${s.combinations.length === 1 ? "" : "s"} failing or incomplete (${names})`,
  );
}

/** The command that repeats one run of the sweep. */
export function rerun(s: SweepSummary, c: CombinationSummary, seed: number): string {
  const sets = [...s.set, ...c.settings].flatMap((x) => ["--set", `${x.key}=${x.text}`]);
  return shellCommand(["quorate", "run", s.file, "--seed", String(seed), ...sets]);
}

function listSeeds(seeds: readonly number[]): string {
  if (seeds.length <= LISTED_SEEDS) return seeds.join(", ");
  return `${seeds.slice(0, LISTED_SEEDS).join(", ")}, … (${seeds.length} in all)`;
}

function metricLabel(name: string): string {
  return name === "recoveryUs" ? "recovery" : name;
}

/**
 * `lb.backendsUp == 3 reached at`: the row for when a waited-for condition was reached; the
 * expectation's number is added when the same condition is expected more than once.
 */
export function reachedLabel(c: CombinationSummary, e: ExpectationSummary): string {
  const twice = c.expectations.filter((x) => x.that === e.that).length > 1;
  return `${e.that}${twice ? ` (#${e.index + 1})` : ""} reached at`;
}

function measureRow(label: string, m: MeasureSummary, none = "none"): string[] {
  const q = m.quantiles;
  const f = (v: number | null) => (v === null ? "-" : m.unit === "us" ? formatMeasure(v) : String(v));
  const note = q.missing > 0 ? `(${none} in ${q.missing} run${q.missing === 1 ? "" : "s"})` : "";
  return [label, f(q.p50), f(q.p90), f(q.p99), f(q.max), note];
}

/** Durations to the millisecond: enough for people, and short. */
function formatMeasure(us: number): string {
  return formatDuration(Math.round(us / 1000) * 1000);
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r, ri) => {
    const cells = r.map((cell, i) => {
      if (i === 0) return cell.padEnd(widths[0]!);
      if (i === r.length - 1) return chalk.dim(cell);
      return cell.padStart(widths[i]!);
    });
    const line = `  ${cells.join("  ")}`.trimEnd();
    return ri === 0 ? chalk.dim(line) : line;
  });
}

/**
 * The HTML report of a sweep: the verdict, then per combination of parameter values the
 * p50/p90/p99/max table, each expectation's pass rate with every failing seed and the command to
 * re-run the worst; then, per measure (unavailable time of each availability measure, recovery
 * time, lost writes, …), a CDF overlaying the combinations and a histogram for each.
 */
import { formatDuration } from "../../sim/time.js";
import { compareRuns, type RunLine } from "../../sweep/run-line.js";
import { observedInstant } from "../../sweep/severity.js";
import type { CombinationSummary, MeasureSummary, SweepSummary } from "../../sweep/summary.js";
import { count } from "../plural.js";
import { reachedLabel, rerun } from "../sweep-text.js";
import { escapeHtml } from "./escape.js";
import { page, table, td } from "./page.js";

/** One measure's values over the runs of one combination. */
interface Series {
  readonly label: string;
  /** Ascending. */
  readonly values: readonly number[];
  /** Runs without a value (e.g. never recovered). */
  readonly missing: number;
}

/** The page for a sweep. `runs` supply the distributions; the summary everything else. */
export function renderSweepHtml(summary: SweepSummary, runs: readonly RunLine[]): string {
  const parts: string[] = [];
  parts.push(`<h1>sweep ${escapeHtml(summary.experiment)}</h1>`);
  const combos = summary.combinations.length;
  parts.push(
    `<p class="meta">model ${escapeHtml(summary.model)} · file ${escapeHtml(summary.file)} · seeds ${escapeHtml(summary.seeds)} · ` +
      `${count(combos, "combination")} · ${summary.runs} of ${count(summary.plannedRuns, "run")}</p>`,
  );
  for (const s of summary.set)
    parts.push(`<p class="meta">set ${escapeHtml(s.key)} = ${escapeHtml(s.text)}</p>`);
  parts.push(
    `<p><span class="verdict ${summary.passed ? "pass" : "fail"}">${summary.passed ? "HOLDS" : "DOES NOT HOLD"}</span> ` +
      (summary.passed
        ? "every expectation held in every seed"
        : `${summary.combinations.filter((c) => !c.holds).length} of ${combos} combinations fail or are incomplete`) +
      "</p>",
  );
  for (const c of summary.combinations) parts.push(combinationSection(summary, c));
  parts.push("<h2>Distributions</h2>");
  parts.push('<div id="distributions" class="chart"></div>');
  return page(`sweep ${summary.experiment} — quorate`, parts.join("\n"), {
    kind: "sweep",
    measures: measureData(summary, runs),
  });
}

function combinationSection(s: SweepSummary, c: CombinationSummary): string {
  const out: string[] = [];
  out.push(`<h2>${escapeHtml(c.label)}</h2>`);
  out.push(
    `<p><span class="${c.holds ? "pass" : "fail"}">${c.holds ? "holds in every seed" : "does not hold"}</span> — ` +
      `${c.passedRuns} of ${count(c.runs, "run")} passed everything${c.runs < c.plannedRuns ? ` (${c.plannedRuns - c.runs} not run)` : ""}</p>`,
  );
  const rows = [
    ...c.availability.map((m) => measureRow(`${m.name} unavailable`, m)),
    ...c.metrics.map((m) => measureRow(metricLabel(m.name), m)),
    ...c.expectations.flatMap((e) =>
      e.reachedAt
        ? [measureRow(reachedLabel(c, e), { name: e.that, unit: "us", quantiles: e.reachedAt })]
        : [],
    ),
  ];
  if (rows.length > 0) out.push(table(["measure", "p50", "p90", "p99", "max", "runs without a value"], rows));
  out.push(
    table(
      ["", "condition", "expected", "holds in", "failing seeds", "worst"],
      c.expectations.map((e) => {
        const ok = e.failingSeeds.length === 0;
        const worst = e.worst
          ? `<td>seed ${e.worst.seed}: ${escapeHtml(e.worst.observed)}<br><code>${escapeHtml(rerun(s, c, e.worst.seed))}</code></td>`
          : td("");
        return [
          td(ok ? "PASS" : "FAIL", ok ? "pass" : "fail"),
          `<td><code>${escapeHtml(e.that)}</code></td>`,
          td(e.expected),
          td(`${e.holds}/${e.runs}`, "num"),
          seedsCell(e.failingSeeds),
          worst,
        ];
      }),
      "expectations",
    ),
  );
  if (c.findings.runs > 0)
    out.push(
      `<p class="fail">invariants broken in ${count(c.findings.runs, "run")}: seeds ${escapeHtml(c.findings.seeds.join(", "))}</p>`,
    );
  return out.join("\n");
}

function seedsCell(seeds: readonly number[]): string {
  if (seeds.length === 0) return td("");
  if (seeds.length <= 20) return td(seeds.join(", "));
  return `<td><details><summary>${seeds.length} seeds: ${escapeHtml(seeds.slice(0, 10).join(", "))}, …</summary>${escapeHtml(seeds.join(", "))}</details></td>`;
}

function measureRow(label: string, m: MeasureSummary): string[] {
  const q = m.quantiles;
  const f = (v: number | null) =>
    v === null ? "-" : m.unit === "us" ? formatDuration(Math.round(v / 1000) * 1000) : String(v);
  return [
    td(label),
    td(f(q.p50), "num"),
    td(f(q.p90), "num"),
    td(f(q.p99), "num"),
    td(f(q.max), "num"),
    td(q.missing || "", "num"),
  ];
}

function metricLabel(name: string): string {
  return name === "recoveryUs" ? "recovery" : name;
}

/** For every measure of any combination: each combination's sorted values. */
function measureData(summary: SweepSummary, runs: readonly RunLine[]) {
  const sorted = [...runs].sort(compareRuns);
  const names: {
    source: "availability" | "metrics" | "reached";
    name: string;
    label: string;
    unit: string;
  }[] = [];
  const seen = new Set<string>();
  for (const c of summary.combinations) {
    for (const a of c.availability) add("availability", a.name, `${a.name} unavailable`, "us");
    for (const m of c.metrics) add("metrics", m.name, metricLabel(m.name), m.unit);
    for (const e of c.expectations)
      if (e.reachedAt) add("reached", String(e.index), reachedLabel(c, e), "us");
  }
  function add(
    source: "availability" | "metrics" | "reached",
    name: string,
    label: string,
    unit: string,
  ): void {
    const key = `${source}:${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    names.push({ source, name, label, unit });
  }
  return names.map((n) => ({
    name: `${n.source}:${n.name}`,
    label: n.label,
    unit: n.unit,
    series: summary.combinations.map((c): Series => {
      const mine = sorted.filter((r) => r.combination === c.index);
      const values: number[] = [];
      for (const r of mine) {
        const v =
          n.source === "reached"
            ? observedInstant(r.expectations[Number(n.name)]?.observed ?? "")
            : r[n.source][n.name];
        if (typeof v === "number" && Number.isFinite(v)) values.push(v);
      }
      values.sort((a, b) => a - b);
      return { label: c.label, values, missing: mine.length - values.length };
    }),
  }));
}

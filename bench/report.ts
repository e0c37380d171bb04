/** How benchmark results are printed: an aligned table for people, one JSON line each for pipelines. */
import type { BenchResult } from "./benchmark.js";
import { formatRate } from "./measure.js";

/** A finished benchmark with its name. */
export interface NamedResult {
  readonly name: string;
  readonly result: BenchResult;
}

/** `{"bench":"<name>", <metric key>: <value>, ...}` on one line, keys in the benchmark's order. */
export function toBenchJsonLine({ name, result }: NamedResult): string {
  const fields = result.metrics.map((m) => `${JSON.stringify(m.key)}:${JSON.stringify(m.value)}`);
  return `{"bench":${JSON.stringify(name)}${fields.map((f) => "," + f).join("")}}`;
}

function formatValue(value: number, unit: string): string {
  const number = Number.isInteger(value) ? formatRate(value) : String(value);
  return unit === "" ? number : `${number} ${unit}`;
}

/** An aligned text table: benchmark, metric, value; notes under their benchmark. */
export function formatBenchTable(results: readonly NamedResult[]): string {
  const rows: [string, string, string][] = [["benchmark", "metric", "value"]];
  const notesAfter = new Map<number, readonly string[]>();
  for (const { name, result } of results) {
    result.metrics.forEach((m, i) => {
      rows.push([i === 0 ? name : "", m.label, formatValue(m.value, m.unit)]);
    });
    if (result.notes.length > 0) notesAfter.set(rows.length - 1, result.notes);
  }
  const width = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines: string[] = [];
  rows.forEach((r, i) => {
    lines.push(`${r[0].padEnd(width[0]!)}  ${r[1].padEnd(width[1]!)}  ${r[2].padStart(width[2]!)}`.trimEnd());
    for (const note of notesAfter.get(i) ?? []) lines.push(`  ! ${note}`);
  });
  return lines.join("\n") + "\n";
}

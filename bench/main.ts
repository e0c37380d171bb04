/**
 * `npm run bench -- [name...] [--json] [--rounds N] [--size N] [--list]`
 *
 * Runs the named benchmarks (all of them when none is named) and prints a table, or with `--json`
 * exactly one JSON line per benchmark on stdout (progress goes to stderr). Exit code 1 when a
 * benchmark's own correctness check fails, 2 for a bad command line.
 */
import { parseArgs } from "node:util";
import type { Benchmark } from "./benchmark.js";
import { BENCHMARKS, findBenchmark } from "./registry.js";
import { formatBenchTable, type NamedResult, toBenchJsonLine } from "./report.js";

const USAGE = `usage: npm run bench -- [name...] [--json] [--rounds N] [--size N] [--list]
  name        benchmark(s) to run (default: all but soak): ${BENCHMARKS.map((b) => b.name).join(", ")}
  --json      one JSON line per benchmark on stdout
  --rounds N  timed rounds per contender, median reported (default 3)
  --size N    work per round (events, ...), overriding the benchmark's default
  --list      list the benchmarks and exit
`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(/_/g, ""));
  if (!Number.isSafeInteger(n) || n <= 0) fail(`${flag} needs a positive whole number, got "${text}"`);
  return n;
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.list) {
    for (const b of BENCHMARKS) process.stdout.write(`${b.name.padEnd(10)} ${b.description}\n`);
    return 0;
  }
  const selected: Benchmark[] =
    positionals.length === 0
      ? // The 30-day soak takes over an hour of wall time: it runs only when named.
        BENCHMARKS.filter((b) => b.name !== "soak")
      : positionals.map((name) => findBenchmark(name) ?? fail(`unknown benchmark "${name}"`));
  const rounds = positiveInt("--rounds", values.rounds) ?? 3;
  const size = positiveInt("--size", values.size);
  const json = values.json === true;
  const log = (message: string): void => {
    process.stderr.write(message + "\n");
  };

  const results: NamedResult[] = [];
  for (const bench of selected) {
    log(`${bench.name}: ${bench.description}`);
    const result = await bench.run({ rounds, size, log });
    results.push({ name: bench.name, result });
    if (json) {
      process.stdout.write(toBenchJsonLine({ name: bench.name, result }) + "\n");
      for (const note of result.notes) log(`${bench.name}: ${note}`);
    }
  }
  if (!json) process.stdout.write("\n" + formatBenchTable(results));
  return results.every((r) => r.result.ok) ? 0 : 1;
}

function parseCommandLine(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      list: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      rounds: { type: "string" },
      size: { type: "string" },
    },
  });
}

process.exitCode = await main(process.argv.slice(2));

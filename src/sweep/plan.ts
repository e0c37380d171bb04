/**
 * Planning a sweep: read the seed range and the `--vary` axes, build every combination, and check
 * each combination's overrides against the experiment (prepareRun with those overrides) before
 * anything runs, so an unknown key or a bad value fails at once with exit code 2 and no output.
 * The plan lists this process's runs in (combination, seed) order and the header its result
 * file starts with.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { type CliOverride, type PreparedRun, prepareRun } from "../engine/prepare.js";
import { evaluateExpectations } from "../observe/expectations.js";
import type { InputError } from "../scenario/errors.js";
import type { RunTask } from "./execute.js";
import { SweepInputError } from "./input-error.js";
import { SWEEP_RUNS_FORMAT, type SweepHeader } from "./run-line.js";
import { formatSeeds, parseSeedRange } from "./seed-range.js";
import { type Shard, seedsOfShard } from "./shard.js";
import {
  type Combination,
  combinations,
  parseSetting,
  parseVary,
  type SettingText,
  settingValue,
} from "./vary.js";

/** What the command line asks for. */
export interface SweepRequest {
  readonly file: string;
  /** `--seeds` as written. */
  readonly seeds: string;
  /** `--set key=value` flags shared by every combination. */
  readonly set?: readonly string[];
  /** `--vary key=v1,v2` flags. */
  readonly vary?: readonly string[];
  readonly shard?: Shard;
}

/** A sweep ready to run. */
export interface SweepPlan {
  readonly header: SweepHeader;
  readonly combinations: readonly Combination[];
  /** This process's seeds (all of them unless sharded). */
  readonly seeds: readonly number[];
  /** This process's runs, in (combination, seed) order. */
  readonly tasks: readonly RunTask[];
}

/** A plan, or the located problems with the experiment file. */
export type PlanResult = { ok: true; plan: SweepPlan } | { ok: false; errors: InputError[] };

/**
 * Plans a sweep. Problems with the flags throw SweepInputError; problems with the experiment file
 * come back as located InputErrors (as `quorate run` reports them).
 */
export function planSweep(request: SweepRequest): PlanResult {
  const allSeeds = parseSeedRange(request.seeds);
  const shared = (request.set ?? []).map(parseSetting);
  const axes = parseVary(request.vary ?? []);
  for (const a of axes) {
    if (shared.some((s) => s.key === a.key))
      throw new SweepInputError(`${a.key} is given with both --set and --vary; keep one`);
  }
  const combos = combinations(axes);
  const variedKeys = new Set(axes.map((a) => a.key));

  const overridesOf = combos.map((c) => [...shared, ...c.settings].map(toOverride));
  let first: PreparedRun | undefined;
  const flagProblems = new Map<string, string>();
  for (const c of combos) {
    const prepared = prepareRun(request.file, { seed: allSeeds[0]!, overrides: overridesOf[c.index]! });
    if (prepared.ok) {
      first ??= prepared.run;
      continue;
    }
    const fileErrors = prepared.errors.filter((e) => e.path[0] !== "--set");
    if (fileErrors.length > 0) return { ok: false, errors: fileErrors };
    for (const e of prepared.errors) {
      const key = String(e.path[1]);
      const setting = [...shared, ...c.settings].find((s) => s.key === key);
      const flag = variedKeys.has(key) ? "--vary" : "--set";
      const text = `${flag} ${key}=${setting?.text ?? "?"}: ${e.message}${e.hint ? `\n  Hint: ${e.hint}` : ""}`;
      flagProblems.set(text, text);
    }
  }
  if (flagProblems.size > 0) throw new SweepInputError([...flagProblems.values()].join("\n"));
  if (!first) throw new Error("internal: a sweep with no combinations");

  const seeds = request.shard ? seedsOfShard(allSeeds, request.shard) : allSeeds;
  const tasks: RunTask[] = [];
  for (const c of combos) {
    for (const seed of seeds) {
      tasks.push({ file: request.file, seed, combination: c.index, overrides: overridesOf[c.index]! });
    }
  }
  return {
    ok: true,
    plan: {
      header: headerOf(request, first, allSeeds, shared, combos),
      combinations: combos,
      seeds,
      tasks,
    },
  };
}

function headerOf(
  request: SweepRequest,
  run: PreparedRun,
  allSeeds: readonly number[],
  shared: readonly SettingText[],
  combos: readonly Combination[],
): SweepHeader {
  // The words of each expectation do not depend on the run, so an empty trace gives them.
  const verdicts = evaluateExpectations(run.plan, run.world, [], 0);
  return {
    type: "sweep",
    format: SWEEP_RUNS_FORMAT,
    experiment: run.plan.name,
    model: run.model.name,
    file: request.file,
    fileSha256: createHash("sha256").update(readFileSync(request.file)).digest("hex"),
    modelSha256: createHash("sha256").update(readFileSync(run.model.file)).digest("hex"),
    durationUs: run.plan.durationUs,
    seeds: formatSeeds(allSeeds),
    set: shared,
    combinations: combos.map((c) => ({ index: c.index, label: c.label, settings: c.settings })),
    expectations: verdicts.map((v) => ({
      that: v.that,
      expected: v.expected,
      ...(v.line !== undefined ? { line: v.line } : {}),
    })),
    shard: request.shard ? { index: request.shard.index, count: request.shard.count } : null,
  };
}

function toOverride(s: SettingText): CliOverride {
  return { key: s.key, value: settingValue(s) as string };
}

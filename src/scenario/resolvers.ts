/**
 * How compiling an experiment asks the world which names exist. The scenario layer knows the file
 * format, not the cluster: whether `cp-3` is a VM, or `etcd.quorumLost` a condition, depends on
 * the model, so the world passes these functions in (DESIGN.md: an impossible world is refused
 * before the run starts, with a located error).
 */
import type { TargetKind } from "../world/vocabulary.js";
import { didYouMean, listForMessage } from "./suggest.js";

/** A name the world accepted (`ok`: its canonical form), or why not. */
export type Resolution = { readonly ok: string } | NameProblem;

/** Why a name was refused, worded for the user. */
export interface NameProblem {
  /** `unknown VM "cp-3"` */
  readonly error: string;
  /** `one of cp-0, cp-1, cp-2` */
  readonly expected?: string;
  /** `did you mean "cp-0"?` */
  readonly hint?: string;
}

/**
 * Where a condition is used: `expect` (an expectation's `that:`, with its `is:` value), or `wait`
 * (`waitFor:`, `when:`, `repeat.until:`: something the runbook waits on while the run goes on).
 */
export type ConditionUse = "expect" | "wait";

/**
 * What a condition names, which decides how an expectation on it is timed: a `signal` needs a
 * time (`at`, `between`, `within`, `after`); a `count` (`events(kind)`) may leave it out and is
 * then checked at the end of the run; a `metric` is one number for the whole run and takes none.
 */
export type ConditionKind = "signal" | "count" | "metric";

/** What the compiler asks of the world. */
export interface CompileResolvers {
  /**
   * Resolves a step's `target:` (or a host named in `net.partition` groups) for an action that
   * targets `kind`: a name (`cp-1`), an indexed role (`controlPlane[0]`), or a role the world
   * resolves when the step runs (`etcd.leader`, `workers`), as the world allows.
   */
  resolveTarget(kind: Exclude<TargetKind, "none">, text: string): Resolution;
  /** Checks a condition for a use (null: fine); `is` is an expectation's `is:` value. */
  checkCondition(text: string, use?: ConditionUse, is?: boolean | number | string): NameProblem | null;
  /** What a (valid) condition names; absent or undefined: a signal. */
  conditionKind?(text: string): ConditionKind | undefined;
  /** Checks a `spec.set` override against the model (null: fine). Optional: skipped when absent. */
  checkParameter?(name: string, value: string | number | boolean): NameProblem | null;
}

/** Names known to a {@link nameResolvers} world. */
export interface KnownNames {
  /** Target names by kind: `{ vm: ["cp-0", …], host: [...] }`. */
  readonly targets: Readonly<Partial<Record<Exclude<TargetKind, "none">, readonly string[]>>>;
  /**
   * Condition names (the leading name of `that:`, before any operator: `lb.backendsUp` in
   * `lb.backendsUp >= 2`). Absent: every condition is accepted.
   */
  readonly conditions?: readonly string[];
  /** Parameter names accepted in `spec.set`. Absent: every name is accepted. */
  readonly parameters?: readonly string[];
  /** Metric names (whole-run numbers, `lostWrites`): accepted in `expect:`, refused in waits. */
  readonly metrics?: readonly string[];
  /** Role targets resolved at run time (`workers`, `etcd.leader`), accepted for every kind. */
  readonly roles?: readonly string[];
}

/** The leading name of a condition: `lb.backendsUp` of `lb.backendsUp >= 2`, `events(vm.power)`. */
function conditionName(text: string): string {
  return /^\s*(events\([^)]*\)|[^\s<>=!]+)/.exec(text)?.[1] ?? text;
}

const KIND_WORDS: Readonly<Record<Exclude<TargetKind, "none">, string>> = { vm: "VM", host: "host" };

/**
 * Resolvers over fixed lists of names, with "did you mean" for near misses. The world builds its
 * own from a model; this one serves tests and `quorate validate` of a known topology.
 */
export function nameResolvers(names: KnownNames): CompileResolvers {
  const unknown = (what: string, text: string, known: readonly string[]): NameProblem => ({
    error: `unknown ${what} ${JSON.stringify(text)}`,
    expected: known.length > 0 ? `one of ${listForMessage(known)}` : `no ${what}s exist in this model`,
    hint: didYouMean(text, known),
  });
  return {
    resolveTarget(kind, text) {
      const known = names.targets[kind] ?? [];
      const roles = names.roles ?? [];
      if (known.includes(text) || roles.includes(text.replace(/\[\d+\]$/, ""))) return { ok: text };
      return unknown(KIND_WORDS[kind], text, [...known, ...roles]);
    },
    checkCondition(text, use = "expect") {
      const name = conditionName(text);
      if (names.metrics?.includes(name)) {
        return use === "wait"
          ? { error: `${name} is a metric of the whole run, known only when the run ends` }
          : null;
      }
      if (names.conditions === undefined || name.startsWith("events(")) return null;
      return names.conditions.includes(name) ? null : unknown("condition", name, names.conditions);
    },
    conditionKind(text) {
      const name = conditionName(text);
      if (name.startsWith("events(")) return "count";
      return names.metrics?.includes(name) ? "metric" : "signal";
    },
    checkParameter(name) {
      if (names.parameters === undefined) return null;
      return names.parameters.includes(name) ? null : unknown("parameter", name, names.parameters);
    },
  };
}

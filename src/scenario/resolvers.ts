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

/** What the compiler asks of the world. */
export interface CompileResolvers {
  /**
   * Resolves a step's `target:` (or a host named in `net.partition` groups) for an action that
   * targets `kind`: a name (`cp-1`) or a role (`controlPlane[0]`, `leader`), as the world allows.
   */
  resolveTarget(kind: Exclude<TargetKind, "none">, text: string): Resolution;
  /** Checks an expectation's `that:` (null: fine). */
  checkCondition(text: string): NameProblem | null;
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
      return known.includes(text) ? { ok: text } : unknown(KIND_WORDS[kind], text, known);
    },
    checkCondition(text) {
      if (names.conditions === undefined) return null;
      const name = /^\s*([^\s<>=!]+)/.exec(text)?.[1] ?? text;
      return names.conditions.includes(name) ? null : unknown("condition", name, names.conditions);
    },
    checkParameter(name) {
      if (names.parameters === undefined) return null;
      return names.parameters.includes(name) ? null : unknown("parameter", name, names.parameters);
    },
  };
}

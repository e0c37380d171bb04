/**
 * The resolved parameters of one run: built-in defaults, overridden by the model profile, then
 * by the experiment's `set:`, then by `--set` on the command line. Each value remembers where it
 * came from, for `quorate explain` and for reports.
 */
import type { Distribution } from "../sim/distribution.js";
import { closestMatches } from "../util/suggest.js";
import {
  coerceParameter,
  findParameter,
  isProblem,
  PARAMETERS,
  type ParameterSpec,
  type ParameterValue,
} from "./parameters.js";

export type ParameterOrigin = "default" | "model" | "experiment" | "command line";

export interface ResolvedParameter {
  readonly spec: ParameterSpec;
  readonly value: ParameterValue;
  readonly origin: ParameterOrigin;
  readonly source: string;
}

/** A problem with one override, located by the caller. */
export interface OverrideProblem {
  readonly key: string;
  readonly origin: ParameterOrigin;
  readonly message: string;
  readonly hint: string;
}

/** The parameters of a run, typed accessors included. */
export class ParameterSet {
  private readonly values = new Map<string, ResolvedParameter>();

  constructor() {
    for (const spec of PARAMETERS) {
      this.values.set(spec.key, { spec, value: spec.default, origin: "default", source: spec.source });
    }
  }

  /**
   * Applies one override. Returns a problem (unknown key with a suggestion, or a value of the
   * wrong type or unit) instead of throwing.
   */
  override(key: string, raw: unknown, origin: ParameterOrigin, source: string): OverrideProblem | undefined {
    const spec = findParameter(key);
    if (!spec) {
      const near = suggestKey(key);
      return {
        key,
        origin,
        message: `unknown parameter "${key}"`,
        hint: near
          ? `did you mean "${near}"? (\`quorate explain model\` lists them all)`
          : "`quorate explain model` lists every parameter",
      };
    }
    const value = coerceParameter(spec, raw);
    if (isProblem(value)) return { key, origin, ...value };
    this.values.set(key, { spec, value, origin, source });
    return undefined;
  }

  /** True when `key` is a registered parameter. */
  has(key: string): boolean {
    return this.values.has(key);
  }

  get(key: string): ResolvedParameter {
    const p = this.values.get(key);
    if (!p) throw new Error(`internal: parameter ${key} is not registered`);
    return p;
  }

  /** A duration parameter in µs. */
  duration(key: string): number {
    return this.get(key).value as number;
  }

  integer(key: string): number {
    return this.get(key).value as number;
  }

  number(key: string): number {
    return this.get(key).value as number;
  }

  boolean(key: string): boolean {
    return this.get(key).value as boolean;
  }

  string(key: string): string {
    return this.get(key).value as string;
  }

  distribution(key: string): Distribution {
    const v = this.get(key).value;
    return typeof v === "number" ? { kind: "constant", value: v } : (v as Distribution);
  }

  /** Every parameter, in registry order. */
  all(): ResolvedParameter[] {
    return [...this.values.values()];
  }

  /** Parameters whose value is not the built-in default. */
  overridden(): ResolvedParameter[] {
    return this.all().filter((p) => p.origin !== "default");
  }
}

function suggestKey(key: string): string | undefined {
  return closestMatches(
    key,
    PARAMETERS.map((p) => p.key),
    1,
  )[0];
}

/**
 * Reading a zod schema the way an error message needs it: which schema applies at a path of the
 * document, which keys a mapping there allows (for "did you mean"), and what a value there should
 * look like, in words an SRE reads ("a duration like 150ms", not "string matching /^(0|…$/").
 *
 * Uses zod 4's documented introspection (`schema._zod.def`), so it works for any schema shape,
 * not just the experiment's.
 */
import type { z } from "zod";
import { DistributionText, DurationText } from "../world/vocabulary.js";
import type { PathSegment } from "./errors.js";
import { orList } from "./suggest.js";

type AnySchema = z.core.$ZodType;

/** The parts of zod 4 definitions this module reads (all optional: which exist depends on `type`). */
interface LooseDef {
  readonly type: string;
  readonly shape?: Readonly<Record<string, AnySchema>>;
  readonly element?: AnySchema;
  readonly innerType?: AnySchema;
  readonly in?: AnySchema;
  readonly options?: readonly AnySchema[];
  readonly discriminator?: string;
  readonly items?: readonly AnySchema[];
  readonly rest?: AnySchema | null;
  readonly valueType?: AnySchema;
  readonly values?: readonly unknown[];
  readonly getter?: () => AnySchema;
  readonly format?: string;
}

function defOf(schema: AnySchema): LooseDef {
  return schema._zod.def as unknown as LooseDef;
}

/** The description wording for the shared duration and distribution schemas. */
export const DURATION_EXAMPLES = "a duration like 150ms, 2.5s, 5m or 1h30m";
const DISTRIBUTION_WORDS =
  "a duration (150ms) or a distribution: {uniform: [min, max]}, {exponential: mean}, " +
  "{normal: {mean, stddev}} or {lognormal: {p50, p99}}";

/** Strips wrappers that do not change the shape: optional, default, nullable, pipes, lazy. */
export function unwrapSchema(schema: AnySchema): AnySchema {
  let s = schema;
  for (let guard = 0; guard < 32; guard++) {
    const def = defOf(s);
    if (def.innerType !== undefined) s = def.innerType;
    else if (def.type === "pipe" && def.in !== undefined) s = def.in;
    else if (def.type === "lazy" && def.getter !== undefined) s = def.getter();
    else return s;
  }
  return s;
}

/**
 * True when `a` is `b` or a copy of it: zod's `.describe()` returns a clone that shares the
 * original's definition, so comparing definitions finds `DurationText.describe("…")` too.
 */
function sameSchema(a: AnySchema, b: AnySchema): boolean {
  return a === b || a._zod.def === b._zod.def;
}

/** True when `schema` is (a wrapper or described copy of) the shared duration text schema. */
export function isDurationSchema(schema: AnySchema | undefined): boolean {
  return schema !== undefined && sameSchema(unwrapSchema(schema), DurationText);
}

/** True when `schema` is (a wrapper or described copy of) the shared distribution schema. */
export function isDistributionSchema(schema: AnySchema | undefined): boolean {
  return schema !== undefined && sameSchema(unwrapSchema(schema), DistributionText);
}

/**
 * For a discriminated union, the option the data selects (by its discriminator value); for other
 * unions and mapping data, the only mapping option whose keys cover the data's; else undefined.
 */
function chooseOption(union: LooseDef, data: unknown): AnySchema | undefined {
  const options = union.options ?? [];
  const disc = union.discriminator;
  if (disc !== undefined) {
    if (!isRecord(data)) return undefined;
    const tag = data[disc];
    return options.find((o) => {
      const field = defOf(unwrapSchema(o)).shape?.[disc];
      return field !== undefined && (defOf(unwrapSchema(field)).values ?? []).includes(tag);
    });
  }
  if (isRecord(data)) {
    const mappings = options.filter((o) => mappingKeys(o) !== undefined);
    // Mapping shapes of which one is itself a union (an action step | a waitFor step): the one
    // whose own keys the data uses (`do`/`target` vs `waitFor`), else the first (the usual kind).
    if (mappings.some((o) => defOf(unwrapSchema(o)).type === "union")) return byOwnKeys(mappings, data);
    const objects = options.filter((o) => defOf(unwrapSchema(o)).type === "object");
    if (objects.length === 1) return objects[0];
    // Several mapping shapes ({uniform: …} | {exponential: …}): the one whose keys cover the data's.
    const keys = Object.keys(data);
    const fitting = objects.filter((o) => {
      const shape = defOf(unwrapSchema(o)).shape ?? {};
      return keys.length > 0 && keys.every((k) => Object.hasOwn(shape, k));
    });
    if (fitting.length === 1) return fitting[0];
  }
  return undefined;
}

/** Keys a mapping-shaped schema allows (every option's, for a union of mappings); else undefined. */
function mappingKeys(schema: AnySchema, depth = 0): Set<string> | undefined {
  const def = defOf(unwrapSchema(schema));
  if (def.type === "object") return new Set(Object.keys(def.shape ?? {}));
  if (def.type !== "union" || depth > 4) return undefined;
  const out = new Set<string>();
  for (const o of def.options ?? []) {
    const keys = mappingKeys(o, depth + 1);
    if (keys === undefined) return undefined;
    for (const k of keys) out.add(k);
  }
  return out;
}

/** The option with the most data keys no other option has (ties and none: the first option). */
function byOwnKeys(options: readonly AnySchema[], data: Record<string, unknown>): AnySchema | undefined {
  const keySets = options.map((o) => mappingKeys(o) ?? new Set<string>());
  let best = 0;
  let bestScore = 0;
  keySets.forEach((keys, i) => {
    const own = Object.keys(data).filter(
      (k) => keys.has(k) && keySets.every((other, j) => j === i || !other.has(k)),
    );
    if (own.length > bestScore) {
      best = i;
      bestScore = own.length;
    }
  });
  return options[best];
}

/**
 * The schema that applies at `path` of `data` under `root`, or undefined when the path leaves the
 * schema (an unknown key) or a union cannot tell which branch applies.
 */
export function schemaAt(
  root: AnySchema,
  path: readonly PathSegment[],
  data: unknown,
): AnySchema | undefined {
  let schema: AnySchema | undefined = root;
  let value = data;
  for (const seg of path) {
    schema = resolveUnion(schema, value);
    if (schema === undefined) return undefined;
    const def = defOf(schema);
    switch (def.type) {
      case "object":
        schema = def.shape?.[String(seg)];
        break;
      case "array":
        schema = def.element;
        break;
      case "tuple":
        schema = typeof seg === "number" ? (def.items?.[seg] ?? def.rest ?? undefined) : undefined;
        break;
      case "record":
        schema = def.valueType;
        break;
      default:
        return undefined;
    }
    value =
      isRecord(value) || Array.isArray(value) ? (value as Record<string, unknown>)[seg as string] : undefined;
  }
  return schema;
}

/**
 * Unwraps and, for a union, picks the option the value selects (or returns the union itself);
 * a chosen option that is a union again (a discriminated union inside a plain one) is resolved
 * in turn.
 */
function resolveUnion(schema: AnySchema | undefined, value: unknown): AnySchema | undefined {
  if (schema === undefined) return undefined;
  let s = unwrapSchema(schema);
  for (let guard = 0; guard < 4; guard++) {
    const def = defOf(s);
    if (def.type !== "union") return s;
    const chosen = chooseOption(def, value);
    if (chosen === undefined) return s;
    s = unwrapSchema(chosen);
  }
  return s;
}

/**
 * For a plain union of text or one mapping shape (a target: a name or a selector), or one whose
 * options are mappings and one of them itself a union of mappings (a step: an action or a wait),
 * the position of the option the mapping `data` is meant for (by the keys only it has); undefined
 * for any other schema or data.
 */
export function nestedUnionOption(schema: AnySchema | undefined, data: unknown): number | undefined {
  if (schema === undefined || !isRecord(data)) return undefined;
  const def = defOf(unwrapSchema(schema));
  if (def.type !== "union" || def.discriminator !== undefined) return undefined;
  const options = def.options ?? [];
  const mappings = options.filter((o) => mappingKeys(o) !== undefined);
  // Text or a mapping (a target: a name or a selector): the mapping.
  if (mappings.length === 1) return options.indexOf(mappings[0]!);
  if (mappings.length !== options.length) return undefined;
  if (!options.some((o) => defOf(unwrapSchema(o)).type === "union")) return undefined;
  const chosen = byOwnKeys(options, data);
  return chosen === undefined ? undefined : options.indexOf(chosen);
}

/** The keys a mapping schema allows, in declaration order (empty when it is not a mapping). */
export function allowedKeys(
  schema: AnySchema | undefined,
  value: unknown,
  refused: readonly string[] = [],
): string[] {
  const s = resolveUnion(schema, value);
  if (s === undefined) return [];
  const shape = defOf(s).shape;
  const keys = shape === undefined ? [] : Object.keys(shape);
  // In a union of mappings, the option that refused these keys is one that does not have them
  // (a waitFor step refusing `do:`), whichever option the other keys point at.
  if (schema !== undefined && refused.some((k) => keys.includes(k))) {
    const u = defOf(unwrapSchema(schema));
    for (const o of u.type === "union" ? (u.options ?? []) : []) {
      const ks = mappingKeys(o);
      if (ks !== undefined && !refused.some((k) => ks.has(k))) return allowedKeys(o, value);
    }
  }
  return keys;
}

/** For a discriminated union (after unwrapping): its discriminator key and the allowed tag values. */
export function discriminatorOf(
  schema: AnySchema | undefined,
): { key: string; values: string[] } | undefined {
  if (schema === undefined) return undefined;
  const def = defOf(unwrapSchema(schema));
  if (def.type !== "union" || def.discriminator === undefined) return undefined;
  const key = def.discriminator;
  const values: string[] = [];
  for (const o of def.options ?? []) {
    const field = defOf(unwrapSchema(o)).shape?.[key];
    if (field !== undefined) for (const v of defOf(unwrapSchema(field)).values ?? []) values.push(String(v));
  }
  return { key, values };
}

/** What a value matching `schema` looks like, in words: "a number", "true or false", … */
export function describeExpected(schema: AnySchema | undefined, depth = 0): string {
  if (schema === undefined) return "a known field";
  const s = unwrapSchema(schema);
  if (sameSchema(s, DurationText)) return DURATION_EXAMPLES;
  if (sameSchema(s, DistributionText)) return DISTRIBUTION_WORDS;
  const def = defOf(s);
  switch (def.type) {
    case "string":
      return "text";
    case "number":
      return describeNumber(s);
    case "boolean":
      return "true or false";
    case "literal":
      return orList((def.values ?? []).map((v) => JSON.stringify(v)));
    case "enum":
      return `one of ${(def.values ?? []).map((v) => JSON.stringify(v)).join(", ")}`;
    case "array":
      return depth > 1 ? "a list" : `a list of ${plural(describeExpected(def.element, depth + 1))}`;
    case "tuple": {
      const items = def.items ?? [];
      const same = items.every(
        (i) => describeExpected(i, depth + 1) === describeExpected(items[0], depth + 1),
      );
      return same && items.length > 0
        ? `a list of exactly ${items.length} ${plural(describeExpected(items[0], depth + 1))}`
        : `a list of exactly ${items.length} items`;
    }
    case "record":
      return "a mapping of names to values";
    case "object": {
      const keys = Object.keys(def.shape ?? {});
      return keys.length <= 4 ? `a mapping with ${orList(keys, "and")}` : "a mapping";
    }
    case "union": {
      if (def.discriminator !== undefined) return `a mapping with a "${def.discriminator}:" field`;
      const parts = (def.options ?? []).map((o) => describeExpected(o, depth + 1));
      return orList(Array.from(new Set(parts)));
    }
    default:
      return def.type;
  }
}

/** `a whole number from 0 to 4294967295`, `a number from 0 to 1`, `a number`. */
function describeNumber(schema: AnySchema): string {
  // zod 4's classic number schema exposes its bounds (null when unbounded).
  const n = schema as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean };
  const noun = n.isInt === true ? "a whole number" : "a number";
  const min = n.minValue ?? null;
  const max = n.maxValue ?? null;
  const finite = (x: number | null): x is number => x !== null && Math.abs(x) < Number.MAX_SAFE_INTEGER;
  if (finite(min) && finite(max)) return `${noun} from ${min} to ${max}`;
  if (finite(min)) return `${noun} of at least ${min}`;
  if (finite(max)) return `${noun} of at most ${max}`;
  return noun;
}

/** "a duration like …" → "durations like …"; "a number" → "numbers"; other wording unchanged. */
function plural(words: string): string {
  const m = /^an? (\w+)(.*)$/.exec(words);
  return m ? `${m[1]}s${m[2]}` : words;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

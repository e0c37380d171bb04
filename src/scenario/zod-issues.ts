/**
 * zod 4 validation issues → {@link InputError}s an SRE can act on: each says what was found, what
 * was expected and how to fix it, and points at the key or value to change. zod's own messages
 * ("Invalid input: expected string, received number") name JavaScript types and never the file,
 * so every issue code is rewritten here.
 */
import type { z } from "zod";
import { explainBadDuration } from "./duration-hint.js";
import { formatPath, type InputError, MAX_REPORTED_ERRORS, type PathSegment, quoteValue } from "./errors.js";
import type { Locate } from "./locate.js";
import {
  allowedKeys,
  DURATION_EXAMPLES,
  describeExpected,
  discriminatorOf,
  isDurationSchema,
  nestedUnionOption,
  schemaAt,
  unwrapSchema,
} from "./schema-walk.js";
import { closestMatches, didYouMean, listForMessage } from "./suggest.js";

type Issue = z.core.$ZodIssue;

/** What converting issues needs to know about the document they came from. */
export interface IssueContext {
  readonly file: string;
  /** The schema the value was validated against. */
  readonly schema: z.core.$ZodType;
  /** The validated value (plain data from YAML). */
  readonly value: unknown;
  readonly locate: Locate;
}

/** Converts every issue (unions are opened up to their most plausible branch), without duplicates. */
export function issuesToInputErrors(issues: readonly Issue[], ctx: IssueContext): InputError[] {
  const out: InputError[] = [];
  // Converting an issue costs a few schema and document walks; the first hundred say enough.
  for (const issue of issues.slice(0, MAX_REPORTED_ERRORS)) convert(issue, [], ctx, out);
  // A misspelt required key shows up twice: "unknown field tagret" and "missing field target".
  // The first, with its "did you mean", says it all.
  const misspelt = new Set<string>();
  for (const e of out) {
    const intended = e.path.length > 0 ? MISSPELT.get(e) : undefined;
    if (intended !== undefined) misspelt.add(formatPath([...e.path.slice(0, -1), intended]));
  }
  const seen = new Set<string>();
  return out.filter((e) => {
    if (MISSING.has(e) && misspelt.has(formatPath(e.path))) return false;
    const key = `${e.line}:${e.col}:${formatPath(e.path)}:${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "missing required field" errors, and unknown-field errors with the one key they probably meant. */
const MISSING = new WeakSet<InputError>();
const MISSPELT = new WeakMap<InputError, string>();

function convert(issue: Issue, prefix: readonly PathSegment[], ctx: IssueContext, out: InputError[]): void {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === "number" ? p : String(p)))];
  const found = valueAt(ctx.value, path);
  const here = schemaAt(ctx.schema, path, ctx.value);
  const at = (p: readonly PathSegment[], part: "key" | "value" = "value") => ({
    file: ctx.file,
    ...ctx.locate(p, part),
    path: p,
  });
  const key = path[path.length - 1];
  const keyName = key === undefined ? "the document" : typeof key === "number" ? `item ${key}` : `"${key}"`;

  const missingField = () => {
    const parent = path.slice(0, -1);
    const where = parent.length === 0 ? "at the top level" : `under ${formatPath(parent)}`;
    const example = isDurationSchema(here) ? `${String(key)}: 10m` : `${String(key)}: …`;
    const e: InputError = {
      ...at(parent, "key"),
      path,
      message: `missing required field ${keyName}`,
      expected: describeExpected(here),
      hint: `add "${example}" ${where}`,
    };
    MISSING.add(e);
    out.push(e);
  };

  switch (issue.code) {
    case "invalid_type": {
      if (!found.present) {
        missingField();
        return;
      }
      if (found.value === null) {
        out.push({
          ...at(path),
          message: `${keyName} has no value`,
          expected: describeExpected(here),
          hint: `write a value after "${String(key)}:" (or remove the line)`,
        });
        return;
      }
      out.push({
        ...at(path),
        message: `found ${describeFound(found.value)}`,
        expected: describeExpected(here) || issue.expected,
        hint: path.length === 0 ? TOP_LEVEL_HINT : typeHint(found.value, here, issue.expected),
      });
      return;
    }

    case "invalid_union": {
      if (issue.discriminator !== undefined) {
        const tagPath = path[path.length - 1] === issue.discriminator ? path : [...path, issue.discriminator];
        const tag = valueAt(ctx.value, tagPath);
        const union = schemaAt(ctx.schema, tagPath.slice(0, -1), ctx.value);
        const options = (issue.inclusive !== false ? issue.options : undefined)?.map(String) ?? [];
        const names = options.length > 0 ? options : (discriminatorOf(union)?.values ?? []);
        const noun = issue.discriminator === "do" ? "action" : `"${issue.discriminator}" value`;
        if (!tag.present || tag.value === null) {
          out.push({
            ...at(tagPath.slice(0, -1)),
            path: tagPath,
            message: `missing "${issue.discriminator}:", which says what ${issue.discriminator === "do" ? "the step does" : "this entry is"}`,
            expected: `one of ${listForMessage(names)}`,
            hint: `add "${issue.discriminator}: ${names[0] ?? "…"}" (or another of the names above)`,
          });
          return;
        }
        const text = typeof tag.value === "string" ? tag.value : String(tag.value);
        out.push({
          ...at(tagPath),
          message: `unknown ${noun} ${quoteValue(tag.value)}`,
          expected: `one of ${listForMessage(names)}`,
          hint: didYouMean(text, names) ?? "see docs/experiment-format.md for every action and what it does",
        });
        return;
      }
      // A required field whose value may take several shapes (a target: a name or a selector).
      if (!found.present && path.length > 0) {
        missingField();
        return;
      }
      const meant = nestedUnionOption(here, found.value);
      const branch = meant !== undefined ? issue.errors[meant] : bestBranch(issue.errors, path, ctx.value);
      if (branch !== undefined) {
        for (const inner of branch) convert(inner, path, ctx, out);
        return;
      }
      out.push({
        ...at(path),
        message: `found ${describeFound(found.value)}`,
        expected: describeExpected(here),
        hint: typeHint(found.value, here, undefined),
      });
      return;
    }

    case "unrecognized_keys": {
      const allowed = allowedKeys(here, found.value, issue.keys);
      for (const unknownKey of issue.keys) {
        const e: InputError = {
          ...at([...path, unknownKey], "key"),
          message: `unknown field "${unknownKey}"`,
          expected: allowed.length > 0 ? `one of ${listForMessage(allowed)}` : "no fields here",
          hint: unknownKeyHint(unknownKey, allowed, found.value),
        };
        const close = closestMatches(unknownKey, allowed);
        if (close.length === 1) MISSPELT.set(e, close[0]!);
        out.push(e);
      }
      return;
    }

    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const limit = Number(small ? issue.minimum : issue.maximum);
      const inclusive = issue.inclusive !== false;
      const bound = small ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
      const v = found.value;
      if (issue.origin === "string" && typeof v === "string") {
        out.push({
          ...at(path),
          message: v.length === 0 ? `${keyName} is empty` : `${keyName} is ${v.length} characters long`,
          expected: limit === 1 && small ? "some text" : `${bound} ${limit} characters`,
        });
      } else if (issue.origin === "array" && Array.isArray(v)) {
        const isTuple = here !== undefined && unwrapSchema(here)._zod.def.type === "tuple";
        out.push({
          ...at(path),
          message: `${keyName} has ${v.length} item${v.length === 1 ? "" : "s"}`,
          expected: isTuple ? describeExpected(here) : `${issue.exact ? "exactly" : bound} ${limit} items`,
          hint:
            isTuple && key === "between"
              ? "write the window as [start, end], e.g. between: [2m, 5m]"
              : undefined,
        });
      } else {
        // The description already gives the range when the schema has one ("from 0 to 1").
        const words = describeExpected(here);
        out.push({
          ...at(path),
          message: `found ${quoteValue(v)}, which is too ${small ? "small" : "large"}`,
          expected: /\d/.test(words) ? words : `${words} ${bound} ${limit}`,
        });
      }
      return;
    }

    case "invalid_format": {
      const v = found.value;
      if (isDurationSchema(here) && typeof v === "string") {
        const problem = explainBadDuration(v);
        out.push({ ...at(path), message: problem.message, expected: DURATION_EXAMPLES, hint: problem.hint });
        return;
      }
      const expected = issue.message.replace(/^expected /, "");
      out.push({ ...at(path), message: `found ${quoteValue(v)}`, expected, hint: patternHint(v, issue) });
      return;
    }

    case "invalid_value": {
      const allowed = issue.values.map((x) => (typeof x === "string" ? x : String(x)));
      const quoted = allowed.map((x) => JSON.stringify(x));
      const text = typeof found.value === "string" ? found.value : String(found.value);
      out.push({
        ...at(path),
        message: found.present ? `found ${quoteValue(found.value)}` : `missing ${keyName}`,
        expected: quoted.length === 1 ? quoted[0] : `one of ${quoted.join(", ")}`,
        hint:
          allowed.length === 1 && typeof key === "string"
            ? `write "${key}: ${allowed[0]}"`
            : (didYouMean(text, allowed) ?? undefined),
      });
      return;
    }

    case "invalid_key":
    case "invalid_element":
      for (const inner of issue.issues) convert(inner, path, ctx, out);
      return;

    default:
      out.push({ ...at(path), message: issue.message });
  }
}

/**
 * The union branch the user most plausibly meant: the one whose problems are all inside the
 * value (a wrong item) rather than about the value's own shape (wrong type, missing or unknown
 * keys). Undefined when every branch rejects the value's shape.
 */
function bestBranch(
  branches: readonly (readonly Issue[])[],
  path: readonly PathSegment[],
  root: unknown,
): readonly Issue[] | undefined {
  let best: readonly Issue[] | undefined;
  let bestCount = Number.POSITIVE_INFINITY;
  for (const branch of branches) {
    const shapeMismatch = branch.some((i) => {
      if (i.path.length === 0) return true;
      if (i.code === "invalid_type" && i.path.length === 1) {
        return !valueAt(root, [...path, ...i.path.map((p) => (typeof p === "number" ? p : String(p)))])
          .present;
      }
      return false;
    });
    if (!shapeMismatch && branch.length < bestCount) {
      best = branch;
      bestCount = branch.length;
    }
  }
  return best;
}

const TOP_LEVEL_HINT = 'the file must be a mapping of "key: value" lines starting at the left margin';

/** A found value in words: `the number 5`, `the text "abc"`, `a list of 2 items`. */
function describeFound(v: unknown): string {
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "string") return `the text ${quoteValue(v)}`;
  if (typeof v === "boolean") return `the boolean ${v}`;
  return quoteValue(v);
}

function typeHint(
  v: unknown,
  schema: z.core.$ZodType | undefined,
  expectedType: string | undefined,
): string | undefined {
  const type = schema === undefined ? expectedType : unwrapSchema(schema)._zod.def.type;
  if (isDurationSchema(schema) && typeof v === "number") {
    return `a duration needs a unit: write "${v}s" for seconds or "${v}m" for minutes`;
  }
  if (type === "string" && (typeof v === "number" || typeof v === "boolean")) {
    return `put the value in quotes to make it text: "${String(v)}"`;
  }
  if ((type === "number" || type === "int") && typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) {
    return `remove the quotes: ${v.trim()}`;
  }
  if ((type === "array" || type === "tuple") && !Array.isArray(v)) {
    return 'write a list: one "- item" per line, or [a, b] on one line';
  }
  if (type === "object" && (typeof v === "string" || Array.isArray(v))) {
    return "write a mapping: indented \"key: value\" lines under this key (a ': ' needs a space after the colon)";
  }
  return undefined;
}

function unknownKeyHint(key: string, allowed: readonly string[], container: unknown): string {
  if (key === "do" && isRecord(container) && container.waitFor !== undefined) {
    return "a waitFor step only waits; put the action in a step of its own after it (it then follows as soon as the wait ends)";
  }
  const close = didYouMean(key, allowed);
  if (close !== undefined) return close;
  if (key === "target" && isRecord(container) && typeof container.do === "string") {
    return `"${container.do}" takes no target; remove the line`;
  }
  return "remove it, or check its indentation: it may belong to the mapping above or below";
}

/** For a pattern mismatch, a cleaned-up spelling of the value if that one would match. */
function patternHint(v: unknown, issue: Issue): string | undefined {
  if (typeof v !== "string" || issue.code !== "invalid_format" || issue.format !== "regex") return undefined;
  const source = /^\/(.*)\/([a-z]*)$/s.exec(String((issue as { pattern?: unknown }).pattern ?? ""));
  if (source === null) return undefined;
  let re: RegExp;
  try {
    re = new RegExp(source[1] ?? "", source[2]);
  } catch {
    return undefined;
  }
  const slug = v
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  return slug !== "" && slug !== v && re.test(slug) ? `try ${JSON.stringify(slug)}` : undefined;
}

/** The value at a path of plain data, and whether the path exists at all. */
function valueAt(root: unknown, path: readonly PathSegment[]): { present: boolean; value: unknown } {
  let v = root;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === "number" && seg < v.length) v = v[seg];
    else if (isRecord(v) && Object.hasOwn(v, String(seg))) v = v[String(seg)];
    else return { present: false, value: undefined };
  }
  return { present: true, value: v };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Loading a YAML input file (an experiment, a model) against a zod schema: read with size and
 * encoding checks, parse into one document with positions, validate, and return either the typed
 * value with a locator for later (semantic) errors, or every problem as a located
 * {@link InputError}. Nothing here throws for bad input.
 */
import { readFileSync, statSync } from "node:fs";
import type { Document } from "yaml";
import type { z } from "zod";
import { type InputError, sortInputErrors } from "./errors.js";
import type { Locate } from "./locate.js";
import { checkText, decodeSource, MAX_SOURCE_BYTES, tooLargeError } from "./source-text.js";
import { DEFAULT_YAML_LIMITS, parseYamlSource, type YamlLimits } from "./yaml-source.js";
import { issuesToInputErrors } from "./zod-issues.js";

/** Limits for one load. */
export interface LoadOptions {
  /** Largest file accepted, in bytes (default {@link MAX_SOURCE_BYTES}). */
  readonly maxBytes?: number;
  /** Nesting and alias limits (default {@link DEFAULT_YAML_LIMITS}). */
  readonly yaml?: YamlLimits;
}

/** A validated file: the typed value and how to find any of its paths in the file. */
export interface Loaded<T> {
  readonly ok: true;
  /** The file name as given (used in error messages). */
  readonly file: string;
  readonly value: T;
  /** Position of a path of `value` in the file, for errors found after validation. */
  readonly locate: Locate;
  /** The parsed YAML tree. */
  readonly document: Document;
}

/** Every problem found, sorted by position in the file. */
export interface LoadFailure {
  readonly ok: false;
  readonly errors: InputError[];
}

/** The outcome of a load. */
export type LoadResult<T> = Loaded<T> | LoadFailure;

/**
 * Validates YAML given in memory. `source` may be bytes (checked as UTF-8) or text; `file` is the
 * name used in messages (`<stdin>`, a path).
 */
export function loadYamlText<S extends z.ZodType>(
  source: string | Uint8Array,
  file: string,
  schema: S,
  options: LoadOptions = {},
): LoadResult<z.output<S>> {
  const maxBytes = options.maxBytes ?? MAX_SOURCE_BYTES;
  const decoded =
    typeof source === "string" ? checkText(source, file, maxBytes) : decodeSource(source, file, maxBytes);
  if (!decoded.ok) return { ok: false, errors: [decoded.error] };
  const parsed = parseYamlSource(decoded.text, file, options.yaml ?? DEFAULT_YAML_LIMITS);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const { value, locate, document } = parsed.source;
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors = issuesToInputErrors(result.error.issues, { file, schema, value, locate });
    return { ok: false, errors: sortInputErrors(errors) };
  }
  return { ok: true, file, value: result.data, locate, document };
}

/**
 * Reads and validates a YAML file. The size is checked before reading, so pointing at a huge
 * file by mistake costs nothing.
 */
export function loadYamlFile<S extends z.ZodType>(
  path: string,
  schema: S,
  options: LoadOptions = {},
): LoadResult<z.output<S>> {
  const maxBytes = options.maxBytes ?? MAX_SOURCE_BYTES;
  let bytes: Uint8Array;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return fileProblem(path, "is a directory", "the path of a .yaml file");
    if (!stat.isFile()) return fileProblem(path, "is not a regular file", "the path of a .yaml file");
    if (stat.size > maxBytes) return { ok: false, errors: [tooLargeError(path, stat.size, maxBytes)] };
    bytes = readFileSync(path);
  } catch (e) {
    return fileProblem(path, readFailure(e), "a readable file");
  }
  return loadYamlText(bytes, path, schema, options);
}

function fileProblem(file: string, what: string, expected: string): LoadFailure {
  return {
    ok: false,
    errors: [{ file, line: 0, col: 0, path: [], message: `cannot read the file: it ${what}`, expected }],
  };
}

/** The reason a file could not be read, from Node's error code. */
function readFailure(e: unknown): string {
  const code =
    typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : "";
  switch (code) {
    case "ENOENT":
      return "does not exist";
    case "EACCES":
    case "EPERM":
      return "is not readable (permission denied)";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "has a path through something that is not a directory";
    default:
      return `could not be read (${code || (e instanceof Error ? e.message : String(e))})`;
  }
}

/**
 * Errors in a user's input file, and how they are printed. DESIGN.md rule 6: a malformed file gets
 * `file:line:col`, the path inside the document, what was found, what was expected and a hint —
 * one short paragraph per problem, never a stack trace. The shape follows compiler diagnostics
 * (`file:line:col: message`) so editors and terminals turn the location into a link.
 */

/** One step of a path inside a document: a mapping key or a list index. */
export type PathSegment = string | number;

/** A 1-based position in a file. */
export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

/** A problem with an input file, located as precisely as we can. */
export interface InputError {
  /** The file as the user named it (or a label such as `<stdin>`). */
  readonly file: string;
  /** 1-based line; 0 when the problem is the file as a whole (it cannot be read at all). */
  readonly line: number;
  /** 1-based column in UTF-16 units (as editors count); 0 together with `line` 0. */
  readonly col: number;
  /** Where in the document, e.g. `["spec", "steps", 1, "do"]`; empty for the whole file. */
  readonly path: readonly PathSegment[];
  /** What is wrong, saying what was found: `unknown action "vm.powerof"`. */
  readonly message: string;
  /** What would have been accepted: `one of vm.powerOff, vm.powerOn`. */
  readonly expected?: string;
  /** How to fix it: `did you mean "vm.powerOff"?`. */
  readonly hint?: string;
}

/**
 * Most errors collected from one file: the first few are what matters and the rest is mostly
 * their echo, while converting each costs time a hostile file could multiply.
 */
export const MAX_REPORTED_ERRORS = 100;

/** How many errors `formatInputErrors` prints before summarising the rest. */
export const DEFAULT_MAX_PRINTED_ERRORS = 20;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const MAX_PATH_SEGMENTS = 12;

/**
 * A document path as a user reads it: `spec.steps[1].do`. Keys that are not plain identifiers
 * (dotted parameter names, keys with spaces) are quoted: `spec.set["capi.mhc.unhealthyTimeout"]`.
 */
export function formatPath(path: readonly PathSegment[]): string {
  // Very long paths (only hostile nesting makes them) keep their start and end.
  const shown: readonly (PathSegment | null)[] =
    path.length > MAX_PATH_SEGMENTS ? [...path.slice(0, 6), null, ...path.slice(-2)] : path;
  let out = "";
  for (const seg of shown) {
    if (seg === null) out += "…";
    else if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `file:line:col` (or just `file` for problems with the file as a whole). */
export function formatLocation(e: Pick<InputError, "file" | "line" | "col">): string {
  return e.line > 0 ? `${e.file}:${e.line}:${e.col}` : e.file;
}

/**
 * One error as a paragraph:
 * `experiments/foo.yaml:12:9: spec.steps[1].do: unknown action "vm.powerof"; expected one of …`
 * followed by an indented `Hint: …` line when there is a hint.
 */
export function formatInputError(e: InputError): string {
  const where = formatLocation(e);
  const path = e.path.length > 0 ? ` ${formatPath(e.path)}:` : "";
  const expected = e.expected !== undefined ? `; expected ${e.expected}` : "";
  const hint = e.hint !== undefined ? `\n  Hint: ${e.hint}` : "";
  return `${where}:${path} ${e.message}${expected}${hint}`;
}

/** Orders errors by file, then position, so they read top to bottom like the file. */
export function sortInputErrors(errors: readonly InputError[]): InputError[] {
  return errors.slice().sort((a, b) => {
    if (a.file !== b.file) return a.file < b.file ? -1 : 1;
    return a.line - b.line || a.col - b.col;
  });
}

/**
 * Every error, sorted by position, one paragraph each; after `max` of them a line says how many
 * more there are (fixing the first few usually makes many of the rest go away).
 */
export function formatInputErrors(errors: readonly InputError[], max = DEFAULT_MAX_PRINTED_ERRORS): string {
  const sorted = sortInputErrors(errors);
  const shown = sorted.slice(0, Math.max(1, max)).map(formatInputError);
  const hidden = sorted.length - shown.length;
  if (hidden > 0) shown.push(`… and ${hidden} more error${hidden === 1 ? "" : "s"} not shown`);
  return shown.join("\n");
}

const QUOTE_MAX_CHARS = 40;

/**
 * A value from the user's file, quoted for a message: strings in double quotes (cut after 40
 * characters, control characters escaped so binary junk cannot garble the terminal), numbers and
 * booleans as written, collections by their kind.
 */
export function quoteValue(value: unknown): string {
  if (typeof value === "string") {
    const chars = Array.from(value);
    const cut = chars.length > QUOTE_MAX_CHARS ? `${chars.slice(0, QUOTE_MAX_CHARS).join("")}…` : value;
    return JSON.stringify(cut);
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "nothing (an empty value)";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") return "a mapping";
  return typeof value;
}

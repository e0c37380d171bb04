/**
 * YAML text → one parsed document with source positions, or located errors. Everything a hostile
 * or broken file can do to the `yaml` package is stopped here: deep nesting (checked on the raw
 * text first, because the parser itself can abort the process), several documents in one file,
 * syntax errors, duplicate keys, alias bombs ("billion laughs") and self-referencing aliases.
 */
import { Composer, type Document, isScalar, LineCounter, Parser, visit, type YAMLError } from "yaml";
import { checkNesting } from "./depth-check.js";
import { type InputError, MAX_REPORTED_ERRORS, type PathSegment, sortInputErrors } from "./errors.js";
import { type Locate, makeLocator } from "./locate.js";
import { scanYamlText } from "./nesting-scan.js";
import { textPosition } from "./source-text.js";

/** Limits on what a YAML file may do. */
export interface YamlLimits {
  /** Deepest nesting of mappings and lists allowed (the top-level mapping is level 1). */
  readonly maxDepth: number;
  /**
   * Aliases may copy at most about this many nodes in all (the `yaml` package's `maxAliasCount`);
   * beyond it the file is refused as an alias bomb.
   */
  readonly maxAliasCount: number;
  /** Most alias nodes (`*name`) a file may contain (each costs the parser a search). */
  readonly maxAliases: number;
}

/** Defaults: far beyond any real experiment (which nests about 6 levels), far below any harm. */
export const DEFAULT_YAML_LIMITS: YamlLimits = { maxDepth: 64, maxAliasCount: 100, maxAliases: 1000 };

/** A parsed YAML file: the plain value, the document tree and a locator for its paths. */
export interface YamlSource {
  /** The document as plain data (mappings are objects, sequences arrays). */
  readonly value: unknown;
  /** The parsed tree, with source ranges. */
  readonly document: Document;
  /** Maps a path in `value` to its `line:col` in the file. */
  readonly locate: Locate;
}

/** The parsed file, or everything wrong with it. */
export type YamlParseResult =
  | { readonly ok: true; readonly source: YamlSource }
  | { readonly ok: false; readonly errors: InputError[] };

/** Parses text that must hold exactly one YAML document. */
export function parseYamlSource(
  text: string,
  file: string,
  limits: YamlLimits = DEFAULT_YAML_LIMITS,
): YamlParseResult {
  // The raw-text scan is only an estimate, so it gets a generous depth limit; the exact check on
  // the parsed value below enforces `maxDepth`.
  const scanned = scanYamlText(text, { maxDepth: limits.maxDepth * 4, maxAliases: limits.maxAliases });
  if (scanned?.kind === "nesting")
    return fail(tooDeep(file, textPosition(text, scanned.index), [], limits.maxDepth));
  // The parser reports every tab-indented line on its own and takes seconds over tens of
  // thousands of them; a file with that many is refused from the raw text, with the first ones.
  const tabbed = tabIndentedLines(text, MAX_REPORTED_ERRORS + 1);
  if (tabbed.length > MAX_REPORTED_ERRORS) {
    return fail(
      ...tabbed.slice(0, MAX_REPORTED_ERRORS).map((i) => tabIndentError(file, textPosition(text, i))),
    );
  }
  if (scanned?.kind === "aliases") {
    return fail({
      file,
      ...textPosition(text, scanned.index),
      path: [],
      message: `the file uses more than ${limits.maxAliases} aliases (*name)`,
      expected: `at most ${limits.maxAliases} aliases`,
      hint: "write the repeated values out, or use fewer aliases",
    });
  }

  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: Math.max(1, p.line), col: Math.max(1, p.col) };
  };
  // Compose documents one at a time and stop at the second real one: a file of a hundred
  // thousand "---" lines is refused without composing them all.
  // Duplicate keys are found below in one pass; the package's own check compares every key with
  // every other key of its mapping, which takes seconds for a mapping of twenty thousand keys.
  const composer = new Composer({ prettyErrors: false, merge: true, uniqueKeys: false });
  const tokens = new Parser(lineCounter.addNewLine).parse(text);
  const docs: Document[] = [];
  let nonEmpty = 0;
  for (const doc of composer.compose(tokens, true, text.length)) {
    docs.push(doc as Document);
    if (!isEmptyDocument(doc)) nonEmpty++;
    if (nonEmpty > 1 || docs.length > 2) break;
  }
  const first = docs.find((d) => !isEmptyDocument(d)) ?? docs[0];
  if (docs.length > 1 && (nonEmpty > 1 || docs.length > 2)) {
    const extra = docs.find((d) => d !== first && (!isEmptyDocument(d) || docs.length > 2))!;
    return fail({
      file,
      ...startOfDocument(text, extra, at),
      path: [],
      message: 'the file holds more than one YAML document (separated by "---")',
      expected: "exactly one document per file",
      hint: "put each experiment in its own file, or delete the extra document",
    });
  }

  const errors: InputError[] = [];
  let syntaxErrorSeen = false;
  for (const doc of docs) {
    for (const e of [...doc.errors, ...doc.warnings]) {
      // After the first syntax error the parser is guessing, and what it reports next is mostly
      // an echo of the first; other kinds (tabs, tags) stay independent.
      const syntax = SYNTAX_CODES.has(e.code);
      if (syntax && syntaxErrorSeen) continue;
      syntaxErrorSeen ||= syntax;
      errors.push(fromYamlError(e, file, at));
      if (errors.length >= MAX_REPORTED_ERRORS) return fail(...errors);
    }
    for (const dup of findDuplicateKeys(doc, MAX_REPORTED_ERRORS - errors.length)) {
      errors.push({
        file,
        ...at(dup.offset),
        path: [],
        message: `the key ${JSON.stringify(dup.key)} appears twice in the same mapping (first at line ${at(dup.firstOffset).line})`,
        expected: "each key at most once",
        hint: "YAML would silently keep only one of the two values; delete or rename one of them",
      });
    }
  }
  if (errors.length > 0) return fail(...errors);

  if (first === undefined || isEmptyDocument(first)) {
    return fail({
      file,
      line: 1,
      col: 1,
      path: [],
      message: "the file is empty (it has no content besides whitespace and comments)",
      expected: "a YAML mapping starting with apiVersion and kind",
      hint: "start from an example in experiments/ or see docs/experiment-format.md",
    });
  }

  const locate = makeLocator(first, lineCounter);
  let value: unknown;
  try {
    value = first.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (e) {
    return fail(fromToJsFailure(e, file, first, at));
  }

  const nesting = checkNesting(value, limits.maxDepth);
  if (nesting !== null) {
    if (nesting.kind === "tooDeep")
      return fail(tooDeep(file, locate(nesting.path), nesting.path, limits.maxDepth));
    return fail({
      file,
      ...locate(nesting.path),
      path: nesting.path,
      message: "an alias refers to the value that contains it, so the value would never end",
      expected: "aliases (*name) that refer to a complete value defined earlier",
      hint: "move the alias out of its own anchored (&name) value, or write the value out",
    });
  }
  return { ok: true, source: { value, document: first, locate } };
}

function fail(...errors: InputError[]): YamlParseResult {
  return { ok: false, errors: sortInputErrors(errors) };
}

/** A document with nothing in it (a trailing `---` makes one): no node, or an empty null scalar. */
function isEmptyDocument(doc: Document): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && c.value === null && (c.source ?? "") === "");
}

function tooDeep(
  file: string,
  pos: { line: number; col: number },
  path: readonly PathSegment[],
  maxDepth: number,
): InputError {
  return {
    file,
    ...pos,
    path,
    message: `the YAML nests more than ${maxDepth} levels deep`,
    expected: `at most ${maxDepth} levels of nested mappings and lists`,
    hint: "an experiment needs only a few levels; check for runaway brackets or indentation",
  };
}

/** Points at the `---` line that starts a document. */
function startOfDocument(
  text: string,
  doc: Document,
  at: (offset: number) => { line: number; col: number },
): { line: number; col: number } {
  const [start, end] = doc.range ?? [0, text.length];
  const marker = text.indexOf("---", start);
  return at(marker >= 0 && marker <= end ? marker : start);
}

/** The `yaml` package's codes for malformed YAML (as opposed to well-formed but refused). */
const SYNTAX_CODES: ReadonlySet<string> = new Set([
  "BAD_INDENT",
  "MISSING_CHAR",
  "UNEXPECTED_TOKEN",
  "BLOCK_AS_IMPLICIT_KEY",
  "MULTILINE_IMPLICIT_KEY",
  "BLOCK_IN_FLOW",
  "BAD_SCALAR_START",
  "BAD_DQ_ESCAPE",
  "IMPOSSIBLE",
]);

/** Plain-language messages for the `yaml` package's error codes. */
function fromYamlError(
  e: YAMLError,
  file: string,
  at: (offset: number) => { line: number; col: number },
): InputError {
  const pos = at(e.pos[0]);
  const base = { file, ...pos, path: [] as PathSegment[] };
  const detail = oneLine(e.message);
  if (SYNTAX_CODES.has(e.code)) {
    return {
      ...base,
      message: `YAML syntax error: ${lowerFirst(detail)}`,
      expected: "valid YAML",
      hint:
        "check the indentation and the ': ' after each key, and close every [ and {; quote values that " +
        "contain ': ' or ' #' or start with one of [ ] { } , & * ! | > ' \" % @ `",
    };
  }
  switch (e.code) {
    case "TAB_AS_INDENT":
      return tabIndentError(file, base);
    case "KEY_OVER_1024_CHARS":
      return { ...base, message: "a key is longer than 1024 characters", expected: "short keys" };
    case "TAG_RESOLVE_FAILED":
    case "BAD_DIRECTIVE":
    case "MULTIPLE_TAGS":
    case "BAD_PROP_ORDER":
      return {
        ...base,
        message: `unsupported YAML tag or directive: ${lowerFirst(detail)}`,
        expected: "plain YAML without tags (!…) or directives (%…)",
        hint: "remove the tag; experiment files need only plain mappings, lists, text and numbers",
      };
    case "BAD_ALIAS":
    case "ALIAS_PROPS":
    case "MULTIPLE_ANCHORS":
      return {
        ...base,
        message: `bad anchor or alias: ${lowerFirst(detail)}`,
        expected: "an anchor (&name) before a value and aliases (*name) after it",
      };
    default:
      return { ...base, message: `YAML error: ${lowerFirst(detail)}`, expected: "valid YAML" };
  }
}

/** Failures that the `yaml` package reports only when building plain data. */
function fromToJsFailure(
  e: unknown,
  file: string,
  doc: Document,
  at: (offset: number) => { line: number; col: number },
): InputError {
  const message = e instanceof Error ? e.message : String(e);
  const pos = at(firstAliasOffset(doc) ?? 0);
  if (/excessive alias count/i.test(message)) {
    return {
      file,
      ...pos,
      path: [],
      message: "anchors and aliases expand to too much data (an alias bomb, like 'billion laughs')",
      expected: "aliases (*name) that copy a small value a few times",
      hint: "each alias copies its anchored (&name) value; aliases of aliases grow exponentially — write the values out",
    };
  }
  const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(message);
  if (unresolved) {
    return {
      file,
      ...pos,
      path: [],
      message: `the alias *${oneLine(unresolved[1] ?? "")} has no anchor before it`,
      expected: "an anchor (&name) defined before every alias (*name)",
      hint: "define the anchor first, or check the spelling of the alias",
    };
  }
  return {
    file,
    ...pos,
    path: [],
    message: `cannot read the YAML: ${oneLine(message)}`,
    expected: "valid YAML",
  };
}

/** A repeated key: where it is, and where the same mapping first had it. */
interface DuplicateKey {
  readonly key: string;
  readonly offset: number;
  readonly firstOffset: number;
}

/** Repeated scalar keys in any mapping of the document, in one pass (at most `limit`). */
function findDuplicateKeys(doc: Document, limit: number): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  if (limit <= 0) return found;
  visit(doc, {
    Map(_, map) {
      const firstAt = new Map<unknown, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const offset = pair.key.range?.[0] ?? 0;
        const first = firstAt.get(pair.key.value);
        if (first === undefined) {
          firstAt.set(pair.key.value, offset);
          continue;
        }
        found.push({ key: String(pair.key.value), offset, firstOffset: first });
        if (found.length >= limit) return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Offset of the first alias in the document, to point alias errors somewhere useful. */
function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/** "a tab is used for indentation", at a position. */
function tabIndentError(file: string, at: { readonly line: number; readonly col: number }): InputError {
  return {
    file,
    line: at.line,
    col: at.col,
    path: [],
    message: "a tab is used for indentation",
    expected: "spaces for indentation",
    hint: "YAML does not allow tabs for indentation; replace each tab with spaces (2 per level is usual)",
  };
}

/** Offsets of up to `limit` lines that start with a tab (never valid YAML indentation). */
function tabIndentedLines(text: string, limit: number): number[] {
  const out: number[] = [];
  if (text.startsWith("\t")) out.push(0);
  for (let i = text.indexOf("\n\t"); i >= 0 && out.length < limit; i = text.indexOf("\n\t", i + 1))
    out.push(i + 1);
  return out;
}

/**
 * YAML text → one parsed document with source positions, or located errors. Everything a hostile
 * or broken file can do to the `yaml` package is stopped here: deep nesting (checked on the raw
 * text first, because the parser itself can abort the process), several documents in one file,
 * syntax errors, duplicate keys, alias bombs ("billion laughs") and self-referencing aliases.
 */
import { type Document, LineCounter, parseAllDocuments, visit, type YAMLError } from "yaml";
import { checkNesting } from "./depth-check.js";
import type { InputError, PathSegment } from "./errors.js";
import { type Locate, makeLocator } from "./locate.js";
import { findExcessiveNesting } from "./nesting-scan.js";
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
}

/** Defaults: far beyond any real experiment (which nests about 6 levels), far below any harm. */
export const DEFAULT_YAML_LIMITS: YamlLimits = { maxDepth: 64, maxAliasCount: 100 };

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
  // The raw-text scan is only an estimate, so it gets a generous limit; the exact check on the
  // parsed value below enforces `maxDepth`.
  const deepAt = findExcessiveNesting(text, limits.maxDepth * 4);
  if (deepAt >= 0) return fail(tooDeep(file, textPosition(text, deepAt), [], limits.maxDepth));

  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    merge: true,
    uniqueKeys: true,
  });
  const docs: Document[] = Array.isArray(parsed) ? parsed : [];
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: Math.max(1, p.line), col: Math.max(1, p.col) };
  };

  const nonEmpty = docs.filter((d) => d.contents !== null);
  const first = nonEmpty[0] ?? docs[0];
  if (nonEmpty.length > 1) {
    const second = nonEmpty[1]!;
    const start = second.contents?.range?.[0] ?? 0;
    return fail({
      file,
      ...startOfDocumentMarker(text, start, at),
      path: [],
      message: `the file holds ${nonEmpty.length} YAML documents (separated by "---")`,
      expected: "exactly one document per file",
      hint: "put each experiment in its own file, or delete the extra document",
    });
  }

  const errors: InputError[] = [];
  let syntaxErrorSeen = false;
  for (const doc of docs) {
    for (const e of [...doc.errors, ...doc.warnings]) {
      // After the first syntax error the parser is guessing, and what it reports next is mostly
      // an echo of the first; other kinds (duplicate keys, tabs) stay independent.
      const syntax = SYNTAX_CODES.has(e.code);
      if (syntax && syntaxErrorSeen) continue;
      syntaxErrorSeen ||= syntax;
      errors.push(fromYamlError(e, file, text, doc, at));
    }
  }
  if (errors.length > 0) return fail(...errors);

  if (first === undefined || first.contents === null) {
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
  return { ok: false, errors };
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

/** Points at the `---` line that starts a document whose content begins at `contentStart`. */
function startOfDocumentMarker(
  text: string,
  contentStart: number,
  at: (offset: number) => { line: number; col: number },
): { line: number; col: number } {
  const marker = text.lastIndexOf("---", contentStart);
  return at(marker >= 0 ? marker : contentStart);
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
  text: string,
  doc: Document,
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
    case "DUPLICATE_KEY": {
      const key = keyTextAt(text, e.pos[0]);
      const first = firstKeyOffset(doc, e.pos[0]);
      const firstLine = first === undefined ? "" : ` (first at line ${at(first).line})`;
      return {
        ...base,
        message: `the key ${JSON.stringify(key)} appears twice in the same mapping${firstLine}`,
        expected: "each key at most once",
        hint: "YAML would silently keep only one of the two values; delete or rename one of them",
      };
    }
    case "TAB_AS_INDENT":
      return {
        ...base,
        message: "a tab is used for indentation",
        expected: "spaces for indentation",
        hint: "YAML does not allow tabs for indentation; replace each tab with spaces (2 per level is usual)",
      };
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

/** The key written at `offset` (plain or quoted), for messages. */
function keyTextAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200);
  const m = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\n]*?)\s*:(?:\s|$)/.exec(rest);
  const raw = (m?.[1] ?? rest.split("\n")[0] ?? "").trim();
  if (raw.startsWith('"') || raw.startsWith("'")) return raw.slice(1, -1);
  return raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
}

/** Where the first copy of the duplicated key at `offset` is, found among its mapping's keys. */
function firstKeyOffset(doc: Document, offset: number): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Map(_, map) {
      const keys = map.items.map(
        (p) => p.key as { range?: [number, number, number]; value?: unknown } | null,
      );
      const dup = keys.find((k) => k?.range?.[0] === offset);
      if (dup === undefined || dup === null) return undefined;
      const first = keys.find((k) => k !== null && k.value === dup.value);
      found = first?.range?.[0];
      return visit.BREAK;
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

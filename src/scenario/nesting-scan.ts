/**
 * A quick look at raw YAML text for structures that are cheap to write but expensive to parse,
 * before the real parser sees them.
 *
 * The `yaml` package parses and composes recursively in places: a few hundred thousand nested `[`
 * make it run out of memory and abort the whole process (not a catchable exception), some eight
 * hundred levels of indentation overflow the call stack, and a long run of compact sequence
 * indicators (`- - - - …`) takes seconds. Resolving aliases costs time proportional to the
 * document for each alias, so tens of thousands of `*a` take seconds too. All of these fit in a
 * small file, so they are counted here in one pass:
 * - flow brackets that open a value, and compact `- `/`? ` indicators at the start of a line;
 * - indentation levels (lines indented deeper than every open level), skipping block scalar text;
 * - alias indicators (`*name`) where a value starts.
 * Quoted text and comments are skipped. The estimate can overcount a little in odd but valid
 * files, so callers give it a limit well above the real one and check exactly after parsing.
 */

/** What the scan found too much of, and where. */
export interface ScanProblem {
  readonly kind: "nesting" | "aliases";
  /** Index in the text where the limit was passed. */
  readonly index: number;
}

/** Limits for {@link scanYamlText}. */
export interface ScanLimits {
  /** Largest estimated nesting depth. */
  readonly maxDepth: number;
  /** Largest number of alias nodes. */
  readonly maxAliases: number;
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/** Returns the first limit the text passes, or null. */
export function scanYamlText(text: string, limits: ScanLimits): ScanProblem | null {
  const n = text.length;
  let flow = 0;
  let compact = 0;
  let aliases = 0;
  // Indentation of each open block level, innermost last.
  const indents: number[] = [];
  // Indentation of the line that opened a block scalar (`|`, `>`), or -1 outside one.
  let blockScalarParent = -1;
  let lineIndent = 0;
  // True where a value may begin: the start of a line, after `- `, `? `, `: `, `[`, `{` or `,`.
  let valueStart = true;
  let atLineStart = true;
  let i = 0;
  while (i < n) {
    if (atLineStart) {
      let j = i;
      while (j < n && text.charCodeAt(j) === SPACE) j++;
      const c = j < n ? text.charCodeAt(j) : LF;
      const blank = c === LF || c === CR || c === 0x23; /* # */
      if (blockScalarParent >= 0 && (blank || j - i > blockScalarParent)) {
        // Text of a block scalar (or a blank line inside one): not structure.
        i = lineEnd(text, j) + 1;
        continue;
      }
      blockScalarParent = -1;
      if (blank) {
        i = lineEnd(text, j) + 1;
        continue;
      }
      lineIndent = j - i;
      if (flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= lineIndent) indents.pop();
        indents.push(lineIndent);
        if (indents.length > limits.maxDepth) return { kind: "nesting", index: j };
      }
      i = j;
      atLineStart = false;
      valueStart = true;
      compact = 0;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === LF) {
      atLineStart = true;
      i++;
      continue;
    }
    if (c === SPACE || c === TAB || c === CR) {
      i++;
      continue;
    }
    if (c === 0x23 /* # */ && isSpace(text.charCodeAt(i - 1))) {
      i = lineEnd(text, i);
      continue;
    }
    const next = i + 1 < n ? text.charCodeAt(i + 1) : LF;
    if (valueStart && (c === 0x22 /* " */ || c === 0x27) /* ' */) {
      i = skipQuoted(text, i, c);
      valueStart = false;
      continue;
    }
    if (valueStart && c === 0x2a /* * */ && !isSpace(next)) {
      if (++aliases > limits.maxAliases) return { kind: "aliases", index: i };
      valueStart = false;
      i++;
      continue;
    }
    if (valueStart && flow === 0 && (c === 0x7c /* | */ || c === 0x3e) /* > */) {
      blockScalarParent = lineIndent;
      i = lineEnd(text, i);
      continue;
    }
    if (flow === 0 && valueStart && (c === 0x2d /* - */ || c === 0x3f) /* ? */ && isSpace(next)) {
      compact++;
      if (indents.length + compact > limits.maxDepth) return { kind: "nesting", index: i };
      i++;
      continue;
    }
    if ((c === 0x5b /* [ */ || c === 0x7b) /* { */ && (valueStart || flow > 0)) {
      flow++;
      if (flow + indents.length + compact > limits.maxDepth) return { kind: "nesting", index: i };
      valueStart = true;
      i++;
      continue;
    }
    if ((c === 0x5d /* ] */ || c === 0x7d) /* } */ && flow > 0) {
      flow--;
      valueStart = false;
    } else if (c === 0x2c /* , */ && flow > 0) {
      valueStart = true;
    } else if (
      c === 0x3a /* : */ &&
      (isSpace(next) || (flow > 0 && (next === 0x2c || next === 0x5d || next === 0x7d)))
    ) {
      valueStart = true;
    } else if (c !== 0x26 /* & */ && c !== 0x21 /* ! */) {
      valueStart = false;
    } else {
      // An anchor or tag comes before the value it names: skip it and keep waiting for the value.
      while (i + 1 < n && !isSpace(text.charCodeAt(i + 1))) i++;
    }
    i++;
  }
  return null;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR || Number.isNaN(c);
}

/** Index of the line feed ending the line that contains `from` (or the end of the text). */
function lineEnd(text: string, from: number): number {
  const eol = text.indexOf("\n", from);
  return eol < 0 ? text.length : eol;
}

/** Index just past the closing quote (or the end of the text if it is never closed). */
function skipQuoted(text: string, start: number, quote: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote === 0x22 && c === 0x5c /* \ */) {
      i++;
      continue;
    }
    if (c === quote) {
      if (quote === 0x27 && text.charCodeAt(i + 1) === 0x27) {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return text.length;
}

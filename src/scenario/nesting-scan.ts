/**
 * A quick look at raw YAML text for pathological nesting, before the real parser sees it.
 *
 * The `yaml` package parses and composes recursively in places: a few hundred thousand nested
 * `[` brackets make it run out of memory and abort the whole process (not a catchable exception),
 * and a long run of compact sequence indicators (`- - - - …`) takes seconds. Both are cheap to
 * write (one or two bytes per level), so a hostile file within the size limit can hold thousands
 * of levels. This scan estimates the nesting those two forms build: it counts flow brackets that
 * open a value and compact `- `/`? ` indicators at the start of a line, skipping quoted text and
 * comments. It can overcount a little in odd but valid files, so callers give it a limit well
 * above the real one. Nesting written with indentation needs O(depth²) bytes and is left to the exact depth
 * check after parsing.
 */

/** Where the estimated nesting first went past `limit`, or -1 when it never did. */
export function findExcessiveNesting(text: string, limit: number): number {
  let flow = 0;
  let compact = 0;
  // True where a value may begin: the start of a line, after `- `, `? `, `: `, `[`, `{` or `,`.
  let valueStart = true;
  let atLineStart = true;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      atLineStart = true;
      valueStart = true;
      compact = 0;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    if (c === 0x23 /* # */ && (i === 0 || isSpace(text.charCodeAt(i - 1)))) {
      const eol = text.indexOf("\n", i);
      i = (eol < 0 ? n : eol) - 1;
      continue;
    }
    if (valueStart && (c === 0x22 /* " */ || c === 0x27) /* ' */) {
      i = skipQuoted(text, i, c) - 1;
      valueStart = false;
      atLineStart = false;
      continue;
    }
    const next = i + 1 < n ? text.charCodeAt(i + 1) : 0x0a;
    if (flow === 0 && valueStart && (c === 0x2d /* - */ || c === 0x3f) /* ? */ && isSpaceOrEnd(next)) {
      // Compact nesting only counts on one line: `- - - x`; indentation starts over on the next.
      if (atLineStart || compact > 0) compact++;
      if (compact > limit) return i;
      continue;
    }
    atLineStart = false;
    if ((c === 0x5b /* [ */ || c === 0x7b) /* { */ && (valueStart || flow > 0)) {
      flow++;
      if (flow + compact > limit) return i;
      valueStart = true;
      continue;
    }
    if ((c === 0x5d /* ] */ || c === 0x7d) /* } */ && flow > 0) {
      flow--;
      valueStart = false;
      continue;
    }
    if (c === 0x2c /* , */ && flow > 0) {
      valueStart = true;
      continue;
    }
    if (c === 0x3a /* : */ && isSpaceOrEnd(next)) {
      valueStart = true;
      continue;
    }
    valueStart = false;
  }
  return -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isSpaceOrEnd(c: number): boolean {
  return isSpace(c) || Number.isNaN(c);
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

/**
 * From a path inside a parsed document (`["spec", "steps", 1, "do"]`) back to `line:col` in the
 * file, so that every error — from YAML, from the schema or from compiling — points at the text
 * the user has to change.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import type { PathSegment, SourcePosition } from "./errors.js";

/**
 * Which part of a mapping entry to point at: its value (the default), or its key — right for
 * "unknown field" and "duplicate key", where the key itself is wrong.
 */
export type LocatePart = "value" | "key";

/**
 * Finds the position of a path in the document. When the path does not exist (a missing field,
 * or a value that came from a merge key), it points at the deepest part that does.
 */
export type Locate = (path: readonly PathSegment[], part?: LocatePart) => SourcePosition;

/** What a path reached in the YAML tree. */
interface Reached {
  /** How many segments of the path were found. */
  readonly depth: number;
  /** The key node of the last mapping entry on the way, if the last step was a mapping key. */
  readonly key: Node | undefined;
  /** The node reached (undefined for an entry with an empty value). */
  readonly value: Node | undefined;
}

/** Builds a {@link Locate} for one parsed document. */
export function makeLocator(doc: Document, lineCounter: LineCounter): Locate {
  const position = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: Math.max(1, p.line), col: Math.max(1, p.col) };
  };
  const startOf = (node: Node | undefined): number | undefined => node?.range?.[0];
  return (path, part = "value") => {
    const reached = walk(doc, path);
    const complete = reached.depth === path.length;
    // For a missing path, the key of the deepest entry found reads best ("spec:" for a field
    // missing from spec); for a found one, the requested part.
    const preferKey = part === "key" || !complete;
    const first = preferKey ? startOf(reached.key) : startOf(reached.value);
    const second = preferKey ? startOf(reached.value) : startOf(reached.key);
    const offset = first ?? second ?? startOf(doc.contents ?? undefined) ?? 0;
    return position(offset);
  };
}

/** Follows a path through maps, sequences and aliases as far as it goes. */
function walk(doc: Document, path: readonly PathSegment[]): Reached {
  let node: Node | undefined = doc.contents ?? undefined;
  let key: Node | undefined;
  let depth = 0;
  for (const seg of path) {
    if (node !== undefined && isAlias(node)) node = node.resolve(doc) ?? undefined;
    if (node === undefined) break;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
      if (pair === undefined) break;
      key = isNode(pair.key) ? pair.key : undefined;
      node = isNode(pair.value) ? pair.value : undefined;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) break;
      key = undefined;
      node = isNode(item) ? item : undefined;
    } else {
      break;
    }
    depth++;
  }
  return { depth, key, value: node };
}

function isNode(x: unknown): x is Node {
  return isScalar(x) || isMap(x) || isSeq(x) || isAlias(x);
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === "string" || typeof key === "number" ? String(key) : undefined;
}

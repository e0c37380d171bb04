/**
 * Exact nesting checks on a parsed value, before it is validated: a cap on depth (deep input is
 * never a real experiment, and deep values make every later recursive step slow) and a refusal of
 * cycles, which YAML can build with an alias inside its own anchor (`a: &x [*x]`) and which would
 * send validation into endless recursion.
 */
import type { PathSegment } from "./errors.js";

/** Why a value was refused, and where. */
export type NestingProblem =
  | { readonly kind: "tooDeep"; readonly path: readonly PathSegment[] }
  | { readonly kind: "cycle"; readonly path: readonly PathSegment[] };

/**
 * Finds the first place where mappings and lists nest more than `maxDepth` levels (the top-level
 * mapping is level 1), or where a value contains itself. Recursion is bounded by `maxDepth`, so
 * the check itself is safe on any input.
 */
export function checkNesting(value: unknown, maxDepth: number): NestingProblem | null {
  const path: PathSegment[] = [];
  const onPath = new Set<object>();
  const visit = (v: unknown): NestingProblem | null => {
    if (v === null || typeof v !== "object") return null;
    if (onPath.has(v)) return { kind: "cycle", path: path.slice() };
    if (path.length >= maxDepth) return { kind: "tooDeep", path: path.slice() };
    onPath.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        const found = visit(v[i]);
        path.pop();
        if (found) return found;
      }
    } else {
      for (const key of Object.keys(v)) {
        path.push(key);
        const found = visit((v as Record<string, unknown>)[key]);
        path.pop();
        if (found) return found;
      }
    }
    onPath.delete(v);
    return null;
  };
  return visit(value);
}

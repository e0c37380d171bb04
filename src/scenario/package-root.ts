/**
 * Where quorate's own files (models/, experiments/) are, whether running from src/ under vitest
 * or from dist/ after a build: the nearest folder above this module with quorate's package.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/** The repository (package) root. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && /"name":\s*"quorate"/.test(readFileSync(pkg, "utf8"))) {
      cached = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir)
      throw new Error("cannot find quorate's package.json above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

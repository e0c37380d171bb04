/**
 * vitest global setup: compiles src/ and bench/ to dist/ once, so tests that run the real `quorate`
 * command (bin/quorate.js → dist/) exercise the current sources. Type errors do not stop the
 * tests (tsc still emits JavaScript); `npm run typecheck` is the gate for those.
 *
 * The build goes to a private folder first and replaces dist/ by two renames, so a `quorate`
 * process started by another test run on the same checkout never loads a half-written dist/.
 */
import { spawnSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const fresh = join(root, `dist.build-${process.pid}`);
  const stale = join(root, `dist.old-${process.pid}`);
  const dist = join(root, "dist");
  const r = spawnSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json", "--outDir", fresh],
    { cwd: root, encoding: "utf8" },
  );
  if (r.status !== 0) {
    process.stderr.write(
      `note: tsc reported type errors (tests run on the emitted JavaScript):\n${r.stdout.slice(0, 2000)}\n`,
    );
  }
  if (existsSync(dist)) renameSync(dist, stale);
  renameSync(fresh, dist);
  rmSync(stale, { recursive: true, force: true });
}

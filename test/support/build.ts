/**
 * vitest global setup: compiles src/ and bench/ to dist/ once, so tests that run the real `quorate`
 * command (bin/quorate.js → dist/) exercise the current sources. Type errors do not stop the
 * tests (tsc still emits JavaScript); `npm run typecheck` is the gate for those.
 *
 * The build goes to a private folder first and then replaces dist/ by two renames, so a `quorate`
 * process started by another test run on the same checkout sees the old build or the new one,
 * never a half-written one (only in the instant between the renames is there none). When tsc
 * emitted nothing (a broken configuration), dist/ is left as it was.
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
  if (!existsSync(join(fresh, "src", "cli", "main.js"))) {
    rmSync(fresh, { recursive: true, force: true });
    throw new Error(`tsc emitted no build (status ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  const hadDist = existsSync(dist);
  if (hadDist) renameSync(dist, stale);
  try {
    renameSync(fresh, dist);
  } catch (e) {
    if (hadDist) renameSync(stale, dist);
    throw e;
  }
  rmSync(stale, { recursive: true, force: true });
}

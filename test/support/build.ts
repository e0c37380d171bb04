/**
 * vitest global setup: compiles src/ and bench/ to dist/ once, so tests that run the real `quorate`
 * command (bin/quorate.js → dist/) exercise the current sources. Type errors do not stop the
 * tests (tsc still emits JavaScript); `npm run typecheck` is the gate for those.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const r = spawnSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  if (r.status !== 0) {
    process.stderr.write(
      `note: tsc reported type errors (tests run on the emitted JavaScript):\n${r.stdout.slice(0, 2000)}\n`,
    );
  }
}

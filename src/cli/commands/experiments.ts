/** `quorate experiments`: the shipped experiment library, one line each. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { ExperimentSchema } from "../../scenario/experiment-schema.js";
import { loadYamlFile } from "../../scenario/load.js";
import { packageRoot } from "../../scenario/package-root.js";

export function experimentsCommand(setExit: (code: number) => void): CommandModule {
  return {
    command: "experiments",
    describe: "List the shipped experiments (experiments/*.yaml): the seed incident library",
    handler: () => {
      const dir = join(packageRoot(), "experiments");
      const files = readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort();
      const rows = files.map((f) => {
        const loaded = loadYamlFile(join(dir, f), ExperimentSchema);
        const text = loaded.ok
          ? `${loaded.value.spec.model.padEnd(14)} ${loaded.value.metadata.description ?? ""}`
          : "(invalid: run quorate validate)";
        return [`experiments/${f}`, text] as const;
      });
      const width = Math.max(...rows.map((r) => r[0].length));
      for (const [file, text] of rows) process.stdout.write(`${file.padEnd(width)}  ${text}\n`);
      setExit(0);
    },
  };
}

/** `quorate models`: the shipped model profiles, one line each. */
import type { CommandModule } from "yargs";
import { loadModel, shippedModelNames } from "../../scenario/models.js";

export function modelsCommand(setExit: (code: number) => void): CommandModule {
  return {
    command: "models",
    describe: "List the shipped model profiles (models/*.yaml)",
    handler: () => {
      const names = shippedModelNames();
      const width = Math.max(...names.map((n) => n.length));
      for (const name of names) {
        const m = loadModel(name);
        const description = m.ok
          ? (m.model.document.metadata.description ?? "")
          : "(invalid profile: see quorate explain model)";
        process.stdout.write(`${name.padEnd(width)}  ${description}\n`);
      }
      setExit(0);
    },
  };
}

/** `quorate schema`: prints the JSON Schema of experiment files, for editors. */
import type { CommandModule } from "yargs";
import { experimentJsonSchema } from "../../scenario/json-schema.js";

export function schemaCommand(setExit: (code: number) => void): CommandModule {
  return {
    command: "schema",
    describe: "Print the JSON Schema of experiment files (for editor completion and checking)",
    handler: () => {
      process.stdout.write(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
      setExit(0);
    },
  };
}

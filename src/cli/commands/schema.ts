/** `quorate schema [experiment|model]`: prints the JSON Schema of experiment or model files, for editors. */
import type { CommandModule } from "yargs";
import { experimentJsonSchema, modelJsonSchema } from "../../scenario/json-schema.js";
import { writeStdout } from "../stdout.js";

export function schemaCommand(setExit: (code: number) => void): CommandModule {
  return {
    command: "schema [kind]",
    describe:
      "Print the JSON Schema of experiment files (or of model profiles: schema model), for editor completion and checking",
    builder: (y) =>
      y.positional("kind", {
        describe: "Which files",
        choices: ["experiment", "model"] as const,
        default: "experiment",
      }),
    handler: (args) => {
      const schema = args.kind === "model" ? modelJsonSchema() : experimentJsonSchema();
      writeStdout(`${JSON.stringify(schema, null, 2)}\n`);
      setExit(0);
    },
  };
}

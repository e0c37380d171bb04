/** `quorate validate FILE...`: checks experiment files (and their models) without running them. */
import type { CommandModule } from "yargs";
import { prepareRun } from "../../engine/prepare.js";
import { formatInputErrors } from "../../scenario/errors.js";
import { EXIT_BAD_INPUT, EXIT_OK } from "../exit.js";

interface ValidateArgs {
  files: string[];
}

export function validateCommand(setExit: (code: number) => void): CommandModule<object, ValidateArgs> {
  return {
    command: "validate <files..>",
    describe: "Check experiment files: syntax, schema, model, parameters, targets and conditions",
    builder: (y) =>
      y.positional("files", {
        type: "string",
        array: true,
        demandOption: true,
        describe: "Experiment files",
      }) as never,
    handler: (args) => {
      let bad = 0;
      for (const file of args.files) {
        const r = prepareRun(file);
        if (r.ok) {
          process.stdout.write(
            `ok ${file} (${r.run.plan.steps.length} steps, ${r.run.plan.expectations.length} expectations)\n`,
          );
        } else {
          bad++;
          process.stderr.write(`${formatInputErrors(r.errors)}\n`);
        }
      }
      setExit(bad > 0 ? EXIT_BAD_INPUT : EXIT_OK);
    },
  };
}

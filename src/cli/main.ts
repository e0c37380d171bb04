/**
 * The `quorate` command line. Commands live in one file each; this file wires them into yargs and
 * turns failures into exit codes: 0 all expectations held, 1 one failed, 2 bad input, 3 a bug.
 */
import chalk from "chalk";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { experimentsCommand } from "./commands/experiments.js";
import { explainCommand } from "./commands/explain.js";
import { modelsCommand } from "./commands/models.js";
import { reportCommand } from "./commands/report.js";
import { runCommand } from "./commands/run.js";
import { schemaCommand } from "./commands/schema.js";
import { sweepCommand } from "./commands/sweep.js";
import { validateCommand } from "./commands/validate.js";
import { EXIT_BAD_INPUT, EXIT_INTERNAL, UsageError } from "./exit.js";

function configureColor(argv: readonly string[]): void {
  const noColor =
    argv.includes("--no-color") || (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "");
  if (noColor) chalk.level = 0;
}

async function main(argv: string[]): Promise<number> {
  configureColor(argv);
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  await yargs(argv)
    .scriptName("quorate")
    .usage(
      "$0 <command> [options]\n\nDeterministic simulation of etcd, Kubernetes and Cluster API under failure.",
    )
    .command(runCommand(setExit))
    .command(validateCommand(setExit))
    .command(schemaCommand(setExit))
    .command(modelsCommand(setExit))
    .command(experimentsCommand(setExit))
    .command(explainCommand(setExit))
    .command(sweepCommand(setExit))
    .command(reportCommand(setExit))
    .option("color", {
      type: "boolean",
      default: true,
      describe: "Colour the output (also off when NO_COLOR is set)",
    })
    .demandCommand(
      1,
      "Name a command: run, sweep, report, validate, schema, models, experiments or explain (see --help).",
    )
    .strict()
    .recommendCommands()
    .help()
    .alias("h", "help")
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err && !(err instanceof UsageError)) throw err;
      throw new UsageError(err?.message ?? msg);
    })
    .parseAsync();
  return exitCode;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`quorate: ${err.message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`quorate: internal error: ${e.message}\n`);
    if (process.env.QUORATE_DEBUG) process.stderr.write(`${e.stack ?? ""}\n`);
    else process.stderr.write("(this is a bug in quorate; set QUORATE_DEBUG=1 to see where it happened)\n");
    process.exitCode = EXIT_INTERNAL;
  },
);

/**
 * `quorate validate FILE...`: checks experiment files (and their models) without running them,
 * and model profiles (`kind: Model`, the files in models/) with the checks loading one as an
 * experiment's model applies: the schema, every parameter's name and value, and etcd's timing rule.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { isAbsolute } from "node:path";
import type { CommandModule } from "yargs";
import { prepareRun } from "../../engine/prepare.js";
import { count } from "../../report/plural.js";
import { formatInputErrors, type InputError } from "../../scenario/errors.js";
import { loadModel, modelParameters } from "../../scenario/models.js";
import { checkEtcdParameters } from "../../world/etcd-world.js";
import { EXIT_BAD_INPUT, EXIT_OK } from "../exit.js";

interface ValidateArgs {
  files: string[];
}

export function validateCommand(setExit: (code: number) => void): CommandModule<object, ValidateArgs> {
  return {
    command: "validate <files..>",
    describe:
      "Check experiment files (syntax, schema, model, parameters, targets and conditions) and model profiles",
    builder: (y) =>
      y.positional("files", {
        type: "string",
        array: true,
        demandOption: true,
        describe: "Experiment files or model profiles (kind: Model)",
      }) as never,
    handler: (args) => {
      let bad = 0;
      for (const file of args.files) {
        const r = isModelProfile(file) ? validateModel(file) : validateExperiment(file);
        if (r.ok) process.stdout.write(`ok ${file} (${r.summary})\n`);
        else {
          bad++;
          process.stderr.write(`${formatInputErrors(r.errors)}\n`);
        }
      }
      setExit(bad > 0 ? EXIT_BAD_INPUT : EXIT_OK);
    },
  };
}

type Checked = { ok: true; summary: string } | { ok: false; errors: InputError[] };

function validateExperiment(file: string): Checked {
  const r = prepareRun(file);
  if (!r.ok) return r;
  const { steps, expectations } = r.run.plan;
  return {
    ok: true,
    summary: `${count(steps.length, "step")}, ${count(expectations.length, "expectation")}`,
  };
}

/** A model profile, checked as `spec.model` pointing at it would be. */
function validateModel(file: string): Checked {
  // A path, so that `validate capv.yaml` does not look for a shipped profile by name.
  const ref = isAbsolute(file) || file.includes("/") ? file : `./${file}`;
  const loaded = loadModel(ref);
  if (!loaded.ok) return loaded;
  const { params, errors } = modelParameters(loaded.model);
  const spec = loaded.model.document.spec;
  if (errors.length === 0 && spec.layers.includes("etcd")) {
    const problem = checkEtcdParameters(params);
    if (problem !== undefined) {
      errors.push({
        file,
        ...loaded.model.locate(["spec", "parameters"], "key"),
        path: ["spec", "parameters"],
        message: `etcd would refuse to start: ${problem}`,
        hint: "etcd.electionTimeout must be at least 5 × etcd.heartbeatInterval and at most 50s",
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const parameters = Object.keys(spec.parameters).length;
  return {
    ok: true,
    summary: `model ${loaded.model.name}: layers ${spec.layers.join(", ")}; ${count(parameters, "parameter")}`,
  };
}

/** `1 step`, `2 steps`. */
/**
 * Whether a file declares `kind: Model` at the top level (read from its first 64 KiB: a profile
 * says so in its first lines). Anything else, an unreadable file included, is checked as an
 * experiment, whose loader reports every problem with the file.
 */
function isModelProfile(file: string): boolean {
  let head: string;
  try {
    const fd = openSync(file, "r");
    try {
      const buf = Buffer.alloc(64 * 1024);
      head = buf.toString("utf8", 0, readSync(fd, buf, 0, buf.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  return /^kind:[ \t]*(["']?)Model\1[ \t]*(#.*)?$/m.test(head);
}

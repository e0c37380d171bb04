/**
 * `quorate explain model NAME`: every parameter of a profile with its value, unit and source;
 * `quorate explain conditions|actions [--model NAME]`: the condition and action vocabulary.
 */
import type { CommandModule } from "yargs";
import { buildWorld } from "../../engine/prepare.js";
import { formatParameter } from "../../engine/run.js";
import { loadModel, modelParameters } from "../../scenario/models.js";
import { Simulation } from "../../sim/simulation.js";
import { ACTIONS } from "../../world/vocabulary.js";
import { UsageError } from "../exit.js";
import { inputFailure } from "../input-errors.js";

interface ExplainArgs {
  topic: string;
  name?: string;
  model?: string;
}

const TOPICS = ["model", "conditions", "actions"];

export function explainCommand(setExit: (code: number) => void): CommandModule<object, ExplainArgs> {
  return {
    command: "explain <topic> [name]",
    describe: "Explain a model's parameters (explain model capv), the conditions or the actions",
    builder: (y) =>
      y
        .positional("topic", {
          choices: TOPICS,
          demandOption: true,
          describe: "model, conditions or actions",
        })
        .positional("name", { type: "string", describe: "The model profile (for explain model)" })
        .option("model", {
          type: "string",
          describe: "Model whose conditions to list (default vsphere-vms)",
        }) as never,
    handler: (args) => {
      if (args.topic === "model")
        process.stdout.write(explainModel(args.name ?? args.model ?? "vsphere-vms"));
      else if (args.topic === "conditions")
        process.stdout.write(explainConditions(args.model ?? args.name ?? "vsphere-vms"));
      else if (args.topic === "actions") process.stdout.write(explainActions());
      else throw new UsageError(`unknown topic ${args.topic}`);
      setExit(0);
    },
  };
}

function loadParams(name: string) {
  const m = loadModel(name);
  if (!m.ok) throw inputFailure(m.errors);
  const { params, errors } = modelParameters(m.model);
  if (errors.length > 0) throw inputFailure(errors);
  return { model: m.model, params };
}

function explainModel(name: string): string {
  const { model, params } = loadParams(name);
  const out = [`model ${model.name} (${model.file})`];
  if (model.document.metadata.description) out.push(model.document.metadata.description);
  out.push(`layers: ${model.document.spec.layers.join(", ")}`, "");
  for (const p of params.all()) {
    out.push(
      `${p.spec.key} = ${formatParameter(p.value, p.spec.unit)}${p.origin === "default" ? "  (built-in default)" : ""}`,
    );
    out.push(`    ${p.spec.summary}`);
    out.push(`    source: ${p.source}`);
  }
  return `${out.join("\n")}\n`;
}

function explainConditions(name: string): string {
  const { model, params } = loadParams(name);
  const world = buildWorld(new Simulation({ seed: 1 }), params, model);
  const out = [
    `conditions in model ${model.name} (use in expect/waitFor/when; compare with == != < <= > >=):`,
    "",
  ];
  for (const s of [...world.signals.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const subjects = s.subjects ? ` — subjects: ${s.subjects(world).join(", ")}` : "";
    out.push(`${s.name}  (${s.type})${subjects}`, `    ${s.summary}`);
  }
  return `${out.join("\n")}\n`;
}

function explainActions(): string {
  const out = ["actions (do:), with their target and arguments:", ""];
  for (const a of ACTIONS) {
    const args = Object.keys(a.args);
    out.push(
      `${a.name}${a.target !== "none" ? ` target: <${a.target}>` : ""}${args.length ? ` ${args.map((x) => `${x}: …`).join(" ")}` : ""}`,
      `    ${a.summary}`,
    );
  }
  return `${out.join("\n")}\n`;
}

/**
 * From files to a world ready to run: load the experiment, load its model profile, resolve the
 * parameters (defaults ← profile ← experiment `set:` ← `--set`), build the world, then compile the
 * experiment against that world so unknown targets and conditions are refused before anything
 * runs. Every problem comes back as a located InputError.
 */

import { dirname } from "node:path";
import { compileExperiment } from "../scenario/compile.js";
import type { InputError } from "../scenario/errors.js";
import { type ExperimentDocument, ExperimentSchema } from "../scenario/experiment-schema.js";
import { loadYamlFile } from "../scenario/load.js";
import type { Locate } from "../scenario/locate.js";
import { type LoadedModel, loadModel, modelParameters } from "../scenario/models.js";
import type { ExperimentPlan } from "../scenario/plan.js";
import { Simulation } from "../sim/simulation.js";
import { MemorySink, Trace } from "../sim/trace.js";
import { installCapiActions } from "../world/capi-actions.js";
import { installCapiSignals } from "../world/capi-signals.js";
import { installCapiLayer } from "../world/capi-world.js";
import { installEtcdActions } from "../world/etcd-actions.js";
import { installEtcdSignals } from "../world/etcd-signals.js";
import { checkEtcdParameters, installEtcdLayer } from "../world/etcd-world.js";
import { installInfraActions } from "../world/infra-actions.js";
import { installInfraSignals } from "../world/infra-signals.js";
import { buildInfraWorld } from "../world/infra-world.js";
import { installKubeActions } from "../world/kube-actions.js";
import { installKubeSignals } from "../world/kube-signals.js";
import { installKubeLayer } from "../world/kube-world.js";
import { installOpenshiftLayer } from "../world/openshift-world.js";
import type { ParameterSet } from "../world/parameter-set.js";
import { findParameter } from "../world/parameters.js";
import type { World } from "../world/world.js";
import { overrideMayShapeWorld, overrideWords } from "./parameter-words.js";
import { worldResolvers } from "./resolvers.js";

export { worldResolvers } from "./resolvers.js";

/** A `--set key=value` from the command line. */
export interface CliOverride {
  readonly key: string;
  readonly value: string;
}

export interface PrepareOptions {
  /** The run's seed (the CLI's --seed, else the file's spec.seed, else 1). */
  readonly seed?: number;
  readonly overrides?: readonly CliOverride[];
}

/** Everything a run needs, built but not started. */
export interface PreparedRun {
  readonly plan: ExperimentPlan;
  readonly model: LoadedModel;
  readonly params: ParameterSet;
  readonly sim: Simulation;
  readonly world: World;
  readonly memory: MemorySink;
  readonly seed: number;
}

export type PrepareResult = { ok: true; run: PreparedRun } | { ok: false; errors: InputError[] };

/** Loads and checks an experiment file and builds its world. */
export function prepareRun(path: string, options: PrepareOptions = {}): PrepareResult {
  const loaded = loadYamlFile(path, ExperimentSchema);
  if (!loaded.ok) return loaded;
  const doc = loaded.value;
  const modelAt = loaded.locate(["spec", "model"]);
  const model = loadModel(doc.spec.model, { file: path, ...modelAt, baseDir: dirname(path) });
  if (!model.ok) return model;
  const { params, errors } = modelParameters(model.model);
  if (errors.length > 0) return { ok: false, errors };

  // Keys whose override was refused: the world below is built without them.
  const refused: string[] = [];
  for (const [key, value] of Object.entries(doc.spec.set ?? {})) {
    const problem = params.override(key, value, "experiment", path);
    if (problem) {
      refused.push(problem.key);
      const words = overrideWords(problem);
      // An unknown name is pointed at by its key, a bad value by the value.
      const at = loaded.locate(["spec", "set", key], findParameter(key) === undefined ? "key" : undefined);
      errors.push({ file: path, ...at, path: ["spec", "set", key], ...words });
    }
  }
  for (const o of options.overrides ?? []) {
    const problem = params.override(o.key, o.value, "command line", "--set");
    if (problem) {
      refused.push(problem.key);
      errors.push({
        file: "<command line>",
        line: 0,
        col: 0,
        path: ["--set", o.key],
        ...overrideWords(problem),
      });
    }
  }
  let etcdRefuses = false;
  if (model.model.document.spec.layers.includes("etcd")) {
    const etcdProblem = checkEtcdParameters(params);
    if (etcdProblem !== undefined) {
      etcdRefuses = true;
      errors.push({
        file: path,
        ...loaded.locate(["spec"], "key"),
        path: ["spec", "set"],
        message: `etcd would refuse to start: ${etcdProblem}`,
        hint: "etcd.electionTimeout must be at least 5 × etcd.heartbeatInterval and at most 50s",
      });
    }
  }
  if (errors.length > 0) {
    // The steps and expectations are still checked, against the model without the refused
    // values, when those values cannot change which names the world has: a bad `lb.inter` says
    // nothing about whether `cp-7` exists, a bad `topology.controlPlanes` does
    // (docs/experiment-format.md, "When a file is wrong").
    if (!etcdRefuses && !refused.some(overrideMayShapeWorld)) {
      errors.push(...laterProblems(doc, loaded.locate, path, params, model.model));
    }
    return { ok: false, errors };
  }

  const seed = options.seed ?? doc.spec.seed ?? 1;
  const memory = new MemorySink();
  const sim = new Simulation({ seed, trace: new Trace().addSink(memory) });
  const world = buildWorld(sim, params, model.model);

  // Targets, roles and conditions (expectations and what the runbook waits on) are checked
  // against this world while compiling (src/engine/resolvers.ts).
  const compiled = compileExperiment(doc, loaded.locate, worldResolvers(world), path);
  if (!compiled.ok) return compiled;
  return { ok: true, run: { plan: compiled.plan, model: model.model, params, sim, world, memory, seed } };
}

/**
 * The problems of the steps, triggers and expectations (targets, conditions, timing) against a
 * world built from `params`, for reporting together with parameter problems. The world is only
 * built to be asked for names; if building it fails, nothing more is said.
 */
function laterProblems(
  doc: ExperimentDocument,
  locate: Locate,
  path: string,
  params: ParameterSet,
  model: LoadedModel,
): InputError[] {
  let world: World;
  try {
    world = buildWorld(new Simulation({ seed: 1, trace: new Trace() }), params, model);
  } catch {
    return [];
  }
  const compiled = compileExperiment(doc, locate, worldResolvers(world), path);
  return compiled.ok ? [] : compiled.errors;
}

/** Builds the layers a model asks for. */
export function buildWorld(sim: Simulation, params: ParameterSet, model: LoadedModel): World {
  const world = buildInfraWorld(sim, params, model.name);
  installInfraActions(world);
  installInfraSignals(world);
  if (model.document.spec.layers.includes("etcd")) {
    installEtcdLayer(world);
    installEtcdActions(world);
    installEtcdSignals(world);
  }
  if (model.document.spec.layers.includes("kube")) {
    installKubeLayer(world);
    installKubeActions(world);
    installKubeSignals(world);
  }
  if (model.document.spec.layers.includes("capi")) {
    installCapiLayer(world);
    installCapiActions(world);
    installCapiSignals(world);
  }
  if (model.document.spec.layers.includes("openshift")) installOpenshiftLayer(world);
  return world;
}

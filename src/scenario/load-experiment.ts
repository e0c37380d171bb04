/**
 * The one call the CLI needs: an experiment file → a runnable plan, or every problem with it as
 * a located error (exit code 2, nothing written; DESIGN.md rule 6). Loading never throws for bad
 * input; an unexpected failure inside quorate is reported as an internal error, still without a
 * stack trace, so a user sees one clear paragraph either way.
 */

import { compileExperiment } from "./compile.js";
import type { InputError } from "./errors.js";
import { type ExperimentDocument, ExperimentSchema } from "./experiment-schema.js";
import { type LoadOptions, type LoadResult, loadYamlFile, loadYamlText } from "./load.js";
import type { Locate } from "./locate.js";
import type { ExperimentPlan } from "./plan.js";
import type { CompileResolvers } from "./resolvers.js";

/** A loaded experiment: the plan to run, and the document and locator it came from. */
export interface LoadedExperiment {
  readonly ok: true;
  readonly plan: ExperimentPlan;
  readonly doc: ExperimentDocument;
  readonly locate: Locate;
}

/** The outcome of loading an experiment. */
export type ExperimentLoadResult = LoadedExperiment | { readonly ok: false; readonly errors: InputError[] };

/** Reads, validates and compiles an experiment file. */
export function loadExperiment(
  path: string,
  resolvers: CompileResolvers,
  options: LoadOptions = {},
): ExperimentLoadResult {
  return guarded(path, () => finish(loadYamlFile(path, ExperimentSchema, options), path, resolvers));
}

/** The same for an experiment in memory (`file` names it in messages: a path, `<stdin>`). */
export function loadExperimentText(
  source: string | Uint8Array,
  file: string,
  resolvers: CompileResolvers,
  options: LoadOptions = {},
): ExperimentLoadResult {
  return guarded(file, () => finish(loadYamlText(source, file, ExperimentSchema, options), file, resolvers));
}

function finish(
  loaded: LoadResult<ExperimentDocument>,
  file: string,
  resolvers: CompileResolvers,
): ExperimentLoadResult {
  if (!loaded.ok) return loaded;
  const compiled = compileExperiment(loaded.value, loaded.locate, resolvers, file);
  if (!compiled.ok) return compiled;
  return { ok: true, plan: compiled.plan, doc: loaded.value, locate: loaded.locate };
}

function guarded(file: string, load: () => ExperimentLoadResult): ExperimentLoadResult {
  try {
    return load();
  } catch (e) {
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return {
      ok: false,
      errors: [
        {
          file,
          line: 1,
          col: 1,
          path: [],
          message: `internal error while reading the experiment (${what.replace(/\s+/g, " ").slice(0, 200)})`,
          hint: "this is a bug in quorate, not in your file; please report it with the file attached",
        },
      ],
    };
  }
}

/**
 * Model profiles: `models/<name>.yaml` shipped with quorate, or any path to a profile a user
 * copied and edited. Loading validates the file and every parameter it sets against the registry
 * (src/world/parameters.ts), with located errors.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { type ModelDocument, ModelSchema } from "../world/model-schema.js";
import { ParameterSet } from "../world/parameter-set.js";
import type { InputError } from "./errors.js";
import { loadYamlFile } from "./load.js";
import type { Locate } from "./locate.js";
import { packageRoot } from "./package-root.js";
import { didYouMean, listForMessage } from "./suggest.js";

/** A loaded profile. */
export interface LoadedModel {
  readonly name: string;
  readonly file: string;
  readonly document: ModelDocument;
  readonly locate: Locate;
}

/** The folder of the shipped profiles. */
export function modelsDir(): string {
  return join(packageRoot(), "models");
}

/** Names of the shipped profiles, sorted. */
export function shippedModelNames(): string[] {
  const dir = modelsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => basename(f, ".yaml"))
    .sort();
}

/** Is this a path rather than a profile name? */
function looksLikePath(ref: string): boolean {
  return ref.includes("/") || ref.endsWith(".yaml") || ref.endsWith(".yml");
}

/**
 * Loads a profile by name (`capv`) or path. `from` is where the reference was written (for the
 * error position of an unknown name).
 */
export function loadModel(
  ref: string,
  from?: { readonly file: string; readonly line: number; readonly col: number; readonly baseDir?: string },
): { ok: true; model: LoadedModel } | { ok: false; errors: InputError[] } {
  let file: string;
  if (looksLikePath(ref)) {
    file = from?.baseDir && !ref.startsWith("/") ? join(from.baseDir, ref) : ref;
  } else {
    const names = shippedModelNames();
    if (!names.includes(ref)) {
      const hint = didYouMean(ref, names);
      return {
        ok: false,
        errors: [
          {
            file: from?.file ?? "<command line>",
            line: from?.line ?? 0,
            col: from?.col ?? 0,
            path: ["spec", "model"],
            message: `unknown model profile "${ref}"`,
            expected: `one of ${listForMessage(names)}, or a path to a profile file`,
            ...(hint ? { hint } : { hint: "`quorate models` lists the profiles" }),
          },
        ],
      };
    }
    file = join(modelsDir(), `${ref}.yaml`);
  }
  const loaded = loadYamlFile(file, ModelSchema);
  if (!loaded.ok) return loaded;
  return {
    ok: true,
    model: { name: loaded.value.metadata.name, file, document: loaded.value, locate: loaded.locate },
  };
}

/** The parameters a profile sets, applied over the defaults; problems are located in the profile. */
export function modelParameters(model: LoadedModel): { params: ParameterSet; errors: InputError[] } {
  const params = new ParameterSet();
  const errors: InputError[] = [];
  for (const [key, entry] of Object.entries(model.document.spec.parameters)) {
    const problem = params.override(key, entry.value, "model", entry.source);
    if (problem) {
      // An unknown name is pointed at by its key, a bad value by the value; the path in front of
      // the message already names the parameter, so the message does not repeat it.
      const unknown = problem.message.startsWith("unknown parameter");
      const path = unknown ? ["spec", "parameters", key] : ["spec", "parameters", key, "value"];
      const at = model.locate(path, unknown ? "key" : undefined);
      errors.push({
        file: model.file,
        line: at.line,
        col: at.col,
        path,
        message: problem.message.startsWith(`${key}: `)
          ? problem.message.slice(key.length + 2)
          : problem.message,
        hint: problem.hint,
      });
    }
  }
  return { params, errors };
}

/**
 * How an experiment is checked against the world it will run in (DESIGN.md rule 6: an impossible
 * runbook is refused before the run starts): target names and roles, conditions for each use
 * (expectations, and what the runbook waits on), and how an expectation on a condition is timed.
 */
import { checkConditionText, conditionKind } from "../observe/condition-check.js";
import type { CompileResolvers, NameProblem } from "../scenario/resolvers.js";
import { didYouMean, listForMessage } from "../scenario/suggest.js";
import type { TargetKind } from "../world/vocabulary.js";
import type { World } from "../world/world.js";

/** Role prefixes of layers a model may leave out, for the hint when such a role is unknown. */
const LAYER_ROLE_PREFIXES: ReadonlyArray<readonly [prefix: string, layer: string]> = [
  ["etcd.", "etcd"],
  ["kube.", "kube"],
  ["capi.", "capi"],
];

/** Name resolution for compiling an experiment against a world. */
export function worldResolvers(world: World): CompileResolvers {
  return {
    resolveTarget(kind, text) {
      const name = world.resolveTarget(kind, text);
      if (name !== undefined) return { ok: name };
      return unknownTarget(world, kind, text);
    },
    checkCondition(text, use = "expect", is) {
      return checkConditionText(text, world, use, is);
    },
    conditionKind(text) {
      return conditionKind(text, world);
    },
  };
}

function unknownTarget(world: World, kind: Exclude<TargetKind, "none">, text: string): NameProblem {
  const known = world.targetNames(kind);
  const base = text.replace(/\[\d+\]$/, "");
  const role = world.roleOf(text);
  if (role !== undefined) {
    // The role exists, but not for this kind of target (or its index form is misspelt).
    return {
      error: `the role "${base}" stands for ${role.kinds.join(" or ")} names, not a ${kindWord(kind)}`,
      expected: `one of ${listForMessage(known)}`,
    };
  }
  const layer = LAYER_ROLE_PREFIXES.find(([prefix]) => text.startsWith(prefix))?.[1];
  const hint =
    didYouMean(text, known) ??
    (layer !== undefined
      ? `roles ${layer}.* exist only in models with the ${layer} layer (model ${world.modelName} has no ${layer}); roles here: ${rolesFor(world, kind)}`
      : undefined);
  // A dotted or plural name reads as a role (`etcd.leader`, `workers`); anything else as a name.
  const roleLike = /^[A-Za-z]\w*(\.\w+)+(\[\d+\])?$/.test(text) || /^[a-z][A-Za-z]*s$/.test(base);
  return {
    error: `unknown ${roleLike ? "role" : kindWord(kind)} "${text}" in model ${world.modelName}`,
    expected: `one of ${listForMessage(known)}`,
    ...(hint !== undefined ? { hint } : {}),
  };
}

function rolesFor(world: World, kind: Exclude<TargetKind, "none">): string {
  const names = [...world.roleTargets].filter(([, r]) => r.kinds.includes(kind)).map(([n]) => n);
  return names.length > 0 ? names.join(", ") : "none";
}

function kindWord(kind: Exclude<TargetKind, "none">): string {
  return kind === "vm" ? "VM" : kind;
}

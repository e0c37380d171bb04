/**
 * What a condition's name refers to in a world: a signal (a value over time, `lb.backendsUp`), a
 * count of trace records (`events(vm.power)`, also a value over time), or a metric (one number
 * for the whole run, `lostWrites`). The same text language serves all three
 * (src/observe/condition.ts); this decides which it is, or explains why it is neither.
 */

import { didYouMean } from "../util/suggest.js";
import type { MetricSpec, World } from "../world/world.js";
import { type Condition, ConditionSyntaxError, parseCondition } from "./condition.js";
import { metricSpecs } from "./metrics.js";
import { type BoundCondition, bindCondition, type ConditionProblem, isConditionProblem } from "./signals.js";

/** A condition on a metric, ready to evaluate once the run is over. */
export interface BoundMetric {
  readonly condition: Condition;
  readonly metric: MetricSpec;
}

/** What a condition text is about. */
export type BoundExpression =
  | { readonly kind: "signal"; readonly bound: BoundCondition }
  | { readonly kind: "count"; readonly bound: BoundCondition }
  | { readonly kind: "metric"; readonly bound: BoundMetric };

/** Binds a condition text to a signal, a count or a metric of the world. */
export function bindExpression(text: string, world: World): BoundExpression | ConditionProblem {
  let condition: Condition;
  try {
    condition = parseCondition(text);
  } catch (e) {
    if (e instanceof ConditionSyntaxError) return { error: e.message, hint: e.hint };
    throw e;
  }
  if (condition.events !== undefined) {
    const bound = bindCondition(text, world);
    return isConditionProblem(bound) ? bound : { kind: "count", bound };
  }
  if (world.signals.has(condition.signal)) {
    const bound = bindCondition(text, world);
    return isConditionProblem(bound) ? bound : { kind: "signal", bound };
  }
  const metrics = metricSpecs(world);
  const metric = metrics.get(condition.signal);
  if (metric !== undefined) {
    if (condition.subject !== undefined) {
      return {
        error: `the metric ${condition.signal} has no subjects`,
        hint: `write "${condition.signal}" without [${condition.subject}]`,
      };
    }
    return { kind: "metric", bound: { condition, metric } };
  }
  const signals = [...world.signals.keys()].sort();
  const metricNames = [...metrics.keys()].sort();
  const all = [...signals, ...metricNames];
  return {
    error: `unknown condition "${condition.signal}"`,
    expected: `a signal (${signals.join(", ")})${metricNames.length > 0 ? `, a metric (${metricNames.join(", ")})` : ""} or events(kind)`,
    hint: didYouMean(condition.signal, all) ?? "`quorate explain conditions` lists them with their meaning",
  };
}

/** True when binding failed. */
export function isBindProblem(x: BoundExpression | ConditionProblem): x is ConditionProblem {
  return "error" in x;
}

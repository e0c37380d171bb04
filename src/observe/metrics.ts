/**
 * Scalar metrics of a run — one number each for the whole run, such as `endpoint.unavailable`
 * (how long the control-plane endpoint had no UP backend) or `lostWrites` — as pure functions of
 * the trace. A world's metrics are those its layers declare (`world.addMetric`) plus one
 * `<name>.unavailable` duration for each availability signal the world has (`endpoint.available`,
 * `api.available`, `writes.available`, `service.available`): the "writes were blocked for 14 s"
 * numbers of the summary, which experiments check with `writes.unavailable < 20s`.
 */
import type { Micros } from "../sim/time.js";
import { formatDuration } from "../sim/time.js";
import type { TraceRecord } from "../sim/trace.js";
import type { MetricSpec, MetricUnit, World } from "../world/world.js";
import { windows } from "./series.js";
import { signalSeries } from "./signals.js";

/** The availability signals every summary reports, in this order, as far as the world has them. */
export const AVAILABILITY_SIGNALS: readonly string[] = [
  "endpoint.available",
  "api.available",
  "writes.available",
  "service.available",
];

/** The unavailable windows of an availability signal up to `endUs`. */
export function unavailableWindows(
  world: World,
  signal: string,
  records: readonly TraceRecord[],
  endUs: Micros,
): { from: Micros; to: Micros }[] | undefined {
  const spec = world.signals.get(signal);
  if (spec === undefined) return undefined;
  return windows(signalSeries(spec, world, records, undefined), (v) => v === false, endUs);
}

/** Every metric of the world, by name: declared ones and those derived from availability. */
export function metricSpecs(world: World): Map<string, MetricSpec> {
  const out = new Map<string, MetricSpec>();
  for (const signal of AVAILABILITY_SIGNALS) {
    if (!world.signals.has(signal)) continue;
    const base = signal.replace(/\.available$/, "");
    out.set(`${base}.unavailable`, {
      name: `${base}.unavailable`,
      unit: "duration",
      summary: `total time ${signal} was false during the run`,
      compute: (w, records, endUs) =>
        (unavailableWindows(w, signal, records, endUs) ?? []).reduce((sum, x) => sum + (x.to - x.from), 0),
    });
  }
  for (const [name, spec] of world.metrics) out.set(name, spec);
  return out;
}

/**
 * The key of a metric in `RunResult.metrics`: its name, with `Us` appended for durations (units
 * last in names: `endpoint.unavailableUs`).
 */
export function metricKey(spec: Pick<MetricSpec, "name" | "unit">): string {
  return spec.unit === "duration" ? `${spec.name}Us` : spec.name;
}

/**
 * The value of every metric of the world for a run that ended at `endUs`, by metric name (null:
 * the run produced no value, e.g. a layer's `metric` record is missing).
 */
export function computeMetrics(
  world: World,
  records: readonly TraceRecord[],
  endUs: Micros,
): Map<string, number | null> {
  const reported = new Map<string, number | null>();
  for (const r of records) {
    if (r.kind === "metric" && typeof r.name === "string") {
      reported.set(r.name, typeof r.value === "number" ? r.value : null);
    }
  }
  const out = new Map<string, number | null>();
  for (const [name, spec] of metricSpecs(world)) {
    out.set(
      name,
      spec.compute !== undefined ? spec.compute(world, records, endUs) : (reported.get(name) ?? null),
    );
  }
  return out;
}

/** A metric value as a person reads it: `1m4.2s` for durations, `3` for counts. */
export function formatMetric(value: number | null, unit: MetricUnit): string {
  if (value === null) return "no value";
  if (unit === "duration") return formatDuration(Math.round(value / 1000) * 1000);
  return String(value);
}

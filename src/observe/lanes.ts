/**
 * The state every Node and Machine is in when the run starts, written to the trace so that reports
 * draw a lane for each of them from 0 s (issue #7: a track per etcd member, node, Machine and VM),
 * not only for those whose state changes later. A cluster that is already running when the run
 * starts is built without a record per object (kube and capi layers adopt it as it is), so the
 * first state is read here from the signals that follow those objects: `node[].condition` (the
 * Ready condition `kubectl get nodes` shows) and `machine[].phase` (`kubectl get machines`).
 * VMs and etcd members need nothing: their first power-on and Raft role are records already.
 */
import type { Simulation } from "../sim/simulation.js";
import type { TraceRecord } from "../sim/trace.js";
import type { World } from "../world/world.js";
import { signalSeries } from "./signals.js";

/** The kind of the records this file writes: `{signal, value}` about one subject. */
export const INITIAL_STATE_KIND = "lane.initial";

/** Signals whose value at the start is a lane's first state, one lane per subject. */
export const INITIAL_LANE_SIGNALS: readonly string[] = ["node[].condition", "machine[].phase"];

/**
 * Writes one {@link INITIAL_STATE_KIND} record per subject of each of
 * {@link INITIAL_LANE_SIGNALS} the world has, with the signal's value now (after `history`, the
 * records of building the world). Call it at 0 s, before `run.start`: the timeline and `events()`
 * count from `run.start`, so these records change neither.
 */
export function emitInitialLaneStates(sim: Simulation, world: World, history: readonly TraceRecord[]): void {
  for (const name of INITIAL_LANE_SIGNALS) {
    const spec = world.signals.get(name);
    if (spec?.subjects === undefined) continue;
    for (const subject of spec.subjects(world)) {
      const series = signalSeries(spec, world, history, subject);
      const value = series.changes[series.changes.length - 1]?.v ?? series.initial;
      sim.emit(INITIAL_STATE_KIND, subject, { signal: name, value });
    }
  }
}

/**
 * State lanes: which trace records change the state of which thing, so reports can draw one lane
 * per etcd member, node, Machine, VM or load-balancer backend, with a span for each state it was
 * in (VM power state, backend UP/DOWN, etcd role, node readiness, Machine phase). Each layer
 * registers its record kinds here, as it registers its timeline words in describe.ts; the Perfetto
 * trace, the run JSON (`states`) and the HTML report all read the spans from this one place.
 */
import { INITIAL_STATE_KIND } from "../observe/lanes.js";
import type { TraceRecord } from "../sim/trace.js";

/** A record's effect on one lane. */
export interface TrackState {
  /** The kind of thing (`VMs`, `etcd members`, `nodes`, `Machines`, `load balancer`). */
  readonly group: string;
  /** Which one (`cp-0`, `etcd-1`, `kube_api_backend/cp-0`). */
  readonly track: string;
  /** The state it is in from this record on. */
  readonly state: string;
  /**
   * The state it was in before, when the record says so (`from` fields): a lane whose first record
   * has one starts in that state at 0 s instead of being blank until the first change.
   */
  readonly previous?: string;
}

/** Reads one record kind's effect on a lane; undefined when this record does not change a state. */
export type StateMapper = (r: TraceRecord) => TrackState | undefined;

/** A stretch of time a lane spent in one state. */
export interface StateSpan {
  readonly group: string;
  readonly track: string;
  readonly state: string;
  readonly fromUs: number;
  readonly toUs: number;
}

const mappers = new Map<string, StateMapper>();
const groupOrder: string[] = [];

/** Registers how records of `kind` change lanes (one mapper per kind; a later one replaces it). */
export function registerStateKind(kind: string, mapper: StateMapper): void {
  mappers.set(kind, mapper);
}

/**
 * Declares a group and its place among the groups (lower first). Groups that were never declared
 * come after the declared ones, in order of first appearance.
 */
export function registerTrackGroup(group: string): void {
  if (!groupOrder.includes(group)) groupOrder.push(group);
}

/** Reads a lane's first state from a signal's value at the start; undefined: no lane. */
export type InitialStateMapper = (subject: string, value: unknown) => TrackState | undefined;

const initialMappers = new Map<string, InitialStateMapper>();

/**
 * Registers how the start value of `signal` (a {@link INITIAL_STATE_KIND} record, written for
 * every Node and Machine when the run starts: src/observe/lanes.ts) opens a lane.
 */
export function registerInitialState(signal: string, mapper: InitialStateMapper): void {
  initialMappers.set(signal, mapper);
}

registerStateKind(INITIAL_STATE_KIND, (r) =>
  typeof r.signal === "string" ? initialMappers.get(r.signal)?.(r.subject, r.value) : undefined,
);

/** The lane change a record makes, if any. */
export function trackStateOf(r: TraceRecord): TrackState | undefined {
  return mappers.get(r.kind)?.(r);
}

/**
 * Every lane's spans over [0, endUs], grouped (declared groups first, in declaration order),
 * lanes in order of first appearance, spans in time order. Repeated states merge; a state that
 * lasted no time (replaced at the same instant) is dropped.
 */
export function stateSpans(records: readonly TraceRecord[], endUs: number): StateSpan[] {
  interface Lane {
    readonly group: string;
    readonly track: string;
    readonly spans: StateSpan[];
    open: { state: string; fromUs: number } | undefined;
  }
  const lanes = new Map<string, Lane>();
  const close = (lane: Lane, atUs: number): void => {
    if (lane.open && atUs > lane.open.fromUs)
      lane.spans.push({
        group: lane.group,
        track: lane.track,
        state: lane.open.state,
        fromUs: lane.open.fromUs,
        toUs: atUs,
      });
    lane.open = undefined;
  };
  for (const r of records) {
    if (r.t > endUs) break;
    const change = trackStateOf(r);
    if (!change) continue;
    const key = `${change.group}\u0000${change.track}`;
    let lane = lanes.get(key);
    if (!lane) {
      lane = { group: change.group, track: change.track, spans: [], open: undefined };
      lanes.set(key, lane);
      if (change.previous !== undefined && change.previous !== change.state)
        lane.open = { state: change.previous, fromUs: 0 };
    }
    if (lane.open?.state === change.state) continue;
    close(lane, r.t);
    const last = lane.spans[lane.spans.length - 1];
    if (last && last.toUs === r.t && last.state === change.state) {
      lane.spans.pop();
      lane.open = { state: change.state, fromUs: last.fromUs };
    } else lane.open = { state: change.state, fromUs: r.t };
  }
  const ordered = [...lanes.values()];
  const rank = (g: string) => {
    const i = groupOrder.indexOf(g);
    return i < 0 ? groupOrder.length : i;
  };
  const firstSeen = new Map<string, number>();
  ordered.forEach((l, i) => {
    if (!firstSeen.has(l.group)) firstSeen.set(l.group, i);
  });
  ordered.sort((a, b) => rank(a.group) - rank(b.group) || firstSeen.get(a.group)! - firstSeen.get(b.group)!);
  const out: StateSpan[] = [];
  for (const lane of ordered) {
    close(lane, endUs);
    out.push(...lane.spans);
  }
  return out;
}

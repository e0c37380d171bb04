/**
 * Conditions evaluated while the run goes on, for runbook steps that wait (`waitFor`, `when`,
 * `repeat.until`). A trace sink folds each record through the same incremental
 * `SignalSpec.next` the after-the-run series use (src/observe/signals.ts), so a wait sees exactly
 * the value an expectation would see at that instant.
 *
 * Listeners are called from inside `Simulation.emit`, in the middle of whatever actor emitted the
 * record; they must not act on the world there, only schedule (`sim.at(sim.now, …)`), so that
 * no actor is re-entered while it is half-way through a change.
 */
import type { TraceRecord, TraceSink } from "../sim/trace.js";
import type { SignalSpec, World } from "../world/world.js";
import { type Condition, test } from "./condition.js";
import type { SignalValue } from "./series.js";
import type { BoundCondition } from "./signals.js";

/** The current value of one signal for one subject. */
class Cell {
  readonly conditions: LiveCondition[] = [];

  constructor(
    readonly spec: SignalSpec,
    readonly subject: string | undefined,
    public value: SignalValue,
  ) {}

  fold(r: TraceRecord): void {
    const v = this.spec.next(this.value, r, this.subject);
    if (v === undefined || v === this.value) return;
    this.value = v;
    for (const c of this.conditions) c.update(v);
  }
}

/** A condition whose truth is kept current as records arrive. */
export class LiveCondition {
  private listeners: ((holds: boolean) => void)[] = [];
  private truth: boolean;

  constructor(
    private readonly condition: Condition,
    initial: SignalValue,
  ) {
    this.truth = test(condition, initial);
  }

  /** Whether the condition holds now. */
  get holds(): boolean {
    return this.truth;
  }

  /** The condition as written. */
  get text(): string {
    return this.condition.text.trim();
  }

  /**
   * Calls `fn` each time the condition turns true or false (from inside `emit`: schedule, do not
   * act). Returns a function that stops the calls.
   */
  onChange(fn: (holds: boolean) => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  /** @internal A new value of the signal. */
  update(v: SignalValue): void {
    const now = test(this.condition, v);
    if (now === this.truth) return;
    this.truth = now;
    for (const l of this.listeners) l(now);
  }
}

/**
 * The sink that keeps live conditions current. Add it to the trace before the run starts and
 * pass the records emitted so far (those of building the world), so values start right.
 */
export class LiveSignals implements TraceSink {
  private readonly cells = new Map<string, Cell>();
  private readonly byKind = new Map<string, Cell[]>();

  constructor(
    private readonly world: World,
    private readonly history: readonly TraceRecord[] = [],
  ) {}

  /** A live view of a bound condition (one per call; cells are shared per signal and subject). */
  watch(bound: BoundCondition): LiveCondition {
    const cell = this.cell(bound.spec, bound.condition.subject);
    const live = new LiveCondition(bound.condition, cell.value);
    cell.conditions.push(live);
    return live;
  }

  write(record: TraceRecord): void {
    const cells = this.byKind.get(record.kind);
    if (cells === undefined) return;
    for (const c of cells) c.fold(record);
  }

  private cell(spec: SignalSpec, subject: string | undefined): Cell {
    const key = `${spec.name}\u0000${subject ?? ""}`;
    let cell = this.cells.get(key);
    if (cell !== undefined) return cell;
    cell = new Cell(spec, subject, spec.initial(this.world, subject));
    const kinds = new Set(spec.kinds);
    for (const r of this.history) if (kinds.has(r.kind)) cell.fold(r);
    this.cells.set(key, cell);
    for (const kind of kinds) {
      const list = this.byKind.get(kind);
      if (list === undefined) this.byKind.set(kind, [cell]);
      else list.push(cell);
    }
    return cell;
  }
}

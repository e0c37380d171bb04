/**
 * The runbook sequencer: runs an experiment's steps the way an operator follows a runbook. Each
 * step list (the main `spec.steps`, and each trigger's steps when it fires) goes one step at a
 * time; a step's time is known only when the step before it has ended, because a `waitFor` ends
 * when its condition holds and a `repeat … until` when its condition does.
 *
 * Rules (documented for users in docs/experiment-format.md):
 * - `after: D` is D after the previous step of the same list ended (its actual time); the first
 *   step counts from the list's start (0s, or the instant the trigger fired).
 * - `at: T` runs at T; if T has already passed when the step's turn comes (a wait lasted longer),
 *   it runs at once, with a `step.late` record saying when it was meant to run.
 * - `waitFor` ends at once if its condition already holds, else as soon as it becomes true
 *   (the condition is evaluated on the live trace: src/observe/live.ts). At its timeout (default:
 *   the end of the run) `onTimeout: fail` records `wait.timedOut` (a failed verdict) and stops the
 *   rest of that list (`runbook.stopped`); `continue` goes on with the next step. Either way the
 *   simulation runs to the end, so the other expectations are still judged and a run never hangs.
 * - `repeat: {every, times, until}` acts, then again every `every`, `times` times in all or until
 *   `until` holds (checked before each repetition); the step ends at its last repetition.
 * - A trigger fires on each false→true edge of its `when` condition after the run starts (not at
 *   the start if it already holds); `once` (default) fires only the first time; a firing while
 *   the previous firing's steps are still running is skipped (`trigger.skipped`).
 * - Role targets (`etcd.leader`, `workers`, `vms.poweredOff`) are resolved by the world when the
 *   step runs (World.perform), so they name whatever plays the role at that instant.
 *
 * Conditions change inside `Simulation.emit`; the sequencer never acts there, it schedules the
 * reaction at the same instant (`sim.at(sim.now, …)`), so no actor is re-entered mid-change.
 */
import type { LiveCondition, LiveSignals } from "../observe/live.js";
import { bindCondition, isConditionProblem } from "../observe/signals.js";
import type {
  ExperimentPlan,
  PlannedStep,
  PlannedTrigger,
  PlannedWait,
  RunbookStep,
} from "../scenario/plan.js";
import type { EventId } from "../sim/queue.js";
import type { Simulation } from "../sim/simulation.js";
import type { Micros } from "../sim/time.js";
import type { World, WorldStep } from "../world/world.js";

/** Trace subject of the main step list's records (`wait.*`, `step.late`, `runbook.stopped`). */
export const MAIN_RUNBOOK = "runbook";

/** What every step list of one run shares. */
interface RunbookContext {
  readonly sim: Simulation;
  readonly world: World;
  /** Last instant of the run: nothing is scheduled after it. */
  readonly endUs: Micros;
  live(condition: string): LiveCondition;
}

/** Runs a plan's main steps and triggers on a world. Create it before the run, then `start()`. */
export class Runbook {
  private readonly ctx: RunbookContext;
  private readonly sequences: StepList[] = [];
  private readonly conditions = new Map<string, LiveCondition>();

  constructor(
    private readonly plan: ExperimentPlan,
    sim: Simulation,
    world: World,
    private readonly signals: LiveSignals,
    endUs: Micros,
  ) {
    this.ctx = { sim, world, endUs, live: (text) => this.live(text) };
  }

  /** Starts the main step list at the current instant and arms the triggers. */
  start(): void {
    const main = new StepList(this.ctx, this.plan.steps, MAIN_RUNBOOK, true);
    this.sequences.push(main);
    main.start();
    for (const t of this.plan.triggers) new Trigger(this.ctx, t, (list) => this.sequences.push(list)).arm();
  }

  /**
   * Ends the run for the runbook: every wait still pending gives up (`wait.timedOut` with reason
   * "end of run"). Call once, after the last event and before `run.end`.
   */
  finish(): void {
    for (const s of this.sequences) s.finish();
  }

  /** One live view per condition text, shared by every step that waits on it. */
  private live(text: string): LiveCondition {
    let c = this.conditions.get(text);
    if (c !== undefined) return c;
    const bound = bindCondition(text, this.ctx.world);
    // Compiling checked every condition against this world, so this is a safeguard.
    if (isConditionProblem(bound)) throw new Error(`runbook condition "${text}": ${bound.error}`);
    c = this.signals.watch(bound);
    this.conditions.set(text, c);
    return c;
  }
}

/** A wait in progress. */
interface PendingWait {
  readonly step: PlannedWait;
  readonly startUs: Micros;
  readonly stopWatching: () => void;
  readonly timer: EventId | undefined;
}

/** One list of steps, run one at a time. */
class StepList {
  /** When the previous step ended (the base of the next `after:`). */
  private prevEndUs: Micros;
  private index = 0;
  private pending: PendingWait | undefined;
  private stopped = false;
  /** Steps scheduled at the start with their known times (see `start`). */
  private preScheduled = 0;

  constructor(
    private readonly ctx: RunbookContext,
    private readonly steps: readonly RunbookStep[],
    private readonly subject: string,
    private readonly isMain: boolean,
    private readonly onEnd?: () => void,
  ) {
    this.prevEndUs = ctx.sim.now;
  }

  /** Whether the list has run (or given up on) every step. */
  get finished(): boolean {
    return this.stopped || this.index >= this.steps.length;
  }

  start(): void {
    const { sim, endUs } = this.ctx;
    // The leading steps whose times are known are scheduled now, all at once, as a plain list of
    // timed faults always was: at equal instants they then run before events scheduled later
    // (e.g. a health check due at the same microsecond), exactly as before runbooks could wait.
    // A repeating step ends the prefix, since its repetitions are scheduled as it goes.
    if (this.isMain) {
      for (const step of this.steps) {
        if (!step.timeKnown || step.kind !== "action") break;
        this.preScheduled++;
        if (step.atUs <= endUs) sim.at(step.atUs, () => this.run(step, undefined));
        if (step.repeat !== undefined) break;
      }
    }
    if (this.preScheduled === 0) this.next();
  }

  /** Gives up a pending wait at the end of the run. */
  finish(): void {
    const w = this.pending;
    if (w === undefined) return;
    this.pending = undefined;
    w.stopWatching();
    this.ctx.sim.emit("wait.timedOut", this.subject, {
      ...this.waitFields(w.step),
      waitedUs: this.ctx.sim.now - w.startUs,
      onTimeout: w.step.onTimeout,
      reason: "end of run",
    });
  }

  /** Schedules the step at `index`, relative to the end of the previous one. */
  private next(): void {
    const step = this.steps[this.index];
    if (step === undefined || this.stopped) {
      this.onEnd?.();
      return;
    }
    const { sim, endUs } = this.ctx;
    const dueUs = step.timing.kind === "at" ? step.timing.us : this.prevEndUs + step.timing.us;
    const atUs = Math.max(dueUs, sim.now);
    if (atUs > endUs) return; // the run ends first
    sim.at(atUs, () => this.run(step, dueUs < atUs ? dueUs : undefined));
  }

  private run(step: RunbookStep, lateFromUs: Micros | undefined): void {
    if (lateFromUs !== undefined) {
      this.ctx.sim.emit("step.late", this.subject, {
        step: step.path,
        line: step.line,
        scheduledUs: lateFromUs,
        lateUs: this.ctx.sim.now - lateFromUs,
      });
    }
    if (step.kind === "action") this.act(step, 1);
    else this.wait(step);
  }

  /** Performs the `n`-th repetition of an action step, and schedules the next one. */
  private act(step: PlannedStep, n: number): void {
    const { sim, world, endUs } = this.ctx;
    world.perform(worldStep(step, n, sim.now));
    const r = step.repeat;
    if (r === undefined || (r.times !== undefined && n >= r.times)) {
      this.stepEnded();
      return;
    }
    const nextUs = sim.now + r.everyUs;
    if (nextUs > endUs) return; // the run ends before the next repetition
    const until = r.until !== undefined ? this.ctx.live(r.until) : undefined;
    sim.at(nextUs, () => {
      if (until?.holds) this.stepEnded();
      else this.act(step, n + 1);
    });
  }

  private wait(step: PlannedWait): void {
    const { sim, endUs } = this.ctx;
    const condition = this.ctx.live(step.condition);
    sim.emit("wait.started", this.subject, {
      ...this.waitFields(step),
      ...(step.timeoutUs !== undefined ? { timeoutUs: step.timeoutUs } : {}),
    });
    if (condition.holds) {
      sim.emit("wait.met", this.subject, { ...this.waitFields(step), waitedUs: 0 });
      this.stepEnded();
      return;
    }
    const startUs = sim.now;
    let settled = false;
    const met = () => {
      if (settled) return;
      settled = true;
      this.clearPending();
      sim.emit("wait.met", this.subject, { ...this.waitFields(step), waitedUs: sim.now - startUs });
      this.stepEnded();
    };
    const stopWatching = condition.onChange((holds) => {
      if (holds && !settled) sim.at(sim.now, met);
    });
    const deadline = step.timeoutUs !== undefined ? startUs + step.timeoutUs : undefined;
    const timer =
      deadline !== undefined && deadline <= endUs
        ? sim.at(deadline, () => {
            if (settled) return;
            settled = true;
            this.clearPending();
            this.timedOut(step, startUs);
          })
        : undefined;
    this.pending = { step, startUs, stopWatching, timer };
  }

  private timedOut(step: PlannedWait, startUs: Micros): void {
    const { sim } = this.ctx;
    sim.emit("wait.timedOut", this.subject, {
      ...this.waitFields(step),
      timeoutUs: step.timeoutUs,
      waitedUs: sim.now - startUs,
      onTimeout: step.onTimeout,
      reason: "timeout",
    });
    if (step.onTimeout === "continue") {
      this.stepEnded();
      return;
    }
    this.stopped = true;
    const remaining = this.steps.length - this.index - 1;
    sim.emit("runbook.stopped", this.subject, {
      step: step.path,
      line: step.line,
      remaining,
      reason: `waitFor ${step.condition.trim()} timed out`,
    });
    this.onEnd?.();
  }

  private clearPending(): void {
    const w = this.pending;
    if (w === undefined) return;
    this.pending = undefined;
    w.stopWatching();
    if (w.timer !== undefined) this.ctx.sim.cancel(w.timer);
  }

  private stepEnded(): void {
    this.prevEndUs = this.ctx.sim.now;
    this.index++;
    // Pre-scheduled steps run on their own; the sequencer takes over after the last of them.
    if (this.index >= this.preScheduled) this.next();
  }

  private waitFields(step: PlannedWait): Record<string, unknown> {
    return { condition: step.condition.trim(), step: step.path, line: step.line };
  }
}

/** A `when:` trigger: watches its condition and starts its step list on each rising edge. */
class Trigger {
  private fired = false;
  private running: StepList | undefined;
  private stopWatching: (() => void) | undefined;

  constructor(
    private readonly ctx: RunbookContext,
    private readonly trigger: PlannedTrigger,
    private readonly started: (list: StepList) => void,
  ) {}

  arm(): void {
    const condition = this.ctx.live(this.trigger.when);
    this.stopWatching = condition.onChange((holds) => {
      if (holds) this.ctx.sim.at(this.ctx.sim.now, () => this.fire());
    });
  }

  private fire(): void {
    if (this.trigger.once && this.fired) return;
    const { sim } = this.ctx;
    const subject = `trigger[${this.trigger.index}]`;
    const fields = { when: this.trigger.when.trim(), line: this.trigger.line };
    if (this.running !== undefined && !this.running.finished) {
      sim.emit("trigger.skipped", subject, {
        ...fields,
        reason: "its steps from the previous firing are still running",
      });
      return;
    }
    this.fired = true;
    if (this.trigger.once) this.stopWatching?.();
    sim.emit("trigger.fired", subject, {
      ...fields,
      ...(this.trigger.note !== undefined ? { note: this.trigger.note } : {}),
    });
    const list = new StepList(this.ctx, this.trigger.steps, subject, false);
    this.running = list;
    this.started(list);
    list.start();
  }
}

/** The world's view of a planned step at its `n`-th repetition. */
function worldStep(step: PlannedStep, n: number, nowUs: Micros): WorldStep {
  const r = step.repeat;
  const repetition = r === undefined ? undefined : `repeat ${n}${r.times !== undefined ? `/${r.times}` : ""}`;
  const note = [step.note, n > 1 || r !== undefined ? repetition : undefined]
    .filter((x) => x !== undefined)
    .join("; ");
  return {
    atUs: nowUs,
    action: step.action,
    ...(step.target !== undefined ? { target: step.target } : {}),
    args: step.args,
    ...(note !== "" ? { note } : {}),
  };
}

/**
 * A running world: the simulation plus every actor a model calls for, with the registries the
 * experiment runner needs — the actions steps can take, the signals expectations can watch, and
 * the names targets can use. Layers (infrastructure now; etcd, Kubernetes and Cluster API as they
 * land) install themselves into a World and register what they offer.
 */
import type { Hypervisor } from "../infra/hypervisor.js";
import type { LoadBalancer } from "../infra/loadbalancer.js";
import type { Network } from "../infra/network.js";
import type { ServiceManager } from "../infra/services.js";
import { VmOperationError } from "../infra/vm-errors.js";
import type { Simulation } from "../sim/simulation.js";
import type { Micros } from "../sim/time.js";
import type { TraceRecord } from "../sim/trace.js";
import type { ParameterSet } from "./parameter-set.js";
import type { TargetKind } from "./vocabulary.js";

/** A step as the world executes it (the plan's step, minus file positions). */
export interface WorldStep {
  readonly atUs: Micros;
  readonly action: string;
  readonly target?: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly note?: string;
}

/** Carries out one action; throws StepError when the world refuses it (recorded, not fatal). */
export type ActionHandler = (world: World, step: WorldStep) => void;

/** An action the world cannot carry out at that moment (e.g. powering on a deleted VM). */
export class StepError extends Error {}

/** Value kinds of signals. */
export type SignalType = "boolean" | "number" | "string";

/** A signal expectations can watch: a step function of time derived from the trace. */
export interface SignalSpec {
  /** `writes.available`, or with a subject placeholder: `vm[].power`. */
  readonly name: string;
  readonly type: SignalType;
  readonly summary: string;
  /** For `[]` signals: the subjects that exist (for validation and hints). */
  readonly subjects?: (world: World) => readonly string[];
  /** The value before any record changes it. */
  readonly initial: (world: World, subject: string | undefined) => boolean | number | string;
  /** Record kinds the signal follows (only these are passed to `next`). */
  readonly kinds: readonly string[];
  /**
   * Folds one record into the current value: returns the new value, or undefined when this
   * record does not change it.
   */
  readonly next: (
    current: boolean | number | string,
    record: TraceRecord,
    subject: string | undefined,
  ) => boolean | number | string | undefined;
  /**
   * When the change a record describes took effect, if not at the record's own time: a record
   * written later about an earlier instant (the workload learns only when a request completes
   * whether a write issued earlier succeeded). Must not decrease from one record to the next.
   */
  readonly timeOf?: (record: TraceRecord) => Micros;
  /**
   * Every value the signal can take, when that is a short list (a string signal's states). Lets a
   * runbook that waits for a value the signal never has be refused before the run.
   */
  readonly values?: (world: World) => readonly (boolean | number | string)[];
  /** The range of a number signal (`lb.backendsUp` is 0..number of backends), for the same check. */
  readonly range?: (world: World) => { readonly min?: number; readonly max?: number };
  /**
   * False when nothing in this world feeds the signal (`writes.available` with no write workload):
   * the run's availability summary then leaves it out rather than report it as always available.
   */
  readonly measured?: (world: World) => boolean;
}

/** How a metric's number reads: a duration in microseconds, a count, or a plain number. */
export type MetricUnit = "duration" | "count" | "number";

/**
 * A scalar metric of a whole run (`lostWrites`, `writes.unavailable`), declared by the layer that
 * produces it so experiments can name it in `expect:` (`lostWrites == 0`) and be checked before
 * the run. Its value comes from `compute` (a pure function of the trace), or else from the last
 * `metric` record whose `name` field is the metric's name (emitted by a layer's finisher).
 */
export interface MetricSpec {
  /** `lostWrites`, `writes.unavailable` (no unit suffix: the unit is {@link unit}). */
  readonly name: string;
  readonly unit: MetricUnit;
  readonly summary: string;
  readonly compute?: (world: World, records: readonly TraceRecord[], endUs: Micros) => number | null;
}

/** Named topology: who is a control-plane node, who is a worker. */
export interface Topology {
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
}

/**
 * A target that names a role rather than a thing (`etcd.leader`): accepted when an experiment is
 * compiled, resolved to a name when the step runs (the leader at that moment).
 */
export interface RoleTarget {
  /** Target kinds it may stand for. */
  readonly kinds: readonly Exclude<TargetKind, "none">[];
  readonly summary: string;
  /**
   * The name it stands for now (several names: the step acts on each, in this order), or undefined
   * or an empty list when nothing plays the role.
   */
  resolve(world: World): string | readonly string[] | undefined;
}

/** `etcd.followers[1]`: a role and an index into the names it stands for. */
const INDEXED_ROLE = /^(.+)\[(\d+)\]$/;

export class World {
  readonly actions = new Map<string, ActionHandler>();
  readonly signals = new Map<string, SignalSpec>();
  /** Role targets by name, registered by layers (etcd: `etcd.leader`, `etcd.follower`). */
  readonly roleTargets = new Map<string, RoleTarget>();
  /** Run when the run reaches its end, before `run.end` (final checks, metric records). */
  readonly finishers: (() => void)[] = [];
  /** Scalar metrics by name, declared by layers ({@link MetricSpec}). */
  readonly metrics = new Map<string, MetricSpec>();
  /**
   * Trace record kinds layers emit, with a one-line meaning: what `events(kind)` in a condition
   * may count (src/observe/event-kinds.ts adds the infrastructure and runbook kinds).
   */
  readonly eventKinds = new Map<string, string>();
  /** Services (systemd units) per VM name. */
  readonly services = new Map<string, ServiceManager>();
  /** The control-plane endpoint's load balancer, if the model has one. */
  loadBalancer: LoadBalancer | undefined;

  constructor(
    readonly sim: Simulation,
    readonly params: ParameterSet,
    readonly network: Network,
    readonly hypervisor: Hypervisor,
    readonly topology: Topology,
    /** The model profile's name. */
    readonly modelName: string,
  ) {
    // Roles every model has: the topology's groups, and a state-based one for runbooks that
    // "power on whatever is off" (the operator's action in seed 000).
    this.addRole("controlPlanes", {
      kinds: ["vm", "host"],
      summary: "every control-plane VM",
      resolve: (w) => w.topology.controlPlanes,
    });
    this.addRole("workers", {
      kinds: ["vm", "host"],
      summary: "every worker VM",
      resolve: (w) => w.topology.workers,
    });
    this.addRole("vms.poweredOff", {
      kinds: ["vm", "host"],
      summary: "every VM that is powered off when the step runs (vCenter power state poweredOff)",
      resolve: (w) =>
        w.hypervisor
          .list()
          .filter((v) => v.state === "poweredOff")
          .map((v) => v.name),
    });
  }

  /** Registers a role target, resolved each time a step uses it. */
  addRole(name: string, role: RoleTarget): void {
    this.roleTargets.set(name, role);
  }

  /** Declares a scalar metric. */
  addMetric(spec: MetricSpec): void {
    this.metrics.set(spec.name, spec);
  }

  /** Declares a trace record kind, for `events(kind)` conditions. */
  addEventKind(kind: string, summary: string): void {
    this.eventKinds.set(kind, summary);
  }

  /**
   * The role a target text names (`etcd.leader`, `workers`, `workers[1]`), or undefined when it
   * is not a role of this world.
   */
  roleOf(text: string): RoleTarget | undefined {
    return this.roleTargets.get(INDEXED_ROLE.exec(text)?.[1] ?? text) ?? this.roleTargets.get(text);
  }

  /**
   * What a role target stands for right now: every name, or with an index the one at that
   * position. Undefined when `text` is not a role; an empty list when nothing plays it.
   */
  resolveRole(text: string): string[] | undefined {
    const indexed = INDEXED_ROLE.exec(text);
    const role = indexed ? this.roleTargets.get(indexed[1]!) : undefined;
    if (role === undefined || indexed === null) {
      const whole = this.roleTargets.get(text);
      return whole === undefined ? undefined : namesOf(whole.resolve(this));
    }
    const one = namesOf(role.resolve(this))[Number(indexed[2])];
    return one === undefined ? [] : [one];
  }

  /** Registers a signal. */
  addSignal(spec: SignalSpec): void {
    this.signals.set(spec.name, spec);
  }

  /** Registers an action handler. */
  addAction(name: string, handler: ActionHandler): void {
    this.actions.set(name, handler);
  }

  /** All VM names that exist at the start (control planes first). */
  vmNames(): string[] {
    return [...this.topology.controlPlanes, ...this.topology.workers];
  }

  /**
   * Resolves a target: a name, or an indexed role (`controlPlane[0]`, `worker[2]`). Returns the
   * name, or undefined when nothing matches.
   */
  resolveTarget(kind: Exclude<TargetKind, "none">, text: string): string | undefined {
    if (this.roleOf(text)?.kinds.includes(kind)) return text;
    const role = /^(controlPlane|worker)\[(\d+)\]$/.exec(text);
    if (role) {
      const list = role[1] === "controlPlane" ? this.topology.controlPlanes : this.topology.workers;
      return list[Number(role[2])];
    }
    if (kind === "vm" || kind === "host") return this.vmNames().includes(text) ? text : undefined;
    return undefined;
  }

  /** Names a target of this kind may use, for hints. */
  targetNames(kind: Exclude<TargetKind, "none">): string[] {
    const roles = [
      ...this.topology.controlPlanes.map((_, i) => `controlPlane[${i}]`),
      ...this.topology.workers.map((_, i) => `worker[${i}]`),
    ];
    for (const [name, r] of this.roleTargets) if (r.kinds.includes(kind)) roles.push(name);
    return kind === "vm" || kind === "host" ? [...this.vmNames(), ...roles] : roles;
  }

  /** Runs the finishers (once, at the end of the run). */
  finish(): void {
    for (const f of this.finishers.splice(0)) f();
  }

  /** Runs a step now; a refusal becomes a trace record, never a crash. */
  perform(planned: WorldStep): void {
    const names = planned.target !== undefined ? this.resolveRole(planned.target) : undefined;
    if (names === undefined) {
      this.performOne(planned);
      return;
    }
    if (names.length === 0) {
      const subject = planned.target ?? "world";
      this.sim.emit("step", subject, { action: planned.action, target: planned.target });
      this.sim.emit("step.failed", subject, {
        action: planned.action,
        reason: `nothing is ${planned.target} right now`,
      });
      return;
    }
    // A role that stands for several names (`workers`) acts on each, in the role's order.
    for (const name of names)
      this.performOne({ ...planned, target: name, note: planned.note ?? `${planned.target}` });
  }

  private performOne(step: WorldStep): void {
    const handler = this.actions.get(step.action);
    this.sim.emit("step", step.target ?? "world", {
      action: step.action,
      ...(step.target !== undefined ? { target: step.target } : {}),
      ...(step.note !== undefined ? { note: step.note } : {}),
    });
    if (!handler) {
      this.sim.emit("step.failed", step.target ?? "world", {
        action: step.action,
        reason: `this model has no ${step.action} (it needs a layer the model does not include)`,
      });
      return;
    }
    try {
      handler(this, step);
    } catch (e) {
      if (!(e instanceof StepError || e instanceof VmOperationError)) throw e;
      this.sim.emit("step.failed", step.target ?? "world", { action: step.action, reason: e.message });
    }
  }
}

function namesOf(r: string | readonly string[] | undefined): string[] {
  return r === undefined ? [] : typeof r === "string" ? [r] : [...r];
}

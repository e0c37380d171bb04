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
}

/** Named topology: who is a control-plane node, who is a worker. */
export interface Topology {
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
}

export class World {
  readonly actions = new Map<string, ActionHandler>();
  readonly signals = new Map<string, SignalSpec>();
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
  ) {}

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
    return kind === "vm" || kind === "host" ? [...this.vmNames(), ...roles] : roles;
  }

  /** Runs a step now; a refusal becomes a trace record, never a crash. */
  perform(step: WorldStep): void {
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

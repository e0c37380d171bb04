/**
 * The fault and action vocabulary of experiments (DESIGN.md rule 5), as data: each action's name,
 * what it targets, its arguments and a one-line summary. The experiment schema is generated from
 * this table, so `quorate schema`, validation hints and the runtime all agree on one list.
 *
 * Argument schemas describe the YAML shape only; durations stay strings here and are parsed (with
 * file:line:col errors) when an experiment is compiled.
 */
import { z } from "zod";
import { CAPI_ACTIONS } from "./capi-vocabulary.js";
import { ETCD_ACTIONS } from "./etcd-vocabulary.js";
import { KUBE_ACTIONS } from "./kube-vocabulary.js";
import { OPENSHIFT_ACTIONS } from "./openshift-vocabulary.js";

/** What an action's `target` names. */
export type TargetKind = "vm" | "host" | "none";

export interface ActionSpec {
  /** Name used in `do:`. */
  readonly name: string;
  /** What `target:` must name (`none`: the action takes no target). */
  readonly target: TargetKind;
  /** Extra keys allowed on the step besides at/after/do/target/note. */
  readonly args: z.ZodRawShape;
  /** One line for `quorate schema`, hints and docs. */
  readonly summary: string;
}

/** A duration string such as `150ms`, `10s`, `5m`, `1h30m`. */
export const DurationText = z
  .string()
  .regex(/^(0|(\d+(\.\d+)?(us|µs|ms|s|m|h|d))+)$/, {
    message: "expected a duration like 150ms, 2.5s, 5m or 1h30m",
  })
  .describe("A duration: a number with a unit (us, ms, s, m, h, d), e.g. 150ms, 2.5s, 5m, 1h30m");

/** A latency distribution in a file: a fixed duration or one of the named shapes. */
export const DistributionText = z.union([
  DurationText,
  z.strictObject({ uniform: z.tuple([DurationText, DurationText]) }),
  z.strictObject({ exponential: DurationText }),
  z.strictObject({ normal: z.strictObject({ mean: DurationText, stddev: DurationText }) }),
  z.strictObject({ lognormal: z.strictObject({ p50: DurationText, p99: DurationText }) }),
]);

const Probability = z.number().min(0).max(1).describe("A probability between 0 and 1");

const HostGroups = z
  .array(z.array(z.string().min(1)).min(1))
  .min(2)
  .describe("Groups of host names; messages between different groups are dropped");

/** Every action an experiment step can take. */
export const ACTIONS: readonly ActionSpec[] = [
  {
    name: "vm.powerOff",
    target: "vm",
    args: {},
    summary: "Hard power-off out of band (vCenter 'Power Off')",
  },
  {
    name: "vm.powerOn",
    target: "vm",
    args: {},
    summary: "Power a VM on; the guest boots after the boot duration",
  },
  { name: "vm.reset", target: "vm", args: {}, summary: "Hard reset: power cycle without a clean shutdown" },
  { name: "vm.suspend", target: "vm", args: {}, summary: "Suspend a VM (guest frozen, memory kept)" },
  {
    name: "vm.delete",
    target: "vm",
    args: {},
    summary: "Delete the VM and its disks out of band (vCenter 'Delete from Disk')",
  },
  {
    name: "net.partition",
    target: "none",
    args: { groups: HostGroups },
    summary: "Partition the network between groups of hosts",
  },
  {
    name: "net.heal",
    target: "none",
    args: {},
    summary: "Remove every partition, blackhole, delay and loss fault",
  },
  {
    name: "net.blackhole",
    target: "host",
    args: { port: z.number().int().min(1).max(65535).optional() },
    summary: "Drop all traffic to and from a host (optionally one port), both ways",
  },
  {
    name: "net.delay",
    target: "host",
    args: { latency: DistributionText },
    summary: "Add latency to every message to and from a host",
  },
  {
    name: "net.loss",
    target: "host",
    args: { probability: Probability },
    summary: "Drop messages to and from a host with a probability",
  },
  {
    name: "disk.slow",
    target: "vm",
    args: { fsync: DistributionText },
    summary: "Make a VM's disk slow: fsync latency follows the given distribution",
  },
  {
    name: "disk.heal",
    target: "vm",
    args: {},
    summary: "Restore a VM's normal disk latency",
  },
  {
    name: "disk.wipe",
    target: "vm",
    args: { dir: z.string().min(1).optional() },
    summary: "Lose a data directory (default: every data directory) on a VM's disk",
  },
  ...ETCD_ACTIONS,
  ...KUBE_ACTIONS,
  ...CAPI_ACTIONS,
  ...OPENSHIFT_ACTIONS,
];

/** Looks an action up by name. */
export function findAction(name: string): ActionSpec | undefined {
  return ACTIONS.find((a) => a.name === name);
}

/** Every action name, for hints ("did you mean `vm.powerOff`?"). */
export function actionNames(): string[] {
  return ACTIONS.map((a) => a.name);
}

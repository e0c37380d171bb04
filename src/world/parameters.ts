/**
 * The parameter registry: every tunable of the models, with its type, unit, built-in default and
 * the public source of that default. Model profiles (models/*.yaml) override defaults and cite
 * their own sources; experiments override with `set:` and the CLI with `--set key=value`.
 * Everything is validated against this table, so a typo or a wrong unit is refused before a run.
 */
import { type Distribution, describe } from "../sim/distribution.js";
import { formatDuration, MILLISECOND, parseDuration, SECOND } from "../sim/time.js";
import { CAPI_PARAMETERS } from "./capi-parameters.js";
import { ETCD_PARAMETERS } from "./etcd-parameters.js";
import { KUBE_PARAMETERS } from "./kube-parameters.js";
import { OPENSHIFT_PARAMETERS } from "./openshift-parameters.js";

export type ParameterType =
  | { readonly kind: "duration" }
  | { readonly kind: "distribution" }
  | { readonly kind: "integer"; readonly min?: number; readonly max?: number }
  | { readonly kind: "number"; readonly min?: number; readonly max?: number }
  | { readonly kind: "boolean" }
  | { readonly kind: "bytes" }
  | { readonly kind: "enum"; readonly values: readonly string[] };

export type ParameterValue = number | boolean | string | Distribution;

export interface ParameterSpec {
  readonly key: string;
  readonly type: ParameterType;
  readonly default: ParameterValue;
  /** Unit shown to people (`µs` values are printed as durations). */
  readonly unit: string;
  readonly summary: string;
  /** Where the default comes from (a ../shared/reference section and its upstream source). */
  readonly source: string;
}

const uniform = (min: number, max: number): Distribution => ({ kind: "uniform", min, max });
const lognormal = (p50: number, p99: number): Distribution => ({ kind: "lognormal", p50, p99 });

/** All parameters known to quorate. Layers add theirs here as they land. */
export const PARAMETERS: readonly ParameterSpec[] = [
  {
    key: "topology.controlPlanes",
    type: { kind: "integer", min: 1, max: 9 },
    default: 3,
    unit: "VMs",
    summary: "Number of control-plane VMs (each runs an etcd member in the stacked topology)",
    source: "kubeadm HA stacked topology; etcd FAQ recommends an odd number of members (etcd-raft.md §2)",
  },
  {
    key: "topology.workers",
    type: { kind: "integer", min: 0, max: 500 },
    default: 3,
    unit: "VMs",
    summary: "Number of worker VMs",
    source: "seed 003 (three workers kubew03..05)",
  },
  {
    key: "network.latency",
    type: { kind: "distribution" },
    default: uniform(200, 600),
    unit: "µs",
    summary: "One-way latency between any two VMs",
    source:
      "assumption: VMs on one vSphere cluster LAN (sub-millisecond RTT); etcd tuning.md wants election timeout ≥ 10× RTT",
  },
  {
    key: "network.bandwidth",
    type: { kind: "bytes" },
    default: 125_000_000,
    unit: "bytes/s",
    summary: "Per-link bandwidth (bounds snapshot transfers)",
    source: "1 Gbps link; etcd FAQ compares snapshot send time with a 1 Gbps connection (etcd-raft.md §1.4)",
  },
  {
    key: "disk.fsync",
    type: { kind: "distribution" },
    default: lognormal(2 * MILLISECOND, 8 * MILLISECOND),
    unit: "µs",
    summary: "fsync latency of a VM's disk",
    source: "etcd FAQ: wal_fsync_duration_seconds p99 should be < 10ms (etcd-raft.md §1.10)",
  },
  {
    key: "vm.bootDuration",
    type: { kind: "distribution" },
    default: uniform(25 * SECOND, 45 * SECOND),
    unit: "µs",
    summary: "Time from power-on to a running guest (systemd units started)",
    source: "assumption; CAPV/kitchen-vcenter reports of tens of seconds for boot (capi-kube.md §4.3)",
  },
  {
    key: "lb.balance",
    type: { kind: "enum", values: ["first", "roundrobin"] },
    default: "first",
    unit: "",
    summary: "How the control-plane load balancer picks a backend",
    source: "CAPV v0.7.0 HAProxy config `balance first` (capi-kube.md §4.4)",
  },
  {
    key: "lb.inter",
    type: { kind: "duration" },
    default: 10 * SECOND,
    unit: "µs",
    summary: "Interval between health checks of a backend",
    source: "CAPV v0.7.0 HAProxy `inter 10s` (capi-kube.md §4.4); HAProxy's own default is 2s",
  },
  {
    key: "lb.downinter",
    type: { kind: "duration" },
    default: 10 * SECOND,
    unit: "µs",
    summary: "Check interval while a backend is DOWN",
    source: "CAPV v0.7.0 HAProxy `downinter 10s` (capi-kube.md §4.4)",
  },
  {
    key: "lb.rise",
    type: { kind: "integer", min: 1, max: 100 },
    default: 5,
    unit: "checks",
    summary: "Consecutive successful checks before a DOWN backend is UP",
    source: "CAPV v0.7.0 HAProxy `rise 5` (capi-kube.md §4.4); HAProxy's default is 2",
  },
  {
    key: "lb.fall",
    type: { kind: "integer", min: 1, max: 100 },
    default: 3,
    unit: "checks",
    summary: "Consecutive failed checks before an UP backend is DOWN",
    source: "CAPV v0.7.0 HAProxy `fall 3` and HAProxy's default 3 (capi-kube.md §4.4)",
  },
  {
    key: "lb.connectTimeout",
    type: { kind: "duration" },
    default: 9 * SECOND,
    unit: "µs",
    summary: "How long a health check waits for the TCP connection (bounded by the interval)",
    source: "CAPV v0.7.0 HAProxy `timeout connect 9s` (capi-kube.md §4.4)",
  },
  {
    key: "lb.checkTimeout",
    type: { kind: "duration" },
    default: 5 * SECOND,
    unit: "µs",
    summary: "Timeout of one health check",
    source: "CAPV v0.7.0 HAProxy `timeout check 5s` (capi-kube.md §4.4)",
  },
  ...ETCD_PARAMETERS,
  ...KUBE_PARAMETERS,
  ...CAPI_PARAMETERS,
  ...OPENSHIFT_PARAMETERS,
];

/** Looks a parameter up. */
export function findParameter(key: string): ParameterSpec | undefined {
  return PARAMETERS.find((p) => p.key === key);
}

/** Why a value does not fit a parameter, with a hint; null when it fits. */
export interface ParameterProblem {
  readonly message: string;
  readonly hint: string;
}

/**
 * Converts a value written in a file or on the command line (`"5m"`, `3`, `{uniform: [1s, 2s]}`,
 * `"true"`) to the parameter's runtime value, or explains why it cannot.
 */
export function coerceParameter(spec: ParameterSpec, raw: unknown): ParameterValue | ParameterProblem {
  const t = spec.type;
  switch (t.kind) {
    case "duration": {
      if (typeof raw !== "string") return problem(spec, raw, "a duration such as 150ms, 10s or 5m");
      try {
        return parseDuration(raw);
      } catch (e) {
        return {
          message: `${spec.key}: ${(e as Error).message}`,
          hint: "write a duration such as 150ms, 10s or 5m",
        };
      }
    }
    case "distribution":
      return coerceDistribution(spec, raw);
    case "integer":
    case "number": {
      const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
      if (typeof n !== "number" || Number.isNaN(n))
        return problem(spec, raw, t.kind === "integer" ? "a whole number" : "a number");
      if (t.kind === "integer" && !Number.isInteger(n)) return problem(spec, raw, "a whole number");
      if (t.min !== undefined && n < t.min) return problem(spec, raw, `a value ≥ ${t.min}`);
      if (t.max !== undefined && n > t.max) return problem(spec, raw, `a value ≤ ${t.max}`);
      return n;
    }
    case "bytes":
      return coerceBytes(spec, raw);
    case "boolean":
      if (raw === true || raw === "true") return true;
      if (raw === false || raw === "false") return false;
      return problem(spec, raw, "true or false");
    case "enum":
      if (typeof raw === "string" && t.values.includes(raw)) return raw;
      return problem(spec, raw, `one of ${t.values.join(", ")}`);
  }
}

/** True when coerceParameter returned a problem. */
export function isProblem(v: ParameterValue | ParameterProblem): v is ParameterProblem {
  return typeof v === "object" && v !== null && "message" in v && "hint" in v;
}

function problem(spec: ParameterSpec, raw: unknown, expected: string): ParameterProblem {
  return {
    message: `${spec.key}: expected ${expected}, got ${JSON.stringify(raw)}`,
    hint: `${spec.key} is: ${lowerFirst(spec.summary)} (default ${formatDefault(spec)})`,
  };
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

/** The default as a person writes it: `10s`, `uniform(25s, 45s)`, `3 VMs`. */
export function formatDefault(spec: ParameterSpec): string {
  const d = spec.default;
  if (typeof d === "object") return describe(d, formatDuration);
  if (typeof d === "number" && spec.unit === "µs") return formatDuration(d);
  return spec.unit && typeof d === "number" ? `${d} ${spec.unit}` : String(d);
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

function coerceBytes(spec: ParameterSpec, raw: unknown): number | ParameterProblem {
  if (typeof raw === "number" && Number.isFinite(raw) && raw >= 0) return raw;
  if (typeof raw === "string") {
    const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)(\/s)?$/.exec(raw.trim());
    if (m) return Math.round(Number(m[1]) * BYTE_UNITS[m[2]!]!);
  }
  return problem(spec, raw, "a size such as 125MB, 512MiB or a number of bytes");
}

function coerceDistribution(spec: ParameterSpec, raw: unknown): Distribution | ParameterProblem {
  const bad = problem(
    spec,
    raw,
    "a duration (10ms) or {uniform: [a, b]}, {exponential: mean}, {normal: {mean, stddev}}, {lognormal: {p50, p99}}",
  );
  try {
    if (typeof raw === "string") return { kind: "constant", value: parseDuration(raw) };
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return bad;
    const entries = Object.entries(raw);
    if (entries.length !== 1) return bad;
    const [shape, arg] = entries[0]!;
    const d = (x: unknown) => {
      if (typeof x !== "string") throw new Error("not a duration");
      return parseDuration(x);
    };
    if (shape === "uniform" && Array.isArray(arg) && arg.length === 2) {
      const min = d(arg[0]);
      const max = d(arg[1]);
      return max >= min ? { kind: "uniform", min, max } : bad;
    }
    if (shape === "exponential") return { kind: "exponential", mean: d(arg) };
    const o = arg as Record<string, unknown>;
    if (shape === "normal" && o) return { kind: "normal", mean: d(o.mean), stddev: d(o.stddev) };
    if (shape === "lognormal" && o) {
      const p50 = d(o.p50);
      const p99 = d(o.p99);
      return p50 > 0 && p99 >= p50 ? { kind: "lognormal", p50, p99 } : bad;
    }
    return bad;
  } catch {
    return bad;
  }
}

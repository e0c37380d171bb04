/**
 * A Kubernetes Indexed Job that runs a sweep on a cluster (../shared/reference/peers-perf-style.md
 * §5.1). `completionMode: Indexed` gives each pod an index 0…N−1 in JOB_COMPLETION_INDEX, and
 * `quorate sweep FILE --shards N` reads it, so pod i runs shard i/N and writes
 * `shard-i-of-N.jsonl`. Kubernetes may start more than one pod for an index; the shard file's
 * bytes depend only on the sweep, and it appears by atomic rename, so a second pod rewrites the
 * same file or finds it finished (`--resume`).
 *
 * Retries: `backoffLimitPerIndex` retries a failed index on its own (Job API, GA in v1.33), and a
 * pod failure policy fails an index at once on exit code 2 (bad input) or 3 (a bug in quorate) —
 * retrying would fail the same way — and does not count disruptions (eviction, preemption).
 * A shard exits 0 once its file is written, whatever the expectations say: the verdict belongs to
 * `quorate sweep merge`.
 *
 * Output: with `pvc` every pod writes into `<mount>/<job name>/` on that PersistentVolumeClaim
 * (ReadWriteMany when pods land on several nodes), to be merged from there; without it each pod
 * writes to an emptyDir and prints its shard file on stdout (`--print-shard`), to be collected
 * with `kubectl logs`.
 */
import { SweepInputError } from "./input-error.js";
import { MAX_SHARDS } from "./shard.js";

/** What `quorate sweep k8s-job` was asked for. */
export interface JobRequest {
  readonly file: string;
  readonly seeds: string;
  readonly set: readonly string[];
  readonly vary: readonly string[];
  readonly experiment: string;
  readonly shards: number;
  readonly image: string;
  /** Job name (default `quorate-sweep-<experiment>`). */
  readonly name?: string;
  /** Pods at a time (default: all shards). */
  readonly parallelism?: number;
  readonly backoffLimitPerIndex: number;
  /** Worker threads per pod (and CPUs requested). */
  readonly workersPerPod: number;
  /** PersistentVolumeClaim for the output; emptyDir + stdout when absent. */
  readonly pvc?: string;
}

/** Where the output volume is mounted in the container. */
export const RESULTS_MOUNT = "/results";

/** The Job as a plain object (for YAML output). */
export function indexedJobManifest(req: JobRequest): Record<string, unknown> {
  if (!Number.isSafeInteger(req.shards) || req.shards < 1 || req.shards > MAX_SHARDS)
    throw new SweepInputError(`--shards ${req.shards}: expected a whole number from 1 to ${MAX_SHARDS}`);
  if (req.image.trim() === "")
    throw new SweepInputError("--image: give the container image that has quorate");
  const name = jobName(req.name ?? `quorate-sweep-${req.experiment}`, req.shards);
  const parallelism = req.parallelism ?? req.shards;
  if (!Number.isSafeInteger(parallelism) || parallelism < 1)
    throw new SweepInputError(`--parallelism ${parallelism}: expected a whole number of at least 1`);
  const outDir = req.pvc !== undefined ? `${RESULTS_MOUNT}/${name}` : RESULTS_MOUNT;
  const args = [
    "sweep",
    req.file,
    "--seeds",
    req.seeds,
    ...req.set.flatMap((s) => ["--set", s]),
    ...req.vary.flatMap((v) => ["--vary", v]),
    "--shards",
    String(req.shards),
    "--workers",
    String(req.workersPerPod),
    "--out",
    outDir,
    "--resume",
    ...(req.pvc === undefined ? ["--print-shard"] : []),
  ];
  const labels = {
    "app.kubernetes.io/name": "quorate",
    "app.kubernetes.io/component": "sweep",
    "quorate.dev/experiment": labelValue(req.experiment),
  };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels },
    spec: {
      completionMode: "Indexed",
      completions: req.shards,
      parallelism: Math.min(parallelism, req.shards),
      backoffLimitPerIndex: req.backoffLimitPerIndex,
      podFailurePolicy: {
        rules: [
          { action: "FailIndex", onExitCodes: { containerName: "quorate", operator: "In", values: [2, 3] } },
          { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] },
        ],
      },
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "quorate",
              image: req.image,
              command: ["quorate"],
              args,
              env: [{ name: "NO_COLOR", value: "1" }],
              resources: {
                requests: { cpu: String(req.workersPerPod), memory: "512Mi" },
                limits: { memory: "1Gi" },
              },
              volumeMounts: [{ name: "results", mountPath: RESULTS_MOUNT }],
            },
          ],
          volumes: [
            req.pvc !== undefined
              ? { name: "results", persistentVolumeClaim: { claimName: req.pvc } }
              : { name: "results", emptyDir: {} },
          ],
        },
      },
    },
  };
}

/**
 * A valid Job name: a DNS-1123 label short enough that the pods' hostname `<name>-<index>` stays
 * within 63 characters (Indexed Jobs set it).
 */
export function jobName(wanted: string, shards: number): string {
  const limit = 63 - 1 - String(Math.max(0, shards - 1)).length;
  const cleaned = wanted
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .slice(0, limit)
    .replace(/^-+|-+$/g, "");
  if (cleaned === "")
    throw new SweepInputError(`--name ${JSON.stringify(wanted)}: no usable characters for a Job name`);
  return cleaned;
}

/** A label value: at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

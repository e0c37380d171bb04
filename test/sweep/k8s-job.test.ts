import { describe, expect, it } from "vitest";
import { indexedJobManifest, jobName } from "../../src/sweep/k8s-job.js";

const base = {
  file: "experiments/x.yaml",
  seeds: "1..1000",
  set: [],
  vary: ["lb.inter=5s,10s"],
  experiment: "haproxy-cp-power-cycle",
  shards: 8,
  image: "registry.example/quorate:0.1",
  backoffLimitPerIndex: 2,
  workersPerPod: 2,
};

// biome-ignore lint/suspicious/noExplicitAny: walking an untyped manifest in assertions
type Any = any;

describe("Indexed Job manifest", () => {
  it("runs one shard per index, with per-index retries and output on an emptyDir", () => {
    const job = indexedJobManifest(base) as Any;
    expect(job.apiVersion).toBe("batch/v1");
    expect(job.kind).toBe("Job");
    expect(job.spec).toMatchObject({
      completionMode: "Indexed",
      completions: 8,
      parallelism: 8,
      backoffLimitPerIndex: 2,
    });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    const c = pod.containers[0];
    expect(c.image).toBe(base.image);
    expect(c.args).toEqual([
      "sweep",
      "experiments/x.yaml",
      "--seeds",
      "1..1000",
      "--vary",
      "lb.inter=5s,10s",
      "--shards",
      "8",
      "--workers",
      "2",
      "--out",
      "/results",
      "--resume",
      "--print-shard",
    ]);
    expect(c.resources.requests.cpu).toBe("2");
    expect(pod.volumes).toEqual([{ name: "results", emptyDir: {} }]);
    expect(job.spec.podFailurePolicy.rules[0]).toMatchObject({
      action: "FailIndex",
      onExitCodes: { operator: "In", values: [2, 3] },
    });
  });

  it("writes to a PVC under the job's name when asked", () => {
    const job = indexedJobManifest({ ...base, pvc: "sweeps", parallelism: 3 }) as Any;
    expect(job.spec.parallelism).toBe(3);
    expect(job.spec.template.spec.volumes[0]).toEqual({
      name: "results",
      persistentVolumeClaim: { claimName: "sweeps" },
    });
    const args: string[] = job.spec.template.spec.containers[0].args;
    expect(args[args.indexOf("--out") + 1]).toBe("/results/quorate-sweep-haproxy-cp-power-cycle");
    expect(args).not.toContain("--print-shard");
  });

  it("names fit DNS-1123 and leave room for the pod index in the hostname", () => {
    expect(jobName("Quorate_Sweep: CAPV!", 4)).toBe("quorate-sweep-capv");
    const long = jobName("x".repeat(100), 1000);
    expect(long.length + "-999".length).toBeLessThanOrEqual(63);
    expect(() => indexedJobManifest({ ...base, shards: 0 })).toThrow(/--shards/);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { formatInputErrors } from "../../src/scenario/index.js";
import { runExperiment } from "./run-experiment.js";

const FILE = "test/fixtures/kube/kubectl-namespaces.yaml";

describe("kubectl get -n NAMESPACE", () => {
  it("lists one namespace: kube-system's control-plane mirror pods and CoreDNS, names without kind", () => {
    const { result } = runExperiment(FILE, 1);
    const outputs = result.records.filter((r) => r.kind === "kubectl");
    expect(outputs.map((r) => r.command)).toEqual([
      "kubectl get pods -n kube-system -o wide",
      "kubectl get deploy -n kube-system",
      "kubectl get pods -n nope",
      "kubectl get deploy,rs",
      "kubectl get pods,deploy",
    ]);
    const [pods, deploy, none, both, podsAndDeploy] = outputs.map((r) => String(r.output));
    for (const cp of ["cp-0", "cp-1", "cp-2"])
      for (const c of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"])
        expect(pods).toMatch(new RegExp(`^${c}-${cp}\\s+1/1\\s+Running`, "m"));
    expect(pods).toMatch(/^coredns-\S+\s+1\/1\s+Running/m);
    expect(pods).not.toMatch(/nginx/);
    // One resource type: bare names, as kubectl prints them.
    expect(deploy).toMatch(/^coredns\s+2\/2/m);
    expect(none).toBe("No resources found in nope namespace.");
    // Several types in one command: names carry their kind.
    expect(both).toMatch(/^deployment\.apps\/nginx\s/m);
    expect(both).toMatch(/^replicaset\.apps\/nginx-\S+\s/m);
    expect(podsAndDeploy).toMatch(/^pod\/nginx-\S+\s+1\/1\s+Running/m);
    expect(podsAndDeploy).toMatch(/^deployment\.apps\/nginx\s/m);
  });

  it("refuses a namespace that is not a DNS label before the run", () => {
    const file = join(mkdtempSync(join(tmpdir(), "quorate-ns-")), "bad.yaml");
    writeFileSync(file, readFileSync(FILE, "utf8").replace("namespace: nope", "namespace: Kube_System"));
    const prepared = prepareRun(file, { seed: 1 });
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) expect(formatInputErrors(prepared.errors)).toMatch(/namespace name \(DNS label\)/);
  });
});

import { describe, expect, it } from "vitest";
import { quorate } from "../support/cli.js";

describe("catalogue commands", () => {
  it("quorate models lists every shipped profile with its description", () => {
    const r = quorate(["models"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^vsphere-vms\s+Control-plane and worker VMs/m);
  });

  it("quorate experiments lists the library, one line each", () => {
    const r = quorate(["experiments"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^experiments\/haproxy-cp-power-cycle\.yaml\s+vsphere-vms\s+Power off two/m);
    expect(r.stdout).not.toContain("(invalid");
  });

  it("quorate explain model prints every parameter with its value and source", () => {
    const r = quorate(["explain", "model", "vsphere-vms"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^lb\.inter = 10s\n\s+Interval between health checks of a backend\n\s+source: CAPV v0\.7\.0/m,
    );
    const keys = [...r.stdout.matchAll(/^(\S+) = /gm)].map((m) => m[1]);
    expect(keys).toContain("network.latency");
    expect(r.stdout.match(/source: /g)?.length).toBe(keys.length);
  });

  it("quorate explain conditions and actions describe the vocabulary", () => {
    const c = quorate(["explain", "conditions", "--model", "vsphere-vms"]);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/^lb\.backend\[\]\.up {2}\(boolean\) — subjects: cp-0, cp-1, cp-2/m);
    const a = quorate(["explain", "actions"]);
    expect(a.stdout).toMatch(/^vm\.powerOff target: <vm>/m);
    expect(a.stdout).toMatch(/^net\.partition groups: …/m);
  });

  it("an unknown model is bad input with a hint", () => {
    const r = quorate(["explain", "model", "vsphere-vm"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "vsphere-vms"');
  });
});

describe("views at an instant (--at/--show)", () => {
  it("prints the VM list and the HAProxy table as they were at that instant", () => {
    const r = quorate([
      "run",
      "experiments/haproxy-cp-power-cycle.yaml",
      "--at",
      "2m30s",
      "--show",
      "vms,lb",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^== at 2m30s ==/);
    expect(r.stdout).toMatch(/^cp-0\s+poweredOff\s+notRunning/m);
    expect(r.stdout).toMatch(/^cp-2\s+poweredOn\s+running/m);
    expect(r.stdout).toMatch(/^cp-0\s+DOWN\s/m);
    expect(r.stdout).toMatch(/^cp-2\s+UP\s/m);
  });

  it("kubectl views print kubectl's error while the API is down, then the last state served", () => {
    const down = quorate(["run", "experiments/kube-apiserver-down.yaml", "--at", "2m", "--show", "nodes"]);
    expect(down.code).toBe(0);
    const body = down.stdout.split("# nodes\n")[1] ?? "";
    expect(body.split("\n")[0]).toMatch(/^The connection to the server [\d.]+:6443 was refused/);
    expect(body).toMatch(/the API has been failing since 01:00\.\d{3}; the last state it served/);
    expect(body).toMatch(/^worker-0\s+Ready\s/m);
    const up = quorate([
      "run",
      "experiments/kube-apiserver-down.yaml",
      "--at",
      "4m",
      "--show",
      "nodes,pods-all,deploy",
    ]);
    const upBody = up.stdout.split("# nodes\n")[1] ?? "";
    expect(upBody.split("\n")[0]).toMatch(/^NAME\s+STATUS\s+ROLES/);
    const all = up.stdout.split("# pods-all\n")[1] ?? "";
    expect(all.split("\n")[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS/);
    expect(all).toMatch(/^kube-system\s+coredns-\S+\s+1\/1\s+Running/m);
    // kubectl get deploy,rs lists the current namespace only: the workload, not the add-ons.
    const deploy = up.stdout.split("# deploy\n")[1] ?? "";
    expect(deploy).toMatch(/^deployment\.apps\/nginx\s/m);
    expect(deploy).not.toContain("coredns");
  });

  it("refuses an unknown view with a hint", () => {
    const r = quorate(["run", "experiments/haproxy-cp-power-cycle.yaml", "--at", "1m", "--show", "lbs"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "lb"');
  });
});

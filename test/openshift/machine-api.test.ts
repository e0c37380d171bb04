/**
 * Seed 004's IPI master replacement through machine-api Machine objects: what a user would check
 * in vCenter, `oc get machines -n openshift-machine-api` and `etcdctl member list` — the new
 * Machine has a new VM with a new name and a new address, the old VM is gone, the new master's
 * member is added by the cluster-etcd-operator, and quorum holds throughout (scenario 3). Also the
 * refusals a user would get for a wrong step, and the roles that name the new master.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { formatInputErrors } from "../../src/scenario/index.js";
import { etcdOf } from "../../src/world/etcd-world.js";
import { openshiftOf } from "../../src/world/openshift-world.js";
import type { RunResult } from "../../src/world/result.js";
import type { World } from "../../src/world/world.js";

const dir = mkdtempSync(join(tmpdir(), "quorate-machine-api-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** An experiment file on the openshift model with these steps (YAML, indented as list items). */
function inline(duration: string, steps: string, expect = ""): string {
  const path = join(dir, `e${files++}.yaml`);
  const model = join(process.cwd(), "models", "openshift.yaml");
  writeFileSync(
    path,
    `apiVersion: quorate.dev/v1alpha1\nkind: Experiment\nmetadata: {name: t}\nspec:\n  model: ${model}\n  duration: ${duration}\n  steps:\n${steps}${expect}`,
  );
  return path;
}

function run(file: string, seed = 1): { result: RunResult; world: World } {
  const prepared = prepareRun(file, { seed });
  if (!prepared.ok) throw new Error(formatInputErrors(prepared.errors));
  return { result: executeRun(prepared.run), world: prepared.run.world };
}

const failedSteps = (r: RunResult) =>
  r.records.filter((x) => x.kind === "step.failed").map((x) => `${x.action}: ${x.reason}`);

describe("seed 004 scenario 3, IPI: replace a master through its Machine", () => {
  const { result, world } = run("experiments/openshift-replace-one-master-ipi.yaml", 3);
  const layer = openshiftOf(world)!;

  it("passes its expectations with every step carried out", () => {
    expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(failedSteps(result)).toEqual([]);
  });

  it("the new Machine has a new VM, with a new name and a new address; the old VM is gone", () => {
    const history = world.hypervisor.history();
    const old = history.find((v) => v.name === "cp-2")!;
    expect(old.state).toBe("deleted");
    expect(world.hypervisor.vm("cp-2")).toBeUndefined();
    const vm = world.hypervisor.vm("openshift-master-3")!;
    expect(vm.state).toBe("poweredOn");
    expect(vm.isGuestRunning).toBe(true);
    expect(vm.uuid).not.toBe(old.uuid);
    expect(history.map((v) => v.address)).not.toContain(undefined);
    expect(history.filter((v) => v.name !== vm.name).map((v) => v.address)).not.toContain(vm.address);
    expect(layer.machines.list().map((m) => `${m.name}=${m.vm}:${m.phase}`)).toEqual([
      "openshift-master-0=cp-0:Running",
      "openshift-master-1=cp-1:Running",
      "openshift-master-3=openshift-master-3:Running",
    ]);
    expect(layer.machines.get("openshift-master-3")?.copiedFrom).toBe("openshift-master-2");
    // The old machine was powered off then destroyed by the provider, within its two vCenter tasks.
    const phases = result.records
      .filter((x) => x.kind === "ocp.machine" && x.subject === "openshift-master-2")
      .map((x) => x.phase);
    expect(phases).toEqual(["deleting", "deleted"]);
  });

  it("the cluster-etcd-operator adds the member on the new master, at its new address", () => {
    const added = result.records.filter(
      (x) => x.kind === "ocp.operator" && x.phase === "nodeUpdated" && x.action === "memberAdded",
    );
    expect(added.map((x) => x.node)).toEqual(["openshift-master-3"]);
    const booted = result.records.find((x) => x.kind === "vm.booted" && x.subject === "openshift-master-3")!;
    const forced = result.records.find(
      (x) => x.kind === "ocp.operator" && x.phase === "rolloutStarted" && x.t >= booted.t,
    );
    expect(forced?.reason).toBe("new master node openshift-master-3");
    const etcd = etcdOf(world)!;
    const leader = etcd.cluster.leader()!;
    const members = leader.membership.list();
    expect(members.map((m) => m.host).sort()).toEqual(["cp-0", "cp-1", "openshift-master-3"]);
    const address = world.hypervisor.vm("openshift-master-3")!.address;
    expect(members.find((m) => m.host === "openshift-master-3")?.peerUrl).toContain(address);
    expect(etcd.cluster.state).toMatchObject({ quorum: true, voters: 3, healthy: 3 });
  });

  it("quorum holds throughout and no acknowledged write is lost", () => {
    const lostQuorum = result.records.filter((x) => x.kind === "etcd.cluster" && x.quorum === false);
    expect(lostQuorum).toEqual([]);
    expect(result.metrics.lostWrites).toBe(0);
  });

  it("the roles name the new master", () => {
    expect(world.resolveRole("ocp.newMasters[0]")).toEqual(["openshift-master-3"]);
    expect(world.resolveRole("ocp.masters")).toEqual(["cp-0", "cp-1", "openshift-master-3"]);
    expect(world.resolveRole("ocp.runningMasters")).toContain("openshift-master-3");
    expect(world.resolveRole("etcd.followers")?.length).toBe(2);
  });
});

describe("machine API steps", () => {
  it("refuses a Machine name that exists, a VM name that is taken, and a target that is no master", () => {
    // `ocp.machineCreate` steps, the first at 1m and the others right after it.
    const creates = (...steps: [target: string, name: string][]) =>
      inline(
        "3m",
        [
          ...steps.flatMap(([target, name], i) => [
            i === 0 ? "    - at: 1m" : "    - after: 0s",
            "      do: ocp.machineCreate",
            `      target: ${target}`,
            `      name: ${name}`,
          ]),
          "",
        ].join("\n"),
      );
    const taken: [string, string][] = [
      ["cp-0", "openshift-master-1"],
      ["cp-0", "cp-1"],
    ];
    const prepared = prepareRun(creates(...taken, ["lb-0", "openshift-master-9"]), { seed: 1 });
    // lb-0 is no VM of the model: refused before the run.
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) expect(formatInputErrors(prepared.errors)).toContain("lb-0");
    const ok = creates(...taken);
    const { result } = run(ok);
    const failed = failedSteps(result);
    expect(failed).toHaveLength(2);
    expect(failed[0]).toContain('machines.machine.openshift.io "openshift-master-1" already exists');
    expect(failed[1]).toContain("a VM named cp-1 already exists");
    expect(result.records.some((x) => x.kind === "ocp.machine")).toBe(false);
  });

  it("refuses a Machine name that is no DNS-1123 label before the run", () => {
    const file = inline(
      "3m",
      ["    - at: 1m", "      do: ocp.machineCreate", "      target: cp-0", "      name: Master_3", ""].join(
        "\n",
      ),
    );
    const prepared = prepareRun(file, { seed: 1 });
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) expect(formatInputErrors(prepared.errors)).toContain("DNS-1123");
  });

  it("deleting a Machine twice is refused; deleting a VM that has no Machine names the machines", () => {
    const file = inline(
      "3m",
      [
        "    - at: 1m",
        "      do: ocp.machineDelete",
        "      target: cp-2",
        "    - after: 0s",
        "      do: ocp.machineDelete",
        "      target: cp-2",
        "    - after: 10s",
        "      do: ocp.machineDelete",
        "      target: cp-2",
        "",
      ].join("\n"),
    );
    const { result, world } = run(file);
    const failed = failedSteps(result);
    expect(failed[0]).toContain("machine openshift-master-2 is already being deleted");
    expect(failed[1]).toContain("no Machine in openshift-machine-api is cp-2");
    expect(failed[1]).toContain("openshift-master-0 (cp-0)");
    expect(world.hypervisor.vm("cp-2")).toBeUndefined();
    // Deleting a master's Machine without removing its member first leaves two of three voters up.
    expect(etcdOf(world)!.cluster.state).toMatchObject({ quorum: true, voters: 3, healthy: 2 });
  });

  it("a Machine deleted once it runs is powered off and destroyed; the role names it until then", () => {
    const file = inline(
      "10m",
      [
        "    - at: 1m",
        "      do: ocp.machineCreate",
        "      target: cp-0",
        "      name: openshift-master-3",
        "    - waitFor: ocp.machinesRunning == 4",
        "    - after: 1m",
        "      do: ocp.machineDelete",
        "      target: ocp.newMasters[0]",
        "",
      ].join("\n"),
    );
    const { result, world } = run(file);
    expect(failedSteps(result)).toEqual([]);
    const phases = result.records
      .filter((x) => x.kind === "ocp.machine" && x.subject === "openshift-master-3")
      .map((x) => x.phase);
    expect(phases).toEqual(["provisioning", "provisioned", "running", "deleting", "poweredOff", "deleted"]);
    expect(world.hypervisor.vm("openshift-master-3")).toBeUndefined();
    expect(world.resolveRole("ocp.newMasters")).toEqual([]);
  });

  it("a Machine deleted while its VM is still cloning is destroyed when the clone ends", () => {
    const prepared = prepareRun(
      inline("6m", "    - at: 5m\n      do: vm.powerOn\n      target: vms.poweredOff\n"),
      {
        seed: 1,
      },
    );
    if (!prepared.ok) throw new Error(formatInputErrors(prepared.errors));
    const world = prepared.run.world;
    const machines = openshiftOf(world)!.machines;
    const result = executeRun(prepared.run, {
      checkpoints: [
        { atUs: 60_000_000, fn: () => machines.create("openshift-master-3", "cp-0") },
        { atUs: 70_000_000, fn: () => machines.delete("openshift-master-3") },
      ],
    });
    const phases = result.records
      .filter((x) => x.kind === "ocp.machine" && x.subject === "openshift-master-3")
      .map((x) => x.phase);
    expect(phases).toEqual(["provisioning", "deleting", "provisioned", "poweredOff", "deleted"]);
    expect(world.hypervisor.vm("openshift-master-3")).toBeUndefined();
    expect(machines.list().map((m) => m.name)).toEqual([
      "openshift-master-0",
      "openshift-master-1",
      "openshift-master-2",
    ]);
    // No rollout: the clone never booted as a master.
    expect(result.records.some((x) => x.kind === "ocp.operator" && x.phase === "rolloutStarted")).toBe(false);
  });

  it("a Machine deleted while the operator adds its member: the add stops, no voter for a gone node", () => {
    const prepared = prepareRun(
      inline("10m", "    - at: 9m\n      do: vm.powerOn\n      target: vms.poweredOff\n"),
      {
        seed: 1,
      },
    );
    if (!prepared.ok) throw new Error(formatInputErrors(prepared.errors));
    const world = prepared.run.world;
    const { machines, ceo } = openshiftOf(world)!;
    const name = "openshift-master-3";
    let deletedAtUs: number | undefined;
    // The operator's step is internal: poll it from the new master's rollout on, and delete the
    // Machine as soon as the operator is adding its member (before the `member add` is sent).
    const poll = (): void => {
      if ((ceo as unknown as { step: string }).step === "adding") {
        deletedAtUs = world.sim.now;
        machines.delete(name);
        return;
      }
      world.sim.after(100_000, poll);
    };
    const result = executeRun(prepared.run, {
      checkpoints: [{ atUs: 60_000_000, fn: () => machines.create(name, "cp-0") }],
      sinks: [
        {
          write: (r) => {
            if (r.kind === "ocp.operator" && r.phase === "rolloutStarted") world.sim.after(0, poll);
          },
        },
      ],
    });
    expect(deletedAtUs).toBeDefined();
    const ops = result.records.filter((x) => x.kind === "ocp.operator");
    expect(ops.some((x) => x.phase === "nodeUpdated" && x.node === name)).toBe(false);
    expect(ops.at(-1)?.phase).toBe("rolloutDone");
    const adds = result.records.filter(
      (x) => x.kind === "etcd.etcdctl" && String(x.command).includes(`member add ${name}`),
    );
    expect(adds).toEqual([]);
    // The three members that were there stay the only voters, all healthy.
    expect(etcdOf(world)!.cluster.state).toMatchObject({ quorum: true, voters: 3, healthy: 3 });
  });
});

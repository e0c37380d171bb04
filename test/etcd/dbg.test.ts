import { it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
it("dbg", () => {
  const p = prepareRun("/work/main/experiments/etcd-lose-follower.yaml", { seed: 1 });
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  const r = executeRun(p.run);
  for (const rec of r.records) if (rec.kind.startsWith("reads.serializable") || rec.kind === "workload.stats") console.log(JSON.stringify(rec));
});

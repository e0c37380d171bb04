import fc from "fast-check";
import { it } from "vitest";
import { runChaos } from "./chaos.js";
it("dbg", () => {
  const sched = [
    { gapMs: 1000, fault: { kind: "crash" as const, member: 0, downMs: 5000 } },
    { gapMs: 2000, fault: { kind: "partition" as const, side: [1], forMs: 5000 } },
    { gapMs: 3000, fault: { kind: "replace" as const, member: 2 } },
    { gapMs: 3000, fault: { kind: "powerCycle" as const, member: 1, downMs: 4000 } },
    { gapMs: 3000, fault: { kind: "loss" as const, member: 0, percent: 50, forMs: 4000 } },
  ];
  for (const seed of [1, 2, 3]) console.log(JSON.stringify(runChaos(seed, 3, sched)));
});

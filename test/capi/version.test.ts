import { describe, expect, it } from "vitest";
import { capiFeatures, parseCapiVersion } from "../../src/capi/version.js";

describe("CAPI version switches", () => {
  it("moves etcd member removal into the pre-terminate hook from 1.9", () => {
    expect(capiFeatures("1.8").etcdRemovalInPreTerminateHook).toBe(false);
    expect(capiFeatures("1.9").etcdRemovalInPreTerminateHook).toBe(true);
  });

  it("rate-limits MHC to 15 s and relaxes KCP scale-up from 1.13", () => {
    expect(capiFeatures("1.12").mhcRateLimitUs).toBe(0);
    expect(capiFeatures("1.13").mhcRateLimitUs).toBe(15_000_000);
    expect(capiFeatures("1.12").kcpRelaxedScaleUpWhileRemediating).toBe(false);
    expect(capiFeatures("1.14").kcpRelaxedScaleUpWhileRemediating).toBe(true);
  });

  it("uses failureReason for MHC and v1beta1 messages only up to 1.10", () => {
    expect(capiFeatures("1.10").mhcRemediatesFailureReason).toBe(true);
    expect(capiFeatures("1.11").mhcRemediatesFailureReason).toBe(false);
    expect(capiFeatures("1.10").v1beta2Messages).toBe(false);
    expect(capiFeatures("1.11").v1beta2Messages).toBe(true);
  });

  it("drains an unreachable Node at once from 1.8, waiting 5 min for its Pods before (#10705)", () => {
    expect(capiFeatures("1.7")).toMatchObject({
      unreachableDrainSkipUs: 300_000_000,
      unreachableDrainGraceSeconds: undefined,
    });
    expect(capiFeatures("1.8")).toMatchObject({
      unreachableDrainSkipUs: 1_000_000,
      unreachableDrainGraceSeconds: 1,
    });
  });

  it("reads release strings", () => {
    expect(parseCapiVersion("v1.13.2")).toBe("1.13");
    expect(parseCapiVersion("1.9")).toBe("1.9");
    expect(parseCapiVersion("1.4")).toBeUndefined();
    expect(parseCapiVersion("latest")).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import {
  deleteCondition,
  getCondition,
  isFalse,
  isTrue,
  setCondition,
} from "../../src/capi/objects/conditions.js";

describe("conditions", () => {
  it("keeps lastTransitionTime while the status stays the same, moves it when it changes", () => {
    let cs = setCondition([], { type: "Ready", status: "False", reason: "A", message: "" }, 10);
    cs = setCondition(cs, { type: "Ready", status: "False", reason: "B", message: "x" }, 20);
    expect(getCondition(cs, "Ready")).toMatchObject({ reason: "B", lastTransitionTimeUs: 10 });
    cs = setCondition(cs, { type: "Ready", status: "True", reason: "Ok", message: "" }, 30);
    expect(getCondition(cs, "Ready")?.lastTransitionTimeUs).toBe(30);
    expect(isTrue(cs, "Ready")).toBe(true);
    expect(isFalse(cs, "Ready")).toBe(false);
  });

  it("returns the same array when nothing changes, and deletes", () => {
    const cs = setCondition([], { type: "X", status: "True", reason: "", message: "" }, 1);
    expect(setCondition(cs, { type: "X", status: "True", reason: "", message: "" }, 2)).toBe(cs);
    expect(deleteCondition(cs, "X")).toEqual([]);
    expect(deleteCondition(cs, "Y")).toBe(cs);
  });
});

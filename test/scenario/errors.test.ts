import { describe, expect, it } from "vitest";
import {
  formatInputError,
  formatInputErrors,
  formatPath,
  type InputError,
  quoteValue,
} from "../../src/scenario/errors.js";

const unknownAction: InputError = {
  file: "experiments/foo.yaml",
  line: 12,
  col: 9,
  path: ["spec", "steps", 1, "do"],
  message: 'unknown action "vm.powerof"',
  expected: "one of vm.powerOff, vm.powerOn",
  hint: 'did you mean "vm.powerOff"?',
};

describe("formatInputError", () => {
  it("prints file:line:col, the path, what was found and expected, then the hint", () => {
    expect(formatInputError(unknownAction)).toBe(
      'experiments/foo.yaml:12:9: spec.steps[1].do: unknown action "vm.powerof"; expected one of vm.powerOff, vm.powerOn\n' +
        '  Hint: did you mean "vm.powerOff"?',
    );
  });

  it("leaves out what is unknown: no position for an unreadable file, no path at the top", () => {
    expect(
      formatInputError({ file: "x.yaml", line: 0, col: 0, path: [], message: "cannot read the file" }),
    ).toBe("x.yaml: cannot read the file");
  });
});

describe("formatPath", () => {
  it("quotes keys that are not identifiers and shortens runaway paths", () => {
    expect(formatPath(["spec", "set", "capi.mhc.unhealthyTimeout"])).toBe(
      'spec.set["capi.mhc.unhealthyTimeout"]',
    );
    expect(formatPath([0, "a"])).toBe("[0].a");
    expect(formatPath(["a", ...Array.from({ length: 20 }, () => 0)])).toBe("a[0][0][0][0][0]…[0][0]");
  });
});

describe("formatInputErrors", () => {
  it("sorts by position and caps the number printed", () => {
    const at = (line: number): InputError => ({
      file: "f.yaml",
      line,
      col: 1,
      path: [],
      message: `m${line}`,
    });
    const text = formatInputErrors([at(9), at(2), at(5)], 2);
    expect(text).toBe("f.yaml:2:1: m2\nf.yaml:5:1: m5\n… and 1 more error not shown");
  });
});

describe("quoteValue", () => {
  it("quotes text safely and names collections", () => {
    expect(quoteValue("a\u001b[31m")).toBe('"a\\u001b[31m"');
    expect(quoteValue("x".repeat(50))).toBe(`"${"x".repeat(40)}…"`);
    expect(quoteValue(3)).toBe("3");
    expect(quoteValue([1, 2])).toBe("a list of 2 items");
    expect(quoteValue({})).toBe("a mapping");
  });
});

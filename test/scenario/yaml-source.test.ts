import { describe, expect, it } from "vitest";
import { parseYamlSource } from "../../src/scenario/yaml-source.js";

function parsed(text: string, limits?: Parameters<typeof parseYamlSource>[2]) {
  const r = parseYamlSource(text, "f.yaml", limits);
  if (!r.ok) throw new Error(`unexpected errors: ${r.errors.map((e) => e.message).join("; ")}`);
  return r.source;
}

function errorsOf(text: string, limits?: Parameters<typeof parseYamlSource>[2]) {
  const r = parseYamlSource(text, "f.yaml", limits);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

describe("locate", () => {
  const text = "spec:\n  steps:\n    - at: 1m\n      do: vm.powerOff\n  set: {a.b: 1}\n";
  const { locate, value } = parsed(text);

  it("points at values, or at keys when asked", () => {
    expect(value).toEqual({ spec: { steps: [{ at: "1m", do: "vm.powerOff" }], set: { "a.b": 1 } } });
    expect(locate(["spec", "steps", 0, "do"])).toEqual({ line: 4, col: 11 });
    expect(locate(["spec", "steps", 0, "do"], "key")).toEqual({ line: 4, col: 7 });
    expect(locate(["spec", "steps", 0])).toEqual({ line: 3, col: 7 });
    expect(locate(["spec", "set", "a.b"], "key")).toEqual({ line: 5, col: 9 });
  });

  it("points at the deepest existing key for a missing path", () => {
    expect(locate(["spec", "duration"])).toEqual({ line: 1, col: 1 });
    expect(locate(["spec", "steps", 0, "target"])).toEqual({ line: 3, col: 7 });
    expect(locate(["spec", "steps", 7])).toEqual({ line: 2, col: 3 });
  });

  it("counts CRLF lines like LF lines", () => {
    const crlf = parsed("a: 1\r\nb:\r\n  c: 2\r\n");
    expect(crlf.locate(["b", "c"])).toEqual({ line: 3, col: 6 });
  });
});

describe("documents", () => {
  it("accepts one document with or without markers, and a trailing empty one", () => {
    expect(parsed("---\na: 1\n").value).toEqual({ a: 1 });
    expect(parsed("a: 1\n---\n").value).toEqual({ a: 1 });
    expect(parsed("a: 1\n...\n").value).toEqual({ a: 1 });
  });

  it("refuses a second document at its marker", () => {
    const [e] = errorsOf("a: 1\n# two\n---\nb: 2\n");
    expect(e).toMatchObject({
      line: 3,
      col: 1,
      message: expect.stringContaining("more than one YAML document"),
    });
  });

  it("refuses empty files", () => {
    expect(errorsOf("")[0]?.message).toContain("empty");
    expect(errorsOf("# nothing\n")[0]?.message).toContain("empty");
  });
});

describe("YAML features and errors", () => {
  it("supports anchors, aliases and merge keys", () => {
    expect(parsed("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n").value).toEqual({
      base: { x: 1, y: 2 },
      use: { x: 1, y: 3 },
    });
  });

  it("reports each duplicate key with the line of the first", () => {
    const errors = errorsOf("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n");
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [4, 'the key "c" appears twice in the same mapping (first at line 3)'],
      [5, 'the key "a" appears twice in the same mapping (first at line 1)'],
    ]);
  });

  it("reports only the first syntax error, not its echoes", () => {
    const errors = errorsOf("a: [1, 2\nb: c: d\ne: f: g\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^YAML syntax error: /);
  });

  it("refuses tags it cannot resolve", () => {
    expect(errorsOf("a: !!python/object x\n")[0]?.message).toContain("unsupported YAML tag");
  });

  it("enforces the depth limit exactly after parsing", () => {
    const limits = { maxDepth: 3, maxAliasCount: 100, maxAliases: 100 };
    expect(parsed("a: {b: [1]}", limits).value).toEqual({ a: { b: [1] } });
    const [e] = errorsOf("a: {b: [[1]]}", limits);
    expect(e).toMatchObject({ path: ["a", "b", 0], message: "the YAML nests more than 3 levels deep" });
  });
});

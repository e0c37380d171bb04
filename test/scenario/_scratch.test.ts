import { it } from "vitest";
import { formatInputErrors, loadExperimentText, nameResolvers } from "../../src/scenario/index.js";
const resolvers = nameResolvers({ targets: { vm: ["cp-0"], host: ["cp-0"] } });
const head = "apiVersion: quorate.dev/v1alpha1\nkind: Experiment\nmetadata:\n  name: big\nspec:\n  duration: 10000h\n  steps:\n";
const cases: Record<string, () => string> = {
  flowDeep: () => "a: " + "[".repeat(500_000) + "]".repeat(500_000),
  flowOpen: () => "a: " + "{".repeat(1_000_000),
  compact: () => "- ".repeat(500_000) + "x",
  compactQ: () => "? ".repeat(500_000) + "x",
  indent: () => { let s = ""; for (let i = 0; i < 1400; i++) s += " ".repeat(i) + "k:\n"; return s; },
  indentSeq: () => { let s = ""; for (let i = 0; i < 1400; i++) s += " ".repeat(i) + "-\n"; return s; },
  aliases: () => "a: &a x\nb: [" + "*a,".repeat(200_000) + "]\n",
  docs: () => "---\n".repeat(250_000),
  legit: () => { let s = head; while (s.length < 1024 * 1024 - 200) s += "    - after: 1s\n      do: vm.powerOff\n      target: cp-0\n"; return s; },
  legitFlow: () => { let s = head.replace("  steps:\n", "  steps: ["); while (s.length < 1024 * 1024 - 200) s += "{after: 1s, do: vm.reset, target: cp-0},"; return s + "]\n"; },
  longLine: () => "a: " + "x".repeat(1024 * 1024 - 10),
  longKey: () => "x".repeat(1024 * 1024 - 10) + ": 1",
  manyKeys: () => { let s = "metadata:\n  labels:\n"; let i = 0; while (s.length < 1024 * 1024 - 100) s += `    k${i++}: v\n`; return s; },
  quoteOpen: () => "a: \"" + "x\\".repeat(400_000),
  errors: () => "a: b: c\n".repeat(100_000),
  dupKeys: () => "a: 1\n".repeat(200_000),
  tabs: () => "a:\n" + "\tb: 1\n".repeat(150_000),
  unknownKeys: () => "apiVersion: quorate.dev/v1alpha1\nkind: Experiment\nmetadata: {name: x}\nspec:\n  duration: 1h\n  steps:\n" + "    - {do: vm.powerOff, target: cp-0, zz: 1}\n".repeat(20000),
};
it("x", () => {
  for (const [name, make] of Object.entries(cases)) {
    const text = make();
    const t0 = performance.now();
    const r = loadExperimentText(text, name, resolvers);
    const ms = (performance.now() - t0).toFixed(0);
    console.log(`${name} ${(text.length / 1e6).toFixed(2)}MB ${ms} ms ${r.ok ? "OK" : r.errors.length + " " + formatInputErrors(r.errors, 1).slice(0, 200)}`);
  }
}, 120000);

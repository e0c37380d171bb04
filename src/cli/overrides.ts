/** Parsing `--set key=value` flags. Values are read as YAML scalars or flow maps (`{uniform: [1ms, 2ms]}`). */
import { parse } from "yaml";
import type { CliOverride } from "../engine/prepare.js";
import { UsageError } from "./exit.js";

export function parseOverrides(raw: readonly string[] | undefined): CliOverride[] {
  return (raw ?? []).map((text) => {
    const eq = text.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(
        `--set ${JSON.stringify(text)}: expected key=value, e.g. --set lb.inter=2s (\`quorate explain model\` lists the keys)`,
      );
    }
    const key = text.slice(0, eq).trim();
    const valueText = text.slice(eq + 1).trim();
    let value: unknown = valueText;
    if (valueText.startsWith("{") || valueText.startsWith("[")) {
      try {
        value = parse(valueText);
      } catch {
        throw new UsageError(`--set ${key}: cannot read ${JSON.stringify(valueText)} as a value`);
      }
    }
    return { key, value: value as string };
  });
}

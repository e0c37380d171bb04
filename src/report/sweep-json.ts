/**
 * The `quorate sweep --format json` document (and `summary.json` in a sweep's output directory):
 * the sweep summary as pretty-printed JSON. Its fields are described in docs/sweeps.md.
 */
import type { SweepSummary } from "../sweep/summary.js";

/** The summary as JSON text, newline-terminated; the same summary always gives the same bytes. */
export function renderSweepJson(summary: SweepSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

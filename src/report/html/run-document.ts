/**
 * The run result the HTML report reads: the `quorate run --format json` document
 * (src/report/json.ts, format `quorate.dev/run-result/v1`). Checked field by field, so a file that
 * is not one is refused with a message instead of producing a broken page.
 */
import type { StateSpan } from "../state-tracks.js";

/** The fields of a run document the report uses. */
export interface RunDocument {
  readonly format: string;
  readonly experiment: string;
  readonly description?: string;
  readonly model: string;
  readonly seed: number;
  readonly durationUs: number;
  readonly duration: string;
  readonly passed: boolean;
  readonly parameters: readonly { readonly key: string; readonly value: string; readonly origin: string }[];
  readonly availability: readonly {
    readonly name: string;
    readonly unavailableUs: number;
    readonly unavailable: string;
    readonly windows: readonly { readonly fromUs: number; readonly toUs: number }[];
  }[];
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly expectations: readonly {
    readonly that: string;
    readonly expected: string;
    readonly observed: string;
    readonly passed: boolean;
    readonly quote?: string;
    readonly line?: number;
  }[];
  readonly findings: readonly { readonly t: number; readonly invariant: string; readonly message: string }[];
  readonly timeline: readonly {
    readonly tUs: number;
    readonly time: string;
    readonly kind: string;
    readonly subject: string;
    readonly tone: string;
    readonly text: string;
  }[];
  /** Absent in documents written before state lanes existed. */
  readonly states?: readonly StateSpan[];
  readonly eventsProcessed: number;
}

/** The run-result format this report reads. */
export const RUN_DOCUMENT_FORMAT = "quorate.dev/run-result/v1";

/** The document, or what is wrong with it. */
export function readRunDocument(value: unknown): RunDocument | { error: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { error: "not a JSON object" };
  const d = value as Record<string, unknown>;
  if (d.format !== RUN_DOCUMENT_FORMAT)
    return {
      error: `format is ${JSON.stringify(d.format)}; expected "${RUN_DOCUMENT_FORMAT}" (quorate run --format json)`,
    };
  const checks: [string, boolean][] = [
    ["experiment", typeof d.experiment === "string"],
    ["model", typeof d.model === "string"],
    ["seed", typeof d.seed === "number"],
    ["durationUs", typeof d.durationUs === "number"],
    ["passed", typeof d.passed === "boolean"],
    ["parameters", Array.isArray(d.parameters)],
    ["availability", Array.isArray(d.availability)],
    ["expectations", Array.isArray(d.expectations)],
    ["findings", Array.isArray(d.findings)],
    ["timeline", Array.isArray(d.timeline)],
    ["metrics", typeof d.metrics === "object" && d.metrics !== null],
  ];
  for (const [field, ok] of checks)
    if (!ok) return { error: `field "${field}" is missing or of the wrong type` };
  if (d.states !== undefined && !Array.isArray(d.states)) return { error: `field "states" is not a list` };
  return value as RunDocument;
}

/**
 * The trace is the product: every state change a person would care about becomes one record
 * `{t, kind, subject, ...fields}`. Metrics, expectations, timelines and reports are pure
 * functions of it. Records are written to any number of sinks as they happen.
 *
 * Stability: a record's keys are serialised in the order they were created (`t`, `kind`,
 * `subject`, then the fields as the emitting code lists them). Field names must not look like
 * integers, because JS orders integer-like keys numerically first.
 */
import type { Micros } from "./time.js";

/** One observation. `kind` is dotted (`vm.power`, `raft.role`), `subject` names what changed. */
export interface TraceRecord {
  readonly t: Micros;
  readonly kind: string;
  readonly subject: string;
  readonly [field: string]: unknown;
}

/** Where records go. */
export interface TraceSink {
  write(record: TraceRecord): void;
  /** Called once at the end of the run. */
  close?(): void;
}

/** Keeps every record in memory, in order. */
export class MemorySink implements TraceSink {
  readonly records: TraceRecord[] = [];

  write(record: TraceRecord): void {
    this.records.push(record);
  }

  /** Records of one kind (or several), in order. */
  ofKind(...kinds: string[]): TraceRecord[] {
    return this.records.filter((r) => kinds.includes(r.kind));
  }
}

/** Fans records out to sinks. */
export class Trace {
  private readonly sinks: TraceSink[] = [];
  private count = 0;

  /** Adds a sink; it sees only records emitted after this call. */
  addSink(sink: TraceSink): this {
    this.sinks.push(sink);
    return this;
  }

  /** Number of records emitted so far. */
  get length(): number {
    return this.count;
  }

  /**
   * Emits `{t, kind, subject, ...fields}`. A field named `t`, `kind` or `subject` would silently
   * replace the record's own, so it is refused (a programming error, not an input error).
   */
  emit(t: Micros, kind: string, subject: string, fields?: Readonly<Record<string, unknown>>): TraceRecord {
    if (fields !== undefined && ("t" in fields || "kind" in fields || "subject" in fields)) {
      throw new Error(`trace record ${kind}: a field may not be named t, kind or subject`);
    }
    const record: TraceRecord = fields ? { t, kind, subject, ...fields } : { t, kind, subject };
    this.count++;
    for (const sink of this.sinks) sink.write(record);
    return record;
  }

  /** Closes every sink (flushes files). */
  close(): void {
    for (const sink of this.sinks) sink.close?.();
  }
}

/** One JSONL line for a record: stable byte for byte for the same record. */
export function toJsonLine(record: TraceRecord): string {
  return JSON.stringify(record, jsonReplacer) + "\n";
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

/**
 * One timeline line for a stretch of short API outages. Through a round-robin load balancer that
 * still sends a share of the requests to a dead apiserver (HAProxy marks it DOWN only after its
 * checks fail, docs/kubernetes.md "Data plane and probes"), the API probe sees one request in a
 * few hang while the others succeed, and writes an "unavailable" / "available again" pair for
 * each. The records stay in the trace and every window still counts in the availability numbers;
 * only the words are folded: "API failing intermittently (requests issued 02:00.322–02:10.322:
 * 4 short outages, 4s in all): …", then "API available again".
 */
import { formatClock, formatDuration, SECOND } from "../sim/time.js";
import type { TraceRecord } from "../sim/trace.js";
import type { Described } from "./describe.js";

/** An outage at most this long (by issue time) is a flap. */
const FLAP_MAX_US = 2 * SECOND;
/** Flaps closer than this belong to one stretch. */
const FLAP_GAP_US = 10 * SECOND;
/** At least this many flaps make a stretch worth folding. */
const FLAPS_MIN = 2;

/** A timeline entry (the shape timeline.ts builds). */
export interface FoldableEntry {
  readonly record: TraceRecord;
  readonly line: Described;
}

const KIND = "kube.api.probe";

function issueTime(r: TraceRecord): number {
  return typeof r.atUs === "number" ? r.atUs : r.t;
}

/** An outage: the index of its "unavailable" entry and of the "available again" that ended it. */
interface Outage {
  readonly down: number;
  readonly up: number;
  readonly fromUs: number;
  readonly toUs: number;
}

/** Replaces each stretch of ≥ 2 short API outages by one line at its start and one at its end. */
export function foldApiFlaps<E extends FoldableEntry>(entries: readonly E[]): E[] {
  const outages: Outage[] = [];
  let open = -1;
  for (let i = 0; i < entries.length; i++) {
    const r = entries[i]!.record;
    if (r.kind !== KIND) continue;
    if (r.ok === false && open < 0) open = i;
    else if (r.ok === true && open >= 0) {
      outages.push({ down: open, up: i, fromUs: issueTime(entries[open]!.record), toUs: issueTime(r) });
      open = -1;
    }
  }
  // Stretches of consecutive short outages with short gaps.
  const replace = new Map<number, E | null>();
  let k = 0;
  while (k < outages.length) {
    let end = k;
    if (outages[k]!.toUs - outages[k]!.fromUs <= FLAP_MAX_US) {
      while (
        end + 1 < outages.length &&
        outages[end + 1]!.toUs - outages[end + 1]!.fromUs <= FLAP_MAX_US &&
        outages[end + 1]!.fromUs - outages[end]!.toUs <= FLAP_GAP_US
      )
        end++;
    }
    const count = end - k + 1;
    if (count >= FLAPS_MIN) {
      const first = outages[k]!;
      const last = outages[end]!;
      let totalUs = 0;
      for (let j = k; j <= end; j++) totalUs += outages[j]!.toUs - outages[j]!.fromUs;
      const head = entries[first.down]!;
      const message = String(head.record.message ?? "").split("\n")[0];
      replace.set(first.down, {
        ...head,
        line: {
          tone: head.line.tone,
          text: `API failing intermittently (requests issued ${formatClock(first.fromUs)}–${formatClock(last.fromUs)}: ${count} short outages, ${formatDuration(totalUs)} in all): ${message}`,
        },
      });
      for (let j = k; j <= end; j++) {
        if (j > k) replace.set(outages[j]!.down, null);
        if (j < end) replace.set(outages[j]!.up, null);
      }
    }
    k = end + 1;
  }
  if (replace.size === 0) return [...entries];
  const out: E[] = [];
  for (let i = 0; i < entries.length; i++) {
    const r = replace.get(i);
    if (r === undefined) out.push(entries[i]!);
    else if (r !== null) out.push(r);
  }
  return out;
}

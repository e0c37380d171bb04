/**
 * The client side's record of acknowledged writes: which workload sequence numbers a client was
 * told succeeded, and when. The lost-write check compares it with the writes the surviving
 * keyspace reflects (etcd-raft.md §2: "no committed writes are ever lost" unless data is
 * destroyed). Sequence numbers are kept as ranges; acknowledgement times in 64 Ki chunks, of which
 * at most `maxTrackedChunks` are kept (older chunks are dropped in long runs; their writes are
 * still checked, only their times are no longer known).
 */
import { SeqSet } from "./seq-set.js";

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

/** What a lost-write check found. */
export interface LostWrites {
  readonly count: number;
  /** Lost sequence numbers as ranges. */
  readonly ranges: readonly (readonly [number, number])[];
  /** Acknowledgement time of the earliest and latest lost write (undefined when not known). */
  readonly firstAckUs: number | undefined;
  readonly lastAckUs: number | undefined;
}

/** Acknowledged writes of a workload. */
export class WriteLedger {
  /** Sequence numbers acknowledged to a client. */
  readonly acked = new SeqSet();
  private readonly chunks: (Float64Array | undefined)[] = [];
  private oldestKept = 0;

  constructor(private readonly maxTrackedChunks = Number.POSITIVE_INFINITY) {}

  /** A client was told write `seq` succeeded at `atUs`. */
  ack(seq: number, atUs: number): void {
    this.acked.add(seq);
    const c = seq >>> CHUNK_BITS;
    let chunk = this.chunks[c];
    if (chunk === undefined) {
      if (c < this.oldestKept) return;
      chunk = new Float64Array(CHUNK).fill(-1);
      this.chunks[c] = chunk;
      let kept = 0;
      for (let i = this.chunks.length - 1; i >= this.oldestKept; i--) {
        if (this.chunks[i] === undefined) continue;
        if (++kept > this.maxTrackedChunks) {
          this.chunks[i] = undefined;
          this.oldestKept = i + 1;
          break;
        }
      }
    }
    chunk[seq & (CHUNK - 1)] = atUs;
  }

  /** When write `seq` was acknowledged, if known. */
  ackTimeOf(seq: number): number | undefined {
    const t = this.chunks[seq >>> CHUNK_BITS]?.[seq & (CHUNK - 1)];
    return t === undefined || t < 0 ? undefined : t;
  }

  /** Acknowledged writes missing from `applied`, with their acknowledgement times. */
  missingFrom(applied: SeqSet | undefined, ackedBeforeUs = Number.POSITIVE_INFINITY): LostWrites {
    const raw = applied === undefined ? allRanges(this.acked) : this.acked.missingFrom(applied);
    const ranges: [number, number][] = [];
    let count = 0;
    let first: number | undefined;
    let last: number | undefined;
    for (const [a, b] of raw) {
      let runStart = -1;
      for (let s = a; s <= b; s++) {
        const t = this.ackTimeOf(s);
        if (t !== undefined && t >= ackedBeforeUs) {
          if (runStart >= 0) ranges.push([runStart, s - 1]);
          runStart = -1;
          continue;
        }
        if (runStart < 0) runStart = s;
        count++;
        if (t !== undefined) {
          if (first === undefined || t < first) first = t;
          if (last === undefined || t > last) last = t;
        }
      }
      if (runStart >= 0) ranges.push([runStart, b]);
    }
    return { count, ranges, firstAckUs: first, lastAckUs: last };
  }
}

function allRanges(s: SeqSet): [number, number][] {
  const out: [number, number][] = [];
  s.forEachRange((a, b) => out.push([a, b]));
  return out;
}

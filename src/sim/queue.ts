/**
 * The pending-event set: an indexed binary min-heap keyed by (time, seq) over typed arrays.
 *
 * Ordering is exact: earlier time first, and among equal times the event scheduled first runs
 * first (seq is a global counter), so the order never depends on the heap's shape. Each event
 * occupies a slot in a side table (handler, argument); the heap holds slot numbers and each slot
 * knows its heap position, so cancelling removes the entry at once in O(log n): cancelled timers
 * never pile up in the queue.
 *
 * Event ids combine the slot and a per-slot generation, so a stale id (an event that already ran
 * or was cancelled, whose slot has been reused) is recognised and ignored.
 */

/** Opaque handle for a scheduled event; pass it to `cancel`. */
export type EventId = number;

/** What runs when an event fires. */
export type EventHandler<A = unknown> = (arg: A) => void;

const SLOT_BITS = 2 ** 24;
/**
 * Generations wrap here so `generation * SLOT_BITS + slot` stays below 2^53 and every id is an
 * exact integer. Without the wrap a slot reused more than 2^29 times (one timer restarted for a
 * long soak run) would produce ids whose low bits round away, and `cancel` could hit the wrong
 * slot. A stale id is then only mistaken for a live one if its slot was reused exactly a multiple
 * of 2^29 times while the id was held.
 */
const GENERATIONS = 2 ** 29;
/** `g & GENERATION_MASK` is `g % GENERATIONS` for the non-negative generations kept here. */
const GENERATION_MASK = GENERATIONS - 1;
const NO_POS = -1;

export class EventQueue {
  private heapTime: Float64Array;
  private heapSeq: Float64Array;
  private heapSlot: Int32Array;
  private size = 0;

  private slotPos: Int32Array;
  private slotGen: Int32Array;
  private slotHandler: (EventHandler<never> | undefined)[] = [];
  private slotArg: unknown[] = [];
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotCount = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity);
    this.heapTime = new Float64Array(cap);
    this.heapSeq = new Float64Array(cap);
    this.heapSlot = new Int32Array(cap);
    this.slotPos = new Int32Array(cap).fill(NO_POS);
    this.slotGen = new Int32Array(cap);
    this.freeSlots = new Int32Array(cap);
  }

  /** Number of pending events. */
  get length(): number {
    return this.size;
  }

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTime(): number {
    return this.size > 0 ? this.heapTime[0]! : Number.POSITIVE_INFINITY;
  }

  /** Schedules `handler(arg)` at `time`; returns an id for `cancel`. */
  push<A>(time: number, handler: EventHandler<A>, arg: A): EventId {
    const slot = this.allocSlot();
    this.slotHandler[slot] = handler as EventHandler<never>;
    this.slotArg[slot] = arg;
    if (this.size === this.heapTime.length) this.growHeap();
    const i = this.size++;
    this.heapTime[i] = time;
    this.heapSeq[i] = this.nextSeq++;
    this.heapSlot[i] = slot;
    this.slotPos[slot] = i;
    this.siftUp(i);
    return this.slotGen[slot]! * SLOT_BITS + slot;
  }

  /** True when `id` names an event that has neither run nor been cancelled. */
  isPending(id: EventId): boolean {
    const slot = id % SLOT_BITS;
    return (
      slot < this.slotCount &&
      this.slotPos[slot] !== NO_POS &&
      this.slotGen[slot] === Math.floor(id / SLOT_BITS)
    );
  }

  /** Removes a pending event. Returns false (and does nothing) for a stale or unknown id. */
  cancel(id: EventId): boolean {
    if (!this.isPending(id)) return false;
    const slot = id % SLOT_BITS;
    const i = this.slotPos[slot]!;
    this.removeAt(i);
    this.releaseSlot(slot);
    return true;
  }

  /**
   * Removes the earliest event and returns its slot, or -1 when empty. The caller reads the
   * handler and argument with `handlerOf`/`argOf` and must call `release` afterwards.
   */
  popSlot(): number {
    if (this.size === 0) return -1;
    const slots = this.heapSlot;
    const slot = slots[0]!;
    this.slotPos[slot] = NO_POS;
    const last = --this.size;
    if (last > 0) this.fillRootFrom(last);
    return slot;
  }

  /** The handler stored in `slot` (valid between `popSlot` and `release`). */
  handlerOf(slot: number): EventHandler<unknown> {
    return this.slotHandler[slot] as EventHandler<unknown>;
  }

  /** The argument stored in `slot` (valid between `popSlot` and `release`). */
  argOf(slot: number): unknown {
    return this.slotArg[slot];
  }

  /** Frees a slot returned by `popSlot` once its handler has been read. */
  release(slot: number): void {
    this.releaseSlot(slot);
  }

  /** Drops every pending event. */
  clear(): void {
    while (this.size > 0) {
      const slot = this.heapSlot[this.size - 1]!;
      this.size--;
      this.releaseSlot(slot);
    }
  }

  private removeAt(i: number): void {
    const last = --this.size;
    this.slotPos[this.heapSlot[i]!] = NO_POS;
    if (i !== last) {
      this.heapTime[i] = this.heapTime[last]!;
      this.heapSeq[i] = this.heapSeq[last]!;
      const moved = this.heapSlot[last]!;
      this.heapSlot[i] = moved;
      this.slotPos[moved] = i;
      if (i > 0 && this.less(i, (i - 1) >> 1)) this.siftUp(i);
      else this.siftDown(i);
    }
  }

  /**
   * Refills the root after a pop with the entry at `from` (the last one), bottom-up (Floyd): walk
   * the hole down along the smaller children to a leaf — one comparison per level — then sift the
   * moved entry up from there. The last entry of a heap nearly always belongs near the bottom, so
   * this takes about half the comparisons of a plain sift-down.
   */
  private fillRootFrom(from: number): void {
    const time = this.heapTime;
    const seq = this.heapSeq;
    const slots = this.heapSlot;
    const pos = this.slotPos;
    const n = this.size;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n) {
        const tc = time[c]!;
        const tr = time[r]!;
        if (tr < tc || (tr === tc && seq[r]! < seq[c]!)) c = r;
      }
      time[i] = time[c]!;
      seq[i] = seq[c]!;
      const cs = slots[c]!;
      slots[i] = cs;
      pos[cs] = i;
      i = c;
    }
    time[i] = time[from]!;
    seq[i] = seq[from]!;
    const moved = slots[from]!;
    slots[i] = moved;
    pos[moved] = i;
    this.siftUp(i);
  }

  private less(a: number, b: number): boolean {
    const ta = this.heapTime[a]!;
    const tb = this.heapTime[b]!;
    return ta < tb || (ta === tb && this.heapSeq[a]! < this.heapSeq[b]!);
  }

  private siftUp(start: number): void {
    const time = this.heapTime;
    const seq = this.heapSeq;
    const slots = this.heapSlot;
    const pos = this.slotPos;
    let i = start;
    const t = time[i]!;
    const q = seq[i]!;
    const s = slots[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = time[p]!;
      if (tp < t || (tp === t && seq[p]! < q)) break;
      time[i] = tp;
      seq[i] = seq[p]!;
      const ps = slots[p]!;
      slots[i] = ps;
      pos[ps] = i;
      i = p;
    }
    time[i] = t;
    seq[i] = q;
    slots[i] = s;
    pos[s] = i;
  }

  private siftDown(start: number): void {
    const time = this.heapTime;
    const seq = this.heapSeq;
    const slots = this.heapSlot;
    const pos = this.slotPos;
    const n = this.size;
    let i = start;
    const t = time[i]!;
    const q = seq[i]!;
    const s = slots[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n) {
        const tc = time[c]!;
        const tr = time[r]!;
        if (tr < tc || (tr === tc && seq[r]! < seq[c]!)) c = r;
      }
      const tc = time[c]!;
      if (t < tc || (t === tc && q < seq[c]!)) break;
      time[i] = tc;
      seq[i] = seq[c]!;
      const cs = slots[c]!;
      slots[i] = cs;
      pos[cs] = i;
      i = c;
    }
    time[i] = t;
    seq[i] = q;
    slots[i] = s;
    pos[s] = i;
  }

  private allocSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    if (this.slotCount === this.slotPos.length) this.growSlots();
    if (this.slotCount >= SLOT_BITS) throw new Error("event queue: more than 16M pending events");
    return this.slotCount++;
  }

  private releaseSlot(slot: number): void {
    this.slotPos[slot] = NO_POS;
    this.slotGen[slot] = (this.slotGen[slot]! + 1) & GENERATION_MASK;
    this.slotHandler[slot] = undefined;
    this.slotArg[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
  }

  private growHeap(): void {
    const cap = this.heapTime.length * 2;
    this.heapTime = grow(this.heapTime, new Float64Array(cap));
    this.heapSeq = grow(this.heapSeq, new Float64Array(cap));
    this.heapSlot = grow(this.heapSlot, new Int32Array(cap));
  }

  private growSlots(): void {
    const cap = this.slotPos.length * 2;
    const pos = new Int32Array(cap).fill(NO_POS);
    pos.set(this.slotPos);
    this.slotPos = pos;
    this.slotGen = grow(this.slotGen, new Int32Array(cap));
    this.freeSlots = grow(this.freeSlots, new Int32Array(cap));
  }
}

function grow<T extends Float64Array | Int32Array>(old: T, bigger: T): T {
  bigger.set(old);
  return bigger;
}

/**
 * Flow control for one follower in replicate state (etcd-io/raft `tracker/inflights.go` semantics,
 * ../shared/reference/etcd-raft.md §3.3): a FIFO of the last index (and payload bytes) of each
 * MsgApp sent but not yet acknowledged, bounded by a message count (`maxInflightMsgs`) and a soft
 * byte budget (`maxInflightBytes`, 0 = unlimited). Acks free every message up to an index.
 *
 * Stored in a ring buffer of plain number arrays that grows on demand up to its capacity, so idle
 * followers cost almost nothing and a busy one allocates only while warming up.
 */
export class Inflights {
  private indexes: number[] = [];
  private sizes: number[] = [];
  private start = 0;
  private countValue = 0;
  private bytesValue = 0;

  /**
   * @param capacity max messages in flight (etcd `MaxInflightMsgs`).
   * @param maxBytes max payload bytes in flight, 0 for no limit (etcd `MaxInflightBytes`).
   */
  constructor(
    readonly capacity: number,
    readonly maxBytes: number,
  ) {}

  /** Messages in flight. */
  get count(): number {
    return this.countValue;
  }

  /** Payload bytes in flight. */
  get bytes(): number {
    return this.bytesValue;
  }

  /** True when no more MsgApp may be sent: the count or the byte budget is used up. */
  full(): boolean {
    return this.countValue >= this.capacity || (this.maxBytes > 0 && this.bytesValue >= this.maxBytes);
  }

  /** Records a MsgApp whose last entry is `index`, carrying `bytes` of payload. */
  add(index: number, bytes: number): void {
    const size = this.indexes.length;
    if (this.countValue === size) this.grow();
    const cap = this.indexes.length;
    let slot = this.start + this.countValue;
    if (slot >= cap) slot -= cap;
    this.indexes[slot] = index;
    this.sizes[slot] = bytes;
    this.countValue++;
    this.bytesValue += bytes;
  }

  /** Frees every message whose last index is ≤ `index` (they are acknowledged). */
  freeLE(index: number): void {
    const cap = this.indexes.length;
    while (this.countValue > 0) {
      const i = this.indexes[this.start]!;
      if (i > index) break;
      this.bytesValue -= this.sizes[this.start]!;
      this.countValue--;
      this.start++;
      if (this.start >= cap) this.start = 0;
    }
    if (this.countValue === 0) this.start = 0;
  }

  /** Forgets everything (the follower changed state). */
  reset(): void {
    this.start = 0;
    this.countValue = 0;
    this.bytesValue = 0;
  }

  private grow(): void {
    const oldCap = this.indexes.length;
    // Normally never beyond capacity; a throttled follower can exceed it by one empty probe at most.
    const newCap = oldCap === 0 ? Math.min(16, Math.max(1, this.capacity)) : oldCap * 2;
    const indexes: number[] = new Array<number>(newCap).fill(0);
    const sizes: number[] = new Array<number>(newCap).fill(0);
    for (let k = 0; k < this.countValue; k++) {
      let from = this.start + k;
      if (from >= oldCap) from -= oldCap;
      indexes[k] = this.indexes[from]!;
      sizes[k] = this.sizes[from]!;
    }
    this.indexes = indexes;
    this.sizes = sizes;
    this.start = 0;
  }
}

/**
 * Database snapshot transfers between members (etcd `rafthttp/snapshot_sender.go`, `http.go`,
 * `snap/db.go`; ../shared/reference/etcd-raft.md §1.4): when a follower needs entries the leader
 * has compacted away, the leader sends its whole backend database — at the applied index, with the
 * current membership ("merged snapshot") — on a connection of its own, so the transfer takes
 * `db size ÷ bandwidth` without holding up heartbeats. The follower writes the file, fsyncs it and
 * only then hands the MsgSnap to Raft and acknowledges; the leader reports the outcome to Raft.
 *
 * Log lines, in etcd 3.4's words for 3.4 (seed 004) and 3.5+'s otherwise:
 * leader "start to send database snapshot [index: N, to X]..." / "sending database snapshot",
 * "database snapshot [index: N, to: X] sent out successfully" / "sent database snapshot [index: N,
 * to: X] successfully", "failed to send database snapshot"; follower "receiving database snapshot
 * [index: N, from: X] ...", "saved database snapshot to disk [total bytes: N]", "received and saved
 * database snapshot [index: N, from: X] successfully".
 */
import type { GuestEvent } from "../infra/guest.js";
import type { Message, NodeId } from "../raft/types.js";
import { SECOND } from "../sim/time.js";
import type { MemberHost } from "./member-host.js";
import { CONTROL_BYTES, SNAPSHOT_CHANNEL } from "./wire.js";

/** Give up on a transfer after 10 s plus the time it takes at 5 MB/s (the receiver died, say). */
function transferTimeoutUs(bytes: number): number {
  return 10 * SECOND + Math.ceil((bytes / 5_000_000) * SECOND);
}

interface OutgoingSnapshot {
  readonly index: number;
  readonly timer: GuestEvent;
}

/** What the transfers report back to the member. */
export interface SnapshotEvents {
  /** Leader: the transfer to `to` ended (Raft `ReportSnapshot`). */
  reportSnapshot(to: NodeId, ok: boolean): void;
  /** Follower: the snapshot is on disk; step it into Raft. */
  stepSnapshot(message: Message): void;
  /** Structured trace of a transfer phase. */
  traceSnapshot(
    phase: "sending" | "sent" | "failed" | "receiving" | "received",
    peer: NodeId,
    index: number,
    bytes: number,
  ): void;
}

/** Snapshot sending and receiving of one member. */
export class SnapshotTransfers {
  private readonly outgoing = new Map<NodeId, OutgoingSnapshot>();
  private readonly incomingBytes = new Map<NodeId, number>();

  constructor(
    private readonly m: MemberHost,
    private readonly events: SnapshotEvents,
    private readonly fsync: (done: () => void) => void,
  ) {}

  /** True while a snapshot is being sent to some member (etcd pauses log compaction then). */
  get sending(): boolean {
    return this.outgoing.size > 0;
  }

  /** Leader: sends `message` (a MsgSnap whose snapshot is already the merged one). */
  send(message: Message): void {
    const snap = message.snapshot;
    if (snap === null) return;
    const to = message.to;
    const prev = this.outgoing.get(to);
    if (prev) this.m.guest.cancel(prev.timer);
    const hex = this.m.hexOf(to);
    const index = snap.index;
    const bytes = snap.bytes;
    if (this.m.config.version === "3.4") {
      this.m.log.info("rafthttp", `start to send database snapshot [index: ${index}, to ${hex}]...`);
    } else {
      this.m.log.info("rafthttp", `sending database snapshot [index: ${index}, to: ${hex}, size: ${bytes}]`);
    }
    this.events.traceSnapshot("sending", to, index, bytes);
    const timer = this.m.guest.after(transferTimeoutUs(bytes), () => {
      if (!this.m.alive) return;
      const cur = this.outgoing.get(to);
      if (cur?.index === index) this.fail(to, index, bytes, "i/o timeout");
    });
    this.outgoing.set(to, { index, timer });
    const refused = (): void => {
      if (!this.m.alive) return;
      const cur = this.outgoing.get(to);
      if (cur?.index === index) this.fail(to, index, bytes, "connection refused");
    };
    this.m.sendPeer(
      to,
      { kind: "snapshotHeader", from: this.m.selfId, to, index, bytes },
      CONTROL_BYTES,
      SNAPSHOT_CHANNEL,
      refused,
    );
    this.m.sendPeer(to, { kind: "snapshotBody", message }, bytes, SNAPSHOT_CHANNEL);
  }

  /** Leader: the follower acknowledged (or refused) snapshot `index`. */
  acked(from: NodeId, index: number, ok: boolean): void {
    const cur = this.outgoing.get(from);
    if (cur === undefined || cur.index !== index) return;
    this.m.guest.cancel(cur.timer);
    this.outgoing.delete(from);
    if (!ok) {
      this.fail(from, index, 0, "rejected");
      return;
    }
    const hex = this.m.hexOf(from);
    if (this.m.config.version === "3.4") {
      this.m.log.info("rafthttp", `database snapshot [index: ${index}, to: ${hex}] sent out successfully`);
    } else {
      this.m.log.info("rafthttp", `sent database snapshot [index: ${index}, to: ${hex}] successfully`);
    }
    this.events.traceSnapshot("sent", from, index, 0);
    this.events.reportSnapshot(from, true);
  }

  /** Leadership ended: transfers in flight are abandoned. */
  abandon(): void {
    for (const o of this.outgoing.values()) this.m.guest.cancel(o.timer);
    this.outgoing.clear();
  }

  /** Follower: a transfer is starting. */
  receivingHeader(from: NodeId, index: number, bytes: number): void {
    this.incomingBytes.set(from, bytes);
    this.m.log.info(
      "rafthttp",
      `receiving database snapshot [index: ${index}, from: ${this.m.hexOf(from)}] ...`,
    );
    this.events.traceSnapshot("receiving", from, index, bytes);
  }

  /** Follower: the whole database arrived; save it, then hand it to Raft and acknowledge. */
  receivedBody(message: Message): void {
    const snap = message.snapshot;
    if (snap === null) return;
    const from = message.from;
    const bytes = this.incomingBytes.get(from) ?? snap.bytes;
    this.incomingBytes.delete(from);
    this.fsync(() => {
      if (!this.m.alive) return;
      this.m.log.info("snap", `saved database snapshot to disk [total bytes: ${bytes}]`);
      this.m.log.info(
        "rafthttp",
        `received and saved database snapshot [index: ${snap.index}, from: ${this.m.hexOf(from)}] successfully`,
      );
      this.events.traceSnapshot("received", from, snap.index, bytes);
      this.events.stepSnapshot(message);
      this.m.sendPeer(
        from,
        { kind: "snapshotAck", from: this.m.selfId, index: snap.index, ok: true },
        CONTROL_BYTES,
      );
    });
  }

  private fail(to: NodeId, index: number, bytes: number, why: string): void {
    const cur = this.outgoing.get(to);
    if (cur) this.m.guest.cancel(cur.timer);
    this.outgoing.delete(to);
    this.m.log.warn(
      "rafthttp",
      `failed to send database snapshot [index: ${index}, to: ${this.m.hexOf(to)}] (${why})`,
    );
    this.events.traceSnapshot("failed", to, index, bytes);
    this.events.reportSnapshot(to, false);
  }
}

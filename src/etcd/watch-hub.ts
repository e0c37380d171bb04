/**
 * Watches served by one member (etcd `server/storage/mvcc/watchable_store.go`, `api/v3rpc/watch.go`):
 * a watch on a key or prefix from a revision gets every later event in revision order (Jepsen
 * found etcd's watches deliver every change in order, etcd-raft.md §6). A watch starting in the past
 * is first fed from history; history older than what the member keeps is
 * `mvcc: required revision has been compacted`. Watches are cancelled with `etcdserver: no leader`
 * after 3 election timeouts without a leader (gRPC require-leader, `maxNoLeaderCnt = 3`), and when
 * the member replaces its keyspace with a snapshot from the leader (the client must re-watch).
 *
 * Events travel to the client in one message per watcher per applied batch.
 */
import type { EtcdError, WatchEvent } from "./client-api.js";
import { ERR_COMPACTED } from "./errors.js";
import type { MemberHost } from "./member-host.js";
import type { MvccStore } from "./mvcc.js";
import { type ClientReply, CONTROL_BYTES } from "./wire.js";

interface Watcher {
  readonly host: string;
  readonly port: number;
  readonly watchId: number;
  readonly key: string;
  readonly prefix: boolean;
}

function watcherKey(host: string, port: number, watchId: number): string {
  return `${host}:${port}:${watchId}`;
}

/** The watches of one member. */
export class WatchHub {
  private readonly watchers = new Map<string, Watcher>();

  constructor(private readonly m: MemberHost) {}

  /** Number of open watches. */
  get size(): number {
    return this.watchers.size;
  }

  /** Opens a watch; replays history from `fromRevision` (0: from now). */
  create(
    host: string,
    port: number,
    watchId: number,
    key: string,
    prefix: boolean,
    fromRevision: number,
    store: MvccStore,
  ): void {
    const w: Watcher = { host, port, watchId, key, prefix };
    if (fromRevision > 0) {
      const past = store.eventsSince(fromRevision, (k) => matches(w, k));
      if (past === "compacted") {
        this.reply(w, { kind: "watchError", watchId, error: ERR_COMPACTED });
        return;
      }
      if (past.length > 0)
        this.reply(w, { kind: "watchEvents", watchId, events: past, revision: store.revision });
    }
    this.watchers.set(watcherKey(host, port, watchId), w);
  }

  /** Closes a watch at the client's request. */
  cancel(host: string, port: number, watchId: number): void {
    this.watchers.delete(watcherKey(host, port, watchId));
  }

  /** Sends the events of one applied batch to the watchers they match. */
  dispatch(events: readonly WatchEvent[], revision: number): void {
    if (this.watchers.size === 0 || events.length === 0) return;
    for (const w of this.watchers.values()) {
      let mine: WatchEvent[] | undefined;
      for (const ev of events) {
        if (!matches(w, ev.kv.key)) continue;
        if (mine === undefined) mine = [];
        mine.push(ev);
      }
      if (mine !== undefined)
        this.reply(w, { kind: "watchEvents", watchId: w.watchId, events: mine, revision });
    }
  }

  /** Ends every watch with `error` (no leader for too long, keyspace replaced). */
  cancelAll(error: EtcdError): void {
    const all = [...this.watchers.values()];
    this.watchers.clear();
    for (const w of all) this.reply(w, { kind: "watchError", watchId: w.watchId, error });
  }

  /** Calls `each` with the client endpoint of every open watch (they get a TCP reset when the process dies). */
  clients(each: (host: string, port: number) => void): void {
    for (const w of this.watchers.values()) each(w.host, w.port);
  }

  private reply(w: Watcher, message: ClientReply): void {
    let bytes = CONTROL_BYTES;
    if (message.kind === "watchEvents")
      for (const ev of message.events) bytes += ev.kv.bytes + ev.kv.key.length + 32;
    this.m.network.send(this.m.host, w.host, w.port, message, bytes);
  }
}

function matches(w: Watcher, key: string): boolean {
  return w.prefix ? key.startsWith(w.key) : key === w.key;
}

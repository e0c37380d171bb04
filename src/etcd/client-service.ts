/**
 * A member's client port 2379 (etcd `server/etcdserver/api/v3rpc`, `v3_server.go`;
 * ../shared/reference/etcd-raft.md §1.1, §1.11): requests are held until the member is ready
 * (its attributes were published); writes are proposed and answered when applied (or fail after
 * ReqTimeout, or at once when the proposal is dropped); linearizable reads go through the read
 * loop; serializable reads are answered from local state; watches; membership operations; status
 * and snapshot. When the process dies the kernel resets its client connections.
 */
import type { Endpoint } from "../infra/network.js";
import type { EtcdError, Result } from "./client-api.js";
import { MAX_GAP_APPLY_COMMIT } from "./config.js";
import { ERR_LEARNER, ERR_PROPOSAL_DROPPED, ERR_STOPPED, ERR_TOO_MANY_REQUESTS } from "./errors.js";
import type { EtcdMember } from "./member.js";
import type { WriteOp } from "./mvcc.js";
import { type Proposal, proposalUid, writeBytes } from "./proposals.js";
import {
  CLIENT_PORT,
  type ClientOp,
  type ClientReply,
  type ClientRequest,
  type ClientWire,
  CONTROL_BYTES,
} from "./wire.js";

/** Requests kept while the member is not ready yet (older ones are dropped: their clients gave up). */
const MAX_HELD_REQUESTS = 10_000;

function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

function fail(error: EtcdError): Result<never> {
  return { ok: false, error };
}

/** The client-port side of one member process. */
export class ClientService {
  /** Our attributes were published through Raft: etcd's ReadyNotify; the client API serves from then on. */
  ready = false;
  private endpoint: Endpoint | undefined;
  /** Client requests that arrived before the member was ready (held, as etcd's listener does). */
  private held: [ClientWire, string][] = [];
  /** Client connections (host, reply port) by {@link connKey}, in the order first seen. */
  private readonly conns = new Map<number, readonly [string, number]>();
  /** Small numbers for client hosts, so a connection's key is a number (no string per request). */
  private readonly hostNos = new Map<string, number>();

  constructor(private readonly m: EtcdMember) {}

  /** Opens the client port (when Raft starts). */
  listen(): void {
    const m = this.m;
    this.endpoint = m.network.listen(m.host, CLIENT_PORT, (msg: ClientWire, from: string) =>
      this.receive(msg, from),
    );
  }

  /** The member became ready: serve the held requests in arrival order. */
  becomeReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.m.log.info("embed", "ready to serve client requests");
    const held = this.held;
    this.held = [];
    for (const [msg, from] of held) this.receive(msg, from);
  }

  /** Asks Raft for a read index for the read loop's round `id`. */
  requestReadIndex(id: number): void {
    const raft = this.m.raft;
    if (raft === null) return;
    raft.readIndex(id);
    this.m.loop.process();
  }

  /**
   * The process died: closes the port and resets every client connection (a dead guest sends
   * nothing, so this only reaches anyone when the VM is still up).
   */
  close(): void {
    const m = this.m;
    this.endpoint?.close();
    const conns = new Map(this.conns);
    m.watches.clients((host, port) => {
      const key = this.connKey(host, port);
      if (!conns.has(key)) conns.set(key, [host, port]);
    });
    for (const [host, port] of conns.values())
      m.network.send(m.host, host, port, { kind: "reset" } satisfies ClientReply, 0);
  }

  private receive(msg: ClientWire, from: string): void {
    const m = this.m;
    if (!m.alive) return;
    const conn = this.connKey(from, msg.replyPort);
    if (!this.conns.has(conn)) this.conns.set(conn, [from, msg.replyPort]);
    if (!this.ready) {
      // etcd's client listener accepts connections but serves nothing until the server is ready.
      if (this.held.length < MAX_HELD_REQUESTS) this.held.push([msg, from]);
      return;
    }
    switch (msg.kind) {
      case "ping":
        this.reply(from, msg.replyPort, { kind: "pong", id: msg.id });
        return;
      case "watchCreate":
        m.watches.create(from, msg.replyPort, msg.watchId, msg.key, msg.prefix, msg.fromRevision, m.store);
        return;
      case "watchCancel":
        m.watches.cancel(from, msg.replyPort, msg.watchId);
        return;
      case "request":
        this.handleRequest(msg, from);
        return;
    }
  }

  /** A number naming the connection from `host`'s port `port` (ports are below 2^16). */
  private connKey(host: string, port: number): number {
    let no = this.hostNos.get(host);
    if (no === undefined) {
      no = this.hostNos.size;
      this.hostNos.set(host, no);
    }
    return no * 65536 + port;
  }

  private reply(host: string, port: number, message: ClientReply, bytes = CONTROL_BYTES): void {
    this.m.network.send(this.m.host, host, port, message, bytes);
  }

  private handleRequest(req: ClientRequest, from: string): void {
    const m = this.m;
    const respond = (result: Result<unknown>, bytes = CONTROL_BYTES): void => {
      if (m.alive) this.reply(from, req.replyPort, { kind: "response", id: req.id, result }, bytes);
    };
    const op = req.op;
    switch (op.type) {
      case "put":
        this.proposeWrite({ type: "put", key: op.key, value: op.value, bytes: op.bytes }, respond);
        return;
      case "delete":
        this.proposeWrite({ type: "delete", key: op.key, prefix: op.prefix }, respond);
        return;
      case "txn":
        this.proposeWrite(
          { type: "txn", compares: op.compares, success: op.success, failure: op.failure },
          respond,
        );
        return;
      case "range":
        this.range(op, respond);
        return;
      case "memberList":
        respond(ok(m.memberList()));
        return;
      case "memberAdd":
        m.ops.memberAdd(op.host, op.peerUrl, op.learner, respond);
        return;
      case "memberRemove":
        m.ops.memberRemove(op.idHex, respond);
        return;
      case "memberPromote":
        m.ops.memberPromote(op.idHex, respond);
        return;
      case "status":
        respond(ok(m.status()));
        return;
      case "snapshot": {
        const file = m.snapshotFile();
        respond(ok(file), file.bytes);
        return;
      }
      case "moveLeader":
        m.ops.moveLeader(op.idHex, respond);
        return;
    }
  }

  private range(
    op: Extract<ClientOp, { type: "range" }>,
    respond: (r: Result<unknown>, bytes?: number) => void,
  ): void {
    const m = this.m;
    const serve = (): void => {
      const r = m.store.range(op.key, op.prefix, op.limit, op.keysOnly);
      let bytes = CONTROL_BYTES;
      for (const kv of r.kvs) bytes += kv.bytes + kv.key.length + 32;
      respond(ok(r), bytes);
    };
    // A serializable range is served from local state, without consensus (may be stale).
    if (op.serializable) {
      serve();
      return;
    }
    if (m.raft?.isLearner) {
      respond(fail(ERR_LEARNER));
      return;
    }
    m.reads.add(serve, (e) => respond(fail(e)));
  }

  private proposeWrite(op: WriteOp, respond: (r: Result<unknown>) => void): void {
    const m = this.m;
    const raft = m.raft;
    if (raft === null) {
      respond(fail(ERR_STOPPED));
      return;
    }
    if (raft.isLearner) {
      respond(fail(ERR_LEARNER));
      return;
    }
    if (raft.commit - raft.applied > MAX_GAP_APPLY_COMMIT) {
      respond(fail(ERR_TOO_MANY_REQUESTS));
      return;
    }
    const reqId = m.waiters.newId();
    const proposal: Proposal = { kind: "write", uid: proposalUid(), origin: m.selfId, reqId, op };
    const r = raft.propose(proposal, writeBytes(op));
    if (r === "dropped" || r === "confChangePending") {
      respond(fail(ERR_PROPOSAL_DROPPED));
      return;
    }
    m.waiters.wait(reqId, respond);
    m.loop.process();
  }
}

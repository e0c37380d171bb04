/**
 * etcd-style log lines as trace records: kind `etcd.log`, subject the member's VM, fields
 * `member` (name), `id` (16-hex member ID), `level` (I, W, E as in etcd 3.4's capnslog output that
 * the seed documents quote: `2020-04-03 02:34:21.356912 W | etcdserver: cannot get the version of
 * member …`), `pkg` (etcdserver, rafthttp, raft, snap…) and `msg`. Only notable events are logged;
 * nothing per request or per heartbeat.
 */
import type { Simulation } from "../sim/simulation.js";

/** etcd 3.4 log levels as printed. */
export type LogLevel = "I" | "W" | "E";

/** Writes one member's log lines into the trace. */
export class EtcdLogger {
  constructor(
    private readonly sim: Simulation,
    /** Trace subject: the VM the member runs on. */
    private readonly subject: string,
    private member: string,
    private id: string,
  ) {}

  /** Updates the member name and ID shown on later lines (they are known once the data dir is read). */
  identify(member: string, id: string): void {
    this.member = member;
    this.id = id;
  }

  /** An informational line. */
  info(pkg: string, msg: string): void {
    this.line("I", pkg, msg);
  }

  /** A warning. */
  warn(pkg: string, msg: string): void {
    this.line("W", pkg, msg);
  }

  /** An error. */
  error(pkg: string, msg: string): void {
    this.line("E", pkg, msg);
  }

  private line(level: LogLevel, pkg: string, msg: string): void {
    this.sim.emit("etcd.log", this.subject, { member: this.member, id: this.id, level, pkg, msg });
  }
}

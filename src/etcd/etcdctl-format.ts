/**
 * etcdctl's `-w table` output (boxed, right-aligned cells, as etcdctl prints with tablewriter),
 * for the member list, endpoint status and endpoint health tables that runbooks and seed 003 show.
 */
import { formatDuration } from "../sim/time.js";
import type { MemberListEntry, MemberStatus } from "./wire.js";

/** A boxed table: `+---+` rules, centred headers, right-aligned cells. */
export function etcdctlTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  const centre = (s: string, w: number): string => {
    const left = Math.floor((w - s.length) / 2);
    return " ".repeat(left) + s + " ".repeat(w - s.length - left);
  };
  const head = `|${headers.map((h, i) => ` ${centre(h, widths[i]!)} `).join("|")}|`;
  const line = (cells: readonly string[]) =>
    `|${cells.map((c, i) => ` ${c.padStart(widths[i]!)} `).join("|")}|`;
  return [rule, head, rule, ...rows.map(line), rule].join("\n");
}

/** `etcdctl member list -w table`. */
export function memberListTable(members: readonly MemberListEntry[]): string {
  return etcdctlTable(
    ["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"],
    members.map((m) => [m.idHex, m.status, m.name, m.peerUrl, m.clientUrl, String(m.isLearner)]),
  );
}

/** etcdctl's human size: `78 MB`. */
export function humanBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** One row of endpoint status: the status, or the error that endpoint gave. */
export type StatusRow = { readonly endpoint: string } & (
  | { readonly status: MemberStatus }
  | { readonly error: string }
);

/** `etcdctl endpoint status -w table` (endpoints that failed are listed below, as etcdctl warns). */
export function endpointStatusTable(rows: readonly StatusRow[]): string {
  const ok = rows.filter((r): r is StatusRow & { status: MemberStatus } => "status" in r);
  const table = etcdctlTable(
    [
      "ENDPOINT",
      "ID",
      "VERSION",
      "DB SIZE",
      "IS LEADER",
      "IS LEARNER",
      "RAFT TERM",
      "RAFT INDEX",
      "RAFT APPLIED INDEX",
      "ERRORS",
    ],
    ok.map((r) => [
      r.endpoint,
      r.status.idHex,
      r.status.version,
      humanBytes(r.status.dbSizeBytes),
      String(r.status.leaderHex === r.status.idHex),
      String(r.status.isLearner),
      String(r.status.raftTerm),
      String(r.status.raftIndex),
      String(r.status.raftAppliedIndex),
      r.status.errors.join(", "),
    ]),
  );
  const failed = rows
    .filter((r): r is StatusRow & { error: string } => "error" in r)
    .map((r) => `Failed to get the status of endpoint ${r.endpoint} (${r.error})`);
  return [...failed, table].join("\n");
}

/** One row of endpoint health. */
export interface HealthRow {
  readonly endpoint: string;
  readonly healthy: boolean;
  readonly tookUs: number;
  readonly error: string;
}

/** `etcdctl endpoint health -w table`. */
export function endpointHealthTable(rows: readonly HealthRow[]): string {
  return etcdctlTable(
    ["ENDPOINT", "HEALTH", "TOOK", "ERROR"],
    rows.map((r) => [r.endpoint, String(r.healthy), formatDuration(r.tookUs), r.error]),
  );
}

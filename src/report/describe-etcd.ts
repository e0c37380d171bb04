/**
 * Timeline words for the etcd layer: etcd's own log lines (as etcd 3.4 prints them, `W | rafthttp:
 * …`, the form the seed documents quote), the cluster's leader and quorum, membership changes,
 * etcdctl commands with their output, the workload's availability, backups and lost writes.
 * Log lines every member repeats (membership changes, "elected leader") are left to one record.
 */
import { formatClock, formatDuration } from "../sim/time.js";
import type { TraceRecord } from "../sim/trace.js";
import { type Described, describeKind, type Tone } from "./describe.js";

const s = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/** etcd.log messages shown in the timeline, and how they are coloured. */
const SHOWN: readonly [RegExp, Tone][] = [
  [/became leader at term/, "recovery"],
  [/lost leader/, "fault"],
  [/stepped down to follower/, "fault"],
  [/transfer leadership|leadership transfer/, "change"],
  [/peer \S+ became active/, "recovery"],
  [/became inactive|lost the TCP streaming connection/, "fault"],
  [/database snapshot|saved database snapshot/, "change"],
  [/cannot get the version/, "fault"],
  [/starting member|restarting member|joining existing cluster|forcing restart/, "change"],
  [/permanently removed|data-dir used by this member/, "fault"],
  [/published local member/, "change"],
  [/cannot fetch cluster info|couldn't find local name|has no entry in the existing cluster/, "fault"],
];

function describeLog(r: TraceRecord): Described | undefined {
  const msg = s(r.msg);
  const level = s(r.level);
  for (const [re, tone] of SHOWN) {
    if (re.test(msg)) {
      const t: Tone = level === "E" ? "violation" : level === "W" ? "fault" : tone;
      return { tone: t, text: `${r.subject} etcd: ${level} | ${s(r.pkg)}: ${msg}` };
    }
  }
  if (level === "E") return { tone: "violation", text: `${r.subject} etcd: E | ${s(r.pkg)}: ${msg}` };
  return undefined;
}

describeKind("etcd.log", describeLog);

describeKind("etcd.cluster", (r) => {
  const changed = Array.isArray(r.changed) ? (r.changed as string[]) : [];
  if (r.leader !== "") {
    const healthOnly = changed.length > 0 && changed.every((c) => c === "healthy" || c === "voters");
    return {
      tone: healthOnly ? "detail" : "recovery",
      text: healthOnly
        ? `etcd: ${s(r.healthy)} member(s) healthy, ${s(r.voters)} voters`
        : `etcd: leader ${s(r.leader)} (term ${s(r.term)}), ${s(r.healthy)} member(s) healthy, ${s(r.voters)} voters`,
    };
  }
  return {
    tone: r.quorum ? "change" : "fault",
    text: r.quorum
      ? "etcd: no leader (quorum available: electing)"
      : "etcd: no leader and no quorum — writes blocked",
  };
});

describeKind("etcd.member", (r) =>
  r.bootstrap === true
    ? undefined
    : {
        tone: r.change === "removed" ? "fault" : "change",
        text: `etcd membership: ${s(r.member) || s(r.id)} ${s(r.change)} (${s(r.voters)} voters, ${s(r.learners)} learners)`,
      },
);

describeKind("etcd.etcdctl", (r) => {
  const out = s(r.output)
    .split("\n")
    .map((l) => `                   ${l}`)
    .join("\n");
  return { tone: r.ok ? "step" : "fault", text: `$ ${s(r.command)}\n${out}` };
});

for (const kind of ["writes.available", "reads.linearizable.available", "reads.serializable.available"]) {
  const what = kind
    .replace(/\.available$/, "")
    .replace("reads.", "")
    .replace(/^(linearizable|serializable)$/, "$1 reads");
  describeKind(kind, (r) => {
    const since = typeof r.atUs === "number" ? formatClock(r.atUs) : "";
    return {
      tone: r.available ? "recovery" : "fault",
      text: r.available
        ? `${what} succeed again (those issued from ${since})`
        : `${what} failing (those issued from ${since}): ${s(r.error)}`,
    };
  });
}

describeKind("etcd.backup", (r) => {
  switch (r.phase) {
    case "saved":
      return r.disaster === true
        ? {
            tone: "change",
            text: `etcd-operator: made a latest backup ${s(r.name)} from ${s(r.from)} (revision ${s(r.revision)})`,
          }
        : {
            tone: "detail",
            text: `etcd-operator: backup ${s(r.name)} saved from ${s(r.from)} (revision ${s(r.revision)})`,
          };
    case "backupNow":
      return {
        tone: "change",
        text: `etcd-operator: pods are still running (${Array.isArray(r.pods) ? r.pods.join(", ") : s(r.pods)}); will try to make a latest backup from ${s(r.from)}`,
      };
    case "backupNowFailed": {
      // `next` says what the operator did instead (records without it predate the field).
      const restores = r.next === "restore" || (r.next === undefined && r.fallback !== "");
      const instead = restores
        ? `restoring from the latest periodic backup ${s(r.fallback)}`
        : r.fallback === "" || r.fallback === undefined
          ? "no periodic backup to restore from; watching again"
          : `periodic backup ${s(r.fallback)} is gone (pruned); watching again`;
      return { tone: "fault", text: `etcd-operator: latest backup from ${s(r.from)} failed; ${instead}` };
    }
    case "quorumLost":
      return {
        tone: "fault",
        text: `etcd-operator: ${s(r.healthy)}/${s(r.size)} members healthy — quorum lost, recovering from backup`,
      };
    case "restoring":
      return {
        tone: "change",
        text: `etcd-operator: restoring seed member ${s(r.seed)} from ${s(r.backup)}`,
      };
    case "memberAdded":
      return { tone: "change", text: `etcd-operator: added member ${s(r.member)}` };
    case "recovered":
      return { tone: "recovery", text: `etcd-operator: cluster recovered with ${s(r.members)} members` };
    case "deadMemberRemoved":
      return { tone: "change", text: `etcd-operator: removed dead member ${s(r.member)}` };
    case "replaced":
      return {
        tone: "recovery",
        text: `etcd-operator: dead member replaced, ${s(r.members)} members again`,
      };
    default:
      return undefined;
  }
});

describeKind("etcd.dataLoss", (r) => ({ tone: "fault", text: `data destroyed: ${s(r.reason)}` }));

describeKind("etcd.writes.lost", (r) => {
  const span =
    typeof r.spanUs === "number" ? ` over ${formatDuration(Math.round(r.spanUs / 1000) * 1000)}` : "";
  return {
    tone: "violation",
    text: `${s(r.count)} acknowledged writes lost${span} (${(r.reasons as string[]).join("; ")})`,
  };
});

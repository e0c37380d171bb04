/** Timeline words for the runbook: waits, triggers, late steps, a runbook stopped by a failed wait. */
import { formatDuration } from "../sim/time.js";
import { describeKind } from "./describe.js";

const s = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
/** To the millisecond, cut as the timeline's clock is (src/observe/expectations.ts does the same). */
const ms = (v: unknown): string => formatDuration(Math.floor(Number(v) / 1000) * 1000);

describeKind("wait.started", (r) => ({
  tone: "step",
  text: `waitFor ${s(r.condition)}${r.timeoutUs !== undefined ? ` (timeout ${ms(r.timeoutUs)})` : ""}`,
}));
describeKind("wait.met", (r) => ({
  tone: "recovery",
  text: `waitFor ${s(r.condition)}: met after ${ms(r.waitedUs)}`,
}));
describeKind("wait.timedOut", (r) => ({
  tone: r.onTimeout === "continue" ? "change" : "violation",
  // A wait without a timeout that the end of the run cut short did not time out: it was still
  // waiting, as its verdict says (src/observe/expectations.ts).
  text:
    r.reason === "end of run"
      ? `waitFor ${s(r.condition)}: still waiting when the run ended (after ${ms(r.waitedUs)})`
      : `waitFor ${s(r.condition)}: timed out after ${ms(r.waitedUs)}${r.onTimeout === "continue" ? ", continuing" : ""}`,
}));
describeKind("step.late", (r) => ({
  tone: "detail",
  text: `step at line ${s(r.line)} runs ${ms(r.lateUs)} after its time (an earlier wait took longer)`,
}));
describeKind("runbook.stopped", (r) => ({
  tone: "violation",
  text: `runbook stopped: ${s(r.reason)} (${s(r.remaining)} steps not run)`,
}));
describeKind("trigger.fired", (r) => ({
  tone: "step",
  text: `when ${s(r.when)}: triggered${r.note ? ` (${s(r.note)})` : ""}`,
}));
describeKind("trigger.skipped", (r) => ({
  tone: "detail",
  text: `when ${s(r.when)}: not run again (${s(r.reason)})`,
}));

/** Timeline words for the physical layer: vCenter power states, systemd units, HAProxy log lines, network faults. */
import { formatDuration } from "../sim/time.js";
import { describeKind } from "./describe.js";

const s = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

describeKind("vm.power", (r) => ({
  tone: r.to === "poweredOn" ? "recovery" : "fault",
  text: `VM ${r.subject} ${s(r.from)} → ${s(r.to)}${r.reason && r.reason !== "user" ? ` (${s(r.reason)})` : ""}`,
}));
describeKind("vm.deleted", (r) => ({ tone: "fault", text: `VM ${r.subject} deleted from disk` }));
describeKind("vm.created", (r) => ({ tone: "change", text: `VM ${r.subject} created (${s(r.address)})` }));
describeKind("vm.reset", (r) => ({ tone: "fault", text: `VM ${r.subject} reset` }));
describeKind("vm.booted", (r) => ({
  tone: "recovery",
  text: `VM ${r.subject} guest OS running (booted in ${formatDuration(Number(r.bootUs))})`,
}));
describeKind("vm.guestShutdown", (r) => ({ tone: "change", text: `VM ${r.subject} guest shutting down` }));
describeKind("unit.state", (r) => {
  const to = s(r.to);
  if (r.reason === "boot" || (typeof r.reason === "string" && r.reason.startsWith("guest ")))
    return undefined;
  return {
    tone: to === "active" ? "recovery" : to === "failed" ? "fault" : "change",
    text: `${r.subject.replace("/", ": ")}.service ${to}${r.reason ? ` (${s(r.reason)})` : ""}`,
  };
});
describeKind("lb.backend", (r) => ({
  tone: r.to === "UP" ? "recovery" : "fault",
  text: `haproxy: ${s(r.message)}`,
}));
describeKind("lb.available", (r) => ({
  tone: r.available ? "recovery" : "violation",
  text: `haproxy: ${s(r.message)}`,
}));
describeKind("net.partition", (r) => ({
  tone: "fault",
  text: `network partitioned: ${(r.groups as string[][]).map((g) => `{${g.join(", ")}}`).join(" | ")}`,
}));
describeKind("net.heal", () => ({ tone: "recovery", text: "network partition healed" }));
describeKind("net.blackhole", (r) => ({
  tone: r.on ? "fault" : "recovery",
  text: `${r.on ? "blackhole" : "blackhole removed"}: ${r.subject}${r.port !== "all" ? ` port ${s(r.port)}` : ""}`,
}));
describeKind("net.delay", (r) => ({
  tone: r.on ? "fault" : "recovery",
  text: r.on ? `network delay on ${r.subject}: +${s(r.extra)}` : `network delay on ${r.subject} removed`,
}));
describeKind("net.loss", (r) => ({
  tone: Number(r.probability) > 0 ? "fault" : "recovery",
  text: `packet loss on ${r.subject}: ${Math.round(Number(r.probability) * 100)}%`,
}));
describeKind("disk.slow", (r) => ({
  tone: r.on === false ? "recovery" : "fault",
  text: r.on === false ? `disk of ${r.subject} back to normal latency` : `disk of ${r.subject} is slow`,
}));
describeKind("disk.wipe", (r) => ({
  tone: "fault",
  text: `data directory ${s(r.dir)} lost on ${r.subject}`,
}));

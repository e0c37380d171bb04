/** Views of the physical layer: the vCenter VM list and the HAProxy backend table (seed 000's dashboard). */
import { formatDuration } from "../../sim/time.js";
import { age, columns } from "./columns.js";
import { registerView } from "./registry.js";

registerView({
  name: "vms",
  summary: "vCenter-like VM list: name, power state, guest, IP address, age",
  render: (world) =>
    columns(
      ["NAME", "POWER STATE", "GUEST", "IP ADDRESS", "AGE"],
      world.hypervisor
        .list()
        .map((v) => [v.name, v.state, v.guestState, v.address, age(world.sim.now - v.createdAt)]),
    ),
});

registerView({
  name: "lb",
  summary: "HAProxy stats page for the control-plane backend: status, last check, checks, downtime",
  render: (world) => {
    const lb = world.loadBalancer;
    if (!lb) return undefined;
    const now = world.sim.now;
    return `backend ${lb.name}\n${columns(
      ["SERVER", "STATUS", "LASTCHK", "CHK", "DWN", "LASTCHANGE", "DWNTME"],
      lb
        .snapshot()
        .map((b) => [
          b.name,
          b.statusText,
          b.lastCheckText,
          String(b.failedChecks),
          String(b.downTransitions),
          formatDuration(Math.round((now - b.lastChangeAt) / 1e6) * 1e6),
          formatDuration(Math.round(b.downtimeUs / 1e6) * 1e6),
        ]),
    )}`;
  },
});

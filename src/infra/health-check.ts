/**
 * Ready-made health checks for the load balancer. The TCP connect check is HAProxy's plain `check`
 * without `option httpchk`: the backend passes when the connection is accepted (L4OK), fails with
 * L4CON "Connection refused" when the host answers with a reset, and with L4TOUT when nothing answers
 * within the connect timeout (host off, suspended, blackholed or partitioned away).
 */
import type { CheckDetail } from "./check-status.js";
import type { HealthCheck } from "./loadbalancer.js";
import type { Network } from "./network.js";
import type { HostName } from "./network-types.js";

const PASSED: CheckDetail = { status: "L4OK" };
const REFUSED: CheckDetail = { status: "L4CON", info: "Connection refused" };
const TIMED_OUT: CheckDetail = { status: "L4TOUT" };

/** A TCP connect check from the LB's host through `network`, to each backend's host and port. */
export function tcpConnectCheck(network: Network, from: HostName): HealthCheck {
  return (backend, done, timeouts) => {
    network.probe(from, backend.host, backend.port, timeouts.connectTimeoutUs, (result) => {
      if (result === "ok") done(true, PASSED);
      else if (result === "refused") done(false, REFUSED);
      else done(false, TIMED_OUT);
    });
  };
}

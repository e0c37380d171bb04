/**
 * The `etcd` systemd unit (etcd's contrib `etcd.service` and distribution units use
 * `Restart=always`; kubelet restarts a static-pod etcd the same way): every start builds a fresh
 * {@link EtcdMember} from the unit's current flags and the VM's data directory.
 */
import type { UnitSpec } from "../infra/services.js";
import type { Distribution } from "../sim/distribution.js";
import type { Micros } from "../sim/time.js";
import { EtcdMember, type MemberSetup } from "./member.js";
import type { EtcdUnitConfig } from "./unit-config.js";

/** Unit name, as in `systemctl stop etcd`. */
export const ETCD_UNIT = "etcd";

/** Options of the unit. */
export interface EtcdUnitOptions {
  /** Process start-up time (open the backend, replay the WAL). */
  readonly startDelay?: Distribution;
  /** `RestartSec` after a crash exit (Restart=always). */
  readonly restartAfterUs?: Micros;
  /** Whether the unit starts at boot. Default true. */
  readonly enabled?: boolean;
}

/** The unit spec for a VM whose flags are `unit`. */
export function etcdUnitSpec(
  unit: EtcdUnitConfig,
  setup: MemberSetup,
  options: EtcdUnitOptions = {},
): UnitSpec {
  return {
    name: ETCD_UNIT,
    start: (ctx) => new EtcdMember(ctx, unit, setup),
    ...(options.startDelay !== undefined ? { startDelay: options.startDelay } : {}),
    ...(options.restartAfterUs !== undefined ? { restartAfterUs: options.restartAfterUs } : {}),
    ...(options.enabled !== undefined ? { enabled: options.enabled } : {}),
  };
}

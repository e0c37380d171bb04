/**
 * How control-plane components are run. The same component (kube-apiserver, kube-controller-manager,
 * kube-scheduler, kube-vip) can be a systemd unit on the VM (the "kubeadm-on-VMs/systemd" layout of
 * seed 003: `systemctl stop kube-apiserver`) or a static pod that the kubelet starts from
 * `/etc/kubernetes/manifests` (kubeadm's layout). A factory builds a fresh process each start.
 */
import type { Process } from "../infra/services.js";
import type { Vm } from "../infra/vm.js";
import type { Distribution } from "../sim/distribution.js";
import type { Micros } from "../sim/time.js";
import type { ProcessScope } from "./process-scope.js";

/** What a component process is given. */
export interface ComponentContext {
  readonly vm: Vm;
  readonly scope: ProcessScope;
  /** The process ends on its own (lost its leader lease, fatal error): systemd or the kubelet restart it. */
  exit(reason: string): void;
}

/** Builds a component process; the process must end its scope in `kill` and `terminate`. */
export type ComponentFactory = (ctx: ComponentContext) => Process;

/** An HTTP probe the kubelet runs against a static pod (`livenessProbe`, `startupProbe`). */
export interface ProbeSpec {
  readonly initialDelayUs: Micros;
  readonly periodUs: Micros;
  readonly timeoutUs: Micros;
  readonly failureThreshold: number;
}

/** A static pod manifest. */
export interface StaticPodSpec {
  /** Component name; the pod is `<name>-<node>` in kube-system. */
  readonly name: string;
  readonly factory: ComponentFactory;
  /** Container start-up time (image present). */
  readonly startDelay: Distribution;
  /** The probes kubeadm writes for this component, checking `/livez` on port 6443 (apiserver only). */
  readonly probes?: { readonly startup: ProbeSpec; readonly liveness: ProbeSpec };
}

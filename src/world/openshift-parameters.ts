/**
 * Parameters of the OpenShift layer (spread into the registry in parameters.ts): the
 * cluster-etcd-operator's pace, the recovery scripts' wait for the etcd containers to stop, and
 * the kubelet's crash-loop back-off that restarts a crashed etcd static pod, and the machine API's
 * vSphere clone and delete of a master. Sources: ../shared/reference/capi-kube.md §4.3 and §8,
 * the Kubernetes documentation and openshift/machine-api-operator.
 */
import type { Distribution } from "../sim/distribution.js";
import { MINUTE, SECOND } from "../sim/time.js";
import type { ParameterSpec } from "./parameters.js";

const uniform = (min: number, max: number): Distribution => ({ kind: "uniform", min, max });

/** OpenShift (cluster-etcd-operator) parameters. */
export const OPENSHIFT_PARAMETERS: readonly ParameterSpec[] = [
  {
    key: "ocp.reconcileInterval",
    type: { kind: "duration" },
    default: 5 * SECOND,
    unit: "µs",
    summary: "How often the cluster-etcd-operator looks at etcd and moves its rollout on",
    source:
      "assumption: the operator's controllers are event-driven with periodic resyncs; no published figure",
  },
  {
    key: "ocp.installerDuration",
    type: { kind: "duration" },
    default: 10 * SECOND,
    unit: "µs",
    summary: "From the operator picking a master to the new etcd-pod.yaml revision being in place there",
    source: "assumption: one installer pod per node writes the manifest; no published figure",
  },
  {
    key: "ocp.memberAddRetry",
    type: { kind: "duration" },
    default: 5 * SECOND,
    unit: "µs",
    summary: "Delay before the operator retries a refused `member add`",
    source: "assumption: the operator requeues a failed sync after a few seconds; no published figure",
  },
  {
    key: "ocp.podStopDuration",
    type: { kind: "distribution" },
    default: uniform(15 * SECOND, 30 * SECOND),
    unit: "µs",
    summary:
      "cluster-restore.sh / quorum-restore.sh: waiting for the etcd containers to stop after moving etcd-pod.yaml",
    source:
      "third-party KB mirror of Red Hat solution 7142756: wait '15-30 seconds' for the pods to stop and ports to be released (capi-kube.md §8)",
  },
  {
    key: "ocp.machineCloneDuration",
    type: { kind: "distribution" },
    default: uniform(90 * SECOND, 180 * SECOND),
    unit: "µs",
    summary:
      "machine-api vSphere provider: from a new master Machine to its VM cloned from the RHCOS template (then powered on)",
    source:
      "a full clone: the installer's template has no snapshot and the provider spec's cloneMode defaults to a full clone (openshift/api machine/v1beta1 VSphereMachineProviderSpec); puppetlabs/vmpooler PR #333 reports 90–180 s for a full clone (capi-kube.md §4.3)",
  },
  {
    key: "ocp.vcenterTaskDuration",
    type: { kind: "distribution" },
    default: uniform(500_000, 2 * SECOND),
    unit: "µs",
    summary:
      "machine-api vSphere provider: one vCenter task when a Machine is deleted (PowerOffVM_Task, then Destroy_Task)",
    source:
      "assumption: vCenter power-off and destroy tasks on one VM take about a second (as capv.vcenterTaskDuration)",
  },
  {
    key: "ocp.crashLoopBackOff",
    type: { kind: "duration" },
    default: 10 * SECOND,
    unit: "µs",
    summary: "The kubelet's first delay before restarting a crashed static-pod container (then doubling)",
    source:
      "Kubernetes docs, Pod Lifecycle, container restart policy: back-off 10s, 20s, 40s, … capped at five minutes",
  },
  {
    key: "ocp.podSyncRetry",
    type: { kind: "distribution" },
    default: uniform(10 * SECOND, 15 * SECOND),
    unit: "µs",
    summary:
      "The kubelet pod worker's requeue after a failed sync (a container still in back-off): a crashed etcd restarts at the first such sync after its back-off",
    source:
      "kubernetes pkg/kubelet/pod_workers.go: wait.Jitter(backOffPeriod, workerBackOffPeriodJitterFactor = 0.5) with kubelet.go backOffPeriod 10s, i.e. 10-15 s (the kubelets of seed 004's OpenShift 4.x; recent kubelets requeue at the back-off's expiry instead, kubecontainer.MinBackoffExpiration)",
  },
  {
    key: "ocp.crashLoopBackOffMax",
    type: { kind: "duration" },
    default: 5 * MINUTE,
    unit: "µs",
    summary: "Cap of the kubelet's crash-loop back-off",
    source: "Kubernetes docs, Pod Lifecycle: the back-off 'is capped at five minutes'",
  },
];

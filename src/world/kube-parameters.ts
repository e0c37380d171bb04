/**
 * The Kubernetes layer's parameters (spread into the registry in parameters.ts), each with its
 * default, unit and source (../shared/reference/capi-kube.md §4.4, §5, §6). Defaults that upstream
 * changed between versions follow `kube.version` unless set explicitly (node-monitor-grace-period:
 * 40 s before 1.32, 50 s from 1.32).
 */
import type { Distribution } from "../sim/distribution.js";
import { HOUR, MINUTE, SECOND } from "../sim/time.js";
import type { ParameterSpec } from "./parameters.js";

const uniform = (min: number, max: number): Distribution => ({ kind: "uniform", min, max });
const constant = (value: number): Distribution => ({ kind: "constant", value });

const duration = (key: string, defaultUs: number, summary: string, source: string): ParameterSpec => ({
  key,
  type: { kind: "duration" },
  default: defaultUs,
  unit: "µs",
  summary,
  source,
});

/** Kubernetes parameters. */
export const KUBE_PARAMETERS: readonly ParameterSpec[] = [
  {
    key: "kube.version",
    type: { kind: "enum", values: ["1.29", "1.30", "1.31", "1.32", "1.33", "1.34"] },
    default: "1.33",
    unit: "",
    summary:
      "Kubernetes minor version: decides version-dependent defaults (node-monitor-grace-period) and VERSION columns",
    source: "node-monitor-grace-period 40s → 50s in 1.32 (kubernetes PR #126287, capi-kube.md §5)",
  },
  {
    key: "kube.components",
    type: { kind: "enum", values: ["staticPods", "systemd"] },
    default: "staticPods",
    unit: "",
    summary: "How control-plane components run: kubeadm static pods (kubelet-managed) or systemd units",
    source:
      "kubeadm static pod manifests (cmd/kubeadm/app/phases/controlplane); systemd units as in seed 003",
  },
  {
    key: "kube.endpoint",
    type: { kind: "enum", values: ["haproxy", "kube-vip", "direct"] },
    default: "haproxy",
    unit: "",
    summary:
      "The control-plane endpoint: HAProxy with /readyz checks, a kube-vip VIP, or the first control plane directly",
    source:
      "CAPV HAProxy (≤ v1.7) and kube-vip templates (capi-kube.md §4.4); seed 003 talks to its single master",
  },
  {
    key: "kube.etcdTopology",
    type: { kind: "enum", values: ["stacked", "external"] },
    default: "stacked",
    unit: "",
    summary: "stacked: each apiserver uses only its local etcd member; external: every member",
    source:
      "kubeadm --etcd-servers=https://127.0.0.1:2379 for local etcd (cmd/kubeadm/app/phases/controlplane/manifests.go, capi-kube.md §5)",
  },
  duration(
    "kube.clusterAge",
    2 * HOUR,
    "How old the cluster is when the run starts (AGE columns)",
    "assumption; seed 003 shows nodes aged 7h",
  ),
  {
    key: "kube.zones",
    type: { kind: "integer", min: 1, max: 9 },
    default: 1,
    unit: "zones",
    summary: "Failure zones the nodes are spread over (label topology.kubernetes.io/zone); 1 = no zone label",
    source:
      "assumption; the node lifecycle controller handles disruption per zone (kubernetes.io taint-based evictions)",
  },
  duration(
    "kube.client.dialTimeout",
    30 * SECOND,
    "client-go TCP dial timeout",
    "client-go transport net.Dialer Timeout 30s (k8s.io/client-go transport)",
  ),
  duration(
    "kube.client.readIdleTimeout",
    30 * SECOND,
    "client-go HTTP/2 ReadIdleTimeout: an idle connection is pinged after this",
    "k8s.io/apimachinery pkg/util/net/http.go (readIdleTimeoutSeconds default 30)",
  ),
  duration(
    "kube.client.pingTimeout",
    15 * SECOND,
    "client-go HTTP/2 PingTimeout: a connection whose ping is not answered is closed",
    "k8s.io/apimachinery pkg/util/net/http.go (pingTimeoutSeconds default 15)",
  ),
  duration(
    "kube.apiserver.requestTimeout",
    MINUTE,
    "kube-apiserver --request-timeout",
    "kube-apiserver reference, default 1m0s (capi-kube.md §5)",
  ),
  duration(
    "kube.apiserver.etcdHealthcheckTimeout",
    2 * SECOND,
    "kube-apiserver --etcd-healthcheck-timeout: the etcd check of /livez and /readyz",
    "kube-apiserver reference, default 2s (capi-kube.md §5)",
  ),
  duration(
    "kube.apiserver.startDuration",
    8 * SECOND,
    "From kube-apiserver process start to serving on 6443",
    "assumption; kubeadm reports all control-plane components healthy 24–28 s after init (capi-kube.md §4.3)",
  ),
  {
    key: "kube.apiserver.defaultNotReadyTolerationSeconds",
    type: { kind: "integer", min: 0, max: 86400 },
    default: 300,
    unit: "s",
    summary: "Toleration of node.kubernetes.io/not-ready:NoExecute added to every pod",
    source:
      "kube-apiserver --default-not-ready-toleration-seconds 300 (DefaultTolerationSeconds admission, capi-kube.md §5)",
  },
  {
    key: "kube.apiserver.defaultUnreachableTolerationSeconds",
    type: { kind: "integer", min: 0, max: 86400 },
    default: 300,
    unit: "s",
    summary: "Toleration of node.kubernetes.io/unreachable:NoExecute added to every pod",
    source: "kube-apiserver --default-unreachable-toleration-seconds 300 (capi-kube.md §5)",
  },
  duration(
    "kube.kubelet.nodeStatusUpdateFrequency",
    10 * SECOND,
    "How often the kubelet computes its node status (posted when changed)",
    "KubeletConfiguration nodeStatusUpdateFrequency 10s (pkg/kubelet/apis/config/v1beta1/defaults.go, capi-kube.md §5)",
  ),
  duration(
    "kube.kubelet.nodeStatusReportFrequency",
    5 * MINUTE,
    "How often the kubelet posts an unchanged node status",
    "KubeletConfiguration nodeStatusReportFrequency 5m (capi-kube.md §5)",
  ),
  {
    key: "kube.kubelet.nodeLeaseDurationSeconds",
    type: { kind: "integer", min: 1, max: 3600 },
    default: 40,
    unit: "s",
    summary: "Node lease duration; the kubelet renews every quarter of it (10 s)",
    source: "KubeletConfiguration nodeLeaseDurationSeconds 40, renew fraction 0.25 (capi-kube.md §5)",
  },
  {
    key: "kube.kubelet.podStartDuration",
    type: { kind: "distribution" },
    default: uniform(1 * SECOND, 3 * SECOND),
    unit: "µs",
    summary: "Sandbox and container start of a workload pod (image already on the node)",
    source: "assumption (seed 003 shows new pods ContainerCreating, then Running within seconds)",
  },
  {
    key: "kube.cni.startDuration",
    type: { kind: "distribution" },
    default: uniform(10 * SECOND, 40 * SECOND),
    unit: "µs",
    summary:
      "On a node that joins during the run: from the Node's registration until the CNI agent's DaemonSet pod has started and the pod network is ready (the node stays NotReady with 'cni plugin not initialized' until then)",
    source:
      "assumption: node images (CAPV/TKG OVAs) carry the CNI images, so only scheduling and agent start-up remain; kubelet reports NetworkReady=false 'cni plugin not initialized' until a CNI config exists (kubernetes pkg/kubelet/kubelet_network.go)",
  },
  {
    key: "kube.kubelet.podStopDuration",
    type: { kind: "distribution" },
    default: constant(SECOND),
    unit: "µs",
    summary: "From SIGTERM to a workload container's exit (nginx quits promptly)",
    source: "assumption; bounded by terminationGracePeriodSeconds 30",
  },
  duration(
    "kube.kubelet.crashLoopBackOffInitial",
    10 * SECOND,
    "Delay before the second restart of a crashing container (the first is immediate); doubles each time",
    "kubelet CrashLoopBackOff initial 10s (pkg/kubelet/kubelet.go)",
  ),
  duration(
    "kube.kubelet.crashLoopBackOffMax",
    5 * MINUTE,
    "Maximum restart delay of a crashing container",
    "kubelet MaxContainerBackOff 300s (pkg/kubelet/kubelet.go)",
  ),
  duration(
    "kube.kcm.nodeMonitorPeriod",
    5 * SECOND,
    "--node-monitor-period: how often the node lifecycle controller checks nodes",
    "kube-controller-manager reference default 5s (capi-kube.md §5)",
  ),
  duration(
    "kube.kcm.nodeMonitorGracePeriod",
    50 * SECOND,
    "--node-monitor-grace-period: silence before Ready=Unknown (follows kube.version unless set: 40s before 1.32)",
    "kubernetes PR #126287 (40s → 50s in 1.32); kubernetes.io node-status (capi-kube.md §5)",
  ),
  duration(
    "kube.kcm.nodeStartupGracePeriod",
    MINUTE,
    "--node-startup-grace-period: silence allowed for a node that never reported",
    "pkg/controller/nodelifecycle/config/v1alpha1/defaults.go 60s (capi-kube.md §5)",
  ),
  {
    key: "kube.kcm.nodeEvictionRate",
    type: { kind: "number", min: 0, max: 1000 },
    default: 0.1,
    unit: "nodes/s",
    summary: "--node-eviction-rate: NoExecute tainting rate per healthy zone",
    source: "kube-controller-manager reference default 0.1",
  },
  {
    key: "kube.kcm.secondaryNodeEvictionRate",
    type: { kind: "number", min: 0, max: 1000 },
    default: 0.01,
    unit: "nodes/s",
    summary: "--secondary-node-eviction-rate: tainting rate in a partially disrupted large zone",
    source: "kube-controller-manager reference default 0.01",
  },
  {
    key: "kube.kcm.unhealthyZoneThreshold",
    type: { kind: "number", min: 0, max: 1 },
    default: 0.55,
    unit: "",
    summary: "--unhealthy-zone-threshold: fraction of not-ready nodes that makes a zone partially disrupted",
    source: "kube-controller-manager reference default 0.55",
  },
  {
    key: "kube.kcm.largeClusterSizeThreshold",
    type: { kind: "integer", min: 0, max: 100000 },
    default: 50,
    unit: "nodes",
    summary:
      "--large-cluster-size-threshold: zones above this keep tainting at the secondary rate when disrupted",
    source: "kube-controller-manager reference default 50",
  },
  duration(
    "kube.leaderElection.leaseDuration",
    15 * SECOND,
    "Leader lease of kube-controller-manager and kube-scheduler",
    "component-base RecommendedDefaultLeaderElectionConfiguration 15s (capi-kube.md §5)",
  ),
  duration(
    "kube.leaderElection.renewDeadline",
    10 * SECOND,
    "A leader that cannot renew within this steps down (and exits)",
    "component-base default 10s (capi-kube.md §5)",
  ),
  duration(
    "kube.leaderElection.retryPeriod",
    2 * SECOND,
    "How often candidates try and leaders renew",
    "component-base default 2s (capi-kube.md §5)",
  ),
  duration(
    "kube.kubeVip.leaseDuration",
    15 * SECOND,
    "kube-vip vip_leaseduration",
    "CAPV kube-vip template vip_leaseduration 15 (capi-kube.md §4.4)",
  ),
  duration(
    "kube.kubeVip.renewDeadline",
    10 * SECOND,
    "kube-vip vip_renewdeadline",
    "CAPV kube-vip template vip_renewdeadline 10 (capi-kube.md §4.4)",
  ),
  duration(
    "kube.kubeVip.retryPeriod",
    2 * SECOND,
    "kube-vip vip_retryperiod",
    "CAPV kube-vip template vip_retryperiod 2 (capi-kube.md §4.4)",
  ),
  duration(
    "kube.apiserver.livenessPeriod",
    10 * SECOND,
    "Liveness probe period of the kube-apiserver static pod",
    "kubeadm staticpod utils.go periodSeconds 10 (capi-kube.md §5)",
  ),
  {
    key: "kube.apiserver.livenessFailureThreshold",
    type: { kind: "integer", min: 1, max: 100 },
    default: 8,
    unit: "probes",
    summary: "Failed /livez probes before the kubelet restarts kube-apiserver",
    source: "kubeadm staticpod utils.go failureThreshold 8 (capi-kube.md §5)",
  },
  duration(
    "kube.apiserver.livenessInitialDelay",
    10 * SECOND,
    "Liveness/startup probe initial delay",
    "kubeadm staticpod utils.go initialDelaySeconds 10 (capi-kube.md §5)",
  ),
  duration(
    "kube.apiserver.livenessTimeout",
    15 * SECOND,
    "Liveness probe timeout",
    "kubeadm staticpod utils.go timeoutSeconds 15 (capi-kube.md §5)",
  ),
  {
    key: "kube.apiserver.startupFailureThreshold",
    type: { kind: "integer", min: 1, max: 1000 },
    default: 24,
    unit: "probes",
    summary: "Failed startup probes (10 s apart) before the kubelet restarts a starting kube-apiserver",
    source: "kubeadm: ceil(controlPlaneHealthCheck 4m / 10s) = 24 (capi-kube.md §5)",
  },
  {
    key: "kube.component.startDuration",
    type: { kind: "distribution" },
    default: uniform(1 * SECOND, 3 * SECOND),
    unit: "µs",
    summary: "Start of a control-plane component's container or unit (before its own start-up)",
    source:
      "assumption: seconds for a container or unit to start; kubeadm reports all control-plane components healthy after 24-28 s (capi-kube.md §4.3)",
  },
  duration(
    "kube.component.restartSec",
    5 * SECOND,
    "systemd RestartSec of the control-plane units (Restart=always)",
    "assumption: RestartSec=5 as in Kubernetes-the-hard-way units (seed 003 layout)",
  ),
  {
    key: "kube.systemDeployments",
    type: { kind: "enum", values: ["none", "coredns", "tkgs", "capv"] },
    default: "none",
    unit: "",
    summary:
      "Add-on Deployments running from the start: coredns (kubeadm's CoreDNS, 2 replicas on the first control plane); tkgs (CoreDNS, the paravirtual vSphere CSI controller and guest-cluster-cloud-provider, each on a control plane); capv (CoreDNS and the vSphere CSI controller, one replica per control plane); none (the default: only the workload, so a bare cluster stays minimal; the models choose theirs)",
    source:
      "kubeadm cmd/kubeadm/app/phases/addons/dns (CoreDNS at init, on the only node then: kubernetes/kubeadm#1931); vsphere-csi-driver manifests/guestcluster/1.27/pvcsi.yaml; cloud-provider-vsphere releases/v1.20/vsphere-paravirtual; CAPV packaging/flavorgen/cloudprovider/csi/vsphere-csi-driver.yaml",
  },
  {
    key: "kube.workload.deployments",
    type: { kind: "integer", min: 0, max: 1000 },
    default: 1,
    unit: "deployments",
    summary: "Deployments of the workload (nginx, nginx-1, …), each with a NodePort Service",
    source: "seed 003: one nginx Deployment and Service",
  },
  {
    key: "kube.workload.replicas",
    type: { kind: "integer", min: 0, max: 10000 },
    default: 3,
    unit: "pods",
    summary: "Replicas of each workload Deployment",
    source: "seed 003: nginx deployment of three pods",
  },
  {
    key: "kube.workload.nodePort",
    type: { kind: "integer", min: 30000, max: 32767 },
    default: 31000,
    unit: "",
    summary: "NodePort of the workload Service",
    source: "seed 003: svc/nginx 8000:31000/TCP",
  },
  duration(
    "kube.probe.interval",
    SECOND,
    "How often the API and Service probes send a request",
    "assumption (a synthetic monitor)",
  ),
  duration(
    "kube.probe.timeout",
    5 * SECOND,
    "Timeout of one API or Service probe request",
    "assumption (a synthetic monitor)",
  ),
];

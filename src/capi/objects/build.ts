/**
 * Constructors for management-cluster objects with CAPI's defaults, for the controllers that
 * create them and for tests. Each returns a plain immutable value; the store fills in
 * `resourceVersion` on write.
 */
import { MINUTE, type Micros, SECOND } from "../../sim/time.js";
import type { Cluster } from "./cluster.js";
import type { Condition } from "./conditions.js";
import type { InfraMachine, InfraProvider } from "./infra-machine.js";
import type { KubeadmConfig } from "./kubeadm-config.js";
import type { KcpRemediationSpec, KubeadmControlPlane } from "./kubeadm-control-plane.js";
import type { Machine, MachineDeletionSpec } from "./machine.js";
import type { MachineHealthCheck, MachineHealthCheckSpec } from "./machine-health-check.js";
import type { MachineSet } from "./machine-set.js";
import type { CapiMeta, OwnerRef, StringMap } from "./meta.js";

/** CAPI's deletion defaults: drain and volume wait unlimited, Node deletion 10 s (capi-kube.md §3.2). */
export const DEFAULT_DELETION: MachineDeletionSpec = {
  nodeDrainTimeoutUs: 0,
  nodeVolumeDetachTimeoutUs: 0,
  nodeDeletionTimeoutUs: 10 * SECOND,
};

/** KCP remediation defaults: maxRetry unlimited, retryPeriod 0, minHealthyPeriod 1 h (capi-kube.md §2.5). */
export const DEFAULT_KCP_REMEDIATION: KcpRemediationSpec = {
  retryPeriodUs: 0,
  minHealthyPeriodUs: 60 * MINUTE,
};

/** Metadata for a new object. */
export function newCapiMeta(init: {
  readonly name: string;
  readonly uid?: string;
  readonly nowUs: Micros;
  readonly labels?: StringMap;
  readonly annotations?: StringMap;
  readonly owner?: OwnerRef;
}): CapiMeta {
  return {
    name: init.name,
    uid: init.uid ?? `uid-${init.name}`,
    creationTimestampUs: init.nowUs,
    labels: init.labels ?? {},
    annotations: init.annotations ?? {},
    ...(init.owner ? { owner: init.owner } : {}),
    resourceVersion: 0,
  };
}

/** A Machine as its owner creates it (phase Pending, nothing provisioned). */
export function newMachine(init: {
  readonly name: string;
  readonly clusterName: string;
  readonly nowUs: Micros;
  readonly owner: OwnerRef;
  readonly labels?: StringMap;
  readonly annotations?: StringMap;
  readonly version?: string;
  readonly deletion?: MachineDeletionSpec;
}): Machine {
  return {
    kind: "Machine",
    metadata: newCapiMeta({
      name: init.name,
      nowUs: init.nowUs,
      owner: init.owner,
      labels: { "cluster.x-k8s.io/cluster-name": init.clusterName, ...(init.labels ?? {}) },
      ...(init.annotations ? { annotations: init.annotations } : {}),
    }),
    spec: {
      clusterName: init.clusterName,
      bootstrapConfigName: init.name,
      infraMachineName: init.name,
      version: init.version ?? "v1.32.3",
      deletion: init.deletion ?? DEFAULT_DELETION,
    },
    status: {
      phase: "Pending",
      bootstrapReady: false,
      infrastructureReady: false,
      addresses: [],
      conditions: [],
      deletion: {},
    },
  };
}

/** A Cluster with its infrastructure ready and control plane initialized at `readyAtUs`. */
export function newCluster(init: {
  readonly name: string;
  readonly nowUs: Micros;
  readonly endpoint: string;
  readonly readyAtUs?: Micros;
}): Cluster {
  const at = init.readyAtUs ?? init.nowUs;
  const t = (type: string, reason: string): Condition => ({
    type,
    status: "True",
    reason,
    message: "",
    lastTransitionTimeUs: at,
  });
  return {
    kind: "Cluster",
    metadata: newCapiMeta({ name: init.name, nowUs: init.nowUs }),
    spec: { controlPlaneEndpoint: init.endpoint, paused: false },
    status: {
      conditions: [t("InfrastructureReady", "Ready"), t("ControlPlaneInitialized", "Initialized")],
    },
  };
}

/** The book's MHC: Ready Unknown/False for `timeoutUs`, nodeStartupTimeout 10 min, maxUnhealthy 100 %. */
export function defaultMhcSpec(
  clusterName: string,
  selector: StringMap,
  timeoutUs: Micros = 5 * MINUTE,
): MachineHealthCheckSpec {
  return {
    clusterName,
    selector,
    checks: {
      nodeStartupTimeoutUs: 10 * MINUTE,
      unhealthyNodeConditions: [
        { type: "Ready", status: "Unknown", timeoutUs },
        { type: "Ready", status: "False", timeoutUs },
      ],
      unhealthyMachineConditions: [],
    },
    remediation: { triggerIf: {} },
  };
}

/** A MachineHealthCheck object. */
export function newMachineHealthCheck(
  name: string,
  spec: MachineHealthCheckSpec,
  nowUs: Micros,
): MachineHealthCheck {
  return {
    kind: "MachineHealthCheck",
    metadata: newCapiMeta({ name, nowUs, labels: { "cluster.x-k8s.io/cluster-name": spec.clusterName } }),
    spec,
    status: { expectedMachines: 0, currentHealthy: 0, remediationsAllowed: 0, targets: [], conditions: [] },
  };
}

/** A KubeadmControlPlane (initialized when `initialized`). */
export function newKubeadmControlPlane(init: {
  readonly name: string;
  readonly clusterName: string;
  readonly replicas: number;
  readonly nowUs: Micros;
  readonly initialized?: boolean;
  readonly version?: string;
  readonly remediation?: KcpRemediationSpec;
}): KubeadmControlPlane {
  return {
    kind: "KubeadmControlPlane",
    metadata: newCapiMeta({
      name: init.name,
      nowUs: init.nowUs,
      labels: { "cluster.x-k8s.io/cluster-name": init.clusterName },
    }),
    spec: {
      replicas: init.replicas,
      version: init.version ?? "v1.32.3",
      deletion: DEFAULT_DELETION,
      remediation: init.remediation ?? DEFAULT_KCP_REMEDIATION,
    },
    status: {
      initialized: init.initialized ?? true,
      replicas: 0,
      readyReplicas: 0,
      updatedReplicas: 0,
      conditions: [],
    },
  };
}

/** A MachineSet keeping `replicas` worker Machines. */
export function newMachineSet(init: {
  readonly name: string;
  readonly clusterName: string;
  readonly replicas: number;
  readonly nowUs: Micros;
  readonly deploymentName?: string;
  readonly maxInFlight?: number;
  readonly version?: string;
}): MachineSet {
  const selector: Record<string, string> = {
    "cluster.x-k8s.io/cluster-name": init.clusterName,
    "cluster.x-k8s.io/set-name": init.name,
  };
  if (init.deploymentName !== undefined) selector["cluster.x-k8s.io/deployment-name"] = init.deploymentName;
  return {
    kind: "MachineSet",
    metadata: newCapiMeta({
      name: init.name,
      nowUs: init.nowUs,
      labels: selector,
      ...(init.deploymentName !== undefined
        ? { owner: { kind: "MachineDeployment", name: init.deploymentName } }
        : {}),
    }),
    spec: {
      clusterName: init.clusterName,
      replicas: init.replicas,
      selector,
      version: init.version ?? "v1.32.3",
      deletion: DEFAULT_DELETION,
      ...(init.maxInFlight !== undefined ? { maxInFlight: init.maxInFlight } : {}),
    },
    status: { replicas: 0, readyReplicas: 0, availableReplicas: 0 },
  };
}

/** The infrastructure object of a new Machine. */
export function newInfraMachine(init: {
  readonly name: string;
  readonly provider: InfraProvider;
  readonly cloneMode: "linkedClone" | "fullClone";
  readonly nowUs: Micros;
  readonly owner: OwnerRef;
}): InfraMachine {
  return {
    kind: "InfraMachine",
    metadata: newCapiMeta({ name: init.name, nowUs: init.nowUs, owner: init.owner }),
    spec: {
      provider: init.provider,
      cloneMode: init.cloneMode,
      bootstrapConfigName: init.name,
      powerState: "PoweredOn",
    },
    status: { ready: false, addresses: [], conditions: [] },
  };
}

/** The KubeadmConfig of a new Machine. */
export function newKubeadmConfig(
  name: string,
  controlPlane: boolean,
  nowUs: Micros,
  owner: OwnerRef,
): KubeadmConfig {
  return {
    kind: "KubeadmConfig",
    metadata: newCapiMeta({ name, nowUs, owner }),
    spec: { controlPlane },
    status: { dataSecretCreated: false },
  };
}

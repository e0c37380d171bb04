/**
 * Service and Endpoints (core/v1): which pods serve a Service. The endpoints controller (in
 * kube-controller-manager) lists the selected pods' IPs as ready or not-ready addresses; kube-proxy
 * on every node programs its rules from the ready ones.
 */
import type { KubeObject, ObjectMeta, StringMap } from "./meta.js";

export interface ServiceSpec {
  readonly selector: StringMap;
  readonly port: number;
  readonly targetPort: number;
  /** NodePort (seed 003 curls `kubew03:31000`). */
  readonly nodePort: number;
  readonly clusterIP: string;
}

export interface Service extends KubeObject {
  readonly kind: "Service";
  readonly metadata: ObjectMeta;
  readonly spec: ServiceSpec;
}

/** One endpoint address: a pod IP on a node. */
export interface EndpointAddress {
  readonly ip: string;
  readonly nodeName: string;
  readonly podName: string;
}

export interface Endpoints extends KubeObject {
  readonly kind: "Endpoints";
  readonly metadata: ObjectMeta;
  readonly addresses: readonly EndpointAddress[];
  readonly notReadyAddresses: readonly EndpointAddress[];
}

/** Kubernetes objects as immutable values. */
export * from "./config.js";
export * from "./lease.js";
export * from "./meta.js";
export * from "./node.js";
export * from "./pod.js";
export * from "./service.js";
export * from "./workloads.js";

import type { ConfigMap, Secret } from "./config.js";
import type { Lease } from "./lease.js";
import type { Node } from "./node.js";
import type { Pod } from "./pod.js";
import type { Endpoints, Service } from "./service.js";
import type { Deployment, ReplicaSet } from "./workloads.js";

/** Every object type, by kind. */
export interface ObjectsByKind {
  Node: Node;
  Lease: Lease;
  Pod: Pod;
  ReplicaSet: ReplicaSet;
  Deployment: Deployment;
  Service: Service;
  Endpoints: Endpoints;
  ConfigMap: ConfigMap;
  Secret: Secret;
}

/** Any of the object types. */
export type AnyObject = ObjectsByKind[keyof ObjectsByKind];

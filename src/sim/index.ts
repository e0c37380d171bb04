/** The simulation kernel: time, events, randomness and the trace. Knows nothing about etcd or Kubernetes. */
export * from "./distribution.js";
export * from "./jsonl.js";
export * from "./queue.js";
export * from "./rng.js";
export * from "./simulation.js";
export * from "./time.js";
export * from "./trace.js";

/** Experiment files: format, loading, located errors, compiling to a plan, JSON Schema. */
export * from "./compile.js";
export * from "./errors.js";
export * from "./experiment-schema.js";
export * from "./json-schema.js";
export * from "./load.js";
export * from "./load-experiment.js";
export * from "./locate.js";
export * from "./plan.js";
export * from "./resolvers.js";
export * from "./suggest.js";

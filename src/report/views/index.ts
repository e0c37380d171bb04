/** Every view, registered on import. Layers add `import "./<layer>-views.js"` here. */
import "./capi-views.js";
import "./etcd-views.js";
import "./infra-views.js";
import "./kube-views.js";

export { findView, registerView, type View, viewNames } from "./registry.js";

/** Every view, registered on import. Layers add `import "./<layer>-views.js"` here. */
import "./infra-views.js";

export { findView, registerView, type View, viewNames } from "./registry.js";

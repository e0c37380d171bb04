/**
 * Views of a world at one instant, looking like the real tools (vCenter's VM list, HAProxy's stats
 * page, `kubectl get nodes`, `etcdctl member list -w table`, …). Each layer registers its views;
 * `quorate run FILE --at 5m --show nodes,lb` prints them.
 */
import type { World } from "../../world/world.js";

export interface View {
  readonly name: string;
  /** One line for `--help` and errors. */
  readonly summary: string;
  /** The view's text, or undefined when the world has nothing for it (e.g. no etcd in the model). */
  readonly render: (world: World) => string | undefined;
}

const views = new Map<string, View>();

/** Registers a view (later registrations of a name replace earlier ones). */
export function registerView(view: View): void {
  views.set(view.name, view);
}

export function findView(name: string): View | undefined {
  return views.get(name);
}

export function viewNames(): string[] {
  return [...views.keys()];
}

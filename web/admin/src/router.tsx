// A 60-line router: History API paths under /admin, one listener, and focus moved to the new page's
// heading on every navigation so keyboard and screen-reader users land where the content starts.
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";

export const BASE = "/admin";
type Listener = () => void;
const listeners = new Set<Listener>();
let navigations = 0;

/** How many in-app navigations (links, back and forward) happened since the page loaded. */
export const navigationCount = (): number => navigations;

export function currentPath(): string {
  return location.pathname.replace(/\/+$/, "") || BASE;
}

export function navigate(to: string, { replace = false } = {}): void {
  if (to === location.pathname + location.search) return;
  history[replace ? "replaceState" : "pushState"](null, "", to);
  navigations++;
  for (const listener of listeners) listener();
}

addEventListener("popstate", () => {
  navigations++;
  for (const listener of listeners) listener();
});

/** The current path and query, re-rendering on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return { path: currentPath(), query: new URLSearchParams(location.search) };
}

export type Params = Record<string, string>;
export interface Route {
  pattern: string;
  render: (params: Params) => JSX.Element;
}

/** Match `/admin/orders/:id` style patterns; params are URI-decoded. */
export function match(routes: Route[], path: string): { route: Route; params: Params } | undefined {
  for (const route of routes) {
    const names: string[] = [];
    const source = route.pattern.replace(/:(\w+)/g, (_, name: string) => (names.push(name), "([^/]+)"));
    const found = new RegExp(`^${source}$`).exec(path);
    if (found) return { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1]!)])) };
  }
  return undefined;
}

export function Link(props: { href: string; children: ComponentChildren; class?: string; "aria-current"?: "page" | undefined }) {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} onClick={onClick} class={props.class} aria-current={props["aria-current"]}>
      {props.children}
    </a>
  );
}

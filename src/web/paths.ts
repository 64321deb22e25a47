// Which requests are pages for people (storefront, admin shell, /docs, GraphiQL) rather than API calls.
// Kept tiny and import-free: src/index.ts asks this on every request before loading either side.

const STOREFRONT = /^\/(?:$|c\/|p\/|search$|cart(?:$|\/)|checkout$|orders\/|account(?:$|\/))/;

export function isBrowserRequest(request: Request): boolean {
  const { pathname } = new URL(request.url);
  if (pathname === "/admin" || pathname.startsWith("/admin/") || pathname === "/docs") return true;
  // GraphiQL: a browser navigating to /graphql (API clients ask for JSON or send POST).
  if (pathname === "/graphql") return request.method === "GET" && (request.headers.get("accept") ?? "").includes("text/html");
  return STOREFRONT.test(pathname);
}

/**
 * Which methods a path answers, from the app's route table, for `405 Method Not Allowed` with an `Allow`
 * header (RFC 9110 §15.5.6) when a known path is called with the wrong method. Middleware (`ALL`) does not count.
 */
export function allowedMethodsIndex(routes: readonly { method: string; path: string }[]): (pathname: string) => string[] {
  const patterns: { method: string; pattern: RegExp }[] = [];
  for (const { method, path } of routes) {
    if (method === "ALL" || path.includes("*")) continue;
    const source = path
      .split("/")
      .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    patterns.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}/?$`) });
  }
  return (pathname) => {
    const methods = new Set(patterns.filter((p) => p.pattern.test(pathname)).map((p) => p.method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}

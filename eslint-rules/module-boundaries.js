// edgeshop/module-boundaries: the import rules of docs/architecture.md ("Module surfaces").
// Paths are read relative to the nearest enclosing `src/` folder, so lint fixtures under
// test/lint-fixtures/src/ are judged exactly like the real tree.
import path from "node:path";

/** Files of a module that are transports: they may use src/http, src/graphql and other modules' transport surfaces. */
const TRANSPORT_FILE = /^(rest|graphql|rpc)(-[\w-]+)?\.ts$|-(rest|graphql)\.ts$/;
/** The transport surfaces of a module that other transports (and the root) may import besides index.ts. */
const TRANSPORT_SURFACE = /^(rest|graphql)$/;

function locate(file) {
  const parts = path.normalize(file).split(path.sep);
  const src = parts.lastIndexOf("src");
  if (src < 0) return undefined;
  const rel = parts.slice(src + 1);
  const root = parts.slice(0, src + 1).join(path.sep);
  if (rel[0] === "modules" && rel.length >= 2) {
    return { root, area: "module", module: rel[1], inner: rel.slice(2).join("/").replace(/\.ts$/, "") };
  }
  if (rel[0] === "app" || (rel.length === 1 && rel[0].replace(/\.ts$/, "") === "index")) return { root, area: "root" };
  if (rel[0] === "http" || rel[0] === "graphql") return { root, area: "toolkit", toolkit: rel[0] };
  return { root, area: "kernel" };
}

export const moduleBoundaries = {
  meta: {
    type: "problem",
    docs: { description: "Modules import each other only through their surfaces; services never import a transport or the composition root." },
    schema: [],
    messages: {
      internals: "Import the '{{module}}' module through its surface ('../{{module}}'), not its internals ('{{spec}}'). Export what you need from src/modules/{{module}}/index.ts.",
      transport: "A service must not import a transport ('{{spec}}'). Only rest.ts / graphql.ts files (and rest-* / graphql-* files) may.",
      root: "A module must not import the composition root ('{{spec}}'); the root imports modules, never the other way round.",
      toolkit: "src/{{toolkit}} is a transport toolkit and knows no module ('{{spec}}'); let the root (src/app/) wire the module in.",
    },
  },
  create(context) {
    const from = locate(context.filename);
    if (!from) return {};
    const check = (node) => {
      const spec = node.source && node.source.type === "Literal" ? node.source.value : undefined;
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const to = locate(path.resolve(path.dirname(context.filename), spec));
      if (!to || to.root !== from.root) return;
      const data = { spec, module: to.module, toolkit: from.toolkit };
      if (from.area === "module") {
        const transportFile = TRANSPORT_FILE.test(path.basename(context.filename));
        if (to.area === "root") return context.report({ node, messageId: "root", data });
        if (to.area === "toolkit" && !transportFile) return context.report({ node, messageId: "transport", data });
        if (to.area === "module" && to.module !== from.module) {
          const surface = to.inner === "" || to.inner === "index" || (transportFile && TRANSPORT_SURFACE.test(to.inner));
          if (!surface) return context.report({ node, messageId: to.inner && TRANSPORT_SURFACE.test(to.inner) ? "transport" : "internals", data });
        }
      }
      if (from.area === "toolkit" && to.area === "module") return context.report({ node, messageId: "toolkit", data });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default { rules: { "module-boundaries": moduleBoundaries } };

// `npm run build:web`: lays out the Worker's static assets in web/dist ([assets] in wrangler.toml).
//
//   web/dist/static/admin/…      the admin SPA (Vite, content-hashed names)          served directly, immutable
//   web/dist/static/vendor/<pkg>@<version>/…   Scalar's and GraphiQL's browser bundles, copied from their
//                                 pinned npm packages (no CDN: /docs and GraphiQL work offline)  immutable
//   web/dist/static/storefront/…, static/boot/…   the storefront's CSS and script, the two pages' boot
//                                 scripts: fixed names, so a short cache revalidated by ETag
//   web/dist/pages/*.html        HTML shells the Worker serves at /admin, /docs and /graphql (it adds the CSP)
//   web/dist/_headers            headers for what the assets server answers without the Worker
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "vite";

const web = import.meta.dirname;
const dist = join(web, "dist");
const started = Date.now();

// Empty web/dist but keep the folder itself: a running `wrangler dev` watches it and picks up the new files.
mkdirSync(dist, { recursive: true });
for (const entry of readdirSync(dist)) rmSync(join(dist, entry), { recursive: true, force: true });
await build({ configFile: join(web, "vite.config.ts") });
mkdirSync(join(dist, "pages"), { recursive: true });
renameSync(join(dist, "static/admin/index.html"), join(dist, "pages/admin.html"));

/** Copy files of a pinned package into static/vendor/<name>@<version>/ and return that URL path. */
function vendor(pkg, files) {
  const root = join(web, "..", "node_modules", pkg);
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const path = `/static/vendor/${pkg.replace(/^@/, "").replace("/", "-")}@${version}`;
  for (const file of files) cpSync(join(root, file), join(dist, path, file.replace(/^dist\/(browser\/)?/, "")), { recursive: true });
  return path;
}
const scalar = vendor("@scalar/api-reference", ["dist/browser/standalone.js"]);
const graphiql = vendor("@graphql-yoga/graphiql", ["dist/yoga-graphiql.umd.js", "dist/graphiql.css", "dist/monacoeditorwork"]);
cpSync(join(web, "boot"), join(dist, "static/boot"), { recursive: true });
cpSync(join(web, "storefront"), join(dist, "static/storefront"), { recursive: true });

const page = (title, head, body) =>
  `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${title}</title>\n<link rel="icon" href="data:,">\n${head}\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
writeFileSync(
  join(dist, "pages/docs.html"),
  page(
    "Edgeshop API reference",
    "",
    `<div id="api-reference" data-openapi-url="/openapi.json"></div>\n<script src="${scalar}/standalone.js"></script>\n<script src="/static/boot/docs.js"></script>`,
  ),
);
writeFileSync(
  join(dist, "pages/graphiql.html"),
  page(
    "Edgeshop GraphiQL",
    `<link rel="stylesheet" href="${graphiql}/graphiql.css">`,
    `<div id="root" data-vendor="${graphiql}">Loading GraphiQL…</div>\n<script src="/static/boot/graphiql.js"></script>`,
  ),
);

// What the assets server answers on its own (run_worker_first excludes /static/*): never sniffed;
// hashed and versioned files cached for a year, the storefront's fixed names revalidated by ETag.
writeFileSync(
  join(dist, "_headers"),
  `/static/*
  X-Content-Type-Options: nosniff
  Cross-Origin-Resource-Policy: same-origin
/static/admin/assets/*
  Cache-Control: public, max-age=31536000, immutable
/static/vendor/*
  Cache-Control: public, max-age=31536000, immutable
/static/boot/*
  Cache-Control: public, max-age=300, must-revalidate
/static/storefront/*
  Cache-Control: public, max-age=300, must-revalidate
`,
);
console.log(`build:web: web/dist ready in ${((Date.now() - started) / 1000).toFixed(1)} s (scalar ${scalar}, graphiql ${graphiql})`);

// `npm run dev`: migrate the local D1, start the Worker on http://127.0.0.1:8787 and seed the demo
// catalog (idempotent, so an already seeded database is left as it is). Offline: everything is local.
import { spawnSync } from "node:child_process";
import { applyMigrationsLocally, ensureDevVars, startWorker } from "./local.mjs";
import { seed } from "./seed.mjs";

const vars = ensureDevVars();
// The admin SPA, storefront CSS/JS and the /docs and GraphiQL bundles are static assets (web/dist).
if (spawnSync("npm", ["run", "--silent", "build:web"], { stdio: "inherit" }).status !== 0) throw new Error("npm run build:web failed");
applyMigrationsLocally();
const port = Number(process.env.PORT ?? 8787);
const server = await startWorker({ port, quiet: false });
await seed(server.url, process.env.ADMIN_API_KEY ?? vars.ADMIN_API_KEY);
console.log(
  `\nEdgeshop is running on ${server.url}\n  Storefront ${server.url}/\n  Admin      ${server.url}/admin  (development: sign in with the key in .dev.vars, or staff once they exist)\n  REST       ${server.url}/v1/products\n  GraphQL    ${server.url}/graphql\n  OpenAPI    ${server.url}/openapi.json  (reference: ${server.url}/docs)\n`,
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.child.kill(signal));
server.child.on("exit", (code) => process.exit(code ?? 0));

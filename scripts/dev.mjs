// `npm run dev`: migrate the local D1, start the Worker on http://127.0.0.1:8787 and seed the demo
// catalog (idempotent, so an already seeded database is left as it is). Offline: everything is local.
import { spawnSync } from "node:child_process";
import { applyMigrationsLocally, ensureDevVars, startWorker } from "./local.mjs";
import { DEV_OWNER, seed } from "./seed.mjs";

const vars = ensureDevVars();
// The admin SPA, storefront CSS/JS and the /docs and GraphiQL bundles are static assets (web/dist).
if (spawnSync("npm", ["run", "--silent", "build:web"], { stdio: "inherit" }).status !== 0) throw new Error("npm run build:web failed");
applyMigrationsLocally();
const port = Number(process.env.PORT ?? 8787);
const server = await startWorker({ port, quiet: false });
await seed(server.url, process.env.ADMIN_API_KEY ?? vars.ADMIN_API_KEY);
console.log(
  `\nEdgeshop is running on ${server.url}\n  Storefront ${server.url}/\n  Admin      ${server.url}/admin  (sign in as ${DEV_OWNER.email} / ${DEV_OWNER.password})\n  REST       ${server.url}/v1/products\n  GraphQL    ${server.url}/graphql\n  OpenAPI    ${server.url}/openapi.json  (reference: ${server.url}/docs)\n` +
    `\nStaff sign-in (development owner): ${DEV_OWNER.email} / ${DEV_OWNER.password}\n` +
    `  curl -i -X POST ${server.url}/v1/staff/sign-in -H 'content-type: application/json' -d '{"email":"${DEV_OWNER.email}","password":"${DEV_OWNER.password}"}'\n`,
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.child.kill(signal));
server.child.on("exit", (code) => process.exit(code ?? 0));

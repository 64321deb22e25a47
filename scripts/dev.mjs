// `npm run dev`: migrate the local D1, start the Worker on http://127.0.0.1:$PORT (default 8787), seed the demo
// catalog (idempotent: an already seeded database is left as it is) and fire the cron triggers every minute, which
// wrangler does not do locally. Offline: everything is local. A short start: one line per step; request lines
// are shown once the server is ready.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readCrons, startCronTicker } from "./cron-ticker.mjs";
import { applyMigrationsLocally, assertPortFree, ensureDevVars, startWorker } from "./local.mjs";
import { DEV_OWNER, seed } from "./seed.mjs";

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a port number, not '${process.env.PORT}'.`);

function fail(message) {
  console.error(`\nnpm run dev: ${message}\n`);
  process.exit(1);
}

/** One line that redraws itself on a terminal; elsewhere (CI, a pipe) only its final state is printed. */
function progressLine(label) {
  const tty = process.stdout.isTTY;
  let last = "";
  return {
    update(text) {
      last = `${label}: ${text}`;
      if (tty) process.stdout.write(`\r${last}\u001b[K`);
    },
    done(text) {
      last = text === undefined ? last : `${label}: ${text}`;
      process.stdout.write(tty ? `\r${last}\u001b[K\n` : `${last}\n`);
    },
  };
}

let server;
try {
  // Before touching the database: a server already on the port would otherwise answer /healthz for us.
  await assertPortFree(port, `Stop the other server, or start this one elsewhere: PORT=${port + 1} npm run dev`);
  const vars = ensureDevVars();
  // The admin SPA, storefront CSS/JS and the /docs and GraphiQL bundles are static assets (web/dist).
  if (spawnSync("npm", ["run", "--silent", "build:web"], { stdio: "inherit" }).status !== 0) throw new Error("npm run build:web failed");
  // DEV_PERSIST_TO: keep the local D1, Durable Objects and queues in another directory (npm run tour starts from an empty one).
  // DEV_INSPECTOR_PORT: the debugger's port instead of wrangler's default 9229 (which servers started side by side share).
  const persistTo = process.env.DEV_PERSIST_TO || undefined;
  applyMigrationsLocally({ persistTo });
  server = await startWorker({ port, quiet: false, extraArgs: [...(persistTo ? ["--persist-to", persistTo] : []), ...(process.env.DEV_INSPECTOR_PORT ? ["--inspector-port", process.env.DEV_INSPECTOR_PORT] : [])], portHint: `Stop the other server, or start this one elsewhere: PORT=${port + 1} npm run dev` });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.child.kill(signal));
  const child = server.child;
  child.on("exit", (code) => process.exit(code ?? 0));

  const seeding = progressLine("seed");
  seeding.update("checking the demo catalog…");
  const result = await seed(server.url, process.env.ADMIN_API_KEY ?? vars.ADMIN_API_KEY, {
    log: () => {},
    progress: ({ done, total }) => seeding.update(`${done}/${total} products checked`),
  });
  seeding.done(
    result.createdProducts + result.createdCategories + result.stockedSkus === 0
      ? "the demo catalog is already there (240 products, 31 categories)"
      : `created ${result.createdCategories} categories, ${result.createdProducts} products, stock for ${result.stockedSkus} SKUs`,
  );

  const crons = readCrons(readFileSync("wrangler.toml", "utf8"));
  let firstTick = true;
  const ticker = startCronTicker({
    url: server.url,
    crons,
    onTick: ({ at, results }) => {
      for (const r of results.filter((x) => !x.ok)) console.error(`cron ${r.cron}: the scheduled handler failed (${r.status ?? r.error}); see the Worker's log above`);
      if (!firstTick) return;
      firstTick = false;
      console.log(`cron: first tick at ${at.slice(11, 16)} UTC (${results.map((r) => `"${r.cron}" ${r.ok ? "ok" : "failed"}`).join(", ")}); later ticks are silent unless one fails`);
    },
  });
  child.on("exit", () => ticker.stop());

  console.log(
    [
      "",
      `Edgeshop is running on ${server.url}`,
      `  Storefront ${server.url}/`,
      `  Admin      ${server.url}/admin  (sign in as ${DEV_OWNER.email} / ${DEV_OWNER.password})`,
      `  REST       ${server.url}/v1/products`,
      `  GraphQL    ${server.url}/graphql`,
      `  OpenAPI    ${server.url}/openapi.json  (reference: ${server.url}/docs)`,
      `  crons      ${crons.map((c) => `"${c}"`).join(", ")} fired by npm run dev at the top of each minute (wrangler does not run them locally)`,
      `  admin key  ${vars.ADMIN_API_KEY ? "in .dev.vars (ADMIN_API_KEY)" : "not set: add ADMIN_API_KEY to .dev.vars"}`,
      "",
      `Staff sign-in (development owner): ${DEV_OWNER.email} / ${DEV_OWNER.password}`,
      `  curl -i -X POST ${server.url}/v1/staff/sign-in -H 'content-type: application/json' -d '{"email":"${DEV_OWNER.email}","password":"${DEV_OWNER.password}"}'`,
      "",
      "Requests are logged below. Ctrl-C stops the server.",
      "",
    ].join("\n"),
  );
  server.showRequests();
} catch (error) {
  server?.child.kill("SIGTERM");
  fail(error instanceof Error ? error.message : String(error));
}

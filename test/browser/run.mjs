// `npm run test:browser`: the journeys in a real browser (Debian's Chromium via playwright-core).
// Builds the static assets, starts `wrangler dev` on BROWSER_PORT (8840) with a fresh local state,
// migrates and seeds it, serves the second-origin pages for the CORS journey (8788 listed, 8842 not),
// runs test/browser/journeys/*.test.mjs with node's test runner, and stops everything it started.
// Screenshots land in test-results/screenshots/.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { ensureDevVars, startWorker } from "../../scripts/local.mjs";
import { seed } from "../../scripts/seed.mjs";

const root = join(import.meta.dirname, "..", "..");
process.chdir(root);
const port = Number(process.env.BROWSER_PORT ?? 8840);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(`No Chromium at ${chromium}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  process.exit(1);
}

const step = (name) => console.log(`\n== test:browser: ${name}`);
const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status})`);
};

const devVars = ensureDevVars();
const adminKey = process.env.ADMIN_API_KEY ?? devVars.ADMIN_API_KEY;
if (process.env.SKIP_BUILD !== "1") {
  step("build:web");
  run("npm", ["run", "--silent", "build:web"]);
}

step(`fresh local state, wrangler dev on 127.0.0.1:${port}`);
const state = join(root, ".wrangler", "browser-state");
rmSync(state, { recursive: true, force: true });
run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { CI: "true" });
// The journeys are about the pages, not the protection: the seed alone spends more than a minute's
// admin-key budget, and a dozen orders from one IP and street would start risk reviews. So, as in the
// vitest config, generous rate limits, and risk in shadow mode (scored and recorded, never acted on).
const vars = ["RATE_LIMIT_IP:100000/60", "RATE_LIMIT_ADMIN_KEY:100000/60", "RATE_LIMIT_CUSTOMER:100000/60", "GRAPHQL_COST_MAXIMUM:1000000", "RISK_MODE:shadow"];
const server = await startWorker({ port, extraArgs: ["--persist-to", state, ...vars.flatMap((v) => ["--var", v])] });
const base = server.url;

// Second-origin pages for the CORS journey: the same page on a listed and an unlisted origin.
const secondOrigin = (originPort) =>
  new Promise((resolve) => {
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another origin</title></head><body><main><h1>A storefront on another origin</h1><p>It calls ${base} from the browser.</p><output id="result">waiting</output></main></body></html>`;
    const s = createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(page);
    });
    s.listen(originPort, "127.0.0.1", () => resolve(s));
  });
const unlistedPort = Number(process.env.BROWSER_UNLISTED_PORT ?? 8842);
const origins = [await secondOrigin(8788), await secondOrigin(unlistedPort)];

let code;
try {
  step("seed the demo catalog");
  await seed(base, adminKey, { log: (line) => console.log(line) });
  step("journeys");
  mkdirSync(join(root, "test-results", "screenshots"), { recursive: true });
  const files = readdirSync(join(root, "test", "browser", "journeys"))
    .filter((f) => f.endsWith(".test.mjs"))
    .sort()
    .map((f) => join("test", "browser", "journeys", f));
  const only = process.argv.slice(2);
  const journeys = spawn(process.execPath, ["--test", "--test-concurrency=1", "--test-reporter=spec", ...(only.length ? only : files)], {
    stdio: "inherit",
    env: { ...process.env, BROWSER_BASE_URL: base, BROWSER_UNLISTED_ORIGIN: `http://127.0.0.1:${unlistedPort}`, ADMIN_API_KEY: adminKey, CHROMIUM_PATH: chromium },
  });
  code = await new Promise((resolve) => journeys.on("exit", (c) => resolve(c ?? 1)));
  console.log(`\nscreenshots: ${readdirSync(join(root, "test-results", "screenshots")).length} files in test-results/screenshots/`);
} finally {
  for (const s of origins) s.close();
  await server.stop();
}
process.exit(code);

// Helpers for scripts that drive a local Worker: .dev.vars, migrations, a free port and a wrangler dev child process.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import net from "node:net";
import readline from "node:readline";

process.env.WRANGLER_SEND_METRICS = "false";
// Offline: miniflare would fetch request.cf data from workers.cloudflare.com and print an ENOTFOUND trace
// without a network. Its built-in placeholder is enough (the Worker ignores request.cf for local clients).
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

function parseVars(text) {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((l) => /^\s*[A-Z_][A-Z0-9_]*\s*=/.test(l))
      .map((l) => {
        const i = l.indexOf("=");
        return [l.slice(0, i).trim(), l.slice(i + 1).trim().replace(/^"(.*)"$/, "$1")];
      }),
  );
}

/**
 * `.dev.vars` from `.dev.vars.example` on first run; on later runs any variable the example gained since
 * (a new secret, say) is appended, so an old checkout keeps starting. Returns the variables.
 */
export function ensureDevVars({ log = console.log } = {}) {
  if (!existsSync(".dev.vars")) {
    copyFileSync(".dev.vars.example", ".dev.vars");
    log("created .dev.vars from .dev.vars.example (local secrets, not committed)");
  } else {
    const have = parseVars(readFileSync(".dev.vars", "utf8"));
    const example = readFileSync(".dev.vars.example", "utf8").split("\n");
    const missing = example.filter((l) => /^\s*[A-Z_][A-Z0-9_]*\s*=/.test(l) && !(l.slice(0, l.indexOf("=")).trim() in have));
    if (missing.length > 0) {
      appendFileSync(".dev.vars", `\n${missing.join("\n")}\n`);
      log(`added ${missing.map((l) => l.slice(0, l.indexOf("=")).trim()).join(", ")} to .dev.vars from .dev.vars.example`);
    }
  }
  return parseVars(readFileSync(".dev.vars", "utf8"));
}

/** Apply the D1 migrations to the local database; one summary line instead of wrangler's tables. */
export function applyMigrationsLocally({ persistTo, log = console.log } = {}) {
  const args = ["d1", "migrations", "apply", "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : [])];
  const result = spawnSync("wrangler", args, { encoding: "utf8", env: { ...process.env, CI: "true" } });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) {
    process.stderr.write(output);
    throw new Error("applying the D1 migrations failed (wrangler's output above)");
  }
  // wrangler redraws its table as it goes: count each migration once.
  const applied = new Set(output.split("\n").flatMap((l) => /(\S+\.sql)\s*│\s*✅/.exec(l)?.[1] ?? [])).size;
  log(applied > 0 ? `database: ${applied} migration${applied === 1 ? "" : "s"} applied (local D1 in ${persistTo ?? ".wrangler/state"})` : "database: up to date");
  return applied;
}

/** Resolve when nothing listens on 127.0.0.1:port; reject with a clear message when something does. */
export function assertPortFree(port, hint = "") {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error) => {
      const why = error.code === "EADDRINUSE" ? "is already in use (another `npm run dev`, or another program)" : `cannot be used (${error.code ?? error.message})`;
      reject(new Error(`Port ${port} on 127.0.0.1 ${why}. ${hint}`.trim()));
    });
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

// What `wrangler dev` prints that a developer does not need on every start: its banner, the bindings table
// (printed twice), status lines and the cron warning (npm run dev fires the crons itself).
const NOISE = [
  /^\s*$/,
  /⛅️ wrangler/,
  /^─+$/,
  /^Using (secrets|vars) defined in/,
  /^Your Worker has access to the following bindings/,
  /^Binding\s+Resource/,
  /^env\.[A-Z_]+ /,
  /^⎔ /,
  /\[wrangler:info\] Ready on/,
  /update available/i,
  /\[wrangler:info\] ✨ Parsed \d+ valid (header|redirect) rules/,
];
const CRON_WARNING_START = /Scheduled Workers are not automatically triggered/;
const CRON_WARNING_END = /For more details, see/;
/** `[wrangler:info] GET /v1/products 200 OK (12ms)`, `[wrangler:info] QUEUE edgeshop-events 12/12 (907ms)` */
export const REQUEST_LINE = /^\[wrangler:info\] ([A-Z]+ \S+ \d{3}\b|QUEUE \S+ \d+\/\d+)/;

/** Copy a child's output line by line, dropping `NOISE` (and request lines while `hideRequests()` says so). */
function filtered(stream, out, hideRequests) {
  let inCronWarning = false;
  readline.createInterface({ input: stream }).on("line", (raw) => {
    // eslint-disable-next-line no-control-regex
    const line = raw.replace(/\u001b\[[0-9;]*m/g, "");
    if (CRON_WARNING_START.test(line)) inCronWarning = true;
    if (inCronWarning) {
      if (CRON_WARNING_END.test(line)) inCronWarning = false;
      return;
    }
    if (NOISE.some((pattern) => pattern.test(line))) return;
    if (REQUEST_LINE.test(line) && hideRequests()) return;
    out.write(`${raw}\n`);
  });
}

/**
 * Start `wrangler dev` on 127.0.0.1:port and resolve once /healthz answers. The port must be free: a server
 * that is already there would answer /healthz and pass for ours. `quiet` drops everything wrangler prints on
 * stdout; otherwise its noise is filtered and request lines are hidden until `showRequests()` is called.
 */
export async function startWorker({ port, extraArgs = [], quiet = true, portHint } = {}) {
  await assertPortFree(port, portHint ?? `Stop it, or pick another port (e.g. PORT=${port + 1}).`);
  const child = spawn("wrangler", ["dev", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false", ...extraArgs], {
    stdio: ["ignore", quiet ? "ignore" : "pipe", "pipe"],
    env: process.env,
  });
  let requestsVisible = false;
  if (!quiet) filtered(child.stdout, process.stdout, () => !requestsVisible);
  filtered(child.stderr, process.stderr, () => true);
  const url = `http://127.0.0.1:${port}`;
  const stop = () => new Promise((r) => (child.exitCode !== null ? r() : (child.once("exit", r), child.kill("SIGTERM"))));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, child, stop, showRequests: () => (requestsVisible = true) };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  child.kill("SIGTERM");
  throw new Error("wrangler dev did not become healthy within 90s");
}

// `npm run tour`: run the README's API tour verbatim against a fresh `npm run dev`, twice in a row.
//
// The tour is every ```sh block of README.md between "## API tour" and the next "## " heading, in order, in one
// bash shell (later blocks use the variables of earlier ones, as a reader's terminal would), with `set -euo
// pipefail`. The only change to the text is the port: http://127.0.0.1:8787 becomes the tour's port. A block is
// steered by an HTML comment on the line before its fence (invisible on GitHub):
//   <!-- tour: skip <why> -->        not run (it needs something the tour does not have, e.g. a Stripe account)
//   <!-- tour: expect 400 409 -->    these HTTP statuses are what the block shows (an error example)
// Every `curl` reports its status on stderr (a shell function adds `-w`; stdout is untouched). A run fails when a
// command fails, when a request gets no answer or a 5xx, or when a 4xx is not one its block expects.
//
// Options: TOUR_PORT (default 8814; the server's debugger takes the next port), TOUR_RUNS (default 2), TOUR_KEEP=1 keeps the server's state directory.
// The server gets an empty state directory (DEV_PERSIST_TO), as on a fresh clone; its output is in the log
// printed at the end.
import { spawn } from "node:child_process";
import { closeSync, createWriteStream, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const README_PORT = 8787;

/** The tour's shell blocks: `{ line, code, skip, expect }` (line is 1-based, of the opening fence). */
export function tourBlocks(markdown) {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => /^## API tour\b/.test(l));
  if (start < 0) throw new Error('README.md has no "## API tour" section');
  const blocks = [];
  let i = start + 1;
  while (i < lines.length && !/^## /.test(lines[i])) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]);
    if (!fence) {
      i++;
      continue;
    }
    const close = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (close < 0) throw new Error(`README.md:${i + 1}: a code block that never closes`);
    if (["sh", "bash", "shell"].includes(fence[1])) {
      const directive = /^<!--\s*tour:\s*(skip|expect)\b(.*?)-->\s*$/.exec(lines[i - 1] ?? "");
      blocks.push({
        line: i + 1,
        code: lines.slice(i + 1, close).join("\n"),
        skip: directive?.[1] === "skip" ? directive[2].trim() || "marked skip" : null,
        expect: new Set(directive?.[1] === "expect" ? directive[2].trim().split(/\s+/).map(Number) : []),
      });
    }
    i = close + 1;
  }
  return blocks;
}

/** One bash script for the whole tour: a marker before each block, curl reporting its status on stderr. */
export function tourScript(blocks, port) {
  const parts = [
    "set -euo pipefail",
    `curl() { command curl -w '%{stderr}\\n@@tour-http %{http_code} %{url_effective}\\n' "$@"; }`,
  ];
  blocks.forEach((block, index) => {
    if (block.skip) return;
    parts.push(`printf '\\n@@tour-block ${index}\\n' >&2`, block.code.replaceAll(`127.0.0.1:${README_PORT}`, `127.0.0.1:${port}`));
  });
  return `${parts.join("\n")}\n`;
}

/** What a run's stderr says: HTTP answers per block, and those that are not fine. */
export function judge(blocks, stderr) {
  let block = -1;
  const requests = [];
  const bad = [];
  for (const line of stderr.split("\n")) {
    const marker = /^@@tour-block (\d+)$/.exec(line);
    if (marker) block = Number(marker[1]);
    const http = /^@@tour-http (\d{3}) (.*)$/.exec(line);
    if (!http) continue;
    const status = Number(http[1]);
    requests.push({ block, status, url: http[2] });
    const expected = blocks[block]?.expect.has(status);
    if (status === 0 || status >= 500 || (status >= 400 && !expected)) bad.push({ block, status, url: http[2], line: blocks[block]?.line });
  }
  return { requests, bad };
}

function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, options);
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

/** Start `npm run dev` (scripts/dev.mjs) on the port with an empty state directory; resolves once it is running. */
async function startDev(port, stateDir, log) {
  const child = spawn(process.execPath, ["scripts/dev.mjs"], {
    env: { ...process.env, PORT: String(port), DEV_PERSIST_TO: stateDir, DEV_INSPECTOR_PORT: String(port + 1) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stopping it stops wrangler and workerd too
  });
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  let output = "";
  child.stdout.on("data", (chunk) => ((output += chunk), log.write(chunk)));
  child.stderr.on("data", (chunk) => log.write(chunk));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("npm run dev did not start within 180 s")), 180_000);
    const check = () => {
      if (output.includes("Edgeshop is running")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm run dev exited with ${code} before it was running`));
    });
  });
  return { stop, startLines: output.split("\n").filter(Boolean).length };
}

async function main() {
  const port = Number(process.env.TOUR_PORT ?? 8814);
  const runs = Number(process.env.TOUR_RUNS ?? 2);
  const blocks = tourBlocks(readFileSync("README.md", "utf8"));
  const work = mkdtempSync(join(tmpdir(), "edgeshop-tour-"));
  const stateDir = join(work, "state");
  const logPath = join(work, "dev.log");
  const log = createWriteStream(logPath);
  const script = join(work, "tour.sh");
  writeFileSync(script, tourScript(blocks, port));
  const skipped = blocks.filter((b) => b.skip);
  console.log(`tour: ${blocks.length} shell blocks in README.md's "API tour", ${skipped.length} skipped (${skipped.map((b) => `line ${b.line}: ${b.skip}`).join("; ") || "none"})`);

  const started = Date.now();
  let dev;
  let failed = false;
  try {
    dev = await startDev(port, stateDir, log);
    console.log(`tour: npm run dev is up on 127.0.0.1:${port} after ${((Date.now() - started) / 1000).toFixed(0)} s (${dev.startLines} lines of start-up output)`);
    for (let n = 1; n <= runs; n++) {
      const out = join(work, `run-${n}.out`);
      const t0 = Date.now();
      const stdout = openSync(out, "w");
      const { code, stderr } = await run("bash", [script], { stdio: ["ignore", stdout, "pipe"], env: { ...process.env, PATH: `${join(process.cwd(), "node_modules/.bin")}:${process.env.PATH}` } });
      closeSync(stdout);
      writeFileSync(join(work, `run-${n}.err`), stderr);
      const { requests, bad } = judge(blocks, stderr);
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      if (code === 0 && bad.length === 0) {
        console.log(`tour run ${n}: ok in ${seconds} s (${requests.length} requests, statuses ${[...new Set(requests.map((r) => r.status))].sort().join(", ")})`);
        continue;
      }
      failed = true;
      const lastBlock = [...stderr.matchAll(/^@@tour-block (\d+)$/gm)].at(-1)?.[1];
      console.error(`tour run ${n}: FAILED after ${seconds} s${code !== 0 ? ` (bash exited ${code} in the block at README.md:${blocks[Number(lastBlock)]?.line})` : ""}`);
      for (const b of bad) console.error(`  README.md:${b.line}: ${b.status} ${b.url}`);
      console.error(stderr.split("\n").filter((l) => l && !l.startsWith("@@tour-")).slice(-15).map((l) => `  | ${l}`).join("\n"));
      break;
    }
  } catch (error) {
    failed = true;
    console.error(`tour: ${error instanceof Error ? error.message : error}`);
  } finally {
    dev?.stop();
    log.end();
  }
  console.log(`tour: server log and run output in ${work}`);
  if (!failed && !process.env.TOUR_KEEP) rmSync(stateDir, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

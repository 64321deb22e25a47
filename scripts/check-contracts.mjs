// `npm run contracts`: serve the Worker locally, then check the two API documents with the tools their
// readers use: /openapi.json with `redocly lint` (recommended rules, redocly.yaml; zero errors and zero
// warnings) and /asyncapi.json with the official AsyncAPI parser (no errors, no warnings). The documents are
// written to dist/contracts/ for inspection. Port: CONTRACTS_PORT (default 8808).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Parser } from "@asyncapi/parser";
import { startWorker } from "./local.mjs";

const port = Number(process.env.CONTRACTS_PORT ?? 8808);
const persist = mkdtempSync(path.join(tmpdir(), "edgeshop-contracts-"));
const server = await startWorker({ port, extraArgs: ["--persist-to", persist] });
let failed = false;
try {
  mkdirSync("dist/contracts", { recursive: true });
  const fetchDoc = async (name) => {
    const res = await fetch(`${server.url}/${name}`);
    if (!res.ok) throw new Error(`GET /${name}: ${res.status}`);
    const text = await res.text();
    writeFileSync(`dist/contracts/${name}`, text);
    return text;
  };
  await fetchDoc("openapi.json");
  const asyncApi = await fetchDoc("asyncapi.json");

  const lint = spawnSync("redocly", ["lint", "dist/contracts/openapi.json", "--max-problems", "50"], { stdio: "inherit" });
  const warnings = spawnSync("redocly", ["lint", "dist/contracts/openapi.json", "--format", "summary"], { encoding: "utf8" });
  if (lint.status !== 0) failed = true;
  else if (/warning/i.test(warnings.stdout + warnings.stderr)) {
    console.error("openapi.json: redocly reports warnings (see above)");
    failed = true;
  }

  const { document, diagnostics } = await new Parser().parse(asyncApi);
  // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
  const serious = diagnostics.filter((d) => d.severity <= 1);
  for (const d of diagnostics) console.log(`asyncapi.json: ${["error", "warning", "info", "hint"][d.severity]} ${d.code}: ${d.message} (${d.path.join("/")})`);
  if (!document || serious.length > 0) failed = true;
  else console.log(`asyncapi.json: parsed by @asyncapi/parser, ${document.channels().length} channels, ${document.messages().length} messages, no errors`);
} finally {
  await server.stop();
  rmSync(persist, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

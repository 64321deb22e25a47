// Builds the admin SPA (web/admin) into web/dist/static/admin with content-hashed file names.
// Run through `npm run build:web` (web/build.mjs), which also lays out the rest of the static assets.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("./admin"),
  base: "/static/admin/",
  publicDir: false,
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: here("./dist/static/admin"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    // One small app: a single JS chunk and one CSS file; no modulepreload polyfill (no inline script, strict CSP).
    modulePreload: false,
    reportCompressedSize: false,
  },
});

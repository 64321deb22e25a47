import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".wrangler/", "**/.wrangler/", "dist/", "worker-configuration.d.ts", "web/dist/", "test-results/", "clients/graphql/generated/", "clients/rest/schema.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/rest", "**/graphql/*", "hono", "graphql-yoga"], message: "Services must not import a transport." }] },
      ],
    },
  },
  {
    // Transports, tests, the app wiring and the browser side (pages, storefront, clients) may import transports; services may not.
    files: ["src/app.ts", "src/index.ts", "src/web/**", "src/storefront/**", "web/**", "clients/**", "src/http/**", "src/graphql/**", "src/modules/*/rest.ts", "src/modules/*/graphql.ts", "test/**", "bench/**", "scripts/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Browser code: the admin SPA, storefront script and boot scripts run in the page.
    files: ["web/**/*.{ts,tsx,js}", "test/browser/**/*.mjs"],
    languageOptions: { globals: { CSS: "readonly", getComputedStyle: "readonly", setInterval: "readonly", clearInterval: "readonly", window: "readonly", document: "readonly", self: "readonly", location: "readonly", history: "readonly", fetch: "readonly", EventSource: "readonly", setTimeout: "readonly", clearTimeout: "readonly", URLSearchParams: "readonly", console: "readonly" } },
  },
  {
    files: ["web/build.mjs", "test/browser/**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", fetch: "readonly", setTimeout: "readonly", clearTimeout: "readonly", Buffer: "readonly" } },
  },
  {
    files: ["scripts/**/*.mjs", "bench/**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", fetch: "readonly", setTimeout: "readonly", btoa: "readonly" } },
  },
);

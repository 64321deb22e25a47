import js from "@eslint/js";
import tseslint from "typescript-eslint";
import edgeshop from "./eslint-rules/module-boundaries.js";

/** Files that are transports: the root, the toolkits, and each module's rest / graphql / rpc files. */
const TRANSPORT_FILES = [
  "src/index.ts",
  "src/app/**",
  "src/http/**",
  "src/graphql/**",
  "src/modules/*/rest.ts",
  "src/modules/*/graphql.ts",
  "src/modules/*/rpc.ts",
  "src/modules/*/rest-*.ts",
  "src/modules/*/graphql-*.ts",
  "src/modules/*/*-rest.ts",
  "src/modules/*/*-graphql.ts",
];

export default tseslint.config(
  { ignores: ["node_modules/", ".wrangler/", "**/.wrangler/", "dist/", "worker-configuration.d.ts", "web/dist/", "test-results/", "clients/graphql/generated/", "clients/rest/schema.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { edgeshop },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      // Module surfaces and layers (docs/architecture.md): see eslint-rules/module-boundaries.js.
      "edgeshop/module-boundaries": "error",
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/rest", "**/graphql", "**/graphql/*", "hono", "hono/*", "graphql-yoga", "@pothos/*"], message: "Services must not import a transport." }] },
      ],
    },
  },
  {
    // Transports, tests and tooling may import transports; services may not. The browser side (pages,
    // storefront, admin SPA, typed clients) is a client of the transports.
    files: [...TRANSPORT_FILES, "src/web/**", "src/storefront/**", "web/**", "clients/**", "test/**", "bench/**", "scripts/**", "eval/**"],
    ignores: ["test/lint-fixtures/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // Every line of the fixtures breaks a boundary and says so with a disable comment; a comment the
    // rule does not need (because it no longer refuses that import) fails the lint run.
    files: ["test/lint-fixtures/**"],
    linterOptions: { reportUnusedDisableDirectives: "error" },
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
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", fetch: "readonly", setTimeout: "readonly", clearTimeout: "readonly", btoa: "readonly" } },
  },
);

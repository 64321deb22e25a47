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
  { ignores: ["node_modules/", ".wrangler/", "**/.wrangler/", "dist/", "worker-configuration.d.ts"] },
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
    // Transports, tests and tooling may import transports; services may not.
    files: [...TRANSPORT_FILES, "test/**", "bench/**", "scripts/**", "eval/**"],
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
    files: ["scripts/**/*.mjs", "bench/**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", fetch: "readonly", setTimeout: "readonly", clearTimeout: "readonly", btoa: "readonly" } },
  },
);

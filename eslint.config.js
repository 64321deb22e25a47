import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".wrangler/", "**/.wrangler/", "dist/", "worker-configuration.d.ts"] },
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
    // Transports, tests and the app wiring may import transports; services may not.
    files: ["src/app.ts", "src/index.ts", "src/http/**", "src/graphql/**", "src/modules/*/rest.ts", "src/modules/*/graphql.ts", "test/**", "bench/**", "scripts/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["scripts/**/*.mjs", "bench/**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", fetch: "readonly", setTimeout: "readonly", btoa: "readonly" } },
  },
);

import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_API_KEY: "esk_admin_test_key_0123456789abcdef",
            SECRETS_KEY: "ZWRnZXNob3AtdGVzdC1zZWNyZXRzLWtleS0wMDAwMDA=",
            ENVIRONMENT: "test",
            // Generous limits so suites that share one client IP are not throttled; the protection
            // tests override them per request.
            RATE_LIMIT_IP: "100000/60",
            RATE_LIMIT_ADMIN_KEY: "100000/60",
            RATE_LIMIT_CUSTOMER: "100000/60",
            GRAPHQL_COST_MAXIMUM: "1000000",
            // wrangler.toml ships RISK_MODE=shadow; the tests exercise enforcement (and shadow where they say so).
            RISK_MODE: "enforce",
          },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/support/apply-migrations.ts"],
      include: ["test/**/*.test.ts"],
      // In CI a JSON report lets .ci/run print one plain "N passed, N failed" closing line.
      reporters: process.env.CI ? ["default", "json"] : ["default"],
      outputFile: { json: "dist/vitest-report.json" },
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
});

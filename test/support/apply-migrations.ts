import { applyD1Migrations, env } from "cloudflare:test";
// The composition root's module wiring (inventory's known-SKU lookup), for tests that call services
// directly before any request has loaded the app.
import "../../src/app/wiring";

// Idempotent: applies only migrations not yet recorded, once per test file's storage.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

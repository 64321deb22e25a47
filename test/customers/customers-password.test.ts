import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PASSWORD_ITERATIONS } from "../../src/modules/customers/config";
import { hashPassword, needsRehash, verifyPassword } from "../../src/shared/password";
import { PASSWORD, signIn, signUp } from "../support/customers-helpers";

describe("password hashing", () => {
  it("uses PBKDF2-SHA256 at 100,000 iterations, the ceiling of Cloudflare's production runtime", async () => {
    // workerd's DEFAULT_MAX_PBKDF2_ITERATIONS; production throws NotSupportedError above it.
    expect(PASSWORD_ITERATIONS).toBe(100_000);
    const hash = await hashPassword(PASSWORD);
    expect(hash).toMatchObject({ algorithm: "pbkdf2-sha256", iterations: 100_000 });
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword(PASSWORD + " ", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
  });

  it("verifies hashes made with an older count and upgrades them at the next sign-in", async () => {
    const { email, customer } = await signUp();
    const legacy = await hashPassword(PASSWORD, 10_000);
    expect(needsRehash(legacy)).toBe(true);
    await env.DB.prepare("UPDATE customers SET password_iterations = ?, password_salt = ?, password_hash = ? WHERE id = ?")
      .bind(legacy.iterations, legacy.salt, legacy.hash, customer.id)
      .run();
    expect((await signIn(email, PASSWORD)).status).toBe(200);
    const row = await env.DB.prepare("SELECT password_iterations, password_salt FROM customers WHERE id = ?").bind(customer.id).first<{ password_iterations: number; password_salt: string }>();
    expect(row!.password_iterations).toBe(PASSWORD_ITERATIONS);
    expect(row!.password_salt).not.toBe(legacy.salt);
    expect((await signIn(email, PASSWORD)).status).toBe(200);
  });
});

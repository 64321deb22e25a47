import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, unique } from "../support/helpers";
import { signUp } from "../support/customers-helpers";

const address = () => ({ name: "Ada Lovelace", line1: unique("1 Analytical St"), city: "Berlin", postalCode: "10115", country: "DE" });

describe("address book cap under concurrency", () => {
  it("keeps at most 50 addresses even when many are added at once, and a refused add takes no default away", async () => {
    const { token, customer } = await signUp();
    // 45 addresses already (written directly: the test is about the last few).
    const at = new Date().toISOString();
    const rows = Array.from({ length: 45 }, (_, i) =>
      env.DB.prepare(
        "INSERT INTO customer_addresses (id, customer_id, name, line1, city, country, is_default_shipping, is_default_billing, created_at, updated_at) VALUES (?, ?, 'A', ?, 'Berlin', 'DE', ?, ?, ?, ?)",
      ).bind(`addr_${unique("x")}`, customer.id, `${i} Street`, i === 0 ? 1 : 0, i === 0 ? 1 : 0, at, at),
    );
    await env.DB.batch(rows);

    const results = await Promise.all(
      Array.from({ length: 20 }, () => call("POST", "/v1/me/addresses", { token, body: { ...address(), isDefaultShipping: true } })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(15);
    expect(refused[0]!.body.detail).toContain("at most 50 addresses");

    const book = await call("GET", "/v1/me/addresses", { token });
    expect(book.body.data).toHaveLength(50);
    // Exactly one default shipping address, and it is one that was actually added.
    const defaults = book.body.data.filter((a: { isDefaultShipping: boolean }) => a.isDefaultShipping);
    expect(defaults).toHaveLength(1);
    expect(results.filter((r) => r.status === 201).map((r) => r.body.id)).toContain(defaults[0].id);
  });
});

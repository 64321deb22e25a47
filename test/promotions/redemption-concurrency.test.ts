import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { isUsageLimitViolation, redemptionStatements, returnRedemptionStatements } from "../../src/modules/promotions";
import { promotionRedemptions } from "../../src/modules/promotions/tables";
import { newId } from "../../src/shared/ids";
import { call, unique } from "../support/helpers";

const db = () => createDb(env.DB);

async function codePromotion(body: Record<string, unknown> = {}) {
  const code = unique("C").replaceAll("-", "").slice(0, 30).toUpperCase();
  const res = await call("POST", "/v1/promotions", {
    admin: true,
    body: { title: "Limited", trigger: "code", codes: [code], rule: { type: "order", value: { type: "percentage", percent: 10 } }, ...body },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id as string, code };
}

/** One checkout's redemption, exactly as checkout puts it into its order batch. */
function redeem(promotionId: string, code: string, customerKey: string, orderId = newId("order")) {
  const d = db();
  const statements = redemptionStatements(d, { orderId, customerKey, currency: "EUR", applied: [{ promotionId, code, amount: 100 }], at: new Date().toISOString() });
  return d.batch(statements as [(typeof statements)[number], ...typeof statements]).then(() => orderId);
}

const counts = async (promotionId: string) => {
  const row = await env.DB.prepare(
    "SELECT (SELECT redeemed FROM promotions WHERE id = ?1) AS counter, (SELECT count(*) FROM promotion_redemptions WHERE promotion_id = ?1 AND status = 'redeemed') AS rows_",
  )
    .bind(promotionId)
    .first<{ counter: number; rows_: number }>();
  return { counter: row!.counter, rows: row!.rows_ };
};

describe("usage limits under concurrency", () => {
  it("a code with 100 uses is redeemed exactly 100 times by 1,000 concurrent checkouts", async () => {
    const { id, code } = await codePromotion({ usageLimit: 100 });
    const results = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => redeem(id, code, `email:shopper${i}@example.com`)));
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(100);
    expect(lost).toHaveLength(900);
    // Every loser was refused by the limit's CHECK, not by anything else.
    expect(lost.every((r) => isUsageLimitViolation(r.reason) === "promotion")).toBe(true);
    expect(await counts(id)).toEqual({ counter: 100, rows: 100 });
    const promotion = await call("GET", `/v1/promotions/${id}`, { admin: true });
    expect(promotion.body).toMatchObject({ timesRedeemed: 100, usageLimit: 100, state: "used_up" });
  }, 240_000);

  it("control: the same race against a read-then-write limit (no guard in the write) over-redeems", async () => {
    // What the CHECK prevents: each checkout reads how many uses are left, then writes. With the
    // same kind of concurrency (300 checkouts for 100 uses), many read "uses left" before any write lands.
    const { id, code } = await codePromotion({ usageLimit: null });
    const limit = 100;
    const naive = async (i: number) => {
      const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM promotion_redemptions WHERE promotion_id = ?").bind(id).first<{ n: number }>())!;
      if (n >= limit) throw new Error("used up");
      await redeem(id, code, `email:naive${i}@example.com`);
    };
    const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => naive(i)));
    const won = results.filter((r) => r.status === "fulfilled").length;
    expect(won).toBeGreaterThan(limit);
    expect((await counts(id)).rows).toBe(won);
  }, 240_000);

  it("a per-customer limit holds when one customer checks out many carts at once", async () => {
    const { id, code } = await codePromotion({ usageLimitPerCustomer: 2 });
    const key = `customer:${unique("cus")}`;
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => redeem(id, code, key)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect(results.filter((r) => r.status === "rejected").every((r) => isUsageLimitViolation((r as PromiseRejectedResult).reason) === "customer")).toBe(true);
    // Other customers are not affected.
    await expect(redeem(id, code, `customer:${unique("other")}`)).resolves.toMatch(/^ord_/);
    expect(await counts(id)).toEqual({ counter: 3, rows: 3 });
  });

  it("cancelling returns each redemption exactly once, however often and concurrently the return runs", async () => {
    const { id, code } = await codePromotion({ usageLimit: 1, usageLimitPerCustomer: 1 });
    const key = `email:${unique("ret")}@example.com`;
    const orderId = await redeem(id, code, key);
    await expect(redeem(id, code, `email:${unique("late")}@example.com`)).rejects.toSatisfy((e) => isUsageLimitViolation(e) === "promotion");

    const d = db();
    const at = new Date().toISOString();
    await Promise.all(
      Array.from({ length: 10 }, () => {
        const statements = returnRedemptionStatements(d, orderId, at);
        return d.batch(statements as [(typeof statements)[number], ...typeof statements]);
      }),
    );
    expect(await counts(id)).toEqual({ counter: 0, rows: 0 });
    const usage = await env.DB.prepare("SELECT redeemed FROM promotion_customer_usage WHERE promotion_id = ? AND customer_key = ?").bind(id, key).first<{ redeemed: number }>();
    expect(usage!.redeemed).toBe(0);
    const [row] = await d.select().from(promotionRedemptions).where(eq(promotionRedemptions.orderId, orderId));
    expect(row).toMatchObject({ status: "returned", returnedAt: at });
    // The use is free again, for the same customer too.
    await expect(redeem(id, code, key)).resolves.toMatch(/^ord_/);
  });
});

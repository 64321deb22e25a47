import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { chargeStatements, giftCardReturnStatements, isBalanceViolation } from "../../src/modules/gift-cards";
import { newId } from "../../src/shared/ids";
import { call } from "../support/helpers";

const db = () => createDb(env.DB);

async function issue(amount: number, currency = "EUR") {
  const res = await call("POST", "/v1/gift-cards", { admin: true, body: { amount: { amount, currency } } });
  expect(res.status, res.text).toBe(201);
  return res.body as { giftCard: { id: string }; code: string };
}

/** One checkout's charge, exactly as checkout puts it into its order batch. */
function charge(giftCardId: string, amount: number, orderId = newId("order")) {
  const d = db();
  const statements = chargeStatements(d, { orderId, charges: [{ giftCardId, amount }], at: new Date().toISOString() });
  return d.batch(statements as [(typeof statements)[number], ...typeof statements]).then(() => orderId);
}

const state = async (id: string) => {
  const card = await env.DB.prepare("SELECT balance FROM gift_cards WHERE id = ?").bind(id).first<{ balance: number }>();
  const ledger = await env.DB.prepare("SELECT kind, amount, balance_after FROM gift_card_transactions WHERE gift_card_id = ? ORDER BY rowid").bind(id).all<{ kind: string; amount: number; balance_after: number }>();
  return { balance: card!.balance, ledger: ledger.results };
};

describe("gift-card balance under concurrency", () => {
  it("two concurrent checkouts cannot spend the same balance", async () => {
    const { giftCard } = await issue(5000);
    const results = await Promise.allSettled([charge(giftCard.id, 3000), charge(giftCard.id, 3000)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expect(isBalanceViolation(failed.reason)).toBe(true);
    expect(await state(giftCard.id)).toEqual({
      balance: 2000,
      ledger: [
        { kind: "issue", amount: 5000, balance_after: 5000 },
        { kind: "charge", amount: -3000, balance_after: 2000 },
      ],
    });
  });

  it("many concurrent partial charges never take more than the balance, and the ledger adds up", async () => {
    const { giftCard } = await issue(10_000);
    // 200 checkouts each wanting 700: at most 14 fit (9800), and the card ends with 200.
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => charge(giftCard.id, 700)));
    const won = results.filter((r) => r.status === "fulfilled").length;
    expect(won).toBe(14);
    expect(results.filter((r) => r.status === "rejected").every((r) => isBalanceViolation((r as PromiseRejectedResult).reason))).toBe(true);
    const { balance, ledger } = await state(giftCard.id);
    expect(balance).toBe(200);
    expect(ledger.reduce((s, e) => s + e.amount, 0)).toBe(200);
    // Each entry's balance_after is the running sum: every charge saw the one before it.
    let running = 0;
    for (const e of ledger) expect(e.balance_after).toBe((running += e.amount));
  }, 120_000);

  it("refuses a charge on a disabled or expired card, in the same way", async () => {
    const { giftCard } = await issue(5000);
    expect((await call("PATCH", `/v1/gift-cards/${giftCard.id}`, { admin: true, body: { status: "disabled" } })).status).toBe(200);
    await expect(charge(giftCard.id, 100)).rejects.toSatisfy(isBalanceViolation);
    const { giftCard: expiring } = await issue(5000);
    await env.DB.prepare("UPDATE gift_cards SET expires_at = ? WHERE id = ?").bind(new Date(Date.now() - 1000).toISOString(), expiring.id).run();
    await expect(charge(expiring.id, 100)).rejects.toSatisfy(isBalanceViolation);
    expect((await state(expiring.id)).balance).toBe(5000);
  });

  it("a cancelled order's charge comes back exactly once, however often the return runs", async () => {
    const { giftCard } = await issue(5000);
    const orderId = await charge(giftCard.id, 1200);
    const d = db();
    const at = new Date().toISOString();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const statements = await giftCardReturnStatements(d, orderId, at);
        await d.batch(statements as [(typeof statements)[number], ...typeof statements]);
      }),
    );
    const { balance, ledger } = await state(giftCard.id);
    expect(balance).toBe(5000);
    expect(ledger.map((e) => [e.kind, e.amount, e.balance_after])).toEqual([
      ["issue", 5000, 5000],
      ["charge", -1200, 3800],
      ["return", 1200, 5000],
    ]);
  });
});

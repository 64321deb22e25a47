import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { creditGiftCard } from "../../src/modules/gift-cards";
import { createServiceContext } from "../../src/context";
import { signUp } from "../support/customers-helpers";
import { call, gql, unique } from "../support/helpers";

const issue = (body: Record<string, unknown>) => call("POST", "/v1/gift-cards", { admin: true, body });

describe("gift cards over REST", () => {
  it("issues a card whose code is shown once, checks its balance by code, never shows the code again", async () => {
    const res = await issue({ amount: { amount: 5000, currency: "EUR" }, note: "Birthday" });
    expect(res.status, res.text).toBe(201);
    const { giftCard, code } = res.body;
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(giftCard).toMatchObject({ kind: "gift_card", last4: code.slice(-4), balance: { amount: 5000, currency: "EUR" }, initialAmount: { amount: 5000, currency: "EUR" }, status: "active", note: "Birthday" });
    expect(JSON.stringify((await call("GET", `/v1/gift-cards/${giftCard.id}`, { admin: true })).body)).not.toContain(code.slice(0, 9));

    // Anyone with the code (any case, without dashes) reads the balance, and only that.
    const balance = await call("POST", "/v1/gift-card-balance", { body: { code: code.toLowerCase().replaceAll("-", " ") } });
    expect(balance.status, balance.text).toBe(200);
    expect(balance.body).toEqual({ last4: code.slice(-4), balance: { amount: 5000, currency: "EUR" }, status: "active", expiresAt: null, usable: true });
    expect((await call("POST", "/v1/gift-card-balance", { body: { code: "AAAA-BBBB-CCCC-DDDD" } })).status).toBe(404);
    const stored = await env.DB.prepare("SELECT code_hash FROM gift_cards WHERE id = ?").bind(giftCard.id).first<{ code_hash: string }>();
    expect(stored!.code_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("accepts a merchant's own code once, and refuses bad input writing nothing", async () => {
    const code = unique("PAPER").replaceAll("-", "").toUpperCase().slice(0, 24);
    expect((await issue({ amount: { amount: 2500, currency: "USD" }, code })).status).toBe(201);
    const again = await issue({ amount: { amount: 2500, currency: "USD" }, code: code.toLowerCase() });
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([{ pointer: "/code", detail: "Already used." }]);

    const before = (await env.DB.prepare("SELECT count(*) AS n FROM gift_cards").first<{ n: number }>())!.n;
    const bad = await issue({ kind: "store_credit", amount: { amount: 0, currency: "eur" }, code: "x", expiresAt: "2001-01-01T00:00:00Z" });
    expect(bad.status).toBe(400);
    expect(new Set(bad.body.errors.map((e: any) => e.pointer))).toEqual(new Set(["/amount/amount", "/amount/currency", "/code", "/customerId", "/expiresAt"]));
    const noOwner = await issue({ kind: "store_credit", amount: { amount: 100, currency: "EUR" } });
    expect(noOwner.body.errors).toEqual([{ pointer: "/customerId", detail: "Store credit needs a customerId." }]);
    const past = await issue({ amount: { amount: 100, currency: "EUR" }, expiresAt: "2001-01-01T00:00:00Z" });
    expect(past.body.errors).toEqual([{ pointer: "/expiresAt", detail: "Must be in the future." }]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM gift_cards").first<{ n: number }>())!.n).toBe(before);
  });

  it("admin-only: 401 without a key, 403 without the scope", async () => {
    expect((await call("POST", "/v1/gift-cards", { body: { amount: { amount: 100, currency: "EUR" } } })).status).toBe(401);
    expect((await call("GET", "/v1/gift-cards")).status).toBe(401);
    const customer = await signUp();
    expect((await call("GET", "/v1/gift-cards", { token: customer.token })).status).toBe(403);
  });

  it("adjusts once per reference, never below zero, and keeps a ledger with the balance after each change", async () => {
    const { giftCard } = (await issue({ amount: { amount: 1000, currency: "EUR" } })).body;
    const add = await call("POST", `/v1/gift-cards/${giftCard.id}/adjustments`, { admin: true, body: { amount: 500, reference: "goodwill-1", note: "Late parcel" } });
    expect(add.status, add.text).toBe(200);
    expect(add.body.giftCard.balance.amount).toBe(1500);
    expect(add.body.transaction).toMatchObject({ kind: "adjustment", amount: 500, balanceAfter: 1500, reference: "goodwill-1", actor: "admin:bootstrap" });
    const replay = await call("POST", `/v1/gift-cards/${giftCard.id}/adjustments`, { admin: true, body: { amount: 500, reference: "goodwill-1" } });
    expect(replay.body.giftCard.balance.amount).toBe(1500);
    expect(replay.body.transaction.id).toBe(add.body.transaction.id);
    const reused = await call("POST", `/v1/gift-cards/${giftCard.id}/adjustments`, { admin: true, body: { amount: 700, reference: "goodwill-1" } });
    expect(reused.status).toBe(409);
    const tooMuch = await call("POST", `/v1/gift-cards/${giftCard.id}/adjustments`, { admin: true, body: { amount: -1501, reference: "oops" } });
    expect(tooMuch.status).toBe(409);
    const refund = await call("POST", `/v1/gift-cards/${giftCard.id}/adjustments`, { admin: true, body: { amount: 250, reference: "refund-ord-1", orderId: "ord_x" } });
    expect(refund.body.transaction).toMatchObject({ kind: "refund", orderId: "ord_x", balanceAfter: 1750 });

    const ledger = await call("GET", `/v1/gift-cards/${giftCard.id}/transactions?limit=2`, { admin: true });
    expect(ledger.body.data.map((t: any) => [t.kind, t.amount, t.balanceAfter])).toEqual([
      ["refund", 250, 1750],
      ["adjustment", 500, 1500],
    ]);
    const rest = await call("GET", `/v1/gift-cards/${giftCard.id}/transactions?cursor=${ledger.body.next_cursor}`, { admin: true });
    expect(rest.body.data.map((t: any) => t.kind)).toEqual(["issue"]);
  });

  it("credits a refund through the module surface once per reference (what payments calls)", async () => {
    const { giftCard } = (await issue({ amount: { amount: 1000, currency: "EUR" } })).body;
    const ctx = createServiceContext({ env, actor: { kind: "admin", keyId: "payments", scopes: ["orders:write"] }, requestId: "test" });
    const first = await creditGiftCard(ctx, { giftCardId: giftCard.id, amount: { amount: 300, currency: "EUR" }, reference: "re_1", orderId: "ord_1" });
    const second = await creditGiftCard(ctx, { giftCardId: giftCard.id, amount: { amount: 300, currency: "EUR" }, reference: "re_1", orderId: "ord_1" });
    expect(first).toEqual({ credited: true, balance: { amount: 1300, currency: "EUR" } });
    expect(second).toEqual({ credited: false, balance: { amount: 1300, currency: "EUR" } });
    await expect(creditGiftCard(ctx, { giftCardId: giftCard.id, amount: { amount: 300, currency: "USD" }, reference: "re_2" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("store credit belongs to a customer, who sees it under /v1/me/gift-cards", async () => {
    const customer = await signUp();
    const res = await issue({ kind: "store_credit", customerId: customer.customer.id, amount: { amount: 1500, currency: "EUR" } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.code).toBeNull();
    const mine = await call("GET", "/v1/me/gift-cards", { token: customer.token });
    expect(mine.body.data.map((g: any) => [g.kind, g.balance.amount])).toEqual([["store_credit", 1500]]);
    expect((await call("GET", "/v1/me/gift-cards")).status).toBe(401);
    const list = await call("GET", `/v1/gift-cards?customerId=${customer.customer.id}&kind=store_credit`, { admin: true });
    expect(list.body.data).toHaveLength(1);
  });
});

describe("gift cards over GraphQL", () => {
  it("issues, reads, adjusts and checks a balance through the same service", async () => {
    const issued = await gql(
      `mutation { issueGiftCard(input: { amount: { amount: 4000, currency: "GBP" }, note: "gql" }) { code giftCard { id kind last4 balance { amount currency } } } }`,
      {},
      { admin: true },
    );
    expect(issued.errors).toBeUndefined();
    const { code, giftCard } = issued.data.issueGiftCard;
    expect(giftCard).toMatchObject({ kind: "GIFT_CARD", balance: { amount: 4000, currency: "GBP" } });
    const adjusted = await gql(
      `mutation($id: ID!) { adjustGiftCardBalance(id: $id, input: { amount: -1000, reference: "gql-1" }) { giftCard { balance { amount } } transaction { kind balanceAfter } } }`,
      { id: giftCard.id },
      { admin: true },
    );
    expect(adjusted.data.adjustGiftCardBalance).toEqual({ giftCard: { balance: { amount: 3000 } }, transaction: { kind: "ADJUSTMENT", balanceAfter: 3000 } });
    const balance = await gql(`query($code: String!) { giftCardBalance(code: $code) { last4 usable balance { amount } } }`, { code });
    expect(balance.data.giftCardBalance).toEqual({ last4: giftCard.last4, usable: true, balance: { amount: 3000 } });
    const read = await gql(`query($id: ID!) { giftCard(id: $id) { transactions(first: 5) { edges { node { kind amount } } } } }`, { id: giftCard.id }, { admin: true });
    expect(read.data.giftCard.transactions.edges.map((e: any) => e.node)).toEqual([
      { kind: "ADJUSTMENT", amount: -1000 },
      { kind: "ISSUE", amount: 4000 },
    ]);
    const bad = await gql(`mutation { issueGiftCard(input: { amount: { amount: -5, currency: "GBP" } }) { code } }`, {}, { admin: true });
    expect(bad.errors![0]!.extensions).toMatchObject({ code: "VALIDATION_FAILED", errors: expect.arrayContaining([expect.objectContaining({ pointer: "/amount/amount" })]) });
    const anonymous = await gql(`{ giftCards(first: 1) { edges { node { id } } } }`);
    expect(anonymous.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
  });
});

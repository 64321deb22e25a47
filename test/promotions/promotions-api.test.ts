import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signUp } from "../support/customers-helpers";
import { call, gql, unique } from "../support/helpers";

const code = (prefix = "SALE") => unique(prefix).replaceAll("-", "").toUpperCase().slice(0, 28);
const create = (body: Record<string, unknown>) => call("POST", "/v1/promotions", { admin: true, body });
const eventsOf = async (id: string) =>
  (await env.DB.prepare("SELECT type, payload FROM events WHERE resource_id = ? ORDER BY sequence").bind(id).all<{ type: string; payload: string }>()).results.map((e) => ({
    type: e.type,
    data: JSON.parse(e.payload).data,
  }));

describe("promotions over REST", () => {
  it("creates a code promotion with every condition, reads it back and records promotion.created", async () => {
    const c = code();
    const res = await create({
      title: "Apparel 15 %",
      trigger: "code",
      codes: [c.toLowerCase()],
      rule: { type: "lines", match: { categoryIds: ["cat_apparel"] }, value: { type: "percentage", percent: 15 } },
      minimumSubtotal: [{ amount: 5000, currency: "EUR" }],
      customerGroupIds: ["grp_vip"],
      marketIds: ["mkt_eu"],
      startsAt: "2026-01-01T00:00:00+01:00",
      endsAt: "2027-01-01T00:00:00Z",
      combinable: false,
      priority: 10,
      usageLimit: 100,
      usageLimitPerCustomer: 1,
    });
    expect(res.status, res.text).toBe(201);
    const p = res.body;
    expect(p).toMatchObject({
      id: expect.stringMatching(/^promo_/),
      codes: [c],
      trigger: "code",
      status: "active",
      startsAt: "2025-12-31T23:00:00.000Z",
      combinable: false,
      priority: 10,
      timesRedeemed: 0,
      rule: { type: "lines", match: { categoryIds: ["cat_apparel"] }, value: { type: "percentage", percent: 15 } },
    });
    expect((await call("GET", `/v1/promotions/${p.id}`, { admin: true })).body).toEqual(p);
    expect(await eventsOf(p.id)).toEqual([
      { type: "promotion.created", data: { id: p.id, title: "Apparel 15 %", trigger: "code", status: "active", codes: [c], startsAt: p.startsAt, endsAt: p.endsAt } },
    ]);
    const byCode = await call("GET", `/v1/promotions?code=${c.toLowerCase()}`, { admin: true });
    expect(byCode.body.data.map((x: any) => x.id)).toEqual([p.id]);
  });

  it("refuses bad input with pointers and writes nothing", async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM promotions").first<{ n: number }>())!.n;
    const cases: [Record<string, unknown>, string[]][] = [
      [{ title: "", trigger: "automatic", rule: { type: "order", value: { type: "percentage", percent: 0 } } }, ["/title", "/rule/value/percent"]],
      [{ title: "x", trigger: "code", rule: { type: "free_shipping" } }, ["/codes"]],
      [{ title: "x", trigger: "automatic", codes: ["ABC"], rule: { type: "free_shipping" } }, ["/codes"]],
      [{ title: "x", trigger: "automatic", rule: { type: "order", value: { type: "percentage", percent: 12.345 } } }, ["/rule/value/percent"]],
      [{ title: "x", trigger: "automatic", rule: { type: "order", value: { type: "fixed", amounts: [{ amount: 500, currency: "EUR" }, { amount: 600, currency: "EUR" }] } } }, ["/rule/value/amounts"]],
      [{ title: "x", trigger: "automatic", rule: { type: "lines", match: {}, value: { type: "percentage", percent: 10 } } }, ["/rule/match"]],
      [{ title: "x", trigger: "automatic", rule: { type: "bogus" } }, ["/rule/type"]],
      [{ title: "x", trigger: "automatic", rule: { type: "free_shipping" }, startsAt: "2026-02-01T00:00:00Z", endsAt: "2026-01-01T00:00:00Z" }, ["/endsAt"]],
      [{ title: "x", trigger: "code", codes: ["A B"], rule: { type: "free_shipping" } }, ["/codes/0"]],
      [{ title: "x", trigger: "code", codes: ["DUPE1", "dupe1"], rule: { type: "free_shipping" } }, ["/codes/1"]],
      [{ title: "x", trigger: "automatic", rule: { type: "free_shipping" }, usageLimit: 0 }, ["/usageLimit"]],
    ];
    for (const [body, pointers] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.type).toBe("https://edgeshop.dev/problems/validation-failed");
      for (const pointer of pointers) expect(res.body.errors.map((e: any) => e.pointer), JSON.stringify(body)).toContain(pointer);
    }
    expect((await env.DB.prepare("SELECT count(*) AS n FROM promotions").first<{ n: number }>())!.n).toBe(before);
  });

  it("keeps codes unique across promotions (409 with a pointer) and case-insensitive", async () => {
    const c = code();
    expect((await create({ title: "one", trigger: "code", codes: [c], rule: { type: "free_shipping" } })).status).toBe(201);
    const clash = await create({ title: "two", trigger: "code", codes: ["OTHER" + c.slice(0, 10), c.toLowerCase()], rule: { type: "free_shipping" } });
    expect(clash.status).toBe(409);
    expect(clash.body.errors).toEqual([{ pointer: "/codes/1", detail: "Already used by a promotion." }]);
  });

  it("updates only what is sent, emits promotion.updated with the changed fields, and never lowers the limit below redemptions", async () => {
    const p = (await create({ title: "Auto", trigger: "automatic", rule: { type: "order", value: { type: "percentage", percent: 5 } }, usageLimit: 10 })).body;
    const upd = await call("PATCH", `/v1/promotions/${p.id}`, { admin: true, body: { title: "Auto 7", rule: { type: "order", value: { type: "percentage", percent: 7 } }, usageLimit: null, priority: p.priority } });
    expect(upd.status, upd.text).toBe(200);
    expect(upd.body).toMatchObject({ title: "Auto 7", usageLimit: null, rule: { value: { percent: 7 } } });
    const events = await eventsOf(p.id);
    expect(events.map((e) => e.type)).toEqual(["promotion.created", "promotion.updated"]);
    expect(events[1]!.data.changed).toEqual(["title", "rule", "usageLimit"]);

    await env.DB.prepare("UPDATE promotions SET redeemed = 3 WHERE id = ?").bind(p.id).run();
    const tooLow = await call("PATCH", `/v1/promotions/${p.id}`, { admin: true, body: { usageLimit: 2 } });
    expect(tooLow.status).toBe(400);
    expect(tooLow.body.errors).toEqual([{ pointer: "/usageLimit", detail: "At least 3 (the redemptions so far)." }]);
    const disabled = await call("PATCH", `/v1/promotions/${p.id}`, { admin: true, body: { status: "disabled" } });
    expect(disabled.body).toMatchObject({ status: "disabled", state: "disabled" });
    const window = await call("PATCH", `/v1/promotions/${p.id}`, { admin: true, body: { startsAt: "2030-01-01T00:00:00Z", status: "active" } });
    expect(window.body.state).toBe("scheduled");
    const bad = await call("PATCH", `/v1/promotions/${p.id}`, { admin: true, body: { endsAt: "2029-01-01T00:00:00Z" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe("/endsAt");
  });

  it("adds and removes codes (not the last), deletes only promotions never redeemed", async () => {
    const [a, b] = [code("A"), code("B")];
    const p = (await create({ title: "Codes", trigger: "code", codes: [a], rule: { type: "free_shipping" } })).body;
    const added = await call("POST", `/v1/promotions/${p.id}/codes`, { admin: true, body: { codes: [b] } });
    expect(added.body.codes).toEqual([a, b]);
    expect((await call("DELETE", `/v1/promotions/${p.id}/codes/${a.toLowerCase()}`, { admin: true })).body.codes).toEqual([b]);
    expect((await call("DELETE", `/v1/promotions/${p.id}/codes/${b}`, { admin: true })).status).toBe(409);
    expect((await call("DELETE", `/v1/promotions/${p.id}/codes/NOPE123`, { admin: true })).status).toBe(404);

    const auto = (await create({ title: "Auto", trigger: "automatic", rule: { type: "free_shipping" } })).body;
    expect((await call("POST", `/v1/promotions/${auto.id}/codes`, { admin: true, body: { codes: [code()] } })).status).toBe(409);

    await env.DB.prepare(
      "INSERT INTO promotion_redemptions (id, promotion_id, code, order_id, customer_key, amount, currency, status, redeemed_at) VALUES (?, ?, ?, 'ord_x', 'email:x', 10, 'EUR', 'redeemed', '2026-01-01')",
    )
      .bind(unique("rdm"), p.id, b)
      .run();
    expect((await call("DELETE", `/v1/promotions/${p.id}`, { admin: true })).status).toBe(409);
    const redemptions = await call("GET", `/v1/promotions/${p.id}/redemptions`, { admin: true });
    expect(redemptions.body.data).toEqual([expect.objectContaining({ orderId: "ord_x", code: b, status: "redeemed", amount: { amount: 10, currency: "EUR" } })]);
    expect((await call("DELETE", `/v1/promotions/${auto.id}`, { admin: true })).status).toBe(204);
    expect((await call("GET", `/v1/promotions/${auto.id}`, { admin: true })).status).toBe(404);
    expect((await eventsOf(auto.id)).map((e) => e.type)).toEqual(["promotion.created", "promotion.deleted"]);
  });

  it("is admin-only", async () => {
    expect((await call("GET", "/v1/promotions")).status).toBe(401);
    const customer = await signUp();
    expect((await call("GET", "/v1/promotions", { token: customer.token })).status).toBe(403);
  });
});

describe("promotions over GraphQL", () => {
  it("creates, lists and updates through the same service, with the same validation", async () => {
    const c = code("GQL");
    const created = await gql(
      `mutation($codes: [String!]) { createPromotion(input: { title: "BXGY", trigger: CODE, codes: $codes,
         rule: { type: BUY_X_GET_Y, buy: { quantity: 2, match: { skus: ["SOCK-1"] } }, get: { quantity: 1, match: { skus: ["SOCK-1"] } }, maxApplications: 3 },
         minimumSubtotal: [{ amount: 1000, currency: "EUR" }] }) {
         id codes state rule { type buy { quantity match { skus } } get { quantity percent } maxApplications value { type } } minimumSubtotal { amount currency } } }`,
      { codes: [c] },
      { admin: true },
    );
    expect(created.errors).toBeUndefined();
    const p = created.data.createPromotion;
    expect(p).toMatchObject({
      codes: [c],
      state: "ACTIVE",
      rule: { type: "BUY_X_GET_Y", buy: { quantity: 2, match: { skus: ["SOCK-1"] } }, get: { quantity: 1, percent: 100 }, maxApplications: 3, value: null },
    });
    const updated = await gql(
      `mutation($id: ID!) { updatePromotion(id: $id, input: { rule: { type: ORDER, value: { type: FIXED, amounts: [{ amount: 500, currency: "EUR" }] } }, usageLimit: 5 }) { rule { type value { type amounts { amount } percent } } usageLimit } }`,
      { id: p.id },
      { admin: true },
    );
    expect(updated.data.updatePromotion).toEqual({ rule: { type: "ORDER", value: { type: "FIXED", amounts: [{ amount: 500 }], percent: null } }, usageLimit: 5 });
    const cleared = await gql(`mutation($id: ID!) { updatePromotion(id: $id, input: { usageLimit: null }) { usageLimit } }`, { id: p.id }, { admin: true });
    expect(cleared.data.updatePromotion.usageLimit).toBeNull();
    const listed = await gql(`query($code: String) { promotions(first: 5, code: $code) { edges { node { id title } } } }`, { code: c }, { admin: true });
    expect(listed.data.promotions.edges.map((e: any) => e.node.id)).toEqual([p.id]);
    const bad = await gql(`mutation { createPromotion(input: { title: "x", trigger: AUTOMATIC, rule: { type: LINES, value: { type: PERCENTAGE, percent: 10 } } }) { id } }`, {}, { admin: true });
    expect(bad.errors![0]!.extensions).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(bad.errors![0]!.extensions.errors.map((e: any) => e.pointer)).toContain("/rule/match");
    const anonymous = await gql(`{ promotions(first: 1) { edges { node { id } } } }`);
    expect(anonymous.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
  });
});

describe("promotion events in the AsyncAPI document", () => {
  it("lists promotion.created, promotion.updated and promotion.deleted", async () => {
    const doc = (await call("GET", "/asyncapi.json")).body;
    const text = JSON.stringify(doc);
    for (const type of ["promotion.created", "promotion.updated", "promotion.deleted"]) expect(text).toContain(type);
  });
});

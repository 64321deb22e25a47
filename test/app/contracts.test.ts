import { describe, expect, it } from "vitest";
import { call, unique } from "../support/helpers";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

type Operation = { operationId?: string; security?: unknown[] };

async function operations(): Promise<{ method: string; path: string; op: Operation }[]> {
  const doc = (await call("GET", "/openapi.json")).body;
  return Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ method, path, op })),
  );
}

/** Every `$ref` in a document must point at something that exists in it (JSON Pointer, RFC 6901). */
function danglingRefs(doc: unknown): string[] {
  const resolve = (ref: string) =>
    ref
      .slice(2)
      .split("/")
      .map((token) => decodeURIComponent(token).replaceAll("~1", "/").replaceAll("~0", "~"))
      .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), doc);
  const dangling: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string" && (!value.startsWith("#/") || resolve(value) === undefined)) dangling.push(value);
        else walk(value);
      }
    }
  };
  walk(doc);
  return dangling;
}

describe("API contracts that tools and SDK generators accept", () => {
  it("gives every REST operation a unique, readable operationId (they become SDK method names)", async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(60);
    const missing = ops.filter(({ op }) => !op.operationId).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
    const ids = ops.map(({ op }) => op.operationId!);
    for (const id of ids) expect(id, id).toMatch(/^[a-z][a-zA-Z0-9]{2,59}$/);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(duplicates).toEqual([]);
  });

  it("keeps the published operationIds (renaming one breaks every generated client)", async () => {
    const ids = new Set((await operations()).map(({ op }) => op.operationId));
    const published = [
      "listProducts", "getProduct", "listCategories", "getCategory", "searchProducts", "createProduct", "updateProduct", "archiveProduct",
      "deleteProduct", "createVariant", "updateVariant", "deleteVariant", "createCategory", "updateCategory", "deleteCategory",
      "signUpCustomer", "signInCustomer", "signOutCustomer", "getMe", "updateMe", "changeMyPassword", "listMyAddresses", "createMyAddress",
      "updateMyAddress", "deleteMyAddress", "listCustomers", "getCustomer", "getStockLevel", "listStockLedger", "setStock", "adjustStock",
      "setStockLevels", "createCart", "getCart", "updateCart", "addCartLine", "updateCartLine", "removeCartLine", "checkoutCart",
      "listOrders", "getOrder", "markOrderPaid", "fulfilOrder", "cancelOrder", "approveOrder", "refundOrder", "readOrderFeed",
      "createOrderFeedTicket", "createWebhookEndpoint", "listWebhookEndpoints", "getWebhookEndpoint", "updateWebhookEndpoint",
      "deleteWebhookEndpoint", "rotateWebhookEndpointSecret", "listWebhookDeliveries", "getWebhookDelivery", "redeliverWebhookDelivery",
      "listEvents", "getEvent", "listDeadLetters", "replayDeadLetter", "listProductRecommendations", "listRecommendationsForProducts",
      "listCartRecommendations", "listMyRecommendations",
      "createPromotion", "listPromotions", "getPromotion", "updatePromotion", "deletePromotion", "addDiscountCodes", "removeDiscountCode",
      "listPromotionRedemptions", "applyCartDiscountCode", "removeCartDiscountCode", "issueGiftCard", "listGiftCards", "checkGiftCardBalance",
      "getGiftCard", "updateGiftCard", "adjustGiftCardBalance", "listGiftCardTransactions", "listMyGiftCards", "applyCartGiftCard", "removeCartGiftCard",
    ];
    expect(published.filter((id) => !ids.has(id))).toEqual([]);
  });

  it("declares security on every operation; public ones say `security: []`", async () => {
    const ops = await operations();
    expect(ops.filter(({ op }) => !Array.isArray(op.security)).map(({ method, path }) => `${method} ${path}`)).toEqual([]);
    const byId = new Map(ops.map(({ op }) => [op.operationId, op.security]));
    for (const id of ["listCategories", "getCategory", "searchProducts", "signUpCustomer", "signInCustomer"]) expect(byId.get(id), id).toEqual([]);
    expect(byId.get("createProduct")).toEqual([{ adminApiKey: [] }, { staffSession: [] }]);
    // Optional credentials: the empty requirement first.
    expect(byId.get("createCart")).toEqual([{}, { customerToken: [] }]);
  });

  it("has no two paths that differ only in parameter names", async () => {
    const paths = [...new Set((await operations()).map(({ path }) => path))];
    const shapes = paths.map((p) => p.replace(/\{[^}]+\}/g, "{}"));
    expect(shapes.filter((s, i) => shapes.indexOf(s) !== i)).toEqual([]);
  });

  it("resolves every $ref in /openapi.json and /asyncapi.json inside the document", async () => {
    const openapi = (await call("GET", "/openapi.json")).body;
    const asyncapi = (await call("GET", "/asyncapi.json")).body;
    expect(danglingRefs(openapi)).toEqual([]);
    expect(danglingRefs(asyncapi)).toEqual([]);
    // Shared payload schemas live in components, once, not in each payload.
    expect(asyncapi.components.schemas.Money.properties.amount.type).toBe("integer");
    expect(JSON.stringify(asyncapi)).not.toMatch(/"(\$defs|definitions)"/);
  });

  it("never makes a shared component nullable: a nullable use is anyOf [ref, null] at the use", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const schemas = doc.components.schemas as Record<string, { type?: unknown; nullable?: boolean }>;
    const nullable = Object.entries(schemas)
      .filter(([, s]) => (Array.isArray(s.type) && s.type.includes("null")) || s.nullable === true)
      .map(([name]) => name);
    expect(nullable).toEqual([]);
    // The shapes that were once re-registered as nullable are still referenced, nullable only where used so.
    expect(schemas.Order && JSON.stringify((schemas.Order as { properties: Record<string, unknown> }).properties.totals)).toBe(JSON.stringify({ $ref: "#/components/schemas/Totals" }));
  });

  it("takes an id or a slug on every product and category path, as the one parameter name says", async () => {
    const slug = unique("by-slug");
    const category = await call("POST", "/v1/categories", { admin: true, body: { name: "By slug", slug } });
    expect((await call("PATCH", `/v1/categories/${slug}`, { admin: true, body: { name: "Renamed by slug" } })).body.name).toBe("Renamed by slug");
    expect((await call("DELETE", `/v1/categories/${slug}`, { admin: true })).status).toBe(204);
    expect((await call("GET", `/v1/categories/${category.body.id}`)).status).toBe(404);

    const product = await call("POST", "/v1/products", { admin: true, body: { title: "By slug", slug, status: "active" } });
    expect((await call("POST", `/v1/products/${slug}/variants`, { admin: true, body: { sku: unique("SLUG").toUpperCase(), price: { amount: 100, currency: "EUR" } } })).status).toBe(201);
    expect((await call("POST", `/v1/products/${slug}/archive`, { admin: true })).body.status).toBe("archived");
    expect((await call("DELETE", `/v1/products/${slug}`, { admin: true })).status).toBe(204);
    expect((await call("GET", `/v1/products/${product.body.id}`, { admin: true })).status).toBe(404);
  });
});

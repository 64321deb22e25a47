import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createProduct } from "../support/fixtures";

function value<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`RPC failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

// The catalog's WorkerEntrypoint is what another Worker reaches over a service binding; `exports`
// gives the same loopback stub a binding would, so these calls cross the real RPC boundary.
describe("CatalogService over RPC", () => {
  it("serves products, search and the category tree with the service's rules", async () => {
    const word = `rpc${Math.random().toString(36).slice(2, 8)}`;
    const product = await createProduct({ title: `RPC ${word} lamp` });
    const draft = await createProduct({ status: "draft" });

    const fetched = value(await exports.CatalogService.getProduct(product.slug));
    expect(fetched.id).toBe(product.id);
    expect(fetched.variants).toHaveLength(1);

    const page = value(await exports.CatalogService.listProducts({ limit: 100 }));
    expect(page.items.map((p) => p.id)).toContain(product.id);
    expect(page.items.map((p) => p.id)).not.toContain(draft.id);

    const hits = value(await exports.CatalogService.searchProducts({ q: word }));
    expect(hits.items.map((h) => h.product.id)).toEqual([product.id]);
    expect(Array.isArray(value(await exports.CatalogService.categoryTree()))).toBe(true);
  });

  it("returns the service's errors as data: hidden products and bad input", async () => {
    const draft = await createProduct({ status: "draft" });
    expect(await exports.CatalogService.getProduct(draft.id)).toEqual({ ok: false, error: { code: "NOT_FOUND", message: `Product '${draft.id}' was not found.` } });
    const bad = await exports.CatalogService.listProducts({ limit: 5000 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ pointer: "/limit" }] });
  });
});

import { call, unique } from "./helpers";

/** Create a category through the admin API and return it. */
export async function createCategory(body: Record<string, unknown> = {}) {
  const res = await call("POST", "/v1/categories", { admin: true, body: { name: unique("Category"), ...body } });
  if (res.status !== 201) throw new Error(`category: ${res.status} ${res.text}`);
  return res.body as { id: string; slug: string; path?: string; parentId: string | null; depth: number };
}

/** Create an active product with variants through the admin API and return it. */
export async function createProduct(body: Record<string, unknown> = {}, variants = [{ price: 1999 }]) {
  const title = (body.title as string) ?? unique("Product");
  const res = await call("POST", "/v1/products", {
    admin: true,
    body: {
      title,
      status: "active",
      variants: variants.map((v) => ({ sku: unique("SKU").toUpperCase(), price: { amount: v.price, currency: "EUR" } })),
      ...body,
    },
  });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${res.text}`);
  return res.body as { id: string; slug: string; title: string; status: string; variants: { id: string; sku: string }[]; categoryIds: string[] };
}
